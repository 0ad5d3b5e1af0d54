/*
 * upgrade.c - "pihpc upgrade" on the controller and "pihpc upgrade
 * follow" on a compute node, in the order of Slurm's upgrade guide:
 * back up the accounting database, upgrade slurmdbd (its first start
 * converts the database), then slurmctld, then each node's slurmd.
 *
 * Slurm's packages pin one another to the exact version (slurmdbd,
 * slurmctld and slurmd all depend on "slurm-smd (= V)", Debian's on
 * "slurm-wlm-basic-plugins (= V)"), so one host's Slurm packages can only
 * move together.  The order between the daemons of the controller is
 * therefore kept by the services, not by apt: slurmctld (and slurmd, if
 * the controller runs one) are stopped and masked for the run while the
 * packages are upgraded, so that only slurmdbd comes back on the new
 * version, and they are started once it answers.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctorparse.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "upgrade.h"

/* apt waits this long for the locks of another apt (unattended-upgrades,
 * an admin's apt) instead of failing at once. */
#define APT_LOCK_WAIT "DPkg::Lock::Timeout=600"

/* Sizes beyond any real state file or slurmdbd.conf. */
#define STATE_MAX ((size_t)64 * 1024)
#define DBD_CONF_MAX ((size_t)1024 * 1024)

/* Everything one run works with. */
struct job {
	const struct pihpc_upgrade_opts *o;
	struct pihpc_upgrade_pkgs pkgs;		/* installed Slurm packages */
	struct pihpc_upgrade_state st;
	struct strlist nodes;			/* compute nodes, in order */
	struct strbuf db;			/* accounting database */
	struct strbuf backup;			/* backup file, root-joined */
	const char *slurmd_pkg;			/* the family's slurmd */
	int has_dbd, has_slurmd;
	int nodes_later;			/* asked once slurmctld runs */
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

__attribute__((format(printf, 2, 3)))
static void
_say(const struct pihpc_upgrade_opts *o, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (o->say)
		o->say(o->say_data, sb.buf);
	strbuf_release(&sb);
}

/*
 * Run [args]; its output into [out] (may be NULL).  0, or -1 with [err]
 * naming the command and what it said on stderr.
 */
static int
_run(const struct pihpc_upgrade_opts *o, const struct strlist *args,
     struct strbuf *out, char *err, size_t errlen)
{
	char **argv = xmalloc((args->nr + 1) * sizeof(*argv));
	struct strbuf errout = STRBUF_INIT, msg = STRBUF_INIT;
	int rc;

