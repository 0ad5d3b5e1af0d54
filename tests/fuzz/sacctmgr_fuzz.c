/*
 * sacctmgr_fuzz.c - registering accounting on captured sacctmgr output.
 *
 * Input: ACCOUNTING_USERS %% ACCOUNTING_USER_LIMITS %% then the output of
 * each sacctmgr call in turn, "%%"-separated; an answer starting with "!"
 * is a failure whose stderr is the rest.  Values the cluster.conf check
 * refuses are replaced by the defaults.  Properties:
 *   - registration succeeds or says why, and never runs more commands
 *     than it has users to handle;
 *   - the GrpTRES update from limits to what sacctmgr shows is empty
 *     when both are the same limits, and starts with the wanted limits
 *     otherwise.
 */
#include <ctype.h>
#include <strings.h>

#include "fuzz.h"

#define MAX_ANSWERS 16

struct answers {
	struct fuzz_part part[MAX_ANSWERS];
	size_t nr;
	size_t next;
	long clock;
};

static int
_run(void *data, char *const argv[], const char *in, size_t inlen,
     struct strbuf *out, struct strbuf *errout, char *err, size_t errlen)
{
	struct answers *a = data;
	const struct fuzz_part *p;

	(void)argv;
	(void)in;
	(void)inlen;
	if (a->next >= a->nr) {
		a->next++;
		return 0;
	}
	p = &a->part[a->next++];
	if (p->n && p->p[0] == '!') {
		if (errout)
			strbuf_add(errout, p->p + 1, p->n - 1);
		(void)pihpc_err(err, errlen, "sacctmgr failed");
		return 1;
	}
	if (out)
		strbuf_add(out, p->p, p->n);
	return 0;
}

static void
_sleep(void *data, unsigned seconds)
{
	((struct answers *)data)->clock += seconds;
}

static long
_now(void *data)
{
	return ((struct answers *)data)->clock;
}

/*
 * True when two limits of [tres] have the same name (also when cut to
 * the 63 bytes acct.c keeps): the check of accounting_user_limits lets
 * that through for now, and then the update cannot be empty.
 */
static int
_dup_names(const char *tres)
{
	struct strlist names = STRLIST_INIT;
	const char *p = tres;
	size_t n;
	int dup;

	while (*p) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);

		if (eq) {
			char *name = xstrndup(p, (size_t)(eq - p) > 63 ? 63 :
					      (size_t)(eq - p));
			size_t i;

			for (i = 0; name[i]; i++)
				name[i] = (char)tolower((unsigned char)name[i]);
			strlist_push(&names, name);
			free(name);
		}
		p += len;
		if (*p)
			p++;
	}
	n = names.nr;
	fuzz_sort_unique(&names);
	dup = names.nr != n;
	strlist_clear(&names);
	return dup;
}

/* Replace key [k] of [c] with [v] if the check of the key accepts it. */
static void
_set(struct pihpc_conf *c, enum pihpc_key k, const char *v)
{
	char err[512];

	if (pihpc_conf_check_value(pihpc_conf_key_name(k), v, err,
				   sizeof(err)) < 0)
		return;
	free(c->val[k]);
	c->val[k] = xstrdup(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pihpc_runner r = { _run, _sleep, _now, NULL };
	struct answers a;
	struct strlist done = STRLIST_INIT;
	struct strbuf set = STRBUF_INIT, have = STRBUF_INIT;
	struct pihpc_conf c;
	char *users, *limits, err[1024];
	const char *p;
	size_t nusers = 0;
	int rc;

	memset(&a, 0, sizeof(a));
	a.nr = fuzz_split(data, size, a.part, MAX_ANSWERS);
	users = fuzz_str(&a.part[0]);
	limits = fuzz_str(&a.part[1]);
	a.next = 2;
	r.data = &a;

	pihpc_conf_init(&c);
	_set(&c, PIHPC_ACCOUNTING_USERS, users);
	_set(&c, PIHPC_ACCOUNTING_USER_LIMITS, limits);
	for (p = pihpc_conf_get(&c, PIHPC_ACCOUNTING_USERS); *p;) {
		size_t n = strcspn(p, " \t,");

		nusers += n > 0;
		p += n;
		p += strspn(p, " \t,");
	}

	err[0] = '\0';
	rc = pihpc_acct_register(&r, &c, 0, &done, err, sizeof(err));
	FUZZ_ASSERT(rc == 0 || err[0], "registration failed without a message");
	/* show cluster, add cluster, show association, add account,
	 * then add and modify per user */
	FUZZ_ASSERT(a.next - 2 <= 4 + 2 * nusers, "%zu commands for %zu users",
		    a.next - 2, nusers);
	FUZZ_ASSERT(done.nr <= a.next - 2, "%zu changes reported, %zu commands",
		    done.nr, a.next - 2);

	/* the GrpTRES update, against itself and against any answer */
	free(limits);
	limits = xstrdup(pihpc_conf_get(&c, PIHPC_ACCOUNTING_USER_LIMITS));
	if (!_dup_names(limits)) {
		pihpc_tres_update(limits, limits, &set);
		FUZZ_ASSERT(!set.len, "'%s' against itself gives '%s'", limits,
			    set.buf);
	}
	strbuf_add(&have, a.part[2].p, a.part[2].n);
	strbuf_setlen(&have, strlen(have.buf));
	pihpc_tres_update(limits, have.buf, &set);
	FUZZ_ASSERT(!set.len || !strncmp(set.buf, limits, strlen(limits)),
		    "update '%s' to '%s' is '%s'", have.buf, limits, set.buf);

	pihpc_conf_release(&c);
	strlist_clear(&done);
	strbuf_release(&set);
	strbuf_release(&have);
	free(users);
	free(limits);
	return 0;
}
