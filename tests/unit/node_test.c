/*
 * node_test.c - hardware detection from fake sysfs trees.
 */
#include "testutil.h"

/* A single-socket fake root: [online], [ncpu] cores, MemTotal [memkb]. */
static char *
_root(const char *online, int ncpu, long memkb)
{
	struct strbuf rel = STRBUF_INIT, val = STRBUF_INIT;
	char *r = tu_mkdtemp();
	int i;

	tu_write(r, "sys/devices/system/cpu/online", online);
	for (i = 0; i < ncpu; i++) {
		strbuf_reset(&rel);
		strbuf_addf(&rel, "sys/devices/system/cpu/cpu%d/topology/physical_package_id", i);
		tu_write(r, rel.buf, "0\n");
		strbuf_reset(&rel);
		strbuf_addf(&rel, "sys/devices/system/cpu/cpu%d/topology/core_id", i);
		strbuf_reset(&val);
		strbuf_addf(&val, "%d\n", i);
		tu_write(r, rel.buf, val.buf);
	}
	strbuf_reset(&val);
	strbuf_addf(&val, "MemTotal:       %ld kB\nMemFree:  100 kB\n", memkb);
	tu_write(r, "proc/meminfo", val.buf);
	strbuf_release(&rel);
	strbuf_release(&val);
	return r;
}

static void
test_raspberry_pi_4(void **state)
{
	char *r = _root("0-3\n", 4, 3977256), err[512];
	struct pihpc_ctx ctx = { r };
	struct pihpc_node n;

	(void)state;
	assert_int_equal(pihpc_node_detect(&ctx, &n, err, sizeof(err)), 0);
	assert_int_equal(n.cpus, 4);
	assert_int_equal(n.sockets, 1);
	assert_int_equal(n.cores_per_socket, 4);
	assert_int_equal(n.threads_per_core, 1);
	assert_int_equal(n.mem_total_mib, 3884);
	assert_int_equal(n.real_memory, 3680);	/* 3884 - 194, /16 */
	tu_rmrf(r);
}

static void
test_two_socket_hyperthreaded(void **state)
{
	struct strbuf rel = STRBUF_INIT, val = STRBUF_INIT;
	char *r = tu_mkdtemp(), err[512];
	struct pihpc_ctx ctx = { r };
	struct pihpc_node n;
	int i;

	(void)state;
	/* x86 numbering: cpu 0-7 first threads, 8-15 their siblings;
	 * package 0 has cores 0-3, package 1 cores 0-3 */
	tu_write(r, "sys/devices/system/cpu/online", "0-15\n");
	for (i = 0; i < 16; i++) {
		strbuf_reset(&rel);
		strbuf_addf(&rel, "sys/devices/system/cpu/cpu%d/topology/physical_package_id", i);
		strbuf_reset(&val);
		strbuf_addf(&val, "%d\n", (i % 8) / 4);
		tu_write(r, rel.buf, val.buf);
		strbuf_reset(&rel);
		strbuf_addf(&rel, "sys/devices/system/cpu/cpu%d/topology/core_id", i);
		strbuf_reset(&val);
		strbuf_addf(&val, "%d\n", i % 4);
		tu_write(r, rel.buf, val.buf);
	}
	tu_write(r, "proc/meminfo", "MemTotal:       65831204 kB\n");
	assert_int_equal(pihpc_node_detect(&ctx, &n, err, sizeof(err)), 0);
	assert_int_equal(n.cpus, 16);
	assert_int_equal(n.sockets, 2);
	assert_int_equal(n.cores_per_socket, 4);
	assert_int_equal(n.threads_per_core, 2);
	assert_int_equal(n.real_memory, pihpc_real_memory(64288));
	assert_int_equal(n.real_memory, 61072);
	strbuf_release(&rel);
	strbuf_release(&val);
	tu_rmrf(r);
}

static void
test_offline_cpus_and_arm_package_id(void **state)
{
	char *r = _root("0-1,3\n", 4, 1000000), err[512];
	struct pihpc_ctx ctx = { r };
	struct pihpc_node n;

	(void)state;
	/* some ARM kernels report physical_package_id -1 */
	tu_write(r, "sys/devices/system/cpu/cpu0/topology/physical_package_id", "-1\n");
	tu_write(r, "sys/devices/system/cpu/cpu1/topology/physical_package_id", "-1\n");
	tu_write(r, "sys/devices/system/cpu/cpu3/topology/physical_package_id", "-1\n");
	assert_int_equal(pihpc_node_detect(&ctx, &n, err, sizeof(err)), 0);
	assert_int_equal(n.cpus, 3);
	assert_int_equal(n.sockets, 1);
	assert_int_equal(n.cores_per_socket, 3);
	assert_int_equal(n.threads_per_core, 1);
	assert_int_equal(n.real_memory, 912);	/* 976 - 64 */
	tu_rmrf(r);
}

static void
test_real_memory_rounding(void **state)
{
	(void)state;
	assert_int_equal(pihpc_real_memory(1000), 928);	/* 1000-64=936 -> 928 */
	assert_int_equal(pihpc_real_memory(7812), 7408);	/* 7812-390=7422 */
	assert_int_equal(pihpc_real_memory(64), 0);
	assert_int_equal(pihpc_real_memory(0), 0);
}