	memcpy(argv, args->v, args->nr * sizeof(*argv));
	argv[args->nr] = NULL;
	rc = o->r->run(o->r->data, argv, NULL, 0, out, &errout, err, errlen);
	if (rc > 0) {
		pihpc_oneline(errout.buf, &msg);
		/* no stderr: the runner's own words, copied out of [err] */
		if (!msg.len)
			strbuf_addstr(&msg, err);
		(void)pihpc_err(err, errlen, _("'%s %s' failed: %s"), argv[0],
				args->nr > 1 ? argv[1] : "", msg.buf);
	}
	free(argv);
	strbuf_release(&errout);
	strbuf_release(&msg);
	return rc ? -1 : 0;
}

/* _run() of [words], up to a NULL. */
static int
_runa(const struct pihpc_upgrade_opts *o, struct strbuf *out, char *err,
      size_t errlen, const char *const *words)
{
	struct strlist args = STRLIST_INIT;
	int rc;

	while (*words)
		strlist_push(&args, *words++);
	rc = _run(o, &args, out, err, errlen);
	strlist_clear(&args);
	return rc;
}

/* _runa() of the words given, as a list ending with NULL. */
#define RUNV(o, out, err, errlen, ...) \
	_runa(o, out, err, errlen, (const char *const[]){ __VA_ARGS__, NULL })

/*
 * The installed Slurm packages and their candidates.  'slurm*' covers
 * both families (slurmd, slurm-client, slurm-wlm-*, slurm-smd-*); dpkg-
 * query fails when nothing matches, which is no error here.
 */
static int
_packages(const struct pihpc_upgrade_opts *o, struct pihpc_upgrade_pkgs *p,
	  char *err, size_t errlen)
{
	struct strbuf out = STRBUF_INIT;
	struct strlist args = STRLIST_INIT;
	size_t i;
	int rc = 0;

	(void)RUNV(o, &out, err, errlen, "dpkg-query", "-W", "-f",
		    "${db:Status-Abbrev} ${Package} ${Version}\\n", "slurm*");
	pihpc_dpkg_installed_parse(out.buf, p);
	if (!p->nr)
		goto out;
	strlist_push(&args, "apt-cache");
	strlist_push(&args, "show");
	strlist_push(&args, "--no-all-versions");
	for (i = 0; i < p->nr; i++)
		strlist_push(&args, p->v[i].name);
	strbuf_reset(&out);
	rc = _run(o, &args, &out, err, errlen);
	if (!rc)
		pihpc_apt_candidates_parse(out.buf, p);
out:
	strbuf_release(&out);
	strlist_clear(&args);
	return rc;
}

/*
 * apt-get update.  A source that cannot be reached (a node without the
 * Internet fetches only from the storage node) is no reason to stop:
 * the lists there are still say what can be installed.
 */
static void
_apt_update(const struct pihpc_upgrade_opts *o)
{
	char *argv[] = { "apt-get", "-o", APT_LOCK_WAIT, "update", NULL };
	struct strbuf errout = STRBUF_INIT, msg = STRBUF_INIT;
	char err[1024];
	int rc;

	rc = o->r->run(o->r->data, argv, NULL, 0, NULL, &errout, err,
		       sizeof(err));
	pihpc_oneline(errout.buf, &msg);
	/* apt's warnings (a source it could not fetch, a bad signature)
	 * explain a candidate that is not the expected one */
	if (rc || msg.len)
		_say(o, _("warning: apt-get update: %s; going on with the package lists there are"),
		     msg.len ? msg.buf : err);
	strbuf_release(&errout);
	strbuf_release(&msg);
}

/* True if [p] has a candidate newer than what is installed. */
static int
_newer(const struct pihpc_upgrade_pkg *p)
{
	return p->candidate && pihpc_debver_cmp(p->candidate, p->installed) > 0;
}

/*
 * The lines of apt-get's output [out] that say why it failed: dpkg's
 * errors go to stdout, apt's "E:" summary only names a sub-process.
 */
static void
_apt_tail(const char *out, struct strbuf *tail)
{
	const char *s = out;

	while (*s) {
		size_t n = strcspn(s, "\n");

		if (!strncmp(s, "dpkg: ", 6) || strstr(s, "error") ||
		    !strncmp(s, "E: ", 3)) {
			if (tail->len)
				strbuf_addstr(tail, "; ");
			strbuf_add(tail, s, n);
		}
		s += n + (s[n] == '\n');
	}
}

/*
 * apt-get install of every package of [pkgs] with a newer candidate, at
 * exactly that version; nothing to install is no error.  An earlier run
 * killed inside dpkg is finished first, as apt would refuse to go on.
 */
static int
_apt_install(const struct pihpc_upgrade_opts *o,
	     const struct pihpc_upgrade_pkgs *pkgs, char *err, size_t errlen)
{
	struct strlist args = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT, tail = STRBUF_INIT;
	size_t i, nopts;
	int rc = 0;

	strlist_push(&args, "env");
	strlist_push(&args, "DEBIAN_FRONTEND=noninteractive");
	strlist_push(&args, "apt-get");
	strlist_push(&args, "install");
	strlist_push(&args, "-y");
	strlist_push(&args, "--only-upgrade");
	/* a package apt would remove to solve the dependencies is a
	 * surprise to stop at, not to accept */
	strlist_push(&args, "--no-remove");
	strlist_push(&args, "-o");
	strlist_push(&args, "Dpkg::Options::=--force-confold");
	strlist_push(&args, "-o");
	strlist_push(&args, APT_LOCK_WAIT);
	nopts = args.nr;
	for (i = 0; i < pkgs->nr; i++)
		if (_newer(&pkgs->v[i]))
			strlist_pushf(&args, "%s=%s", pkgs->v[i].name,
				      pkgs->v[i].candidate);
	if (args.nr == nopts)
		goto out;
	rc = RUNV(o, NULL, err, errlen, "env",
		   "DEBIAN_FRONTEND=noninteractive", "dpkg",
		   "--force-confold", "--configure", "-a");
	if (!rc && _run(o, &args, &out, err, errlen) < 0) {
		_apt_tail(out.buf, &tail);
		if (tail.len) {
			size_t n = strlen(err);

			(void)pihpc_err(err + n, errlen - n,
					_(" (apt-get said: %s)"), tail.buf);
		}
		rc = -1;
	}
out:
	strlist_clear(&args);
	strbuf_release(&out);
	strbuf_release(&tail);
	return rc;
}

/* "systemctl VERB [--runtime] UNITS": slurmctld, and slurmd when the
 * controller runs one. */
static int
_ctl_units(const struct job *j, const char *verb, int runtime, char *err,
	   size_t errlen)
{
	struct strlist args = STRLIST_INIT;
	int rc;

	strlist_push(&args, "systemctl");
	strlist_push(&args, verb);
	if (runtime)
		strlist_push(&args, "--runtime");
	strlist_push(&args, "slurmctld.service");
	if (j->has_slurmd)
		strlist_push(&args, "slurmd.service");
	rc = _run(j->o, &args, NULL, err, errlen);
	strlist_clear(&args);
	return rc;
}

/* The state file, read when there is one. */
static int
_state_load(const struct job *j, struct pihpc_upgrade_state *st, char *err,
	    size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int rc = 0;

	pihpc_path(j->o->ctx, PIHPC_UPGRADE_STATE_PATH, &path);
	if (pihpc_read_regular(path.buf, STATE_MAX, &text, err, errlen) < 0) {
		rc = errno == ENOENT ? 0 : -1;
	} else if (pihpc_upgrade_state_parse(text.buf, st) < 0) {
		/* an unreadable state only costs the steps done again */
		pihpc_upgrade_state_release(st);
		strbuf_init(&st->from, 0);
		strbuf_init(&st->target, 0);
	}
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}

/* Record [step] as done, atomically, so a killed run resumes after it. */
static int
_state_done(struct job *j, const char *step, char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	enum pihpc_write_result res;
	int rc;

	if (step && !strlist_has(&j->st.done, step))
		strlist_push(&j->st.done, step);
	pihpc_path(j->o->ctx, PIHPC_UPGRADE_STATE_PATH, &path);
	pihpc_upgrade_state_render(&j->st, &text);
	rc = pihpc_make_parents(path.buf, 0755, err, errlen);
	if (!rc)
		rc = pihpc_write_atomic(path.buf, text.buf, text.len, 0644,
					&res, err, errlen);
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}

static int
_done(const struct job *j, const char *step)
{
	return strlist_has(&j->st.done, step);
}

/* The compute nodes from sinfo, once each, without this host. */
static int
_nodes(struct job *j, char *err, size_t errlen)
{
	struct strbuf out = STRBUF_INIT;
	const char *s;
	int rc;

	rc = RUNV(j->o, &out, err, errlen, "sinfo", "-h", "-N", "-o", "%N");
	for (s = out.buf; !rc && *s;) {
		size_t n = strcspn(s, "\n");
		char *name = xstrndup(s, n);

		if (*name && strcmp(name, j->o->host) &&
		    !strlist_has(&j->nodes, name))
			strlist_push(&j->nodes, name);
		free(name);
		s += n + (s[n] == '\n');
	}
	strbuf_release(&out);
	return rc;
}

/* The database's name, and the backup file for this from -> to: an
 * earlier one of any date if there is one. */
static int
_backup_path(struct job *j, char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf tail = STRBUF_INIT, name = STRBUF_INIT;
	struct dirent *de;
	DIR *d;

	pihpc_path(j->o->ctx, PIHPC_SLURMDBD_CONF_PATH, &path);
	if (pihpc_read_regular(path.buf, DBD_CONF_MAX, &text, err, errlen) < 0) {
		strbuf_release(&path);
		return -1;
	}
	pihpc_slurmdbd_storageloc(text.buf, &j->db);
	/* the file holds the database's password: wipe our copy */
	memset(text.buf, 0, text.len);
	strbuf_release(&text);
	pihpc_upgrade_backup_name(j->db.buf, NULL, j->st.from.buf,
				  j->st.target.buf, &tail);
	pihpc_upgrade_backup_name(j->db.buf, j->o->date, j->st.from.buf,
				  j->st.target.buf, &name);
	pihpc_path(j->o->ctx, PIHPC_UPGRADE_BACKUP_DIR, &path);
	d = opendir(path.buf);
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > tail.len && de->d_name[n - tail.len - 1] == '-' &&
		    !strcmp(de->d_name + n - tail.len, tail.buf)) {
			strbuf_reset(&name);
			strbuf_addstr(&name, de->d_name);
			break;
		}
	}
	if (d)
		(void)closedir(d);
	pihpc_path_join(path.buf, name.buf, &j->backup);
	strbuf_release(&path);
	strbuf_release(&tail);
	strbuf_release(&name);
	return 0;
}

