/*
 * acctmove_test.c - the MANIFEST of an accounting export: what export
 * writes parses, anything else is refused with the line.
 */
#include "testutil.h"

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA_J "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define GOOD \
	"pihpc-accounting-export 1\ncluster raspi-hpc-cluster\nslurm 22.05.8\n" \
	"date 20261202T204500\nsha256 " SHA_A " associations.cfg\n" \
	"sha256 " SHA_J " jobs.psv\n"

static void
test_manifest_ok(void **state)
{
	struct pihpc_export_manifest m;
	char err[256];

	(void)state;
	assert_int_equal(pihpc_export_manifest_parse(GOOD, strlen(GOOD), &m, err,
						     sizeof(err)), 0);
	assert_string_equal(m.cluster, "raspi-hpc-cluster");
	assert_string_equal(m.slurm, "22.05.8");
	assert_string_equal(m.date, "20261202T204500");
	assert_string_equal(m.assoc_sha, SHA_A);
	assert_string_equal(m.jobs_sha, SHA_J);
}

static void
test_manifest_bad(void **state)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "", "manifest line 0 is not understood" },
		{ "pihpc-accounting-export 2\n", "manifest line 1 is not understood" },
		{ "pihpc-accounting-export 1\ncluster ../etc\n", "manifest line 2 is not understood" },
		{ "pihpc-accounting-export 1\ncluster a\ncluster b\n", "manifest line 3 is not understood" },
		{ "pihpc-accounting-export 1\nslurm 22.05.8;rm\n", "manifest line 2 is not understood" },
		{ "pihpc-accounting-export 1\nsha256 " SHA_A " ../../etc/shadow\n", "manifest line 2 is not understood" },
		{ "pihpc-accounting-export 1\nsha256 abc associations.cfg\n", "manifest line 2 is not understood" },
		{ "pihpc-accounting-export 1\nsha256\n", "manifest line 2 is not understood" },
		{ "pihpc-accounting-export 1\ncluster a\n", "the manifest lacks a line" },
	};
	struct pihpc_export_manifest m;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pihpc_export_manifest_parse(bad[i].text, strlen(bad[i].text),
							     &m, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].err);
		assert_string_equal(m.cluster, "");
	}
	assert_int_equal(pihpc_export_manifest_parse("pihpc-accounting-export 1\0x", 27,
						     &m, err, sizeof(err)), -1);
	assert_string_equal(err, "not a pihpc export manifest");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_ok),
		cmocka_unit_test(test_manifest_bad),
	};

	return cmocka_run_group_tests_name("acctmove", tests, NULL, NULL);
}
