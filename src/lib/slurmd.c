/*
 * slurmd.c - this compute node's slurmd options and registration.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "error.h"
#include "file.h"
#include "i18n.h"
#include "slurmd.h"

/* What scontrol says when it cannot talk to slurmctld at all. */
static const char *const unreachable[] = {
	"Unable to contact slurm controller",
	"Could not establish a configuration source",
	"Unable to establish",
	"Connection refused",
	"Communication connection failure",
	"Socket timed out",
	"Zero Bytes were transmitted",
	"No route to host",
	"Network is unreachable",
	NULL
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static int
_contains_any(const char *s, const char *const *words)
{
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcasestr(s, words[i]))
			return 1;
	return 0;
}

/* The line of "scontrol -o show node" output that describes [name]. */
static const char *
_node_line(const char *out, const char *name, struct strbuf *line)
{
	struct strbuf v = STRBUF_INIT;
	const char *p = out, *found = NULL;

	while (*p && !found) {
		size_t len = strcspn(p, "\n");

		strbuf_reset(line);
		strbuf_add(line, p, len);
		if (pihpc_scontrol_field(line->buf, "NodeName", &v) &&
		    !strcmp(v.buf, name))
			found = line->buf;
		p += len;
		if (*p)
			p++;
	}
	strbuf_release(&v);
	return found;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_slurmd_conf_params(const struct pihpc_node *n, const char *feature,
			 struct strbuf *sb)
{
	strbuf_addf(sb, "Sockets=%u CoresPerSocket=%u ThreadsPerCore=%u RealMemory=%lu Feature=%s",
		    n->sockets, n->cores_per_socket, n->threads_per_core,
		    n->real_memory, feature);
}

void
pihpc_slurmd_env_text(const struct pihpc_conf *c, const struct pihpc_node *n,
		      struct strbuf *out)
{
	strbuf_reset(out);
	strbuf_addstr(out, PIHPC_SLURMD_ENV_HEADER);
	strbuf_addf(out, "SLURMD_OPTIONS=--conf-server %s",
		    pihpc_conf_get(c, PIHPC_CONTROLLER));
	if (pihpc_conf_yes(c, PIHPC_NODE_REGISTRATION) && n) {
		strbuf_addstr(out, " -Z --conf \"");
		pihpc_slurmd_conf_params(n, pihpc_conf_get(c, PIHPC_NODE_FEATURE),
					 out);
		strbuf_addch(out, '"');
	}
	strbuf_addch(out, '\n');
}

int
pihpc_slurmd_env(const struct pihpc_ctx *ctx, const struct pihpc_conf *c,
		 struct strlist *done, char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	enum pihpc_write_result res;
	struct pihpc_node n;
	int dynamic = pihpc_conf_yes(c, PIHPC_NODE_REGISTRATION), rc = -1;

	if (dynamic && pihpc_node_detect(ctx, &n, err, errlen) < 0)
		goto out;
	pihpc_slurmd_env_text(c, dynamic ? &n : NULL, &text);
	pihpc_path(ctx, PIHPC_SLURMD_ENV, &path);
	if (pihpc_make_parents(path.buf, 0755, err, errlen) < 0 ||
	    pihpc_write_atomic(path.buf, text.buf, text.len, 0644, &res, err,
			       errlen) < 0)
		goto out;
	if (res == PIHPC_WRITTEN)
		strlist_pushf(done, _("updated '%s'"), path.buf);
	rc = 0;
out:
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}

int
pihpc_short_hostname(const struct pihpc_ctx *ctx, struct strbuf *name,
		     char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT;
	struct utsname u;
	int rc = 0;

	strbuf_reset(name);
	if (pihpc_ctx_is_real_root(ctx)) {
		if (uname(&u) < 0)
			return pihpc_err_errno(err, errlen,
					       _("cannot get the host name"));
		strbuf_addstr(name, u.nodename);
	} else {
		pihpc_path(ctx, "/etc/hostname", &path);
		rc = pihpc_read_file(path.buf, name, err, errlen);
	}
	if (rc == 0) {
		strbuf_setlen(name, strcspn(name->buf, ".\n"));
		strbuf_trim(name);
		if (!name->len)
			rc = pihpc_err(err, errlen, _("this host has no name"));
		else if (pihpc_check_hostname(name->buf) < 0)
			rc = pihpc_err(err, errlen,
				       _("this host's name is not a host name: '%s'"),
				       name->buf);
	}
	strbuf_release(&path);
	return rc;
}

int
pihpc_scontrol_field(const char *line, const char *key, struct strbuf *val)
{
	size_t kl = strlen(key);
	const char *p = line;

	strbuf_reset(val);
	if (!kl)	/* strstr() would find "" at every step, forever */
		return 0;
	while ((p = strstr(p, key)) != NULL) {
		if ((p == line || p[-1] == ' ') && p[kl] == '=') {
			p += kl + 1;
			strbuf_add(val, p, strcspn(p, " \t\n"));
			return 1;
		}
		p++;	/* matches may overlap */
	}
	return 0;
}

int
pihpc_conf_host_addr(const struct pihpc_conf *c, const char *name,
		     struct strbuf *addr)
{
	struct strlist addrs = STRLIST_INIT, names = STRLIST_INIT;
	size_t i;
	int found = 0;

	strbuf_reset(addr);
	pihpc_conf_hosts(c, &addrs, &names);
	for (i = 0; i < names.nr && !found; i++) {
		if (!strcmp(names.v[i], name)) {
			strbuf_addstr(addr, addrs.v[i]);
			found = 1;
		}
	}
	strlist_clear(&addrs);
	strlist_clear(&names);
	return found;
}

int
pihpc_node_join(const struct pihpc_runner *r, const struct pihpc_conf *c,
		const char *name, unsigned timeout, int *timed_out,
		struct strlist *done, char *err, size_t errlen)
{
	char *show[] = { "scontrol", "-o", "show", "node", (char *)name, NULL };
	struct strbuf out = STRBUF_INIT, errout = STRBUF_INIT;
	struct strbuf line = STRBUF_INIT, want = STRBUF_INIT;
	struct strbuf have = STRBUF_INIT, a1 = STRBUF_INIT, a2 = STRBUF_INIT;
	long deadline = r->now(r->data) + (long)timeout;
	int rc;

	*timed_out = 0;
	for (;;) {
		strbuf_reset(&out);
		strbuf_reset(&errout);
		rc = r->run(r->data, show, NULL, 0, &out, &errout, err, errlen);
		if (rc < 0)
			goto out;
		if (rc == 0 && _node_line(out.buf, name, &line))
			break;
		if (r->now(r->data) + PIHPC_JOIN_INTERVAL > deadline) {
			struct strbuf msg = STRBUF_INIT;

			pihpc_oneline(errout.len ? errout.buf : out.buf, &msg);
			(void)pihpc_err(err, errlen,
					_("node '%s' did not register with the controller within %u s (scontrol: %s)"),
					name, timeout,
					msg.len ? msg.buf : _("no answer"));
			strbuf_release(&msg);
			*timed_out = 1;
			rc = -1;
			goto out;
		}
		r->sleep(r->data, PIHPC_JOIN_INTERVAL);
	}

	rc = 0;
	if (!pihpc_conf_host_addr(c, name, &want))
		goto out;
	(void)pihpc_scontrol_field(line.buf, "NodeAddr", &have);
	if (!strcmp(have.buf, want.buf))
		goto out;
	strbuf_addf(&a1, "nodename=%s", name);
	strbuf_addf(&a2, "nodeaddr=%s", want.buf);
	{
		char *update[] = { "scontrol", "update", a1.buf, a2.buf, NULL };
		struct strbuf msg = STRBUF_INIT;

		strbuf_reset(&errout);
		rc = r->run(r->data, update, NULL, 0, &out, &errout, err,
			    errlen);
		if (rc > 0) {
			pihpc_oneline(errout.buf, &msg);
			(void)pihpc_err(err, errlen,
					_("cannot set the address of node '%s' to '%s': %s"),
					name, want.buf, msg.len ? msg.buf : err);
		}
		strbuf_release(&msg);
		if (rc != 0) {
			rc = -1;
			goto out;
		}
	}
	strlist_pushf(done, _("changed NodeAddr of node '%s' from '%s' to '%s'"),
		      name, have.buf, want.buf);
out:
	strbuf_release(&out);
	strbuf_release(&errout);
	strbuf_release(&line);
	strbuf_release(&want);
	strbuf_release(&have);
	strbuf_release(&a1);
	strbuf_release(&a2);
	return rc;
}

void
pihpc_node_join_hints(const struct pihpc_conf *c, const char *name,
		      struct strlist *hints)
{
	const char *ctl = pihpc_conf_get(c, PIHPC_CONTROLLER);

	strlist_push(hints, _("likely causes:"));
	strlist_pushf(hints, _(" - the controller '%s' is down or cannot be reached from this node"),
		      ctl);
	strlist_pushf(hints, _(" - this node's munge key differs from the controller's: run 'pihpc munge check' here and compare 'pihpc munge key status' on both nodes"));
	if (pihpc_conf_yes(c, PIHPC_NODE_REGISTRATION))
		strlist_pushf(hints, _(" - the controller's node table is full (MaxNodeCount=%s): raise max_nodes in /etc/pihpc/cluster.conf on the controller"),
			      pihpc_conf_get(c, PIHPC_MAX_NODES));
	else
		strlist_pushf(hints, _(" - '%s' is not in compute_nodes of /etc/pihpc/cluster.conf on the controller"),
			      name);
	strlist_push(hints, _("see 'journalctl -u slurmd' here and 'journalctl -u slurmctld' on the controller"));
}

int
pihpc_node_leave(const struct pihpc_runner *r, const char *name,
		 struct strlist *done, struct strbuf *warning, char *err,
		 size_t errlen)
{
	struct strbuf arg = STRBUF_INIT, out = STRBUF_INIT;
	struct strbuf errout = STRBUF_INIT, msg = STRBUF_INIT;
	int rc;

	strbuf_reset(warning);
	strbuf_addf(&arg, "nodename=%s", name);
	{
		char *argv[] = { "scontrol", "delete", arg.buf, NULL };

		rc = r->run(r->data, argv, NULL, 0, &out, &errout, err, errlen);
	}
	if (rc == 0) {
		strlist_pushf(done, _("deleted node '%s' from the controller"),
			      name);
	} else if (rc > 0) {
		pihpc_oneline(errout.len ? errout.buf : out.buf, &msg);
		if (strcasestr(msg.buf, "busy")) {
			(void)pihpc_err(err, errlen,
					_("node '%s' still runs jobs; drain it first: scontrol update nodename=%s state=drain reason=..."),
					name, name);
		} else if (strcasestr(msg.buf, "Invalid node name") ||
			   strcasestr(msg.buf, "not found")) {
			rc = 0;		/* not there: nothing to do */
		} else if (_contains_any(msg.buf, unreachable)) {
			strbuf_addf(warning,
				    _("cannot reach the controller to delete node '%s' (%s); nothing to clean"),
				    name, msg.buf);
			rc = 0;
		} else {
			(void)pihpc_err(err, errlen, _("cannot delete node '%s': %s"),
					name, msg.len ? msg.buf : err);
		}
	}
	strbuf_release(&arg);
	strbuf_release(&out);
	strbuf_release(&errout);
	strbuf_release(&msg);
	return rc == 0 ? 0 : -1;
}