/* fsync [path] (a file or a directory). */
static int
_fsync_path(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0) {
		int e = errno;

		if (fd >= 0)
			(void)close(fd);
		errno = e;
		return pihpc_err_errno(err, errlen, _("cannot sync '%s'"), path);
	}
	return close(fd);
}

/*
 * mysqldump of the accounting database into the backup file: written to
 * a temporary file made 0600 before anything is in it, synced, renamed.
 * mysqldump connects as root over MariaDB's socket, where root needs no
 * password, so none is on a command line or in a file of ours.
 */
static int
_backup(struct job *j, char *err, size_t errlen)
{
	struct strbuf tmp = STRBUF_INIT, dir = STRBUF_INIT, opt = STRBUF_INIT;
	int fd, rc = -1;

	if (!access(j->backup.buf, F_OK)) {
		_say(j->o, _("  the backup %s is already there: kept"),
		     j->backup.buf);
		return 0;
	}
	pihpc_path(j->o->ctx, PIHPC_UPGRADE_BACKUP_DIR, &dir);
	/* root's, as pihpc upgrade runs as root; 0700: the dumps hold the
	 * users' accounting data */
	if (pihpc_dir_ensure(dir.buf, 0700, (uid_t)-1, (gid_t)-1, NULL, err,
			     errlen) < 0)
		goto out;
	strbuf_addf(&tmp, "%s.tmp", j->backup.buf);
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		  O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot create '%s'"),
				      tmp.buf);
		if (fd >= 0)
			(void)close(fd);
		goto out;
	}
	(void)close(fd);
	strbuf_addf(&opt, "--result-file=%s", tmp.buf);
	if (RUNV(j->o, NULL, err, errlen, "mysqldump", "--single-transaction",
		  "--databases", j->db.buf, opt.buf) < 0 ||
	    _fsync_path(tmp.buf, err, errlen) < 0)
		goto unlink;
	if (rename(tmp.buf, j->backup.buf) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot rename '%s' to '%s'"),
				      tmp.buf, j->backup.buf);
		goto unlink;
	}
	rc = _fsync_path(dir.buf, err, errlen);
	goto out;
