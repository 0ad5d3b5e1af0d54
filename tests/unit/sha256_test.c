/*
 * sha256_test.c - SHA-256 against the FIPS 180-4 examples.
 */
#include "testutil.h"

static void
test_vectors(void **state)
{
	char hex[PIHPC_SHA256_HEX];

	(void)state;
	pihpc_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	pihpc_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	pihpc_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_million_a_in_pieces(void **state)
{
	unsigned char md[PIHPC_SHA256_LEN];
	struct pihpc_sha256 s;
	char buf[1100];
	int i;

	(void)state;
	memset(buf, 'a', sizeof(buf));
	pihpc_sha256_init(&s);
	for (i = 0; i < 1000; i++)
		pihpc_sha256_update(&s, buf, i % 2 ? 997 : 1003);
	pihpc_sha256_final(&s, md);
	assert_int_equal(md[0], 0xcd);
	assert_int_equal(md[1], 0xc7);
	assert_int_equal(md[31], 0xd0);
	/* 55, 56 and 64 bytes: the padding edge cases */
	pihpc_sha256_hex(buf, 55, (char *)buf + 100);
	assert_string_equal(buf + 100, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	memset(buf, 'a', 100);
	pihpc_sha256_hex(buf, 64, (char *)buf + 200);
	assert_string_equal(buf + 200, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_million_a_in_pieces),
	};

	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
