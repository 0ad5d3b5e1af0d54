/*
 * slurmguard.c - refusing the Slurm packages of an apt run that would
 * break the cluster: a jump past what the new Slurm reads, a node newer
 * than its controller, a slurmctld newer than its slurmdbd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctorparse.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "slurmguard.h"
#include "slurmrel.h"

/* Prefixes of the packages built from slurm-wlm or slurm-smd. */
static const char *const slurm_prefixes[] = {
	"slurm", "libslurm", "libpmi0", "libpmi2-0", "sview", NULL
};

/* A Slurm package the run installs or upgrades. */
struct install {
	const struct pihpc_apt_action *a;
	enum pihpc_slurm_pkg kind;
	struct pihpc_slurm_version nv;
};

/* Problems that have the same reason, with the packages they concern. */
struct groups {
	struct strlist why;
	struct strlist pkgs;	/* "a, b" for each reason */
};

#define GROUPS_INIT { STRLIST_INIT, STRLIST_INIT }

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static void
_group_add(struct groups *g, const char *why, const char *pkg)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < g->why.nr; i++)
		if (!strcmp(g->why.v[i], why))
			break;
	if (i == g->why.nr) {
		strlist_push(&g->why, why);
		strlist_push(&g->pkgs, pkg);
		return;
	}
	strbuf_addf(&sb, "%s, %s", g->pkgs.v[i], pkg);
	free(g->pkgs.v[i]);
	g->pkgs.v[i] = strbuf_detach(&sb, NULL);
}

/* Each group as one problem line, then the groups emptied. */
static void
_group_flush(struct groups *g, struct strlist *problems)
{
	size_t i;

	for (i = 0; i < g->why.nr; i++)
		strlist_pushf(problems,
			      _("refusing to install %s: %s (see pihpc-upgrade(8))"),
			      g->pkgs.v[i], g->why.v[i]);
	strlist_clear(&g->why);
	strlist_clear(&g->pkgs);
}

static int
_is(const struct pihpc_guard_env *env, enum pihpc_key k)
{
	return !strcmp(env->host, pihpc_conf_get(env->conf, k));
}

/* The Slurm packages the run installs, each once, into [v] ([n]). */
static size_t
_installs(const struct pihpc_apthook *h, struct install *v,
	  struct strlist *problems)
{
	struct strlist seen = STRLIST_INIT;
	size_t i, n = 0;

	for (i = 0; i < h->nr; i++) {
		const struct pihpc_apt_action *a = &h->v[i];
		enum pihpc_slurm_pkg kind = pihpc_slurm_pkg_kind(a->pkg);

		if (kind == PIHPC_SLURM_PKG_NONE || a->op == PIHPC_APT_REMOVE ||
		    strlist_has(&seen, a->pkg))
			continue;
		strlist_push(&seen, a->pkg);
		if (pihpc_debversion_slurm(a->newver, &v[n].nv) < 0) {
			strlist_pushf(problems,
				      _("refusing to install %s %s: not a Slurm version (see pihpc-upgrade(8))"),
				      a->pkg, a->newver);
			continue;
		}
		v[n].a = a;
		v[n].kind = kind;
		n++;
	}
	strlist_clear(&seen);
	return n;
}

/*
 * The oldest Slurm version the run upgrades or removes into [v]; 0, or
 * -1 when it touches no installed Slurm package.
 */
static int
_oldest_old(const struct pihpc_apthook *h, struct pihpc_slurm_version *v)
{
	struct pihpc_slurm_version o;
	size_t i;
	int found = 0;

	for (i = 0; i < h->nr; i++) {
		const struct pihpc_apt_action *a = &h->v[i];

		if (!a->oldver || pihpc_slurm_pkg_kind(a->pkg) == PIHPC_SLURM_PKG_NONE ||
		    pihpc_debversion_slurm(a->oldver, &o) < 0)
			continue;
		if (!found || pihpc_slurm_version_cmp(&o, v, 1) < 0)
			*v = o;
		found = 1;
	}
	return found ? 0 : -1;
}

/* Each install within the window of releases it reads. */
static void
_check_window(const struct pihpc_apthook *h, const struct install *v,
	      size_t n, struct strlist *problems)
{
	struct groups g = GROUPS_INIT;
	struct pihpc_slurm_version from, oldest = { 0, 0, 0 };
	struct strbuf why = STRBUF_INIT;
	int have_oldest = _oldest_old(h, &oldest) == 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pihpc_apt_action *a = v[i].a;

		if (a->oldver && pihpc_debversion_slurm(a->oldver, &from) == 0)
			;
		else if (have_oldest)
			from = oldest;
		else
			continue;
		if (pihpc_slurmrel_upgrade_ok(&from, &v[i].nv, &why) != 1)
			_group_add(&g, why.buf, a->pkg);
	}
	_group_flush(&g, problems);
	strbuf_release(&why);
}

