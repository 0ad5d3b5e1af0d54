/*
 * user.h - the slurm system user and group, read from ROOT/etc/passwd and
 * ROOT/etc/group directly (not NSS), changed with the shadow tools.
 */
#ifndef PIHPC_USER_H
#define PIHPC_USER_H

#include <stddef.h>
#include <sys/types.h>

#include "path.h"
#include "strbuf.h"

/* Directories whose files follow the slurm user's ids when they change. */
#define PIHPC_SLURM_DIRS \
	"/etc/slurm", "/var/spool/slurm", "/var/log/slurm", "/var/lib/slurm"

/* Slurm daemons that must not run while the slurm ids change. */
#define PIHPC_SLURM_DAEMONS \
	"slurmctld", "slurmd", "slurmdbd", "slurmstepd"

/*
 * Look up user [name] in ROOT/etc/passwd.  Returns 1 and fills [uid] and
 * [gid] if found, 0 if not, -1 on error.
 */
int pihpc_user_lookup(const struct pihpc_ctx *ctx, const char *name,
		      uid_t *uid, gid_t *gid, char *err, size_t errlen);

/*
 * Look up group [name] in ROOT/etc/group.  Returns 1 and fills [gid] if
 * found, 0 if not, -1 on error.
 */
int pihpc_group_lookup(const struct pihpc_ctx *ctx, const char *name,
		       gid_t *gid, char *err, size_t errlen);

/*
 * Make user and group [name] exist with ids [uid] and [gid]:
 *  - missing: groupadd/useradd --system (with --prefix ROOT if not /);
 *  - right ids: nothing;
 *  - other ids: refused while a Slurm daemon runs (ROOT/proc/N/comm),
 *    else groupmod/usermod and files under PIHPC_SLURM_DIRS owned by the
 *    old ids re-owned (lchown, symlinks not followed);
 *  - [uid] or [gid] held by another account: refused, nothing changed.
 * One line per change is appended to [done].
 */
int pihpc_user_ensure(const struct pihpc_ctx *ctx, const char *name,
		      uid_t uid, gid_t gid, struct strlist *done,
		      char *err, size_t errlen);

/*
 * Re-own everything under ROOT[dir] owned by [ouid]/[ogid] to
 * [nuid]/[ngid] ((uid_t)-1 / (gid_t)-1 = leave alone); adds to [count].
 */
int pihpc_reown_tree(const char *dir, uid_t ouid, gid_t ogid, uid_t nuid,
		     gid_t ngid, unsigned long *count, char *err,
		     size_t errlen);

#endif /* PIHPC_USER_H */
