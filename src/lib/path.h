/*
 * path.h - the run context and root-prefixed paths.
 *
 * Every system path the tool touches (/etc/..., /var/..., /proc, /sys) is
 * joined to the root directory held in the context, so tests and image
 * builders can work on a scratch tree ("pihpc --root DIR").  Paths given
 * on the command line are used as given.
 */
#ifndef PIHPC_PATH_H
#define PIHPC_PATH_H

#include "strbuf.h"

struct pihpc_ctx {
	const char *root;	/* root directory; NULL, "" or "/" = real root */
};

#define PIHPC_CTX_INIT { NULL }

/* True when [ctx] names the real root directory. */
int pihpc_ctx_is_real_root(const struct pihpc_ctx *ctx);

/*
 * Set [sb] to [ctx]'s root joined with the absolute path [path]
 * ("/srv/img" + "/etc/hosts" = "/srv/img/etc/hosts").  Duplicate slashes at
 * the join are collapsed.  Returns a pointer to sb->buf.
 */
const char *pihpc_path(const struct pihpc_ctx *ctx, const char *path,
		       struct strbuf *sb);

/* Join [dir] and [name] with exactly one slash between them into [sb]. */
const char *pihpc_path_join(const char *dir, const char *name,
			    struct strbuf *sb);

#endif /* PIHPC_PATH_H */
