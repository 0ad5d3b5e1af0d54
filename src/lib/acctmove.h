/*
 * acctmove.h - carry the accounting across Slurm releases that slurmdbd
 * cannot convert in one step (Debian 12's 22.05 to Debian 13's 24.11).
 *
 * export, on the old controller: the associations with their limits
 * (sacctmgr dump), the whole job history in sacct's parsable form, and
 * cluster.conf, into a new directory of their own.  import, on the new
 * controller with an empty database: the associations loaded back
 * (sacctmgr load), cluster.conf's account, users and limits applied
 * again, and the job history installed where everyone can read it,
 * since the new slurmdbd starts without it.
 */
#ifndef PIHPC_ACCTMOVE_H
#define PIHPC_ACCTMOVE_H

#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "path.h"
#include "runner.h"
#include "strbuf.h"

#define PIHPC_EXPORT_MANIFEST "MANIFEST"
#define PIHPC_EXPORT_ASSOC "associations.cfg"
#define PIHPC_EXPORT_JOBS "jobs.psv"
#define PIHPC_EXPORT_CONF "cluster.conf"
/* Where import puts the old job history, below the root. */
#define PIHPC_HISTORY_DIR "/var/lib/pihpc/history"
/* sacct's fields of the history, the same in 22.05 and 24.11. */
#define PIHPC_HISTORY_FIELDS \
	"JobID,JobName,User,Group,Account,Partition,QOS,State,ExitCode," \
	"Submit,Start,End,Elapsed,NNodes,NodeList,AllocCPUS,ReqMem,MaxRSS"

/*
 * Export into a new directory "CLUSTER-slurm-VERSION-STAMP" below [dir]
 * (made 0700; filled under a temporary name, renamed when complete), its
 * path in [made].  [now] gives the stamp.
 */
int pihpc_acct_export(const struct pihpc_runner *r,
		      const struct pihpc_ctx *ctx, const struct pihpc_conf *c,
		      const char *dir, time_t now, struct strbuf *made,
		      char *err, size_t errlen);

/*
 * Import the export [from] (a directory pihpc_acct_export() made, for
 * the cluster of [c]): its MANIFEST checked, the associations loaded,
 * pihpc_acct_register() run, the history installed as
 * ROOT/var/lib/pihpc/history/CLUSTER-slurm-VERSION.psv (0644).  One line
 * per change to [done]; importing again changes nothing more.
 */
int pihpc_acct_import(const struct pihpc_runner *r,
		      const struct pihpc_ctx *ctx, const struct pihpc_conf *c,
		      const char *from, unsigned timeout,
		      struct strlist *done, char *err, size_t errlen);

/*
 * Parse a MANIFEST: "pihpc-accounting-export 1", then "cluster NAME",
 * "slurm VERSION", "date STAMP" and "sha256 HEX FILE" for the
 * associations and the history, in any order, each once.  0, or -1 with
 * [err] naming the line.
 */
struct pihpc_export_manifest {
	char cluster[64];
	char slurm[32];
	char date[32];
	char assoc_sha[65];
	char jobs_sha[65];
};

int pihpc_export_manifest_parse(const char *text, size_t len,
				struct pihpc_export_manifest *m,
				char *err, size_t errlen);

#endif /* PIHPC_ACCTMOVE_H */
