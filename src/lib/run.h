/*
 * run.h - running helper programs (useradd, usermod, ...) without a shell.
 */
#ifndef PIHPC_RUN_H
#define PIHPC_RUN_H

#include <stddef.h>

#include "strbuf.h"

/*
 * Run [argv] (argv[0] looked up in PATH) and wait for it.  0 if it exits
 * with status 0; otherwise -1 and "'useradd' failed with exit status 4"
 * or "cannot run 'useradd': No such file or directory" in [err].
 */
int pihpc_run(char *const argv[], char *err, size_t errlen);

/*
 * As pihpc_run(), with [in] ([inlen] bytes; NULL for /dev/null) on the
 * program's standard input and its standard output and error collected
 * in [out] and [errout] (each may be NULL to inherit ours).  On failure
 * [err] ends with the program's first line of error output, if any:
 * "'exportfs' failed with exit status 1: exportfs: ...".  Secrets go
 * through [in], never through [argv].
 */
int pihpc_run_capture(char *const argv[], const char *in, size_t inlen,
		      struct strbuf *out, struct strbuf *errout,
		      char *err, size_t errlen);

/*
 * As pihpc_run_capture(), but 1 instead of -1 when the program ran and
 * did not exit with status 0: a caller can tell a program that could not
 * be run at all (not installed: -1) from one that failed, whatever the
 * language of the messages in [err].
 */
int pihpc_run_capture_ran(char *const argv[], const char *in, size_t inlen,
			  struct strbuf *out, struct strbuf *errout,
			  char *err, size_t errlen);

#endif /* PIHPC_RUN_H */
