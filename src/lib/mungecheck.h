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

/*
 * A credential of munged's [socket] (NULL: the default), with no payload,
 * into [cred] (a NUL-terminated string the caller frees).
 */
int pihpc_munge_encode(const char *socket, char **cred, char *err,
		       size_t errlen);

/*
 * Decode [cred], made elsewhere, through munged's [socket].  0 if it is
 * valid; -1 with munge's reason and a hint in [err].  [encoded] gets the
 * time it was made whenever munge tells it, valid or expired or rewound
 * (the other node's clock), else 0.
 */
int pihpc_munge_decode(const char *socket, const char *cred,
		       long long *encoded, char *err, size_t errlen);

#endif /* PIHPC_MUNGECHECK_H */
