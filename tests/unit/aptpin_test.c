/*
 * aptpin_test.c - the apt preferences for each Slurm family a repository
 * can hold.
 */
#include "testutil.h"

static void
_names(struct strlist *sl, const char *const *v)
{
	for (; *v; v++)
		strlist_push(sl, *v);
}

/* pihpc's own packages and unrelated names are not Slurm. */
static void
test_none(void **state)
{
	static const char *const v[] = { "pihpc-common", "pihpc-compute",
					 "slurm-wlm-doc", "slurmdx", NULL };
	struct strlist names = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	_names(&names, v);
	assert_int_equal(pihpc_aptpin_family(&names), PIHPC_SLURM_NONE);
	pihpc_aptpin_render(&names, &sb);
	assert_non_null(strstr(sb.buf, "holds no Slurm"));
	/* comments only: no record for apt */
	assert_null(strstr(sb.buf, "\nPackage:"));
	assert_null(strstr(sb.buf, "\nPin"));
	strlist_clear(&names);
	strbuf_release(&sb);
}

static void
test_debian(void **state)
{
	static const char *const v[] = { "pihpc-common", "slurm-client",
					 "slurmd", NULL };
	struct strlist names = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	_names(&names, v);
	assert_int_equal(pihpc_aptpin_family(&names), PIHPC_SLURM_DEBIAN);
	pihpc_aptpin_render(&names, &sb);
	assert_non_null(strstr(sb.buf,
			       "\nPackage: src:slurm-wlm\n"
			       "Pin: release o=pihpc\n"
			       "Pin-Priority: 990\n"));
	assert_null(strstr(sb.buf, "-1"));
	strlist_clear(&names);
	strbuf_release(&sb);
}

/* SchedMD's family, also next to Debian's: Debian's daemons never. */
static void
test_smd(void **state)
{
	static const char *const v[] = { "slurmd", "slurm-smd",
					 "slurm-smd-slurmd", NULL };
	static const char *const want =
		"\nPackage: src:slurm-smd\n"
		"Pin: release o=pihpc\n"
		"Pin-Priority: 990\n"
		"\n"
		"Explanation: never the release's own Slurm, which conflicts with it\n"
		"Package: slurmd slurmctld slurmdbd slurm-client\n"
		"Pin: version *\n"
		"Pin-Priority: -1\n";
	struct strlist names = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	_names(&names, v);
	assert_int_equal(pihpc_aptpin_family(&names), PIHPC_SLURM_SMD);
	pihpc_aptpin_render(&names, &sb);
	assert_true(strbuf_ends_with(&sb, want));
	assert_null(strstr(sb.buf, "src:slurm-wlm"));
	strlist_clear(&names);
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_smd),
	};

	return cmocka_run_group_tests_name("aptpin", tests, NULL, NULL);
}
