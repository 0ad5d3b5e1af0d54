/*
 * aptpin.h - which Slurm the cluster's nodes install: the apt preferences
 * (apt_preferences(5)) that the storage node publishes next to its
 * repository as pihpc.pref, and the nodes keep in
 * /etc/apt/preferences.d/pihpc.pref.
 */
#ifndef PIHPC_APTPIN_H
#define PIHPC_APTPIN_H

#include "strbuf.h"

/* The file the repository publishes, and where the nodes keep it. */
#define PIHPC_APTPIN_FILE "pihpc.pref"
#define PIHPC_APTPIN_NODE_PATH "/etc/apt/preferences.d/pihpc.pref"

/* Slurm's two package families, as found in a repository. */
enum pihpc_slurm_family {
	PIHPC_SLURM_NONE,	/* no Slurm: the nodes take their release's */
	PIHPC_SLURM_DEBIAN,	/* Debian's packaging: slurmd, slurm-client */
	PIHPC_SLURM_SMD,	/* SchedMD's packaging: slurm-smd-slurmd */
};

/*
 * The family the repository holding the packages [names] offers.  When it
 * holds both, SchedMD's: its packages conflict with Debian's, so a
 * repository only holds both while the cluster moves to it.
 */
enum pihpc_slurm_family pihpc_aptpin_family(const struct strlist *names);

/*
 * The preferences for a repository holding [names] into [out]: its Slurm
 * (release o=pihpc) before the one of the nodes' release; with SchedMD's
 * family, Debian's daemons and clients never, so that the pihpc packages'
 * "slurmd | slurm-smd-slurmd" takes the second.  Without Slurm in the
 * repository only comments: the nodes take their release's own.
 */
void pihpc_aptpin_render(const struct strlist *names, struct strbuf *out);

#endif /* PIHPC_APTPIN_H */
