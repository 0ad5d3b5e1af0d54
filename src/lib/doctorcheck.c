/*
 * doctorcheck.c - the node checks of "pihpc doctor".
 *
 * The thresholds are in doctorcheck.h and pihpc-doctor(8).  A check
 * fails only for what stops Slurm or its jobs on this node (in --health
 * mode a failure drains the node); what may still work, or what only
 * the admin can judge, is a warning.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "cmdline.h"
#include "doctorcheck.h"
#include "doctorparse.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "mungecheck.h"
#include "node.h"
#include "proc.h"
#include "slurmd.h"
#include "slurmguard.h"
#include "user.h"

#define MIB (1024ULL * 1024ULL)

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* Append a result whose "found" is [fmt] formatted. */
__attribute__((format(printf, 5, 6)))
static void
_add(struct pihpc_report *r, const char *name, enum pihpc_check_status st,
     const char *fix, const char *fmt, ...)
{
	struct strbuf found = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&found, fmt, ap);
	va_end(ap);
	pihpc_report_add(r, name, st, found.buf, fix);
	strbuf_release(&found);
}

/* [sl] joined with "; " into [out]. */
static void
_join(const struct strlist *sl, struct strbuf *out)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < sl->nr; i++)
		strbuf_addf(out, "%s%s", i ? "; " : "", sl->v[i]);
}

static int
_is(const struct pihpc_doctor_env *env, enum pihpc_key k)
{
	return !strcmp(env->host, pihpc_conf_get(env->conf, k));
}

/* The storage node that is nothing else runs no Slurm daemon. */
static int
_storage_only(const struct pihpc_doctor_env *env)
{
	return _is(env, PIHPC_STORAGE) && !_is(env, PIHPC_CONTROLLER);
}

static int
_runs_slurmd(const struct pihpc_doctor_env *env)
{
	if (_storage_only(env))
		return 0;
	return !_is(env, PIHPC_CONTROLLER) ||
	       pihpc_conf_yes(env->conf, PIHPC_MASTER_IS_COMPUTE);
}

/* ROOT[path] into [text]. */
static int
_read(const struct pihpc_doctor_env *env, const char *path,
      struct strbuf *text, char *err, size_t errlen)
{
	struct strbuf p = STRBUF_INIT;
	int rc;

	rc = pihpc_read_file(pihpc_path(env->ctx, path, &p), text, err, errlen);
	strbuf_release(&p);
	return rc;
}

static int
_real_space(void *data, const char *path, struct pihpc_space *sp, char *err,
	    size_t errlen)
{
	struct statvfs vfs;

	(void)data;
	if (statvfs(path, &vfs) < 0)
		return pihpc_err_errno(err, errlen, _("cannot stat the file system of '%s'"),
				       path);
	sp->total = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
	sp->avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	return 0;
}

static int
_real_munge(void *data, const char *socket, char *err, size_t errlen)
{
	(void)data;
	return pihpc_munge_check(socket, err, errlen);
}

/* 1 if a version was read from [argv]'s output, else [why] says why. */
static int
_version(const struct pihpc_doctor_env *env, char *const argv[],
	 struct pihpc_slurm_version *v, int *missing, struct strbuf *why)
{
	struct strbuf out = STRBUF_INIT;
	int rc = pihpc_doctor_cmd(env, argv, &out, why);

	*missing = rc < 0;
	if (rc == 0 && pihpc_slurm_version_parse(out.buf, v) < 0) {
		strbuf_addf(why, _("no version in the output of '%s -V': '%.60s'"),
			    argv[0], out.buf);
		rc = 1;
	}
	strbuf_release(&out);
	return rc == 0;
}

/*
 * 1 and the controller's version in [v] as the apt guard last saw it: a
 * slurmd newer than its controller cannot reach it, and this still tells
 * why.
 */
static int
_remembered_controller(const struct pihpc_doctor_env *env,
		       struct pihpc_slurm_version *v)
{
	struct strbuf text = STRBUF_INIT;
	char err[256];
	int ok = _read(env, PIHPC_CONTROLLER_VERSION_PATH, &text, err,
		       sizeof(err)) == 0 &&
		 pihpc_slurm_version_parse(text.buf, v) == 0;

