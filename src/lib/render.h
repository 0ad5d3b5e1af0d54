/*
 * render.h - Slurm configuration files from conf/NAME.in templates.
 *
 * A template holds @NAME@ placeholders (NAME in [A-Z0-9_]).  Each
 * cluster.conf key is available upper-cased (@CLUSTER_NAME@), plus
 * computed ones: @NODES@ (node definitions), @PARTITIONS@ and
 * @NODE_HOSTLIST@.  An unknown placeholder is an error; any other "@" is
 * copied as is.
 */
#ifndef PIHPC_RENDER_H
#define PIHPC_RENDER_H

#include <stddef.h>

#include "conf.h"
#include "strbuf.h"

#define PIHPC_TEMPLATE_DIR "/usr/share/pihpc/conf"
/* Slurm's HealthCheckProgram: runs "pihpc doctor --health" (pihpc-common). */
#define PIHPC_HEALTHCHECK_PROGRAM "/usr/libexec/pihpc/healthcheck"

/* Name/value pairs for the placeholders. */
struct pihpc_vars {
	struct strlist names;
	struct strlist values;
};

#define PIHPC_VARS_INIT { STRLIST_INIT, STRLIST_INIT }

void pihpc_vars_set(struct pihpc_vars *v, const char *name, const char *value);
void pihpc_vars_clear(struct pihpc_vars *v);

/* Fill [v] from the (valid) cluster configuration [c]. */
void pihpc_render_vars(const struct pihpc_conf *c, struct pihpc_vars *v);

/* Substitute [v] into template [text] ([fname] for "FILE:LINE:" errors). */
int pihpc_render_text(const char *fname, const char *text, size_t len,
		      const struct pihpc_vars *v, struct strbuf *out,
		      char *err, size_t errlen);

/*
 * Render the files of [role] ("master": slurm.conf, cgroup.conf;
 * "compute": the same, for nodes not running configless) from
 * [tmpldir]/NAME.in into [outdir]/NAME (atomically, 0644).  One line per
 * written file is appended to [done].
 */
int pihpc_render(const struct pihpc_conf *c, const char *role,
		 const char *tmpldir, const char *outdir,
		 struct strlist *done, char *err, size_t errlen);

#endif /* PIHPC_RENDER_H */
