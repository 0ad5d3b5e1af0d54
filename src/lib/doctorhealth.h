/*
 * doctorhealth.h - "pihpc doctor --health": Slurm's HealthCheckProgram
 * drains this node when a check fails and resumes it when all pass
 * again, but only from a drain of its own.
 */
#ifndef PIHPC_DOCTORHEALTH_H
#define PIHPC_DOCTORHEALTH_H

#include <stddef.h>

#include "doctor.h"
#include "runner.h"
#include "strbuf.h"

/* Every drain reason pihpc doctor sets starts with this. */
#define PIHPC_HEALTH_PREFIX "pihpc doctor:"

/* Longest drain reason: what "scontrol show node" still shows whole. */
#define PIHPC_HEALTH_REASON_MAX 120

enum pihpc_health_action {
	PIHPC_HEALTH_NONE,
	PIHPC_HEALTH_DRAIN,
	PIHPC_HEALTH_RESUME
};

/*
 * The drain reason for [r] into [reason]: "pihpc doctor: CHECK: FOUND"
 * for its first failed check, with brackets and control characters made
 * blanks (Slurm appends "[user@time]") and cut at
 * PIHPC_HEALTH_REASON_MAX bytes on a character boundary.  Empty when no
 * check failed.
 */
void pihpc_health_reason(const struct pihpc_report *r, struct strbuf *reason);

/*
 * What to do, given the reason [want] (empty: nothing failed) and the
 * node's state: drained or not, and its current drain [reason].
 *  - a check failed: drain, unless already drained for that very reason,
 *    or drained by someone else (their reason is kept);
 *  - all passed: resume when drained with a reason of pihpc doctor's,
 *    never a drain of someone else.
 */
enum pihpc_health_action pihpc_health_decide(const char *want, int drained,
					     const char *reason);

/*
 * Run the decision for node [node] from "scontrol -o show node NODE"
 * and, when it says so, "scontrol update nodename=NODE state=drain
 * reason=..." or "state=resume".  One line per change to [done].
 */
int pihpc_health_apply(const struct pihpc_runner *run, const char *node,
		       const struct pihpc_report *r, struct strlist *done,
		       char *err, size_t errlen);

#endif /* PIHPC_DOCTORHEALTH_H */