unlink:
	(void)unlink(tmp.buf);
out:
	strbuf_release(&tmp);
	strbuf_release(&dir);
	strbuf_release(&opt);
	return rc;
}

/* Wait for [check] to succeed; [unit] failing ends the wait early. */
static int
_wait_for(const struct job *j, const char *const *check, const char *want,
	  const char *unit, unsigned timeout, char *err, size_t errlen)
{
	const struct pihpc_upgrade_opts *o = j->o;
	long deadline = o->r->now(o->r->data) + (long)timeout;
	struct strbuf out = STRBUF_INIT;
	struct strlist args = STRLIST_INIT;
	int rc = -1;
	size_t i;

	for (i = 0; check[i]; i++)
		strlist_push(&args, check[i]);
	for (;;) {
		strbuf_reset(&out);
		if (!_run(o, &args, &out, err, errlen) &&
		    (!want || strstr(out.buf, want))) {
			rc = 0;
			break;
		}
		strbuf_reset(&out);
		(void)RUNV(o, &out, err, errlen, "systemctl", "is-active",
			    unit);
		strbuf_trim(&out);
		if (!strcmp(out.buf, "failed")) {
			(void)pihpc_err(err, errlen,
					_("%s failed to start: see 'journalctl -u %s'"),
					unit, unit);
			break;
		}
		if (o->r->now(o->r->data) >= deadline) {
			(void)pihpc_err(err, errlen,
					_("'%s' got no answer within %u s (%s is %s)"),
					check[0], timeout, unit,
					out.len ? out.buf : "?");
			break;
		}
		o->r->sleep(o->r->data, o->poll);
	}
	strbuf_release(&out);
	strlist_clear(&args);
	return rc;
}

/* The runtime drop-in giving slurmdbd's start all the time it needs. */
static int
_dbd_dropin(const struct job *j, int add, char *err, size_t errlen)
{
	static const char text[] =
		"# Written by pihpc upgrade for the start of a new slurmdbd:\n"
		"# its first start converts the accounting database, which may\n"
		"# take long; systemd must not kill it meanwhile.\n"
		"[Service]\n"
		"TimeoutStartSec=infinity\n";
	struct strbuf path = STRBUF_INIT;
	enum pihpc_write_result res;
	int rc;

	pihpc_path(j->o->ctx, PIHPC_UPGRADE_DBD_DROPIN, &path);
	if (add) {
		rc = pihpc_make_parents(path.buf, 0755, err, errlen);
		if (!rc)
			rc = pihpc_write_atomic(path.buf, text,
						sizeof(text) - 1, 0644, &res,
						err, errlen);
	} else {
		rc = unlink(path.buf) < 0 && errno != ENOENT ?
			pihpc_err_errno(err, errlen, _("cannot remove '%s'"),
					path.buf) : 0;
	}
	if (!rc)
		rc = RUNV(j->o, NULL, err, errlen, "systemctl",
			   "daemon-reload");
	strbuf_release(&path);
	return rc;
}

static int
_step_dbd(struct job *j, char *err, size_t errlen)
{
	static const char *const check[] = {
		"sacctmgr", "-n", "show", "cluster", NULL
	};

	if (_dbd_dropin(j, 1, err, errlen) < 0 ||
	    _ctl_units(j, "stop", 0, err, errlen) < 0 ||
	    _ctl_units(j, "mask", 1, err, errlen) < 0 ||
	    _apt_install(j->o, &j->pkgs, err, errlen) < 0 ||
	    RUNV(j->o, NULL, err, errlen, "systemctl", "start",
		  "slurmdbd.service") < 0 ||
	    _wait_for(j, check, NULL, "slurmdbd.service", j->o->dbd_timeout,
		      err, errlen) < 0 ||
	    _dbd_dropin(j, 0, err, errlen) < 0)
		return -1;
	return 0;
}

static int
_step_ctld(struct job *j, char *err, size_t errlen)
{
	static const char *const check[] = { "scontrol", "ping", NULL };

	if (_apt_install(j->o, &j->pkgs, err, errlen) < 0 ||
	    _ctl_units(j, "unmask", 1, err, errlen) < 0 ||
	    RUNV(j->o, NULL, err, errlen, "systemctl", "start",
		  "slurmctld.service") < 0 ||
	    _wait_for(j, check, "is UP", "slurmctld.service",
		      j->o->ctld_timeout, err, errlen) < 0)
		return -1;
	if (j->has_slurmd &&
	    RUNV(j->o, NULL, err, errlen, "systemctl", "start",
		  "slurmd.service") < 0)
		return -1;
	return 0;
}

