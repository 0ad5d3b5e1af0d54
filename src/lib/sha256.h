/*
 * sha256.h - SHA-256 fingerprints of secrets (the munge key's), so they can
 * be compared without being shown.  The digest itself is libsodium's.
 */
#ifndef PIHPC_SHA256_H
#define PIHPC_SHA256_H

#include <stddef.h>

#define PIHPC_SHA256_LEN 32
#define PIHPC_SHA256_HEX (2 * PIHPC_SHA256_LEN + 1)

/*
 * Digest of [len] bytes of [data] as 64 lowercase hex digits plus NUL.
 * Returns 0, or -1 if libsodium cannot be initialised (then [hex] is "").
 */
int pihpc_sha256_hex(const void *data, size_t len, char hex[PIHPC_SHA256_HEX]);

#endif /* PIHPC_SHA256_H */
