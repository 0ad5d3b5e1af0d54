/*
 * sha256.c - SHA-256 fingerprints, computed by libsodium.
 */
#include <sodium.h>

#include "sha256.h"

int
pihpc_sha256_hex(const void *data, size_t len, char hex[PIHPC_SHA256_HEX])
{
	unsigned char md[PIHPC_SHA256_LEN];

	hex[0] = '\0';
	/* idempotent and thread-safe: callers need not have done it */
	if (sodium_init() < 0)
		return -1;
	(void)crypto_hash_sha256(md, data, len);
	(void)sodium_bin2hex(hex, PIHPC_SHA256_HEX, md, sizeof(md));
	return 0;
}
