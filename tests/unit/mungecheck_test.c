/*
 * mungecheck_test.c - the munge round trip fails cleanly without munged.
 */
#include "testutil.h"

static void
test_missing_socket(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(pihpc_munge_check("/nonexistent/munge.socket", err,
					   sizeof(err)), -1);
	assert_string_equal(err,
		"cannot encode a munge credential: Failed to access \"/nonexistent/munge.socket\": "
		"No such file or directory (Did you start munged?) (try 'systemctl status munge')");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_socket),
	};

	return cmocka_run_group_tests_name("mungecheck", tests, NULL, NULL);
}
