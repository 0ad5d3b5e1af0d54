/*
 * joinmsg.h - the join protocol: its messages and its handshake.
 *
 * Every message is a frame: version (1 byte, PIHPC_JOIN_VERSION), type
 * (1 byte), body length (2 bytes, big-endian, at most
 * PIHPC_JOIN_BODY_MAX), body.  Strings in bodies are a length byte then
 * that many bytes; keys are raw 32-byte fields.
 *
 *  HELLO      node -> controller: mode (1 token, 2 request), node name,
 *             token id (empty in request mode), the node's ephemeral
 *             crypto_kx public key, the node's long-term crypto_box
 *             public key (zeros in token mode).
 *  CHALLENGE  controller -> node (token mode): the controller's ephemeral
 *             crypto_kx public key.
 *  FINISH     node -> controller (token mode): an empty
 *             XChaCha20-Poly1305 message under the node's key, which
 *             proves the node holds the token.
 *  WELCOME    controller -> node: the payload (cluster name, controller
 *             name, the node's ephemeral key echoed, the munge key),
 *             encrypted under the controller's key (token mode) or sealed
 *             to the node's long-term key (request mode).
 *  STATUS     controller -> node: why there is no WELCOME (code, text).
 *
 * Token mode keys: the crypto_kx session keys of the two ephemeral key
 * pairs, each hashed (BLAKE2b keyed with the token's verifier) with the
 * transcript hash (BLAKE2b of the HELLO and CHALLENGE frames).  Without
 * the token neither side can compute them; fresh ephemeral keys on both
 * sides make every connection's keys new, so nothing recorded from one
 * connection is accepted in another.
 */
#ifndef PIHPC_JOINMSG_H
#define PIHPC_JOINMSG_H

#include <stddef.h>

#include <sodium.h>

#include "jointoken.h"

#define PIHPC_JOIN_VERSION 1
#define PIHPC_JOIN_HDR 4
#define PIHPC_JOIN_BODY_MAX 8192
#define PIHPC_JOIN_FRAME_MAX (PIHPC_JOIN_HDR + PIHPC_JOIN_BODY_MAX)
#define PIHPC_JOIN_PORT 6820
#define PIHPC_JOIN_NAME_MAX 64
#define PIHPC_JOIN_TEXT_MAX 200
#define PIHPC_JOIN_KEY_MAX 4096		/* largest munge key sent */
#define PIHPC_JOIN_PK 32

enum pihpc_join_type {
	PIHPC_JOIN_HELLO = 1,
	PIHPC_JOIN_CHALLENGE = 2,
	PIHPC_JOIN_FINISH = 3,
	PIHPC_JOIN_WELCOME = 4,
	PIHPC_JOIN_STATUS = 5
};

enum pihpc_join_mode {
	PIHPC_JOIN_MODE_TOKEN = 1,
	PIHPC_JOIN_MODE_REQUEST = 2
};

/* STATUS codes. */
enum pihpc_join_status {
	PIHPC_JOIN_ST_BAD_TOKEN = 1,	/* unknown or wrong token */
	PIHPC_JOIN_ST_EXPIRED = 2,
	PIHPC_JOIN_ST_USED_UP = 3,
	PIHPC_JOIN_ST_PENDING = 4,	/* request waits for approval */
	PIHPC_JOIN_ST_REJECTED = 5,	/* request rejected by the admin */
	PIHPC_JOIN_ST_BUSY = 6,		/* rate-limited: retry later */
	PIHPC_JOIN_ST_ERROR = 7,	/* controller-side failure */
	PIHPC_JOIN_ST_MAX = 7
};

/* A parsed message; pointers point into the parsed frame. */
struct pihpc_join_msg {
	enum pihpc_join_type type;
	/* HELLO */
	enum pihpc_join_mode mode;
	char name[PIHPC_JOIN_NAME_MAX + 1];
	char token_id[PIHPC_JOIN_ID_LEN + 1];
	unsigned char node_pk[PIHPC_JOIN_PK];
	/* HELLO, CHALLENGE */
	unsigned char eph_pk[PIHPC_JOIN_PK];
	/* FINISH, WELCOME */
	const unsigned char *box;
	size_t box_len;
	/* STATUS */
	enum pihpc_join_status status;
	char text[PIHPC_JOIN_TEXT_MAX + 1];
};

/* What WELCOME carries. */
struct pihpc_join_payload {
	char cluster[PIHPC_JOIN_NAME_MAX + 1];
	char controller[PIHPC_JOIN_NAME_MAX + 1];
	unsigned char echo[PIHPC_JOIN_PK];
	unsigned char key[PIHPC_JOIN_KEY_MAX];
	size_t key_len;
};

/*
 * Parse the whole frame [buf] of [len] bytes into [m]: version, type,
 * length, and each field of the type's body, with nothing left over.
 * -1 with the reason in [err] for anything else.
 */
