/*
 * joinmsg_test.c - the join protocol's messages (encoding, the parser's
 * refusals) and its handshake run in-process: right and wrong tokens,
 * tampered and replayed messages, sealed answers to requests.
 */
#include "testutil.h"

#define TOKEN "pihpc1.0badcafe.3f9a0c27e1d4b58a6c0f2e9d7b1a4c3e5f60718293a4b5c6d7e8f90a1b2c3d4e"
#define OTHER "pihpc1.0badcafe.0000000000000000000000000000000000000000000000000000000000000001"

static void
_parse_err(const unsigned char *buf, size_t len, const char *want)
{
	struct pihpc_join_msg m;
	char err[256];

	assert_int_equal(pihpc_join_msg_parse(buf, len, &m, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
test_encode_parse(void **state)
{
	unsigned char buf[PIHPC_JOIN_FRAME_MAX], box[60];
	struct pihpc_join_msg m, back;
	char err[256];
	size_t n;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.type = PIHPC_JOIN_HELLO;
	m.mode = PIHPC_JOIN_MODE_TOKEN;
	strcpy(m.name, "rpnode02");
	strcpy(m.token_id, "0badcafe");
	memset(m.eph_pk, 7, sizeof(m.eph_pk));
	n = pihpc_join_msg_encode(&m, buf);
	assert_int_equal(n, 4 + 1 + 9 + 9 + 32 + 32);
	assert_int_equal(buf[0], PIHPC_JOIN_VERSION);
	assert_int_equal(buf[1], PIHPC_JOIN_HELLO);
	assert_int_equal(buf[2] << 8 | buf[3], n - 4);
	assert_int_equal(pihpc_join_msg_parse(buf, n, &back, err, sizeof(err)), 0);
	assert_string_equal(back.name, "rpnode02");
	assert_string_equal(back.token_id, "0badcafe");
	assert_memory_equal(back.eph_pk, m.eph_pk, 32);

	n = pihpc_join_status_encode(PIHPC_JOIN_ST_PENDING, "key fingerprint x", buf);
	assert_int_equal(pihpc_join_msg_parse(buf, n, &back, err, sizeof(err)), 0);
	assert_int_equal(back.type, PIHPC_JOIN_STATUS);
	assert_int_equal(back.status, PIHPC_JOIN_ST_PENDING);
	assert_string_equal(back.text, "key fingerprint x");

	memset(&m, 0, sizeof(m));
	m.type = PIHPC_JOIN_WELCOME;
	memset(box, 1, sizeof(box));
	m.box = box;
	m.box_len = 20;	/* shorter than a sealed box */
	n = pihpc_join_msg_encode(&m, buf);
	_parse_err(buf, n, "malformed message of type 4");
	m.box_len = sizeof(box);
	n = pihpc_join_msg_encode(&m, buf);
	assert_int_equal(pihpc_join_msg_parse(buf, n, &back, err, sizeof(err)), 0);
	assert_int_equal(back.box_len, sizeof(box));
}

static void
test_parse_refusals(void **state)
{
	unsigned char buf[PIHPC_JOIN_FRAME_MAX + 8];
	struct pihpc_join_msg m;
	size_t n;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.type = PIHPC_JOIN_HELLO;
	m.mode = PIHPC_JOIN_MODE_TOKEN;
	strcpy(m.name, "rpnode02");
	strcpy(m.token_id, "0badcafe");
	n = pihpc_join_msg_encode(&m, buf);

	_parse_err(buf, 3, "truncated message header");
	_parse_err(buf, n - 1, "message length 82 does not match its header (83)");
	buf[0] = 2;
	_parse_err(buf, n, "unsupported protocol version 2 (this is 1)");
	buf[0] = 1;
	buf[1] = 9;
	_parse_err(buf, n, "unknown message type 9");
	buf[1] = PIHPC_JOIN_HELLO;
	buf[4] = 3;	/* mode */
	_parse_err(buf, n, "malformed message of type 1");
	buf[4] = PIHPC_JOIN_MODE_REQUEST;	/* request mode with a token id */
	_parse_err(buf, n, "malformed message of type 1");
	buf[4] = PIHPC_JOIN_MODE_TOKEN;
	buf[6] = '.';	/* a dot in the node name */
	_parse_err(buf, n, "malformed message of type 1");
	buf[6] = 'p';
	buf[5] = 200;	/* name length past the end */
	_parse_err(buf, n, "malformed message of type 1");
	buf[5] = 8;
	/* one byte too many, header agreeing */
	buf[n] = 0;
	buf[3]++;
	_parse_err(buf, n + 1, "1 extra bytes after a message of type 1");
	buf[3]--;
	/* a length over the maximum */
	buf[2] = 0xff;
	buf[3] = 0xff;
	_parse_err(buf, n, "message too large (65535 bytes, at most 8192)");

	/* STATUS code out of range, text not printable */
	n = pihpc_join_status_encode(PIHPC_JOIN_ST_ERROR, "ok", buf);
	buf[4] = 0;
	_parse_err(buf, n, "malformed message of type 5");
	buf[4] = PIHPC_JOIN_ST_ERROR;
	buf[6] = '\n';
	_parse_err(buf, n, "malformed message of type 5");
}

static void
test_payload(void **state)
{
	struct pihpc_join_payload p, back;
	unsigned char buf[PIHPC_JOIN_BODY_MAX];
	char err[256];
	size_t n;

	(void)state;
	memset(&p, 0, sizeof(p));
	strcpy(p.cluster, "raspi-hpc-cluster");
	strcpy(p.controller, "rpnode01");
	p.key_len = 1024;
	memset(p.key, 0xab, p.key_len);
	n = pihpc_join_payload_encode(&p, buf, sizeof(buf));
	assert_int_equal(n, 1 + 17 + 1 + 8 + 32 + 2 + 1024);
	assert_int_equal(pihpc_join_payload_parse(buf, n, &back, err, sizeof(err)), 0);
	assert_string_equal(back.controller, "rpnode01");
	assert_int_equal(back.key_len, 1024);
	assert_memory_equal(back.key, p.key, 1024);
	assert_int_equal(pihpc_join_payload_parse(buf, n - 1, &back, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid munge key length in welcome payload");
	assert_int_equal(pihpc_join_payload_parse(buf, 10, &back, err, sizeof(err)), -1);
	assert_string_equal(err, "malformed welcome payload");
	p.key_len = 16;	/* munge refuses keys that short */
	n = pihpc_join_payload_encode(&p, buf, sizeof(buf));
	assert_int_equal(pihpc_join_payload_parse(buf, n, &back, err, sizeof(err)), -1);
	p.key_len = PIHPC_JOIN_KEY_MAX + 1;
	assert_int_equal(pihpc_join_payload_encode(&p, buf, sizeof(buf)), 0);
}

/* A connection's frames, kept to replay or tamper with. */
struct run {
	struct pihpc_join_hs c, s;
	unsigned char hello[PIHPC_JOIN_FRAME_MAX], chal[PIHPC_JOIN_FRAME_MAX];
	unsigned char fin[PIHPC_JOIN_FRAME_MAX], wel[PIHPC_JOIN_FRAME_MAX];
	size_t nh, nc, nf, nw;
};

static struct pihpc_join_payload *
_payload(void)
{
	struct pihpc_join_payload *p = xmalloc(sizeof(*p));

	memset(p, 0, sizeof(*p));
	strcpy(p->cluster, "c1");
	strcpy(p->controller, "rpnode01");
	p->key_len = 64;
	memset(p->key, 0x42, p->key_len);
	return p;
}

/* Run a token handshake up to FINISH: node token [ct], controller's [st]. */
static void
_run(struct run *r, const char *ct, const char *st)
{
	unsigned char psk[PIHPC_JOIN_PSK_LEN];
	char err[256];

	assert_int_equal(pihpc_join_client_hello_token(&r->c, "rpnode02", ct, r->hello, &r->nh, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_server_hello(&r->s, r->hello, r->nh, err, sizeof(err)), 0);
	assert_string_equal(r->s.hello.token_id, "0badcafe");
	assert_int_equal(pihpc_join_token_psk(st, psk), 0);
	assert_int_equal(pihpc_join_server_challenge(&r->s, psk, r->chal, &r->nc, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_client_finish(&r->c, r->chal, r->nc, r->fin, &r->nf, err, sizeof(err)), 0);
}

static void
test_handshake_right_token(void **state)
{
	struct pihpc_join_payload *p = _payload(), *got = _payload();
	struct run *r = xmalloc(sizeof(*r));
	char err[256];

	(void)state;
	_run(r, TOKEN, TOKEN);
	assert_int_equal(pihpc_join_server_finish(&r->s, r->fin, r->nf, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_server_welcome(&r->s, p, r->wel, &r->nw, err, sizeof(err)), 0);
	/* the key is not in the clear on the wire */
	assert_null(memmem(r->wel, r->nw, p->key, 16));
	assert_int_equal(pihpc_join_client_welcome(&r->c, r->wel, r->nw, got, err, sizeof(err)), 0);
	assert_string_equal(got->cluster, "c1");
	assert_int_equal(got->key_len, 64);
	assert_memory_equal(got->key, p->key, 64);
	pihpc_join_hs_release(&r->c);
	pihpc_join_hs_release(&r->s);
	free(r);
	free(p);
	free(got);
}

static void
test_handshake_wrong_token(void **state)
{
	struct run *r = xmalloc(sizeof(*r));
	char err[256];

	(void)state;
	_run(r, OTHER, TOKEN);
	assert_int_equal(pihpc_join_server_finish(&r->s, r->fin, r->nf, err, sizeof(err)), -1);
	assert_string_equal(err, "the node does not prove the token (wrong token)");
	free(r);
}

static void
test_handshake_tampered(void **state)
{
	struct pihpc_join_payload *p = _payload(), *got = _payload();
	struct run *r = xmalloc(sizeof(*r));
	char err[256];

	(void)state;
	/* a changed CHALLENGE: the node's keys differ, FINISH fails */
	assert_int_equal(pihpc_join_client_hello_token(&r->c, "rpnode02", TOKEN, r->hello, &r->nh, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_server_hello(&r->s, r->hello, r->nh, err, sizeof(err)), 0);
	{
		unsigned char psk[PIHPC_JOIN_PSK_LEN];

		assert_int_equal(pihpc_join_token_psk(TOKEN, psk), 0);
		assert_int_equal(pihpc_join_server_challenge(&r->s, psk, r->chal, &r->nc, err, sizeof(err)), 0);
	}
	r->chal[10] ^= 1;
	assert_int_equal(pihpc_join_client_finish(&r->c, r->chal, r->nc, r->fin, &r->nf, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_server_finish(&r->s, r->fin, r->nf, err, sizeof(err)), -1);

	/* a changed WELCOME is refused by the node */
	_run(r, TOKEN, TOKEN);
	assert_int_equal(pihpc_join_server_finish(&r->s, r->fin, r->nf, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_server_welcome(&r->s, p, r->wel, &r->nw, err, sizeof(err)), 0);
	r->wel[r->nw - 5] ^= 0x80;
	assert_int_equal(pihpc_join_client_welcome(&r->c, r->wel, r->nw, got, err, sizeof(err)), -1);
	assert_string_equal(err, "the controller's answer does not authenticate (tampered, or the controller does not have this token)");
	/* a changed FINISH is refused by the controller */
	_run(r, TOKEN, TOKEN);
	r->fin[4] ^= 1;
	assert_int_equal(pihpc_join_server_finish(&r->s, r->fin, r->nf, err, sizeof(err)), -1);
	free(r);
	free(p);
	free(got);
}

static void
test_handshake_replay(void **state)
{
	struct pihpc_join_payload *p = _payload(), *got = _payload();
	struct run *a = xmalloc(sizeof(*a)), *b = xmalloc(sizeof(*b));
	char err[256];

	(void)state;
	_run(a, TOKEN, TOKEN);
	assert_int_equal(pihpc_join_server_finish(&a->s, a->fin, a->nf, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_server_welcome(&a->s, p, a->wel, &a->nw, err, sizeof(err)), 0);

	/* the recorded HELLO and FINISH against a new controller side */
	assert_int_equal(pihpc_join_server_hello(&b->s, a->hello, a->nh, err, sizeof(err)), 0);
	{
		unsigned char psk[PIHPC_JOIN_PSK_LEN];

		assert_int_equal(pihpc_join_token_psk(TOKEN, psk), 0);
		assert_int_equal(pihpc_join_server_challenge(&b->s, psk, b->chal, &b->nc, err, sizeof(err)), 0);
	}
	assert_int_equal(pihpc_join_server_finish(&b->s, a->fin, a->nf, err, sizeof(err)), -1);

	/* the recorded WELCOME against a new node side */
	_run(b, TOKEN, TOKEN);
	assert_int_equal(pihpc_join_client_welcome(&b->c, a->wel, a->nw, got, err, sizeof(err)), -1);
	free(a);
	free(b);
	free(p);
	free(got);
}

static void
test_request_sealed(void **state)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
	unsigned char pk2[crypto_box_PUBLICKEYBYTES], sk2[crypto_box_SECRETKEYBYTES];
	struct pihpc_join_payload *p = _payload(), *got = _payload();
	struct run *a = xmalloc(sizeof(*a)), *b = xmalloc(sizeof(*b));
	char err[256], fp[20];

	(void)state;
	crypto_box_keypair(pk, sk);
	crypto_box_keypair(pk2, sk2);
	assert_int_equal(pihpc_join_client_hello_request(&a->c, "rpnode03", pk, sk, a->hello, &a->nh, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_server_hello(&a->s, a->hello, a->nh, err, sizeof(err)), 0);
	assert_int_equal(a->s.mode, PIHPC_JOIN_MODE_REQUEST);
	assert_memory_equal(a->s.node_pk, pk, sizeof(pk));
	assert_int_equal(pihpc_join_server_welcome(&a->s, p, a->wel, &a->nw, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_client_welcome(&a->c, a->wel, a->nw, got, err, sizeof(err)), 0);
	assert_memory_equal(got->key, p->key, 64);

	/* replayed to a later connection of the same node: refused */
	assert_int_equal(pihpc_join_client_hello_request(&b->c, "rpnode03", pk, sk, b->hello, &b->nh, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_client_welcome(&b->c, a->wel, a->nw, got, err, sizeof(err)), -1);
	assert_string_equal(err, "the controller's answer belongs to another connection (replayed)");
	/* sealed to another key: cannot be opened */
	assert_int_equal(pihpc_join_client_hello_request(&b->c, "rpnode03", pk2, sk2, b->hello, &b->nh, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_client_welcome(&b->c, a->wel, a->nw, got, err, sizeof(err)), -1);
	assert_string_equal(err, "the controller's answer cannot be opened with this node's key");

	pihpc_join_fingerprint(pk, fp);
	assert_int_equal(strlen(fp), 19);
	assert_int_equal(fp[4], '-');
	free(a);
	free(b);
	free(p);
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_parse),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_handshake_right_token),
		cmocka_unit_test(test_handshake_wrong_token),
		cmocka_unit_test(test_handshake_tampered),
		cmocka_unit_test(test_handshake_replay),
		cmocka_unit_test(test_request_sealed),
	};

	return cmocka_run_group_tests_name("joinmsg", tests, NULL, NULL);
}