/* "scontrol -o show node [node]" into [line]. */
static int
_node_line(const struct job *j, const char *node, struct strbuf *line,
	   char *err, size_t errlen)
{
	strbuf_reset(line);
	return RUNV(j->o, line, err, errlen, "scontrol", "-o", "show", "node",
		     node);
}

/* A one-task job on [node] running [cmd]...; output into [out]. */
static int
_srun(const struct job *j, const char *node, struct strbuf *out, char *err,
      size_t errlen, const char *const *cmd)
{
	struct strlist args = STRLIST_INIT;
	size_t i;
	int rc;

	strlist_push(&args, "srun");
	strlist_pushf(&args, "--nodelist=%s", node);
	strlist_push(&args, "--nodes=1");
	strlist_push(&args, "--ntasks=1");
	/* a node full of jobs is left to its timer after half a minute */
	strlist_push(&args, "--immediate=30");
	strlist_push(&args, "--time=1");
	/* the partition's default would be the whole node's memory */
	strlist_push(&args, "--mem=16M");
	strlist_push(&args, "--quiet");
	for (i = 0; cmd[i]; i++)
		strlist_push(&args, cmd[i]);
	rc = _run(j->o, &args, out, err, errlen);
	strlist_clear(&args);
	return rc;
}

/* Whether [node]'s slurmd package has the target version, asked through
 * a job: 1 yes, 0 no, -1 the job did not run (the node is busy). */
static int
_node_has_target(const struct job *j, const char *node)
{
	const char *cmd[] = {
		"dpkg-query", "-W", "-f", "${Version}\\n", j->slurmd_pkg, NULL
	};
	struct strbuf out = STRBUF_INIT;
	char err[512];
	int has = -1;

	if (!_srun(j, node, &out, err, sizeof(err), cmd)) {
		strbuf_trim(&out);
		has = !strcmp(out.buf, j->st.target.buf);
	}
	strbuf_release(&out);
	return has;
}

/* True if the time [t] ("2026-12-02T21:00:00") is after [start], which
 * may be "None" or empty when it was not known. */
static int
_later(const char *t, const char *start)
{
	if (!isdigit((unsigned char)t[0]))
		return 0;
	return !isdigit((unsigned char)start[0]) || strcmp(t, start) > 0;
}

/*
 * Wait until [node]'s slurmd has restarted (SlurmdStartTime no longer
 * [start]) on the target's Slurm release.
 */
static int
_node_wait(const struct job *j, const char *node, const char *start,
	   char *err, size_t errlen)
{
	const struct pihpc_upgrade_opts *o = j->o;
	long deadline = o->r->now(o->r->data) + (long)o->node_timeout;
	struct strbuf line = STRBUF_INIT, t = STRBUF_INIT, v = STRBUF_INIT;
	struct pihpc_slurm_version want, have;
	int rc = -1;

	(void)pihpc_slurm_version_parse(j->st.target.buf, &want);
	for (;;) {
		if (!_node_line(j, node, &line, err, errlen) &&
		    pihpc_node_field(line.buf, "SlurmdStartTime", &t) &&
		    _later(t.buf, start) &&
		    pihpc_node_field(line.buf, "Version", &v) &&
		    !pihpc_slurm_version_parse(v.buf, &have) &&
		    !pihpc_slurm_version_cmp(&have, &want, 1)) {
			rc = 0;
			break;
		}
		if (o->r->now(o->r->data) >= deadline) {
			(void)pihpc_err(err, errlen,
					_("%s: its slurmd did not restart on the new Slurm within %u s (slurmd %s, started %s): see 'journalctl -u %s' on %s"),
					node, o->node_timeout,
					v.len ? v.buf : "?",
					t.len ? t.buf : "?", PIHPC_FOLLOW_UNIT,
					node);
			break;
		}
		o->r->sleep(o->r->data, o->poll);
	}
	strbuf_release(&line);
	strbuf_release(&t);
	strbuf_release(&v);
	return rc;
}

/* "scontrol update nodename=N state=S [reason=R]". */
static int
_node_update(const struct job *j, const char *node, const char *state,
	     const char *reason, char *err, size_t errlen)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	int rc;

	strbuf_addf(&a, "nodename=%s", node);
	strbuf_addf(&b, "state=%s", state);
	if (reason)
		strbuf_addf(&c, "reason=%s", reason);
	/* without a reason, its NULL ends the words early */
	rc = RUNV(j->o, NULL, err, errlen, "scontrol", "update", a.buf, b.buf,
		  reason ? c.buf : NULL);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
	return rc;
}

/* [node]'s SlurmdStartTime into [start], waiting until it is known. */
static int
_node_start(const struct job *j, const char *node, struct strbuf *line,
	    struct strbuf *start, char *err, size_t errlen)
{
	const struct pihpc_upgrade_opts *o = j->o;
	long deadline = o->r->now(o->r->data) + (long)o->ctld_timeout;

