/*
 * slurmrel.h - Slurm's major releases and the upgrade rules between them.
 *
 * SchedMD's rules (https://slurm.schedmd.com/upgrades.html): a daemon
 * reads the RPCs, state files and database records of the previous two
 * major releases, from 24.11 on of the previous three; slurmdbd is
 * upgraded first, then slurmctld, then slurmd and the client commands,
 * none of which may be newer than slurmctld.  A major release is "x.y";
 * the micro release does not change the protocol.
 */
#ifndef PIHPC_SLURMREL_H
#define PIHPC_SLURMREL_H

#include "doctorparse.h"
#include "strbuf.h"

/*
 * Position of the major release [v] (its micro ignored) in the order of
 * releases: 14.03 is 0, 14.11 is 1, ... 25.11, then YY.05 and YY.11 each
 * year.  -1 for anything else ("24.08", "2.6", "26.02"): not a release.
 */
int pihpc_slurmrel_index(const struct pihpc_slurm_version *v);

/* The major release at position [idx] into [v] (micro 0); 0 or -1. */
int pihpc_slurmrel_at(int idx, struct pihpc_slurm_version *v);

/*
 * Major releases from [from] up to [to]: 22.05 to 23.11 is 2, the other
 * way -2.  0 and [steps] set, -1 when either is not a known release.
 */
int pihpc_slurmrel_steps(const struct pihpc_slurm_version *from,
			 const struct pihpc_slurm_version *to, int *steps);

/* How many previous major releases [v] accepts: 2, from 24.11 on 3. */
int pihpc_slurmrel_window(const struct pihpc_slurm_version *v);

/*
 * The upstream version of the Debian package version [debver]
 * ("22.05.8-4+deb12u3", "1:24.11.5-1"): epoch and revision dropped, then
 * "MAJOR.MINOR[.MICRO]" at its start, numbers of at most 6 digits.  0, or
 * -1 when it does not start so ("git20240101").
 */
int pihpc_debversion_slurm(const char *debver, struct pihpc_slurm_version *v);

/*
 * May a node whose Slurm is at [from] install [to]?  1 when [to] accepts
 * the records [from] left (a downgrade, the same release or one within
 * [to]'s window); else 0 with why, what to do, into [why] (the releases
 * [to] accepts, those to go through); -1 with [why] filled when either
 * is not a known release.
 */
int pihpc_slurmrel_upgrade_ok(const struct pihpc_slurm_version *from,
			      const struct pihpc_slurm_version *to,
			      struct strbuf *why);

/*
 * May a slurmd or client command at [node] work with slurmctld at [ctl]?
 * 1 when [node]'s upstream version is not newer than [ctl]'s, else 0
 * with why and what to do in [why].
 */
int pihpc_slurmrel_node_ok(const struct pihpc_slurm_version *node,
			   const struct pihpc_slurm_version *ctl,
			   struct strbuf *why);

/*
 * Format [v] as "x.yy.z" (micro) or "x.yy" into [sb] (appended).
 */
void pihpc_slurm_version_add(struct strbuf *sb,
			     const struct pihpc_slurm_version *v, int micro);

#endif /* PIHPC_SLURMREL_H */
