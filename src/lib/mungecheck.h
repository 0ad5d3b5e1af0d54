/*
 * mungecheck.h - a MUNGE credential round trip through the local munged.
 */
#ifndef PIHPC_MUNGECHECK_H
#define PIHPC_MUNGECHECK_H

#include <stddef.h>

/*
 * Encode a credential and decode it again via munged's [socket] (NULL for
 * libmunge's default).  On failure [err] holds munge's reason and a hint
 * (munged not running, key mismatch, clock skew).  The key is never read.
 */
int pihpc_munge_check(const char *socket, char *err, size_t errlen);

#endif /* PIHPC_MUNGECHECK_H */
