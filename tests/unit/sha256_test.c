/*
 * sha256_test.c - SHA-256 fingerprints against the FIPS 180-4 examples.
 */
#include "testutil.h"

static void
test_vectors(void **state)
{
	char hex[PIHPC_SHA256_HEX];

	(void)state;
	assert_int_equal(pihpc_sha256_hex("", 0, hex), 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	pihpc_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	pihpc_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* A million 'a', and 55, 56 and 64 bytes: the padding edge cases. */
static void
test_lengths(void **state)
{
	char *buf = xmalloc(1000000), hex[PIHPC_SHA256_HEX];

	(void)state;
	memset(buf, 'a', 1000000);
	assert_int_equal(pihpc_sha256_hex(buf, 1000000, hex), 0);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	assert_int_equal(pihpc_sha256_hex(buf, 55, hex), 0);
	assert_string_equal(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	assert_int_equal(pihpc_sha256_hex(buf, 64, hex), 0);
	assert_string_equal(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_lengths),
	};

	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