	for (;;) {
		if (_node_line(j, node, line, err, errlen) < 0)
			return -1;
		if (pihpc_node_field(line->buf, "SlurmdStartTime", start) &&
		    isdigit((unsigned char)start->buf[0]))
			return 0;
		if (o->r->now(o->r->data) >= deadline)
			return pihpc_err(err, errlen,
					 _("%s: slurmctld does not know when its slurmd started (SlurmdStartTime=%s) after %u s"),
					 node, start->len ? start->buf : "?",
					 o->ctld_timeout);
		o->r->sleep(o->r->data, o->poll);
	}
}

/* The node's drain state: 1 drained by us, 0 not drained, -1 drained
 * by someone else (reason in [why]), -2 unreadable (in [err]). */
static int
_node_drain(const struct job *j, const char *node, const char *ours,
	    struct strbuf *line, struct strbuf *why, char *err, size_t errlen)
{
	int drained;

	if (_node_line(j, node, line, err, errlen) < 0)
		return -2;
	if (pihpc_node_drain_state(line->buf, &drained, why) < 0) {
		(void)pihpc_err(err, errlen, _("%s: no State= in scontrol's answer"),
				node);
		return -2;
	}
	if (!drained)
		return 0;
	return !strcmp(why->buf, ours) ? 1 : -1;
}

/*
 * Upgrade one compute node: its pihpc-slurm-follow.service is started
 * through a job (no ssh needed), the node drained so that no new job
 * lands while slurmd restarts, and resumed once slurmd is back on the
 * new release.  Running jobs go on: slurmstepd keeps them.  0 done, 1
 * skipped or late (why in [err]), -1 error.
 */
static int
_step_node(struct job *j, const char *node, char *err, size_t errlen)
{
	static const char *const trigger[] = {
		"systemctl", "start", "--no-block", PIHPC_FOLLOW_UNIT, NULL
	};
	struct strbuf line = STRBUF_INIT, why = STRBUF_INIT;
	struct strbuf ours = STRBUF_INIT, start = STRBUF_INIT;
	int d, rc = 1;

	strbuf_addf(&ours, PIHPC_UPGRADE_REASON "%s", j->st.target.buf);
	d = _node_drain(j, node, ours.buf, &line, &why, err, errlen);
	if (d == -2)
		goto out;
	if (d == -1) {
		(void)pihpc_err(err, errlen,
				_("%s: skipped: drained by someone else (\"%s\"); resume it and run pihpc upgrade again"),
				node, why.buf);
		goto out;
	}
	/* drained by an earlier run that was stopped: a drained node runs
	 * no job, and the job is how it is reached */
	if (d == 1 && _node_update(j, node, "resume", NULL, err, errlen) < 0)
		goto out;
	if (_node_has_target(j, node) == 1) {
		_say(j->o, _("  %s: already runs %s"), node, j->st.target.buf);
		rc = 0;
		goto out;
	}
	/* read again after the job: a slurmctld that has just restarted
	 * knows a node's SlurmdStartTime ("None" before) only once the
	 * node registered again, which may come after the node ran a job */
	if (_node_start(j, node, &line, &start, err, errlen) < 0)
		goto out;
	if (_srun(j, node, NULL, err, errlen, trigger) < 0)
		_say(j->o, _("  %s: cannot start %s there now (%s): its timer will"),
		     node, PIHPC_FOLLOW_UNIT, err);
	if (_node_update(j, node, "drain", ours.buf, err, errlen) < 0)
		goto out;
	rc = _node_wait(j, node, start.buf, err, errlen) < 0 ? 1 : 0;
	/* resumed only if nobody drained it for another reason meanwhile */
	if (_node_drain(j, node, ours.buf, &line, &why, err + strlen(err),
			errlen - strlen(err)) == 1)
		(void)_node_update(j, node, "resume", NULL, err + strlen(err),
				   errlen - strlen(err));
	/* the package itself, now that the node takes jobs again; a node
	 * too busy to answer is taken at slurmd's word */
	if (!rc && _node_has_target(j, node) == 0) {
		(void)pihpc_err(err, errlen,
				_("%s: slurmd restarted, but its %s is not %s"),
				node, j->slurmd_pkg, j->st.target.buf);
		rc = 1;
	}
out:
	strbuf_release(&line);
	strbuf_release(&why);
	strbuf_release(&ours);
	strbuf_release(&start);
	return rc;
}

