/*
 * pihpc.h - the pihpc library: everything the subcommands use.
 *
 * One header per concern; this one includes them all.  Conventions:
 * public functions are pihpc_<module>_<verb>; they return 0 on success and
 * -1 on failure with a message in the caller's (err, errlen) buffer; they
 * never print or exit; all system paths go through a struct pihpc_ctx.
 */
#ifndef PIHPC_H
#define PIHPC_H

#include "acct.h"
#include "acctmove.h"
#include "aptpin.h"
#include "apthook.h"
#include "block.h"
#include "cmdline.h"
#include "conf.h"
#include "db.h"
#include "dirs.h"
#include "doctor.h"
#include "doctorcheck.h"
#include "doctorcluster.h"
#include "doctorhealth.h"
#include "doctorparse.h"
#include "doctorprobe.h"
#include "error.h"
#include "file.h"
#include "hostlist.h"
#include "json.h"
#include "join.h"
#include "joinmsg.h"
#include "jointoken.h"
#include "mungecheck.h"
#include "mungekey.h"
#include "nfs.h"
#include "node.h"
#include "path.h"
#include "proc.h"
#include "render.h"
#include "repo.h"
#include "run.h"
#include "runner.h"
#include "sha256.h"
#include "slurmd.h"
#include "slurmguard.h"
#include "slurmrel.h"
#include "strbuf.h"
#include "trace.h"
#include "upgrade.h"
#include "user.h"

#endif /* PIHPC_H */
