/*
 * conf.h - /etc/pihpc/cluster.conf: parser, validation and the model.
 *
 * Format: "key = value" lines, whole-line "#" comments, blank lines.
 * Unknown keys and repeated keys are errors.  Every bad line is reported,
 * as "FILE:LINE: 'key': reason: 'value'".
 */
#ifndef PIHPC_CONF_H
#define PIHPC_CONF_H

#include <stddef.h>

#include "path.h"
#include "strbuf.h"

#define PIHPC_CONF_PATH "/etc/pihpc/cluster.conf"

/* Entries of "hosts" (as many as a hostlist has names). */
#define PIHPC_HOSTS_MAX 65536

/* Limits of "accounting_user_limits", as the accounting code compares. */
#define PIHPC_TRES_MAX 32
#define PIHPC_TRES_NAME_MAX 63

enum pihpc_key {
	PIHPC_CLUSTER_NAME,
	PIHPC_CONTROLLER,
	PIHPC_STORAGE,
	PIHPC_DOMAIN,
	PIHPC_SUBNET,
	PIHPC_HOSTS,
	PIHPC_SLURM_UID,
	PIHPC_SLURM_GID,
	PIHPC_NODE_REGISTRATION,
	PIHPC_COMPUTE_NODES,
	PIHPC_STATIC_NODE_PARAMS,
	PIHPC_MAX_NODES,
	PIHPC_NODE_FEATURE,
	PIHPC_PARTITION,
	PIHPC_PARTITION_DEFAULT_TIME,
	PIHPC_PARTITION_MAX_TIME,
	PIHPC_PARTITION_DEF_MEM_PER_CPU,
	PIHPC_NFS_EXPORTS,
	PIHPC_ACCOUNTING_ACCOUNT,
	PIHPC_ACCOUNTING_USERS,
	PIHPC_ACCOUNTING_USER_LIMITS,
	PIHPC_MASTER_IS_COMPUTE,
	PIHPC_HEALTH_CHECK,
	PIHPC_NKEYS
};

struct pihpc_conf {
	char *val[PIHPC_NKEYS];	/* effective value: from the file or default */
	int line[PIHPC_NKEYS];	/* line it was set on, 0 for the default */
};

/* Name and default of key [k]. */
const char *pihpc_conf_key_name(enum pihpc_key k);
const char *pihpc_conf_key_default(enum pihpc_key k);

/* Key number for [name], or -1 if unknown. */
int pihpc_conf_key_lookup(const char *name);

/* Set every key of [c] to its default. */
void pihpc_conf_init(struct pihpc_conf *c);
void pihpc_conf_release(struct pihpc_conf *c);

/* Effective value of key [k] (never NULL). */
const char *pihpc_conf_get(const struct pihpc_conf *c, enum pihpc_key k);

/* Numeric value of an integer key (validated before). */
unsigned long pihpc_conf_ulong(const struct pihpc_conf *c, enum pihpc_key k);

/* True when a yes/no key says yes, or node_registration is "dynamic". */
int pihpc_conf_yes(const struct pihpc_conf *c, enum pihpc_key k);

/*
 * Validate [value] for the key named [key] alone.  Messages:
 * "unknown key 'foo'" or "'slurm_uid': not a number: 'abc'".
 */
int pihpc_conf_check_value(const char *key, const char *value,
			   char *err, size_t errlen);

/*
 * Parse [len] bytes of [text] read from [fname] into [c] (initialised by
 * the caller).  Every problem is appended to [errs] as "FILE:LINE: ...";
 * returns -1 if there was any.  Cross-key checks (hosts inside subnet,
 * default time within max time, static mode needs nodes) run last.
 */
int pihpc_conf_parse(struct pihpc_conf *c, const char *fname,
		     const char *text, size_t len, struct strlist *errs);

/*
 * Load [path] (used as given) or, when NULL, ROOT/etc/pihpc/cluster.conf.
 * A missing default file gives all defaults if [missing_ok].  Read errors
 * and parse errors go to [errs]; returns -1 if there was any.
 */
int pihpc_conf_load(const struct pihpc_ctx *ctx, const char *path,
		    int missing_ok, struct pihpc_conf *c,
		    struct strlist *errs);

/*
 * Apply the [n] "KEY=VALUE" strings of [assign] to the file text [text]
 * ([len] bytes, [fname] in messages; [len] 0 and [text] "" for a missing
 * file, which gets a header comment).  Existing lines are replaced in
 * place, new keys appended; comments and order are kept.  The result is
 * validated as a whole before it is stored in [out].
 */
int pihpc_conf_set_text(const char *fname, const char *text, size_t len,
			char *const *assign, size_t n, struct strbuf *out,
			struct strlist *errs);

/* Addresses and names of the "hosts" key, in order. */
void pihpc_conf_hosts(const struct pihpc_conf *c, struct strlist *addrs,
		      struct strlist *names);

/* The users of "accounting_users", in order (space, tab or comma apart). */
void pihpc_conf_accounting_users(const struct pihpc_conf *c,
				 struct strlist *users);

/* Names of "compute_nodes" (an empty list when the key is empty). */
void pihpc_conf_compute_nodes(const struct pihpc_conf *c,
			      struct strlist *names);

/*
 * Parse a Slurm time spec ("30", "1:30", "2:00:00", "1-00:00:00", "1-2",
 * "UNLIMITED") into minutes (-1 for unlimited).
 */
int pihpc_time_parse(const char *s, long *minutes);

/*
 * Split an "nfs_exports" value ("/home(rw,sync) /nfs(rw)") into export
 * [paths] and their [options], in order.  -1 with a reason in [err]
 * ("duplicate export path: '/home'") if it is invalid.
 */
int pihpc_nfs_exports_parse(const char *value, struct strlist *paths,
			    struct strlist *options, char *err, size_t errlen);

/* 0 if [s] is a host name: dot-separated RFC 1123 labels. */
int pihpc_check_hostname(const char *s);

/* Parse dotted-quad [s] into [addr] (host order); -1 if invalid. */
int pihpc_ipv4_parse(const char *s, unsigned long *addr);

#endif /* PIHPC_CONF_H */