/* The plan, one numbered line per step; steps done marked so. */
static void
_plan_print(const struct job *j)
{
	const struct pihpc_upgrade_opts *o = j->o;
	const char *done = _(" (done)");
	unsigned n = 1;
	size_t i;

	_say(o, _("Slurm upgrade %s -> %s:"), j->st.from.buf,
	     j->st.target.buf);
	if (j->has_dbd)
		_say(o, _("%u. back up the database %s to %s%s"), n++,
		     j->db.buf, j->backup.buf,
		     _done(j, "backup") ? done : "");
	_say(o, _("%u. slurmdbd: stop slurmctld%s, upgrade the packages, start slurmdbd (its first start converts the database) and wait for it%s"),
	     n++, j->has_slurmd ? _(" and slurmd") : "",
	     _done(j, "slurmdbd") ? done : "");
	for (i = 0; i < j->pkgs.nr; i++)
		if (_newer(&j->pkgs.v[i]))
			_say(o, "     %s %s -> %s", j->pkgs.v[i].name,
			     j->pkgs.v[i].installed, j->pkgs.v[i].candidate);
	_say(o, _("%u. slurmctld: start it on the new version and wait for it%s"),
	     n++, _done(j, "slurmctld") ? done : "");
	if (j->nodes_later)
		_say(o, _("%u. each compute node: %s upgrades its slurmd, drained meanwhile, then resumed (the nodes are known once slurmctld runs)"),
		     n++, PIHPC_FOLLOW_UNIT);
	for (i = 0; i < j->nodes.nr; i++) {
		struct strbuf step = STRBUF_INIT;

		strbuf_addf(&step, "node %s", j->nodes.v[i]);
		_say(o, _("%u. %s: %s upgrades its slurmd, drained meanwhile, then resumed%s"),
		     n++, j->nodes.v[i], PIHPC_FOLLOW_UNIT,
		     _done(j, step.buf) ? done : "");
		strbuf_release(&step);
	}
}

/* The plan: what is installed, what to reach, what was done already. 1:
 * nothing to do. */
static int
_plan(struct job *j, char *err, size_t errlen)
{
	const struct pihpc_upgrade_opts *o = j->o;
	const struct pihpc_upgrade_pkg *ctld;
	struct pihpc_upgrade_state old = PIHPC_UPGRADE_STATE_INIT;
	int rc = -1, resuming = 0;

	_apt_update(o);
	if (_packages(o, &j->pkgs, err, errlen) < 0)
		goto out;
	ctld = pihpc_upgrade_pkgs_find(&j->pkgs, "slurm-smd-slurmctld");
	j->slurmd_pkg = "slurm-smd-slurmd";
	if (!ctld) {
		ctld = pihpc_upgrade_pkgs_find(&j->pkgs, "slurmctld");
		j->slurmd_pkg = "slurmd";
	}
	if (!ctld || !ctld->candidate) {
		(void)pihpc_err(err, errlen,
				_("slurmctld is not installed here: run pihpc upgrade on the controller"));
		goto out;
	}
	j->has_dbd = pihpc_upgrade_pkgs_find(&j->pkgs, "slurmdbd") ||
		     pihpc_upgrade_pkgs_find(&j->pkgs, "slurm-smd-slurmdbd");
	j->has_slurmd = pihpc_upgrade_pkgs_find(&j->pkgs, j->slurmd_pkg) != NULL;
	if (_state_load(j, &old, err, errlen) < 0)
		goto out;
	if (old.target.len && !strcmp(old.target.buf, ctld->candidate) &&
	    !strlist_has(&old.done, "complete")) {
		_say(o, _("resuming the upgrade to %s"), old.target.buf);
		resuming = 1;
		pihpc_upgrade_state_release(&j->st);
		j->st = old;
		memset(&old, 0, sizeof(old));
	} else if (pihpc_debver_cmp(ctld->candidate, ctld->installed) <= 0) {
		_say(o, _("Slurm %s is installed and apt offers %s: nothing to do"),
		     ctld->installed, ctld->candidate);
		rc = 1;
		goto out;
	} else {
		strbuf_addstr(&j->st.from, ctld->installed);
		strbuf_addstr(&j->st.target, ctld->candidate);
	}
	if (j->has_dbd && _backup_path(j, err, errlen) < 0)
		goto out;
	/* a run stopped before slurmctld was done left it stopped: the
	 * nodes are asked once it runs again */
	if (_nodes(j, err, errlen) < 0) {
		if (!resuming || _done(j, "slurmctld"))
			goto out;
		j->nodes_later = 1;
	}
	rc = 0;
out:
	if (old.from.alloc || old.target.alloc || old.done.nr)
		pihpc_upgrade_state_release(&old);
	return rc;
}

static void
_job_release(struct job *j)
{
	pihpc_upgrade_pkgs_release(&j->pkgs);
	pihpc_upgrade_state_release(&j->st);
	strlist_clear(&j->nodes);
	strbuf_release(&j->db);
	strbuf_release(&j->backup);
}

