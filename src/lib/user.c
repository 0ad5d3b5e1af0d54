/*
 * user.c - the slurm system user and group.
 */
#include <errno.h>
#include <fts.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "i18n.h"
#include "proc.h"
#include "run.h"
#include "user.h"

/* What /etc/passwd and /etc/group say about the wanted ids and name. */
struct accounts {
	int have_user;		/* user [name] exists */
	uid_t user_uid;
	gid_t user_gid;
	int have_group;		/* group [name] exists */
	gid_t group_gid;
	char uid_owner[64];	/* another user holding the wanted uid */
	char gid_owner[64];	/* another group holding the wanted gid */
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static int
_read_passwd(const struct pihpc_ctx *ctx, const char *name, uid_t uid,
	     struct accounts *a, char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT;
	const struct passwd *pw;
	int rc = 0;
	FILE *f;

	pihpc_path(ctx, "/etc/passwd", &path);
	f = fopen(path.buf, "re");
	if (!f) {
		rc = pihpc_err_errno(err, errlen, _("cannot open '%s'"), path.buf);
		goto out;
	}
	errno = 0;
	while ((pw = fgetpwent(f)) != NULL) {
		if (!strcmp(pw->pw_name, name)) {
			a->have_user = 1;
			a->user_uid = pw->pw_uid;
			a->user_gid = pw->pw_gid;
		} else if (pw->pw_uid == uid && !a->uid_owner[0]) {
			(void)snprintf(a->uid_owner, sizeof(a->uid_owner),
				       "%s", pw->pw_name);
		}
		errno = 0;
	}
	if (errno && errno != ENOENT)
		rc = pihpc_err_errno(err, errlen, _("cannot read '%s'"), path.buf);
	(void)fclose(f);
out:
	strbuf_release(&path);
	return rc;
}

static int
_read_group(const struct pihpc_ctx *ctx, const char *name, gid_t gid,
	    struct accounts *a, char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT;
	const struct group *gr;
	int rc = 0;
	FILE *f;

	pihpc_path(ctx, "/etc/group", &path);
	f = fopen(path.buf, "re");
	if (!f) {
		rc = pihpc_err_errno(err, errlen, _("cannot open '%s'"), path.buf);
		goto out;
	}
	errno = 0;
	while ((gr = fgetgrent(f)) != NULL) {
		if (!strcmp(gr->gr_name, name)) {
			a->have_group = 1;
			a->group_gid = gr->gr_gid;
		} else if (gr->gr_gid == gid && !a->gid_owner[0]) {
			(void)snprintf(a->gid_owner, sizeof(a->gid_owner),
				       "%s", gr->gr_name);
		}
		errno = 0;
	}
	if (errno && errno != ENOENT)
		rc = pihpc_err_errno(err, errlen, _("cannot read '%s'"), path.buf);
	(void)fclose(f);
out:
	strbuf_release(&path);
	return rc;
}

/* Run a shadow tool: [argv] after "--prefix ROOT" when not the real root. */
static int
_shadow(const struct pihpc_ctx *ctx, const char *tool, const char **args,
	char *err, size_t errlen)
{
	const char *argv[24];
	size_t n = 0, i;

	argv[n++] = tool;
	if (!pihpc_ctx_is_real_root(ctx)) {
		argv[n++] = "--prefix";
		argv[n++] = ctx->root;
	}
	for (i = 0; args[i] && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return pihpc_run((char *const *)argv, err, errlen);
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_user_lookup(const struct pihpc_ctx *ctx, const char *name, uid_t *uid,
		  gid_t *gid, char *err, size_t errlen)
{
	struct accounts a;

	memset(&a, 0, sizeof(a));
	if (_read_passwd(ctx, name, (uid_t)-1, &a, err, errlen) < 0)
		return -1;
	if (!a.have_user)
		return 0;
	*uid = a.user_uid;
	*gid = a.user_gid;
	return 1;
}

int
pihpc_reown_tree(const char *dir, uid_t ouid, gid_t ogid, uid_t nuid,
		 gid_t ngid, unsigned long *count, char *err, size_t errlen)
{
	char *paths[2];
	FTSENT *e;
	FTS *fts;
	int rc = 0;
	struct stat st;

	if (lstat(dir, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return pihpc_err_errno(err, errlen, _("cannot stat '%s'"), dir);
	}
	paths[0] = (char *)dir;
	paths[1] = NULL;
	/* FTS_PHYSICAL: symbolic links are reported, never followed */
	fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	if (!fts)
		return pihpc_err_errno(err, errlen, _("cannot open '%s'"), dir);
	while (rc == 0) {
		uid_t u = (uid_t)-1;
		gid_t g = (gid_t)-1;

		errno = 0;
		e = fts_read(fts);
		if (!e) {
			if (errno)
				rc = pihpc_err_errno(err, errlen,
						     _("cannot read '%s'"), dir);
			break;
		}

		switch (e->fts_info) {
		case FTS_DP:
			continue;
		case FTS_DNR:
		case FTS_ERR:
		case FTS_NS:
			errno = e->fts_errno;
			rc = pihpc_err_errno(err, errlen, _("cannot read '%s'"),
					     e->fts_path);
			continue;
		default:
			break;
		}
		if (nuid != (uid_t)-1 && e->fts_statp->st_uid == ouid)
			u = nuid;
		if (ngid != (gid_t)-1 && e->fts_statp->st_gid == ogid)
			g = ngid;
		if (u == (uid_t)-1 && g == (gid_t)-1)
			continue;
		if (lchown(e->fts_accpath, u, g) < 0) {
			rc = pihpc_err_errno(err, errlen, _("cannot change owner of '%s'"),
					     e->fts_path);
			continue;
		}
		(*count)++;
	}
	if (fts_close(fts) < 0 && rc == 0)
		rc = pihpc_err_errno(err, errlen, _("cannot read '%s'"), dir);
	return rc;
}

int
pihpc_user_ensure(const struct pihpc_ctx *ctx, const char *name, uid_t uid,
		  gid_t gid, struct strlist *done, char *err, size_t errlen)
{
	static const char *const daemons[] = { PIHPC_SLURM_DAEMONS, NULL };
	static const char *const dirs[] = { PIHPC_SLURM_DIRS, NULL };
	struct strbuf daemon = STRBUF_INIT, path = STRBUF_INIT;
	char uidstr[16], gidstr[16];
	unsigned long count = 0;
	struct accounts a;
	int fix_group, fix_user, rc = -1, i;
	long pid = 0;

	memset(&a, 0, sizeof(a));
	(void)snprintf(uidstr, sizeof(uidstr), "%lu", (unsigned long)uid);
	(void)snprintf(gidstr, sizeof(gidstr), "%lu", (unsigned long)gid);
	if (_read_passwd(ctx, name, uid, &a, err, errlen) < 0 ||
	    _read_group(ctx, name, gid, &a, err, errlen) < 0)
		goto out;
	if (a.uid_owner[0]) {
		(void)pihpc_err(err, errlen,
			_("uid %s is already used by user '%s'; cannot use it for '%s'"),
			uidstr, a.uid_owner, name);
		goto out;
	}
	if (a.gid_owner[0]) {
		(void)pihpc_err(err, errlen,
			_("gid %s is already used by group '%s'; cannot use it for '%s'"),
			gidstr, a.gid_owner, name);
		goto out;
	}
	fix_group = a.have_group && a.group_gid != gid;
	fix_user = a.have_user && (a.user_uid != uid || a.user_gid != gid);
	if (fix_group || fix_user) {
		int found = pihpc_proc_find(ctx, daemons, &daemon, &pid, err,
					    errlen);

		if (found < 0)
			goto out;
		if (found) {
			(void)pihpc_err(err, errlen,
				_("cannot change the ids of '%s' while '%s' (pid %ld) is running; stop the Slurm daemons first"),
				name, daemon.buf, pid);
			goto out;
		}
	}
	if (!a.have_group) {
		const char *args[] = { "--system", "--gid", gidstr, name, NULL };

		if (_shadow(ctx, "groupadd", args, err, errlen) < 0)
			goto out;
		strlist_pushf(done, _("created group '%s' (gid %s)"), name, gidstr);
	} else if (fix_group) {
		const char *args[] = { "-g", gidstr, name, NULL };

		if (_shadow(ctx, "groupmod", args, err, errlen) < 0)
			goto out;
		strlist_pushf(done, _("changed gid of group '%s' from %lu to %s"),
			      name, (unsigned long)a.group_gid, gidstr);
	}
	if (!a.have_user) {
		const char *args[] = {
			"--system", "--uid", uidstr, "--gid", gidstr,
			"--home-dir", "/nonexistent", "--no-create-home",
			"--shell", "/usr/sbin/nologin",
			"--comment", "SLURM workload manager", name, NULL
		};

		if (_shadow(ctx, "useradd", args, err, errlen) < 0)
			goto out;
		strlist_pushf(done, _("created user '%s' (uid %s)"), name, uidstr);
	} else if (fix_user) {
		/* groupmod -g already moved the members' primary gid; and
		 * usermod --prefix (shadow 4.13) cannot resolve -g, so pass
		 * only what is still wrong */
		gid_t ugid = fix_group && a.user_gid == a.group_gid ? gid
								    : a.user_gid;
		const char *args[6];
		size_t n = 0;

		if (a.user_uid != uid) {
			args[n++] = "-u";
			args[n++] = uidstr;
		}
		if (ugid != gid) {
			args[n++] = "-g";
			args[n++] = gidstr;
		}
		args[n++] = name;
		args[n] = NULL;
		if (n > 1 && _shadow(ctx, "usermod", args, err, errlen) < 0)
			goto out;
		strlist_pushf(done, _("changed uid:gid of user '%s' from %lu:%lu to %s:%s"),
			      name, (unsigned long)a.user_uid,
			      (unsigned long)a.user_gid, uidstr, gidstr);
	}
	if (fix_group || (fix_user && a.user_uid != uid)) {
		uid_t nu = fix_user && a.user_uid != uid ? uid : (uid_t)-1;
		gid_t ng = fix_group ? gid : (gid_t)-1;

		for (i = 0; dirs[i]; i++) {
			pihpc_path(ctx, dirs[i], &path);
			if (pihpc_reown_tree(path.buf, a.user_uid, a.group_gid,
					     nu, ng, &count, err, errlen) < 0)
				goto out;
		}
		if (count)
			strlist_pushf(done, _("re-owned %lu files from the old ids of '%s'"),
				      count, name);
	}
	rc = 0;
out:
	strbuf_release(&daemon);
	strbuf_release(&path);
	return rc;
}

int
pihpc_group_lookup(const struct pihpc_ctx *ctx, const char *name, gid_t *gid,
		   char *err, size_t errlen)
{
	struct accounts a;

	memset(&a, 0, sizeof(a));
	if (_read_group(ctx, name, (gid_t)-1, &a, err, errlen) < 0)
		return -1;
	if (!a.have_group)
		return 0;
	*gid = a.group_gid;
	return 1;
}
