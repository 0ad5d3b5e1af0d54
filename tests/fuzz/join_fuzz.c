/*
 * join_fuzz.c - the join protocol's parsers on arbitrary bytes: the
 * message parser, the welcome payload parser, and a controller's
 * handshake fed the bytes as a node's HELLO.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "joinmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pihpc_join_msg m;
	struct pihpc_join_payload p;
	struct pihpc_join_hs hs;
	char err[256];

	if (pihpc_join_msg_parse(data, size, &m, err, sizeof(err)) == 0) {
		unsigned char out[PIHPC_JOIN_FRAME_MAX];
		size_t n = pihpc_join_msg_encode(&m, out);

		/* what parses encodes back to the same bytes */
		if (n != size || memcmp(out, data, n))
			__builtin_trap();
	}
	(void)pihpc_join_payload_parse(data, size, &p, err, sizeof(err));
	if (pihpc_join_server_hello(&hs, data, size, err, sizeof(err)) == 0) {
		unsigned char psk[PIHPC_JOIN_PSK_LEN] = { 0 }, out[PIHPC_JOIN_FRAME_MAX];
		size_t n;

		(void)pihpc_join_server_challenge(&hs, psk, out, &n, err, sizeof(err));
	}
	pihpc_join_hs_release(&hs);
	return 0;
}
