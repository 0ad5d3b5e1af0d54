/*
 * render_test.c - templates rendered against golden files in golden/.
 * Set PIHPC_UPDATE_GOLDEN=1 to rewrite the golden files after a change.
 */
#include <strings.h>

#include "testutil.h"

#define GOLDEN TOP_SRCDIR "/tests/unit/golden"
#define TEMPLATES TOP_SRCDIR "/conf"

/* Render [conf_text] as [role] and compare each file with golden/[prefix]-NAME. */
static void
_golden(const char *conf_text, const char *role, const char *prefix)
{
	static const char *const files[] = { "slurm.conf", "cgroup.conf", NULL };
	struct strlist errs = STRLIST_INIT, done = STRLIST_INIT;
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT, name = STRBUF_INIT;
	char *out = tu_mkdtemp(), err[512];
	struct pihpc_conf c;
	int i;

	pihpc_conf_init(&c);
	assert_int_equal(pihpc_conf_parse(&c, "t", conf_text, strlen(conf_text), &errs), 0);
	assert_int_equal(pihpc_render(&c, role, TEMPLATES, out, &done, err,
				      sizeof(err)), 0);
	assert_int_equal(done.nr, 2);
	for (i = 0; files[i]; i++) {
		tu_read(out, files[i], &got);
		strbuf_reset(&name);
		strbuf_addf(&name, "%s-%s", prefix, files[i]);
		if (getenv("PIHPC_UPDATE_GOLDEN"))
			tu_write(GOLDEN, name.buf, got.buf);
		tu_read(GOLDEN, name.buf, &want);
		assert_string_equal(got.buf, want.buf);
	}
	/* a second render writes nothing */
	strlist_clear(&done);
	assert_int_equal(pihpc_render(&c, role, TEMPLATES, out, &done, err,
				      sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	pihpc_conf_release(&c);
	strlist_clear(&errs);
	strlist_clear(&done);
	strbuf_release(&got);
	strbuf_release(&want);
	strbuf_release(&name);
	tu_rmrf(out);
}

static void
test_dynamic_master(void **state)
{
	(void)state;
	_golden("", "master", "dynamic");
}

static void
test_static_compute(void **state)
{
	(void)state;
	_golden("node_registration = static\n"
		"compute_nodes = rpnode[01-03],bignode1\n"
		"cluster_name = lab\n"
		"partition = work\n"
		"partition_default_time = 30\n"
		"health_check = yes\n",
		"compute", "static");
}

static void
test_static_never_idle(void **state)
{
	struct strbuf p = STRBUF_INIT, got = STRBUF_INIT;

	(void)state;
	tu_read(GOLDEN, "static-slurm.conf", &got);
	assert_null(strstr(got.buf, "State=idle"));
	assert_null(strstr(got.buf, "Include"));
	assert_null(strstr(got.buf, "gres/gpu"));
	assert_non_null(strstr(got.buf, "\nNodeName=rpnode[01-03],bignode1 Sockets=1 CoresPerSocket=4 ThreadsPerCore=1 RealMemory=1800\n"));
	assert_null(strstr(got.buf, "NodeName=rpnode03"));
	assert_non_null(strstr(got.buf, "\nPartitionName=work Nodes=rpnode[01-03],bignode1 Default=YES State=UP DefaultTime=30 "));
	strbuf_release(&p);
	strbuf_release(&got);
}

static void
test_placeholders(void **state)
{
	struct pihpc_vars v = PIHPC_VARS_INIT;
	struct strbuf out = STRBUF_INIT;
	const char *t;
	char err[512];

	(void)state;
	pihpc_vars_set(&v, "A", "1");
	pihpc_vars_set(&v, "LONG_NAME", "x\ny");
	t = "a=@A@ mail root@localhost @@ @a@ @LONG_NAME@@\n";
	assert_int_equal(pihpc_render_text("t.in", t, strlen(t), &v, &out, err,
					   sizeof(err)), 0);
	assert_string_equal(out.buf, "a=1 mail root@localhost @@ @a@ x\ny@\n");
	t = "one\ntwo @NOPE@\n";
	assert_int_equal(pihpc_render_text("t.in", t, strlen(t), &v, &out, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "t.in:2: unknown placeholder '@NOPE@'");
	t = "trailing @A";
	assert_int_equal(pihpc_render_text("t.in", t, strlen(t), &v, &out, err,
					   sizeof(err)), 0);
	assert_string_equal(out.buf, "trailing @A");
	pihpc_vars_clear(&v);
	strbuf_release(&out);
}

/* A template need not end in a NUL: nothing past [len] is read. */
static void
test_placeholders_no_nul(void **state)
{
	struct pihpc_vars v = PIHPC_VARS_INIT;
	struct strbuf out = STRBUF_INIT;
	static const char *const cases[][2] = {
		{ "ab@C", "ab@C" }, { "@A", "@A" }, { "x@", "x@" },
		{ "@A@", "1" }, { "@A@@B", "1@B" },
	};
	char err[512];
	size_t i;

	(void)state;
	pihpc_vars_set(&v, "A", "1");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i][0]);
		char *t = xmalloc(n);	/* exactly [n] bytes, no NUL */

		memcpy(t, cases[i][0], n);
		assert_int_equal(pihpc_render_text("t.in", t, n, &v, &out, err,
						   sizeof(err)), 0);
		assert_string_equal(out.buf, cases[i][1]);
		free(t);
	}
	assert_int_equal(pihpc_render_text("t.in", "@A@B@", 2, &v, &out, err,
					   sizeof(err)), 0);
	assert_string_equal(out.buf, "@A");
	assert_int_equal(pihpc_render_text("t.in", "a\n\n@NO@", 7, &v, &out, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "t.in:3: unknown placeholder '@NO@'");
	pihpc_vars_clear(&v);
	strbuf_release(&out);
}

/* 10,000 static nodes: one NodeName line, one hostlist in the partition. */
static void
test_static_many_nodes(void **state)
{
	static const char conf[] =
		"node_registration = static\n"
		"compute_nodes = n[00000-04999],m[1-5000]\n"
		"static_node_params = CPUs=4\n";
	struct strlist errs = STRLIST_INIT;
	struct pihpc_vars v = PIHPC_VARS_INIT;
	struct pihpc_conf c;
	size_t i;

	(void)state;
	pihpc_conf_init(&c);
	assert_int_equal(pihpc_conf_parse(&c, "t", conf, strlen(conf), &errs), 0);
	pihpc_render_vars(&c, &v);
	for (i = 0; i < v.names.nr; i++) {
		if (!strcmp(v.names.v[i], "NODES"))
			assert_string_equal(v.values.v[i],
				"# Nodes listed in cluster.conf (compute_nodes).\n"
				"NodeName=n[00000-04999],m[1-5000] CPUs=4");
		if (!strcmp(v.names.v[i], "PARTITIONS"))
			assert_non_null(strstr(v.values.v[i], " Nodes=n[00000-04999],m[1-5000] "));
	}
	pihpc_vars_clear(&v);
	pihpc_conf_release(&c);
	strlist_clear(&errs);
}

static void
test_render_errors(void **state)
{
	struct strlist done = STRLIST_INIT;
	char *out = tu_mkdtemp(), err[512];
	struct pihpc_conf c;

	(void)state;
	pihpc_conf_init(&c);
	assert_int_equal(pihpc_render(&c, "storage", TEMPLATES, out, &done, err,
				      sizeof(err)), -1);
	assert_string_equal(err, "invalid role 'storage' (want master or compute)");
	assert_int_equal(pihpc_render(&c, "master", "/nonexistent", out, &done,
				      err, sizeof(err)), -1);
	assert_string_equal(err, "cannot open '/nonexistent/slurm.conf.in': No such file or directory");
	assert_int_equal(tu_count_entries(out), 0);
	pihpc_conf_release(&c);
	strlist_clear(&done);
	tu_rmrf(out);
}

/*
 * The keys of cgroup.conf both Slurm 22.05 and 24.11 parse (an unknown
 * one is fatal to the daemons), without CgroupAutomount (defunct since
 * 23.02, an error in the log) and CgroupReleaseAgentDir (fatal in both).
 */
static void
test_cgroup_conf_keys(void **state)
{
	static const char *const keys[] = {
		"CgroupMountpoint", "CgroupPlugin", "ConstrainCores",
		"ConstrainRAMSpace", "AllowedRAMSpace", "MaxRAMPercent",
		"MinRAMSpace", "ConstrainSwapSpace", "AllowedSwapSpace",
		"MaxSwapPercent", "MemoryLimitEnforcement",
		"MemoryLimitThreshold", "ConstrainDevices", "AllowedDevicesFile",
		"MemorySwappiness", "IgnoreSystemd", "IgnoreSystemdOnFailure",
		NULL
	};
	static const char *const golden[] = {
		"dynamic-cgroup.conf", "static-cgroup.conf", NULL
	};
	struct strbuf got = STRBUF_INIT;
	size_t g;

	(void)state;
	for (g = 0; golden[g]; g++) {
		const char *p;
		int n = 0;

		tu_read(GOLDEN, golden[g], &got);
		for (p = got.buf; *p; p += strcspn(p, "\n"), p += !!*p) {
			size_t len = strcspn(p, "=\n"), i;

			if (*p == '#' || *p == '\n')
				continue;
			for (i = 0; keys[i]; i++)
				if (strlen(keys[i]) == len && !strncasecmp(p, keys[i], len))
					break;
			if (!keys[i])
				fail_msg("%s: '%.*s' is not a key both Slurm 22.05 and 24.11 take",
					 golden[g], (int)len, p);
			n++;
		}
		assert_int_equal(n, 4);
		assert_non_null(strstr(got.buf, "\nCgroupPlugin=autodetect\n"));
		assert_non_null(strstr(got.buf, "\nConstrainRAMSpace=yes\n"));
	}
	strbuf_release(&got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dynamic_master),
		cmocka_unit_test(test_static_compute),
		cmocka_unit_test(test_static_never_idle),
		cmocka_unit_test(test_cgroup_conf_keys),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_placeholders_no_nul),
		cmocka_unit_test(test_static_many_nodes),
		cmocka_unit_test(test_render_errors),
	};

	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