	strbuf_release(&text);
	return ok;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_doctor_cmd(const struct pihpc_doctor_env *env, char *const argv[],
		 struct strbuf *out, struct strbuf *why)
{
	struct strbuf errout = STRBUF_INIT, one = STRBUF_INIT;
	char err[512];
	int rc;

	strbuf_reset(out);
	strbuf_reset(why);
	err[0] = '\0';
	rc = env->run->run(env->run->data, argv, NULL, 0, out, &errout, err,
			   sizeof(err));
	if (rc) {
		pihpc_oneline(errout.buf, &one);
		strbuf_addstr(why, err);
		if (one.len && !strstr(err, one.buf))
			strbuf_addf(why, ": %s", one.buf);
	}
	strbuf_release(&errout);
	strbuf_release(&one);
	return rc;
}

void
pihpc_doctor_env_init(struct pihpc_doctor_env *env,
		      const struct pihpc_ctx *ctx,
		      const struct pihpc_runner *run,
		      const struct pihpc_conf *conf, const char *host)
{
	env->ctx = ctx;
	env->run = run;
	env->conf = conf;
	env->host = host;
	env->space = _real_space;
	env->munge = _real_munge;
	env->data = NULL;
}

void
pihpc_check_munge(const struct pihpc_doctor_env *env, struct pihpc_report *r)
{
	static const char *const names[] = { "munged", NULL };
	struct strbuf found = STRBUF_INIT, socket = STRBUF_INIT;
	char err[1024];
	long pid = 0;
	int rc;

	rc = pihpc_proc_find(env->ctx, names, &found, &pid, err, sizeof(err));
	if (rc < 0) {
		_add(r, "munge", PIHPC_CHECK_FAIL,
		     _("run 'pihpc munge check' as root"), "%s", err);
	} else if (rc == 0 && _storage_only(env)) {
		_add(r, "munge", PIHPC_CHECK_SKIP, NULL,
		     _("munged is not running: the storage node needs no MUNGE"));
	} else if (rc == 0) {
		_add(r, "munge", PIHPC_CHECK_FAIL,
		     _("start it: 'systemctl start munge'; see 'journalctl -u munge'"),
		     _("munged is not running"));
	} else if (env->munge(env->data, pihpc_ctx_is_real_root(env->ctx) ? NULL :
			      pihpc_path(env->ctx, PIHPC_MUNGE_SOCKET, &socket),
			      err, sizeof(err)) < 0) {
		_add(r, "munge", PIHPC_CHECK_FAIL,
		     _("compare 'pihpc munge key status' with the controller's; restart munge after the key changed"),
		     "%s", err);
	} else {
		_add(r, "munge", PIHPC_CHECK_OK, NULL,
		     _("munged runs (pid %ld); a credential made here decodes here"),
		     pid);
	}
	strbuf_release(&found);
	strbuf_release(&socket);
}

void
pihpc_check_slurm_user(const struct pihpc_doctor_env *env,
		       struct pihpc_report *r)
{
	static const char fix[] =
		N_("run 'pihpc user ensure' with the Slurm daemons stopped");
	unsigned long want_uid = pihpc_conf_ulong(env->conf, PIHPC_SLURM_UID);
	unsigned long want_gid = pihpc_conf_ulong(env->conf, PIHPC_SLURM_GID);
	char err[1024];
	uid_t uid;
	gid_t gid, ggid = 0;
	int rc, grc = 0;

