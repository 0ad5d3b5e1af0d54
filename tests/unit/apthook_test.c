/*
 * apthook_test.c - APT's Pre-Install-Pkgs hook input, versions 2 and 3,
 * and what is refused.
 */
#include "testutil.h"

#define CONF "VERSION 3\nAPT::Architecture=amd64\nPihpc::Upgrade::Guard=off\n" \
	"DPkg::Pre-Install-Pkgs::=/usr/libexec/pihpc/apt-slurm-guard\n\n"

static int
_parse(const char *text, struct pihpc_apthook *h, char *err, size_t errlen)
{
	pihpc_apthook_release(h);
	err[0] = '\0';
	return pihpc_apthook_parse(text, strlen(text), h, err, errlen);
}

static void
test_v3(void **state)
{
	struct pihpc_apthook h = PIHPC_APTHOOK_INIT;
	char err[256];
	const char *in = CONF
		"slurmd 22.05.8-4+deb12u3 amd64 none > - - none **REMOVE**\n"
		"slurm-smd-slurmd - - none < 24.11.5-1 amd64 same /var/cache/apt/archives/slurm-smd-slurmd_24.11.5-1_amd64.deb\n"
		"slurm-smd-slurmd - - none < 24.11.5-1 amd64 same **CONFIGURE**\n"
		"hello 2.10-3 amd64 foreign = 2.10-3 amd64 foreign /tmp/my dir/hello.deb\n";

	(void)state;
	assert_int_equal(_parse(in, &h, err, sizeof(err)), 0);
	assert_int_equal(h.version, 3);
	assert_int_equal(h.nr, 4);
	assert_string_equal(h.v[0].pkg, "slurmd");
	assert_string_equal(h.v[0].oldver, "22.05.8-4+deb12u3");
	assert_null(h.v[0].newver);
	assert_int_equal(h.v[0].op, PIHPC_APT_REMOVE);
	assert_null(h.v[1].oldver);
	assert_string_equal(h.v[1].newver, "24.11.5-1");
	assert_int_equal(h.v[1].op, PIHPC_APT_UNPACK);
	assert_int_equal(h.v[1].line, 7);
	assert_int_equal(h.v[2].op, PIHPC_APT_CONFIGURE);
	assert_int_equal(h.v[3].op, PIHPC_APT_UNPACK);
	assert_string_equal(pihpc_apthook_config(&h, "pihpc::upgrade::guard"), "off");
	assert_string_equal(pihpc_apthook_config(&h, "APT::Architecture"), "amd64");
	assert_null(pihpc_apthook_config(&h, "APT"));
	/* no actions at all */
	assert_int_equal(_parse("VERSION 3\n\n", &h, err, sizeof(err)), 0);
	assert_int_equal(h.nr, 0);
	pihpc_apthook_release(&h);
}

static void
test_v2(void **state)
{
	struct pihpc_apthook h = PIHPC_APTHOOK_INIT;
	char err[256];

	(void)state;
	assert_int_equal(_parse("VERSION 2\nA=b\n\nslurmctld 22.05.8-4 < 23.11.4-1 /x/slurmctld.deb\n",
				&h, err, sizeof(err)), 0);
	assert_int_equal(h.version, 2);
	assert_int_equal(h.nr, 1);
	assert_string_equal(h.v[0].oldver, "22.05.8-4");
	assert_string_equal(h.v[0].newver, "23.11.4-1");
	pihpc_apthook_release(&h);
}

static void
test_bad(void **state)
{
	static const struct {
		const char *in;
		const char *err;
	} cases[] = {
		{ "", "no input" },
		{ "/var/cache/apt/archives/x.deb\n", "line 1: not APT's hook protocol version 2 or 3" },
		{ "VERSION 4\n\n", "line 1: not APT's hook protocol" },
		{ "VERSION 3\nA=b\n", "line 2: the input stops before the end of the configuration" },
		{ "VERSION 3\nnokey\n\n", "line 2: a configuration line without 'key='" },
		{ "VERSION 3\n=x\n\n", "line 2: a configuration line without 'key='" },
		{ "VERSION 3\n\nslurmd 1 amd64 none < 2 amd64 none /x.deb", "line 3: the input stops in the middle of a line" },
		{ "VERSION 3\n\nslurmd 1 amd64 none < 2\n", "line 3: 6 fields where APT's protocol version 3 has 9" },
		{ "VERSION 3\n\nslurmd  1 amd64 none < 2 amd64 none /x.deb\n", "line 3: empty field 2" },
		{ "VERSION 3\n\nSlurm/d 1 amd64 none < 2 amd64 none /x.deb\n", "line 3: not a package name: 'Slurm/d'" },
		{ "VERSION 3\n\nslurmd x1 amd64 none < 2 amd64 none /x.deb\n", "line 3: not a package version: 'x1'" },
		{ "VERSION 3\n\nslurmd 1 amd64 none < 2;rm amd64 none /x.deb\n", "line 3: not a package version: '2;rm'" },
		{ "VERSION 3\n\nslurmd 1 amd64 maybe < 2 amd64 none /x.deb\n", "line 3: not an architecture and Multi-Arch type" },
		{ "VERSION 3\n\nslurmd 1 am/d64 none < 2 amd64 none /x.deb\n", "line 3: not an architecture" },
		{ "VERSION 3\n\nslurmd 1 amd64 none << 2 amd64 none /x.deb\n", "line 3: not a direction of version change" },
		{ "VERSION 3\n\nslurmd 1 amd64 none < 2 amd64 none **PURGE**\n", "line 3: not an action" },
		{ "VERSION 3\n\nslurmd 1 amd64 none < 2 amd64 none /x\033.deb\n", "line 3: not an action" },
		{ "VERSION 3\n\nslurmd 1 amd64 none < - - none /x.deb\n", "line 3: 'slurmd' is installed or configured without a version" },
	};
	struct pihpc_apthook h = PIHPC_APTHOOK_INIT;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (_parse(cases[i].in, &h, err, sizeof(err)) != -1)
			fail_msg("case %zu: accepted", i);
		if (!strstr(err, cases[i].err))
			fail_msg("case %zu: want '%s', got '%s'", i, cases[i].err, err);
	}
	/* a NUL byte, and a line too long */
	{
		static const char nul[] = "VERSION 3\n\0\n";
		struct strbuf big = STRBUF_INIT;

		pihpc_apthook_release(&h);
		assert_int_equal(pihpc_apthook_parse(nul, sizeof(nul) - 1, &h, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "a NUL byte"));
		strbuf_addstr(&big, "VERSION 3\nA=");
		while (big.len <= PIHPC_APTHOOK_LINE_MAX + 20)
			strbuf_addstr(&big, "xxxxxxxxxxxxxxxx");
		strbuf_addstr(&big, "\n\n");
		pihpc_apthook_release(&h);
		assert_int_equal(pihpc_apthook_parse(big.buf, big.len, &h, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "line 2: longer than 65536 bytes"));
		strbuf_release(&big);
	}
	pihpc_apthook_release(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v3),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests_name("apthook", tests, NULL, NULL);
}
