/*
 * dirs.c - the Slurm directories with their owners and modes.
 */
#include <string.h>
#include <sys/types.h>

#include "dirs.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
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
pihpc_dirs_list(const char *role, struct strlist *paths, char *err,
		size_t errlen)
{
	unsigned bit;
	int i;

	if (pihpc_role_parse(role, &bit) < 0)
		return pihpc_err(err, errlen,
			_("invalid role '%s' (want master, compute or storage)"), role);
	for (i = 0; specs[i].path; i++)
		if (specs[i].roles & bit)
			strlist_push(paths, specs[i].path);
	return 0;
}

int
pihpc_dirs_ensure(const struct pihpc_ctx *ctx, const char *role,
		  struct strlist *done, char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT;
	uid_t suid = 0;
	gid_t sgid = 0;
	unsigned bit, slurm_roles = 0;
	int i, rc = -1;

	if (pihpc_role_parse(role, &bit) < 0)
		return pihpc_err(err, errlen,
			_("invalid role '%s' (want master, compute or storage)"), role);
	for (i = 0; specs[i].path; i++)
		if (specs[i].slurm_owned)
			slurm_roles |= specs[i].roles;
	/* A missing user stops the command before it changes anything. */
	if (slurm_roles & bit) {
		int found = pihpc_user_lookup(ctx, "slurm", &suid, &sgid, err,
					      errlen);

		if (found < 0)
			return -1;
		if (!found)
			return pihpc_err(err, errlen,
				_("user 'slurm' does not exist (run 'pihpc user ensure' first)"));
	}
	for (i = 0; specs[i].path; i++) {
		const struct dir_spec *s = &specs[i];

		if (!(s->roles & bit))
			continue;
		pihpc_path(ctx, s->path, &path);
		if (pihpc_dir_ensure(path.buf, s->mode,
				     s->slurm_owned ? suid : 0,
				     s->slurm_owned ? sgid : 0, done, err,
				     errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	strbuf_release(&path);
	return rc;
}