	rc = pihpc_user_lookup(env->ctx, "slurm", &uid, &gid, err, sizeof(err));
	if (rc > 0)
		grc = pihpc_group_lookup(env->ctx, "slurm", &ggid, err,
					 sizeof(err));
	if (rc < 0 || grc < 0)
		_add(r, "slurm-user", PIHPC_CHECK_FAIL, _(fix), "%s", err);
	else if (rc == 0)
		_add(r, "slurm-user", PIHPC_CHECK_FAIL, _(fix),
		     _("there is no user 'slurm'"));
	else if (grc == 0)
		_add(r, "slurm-user", PIHPC_CHECK_FAIL, _(fix),
		     _("there is no group 'slurm'"));
	else if ((unsigned long)uid != want_uid ||
		 (unsigned long)ggid != want_gid ||
		 (unsigned long)gid != want_gid)
		_add(r, "slurm-user", PIHPC_CHECK_FAIL, _(fix),
		     _("user 'slurm' has uid %lu and gid %lu, group 'slurm' gid %lu; cluster.conf says uid %lu, gid %lu"),
		     (unsigned long)uid, (unsigned long)gid,
		     (unsigned long)ggid, want_uid, want_gid);
	else
		_add(r, "slurm-user", PIHPC_CHECK_OK, NULL,
		     _("user and group 'slurm' have uid %lu and gid %lu as in cluster.conf"),
		     want_uid, want_gid);
}

void
pihpc_check_nfs(const struct pihpc_doctor_env *env, struct pihpc_report *r)
{
	struct strlist paths = STRLIST_INIT, opts = STRLIST_INIT,
		       bad = STRLIST_INIT, odd = STRLIST_INIT;
	struct strbuf text = STRBUF_INIT, good = STRBUF_INIT, fix = STRBUF_INIT,
		      p = STRBUF_INIT, list = STRBUF_INIT;
	struct pihpc_mount m = PIHPC_MOUNT_INIT;
	const char *storage = pihpc_conf_get(env->conf, PIHPC_STORAGE);
	char err[1024];
	size_t i;

	if (!*storage) {
		_add(r, "nfs", PIHPC_CHECK_SKIP, NULL,
		     _("cluster.conf names no storage node"));
		goto out;
	}
	if (_is(env, PIHPC_STORAGE)) {
		_add(r, "nfs", PIHPC_CHECK_SKIP, NULL,
		     _("this is the storage node: it exports the paths"));
		goto out;
	}
	if (pihpc_nfs_exports_parse(pihpc_conf_get(env->conf, PIHPC_NFS_EXPORTS),
				    &paths, &opts, err, sizeof(err)) < 0 ||
	    _read(env, "/proc/self/mountinfo", &text, err, sizeof(err)) < 0) {
		_add(r, "nfs", PIHPC_CHECK_FAIL,
		     _("see pihpc-fstab(8)"), "%s", err);
		goto out;
	}
	for (i = 0; i < paths.nr; i++) {
		struct stat st;
		const char *path = paths.v[i];

		/* mountinfo has the path as mounted: a link is never one */
		if (lstat(pihpc_path(env->ctx, path, &p), &st) == 0 &&
		    S_ISLNK(st.st_mode))
			strlist_pushf(&bad, _("'%s' is a symbolic link"), path);
		else if (!pihpc_mountinfo_find(text.buf, path, &m))
			strlist_pushf(&bad, _("'%s' is not a mount point"), path);
		else if (strncmp(m.fstype.buf, "nfs", 3))
			strlist_pushf(&odd, _("'%s' is mounted from '%s' (%s), not over NFS"),
				      path, m.source.buf, m.fstype.buf);
		else
			strbuf_addf(&good, "%s%s (%s)", good.len ? ", " : "",
				    path, m.fstype.buf);
	}
	strbuf_addf(&fix, _("mount them ('mount -a -t nfs,nfs4'); is the storage node '%s' up and exporting them? see pihpc-fstab(8)"),
		    storage);
	if (bad.nr) {
		strlist_splice(&bad, &odd);
		_join(&bad, &list);
		_add(r, "nfs", PIHPC_CHECK_FAIL, fix.buf, "%s", list.buf);
	} else if (odd.nr) {
		_join(&odd, &list);
		_add(r, "nfs", PIHPC_CHECK_WARN,
		     _("check /etc/fstab: pihpc mounts them from the storage node"),
		     "%s", list.buf);
	} else if (!paths.nr) {
		_add(r, "nfs", PIHPC_CHECK_SKIP, NULL,
		     _("cluster.conf exports nothing"));
	} else {
		_add(r, "nfs", PIHPC_CHECK_OK, NULL, _("mounted: %s"), good.buf);
	}
out:
	pihpc_mount_release(&m);
	strlist_clear(&paths);
	strlist_clear(&opts);
	strlist_clear(&bad);
	strlist_clear(&odd);
	strbuf_release(&text);
	strbuf_release(&good);
	strbuf_release(&fix);
	strbuf_release(&p);
	strbuf_release(&list);
}

void
pihpc_check_cgroup(const struct pihpc_doctor_env *env, struct pihpc_report *r)
{
	struct pihpc_cgroup_state st = PIHPC_CGROUP_STATE_INIT;
	struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;
	char err[1024];

	if (!_runs_slurmd(env)) {
		_add(r, "cgroup", PIHPC_CHECK_SKIP, NULL,
		     _("no slurmd on this node"));
		goto out;
	}
	/* without a cmdline.txt (not a Pi) only the controllers count */
	if (pihpc_cmdline_path(env->ctx, &path, err, sizeof(err)) < 0)
		strbuf_reset(&path);
	if (pihpc_cgroup_state_read(env->ctx, path.len ? path.buf : NULL, &st,
				    err, sizeof(err)) < 0) {
		_add(r, "cgroup", PIHPC_CHECK_FAIL,
		     _("see 'pihpc cmdline check' and pihpc-cmdline(8)"), "%s",
		     err);
	} else if (pihpc_cgroup_verdict(&st, &msg) < 0) {
		_add(r, "cgroup", PIHPC_CHECK_FAIL,
		     _("see 'pihpc cmdline check' and pihpc-cmdline(8)"), "%s",
		     msg.buf);
	} else if (st.version != 2) {
		_add(r, "cgroup", PIHPC_CHECK_WARN,
		     _("boot with cgroup v2 (the default of Debian 12 and later): Slurm is deprecating cgroup v1"),
		     "%s", msg.buf);
	} else {
		_add(r, "cgroup", PIHPC_CHECK_OK, NULL, "%s", msg.buf);
	}
out:
	pihpc_cgroup_state_clear(&st);
	strbuf_release(&path);
	strbuf_release(&msg);
}

void
pihpc_check_real_memory(const struct pihpc_doctor_env *env,
			struct pihpc_report *r)
{
	static const char *const confs[] = {
		"/etc/slurm/slurm.conf",
		/* configless: the copy slurmd fetched from the controller */
		"/var/lib/slurm/slurmd/conf-cache/slurm.conf",
		NULL
	};
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;
	const char *from = NULL;
	unsigned long total, cfg = 0;
	char err[1024];
	size_t i;

