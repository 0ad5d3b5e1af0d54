/*
 * sha256.h - SHA-256 (FIPS 180-4), for comparing secrets without showing
 * them (the munge key's fingerprint).
 */
#ifndef PIHPC_SHA256_H
#define PIHPC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define PIHPC_SHA256_LEN 32
#define PIHPC_SHA256_HEX (2 * PIHPC_SHA256_LEN + 1)

struct pihpc_sha256 {
	uint32_t h[8];
	uint64_t bytes;		/* message length so far */
	unsigned char block[64];
	size_t fill;		/* bytes waiting in [block] */
};

void pihpc_sha256_init(struct pihpc_sha256 *s);
void pihpc_sha256_update(struct pihpc_sha256 *s, const void *data, size_t len);

/* Write the digest to [out] and wipe [s]. */
void pihpc_sha256_final(struct pihpc_sha256 *s,
			unsigned char out[PIHPC_SHA256_LEN]);

/* Digest of [len] bytes of [data] as 64 lowercase hex digits plus NUL. */
void pihpc_sha256_hex(const void *data, size_t len,
		      char hex[PIHPC_SHA256_HEX]);

#endif /* PIHPC_SHA256_H */
