/*
 * slurmguard.h - the Slurm version rules applied to the package actions
 * of one apt run (see apthook.h and slurmrel.h), before dpkg changes
 * anything.  Used by "pihpc upgrade guard", pihpc-upgrade(8).
 */
#ifndef PIHPC_SLURMGUARD_H
#define PIHPC_SLURMGUARD_H

#include "apthook.h"
#include "conf.h"
#include "path.h"
#include "runner.h"
#include "strbuf.h"

/* The controller's Slurm version, as last read from scontrol. */
#define PIHPC_CONTROLLER_VERSION_PATH "/var/lib/pihpc/controller-slurm-version"

/* Seconds "scontrol show config" may take before it is given up. */
#define PIHPC_GUARD_SCONTROL_TIMEOUT "10"

/* What a package is to the rules. */
enum pihpc_slurm_pkg {
	PIHPC_SLURM_PKG_NONE,	/* not Slurm */
	PIHPC_SLURM_PKG_CTLD,	/* slurmctld, slurm-smd-slurmctld */
	PIHPC_SLURM_PKG_DBD,	/* slurmdbd, slurm-smd-slurmdbd */
	PIHPC_SLURM_PKG_NODE,	/* slurmd, client commands, plugins, libraries */
};

/*
 * What [pkg] is: Debian's packages of source slurm-wlm (slurmd,
 * slurm-client, slurm-wlm-*, libslurm*, libpmi0, libpmi2-0, sview...)
 * and SchedMD's slurm-smd*.  Not Slurm: "slurm" (a network monitor),
 * slurm-drmaa*, libpmix*.
 */
enum pihpc_slurm_pkg pihpc_slurm_pkg_kind(const char *pkg);

struct pihpc_guard_env {
	const struct pihpc_ctx *ctx;
	const struct pihpc_runner *run;
	const struct pihpc_conf *conf;	/* NULL: the node's role unknown */
	const char *host;	/* this node's short name; NULL: unknown */
};

/*
 * Check the package actions of [h] on this node:
 *  - every Slurm package installed must accept the records of the Slurm
 *    it replaces (its own old version, else the oldest Slurm package the
 *    run upgrades or removes): pihpc_slurmrel_upgrade_ok();
 *  - on a node that runs slurmd and is not the controller, no slurmd,
 *    client or plugin package newer than the controller's Slurm
 *    ("scontrol show config", remembered in
 *    PIHPC_CONTROLLER_VERSION_PATH; when neither tells, a warning);
 *  - on the controller, no slurmctld newer than the slurmdbd installed
 *    after the run (this run's, else the one dpkg-query finds).
 * One line per problem goes to [problems] (the packages, the versions,
 * the rule and what to do), one per warning to [warnings].  Without
 * [env]'s conf or host only the first rule applies.  Returns the
 * number of problems.
 */
size_t pihpc_guard_check(const struct pihpc_guard_env *env,
			 const struct pihpc_apthook *h,
			 struct strlist *problems, struct strlist *warnings);

#endif /* PIHPC_SLURMGUARD_H */
