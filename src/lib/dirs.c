/*
 * dirs.c - the Slurm directories with their owners and modes.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dirs.h"
#include "error.h"
#include "user.h"

enum { ROLE_MASTER = 1, ROLE_COMPUTE = 2, ROLE_STORAGE = 4 };

struct dir_spec {
	const char *path;
	mode_t mode;
	int slurm_owned;	/* owner slurm:slurm, else root:root */
	unsigned roles;
};

static const struct dir_spec specs[] = {
	{ "/etc/slurm", 0755, 0, ROLE_MASTER | ROLE_COMPUTE | ROLE_STORAGE },
	{ "/var/spool/slurm", 0755, 1, ROLE_MASTER | ROLE_COMPUTE },
	{ "/var/spool/slurm/ctld", 0700, 1, ROLE_MASTER },
	{ "/var/spool/slurm/d", 0755, 1, ROLE_MASTER | ROLE_COMPUTE },
	{ "/var/log/slurm", 0755, 1, ROLE_MASTER | ROLE_COMPUTE },
	{ NULL, 0, 0, 0 }
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* Create the missing parents of [path] (not [path] itself) 0755 root. */
static int
_mkparents(const char *path, struct strlist *done, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;
	int rc = 0;

	while (rc == 0 && (p = strchr(p + 1, '/')) != NULL) {
		struct stat st;

		strbuf_reset(&sb);
		strbuf_add(&sb, path, (size_t)(p - path));
		if (stat(sb.buf, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				rc = pihpc_err(err, errlen,
					"cannot create '%s': '%s' is not a directory",
					path, sb.buf);
			continue;
		}
		if (errno != ENOENT || mkdir(sb.buf, 0755) < 0) {
			rc = pihpc_err_errno(err, errlen,
					     "cannot create directory '%s'",
					     sb.buf);
			continue;
		}
		strlist_pushf(done, "created directory '%s'", sb.buf);
	}
	strbuf_release(&sb);
	return rc;
}

static int
_ensure(const char *path, mode_t mode, uid_t uid, gid_t gid,
	const char *owner, struct strlist *done, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return pihpc_err_errno(err, errlen, "cannot stat '%s'",
					       path);
		if (_mkparents(path, done, err, errlen) < 0)
			return -1;
		if (mkdir(path, 0700) < 0)
			return pihpc_err_errno(err, errlen,
					       "cannot create directory '%s'",
					       path);
		if (lchown(path, uid, gid) < 0)
			return pihpc_err_errno(err, errlen,
					       "cannot change owner of '%s'", path);
		if (chmod(path, mode) < 0)
			return pihpc_err_errno(err, errlen,
					       "cannot change mode of '%s'", path);
		strlist_pushf(done, "created directory '%s' (%04o %s)", path,
			      (unsigned)mode, owner);
		return 0;
	}
	if (S_ISLNK(st.st_mode))
		return pihpc_err(err, errlen,
				 "'%s' is a symbolic link, not a directory", path);
	if (!S_ISDIR(st.st_mode))
		return pihpc_err(err, errlen, "'%s' exists but is not a directory",
				 path);
	if (st.st_uid != uid || st.st_gid != gid) {
		if (lchown(path, uid, gid) < 0)
			return pihpc_err_errno(err, errlen,
					       "cannot change owner of '%s'", path);
		strlist_pushf(done, "changed owner of '%s' from %lu:%lu to %s",
			      path, (unsigned long)st.st_uid,
			      (unsigned long)st.st_gid, owner);
	}
	if ((st.st_mode & 07777) != mode) {
		if (chmod(path, mode) < 0)
			return pihpc_err_errno(err, errlen,
					       "cannot change mode of '%s'", path);
		strlist_pushf(done, "changed mode of '%s' from %04o to %04o",
			      path, (unsigned)(st.st_mode & 07777),
			      (unsigned)mode);
	}
	return 0;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_role_parse(const char *role, unsigned *bit)
{
	if (!strcmp(role, "master"))
		*bit = ROLE_MASTER;
	else if (!strcmp(role, "compute"))
		*bit = ROLE_COMPUTE;
	else if (!strcmp(role, "storage"))
		*bit = ROLE_STORAGE;
	else
		return -1;
	return 0;
}

int
pihpc_dirs_ensure(const struct pihpc_ctx *ctx, const char *role,
		  struct strlist *done, char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT;
	uid_t suid = 0;
	gid_t sgid = 0;
	unsigned bit;
	int i, rc = -1, have_slurm = 0;

	if (pihpc_role_parse(role, &bit) < 0)
		return pihpc_err(err, errlen,
			"invalid role '%s' (want master, compute or storage)", role);
	for (i = 0; specs[i].path; i++) {
		const struct dir_spec *s = &specs[i];

		if (!(s->roles & bit))
			continue;
		if (s->slurm_owned && !have_slurm) {
			int found = pihpc_user_lookup(ctx, "slurm", &suid, &sgid,
						      err, errlen);

			if (found < 0)
				goto out;
			if (!found) {
				(void)pihpc_err(err, errlen,
					"user 'slurm' does not exist (run 'pihpc user ensure' first)");
				goto out;
			}
			have_slurm = 1;
		}
		pihpc_path(ctx, s->path, &path);
		if (_ensure(path.buf, s->mode, s->slurm_owned ? suid : 0,
			    s->slurm_owned ? sgid : 0,
			    s->slurm_owned ? "slurm" : "root", done, err,
			    errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	strbuf_release(&path);
	return rc;
}
