/*
 * doctorprobe.h - what a node tells the controller's "pihpc doctor".
 *
 * On the controller, pihpc doctor runs "pihpc doctor --probe" on each
 * node through srun and compares what comes back with its own view: the
 * node's clock, a MUNGE credential it encoded (decoded on the controller:
 * the key and the clocks agree), the ids of the slurm user and of the
 * accounting users, the addresses it resolves for the cluster's hosts,
 * its slurmd's version and the checks that did not pass there.  The
 * text is line based; whatever comes back is parsed as hostile: bounded,
 * every field checked, one bad line refuses the whole probe.
 *
 *   pihpc-probe 1
 *   host NAME
 *   time SECONDS.MICROSECONDS
 *   munge CREDENTIAL          or: munge-error TEXT
 *   slurmd VERSION            (absent without slurmd)
 *   user NAME UID GID         or: user NAME -
 *   resolve NAME ADDRESS      or: resolve NAME -
 *   check STATUS NAME FOUND   (warn and fail only)
 *   fix TEXT                  (how to fix the check before it, if known)
 *   end
 */
#ifndef PIHPC_DOCTORPROBE_H
#define PIHPC_DOCTORPROBE_H

#include <stddef.h>

#include "doctor.h"
#include "strbuf.h"

#define PIHPC_PROBE_MAX 262144	/* bytes of a whole probe (256 KiB) */
#define PIHPC_PROBE_LINE_MAX 4096
#define PIHPC_PROBE_ITEMS_MAX 4096	/* users, addresses or checks */

struct pihpc_probe_user {
	char *name;
	long uid;	/* -1: no such user on the node */
	long gid;
};

struct pihpc_probe_addr {
	char *name;
	char *addr;	/* NULL: the name does not resolve there */
};

struct pihpc_probe_check {
	enum pihpc_check_status status;	/* WARN or FAIL */
	char *name;
	char *found;
	char *fix;	/* NULL when the node gave none */
};

struct pihpc_probe {
	char *host;
	long long sec;		/* the node's clock */
	long usec;
	char *cred;		/* MUNGE credential, or NULL */
	char *munge_err;	/* why there is none */
	char *slurmd;		/* slurmd's version, or NULL */
	struct pihpc_probe_user *users;
	size_t nusers;
	struct pihpc_probe_addr *addrs;
	size_t naddrs;
	struct pihpc_probe_check *checks;
	size_t nchecks;
};

#define PIHPC_PROBE_INIT { 0 }

void pihpc_probe_release(struct pihpc_probe *p);

void pihpc_probe_add_user(struct pihpc_probe *p, const char *name,
			  long uid, long gid);
void pihpc_probe_add_addr(struct pihpc_probe *p, const char *name,
			  const char *addr);
void pihpc_probe_add_check(struct pihpc_probe *p,
			   enum pihpc_check_status status, const char *name,
			   const char *found, const char *fix);

/* [p] as text into [out]. */
void pihpc_probe_render(const struct pihpc_probe *p, struct strbuf *out);

/*
 * Parse [len] bytes of [text] into [p] (released first).  Returns 0, or
 * -1 with [err] naming the line and what is wrong with it; [p] is then
 * empty.
 */
int pihpc_probe_parse(const char *text, size_t len, struct pihpc_probe *p,
		      char *err, size_t errlen);

#endif /* PIHPC_DOCTORPROBE_H */