	if (!_runs_slurmd(env)) {
		_add(r, "realmemory", PIHPC_CHECK_SKIP, NULL,
		     _("no slurmd on this node"));
		goto out;
	}
	pihpc_path(env->ctx, "/proc/meminfo", &path);
	if (_read(env, "/proc/meminfo", &text, err, sizeof(err)) < 0 ||
	    pihpc_meminfo_total(path.buf, text.buf, &total, err,
				sizeof(err)) < 0) {
		_add(r, "realmemory", PIHPC_CHECK_FAIL,
		     _("see 'pihpc node detect'"), "%s", err);
		goto out;
	}
	/* slurmd's --conf comes before slurm.conf's line for the node */
	strbuf_reset(&text);
	if (_read(env, PIHPC_SLURMD_ENV, &text, err, sizeof(err)) == 0 &&
	    pihpc_slurmd_env_real_memory(text.buf, &cfg))
		from = PIHPC_SLURMD_ENV;
	for (i = 0; confs[i] && !from; i++) {
		strbuf_reset(&text);
		if (_read(env, confs[i], &text, err, sizeof(err)) == 0 &&
		    pihpc_slurmconf_real_memory(text.buf, env->host, &cfg))
			from = confs[i];
	}
	if (!from)
		_add(r, "realmemory", PIHPC_CHECK_SKIP, NULL,
		     _("no RealMemory configured for '%s' (MemTotal %lu MiB)"),
		     env->host, total);
	else if (cfg > total)
		_add(r, "realmemory", PIHPC_CHECK_FAIL,
		     _("lower it: 'pihpc slurmd env' writes what 'pihpc node detect' finds; in static mode change static_node_params in cluster.conf"),
		     _("RealMemory=%lu in '%s' is more than this node's MemTotal of %lu MiB: Slurm drains it for 'Low RealMemory'"),
		     cfg, from, total);
	else if (cfg > pihpc_real_memory(total))
		_add(r, "realmemory", PIHPC_CHECK_WARN,
		     _("lower it to what 'pihpc node detect' prints, so that a kernel update cannot push MemTotal below it"),
		     _("RealMemory=%lu in '%s' leaves less than 5%% of MemTotal %lu MiB"),
		     cfg, from, total);
	else
		_add(r, "realmemory", PIHPC_CHECK_OK, NULL,
		     _("RealMemory=%lu in '%s', MemTotal %lu MiB"), cfg, from,
		     total);
out:
	strbuf_release(&text);
	strbuf_release(&path);
}

void
pihpc_check_space(const struct pihpc_doctor_env *env, struct pihpc_report *r)
{
	const char *dirs[3];
	int must[3];
	struct strbuf path = STRBUF_INIT, fix = STRBUF_INIT;
	size_t i, n = 0;

	if (_is(env, PIHPC_CONTROLLER)) {
		dirs[n] = PIHPC_STATE_SAVE_DIR;
		must[n++] = 1;
	}
	if (_runs_slurmd(env)) {
		dirs[n] = PIHPC_SLURMD_SPOOL_DIR;
		must[n++] = 1;
	}
	dirs[n] = PIHPC_MYSQL_DIR;
	must[n++] = 0;
	for (i = 0; i < n; i++) {
		struct pihpc_space sp;
		struct stat st;
		unsigned long long avail_mib, total_mib, pct;
		char err[1024];

		pihpc_path(env->ctx, dirs[i], &path);
		strbuf_reset(&fix);
		if (stat(path.buf, &st) < 0) {
			if (must[i])
				_add(r, "space", PIHPC_CHECK_SKIP, NULL,
				     _("'%s' does not exist"), dirs[i]);
			continue;
		}
		if (env->space(env->data, path.buf, &sp, err, sizeof(err)) < 0) {
			_add(r, "space", PIHPC_CHECK_FAIL, NULL, "%s", err);
			continue;
		}
		if (!sp.total) {
			_add(r, "space", PIHPC_CHECK_SKIP, NULL,
			     _("'%s': the file system has no size"), dirs[i]);
			continue;
		}
		avail_mib = sp.avail / MIB;
		total_mib = sp.total / MIB;
		pct = sp.avail / (sp.total / 100 ? sp.total / 100 : 1);
		strbuf_addf(&fix, _("free space on the file system of '%s' (old logs, job output, 'apt clean')"),
			    dirs[i]);
		if (avail_mib < PIHPC_SPACE_FAIL_MIB || pct < PIHPC_SPACE_FAIL_PCT)
			_add(r, "space", PIHPC_CHECK_FAIL, fix.buf,
			     _("'%s': %llu MiB free of %llu MiB (%llu%%)"),
			     dirs[i], avail_mib, total_mib, pct);
		else if (avail_mib < PIHPC_SPACE_WARN_MIB ||
			 pct < PIHPC_SPACE_WARN_PCT)
			_add(r, "space", PIHPC_CHECK_WARN, fix.buf,
			     _("'%s': %llu MiB free of %llu MiB (%llu%%)"),
			     dirs[i], avail_mib, total_mib, pct);
		else
			_add(r, "space", PIHPC_CHECK_OK, NULL,
			     _("'%s': %llu MiB free of %llu MiB (%llu%%)"),
			     dirs[i], avail_mib, total_mib, pct);
	}
	strbuf_release(&path);
	strbuf_release(&fix);
}

void
pihpc_check_rootfs(const struct pihpc_doctor_env *env, struct pihpc_report *r)
{
	struct strbuf text = STRBUF_INIT;
	struct pihpc_mount m = PIHPC_MOUNT_INIT;
	char err[1024];

	if (_read(env, "/proc/self/mountinfo", &text, err, sizeof(err)) < 0)
		_add(r, "rootfs", PIHPC_CHECK_FAIL, NULL, "%s", err);
	else if (!pihpc_mountinfo_find(text.buf, "/", &m))
		_add(r, "rootfs", PIHPC_CHECK_SKIP, NULL,
		     _("no mount at '/' in /proc/self/mountinfo"));
	else if (pihpc_mount_has_opt(m.opts.buf, "ro") ||
		 pihpc_mount_has_opt(m.super.buf, "ro"))
		_add(r, "rootfs", PIHPC_CHECK_FAIL,
		     _("the kernel makes / read-only after disk errors: see 'dmesg', check the SD card or disk (fsck), then reboot"),
		     _("'/' (%s from '%s') is mounted read-only"), m.fstype.buf,
		     m.source.buf);
	else
		_add(r, "rootfs", PIHPC_CHECK_OK, NULL,
		     _("'/' (%s from '%s') is mounted read-write"), m.fstype.buf,
		     m.source.buf);
	pihpc_mount_release(&m);
	strbuf_release(&text);
}

void
pihpc_check_pi(const struct pihpc_doctor_env *env, struct pihpc_report *r)
{
	static const char power_fix[] =
		N_("use a power supply that holds 5 V under load (the official 5.1 V one) and cool the Pi; the bits since boot clear at the next boot");
	char *thr[] = { "vcgencmd", "get_throttled", NULL };
	char *temp[] = { "vcgencmd", "measure_temp", NULL };
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT, what = STRBUF_INIT;
	unsigned long bits;
	long t;
	int rc = pihpc_doctor_cmd(env, thr, &out, &why);

	if (rc < 0) {
		_add(r, "pi", PIHPC_CHECK_SKIP, NULL,
		     _("no vcgencmd: not a Raspberry Pi"));
		goto out;
	}
	if (rc > 0)
		_add(r, "pi-power", PIHPC_CHECK_WARN,
		     _("run 'vcgencmd get_throttled' as root to see why"), "%s",
		     why.buf);
	else if (pihpc_throttled_parse(out.buf, &bits) < 0)
		_add(r, "pi-power", PIHPC_CHECK_WARN, NULL,
		     _("cannot read the output of 'vcgencmd get_throttled': '%.60s'"),
		     out.buf);
	else if (!bits)
		_add(r, "pi-power", PIHPC_CHECK_OK, NULL,
		     _("no under-voltage or throttling since boot (throttled=0x0)"));
	else {
		pihpc_throttled_describe(bits, &what);
		_add(r, "pi-power", bits & PIHPC_THROTTLED_UNDERVOLT ?
		     PIHPC_CHECK_FAIL : PIHPC_CHECK_WARN, _(power_fix),
		     "throttled=0x%lx: %s", bits, what.buf);
	}
	rc = pihpc_doctor_cmd(env, temp, &out, &why);
	if (rc)
		_add(r, "pi-temp", PIHPC_CHECK_WARN,
		     _("run 'vcgencmd measure_temp' as root to see why"), "%s",
		     why.buf);
	else if (pihpc_temp_parse(out.buf, &t) < 0)
		_add(r, "pi-temp", PIHPC_CHECK_WARN, NULL,
		     _("cannot read the output of 'vcgencmd measure_temp': '%.60s'"),
		     out.buf);
	else
		_add(r, "pi-temp", t >= PIHPC_TEMP_FAIL ? PIHPC_CHECK_FAIL :
		     t >= PIHPC_TEMP_WARN ? PIHPC_CHECK_WARN : PIHPC_CHECK_OK,
		     _("cool the Pi (heat sink, fan, air flow): it throttles from 80 \xc2\xb0""C and hard at 85 \xc2\xb0""C"),
		     "%s%ld.%ld \xc2\xb0""C", t < 0 ? "-" : "",
		     (t < 0 ? -t : t) / 10, (t < 0 ? -t : t) % 10);
out:
	strbuf_release(&out);
	strbuf_release(&why);
	strbuf_release(&what);
}

void
pihpc_check_hosts(const struct pihpc_doctor_env *env, struct pihpc_report *r)
{
	struct strlist addrs = STRLIST_INIT, names = STRLIST_INIT,
		       wrong = STRLIST_INIT;
	struct strbuf text = STRBUF_INIT, addr = STRBUF_INIT,
		      missing = STRBUF_INIT, loop = STRBUF_INIT,
		      list = STRBUF_INIT;
	char err[1024];
	size_t i;

	if (_read(env, "/etc/hosts", &text, err, sizeof(err)) < 0) {
		_add(r, "hosts", PIHPC_CHECK_FAIL, _("run 'pihpc hosts apply'"),
		     "%s", err);
		goto out;
	}
	pihpc_conf_hosts(env->conf, &addrs, &names);
	for (i = 0; i < names.nr; i++) {
		if (!pihpc_etc_hosts_lookup(text.buf, names.v[i], &addr))
			strbuf_addf(&missing, "%s%s", missing.len ? ", " : "",
				    names.v[i]);
		else if (strcmp(addr.buf, addrs.v[i]) &&
			 !strcmp(names.v[i], env->host) &&
			 !strncmp(addr.buf, "127.", 4))
			/* Debian's "127.0.1.1 HOST" line, before pihpc's */
			strbuf_addf(&loop, _("'%s' is %s, not %s"), names.v[i],
				    addr.buf, addrs.v[i]);
		else if (strcmp(addr.buf, addrs.v[i]))
			strlist_pushf(&wrong, _("'%s' is %s, not %s"),
				      names.v[i], addr.buf, addrs.v[i]);
	}
	_join(&wrong, &list);
	if (wrong.nr)
		_add(r, "hosts", PIHPC_CHECK_FAIL,
		     _("remove the lines of /etc/hosts that give these names other addresses, then run 'pihpc hosts apply'"),
		     _("/etc/hosts: %s"), list.buf);
	else if (loop.len)
		_add(r, "hosts", PIHPC_CHECK_WARN,
		     _("remove or move below pihpc's block the line '127.0.1.1 HOST' of /etc/hosts"),
		     _("/etc/hosts: %s"), loop.buf);
	else if (missing.len)
		_add(r, "hosts", PIHPC_CHECK_WARN,
		     _("run 'pihpc hosts apply', unless DNS gives these names the addresses of cluster.conf"),
		     _("not in /etc/hosts: %s"), missing.buf);
	else
		_add(r, "hosts", PIHPC_CHECK_OK, NULL,
		     P_("/etc/hosts gives the %zu host of cluster.conf its address",
			"/etc/hosts gives the %zu hosts of cluster.conf their addresses",
			names.nr),
		     names.nr);
out:
	strlist_clear(&addrs);
	strlist_clear(&names);
	strlist_clear(&wrong);
	strbuf_release(&text);
	strbuf_release(&addr);
	strbuf_release(&missing);
	strbuf_release(&loop);
	strbuf_release(&list);
}

void
pihpc_check_clock(const struct pihpc_doctor_env *env, struct pihpc_report *r)
{
	static const char fix[] =
		N_("see 'chronyc sources': MUNGE refuses credentials more than 300 s off (its default TTL), and Slurm then fails with 'Expired credential'");
	char *argv[] = { "chronyc", "tracking", NULL };
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	unsigned long long usec;
	int synced, rc = pihpc_doctor_cmd(env, argv, &out, &why);

	if (rc < 0)
		_add(r, "clock", PIHPC_CHECK_SKIP, NULL,
		     _("no chronyc: cannot tell the clock's offset"));
	else if (rc > 0)
		_add(r, "clock", PIHPC_CHECK_WARN,
		     _("is chrony running? 'systemctl status chrony'"), "%s",
		     why.buf);
	else if (pihpc_chrony_offset(out.buf, &usec, &synced) < 0)
		_add(r, "clock", PIHPC_CHECK_WARN, NULL,
		     _("no 'System time' in the output of 'chronyc tracking'"));
	else if (usec > PIHPC_CLOCK_FAIL_SEC * 1000000ULL)
		_add(r, "clock", PIHPC_CHECK_FAIL, _(fix),
		     _("the clock is %llu.%06llu s off its time source"),
		     usec / 1000000ULL, usec % 1000000ULL);
	else if (usec > PIHPC_CLOCK_WARN_SEC * 1000000ULL || !synced)
		_add(r, "clock", PIHPC_CHECK_WARN, _(fix),
		     synced ? _("the clock is %llu.%06llu s off its time source") :
			      _("the clock is %llu.%06llu s off its time source, and chrony is not synchronised"),
		     usec / 1000000ULL, usec % 1000000ULL);
	else
		_add(r, "clock", PIHPC_CHECK_OK, NULL,
		     _("the clock is %llu.%06llu s off its time source"),
		     usec / 1000000ULL, usec % 1000000ULL);
	strbuf_release(&out);
	strbuf_release(&why);
}

void
pihpc_check_slurm_version(const struct pihpc_doctor_env *env,
			  struct pihpc_report *r)
{
	char *slurmd[] = { "slurmd", "-V", NULL };
	char *sinfo[] = { "sinfo", "-V", NULL };
	char *config[] = { "scontrol", "show", "config", NULL };
	struct pihpc_slurm_version d, c, ctl;
	struct strbuf why = STRBUF_INIT, out = STRBUF_INIT, val = STRBUF_INIT,
		      found = STRBUF_INIT;
	int missing, have_c, have_ctl = 0;

