/*
 * doctorcluster.h - the controller's "pihpc doctor": every node of the
 * cluster, seen through Slurm.
 *
 * The node side ("pihpc doctor --probe", run on each node by srun) fills
 * a probe; the controller side reads the nodes from sinfo, connects to
 * each slurmd's port, runs the probe there and compares what comes back
 * with its own view: one report line per node when all is well, one per
 * problem otherwise.  No ssh: what Slurm cannot reach is named from
 * Slurm's own state of the node.
 */
#ifndef PIHPC_DOCTORCLUSTER_H
#define PIHPC_DOCTORCLUSTER_H

#include <stddef.h>

#include "doctor.h"
#include "doctorcheck.h"
#include "doctorprobe.h"

/* Seconds a connection to a slurmd's port may take. */
#define PIHPC_PORT_TIMEOUT 3
/* Seconds srun waits for the node (its --immediate). */
#define PIHPC_PROBE_WAIT 20

struct pihpc_cluster_env {
	const struct pihpc_doctor_env *doc;
	/* a TCP connection to [addr]:[port]; 0, or -1 with [err] */
	int (*connect)(void *data, const char *addr, unsigned port,
		       char *err, size_t errlen);
	/* pihpc_munge_decode() through this node's munged */
	int (*unmunge)(void *data, const char *cred, long long *encoded,
		       char *err, size_t errlen);
	/* the clock, in microseconds since the epoch */
	long long (*now_us)(void *data);
	void *data;
};

/* [env] with real connections, libmunge and the real clock. */
void pihpc_cluster_env_init(struct pihpc_cluster_env *env,
			    const struct pihpc_doctor_env *doc);

/* The node side: what "pihpc doctor --probe" prints, into [p]. */
void pihpc_probe_collect(const struct pihpc_doctor_env *env,
			 struct pihpc_probe *p);

/* The controller side: every node of sinfo into [r]. */
void pihpc_doctor_cluster(const struct pihpc_cluster_env *env,
			  struct pihpc_report *r);

#endif /* PIHPC_DOCTORCLUSTER_H */