/* Remember the controller's version [v] for when scontrol cannot tell. */
static void
_remember(const struct pihpc_guard_env *env,
	  const struct pihpc_slurm_version *v, struct strlist *warnings)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	char err[512];

	pihpc_path(env->ctx, PIHPC_CONTROLLER_VERSION_PATH, &path);
	pihpc_slurm_version_add(&text, v, 1);
	strbuf_addch(&text, '\n');
	if (pihpc_make_parents(path.buf, 0755, err, sizeof(err)) < 0 ||
	    pihpc_write_atomic(path.buf, text.buf, text.len, 0644, NULL, err,
			       sizeof(err)) < 0)
		strlist_pushf(warnings, "%s", err);
	strbuf_release(&path);
	strbuf_release(&text);
}

/*
 * The controller's Slurm version into [v]: from scontrol, else from
 * what was remembered.  0, or -1 with a warning.
 */
static int
_controller_version(const struct pihpc_guard_env *env,
		    struct pihpc_slurm_version *v, struct strlist *warnings)
{
	char *argv[] = { "timeout", "-k", "2", PIHPC_GUARD_SCONTROL_TIMEOUT,
			 "scontrol", "show", "config", NULL };
	struct strbuf out = STRBUF_INIT, errout = STRBUF_INIT,
		      val = STRBUF_INIT, one = STRBUF_INIT,
		      path = STRBUF_INIT;
	char err[512], ferr[512];
	int rc;

	err[0] = '\0';
	rc = env->run->run(env->run->data, argv, NULL, 0, &out, &errout, err,
			   sizeof(err));
	if (rc == 0 && pihpc_scontrol_config_value(out.buf, "SLURM_VERSION", &val) &&
	    pihpc_slurm_version_parse(val.buf, v) == 0) {
		_remember(env, v, warnings);
		rc = 0;
		goto out;
	}
	if (rc == 0)
		(void)pihpc_err(err, sizeof(err),
				_("no SLURM_VERSION in the output of 'scontrol show config'"));
	pihpc_oneline(errout.buf, &one);
	pihpc_path(env->ctx, PIHPC_CONTROLLER_VERSION_PATH, &path);
	strbuf_reset(&val);
	if (pihpc_read_regular(path.buf, 64, &val, ferr, sizeof(ferr)) == 0) {
		strbuf_trim(&val);
		if (pihpc_debversion_slurm(val.buf, v) == 0) {
			strlist_pushf(warnings,
				      _("the controller does not answer ('scontrol show config': %s%s%s); its Slurm version as last seen, in '%s': %s"),
				      err, one.len ? ": " : "", one.buf, path.buf,
				      val.buf);
			rc = 0;
			goto out;
		}
		(void)pihpc_err(ferr, sizeof(ferr),
				_("'%s': not a Slurm version: '%.40s'"), path.buf,
				val.buf);
	}
	strlist_pushf(warnings,
		      _("cannot tell the controller's Slurm version ('scontrol show config': %s%s%s; %s): allowing this node's Slurm packages"),
		      err, one.len ? ": " : "", one.buf, ferr);
	rc = -1;
out:
	strbuf_release(&out);
	strbuf_release(&errout);
	strbuf_release(&val);
	strbuf_release(&one);
	strbuf_release(&path);
	return rc;
}

/* On a node: nothing newer than the controller. */
static void
_check_node(const struct pihpc_guard_env *env, const struct install *v,
	    size_t n, struct strlist *problems, struct strlist *warnings)
{
	struct groups g = GROUPS_INIT;
	struct pihpc_slurm_version ctl;
	struct strbuf why = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].kind == PIHPC_SLURM_PKG_NODE)
			break;
	if (i == n || _controller_version(env, &ctl, warnings) < 0)
		return;
	for (i = 0; i < n; i++)
		if (v[i].kind == PIHPC_SLURM_PKG_NODE &&
		    !pihpc_slurmrel_node_ok(&v[i].nv, &ctl, &why))
			_group_add(&g, why.buf, v[i].a->pkg);
	_group_flush(&g, problems);
	strbuf_release(&why);
}

/* True if the run removes [pkg]. */
static int
_removed(const struct pihpc_apthook *h, const char *pkg)
{
	size_t i;

	for (i = 0; i < h->nr; i++)
		if (h->v[i].op == PIHPC_APT_REMOVE && !strcmp(h->v[i].pkg, pkg))
			return 1;
	return 0;
}

/*
 * The slurmdbd installed now and kept by the run into [v] (dpkg-query);
 * 0, or -1 if there is none.
 */
