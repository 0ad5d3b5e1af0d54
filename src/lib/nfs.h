/*
 * nfs.h - the storage node's /etc/exports and the nodes' /etc/fstab,
 * both from the "nfs_exports" key of cluster.conf, as managed blocks.
 */
#ifndef PIHPC_NFS_H
#define PIHPC_NFS_H

#include <stddef.h>

#include "conf.h"
#include "path.h"
#include "strbuf.h"

#define PIHPC_EXPORTS_PATH "/etc/exports"
#define PIHPC_EXPORTS_BLOCK "exports"
#define PIHPC_FSTAB_PATH "/etc/fstab"
#define PIHPC_FSTAB_BLOCK "fstab"
/* The one export directory pihpc owns and creates itself. */
#define PIHPC_NFS_DIR "/nfs"
/* Mount options that never let a boot hang on a missing storage node,
 * see pihpc-fstab(8). */
#define PIHPC_FSTAB_OPTIONS \
	"defaults,_netdev,nofail,x-systemd.mount-timeout=30s,timeo=50,retrans=2"

/* One "/home 10.0.0.0/24(rw,...)" line per export of (valid) [c]. */
void pihpc_exports_content(const struct pihpc_conf *c, struct strbuf *out);

/*
 * Check that every export path is a directory under ROOT (creating
 * ROOT/nfs 0755 if it is missing and exported; any other missing path is
 * an error and nothing is changed), then set the block "exports" in
 * ROOT/etc/exports.  One line per change is appended to [done];
 * [changed] (may be NULL) is set to 1 if ROOT/etc/exports was written.
 */
int pihpc_exports_apply(const struct pihpc_ctx *ctx,
			const struct pihpc_conf *c, struct strlist *done,
			int *changed, char *err, size_t errlen);

/* Remove the block from ROOT/etc/exports; as above. */
int pihpc_exports_remove(const struct pihpc_ctx *ctx, struct strlist *done,
			 int *changed, char *err, size_t errlen);

/*
 * Run [exportfs] (NULL for "exportfs") with -ra so the kernel serves
 * what /etc/exports says; its error output ends up in [err].
 */
int pihpc_exports_reload(const char *exportfs, char *err, size_t errlen);

/*
 * One "STORAGE:PATH PATH nfs PIHPC_FSTAB_OPTIONS 0 0" line per export;
 * empty when [c] has no storage node.
 */
void pihpc_fstab_content(const struct pihpc_conf *c, struct strbuf *out);

/*
 * Set the block "fstab" in ROOT/etc/fstab and create the missing mount
 * points (0755); without a storage node the block is removed instead.
 * Nothing is mounted.  One line per change is appended to [done].
 */
int pihpc_fstab_apply(const struct pihpc_ctx *ctx, const struct pihpc_conf *c,
		      struct strlist *done, char *err, size_t errlen);

/* Remove the block from ROOT/etc/fstab (mount points are kept). */
int pihpc_fstab_remove(const struct pihpc_ctx *ctx, struct strlist *done,
		       char *err, size_t errlen);

#endif /* PIHPC_NFS_H */
