/*
 * acct.h - registering the cluster, its account and users in slurmdbd
 * with sacctmgr: query first, change only what is missing or different.
 */
#ifndef PIHPC_ACCT_H
#define PIHPC_ACCT_H

#include <stddef.h>

#include "conf.h"
#include "runner.h"
#include "strbuf.h"

/*
 * The account's organization and description, as in the seed cluster's
 * setup ("sacctmgr add account compute Description=... Organization=home").
 * Informational only: Slurm uses neither for scheduling or limits.
 */
#define PIHPC_ACCT_ORGANIZATION "home"
#define PIHPC_ACCT_DESCRIPTION "Compute account"

#define PIHPC_ACCT_WAIT_INTERVAL 2	/* seconds between tries */

/*
 * The GrpTRES value that turns limits [have] (as sacctmgr prints them,
 * "cpu=4,mem=1G") into [want] (as cluster.conf says, "cpu=4,mem=1gb"):
 * empty when they are the same (memory compared in MB: 1gb = 1G = 1024),
 * else [want] plus "NAME=-1" for each limit only in [have].
 */
void pihpc_tres_update(const char *want, const char *have, struct strbuf *set);

/*
 * Run [argv] (sacctmgr, sacct) once, its output in [out]; on failure
 * [err] is "cannot WHAT: its message".
 */
int pihpc_acct_run(const struct pihpc_runner *r, char **argv,
		   struct strbuf *out, const char *what, char *err,
		   size_t errlen);

/*
 * Wait up to [timeout] s (2 s apart) for slurmdbd to answer
 * "sacctmgr show cluster", then add the cluster, the account and each
 * user of accounting_users if missing, and set their GrpTRES to
 * accounting_user_limits if different.  One line per change to [done].
 */
int pihpc_acct_register(const struct pihpc_runner *r,
			const struct pihpc_conf *c, unsigned timeout,
			struct strlist *done, char *err, size_t errlen);

#endif /* PIHPC_ACCT_H */
