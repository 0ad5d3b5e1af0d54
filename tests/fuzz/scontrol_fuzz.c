/*
 * scontrol_fuzz.c - reading captured "scontrol -o show node" output.
 *
 * Input: NODE NAME %% KEY %% OUTPUT.  Properties:
 *   - pihpc_scontrol_field() finds KEY (and the keys pihpc reads) only
 *     as a whole "KEY=" word, and its value is that word's rest;
 *   - pihpc_node_join() on OUTPUT succeeds exactly when a line describes
 *     the node, and then sets the address the hosts key gives it exactly
 *     when the NodeAddr of the node's first line differs;
 *   - pihpc_node_leave() with OUTPUT as scontrol's complaint either
 *     succeeds or says why.
 */
#include "fuzz.h"

/* A runner answering every command with [out] and exit status [rc]. */
struct canned {
	const char *out;
	int rc;
	unsigned calls;
	long clock;
	int updated;		/* "scontrol update" was run */
	struct strbuf update;	/* its arguments */
};

static int
_run(void *data, char *const argv[], const char *in, size_t inlen,
     struct strbuf *out, struct strbuf *errout, char *err, size_t errlen)
{
	struct canned *c = data;

	(void)in;
	(void)inlen;
	c->calls++;
	FUZZ_ASSERT(c->calls < 100, "%u calls", c->calls);
	if (!strcmp(argv[1], "update")) {
		c->updated = 1;
		strbuf_addf(&c->update, "%s %s", argv[2], argv[3]);
		return 0;
	}
	if (c->rc) {
		if (errout)
			strbuf_addstr(errout, c->out);
		(void)pihpc_err(err, errlen, "'%s' failed", argv[0]);
		return 1;
	}
	if (out)
		strbuf_addstr(out, c->out);
	return 0;
}

static void
_sleep(void *data, unsigned seconds)
{
	((struct canned *)data)->clock += seconds;
}

static long
_now(void *data)
{
	return ((struct canned *)data)->clock;
}

/*
 * Check pihpc_scontrol_field([line], [key]) against the plainest search:
 * the first offset where "KEY=" starts the line or follows a blank.
 */
static void
_field(const char *line, const char *key)
{
	struct strbuf v = STRBUF_INIT;
	size_t i, kl = strlen(key);
	const char *want = NULL;
	int found = pihpc_scontrol_field(line, key, &v);

	for (i = 0; kl && line[i] && !want; i++)
		if ((!i || line[i - 1] == ' ') && !strncmp(line + i, key, kl) &&
		    line[i + kl] == '=')
			want = line + i + kl + 1;
	FUZZ_ASSERT(found == (want != NULL), "'%s' found %d in '%s'", key,
		    found, line);
	if (want)
		FUZZ_ASSERT(v.len == strcspn(want, " \t\n") &&
			    !strncmp(v.buf, want, v.len),
			    "value of '%s' is '%s' in '%s'", key, v.buf, line);
	else
		FUZZ_ASSERT(!v.len, "'%s' not found but value '%s'", key, v.buf);
	strbuf_release(&v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part[3];
	struct pihpc_runner r = { _run, _sleep, _now, NULL };
	struct canned c = { NULL, 0, 0, 0, 0, STRBUF_INIT };
	struct strlist done = STRLIST_INIT;
	struct strbuf warning = STRBUF_INIT, v = STRBUF_INIT;
	struct strbuf addr = STRBUF_INIT, want = STRBUF_INIT;
	struct pihpc_conf conf;
	char *name, *key, *out, *p, err[1024];
	int rc, timed_out = 0, listed = 0;

	(void)fuzz_split(data, size, part, 3);
	name = fuzz_str(&part[0]);
	key = fuzz_str(&part[1]);
	out = fuzz_str(&part[2]);

	for (p = out; *p;) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);

		_field(line, key);
		_field(line, "NodeName");
		_field(line, "NodeAddr");
		/* join takes the first line that names the node */
		if (!listed && pihpc_scontrol_field(line, "NodeName", &v) &&
		    !strcmp(v.buf, name)) {
			listed = 1;
			(void)pihpc_scontrol_field(line, "NodeAddr", &addr);
		}
		free(line);
		p += n;
		if (*p)
			p++;
	}

	pihpc_conf_init(&conf);
	r.data = &c;
	c.out = out;
	err[0] = '\0';
	rc = pihpc_node_join(&r, &conf, name, 0, &timed_out, &done, err,
			     sizeof(err));
	FUZZ_ASSERT(rc == (listed ? 0 : -1), "join returned %d, node %s listed",
		    rc, listed ? "is" : "is not");
	FUZZ_ASSERT(timed_out == !listed, "timed_out %d", timed_out);
	FUZZ_ASSERT(rc == 0 || err[0], "join failed without a message");
	FUZZ_ASSERT(c.updated == (int)done.nr, "address changed %d, reported %zu",
		    c.updated, done.nr);
	/* the hosts key's address, set only where it differs */
	if (listed && pihpc_conf_host_addr(&conf, name, &v) &&
	    strcmp(v.buf, addr.buf))
		strbuf_addf(&want, "nodename=%s nodeaddr=%s", name, v.buf);
	FUZZ_ASSERT(!strcmp(c.update.buf, want.buf),
		    "scontrol update '%s', want '%s'", c.update.buf, want.buf);

	c.rc = 1;
	c.calls = 0;
	err[0] = '\0';
	strlist_clear(&done);
	rc = pihpc_node_leave(&r, name, &done, &warning, err, sizeof(err));
	FUZZ_ASSERT(rc == 0 || err[0], "leave failed without a message");
	FUZZ_ASSERT(rc < 0 || !done.nr, "leave reported a deletion that failed");

	pihpc_conf_release(&conf);
	strlist_clear(&done);
	strbuf_release(&warning);
	strbuf_release(&v);
	strbuf_release(&addr);
	strbuf_release(&want);
	strbuf_release(&c.update);
	free(name);
	free(key);
	free(out);
	return 0;
}