static void
test_errors(void **state)
{
	struct strbuf want = STRBUF_INIT;
	char *r = tu_mkdtemp(), err[512];
	struct pihpc_ctx ctx = { r };
	struct pihpc_node n;
	unsigned char set[8];

	(void)state;
	assert_int_equal(pihpc_node_detect(&ctx, &n, err, sizeof(err)), -1);
	strbuf_addf(&want, "cannot open '%s/sys/devices/system/cpu/online': No such file or directory", r);
	assert_string_equal(err, want.buf);
	tu_write(r, "sys/devices/system/cpu/online", "0-x\n");
	assert_int_equal(pihpc_node_detect(&ctx, &n, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot parse '%s/sys/devices/system/cpu/online': '0-x'", r);
	assert_string_equal(err, want.buf);
	tu_write(r, "sys/devices/system/cpu/online", "0\n");
	tu_write(r, "proc/meminfo", "MemFree: 1 kB\n");
	assert_int_equal(pihpc_node_detect(&ctx, &n, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "no 'MemTotal' in '%s/proc/meminfo'", r);
	assert_string_equal(err, want.buf);
	assert_int_equal(pihpc_cpulist_parse("3-1", set, 8), -1);
	assert_int_equal(pihpc_cpulist_parse("0-8", set, 8), -1);
	assert_int_equal(pihpc_cpulist_parse("0,2-3", set, 8), 0);
	assert_int_equal(set[0] + set[1] + set[2] + set[3], 3);
	assert_int_equal(pihpc_cpulist_parse("0-3\n", set, 8), 0);
	/* only what the kernel writes: no stray commas, one line */
	assert_int_equal(pihpc_cpulist_parse("0,", set, 8), -1);
	assert_int_equal(pihpc_cpulist_parse(",0", set, 8), -1);
	assert_int_equal(pihpc_cpulist_parse("0,,1", set, 8), -1);
	assert_int_equal(pihpc_cpulist_parse("0-1\n2", set, 8), -1);
	assert_int_equal(pihpc_cpulist_parse("0-1\n\n", set, 8), -1);
	strbuf_release(&want);
	tu_rmrf(r);
}

static void
test_meminfo_total(void **state)
{
	unsigned long mib = 7;
	char err[512];

	(void)state;
	assert_int_equal(pihpc_meminfo_total("m", "MemTotal:       3977256 kB\nMemFree: 1 kB\n",
					     &mib, err, sizeof(err)), 0);
	assert_int_equal(mib, 3884);
	assert_int_equal(pihpc_meminfo_total("m", "MemFree: 1 kB\nMemTotal: 2048 kB", &mib,
					     err, sizeof(err)), 0);
	assert_int_equal(mib, 2);
	/* only a line that starts with the key counts */
	assert_int_equal(pihpc_meminfo_total("m", "XMemTotal: 1 kB\nMemTotal: 4096 kB\n",
					     &mib, err, sizeof(err)), 0);
	assert_int_equal(mib, 4);
	assert_int_equal(pihpc_meminfo_total("m", "MemFree: 1 kB\n", &mib, err,
					     sizeof(err)), -1);
	assert_string_equal(err, "no 'MemTotal' in 'm'");
	/* strtoul() would take "-1" as the largest number */
	assert_int_equal(pihpc_meminfo_total("m", "MemTotal: -1 kB\n", &mib, err,
					     sizeof(err)), -1);
	assert_string_equal(err, "cannot parse 'MemTotal' in 'm': 'MemTotal: -1 kB'");
	assert_int_equal(pihpc_meminfo_total("m", "MemTotal: 99999999999999999999999 kB\n",
					     &mib, err, sizeof(err)), -1);
	assert_int_equal(pihpc_meminfo_total("m", "MemTotal: kB\n", &mib, err,
					     sizeof(err)), -1);
	assert_int_equal(pihpc_meminfo_total("m", "MemTotal: 12 MB\n", &mib, err,
					     sizeof(err)), -1);
	assert_int_equal(pihpc_meminfo_total("m", "MemTotal: 12 kB junk\n", &mib, err,
					     sizeof(err)), -1);
}

static void
test_topology(void **state)
{
	/* two packages of two cores with two threads each */
	static const long pkg[] = { 0, 0, 1, 1, 0, 0, 1, 1 };
	static const long core[] = { 0, 1, 0, 1, 0, 1, 0, 1 };
	struct pihpc_node n;

	(void)state;
	pihpc_node_topology(&n, pkg, core, 8);
	assert_int_equal(n.cpus, 8);
	assert_int_equal(n.sockets, 2);
	assert_int_equal(n.cores_per_socket, 2);
	assert_int_equal(n.threads_per_core, 2);
	pihpc_node_topology(&n, pkg, core, 1);
	assert_int_equal(n.cpus, 1);
	assert_int_equal(n.sockets, 1);
	assert_int_equal(n.cores_per_socket, 1);
	assert_int_equal(n.threads_per_core, 1);
	/* no CPUs: nothing to divide by */
	pihpc_node_topology(&n, pkg, core, 0);
	assert_int_equal(n.cpus, 0);
	assert_int_equal(n.sockets, 0);
	assert_int_equal(n.cores_per_socket, 0);
	assert_int_equal(n.threads_per_core, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raspberry_pi_4),
		cmocka_unit_test(test_two_socket_hyperthreaded),
		cmocka_unit_test(test_offline_cpus_and_arm_package_id),
		cmocka_unit_test(test_real_memory_rounding),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_meminfo_total),
		cmocka_unit_test(test_topology),
	};

	return cmocka_run_group_tests_name("node", tests, NULL, NULL);
}