int pihpc_join_msg_parse(const unsigned char *buf, size_t len,
			 struct pihpc_join_msg *m, char *err, size_t errlen);

/* Encode [m] into [out] (PIHPC_JOIN_FRAME_MAX bytes); returns its length,
 * 0 if a field does not fit. */
size_t pihpc_join_msg_encode(const struct pihpc_join_msg *m,
			     unsigned char *out);

/* Payload of WELCOME, the same way. */
int pihpc_join_payload_parse(const unsigned char *buf, size_t len,
			     struct pihpc_join_payload *p, char *err,
			     size_t errlen);
size_t pihpc_join_payload_encode(const struct pihpc_join_payload *p,
				 unsigned char *out, size_t outlen);

/* Human text of a STATUS code. */
const char *pihpc_join_status_str(enum pihpc_join_status st);

/* One side of a handshake; wiped by pihpc_join_hs_release(). */
struct pihpc_join_hs {
	enum pihpc_join_mode mode;
	unsigned char eph_pk[crypto_kx_PUBLICKEYBYTES];
	unsigned char eph_sk[crypto_kx_SECRETKEYBYTES];
	unsigned char peer_eph[crypto_kx_PUBLICKEYBYTES];
	unsigned char psk[PIHPC_JOIN_PSK_LEN];
	unsigned char node_pk[crypto_box_PUBLICKEYBYTES];
	unsigned char node_sk[crypto_box_SECRETKEYBYTES];
	unsigned char k_c2s[32], k_s2c[32];
	unsigned char th[32];
	crypto_generichash_state h;	/* transcript so far */
	struct pihpc_join_msg hello;	/* server: the node's HELLO */
};

void pihpc_join_hs_release(struct pihpc_join_hs *hs);

/*
 * Node, token mode: HELLO for node [name] with [token] into [out]
 * (PIHPC_JOIN_FRAME_MAX bytes), [outlen] its length.
 */
int pihpc_join_client_hello_token(struct pihpc_join_hs *hs, const char *name,
				  const char *token, unsigned char *out,
				  size_t *outlen, char *err, size_t errlen);

/*
 * Node, request mode: HELLO carrying the node's long-term key pair
 * ([pk], [sk]: crypto_box keys).
 */
int pihpc_join_client_hello_request(struct pihpc_join_hs *hs,
				    const char *name,
				    const unsigned char *pk,
				    const unsigned char *sk, unsigned char *out,
				    size_t *outlen, char *err, size_t errlen);

/*
 * Node, token mode: take CHALLENGE [m] (parsed from [frame]), derive the
 * keys and write FINISH into [out].
 */
int pihpc_join_client_finish(struct pihpc_join_hs *hs,
			     const unsigned char *frame, size_t len,
			     unsigned char *out, size_t *outlen, char *err,
			     size_t errlen);

/*
 * Node: open WELCOME [frame] into [p]; -1 if it does not authenticate
 * (wrong controller or tampered) or does not echo this connection's key.
 */
int pihpc_join_client_welcome(struct pihpc_join_hs *hs,
			      const unsigned char *frame, size_t len,
			      struct pihpc_join_payload *p, char *err,
			      size_t errlen);

/* Controller: parse HELLO [frame] into hs->hello and the transcript. */
int pihpc_join_server_hello(struct pihpc_join_hs *hs,
			    const unsigned char *frame, size_t len, char *err,
			    size_t errlen);

/*
 * Controller, token mode: with the token's verifier [psk], write
 * CHALLENGE into [out] and derive the keys.
 */
int pihpc_join_server_challenge(struct pihpc_join_hs *hs,
				const unsigned char *psk, unsigned char *out,
				size_t *outlen, char *err, size_t errlen);

/* Controller, token mode: 0 if FINISH [frame] proves the token. */
int pihpc_join_server_finish(struct pihpc_join_hs *hs,
			     const unsigned char *frame, size_t len,
			     char *err, size_t errlen);

/*
 * Controller: WELCOME with [p] (its echo is filled in here), encrypted
 * (token mode) or sealed to the node's key (request mode).
 */
int pihpc_join_server_welcome(struct pihpc_join_hs *hs,
			      struct pihpc_join_payload *p,
			      unsigned char *out, size_t *outlen, char *err,
			      size_t errlen);

/* STATUS [st] with [text] into [out]; returns its length. */
size_t pihpc_join_status_encode(enum pihpc_join_status st, const char *text,
				unsigned char *out);

/* "xxxx-xxxx-xxxx-xxxx": the first 64 bits of SHA-256 of [pk], in hex. */
void pihpc_join_fingerprint(const unsigned char *pk, char fp[20]);

#endif /* PIHPC_JOINMSG_H */
