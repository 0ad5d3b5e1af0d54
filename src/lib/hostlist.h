/*
 * hostlist.h - Slurm hostlist expressions.
 *
 * "rpnode[01-02]", "n[1-3,7]", "a[1-2]b[3-4]" (several brackets give the
 * cartesian product, the first bracket varying slowest), "a,b[1-2]".
 * Zero padding follows the lower bound's width as in Slurm.
 */
#ifndef PIHPC_HOSTLIST_H
#define PIHPC_HOSTLIST_H

#include <stddef.h>

#include "strbuf.h"

#define PIHPC_HOSTLIST_MAX 65536

/*
 * Append the names of [expr] to [out].  Errors name the expression and a
 * 1-based position: "hostlist 'n[1-': unterminated '[' at position 2".
 */
int pihpc_hostlist_expand(const char *expr, struct strlist *out,
			  char *err, size_t errlen);

/*
 * Set [out] to a compact hostlist for the [n] names in [names]: names
 * sharing prefix, suffix and zero padding around their last number are
 * grouped ("n1,n2,n3,n7" -> "n[1-3,7]").  Duplicates are dropped; groups
 * keep the order of their first name.
 */
int pihpc_hostlist_compress(char *const *names, size_t n, struct strbuf *out,
			    char *err, size_t errlen);

#endif /* PIHPC_HOSTLIST_H */