/* Run the steps not done yet; 0, 1 (nodes left, listed in [err]), -1. */
static int
_execute(struct job *j, char *err, size_t errlen)
{
	struct strbuf left = STRBUF_INIT;
	size_t i;
	int rc = 0;

	if (j->has_dbd && !_done(j, "backup")) {
		_say(j->o, _("backing up %s to %s"), j->db.buf, j->backup.buf);
		if (_backup(j, err, errlen) < 0 ||
		    _state_done(j, "backup", err, errlen) < 0)
			return -1;
	}
	if (!_done(j, "slurmdbd")) {
		_say(j->o, _("slurmdbd: upgrading to %s"), j->st.target.buf);
		if (_step_dbd(j, err, errlen) < 0 ||
		    _state_done(j, "slurmdbd", err, errlen) < 0)
			return -1;
		_say(j->o, _("slurmdbd: upgraded to %s"), j->st.target.buf);
	}
	if (!_done(j, "slurmctld")) {
		_say(j->o, _("slurmctld: upgrading to %s"), j->st.target.buf);
		if (_step_ctld(j, err, errlen) < 0 ||
		    _state_done(j, "slurmctld", err, errlen) < 0)
			return -1;
		_say(j->o, _("slurmctld: upgraded to %s"), j->st.target.buf);
	}
	if (j->nodes_later && _nodes(j, err, errlen) < 0)
		return -1;
	for (i = 0; i < j->nodes.nr; i++) {
		const char *node = j->nodes.v[i];
		struct strbuf step = STRBUF_INIT;

		strbuf_addf(&step, "node %s", node);
		if (!_done(j, step.buf)) {
			int n;

			_say(j->o, _("%s: upgrading to %s"), node,
			     j->st.target.buf);
			n = _step_node(j, node, err, errlen);
			if (!n) {
				n = _state_done(j, step.buf, err, errlen);
				_say(j->o, _("%s: upgraded to %s"), node,
				     j->st.target.buf);
			} else {
				_say(j->o, "  %s", err);
				strbuf_addf(&left, "%s%s", left.len ? ", " : "",
					    node);
				rc = 1;
			}
			if (n < 0) {
				strbuf_release(&step);
				rc = -1;
				break;
			}
		}
		strbuf_release(&step);
	}
	if (!rc)
		rc = _state_done(j, "complete", err, errlen);
	else if (rc > 0)
		(void)pihpc_err(err, errlen,
				_("not upgraded: %s; run pihpc upgrade again to retry them"),
				left.buf);
	strbuf_release(&left);
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_upgrade_cluster(const struct pihpc_upgrade_opts *o, char *err,
		      size_t errlen)
{
	struct job j = { o, PIHPC_UPGRADE_PKGS_INIT, PIHPC_UPGRADE_STATE_INIT,
			 STRLIST_INIT, STRBUF_INIT, STRBUF_INIT, NULL, 0, 0, 0 };
	int rc;

	rc = _plan(&j, err, errlen);
	if (rc) {
		rc = rc > 0 ? 0 : -1;
		goto out;
	}
	_plan_print(&j);
	if (o->dry_run) {
		_say(o, _("dry run: nothing changed"));
		goto out;
	}
	rc = _execute(&j, err, errlen);
	if (!rc)
		_say(o, _("Slurm %s runs on the controller and %zu node(s)"),
		     j.st.target.buf, j.nodes.nr);
out:
	_job_release(&j);
	return rc;
}

int
pihpc_upgrade_follow(const struct pihpc_upgrade_opts *o, char *err,
		     size_t errlen)
{
	struct pihpc_upgrade_pkgs pkgs = PIHPC_UPGRADE_PKGS_INIT;
	struct strbuf out = STRBUF_INIT, ver = STRBUF_INIT;
	struct pihpc_slurm_version ctl, cand;
	size_t i, newer = 0;
	int rc = -1;

	if (RUNV(o, &out, err, errlen, "scontrol", "show", "config") < 0)
		goto out;
	if (!pihpc_scontrol_config_value(out.buf, "SLURM_VERSION", &ver) ||
	    pihpc_slurm_version_parse(ver.buf, &ctl) < 0) {
		(void)pihpc_err(err, errlen,
				_("no SLURM_VERSION in 'scontrol show config'"));
		goto out;
	}
	_apt_update(o);
	if (_packages(o, &pkgs, err, errlen) < 0)
		goto out;
	/* the controller's packages move only with the controller's order */
	if (pihpc_upgrade_pkgs_find(&pkgs, "slurmctld") ||
	    pihpc_upgrade_pkgs_find(&pkgs, "slurm-smd-slurmctld")) {
		_say(o, _("this host runs slurmctld: 'pihpc upgrade' upgrades its Slurm"));
		rc = 0;
		goto out;
	}
	for (i = 0; i < pkgs.nr; i++) {
		const struct pihpc_upgrade_pkg *p = &pkgs.v[i];

		if (!_newer(p))
			continue;
		newer++;
		/* a slurmd newer than slurmctld is not allowed by Slurm */
		if (pihpc_slurm_version_parse(p->candidate, &cand) < 0 ||
		    pihpc_slurm_version_cmp(&cand, &ctl, 1) > 0) {
			_say(o, _("%s %s is newer than the controller's Slurm %s: not installed"),
			     p->name, p->candidate, ver.buf);
			rc = 0;
			goto out;
		}
	}
	if (!newer) {
		_say(o, _("Slurm is up to date (the controller runs %s)"),
		     ver.buf);
		rc = 0;
		goto out;
	}
	for (i = 0; i < pkgs.nr; i++)
		if (_newer(&pkgs.v[i]))
			_say(o, _("upgrading %s %s -> %s"), pkgs.v[i].name,
			     pkgs.v[i].installed, pkgs.v[i].candidate);
	rc = _apt_install(o, &pkgs, err, errlen);
out:
	pihpc_upgrade_pkgs_release(&pkgs);
	strbuf_release(&out);
	strbuf_release(&ver);
	return rc;
}