static int
_installed_dbd(const struct pihpc_guard_env *env, const struct pihpc_apthook *h,
	       struct pihpc_slurm_version *v, struct strbuf *pkg)
{
	char *argv[] = { "dpkg-query", "-W", "-f",
			 "${Package} ${Status} ${Version}\\n", "slurmdbd",
			 "slurm-smd-slurmdbd", NULL };
	struct strbuf out = STRBUF_INIT;
	char err[512];
	const char *p;
	int found = -1;

	if (env->run->run(env->run->data, argv, NULL, 0, &out, NULL, err,
			  sizeof(err)) < 0)
		goto out;
	for (p = out.buf; *p && found < 0;) {
		size_t n = strcspn(p, "\n");
		char line[512];

		if (n < sizeof(line)) {
			char name[128], want[32], ok[32], state[32], ver[128];

			memcpy(line, p, n);
			line[n] = '\0';
			if (sscanf(line, "%127s %31s %31s %31s %127s", name, want,
				   ok, state, ver) == 5 &&
			    !strcmp(state, "installed") && !_removed(h, name) &&
			    pihpc_debversion_slurm(ver, v) == 0) {
				strbuf_reset(pkg);
				strbuf_addf(pkg, "%s %s", name, ver);
				found = 0;
			}
		}
		p += n;
		if (*p)
			p++;
	}
out:
	strbuf_release(&out);
	return found;
}

/* On the controller: no slurmctld newer than the slurmdbd after the run. */
static void
_check_controller(const struct pihpc_guard_env *env,
		  const struct pihpc_apthook *h, const struct install *v,
		  size_t n, struct strlist *problems)
{
	struct pihpc_slurm_version dbd = { 0, 0, 0 };
	struct strbuf dbdname = STRBUF_INIT, c = STRBUF_INIT;
	size_t i;
	int have_dbd = 0;

	for (i = 0; i < n; i++)
		if (v[i].kind == PIHPC_SLURM_PKG_CTLD)
			break;
	if (i == n)
		goto out;
	for (i = 0; i < n; i++)
		if (v[i].kind == PIHPC_SLURM_PKG_DBD &&
		    (!have_dbd || pihpc_slurm_version_cmp(&v[i].nv, &dbd, 1) > 0)) {
			dbd = v[i].nv;
			have_dbd = 1;
			strbuf_reset(&dbdname);
			strbuf_addf(&dbdname, "%s %s", v[i].a->pkg, v[i].a->newver);
		}
	if (!have_dbd && _installed_dbd(env, h, &dbd, &dbdname) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (v[i].kind != PIHPC_SLURM_PKG_CTLD ||
		    pihpc_slurm_version_cmp(&v[i].nv, &dbd, 1) <= 0)
			continue;
		strbuf_reset(&c);
		pihpc_slurm_version_add(&c, &v[i].nv, 1);
		strlist_pushf(problems,
			      _("refusing to install %s: Slurm %s is newer than the slurmdbd installed after this run (%s), and slurmdbd must be upgraded before slurmctld: upgrade slurmdbd first, or in the same run (see pihpc-upgrade(8))"),
			      v[i].a->pkg, c.buf, dbdname.buf);
	}
out:
	strbuf_release(&dbdname);
	strbuf_release(&c);
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

enum pihpc_slurm_pkg
pihpc_slurm_pkg_kind(const char *pkg)
{
	size_t i;

	if (!strcmp(pkg, "slurm") || !strncmp(pkg, "slurm-drmaa", 11))
		return PIHPC_SLURM_PKG_NONE;
	if (!strcmp(pkg, "slurmctld") || !strcmp(pkg, "slurm-smd-slurmctld"))
		return PIHPC_SLURM_PKG_CTLD;
	if (!strcmp(pkg, "slurmdbd") || !strcmp(pkg, "slurm-smd-slurmdbd"))
		return PIHPC_SLURM_PKG_DBD;
	for (i = 0; slurm_prefixes[i]; i++)
		if (!strncmp(pkg, slurm_prefixes[i], strlen(slurm_prefixes[i])))
			return PIHPC_SLURM_PKG_NODE;
	return PIHPC_SLURM_PKG_NONE;
}

size_t
pihpc_guard_check(const struct pihpc_guard_env *env,
		  const struct pihpc_apthook *h, struct strlist *problems,
		  struct strlist *warnings)
{
	struct install *v;
	size_t n, before = problems->nr;
	int ctl;

	v = xmalloc((h->nr ? h->nr : 1) * sizeof(*v));
	n = _installs(h, v, problems);
	if (!n)
		goto out;
	_check_window(h, v, n, problems);
	if (!env->conf || !env->host)
		goto out;
	ctl = _is(env, PIHPC_CONTROLLER);
	if (ctl)
		_check_controller(env, h, v, n, problems);
	else if (!_is(env, PIHPC_STORAGE))
		_check_node(env, v, n, problems, warnings);
out:
	free(v);
	return problems->nr - before;
}
