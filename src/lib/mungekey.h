/*
 * mungekey.h - one MUNGE key for the whole cluster.
 *
 * The controller replaces the key Debian's munge package made for the
 * host with a new random one (once: a marker holds its SHA-256) and hands
 * it to compute nodes over the join protocol (join.h), never through a
 * share.  Key bytes are never printed, and wiped from memory after use.
 */
#ifndef PIHPC_MUNGEKEY_H
#define PIHPC_MUNGEKEY_H

#include <stddef.h>

#include "path.h"
#include "strbuf.h"

#define PIHPC_MUNGE_KEY "/etc/munge/munge.key"
#define PIHPC_MUNGE_KEY_MARKER "/var/lib/pihpc/munge.key.sha256"
/* The host's own key as pihpc found it, put back on purge. */
#define PIHPC_MUNGE_KEY_ORIG "/var/lib/pihpc/munge.key.orig"

#define PIHPC_MUNGE_KEY_BYTES 1024	/* size of a new key */
#define PIHPC_MUNGE_KEY_MIN 32		/* munged refuses shorter keys */
#define PIHPC_MUNGE_KEY_MAX 65536	/* more is surely not a key */

/* Length of the fingerprint: the first hex digits of the SHA-256. */
#define PIHPC_MUNGE_KEY_FP 16

/*
 * Controller: unless ROOT/etc/munge/munge.key is the one whose SHA-256 the
 * marker holds, write a new random key (getrandom(2)), 0400 munge:munge,
 * and record its SHA-256 in the marker (0600 root).  "updated 'PATH'" is
 * appended to [done] when the key changed (content, mode or owner).
 */
int pihpc_munge_key_generate(const struct pihpc_ctx *ctx,
			     struct strlist *done, char *err, size_t errlen);

/*
 * Controller: replace the cluster key with a new random one, whatever
 * the key in place, and record it in the marker.  Nodes get it by joining
 * again (pihpc-join-check.timer).
 */
int pihpc_munge_key_rotate(const struct pihpc_ctx *ctx, struct strlist *done,
			   char *err, size_t errlen);

/*
 * Controller: read the cluster key from [path] (used as given: it may be
 * a credential systemd passed in) into [buf] of [cap] bytes, [len] its
 * length.  Refused unless its SHA-256 is the one the marker
 * ROOT/var/lib/pihpc/munge.key.sha256 holds (the host's own key is not
 * the cluster's).
 */
int pihpc_munge_key_load_cluster(const struct pihpc_ctx *ctx,
				 const char *path, unsigned char *buf,
				 size_t cap, size_t *len, char *err,
				 size_t errlen);

/*
 * Compute node: install [len] bytes of [data] as ROOT/etc/munge/munge.key
 * (0400 munge:munge) when it differs; keys munged would not take (under
 * 32 or over 65536 bytes) are refused.  The host's own key, the first
 * time, is kept aside in ROOT/var/lib/pihpc/munge.key.orig.
 */
int pihpc_munge_key_install_data(const struct pihpc_ctx *ctx,
				 const unsigned char *data, size_t len,
				 struct strlist *done, char *err,
				 size_t errlen);

/*
 * The first PIHPC_MUNGE_KEY_FP hex digits of the SHA-256 of the key at
 * ROOT[path] into [fp].
 */
int pihpc_munge_key_fingerprint(const struct pihpc_ctx *ctx, const char *path,
				char fp[PIHPC_MUNGE_KEY_FP + 1], char *err,
				size_t errlen);

#endif /* PIHPC_MUNGEKEY_H */
