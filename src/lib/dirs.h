/*
 * dirs.h - the Slurm directories with their owners and modes.
 */
#ifndef PIHPC_DIRS_H
#define PIHPC_DIRS_H

#include <stddef.h>

#include "path.h"
#include "strbuf.h"

/* 0 and the role's bit in [bit] if [role] is master, compute or storage. */
int pihpc_role_parse(const char *role, unsigned *bit);

/*
 * Create or fix the Slurm directories [role] needs (see pihpc-dirs(8)):
 * missing ones are created, wrong owners and modes corrected, parents
 * created 0755 root.  The slurm user is looked up in ROOT/etc/passwd.
 * One line per change is appended to [done]; nothing when all is right.
 */
int pihpc_dirs_ensure(const struct pihpc_ctx *ctx, const char *role,
		      struct strlist *done, char *err, size_t errlen);

/*
 * The directories [role] needs, parents first, appended to [paths]: what
 * the maintainer scripts note to take away again on purge.
 */
int pihpc_dirs_list(const char *role, struct strlist *paths, char *err,
		    size_t errlen);

#endif /* PIHPC_DIRS_H */
