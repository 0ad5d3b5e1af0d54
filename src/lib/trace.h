/*
 * trace.h - one line per pihpc run in the file named by PIHPC_TRACE, so
 * that the time an installation spends in pihpc can be measured from
 * outside (make bench) without a debugger or a wrapper around pihpc.
 */
#ifndef PIHPC_TRACE_H
#define PIHPC_TRACE_H

#include <stddef.h>
#include <time.h>

#include "strbuf.h"

/*
 * The line for a run of [argv] (argc words, the command first) that began
 * at [start] and ended at [end] (CLOCK_REALTIME) with exit status [rc]:
 * "START_SECONDS.NANOSECONDS MILLISECONDS RC WORD...\n".  A word's bytes
 * outside printable ASCII, and blanks inside it, become '?', so that the
 * line stays one line of fields whatever the arguments hold.
 */
void pihpc_trace_line(struct strbuf *sb, const struct timespec *start,
		      const struct timespec *end, int rc, int argc,
		      char *const *argv);

/*
 * Append [line] to [path] with one write(2): created 0600, O_APPEND, a
 * symbolic link or anything but a regular file refused.  0, or -1 with
 * [err] filled.
 */
int pihpc_trace_append(const char *path, const struct strbuf *line,
		       char *err, size_t errlen);

#endif /* PIHPC_TRACE_H */
