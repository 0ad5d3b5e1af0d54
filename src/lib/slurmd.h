/*
 * slurmd.h - this compute node's slurmd: its options (configless, dynamic
 * registration) and its place in the controller's node table.
 */
#ifndef PIHPC_SLURMD_H
#define PIHPC_SLURMD_H

#include <stddef.h>

#include "conf.h"
#include "node.h"
#include "path.h"
#include "runner.h"
#include "strbuf.h"

/* EnvironmentFile of the slurmd drop-in, read after /etc/default/slurmd. */
#define PIHPC_SLURMD_ENV "/etc/pihpc/slurmd.env"
#define PIHPC_SLURMD_ENV_HEADER \
	"# Written by pihpc from /etc/pihpc/cluster.conf; local changes are overwritten.\n"

#define PIHPC_JOIN_INTERVAL 2	/* seconds between "scontrol show node" */

/*
 * [sb] = "Sockets=S CoresPerSocket=C ThreadsPerCore=T RealMemory=M
 * Feature=F", what "slurmd -Z --conf" wants for node [n].
 */
void pihpc_slurmd_conf_params(const struct pihpc_node *n, const char *feature,
			      struct strbuf *sb);

/*
 * The text of slurmd.env: dynamic registration
 *   SLURMD_OPTIONS=--conf-server CONTROLLER -Z --conf "PARAMS"
 * (node [n] required), static: SLURMD_OPTIONS=--conf-server CONTROLLER.
 */
void pihpc_slurmd_env_text(const struct pihpc_conf *c,
			   const struct pihpc_node *n, struct strbuf *out);

/* Write ROOT/etc/pihpc/slurmd.env (0644); "updated 'PATH'" to [done]. */
int pihpc_slurmd_env(const struct pihpc_ctx *ctx, const struct pihpc_conf *c,
		     struct strlist *done, char *err, size_t errlen);

/*
 * This host's short name: uname(2) on the real root, else the first line
 * of ROOT/etc/hostname; cut at the first dot.  -1 unless that is a valid
 * host name.
 */
int pihpc_short_hostname(const struct pihpc_ctx *ctx, struct strbuf *name,
			 char *err, size_t errlen);

/*
 * The value of [key] in one "scontrol -o show node" line ("NodeName=n1
 * Arch=... NodeAddr=10.0.0.2 ...") into [val]; 1 if found, else 0 (always
 * 0 for an empty [key]).
 */
int pihpc_scontrol_field(const char *line, const char *key,
			 struct strbuf *val);

/* The address the "hosts" key gives [name]; 1 if found, else 0. */
int pihpc_conf_host_addr(const struct pihpc_conf *c, const char *name,
			 struct strbuf *addr);

/*
 * Wait up to [timeout] s (PIHPC_JOIN_INTERVAL apart) until the controller
 * lists node [name]; then, if the "hosts" key gives [name] an address
 * and the node's NodeAddr differs, set it with "scontrol update".  On a
 * timeout [*timed_out] is set (see pihpc_node_join_hints()).
 */
int pihpc_node_join(const struct pihpc_runner *r, const struct pihpc_conf *c,
		    const char *name, unsigned timeout, int *timed_out,
		    struct strlist *done, char *err, size_t errlen);

/* The likely causes of a join timeout, one per line, into [hints]. */
void pihpc_node_join_hints(const struct pihpc_conf *c, const char *name,
			   struct strlist *hints);

/*
 * "scontrol delete nodename=NAME".  A node that still runs jobs is an
 * error (drain it first); an unknown node is fine; an unreachable
 * controller is not an error: [warning] says so.
 */
int pihpc_node_leave(const struct pihpc_runner *r, const char *name,
		     struct strlist *done, struct strbuf *warning, char *err,
		     size_t errlen);

#endif /* PIHPC_SLURMD_H */