	if (!_runs_slurmd(env)) {
		_add(r, "slurm-version", PIHPC_CHECK_SKIP, NULL,
		     _("no slurmd on this node"));
		goto out;
	}
	if (!_version(env, slurmd, &d, &missing, &why)) {
		if (missing)
			_add(r, "slurm-version", PIHPC_CHECK_SKIP, NULL,
			     _("slurmd is not installed"));
		else
			_add(r, "slurm-version", PIHPC_CHECK_WARN, NULL, "%s",
			     why.buf);
		goto out;
	}
	strbuf_addf(&found, "slurmd %u.%02u.%u", d.major, d.minor, d.micro);
	have_c = _version(env, sinfo, &c, &missing, &why);
	if (have_c)
		strbuf_addf(&found, _(", client commands %u.%02u.%u"), c.major,
			    c.minor, c.micro);
	if (pihpc_doctor_cmd(env, config, &out, &why) == 0 &&
	    pihpc_scontrol_config_value(out.buf, "SLURM_VERSION", &val) &&
	    pihpc_slurm_version_parse(val.buf, &ctl) == 0) {
		have_ctl = 1;
		strbuf_addf(&found, _(", controller %u.%02u.%u"), ctl.major,
			    ctl.minor, ctl.micro);
	} else if (_remembered_controller(env, &ctl)) {
		have_ctl = 1;
		strbuf_addf(&found, _(", controller not reachable, %u.%02u.%u when last seen"),
			    ctl.major, ctl.minor, ctl.micro);
	} else {
		strbuf_addstr(&found, _(", controller not reachable"));
	}
	if (have_ctl && pihpc_slurm_version_cmp(&d, &ctl, 0) > 0)
		_add(r, "slurm-version", PIHPC_CHECK_FAIL,
		     _("upgrade slurmdbd, then slurmctld, then the nodes: the controller refuses a newer slurmd"),
		     _("%s: slurmd is newer than the controller"), found.buf);
	else if (have_c && pihpc_slurm_version_cmp(&d, &c, 1))
		_add(r, "slurm-version", PIHPC_CHECK_WARN,
		     _("install the same Slurm version of slurmd and the client commands ('apt upgrade')"),
		     _("%s: slurmd and the client commands differ"), found.buf);
	else
		_add(r, "slurm-version", PIHPC_CHECK_OK, NULL, "%s", found.buf);
out:
	strbuf_release(&why);
	strbuf_release(&out);
	strbuf_release(&val);
	strbuf_release(&found);
}

void
pihpc_doctor_run(const struct pihpc_doctor_env *env, struct pihpc_report *r)
{
	pihpc_check_munge(env, r);
	pihpc_check_slurm_user(env, r);
	pihpc_check_nfs(env, r);
	pihpc_check_cgroup(env, r);
	pihpc_check_real_memory(env, r);
	pihpc_check_space(env, r);
	pihpc_check_rootfs(env, r);
	pihpc_check_pi(env, r);
	pihpc_check_hosts(env, r);
	pihpc_check_clock(env, r);
	pihpc_check_slurm_version(env, r);
}
