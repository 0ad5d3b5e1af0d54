/*
 * run.h - running helper programs (useradd, usermod, ...) without a shell.
 */
#ifndef PIHPC_RUN_H
#define PIHPC_RUN_H

#include <stddef.h>

/*
 * Run [argv] (argv[0] looked up in PATH) and wait for it.  0 if it exits
 * with status 0; otherwise -1 and "'useradd' failed with exit status 4"
 * or "cannot run 'useradd': No such file or directory" in [err].
 */
int pihpc_run(char *const argv[], char *err, size_t errlen);

#endif /* PIHPC_RUN_H */
