/*
 * proc.h - finding running processes by name under ROOT/proc.
 */
#ifndef PIHPC_PROC_H
#define PIHPC_PROC_H

#include <stddef.h>

#include "path.h"
#include "strbuf.h"

/*
 * Look through ROOT/proc/[pid]/comm for any of the NULL-terminated
 * [names].  Returns 1 and sets [found] and [pid] for the first match, 0
 * if none runs (or there is no ROOT/proc), -1 on error.
 */
int pihpc_proc_find(const struct pihpc_ctx *ctx, const char *const *names,
		    struct strbuf *found, long *pid, char *err, size_t errlen);

#endif /* PIHPC_PROC_H */
