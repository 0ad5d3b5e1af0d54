/*
 * jointoken_test.c - join tokens: generation, strength, ids, durations
 * and the token store.
 */
#include "testutil.h"

static void
test_generate(void **state)
{
	char a[PIHPC_JOIN_TOKEN_MAX + 1], b[PIHPC_JOIN_TOKEN_MAX + 1], err[256];
	char id[PIHPC_JOIN_ID_LEN + 1];

	(void)state;
	assert_int_equal(pihpc_join_token_generate(a, sizeof(a), err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_token_generate(b, sizeof(b), err, sizeof(err)), 0);
	assert_int_equal(strlen(a), 7 + 8 + 1 + 64);
	assert_memory_equal(a, "pihpc1.", 7);
	assert_int_equal(a[15], '.');
	assert_string_not_equal(a, b);
	assert_int_equal(pihpc_join_token_check(a, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_token_id(a, id), 0);
	assert_memory_equal(id, a + 7, 8);
	/* too small a buffer: an error, nothing left in it */
	assert_int_equal(pihpc_join_token_generate(a, 20, err, sizeof(err)), -1);
	assert_string_equal(err, "token buffer too small");
}

static void
_weak(const char *tok, const char *why)
{
	char err[256];

	assert_int_equal(pihpc_join_token_check(tok, err, sizeof(err)), -1);
	assert_string_equal(err, why);
}

static void
test_strength(void **state)
{
	char err[256];

	(void)state;
	/* openssl rand -hex 32, -hex 16, -base64 24, and base32 */
	assert_int_equal(pihpc_join_token_check("3f9a0c27e1d4b58a6c0f2e9d7b1a4c3e5f60718293a4b5c6d7e8f90a1b2c3d4e", err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_token_check("9c1e4f7a2b5d8e0f3a6c9b2e5d8f1a4c", err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_token_check("q3VxZ7mN2pL8sR4tY6wB0cD1eF9gH5jK", err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_token_check("MZXW6YTBOI3DQNRTGQ2TMZLBNA", err, sizeof(err)), 0);
	_weak("9c1e4f7a2b5d8e0f3a6c9b2e5d8f1a4", "the join token is too weak: 31 characters give about 124 bits, 128 are needed (try 'openssl rand -hex 32')");
	_weak("hunter2", "the join token is too weak: 7 characters give about 35 bits, 128 are needed (try 'openssl rand -hex 32')");
	_weak("00000000000000000000000000000000000000000000", "the join token is too weak: only 1 distinct characters, 8 are needed (try 'openssl rand -hex 32')");
	_weak("0123456789abcdef0123456789abcdef", "the join token is too weak: it repeats a string of 16 characters (try 'openssl rand -hex 32')");
	_weak("", "the join token is empty");
	_weak("9c1e4f7a2b5d8e0f 3a6c9b2e5d8f1a4c", "the join token has a blank or non-printable character at position 17");
	_weak("pihpc1.1234.abcd", "the join token starts with 'pihpc1.' but is not 'pihpc1.' + 8 + '.' + 64 hex digits");
	{
		char big[PIHPC_JOIN_TOKEN_MAX + 2];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		_weak(big, "the join token is too long (257 characters, at most 256)");
	}
}

static void
test_id_and_psk(void **state)
{
	unsigned char p1[PIHPC_JOIN_PSK_LEN], p2[PIHPC_JOIN_PSK_LEN];
	char id1[PIHPC_JOIN_ID_LEN + 1], id2[PIHPC_JOIN_ID_LEN + 1];
	const char *t = "3f9a0c27e1d4b58a6c0f2e9d7b1a4c3e5f60718293a4b5c6d7e8f90a1b2c3d4e";

	(void)state;
	assert_int_equal(pihpc_join_token_id(t, id1), 0);
	assert_int_equal(pihpc_join_token_id(t, id2), 0);
	assert_string_equal(id1, id2);
	assert_int_equal(strspn(id1, "0123456789abcdef"), 8);
	assert_int_equal(pihpc_join_token_id("9c1e4f7a2b5d8e0f3a6c9b2e5d8f1a4c", id2), 0);
	assert_string_not_equal(id1, id2);
	assert_int_equal(pihpc_join_token_psk(t, p1), 0);
	assert_int_equal(pihpc_join_token_psk(t, p2), 0);
	assert_memory_equal(p1, p2, sizeof(p1));
	assert_int_equal(pihpc_join_token_psk("9c1e4f7a2b5d8e0f3a6c9b2e5d8f1a4c", p2), 0);
	assert_memory_not_equal(p1, p2, sizeof(p1));
	/* the id is not a prefix of the verifier */
	assert_int_equal(pihpc_join_token_id("pihpc1.ABCDEF01.3f9a0c27e1d4b58a6c0f2e9d7b1a4c3e5f60718293a4b5c6d7e8f90a1b2c3d4e", id1), 0);
	assert_string_equal(id1, "abcdef01");
}

static void
test_duration(void **state)
{
	long long s;

	(void)state;
	assert_int_equal(pihpc_duration_parse("0", &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(pihpc_duration_parse("never", &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(pihpc_duration_parse("90", &s), 0);
	assert_int_equal(s, 90);
	assert_int_equal(pihpc_duration_parse("30m", &s), 0);
	assert_int_equal(s, 1800);
	assert_int_equal(pihpc_duration_parse("24h", &s), 0);
	assert_int_equal(s, 86400);
	assert_int_equal(pihpc_duration_parse("7d", &s), 0);
	assert_int_equal(s, 7 * 86400);
	assert_int_equal(pihpc_duration_parse("", &s), -1);
	assert_int_equal(pihpc_duration_parse("-1h", &s), -1);
	assert_int_equal(pihpc_duration_parse("1w", &s), -1);
	assert_int_equal(pihpc_duration_parse("1hh", &s), -1);
	assert_int_equal(pihpc_duration_parse("99999999999d", &s), -1);
}

static void
test_token_state(void **state)
{
	struct pihpc_join_token t;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(pihpc_join_token_state(&t, 1000), PIHPC_TOKEN_OK);
	t.expires = 1000;
	assert_int_equal(pihpc_join_token_state(&t, 999), PIHPC_TOKEN_OK);
	assert_int_equal(pihpc_join_token_state(&t, 1000), PIHPC_TOKEN_EXPIRED);
	t.expires = 0;
	t.max_uses = 2;
	t.used = 1;
	assert_int_equal(pihpc_join_token_state(&t, 1000), PIHPC_TOKEN_OK);
	t.used = 2;
	assert_int_equal(pihpc_join_token_state(&t, 1000), PIHPC_TOKEN_USED_UP);
}

static void
test_store_text(void **state)
{
	struct pihpc_join_store st = PIHPC_JOIN_STORE_INIT, back = PIHPC_JOIN_STORE_INIT;
	struct pihpc_join_token t;
	struct strbuf text = STRBUF_INIT;
	char err[256];

	(void)state;
	memset(&t, 0, sizeof(t));
	memcpy(t.id, "0badcafe", 9);
	memset(t.psk, 0x5a, sizeof(t.psk));
	t.created = 100;
	t.expires = 200;
	t.max_uses = 3;
	t.used = 1;
	pihpc_join_store_put(&st, &t);
	memcpy(t.id, "12345678", 9);
	t.set = 1;
	t.expires = 0;
	pihpc_join_store_put(&st, &t);
	pihpc_join_store_put(&st, &t);	/* same id: replaced */
	assert_int_equal(st.nr, 2);
	pihpc_join_store_format(&st, &text);
	assert_non_null(strstr(text.buf, "\n0badcafe 5a5a"));
	assert_non_null(strstr(text.buf, " 100 200 3 1 generated\n12345678 "));
	assert_non_null(strstr(text.buf, " 100 0 3 1 set\n"));
	assert_int_equal(pihpc_join_store_parse(&back, "tokens", text.buf, err, sizeof(err)), 0);
	assert_int_equal(back.nr, 2);
	assert_memory_equal(back.v[0].psk, st.v[0].psk, PIHPC_JOIN_PSK_LEN);
	assert_int_equal(back.v[0].expires, 200);
	assert_int_equal(back.v[1].set, 1);
	assert_int_equal(pihpc_join_store_remove(&back, "0badcafe"), 0);
	assert_int_equal(pihpc_join_store_remove(&back, "0badcafe"), -1);
	assert_int_equal(back.nr, 1);
	assert_string_equal(back.v[0].id, "12345678");
	assert_null(pihpc_join_store_find(&back, "0badcafe"));
	pihpc_join_store_release(&back);

	assert_int_equal(pihpc_join_store_parse(&back, "tokens", "# c\n\n0badcafe 5a 1 2 3 4 set\n", err, sizeof(err)), -1);
	assert_string_equal(err, "tokens:3: invalid token entry");
	pihpc_join_store_release(&back);
	assert_int_equal(pihpc_join_store_parse(&back, "tokens", "0badcafe 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a 1 2 3 4 other\n", err, sizeof(err)), -1);
	assert_string_equal(err, "tokens:1: invalid token entry");
	pihpc_join_store_release(&back);
	pihpc_join_store_release(&st);
	strbuf_release(&text);
}

static void
test_store_files(void **state)
{
	struct pihpc_join_store st = PIHPC_JOIN_STORE_INIT;
	struct pihpc_join_token t;
	struct strbuf p = STRBUF_INIT;
	struct stat sb;
	char *r = tu_mkdtemp(), err[512];
	struct pihpc_ctx ctx = { r };
	int fd;

	(void)state;
	/* a missing store is empty */
	assert_int_equal(pihpc_join_store_load(&ctx, &st, err, sizeof(err)), 0);
	assert_int_equal(st.nr, 0);
	memset(&t, 0, sizeof(t));
	memcpy(t.id, "0badcafe", 9);
	pihpc_join_store_put(&st, &t);
	assert_int_equal(pihpc_join_lock(&ctx, &fd, err, sizeof(err)), 0);
	assert_int_equal(pihpc_join_store_save(&ctx, &st, err, sizeof(err)), 0);
	assert_int_equal(close(fd), 0);
	pihpc_join_store_release(&st);
	assert_int_equal(stat(tu_path(&p, r, "var/lib/pihpc/join"), &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(stat(tu_path(&p, r, "var/lib/pihpc/join/tokens"), &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(pihpc_join_store_load(&ctx, &st, err, sizeof(err)), 0);
	assert_int_equal(st.nr, 1);
	pihpc_join_store_release(&st);

	/* a damaged store is an error naming the file and line */
	tu_write(r, "var/lib/pihpc/join/tokens", "garbage\n");
	assert_int_equal(pihpc_join_store_load(&ctx, &st, err, sizeof(err)), -1);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/var/lib/pihpc/join/tokens:1: invalid token entry", r);
	assert_string_equal(err, p.buf);
	pihpc_join_store_release(&st);
	strbuf_release(&p);
	tu_rmrf(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_strength),
		cmocka_unit_test(test_id_and_psk),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_token_state),
		cmocka_unit_test(test_store_text),
		cmocka_unit_test(test_store_files),
	};

	return cmocka_run_group_tests_name("jointoken", tests, NULL, NULL);
}
