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

/*
 * Bounds on one expression, checked before anything is allocated: names
 * in the whole list, characters in one name (a host name's maximum),
 * bracket groups in one name, and bytes of all names together.
 */
#define PIHPC_HOSTLIST_MAX 65536
#define PIHPC_HOSTLIST_NAME_MAX 255
#define PIHPC_HOSTLIST_BRACKETS_MAX 8
#define PIHPC_HOSTLIST_BYTES_MAX (4UL << 20)

/*
 * Append the names of [expr] to [out].  Errors name the expression and a
 * 1-based position: "hostlist 'n[1-': unterminated '[' at position 2".
 * On error [out] is left as it was.  Time and memory are linear in the
 * length of [expr] plus the size of the result.
 */
int pihpc_hostlist_expand(const char *expr, struct strlist *out,
			  char *err, size_t errlen);

/*
 * Set [out] to a compact hostlist for the [n] names in [names]: names
 * sharing prefix, suffix and zero padding around their last number are
 * grouped ("n1,n2,n3,n7" -> "n[1-3,7]"); an unpadded number as long as a
 * padded group's width joins that group ("n01,n10" -> "n[01,10]").
 * Duplicates are dropped; groups keep the order of their first name.
 * O(n log n).
 */
int pihpc_hostlist_compress(char *const *names, size_t n, struct strbuf *out,
			    char *err, size_t errlen);

#endif /* PIHPC_HOSTLIST_H */
