/*
 * runner.h - running client programs (mysql, sacctmgr, scontrol) with
 * input on stdin and their output captured, through a replaceable runner
 * so the logic around them can be tested with canned answers.
 */
#ifndef PIHPC_RUNNER_H
#define PIHPC_RUNNER_H

#include <stddef.h>

#include "strbuf.h"

/*
 * How to run programs, wait and tell the time.  The real one is set up by
 * pihpc_runner_init(); tests fill in their own functions and [data].
 */
struct pihpc_runner {
	/*
	 * Run [argv] with [inlen] bytes of [in] on its stdin (NULL: none),
	 * append its stdout to [out] and stderr to [errout] (either may be
	 * NULL to drop it).  Returns 0 if it exited with status 0; 1 if it
	 * ran and failed ([err] says how, [errout] has its messages); -1
	 * with [err] filled if it could not be run at all.
	 */
	int (*run)(void *data, char *const argv[], const char *in,
		   size_t inlen, struct strbuf *out, struct strbuf *errout,
		   char *err, size_t errlen);
	/* Wait [seconds]. */
	void (*sleep)(void *data, unsigned seconds);
	/* Seconds on a monotonic clock. */
	long (*now)(void *data);
	void *data;
};

/* The real runner: pihpc_run_capture(), nanosleep, CLOCK_MONOTONIC. */
void pihpc_runner_init(struct pihpc_runner *r);

/*
 * Set [out] to [s] on one line: each line trimmed, empty ones dropped,
 * the rest joined with "; ", so a program's stderr fits an error message.
 */
void pihpc_oneline(const char *s, struct strbuf *out);

#endif /* PIHPC_RUNNER_H */
