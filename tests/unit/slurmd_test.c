/*
 * slurmd_test.c - slurmd.env, and joining and leaving the cluster on
 * captured scontrol answers.
 */
#include "testutil.h"
#include "fakerun.h"

#define SHOW "scontrol -o show node rpnode02"

/* "scontrol -o show node rpnode02" on a Slurm 22.05 controller. */
#define NODE_LINE(addr) \
	"NodeName=rpnode02 Arch=aarch64 CoresPerSocket=4 CPUAlloc=0 CPUEfctv=4 CPUTot=4 CPULoad=0.08 " \
	"AvailableFeatures=pihpc ActiveFeatures=pihpc Gres=(null) NodeAddr=" addr " NodeHostName=rpnode02 " \
	"Version=22.05.8 OS=Linux 6.1.0-rpi7-rpi-v8 #1 SMP PREEMPT Debian 1:6.1.63-1+rpt1 (2023-11-24) " \
	"RealMemory=3680 AllocMem=0 FreeMem=3412 Sockets=1 Boards=1 State=IDLE+DYNAMIC_NORM " \
	"ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A Partitions=batch " \
	"BootTime=2024-01-10T09:12:44 SlurmdStartTime=2024-01-10T09:13:02 LastBusyTime=2024-01-10T09:13:02 " \
	"CfgTRES=cpu=4,mem=3680M,billing=4 AllocTRES= CapWatts=n/a CurrentWatts=0 AveWatts=0 " \
	"ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s\n"

#define UNREACHABLE "slurm_load_node error: Unable to contact slurm controller (connect failure)\n"

static void
_conf(struct pihpc_conf *c, const char *registration)
{
	pihpc_conf_init(c);
	free(c->val[PIHPC_NODE_REGISTRATION]);
	c->val[PIHPC_NODE_REGISTRATION] = xstrdup(registration);
}

static void
test_env_text(void **state)
{
	struct pihpc_node n = { 4, 1, 4, 1, 3884, 3680 };
	struct strbuf out = STRBUF_INIT;
	struct pihpc_conf c;

	(void)state;
	_conf(&c, "dynamic");
	pihpc_slurmd_env_text(&c, &n, &out);
	assert_string_equal(out.buf,
		"# Written by pihpc from /etc/pihpc/cluster.conf; local changes are overwritten.\n"
		"SLURMD_OPTIONS=--conf-server rpnode01 -Z --conf \"Sockets=1 CoresPerSocket=4 "
		"ThreadsPerCore=1 RealMemory=3680 Feature=pihpc\"\n");
	pihpc_conf_release(&c);
	_conf(&c, "static");
	pihpc_slurmd_env_text(&c, &n, &out);
	assert_string_equal(out.buf,
		"# Written by pihpc from /etc/pihpc/cluster.conf; local changes are overwritten.\n"
		"SLURMD_OPTIONS=--conf-server rpnode01\n");
	pihpc_conf_release(&c);
	strbuf_release(&out);
}

static void
test_env_file(void **state)
{
	struct strlist done = STRLIST_INIT;
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT, p = STRBUF_INIT;
	char *r = tu_mkdtemp(), err[512];
	struct pihpc_ctx ctx = { r };
	struct pihpc_conf c;
	struct stat st;
	int i;

	(void)state;
	_conf(&c, "dynamic");
	assert_int_equal(pihpc_slurmd_env(&ctx, &c, &done, err, sizeof(err)), -1);
	strbuf_addf(&want, "cannot open '%s/sys/devices/system/cpu/online': No such file or directory", r);
	assert_string_equal(err, want.buf);

	tu_write(r, "sys/devices/system/cpu/online", "0-3\n");
	for (i = 0; i < 4; i++) {
		strbuf_reset(&p);
		strbuf_addf(&p, "sys/devices/system/cpu/cpu%d/topology/core_id", i);
		tu_write(r, p.buf, i % 2 ? "1\n" : "0\n");
	}
	tu_write(r, "proc/meminfo", "MemTotal:        7999999 kB\n");
	assert_int_equal(pihpc_slurmd_env(&ctx, &c, &done, err, sizeof(err)), 0);
	strbuf_reset(&want);
	strbuf_addf(&want, "updated '%s/etc/pihpc/slurmd.env'", r);
	assert_int_equal(done.nr, 1);
	assert_string_equal(done.v[0], want.buf);
	strlist_clear(&done);
	tu_read(r, "etc/pihpc/slurmd.env", &got);
	assert_non_null(strstr(got.buf, "-Z --conf \"Sockets=1 CoresPerSocket=2 ThreadsPerCore=2 RealMemory=7408 Feature=pihpc\"\n"));
	assert_int_equal(stat(tu_path(&p, r, "etc/pihpc/slurmd.env"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(pihpc_slurmd_env(&ctx, &c, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	pihpc_conf_release(&c);

	/* static mode does not need the hardware */
	_conf(&c, "static");
	tu_write(r, "sys/devices/system/cpu/online", "garbage");
	assert_int_equal(pihpc_slurmd_env(&ctx, &c, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 1);
	tu_read(r, "etc/pihpc/slurmd.env", &got);
	assert_non_null(strstr(got.buf, "\nSLURMD_OPTIONS=--conf-server rpnode01\n"));
	strlist_clear(&done);
	pihpc_conf_release(&c);
	strbuf_release(&got);
	strbuf_release(&want);
	strbuf_release(&p);
	tu_rmrf(r);
}

static void
test_scontrol_field(void **state)
{
	struct strbuf v = STRBUF_INIT;

	(void)state;
	assert_int_equal(pihpc_scontrol_field(NODE_LINE("10.0.0.2"), "NodeAddr", &v), 1);
	assert_string_equal(v.buf, "10.0.0.2");
	assert_int_equal(pihpc_scontrol_field(NODE_LINE("10.0.0.2"), "NodeName", &v), 1);
	assert_string_equal(v.buf, "rpnode02");
	assert_int_equal(pihpc_scontrol_field(NODE_LINE("10.0.0.2"), "State", &v), 1);
	assert_string_equal(v.buf, "IDLE+DYNAMIC_NORM");
	/* "CPUAlloc" must not match inside "AllocMem" or "CPUAlloc=" in another key */
	assert_int_equal(pihpc_scontrol_field(NODE_LINE("10.0.0.2"), "Alloc", &v), 0);
	assert_int_equal(pihpc_scontrol_field(NODE_LINE("10.0.0.2"), "AllocTRES", &v), 1);
	assert_string_equal(v.buf, "");
	assert_int_equal(pihpc_scontrol_field("", "NodeAddr", &v), 0);
	/* an empty key names no field (it used to loop forever) */
	assert_int_equal(pihpc_scontrol_field(NODE_LINE("10.0.0.2"), "", &v), 0);
	assert_int_equal(pihpc_scontrol_field("=x", "", &v), 0);
	assert_string_equal(v.buf, "");
	/* a match that overlaps a rejected one is still found */
	assert_int_equal(pihpc_scontrol_field("a a a=1", "a a", &v), 1);
	assert_string_equal(v.buf, "1");
	strbuf_release(&v);
}

static void
test_short_hostname(void **state)
{
	struct strbuf name = STRBUF_INIT;
	char *r = tu_mkdtemp(), err[512];
	struct pihpc_ctx ctx = { r };

	(void)state;
	tu_write(r, "etc/hostname", "rpnode02.home.local\n");
	assert_int_equal(pihpc_short_hostname(&ctx, &name, err, sizeof(err)), 0);
	assert_string_equal(name.buf, "rpnode02");
	tu_write(r, "etc/hostname", "\n");
	assert_int_equal(pihpc_short_hostname(&ctx, &name, err, sizeof(err)), -1);
	assert_string_equal(err, "this host has no name");
	/* it becomes an argument of scontrol: nothing but a host name */
	tu_write(r, "etc/hostname", "rp node\n");
	assert_int_equal(pihpc_short_hostname(&ctx, &name, err, sizeof(err)), -1);
	assert_string_equal(err, "this host's name is not a host name: 'rp node'");
	tu_write(r, "etc/hostname", "-rpnode02\n");
	assert_int_equal(pihpc_short_hostname(&ctx, &name, err, sizeof(err)), -1);
	tu_write(r, "etc/hostname", " rpnode03 \n");
	assert_int_equal(pihpc_short_hostname(&ctx, &name, err, sizeof(err)), 0);
	assert_string_equal(name.buf, "rpnode03");
	ctx.root = NULL;
	assert_int_equal(pihpc_short_hostname(&ctx, &name, err, sizeof(err)), 0);
	assert_non_null(name.buf[0]);
	assert_null(strchr(name.buf, '.'));
	strbuf_release(&name);
	tu_rmrf(r);
}

static void
test_join_waits_then_fixes_address(void **state)
{
	static const struct fake_call calls[] = {
		{ SHOW, 2, 1, "", UNREACHABLE },
		{ SHOW, 0, 1, "", "Node rpnode02 not found\n" },
		{ SHOW, 0, 0, NODE_LINE("10.0.0.99"), "" },
		{ "scontrol update nodename=rpnode02 nodeaddr=10.0.0.2", 0, 0, "", "" },
		{ SHOW, 0, 0, NODE_LINE("10.0.0.2"), "" },
	};
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner r;
	struct pihpc_conf c;
	struct fake f;
	char err[512];
	int to;

	(void)state;
	_conf(&c, "dynamic");
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_node_join(&r, &c, "rpnode02", 60, &to, &done, err, sizeof(err)), 0);
	assert_int_equal(to, 0);
	assert_int_equal(f.slept, 6);
	assert_int_equal(done.nr, 1);
	assert_string_equal(done.v[0], "changed NodeAddr of node 'rpnode02' from '10.0.0.99' to '10.0.0.2'");
	strlist_clear(&done);
	/* right address: nothing to say */
	assert_int_equal(pihpc_node_join(&r, &c, "rpnode02", 60, &to, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	pihpc_conf_release(&c);
	fake_done(&f);
}

static void
test_join_unknown_host_skips_address(void **state)
{
	static const struct fake_call calls[] = {
		{ "scontrol -o show node rpnode09", 0, 0,
		  "NodeName=rpnode09 Arch=aarch64 NodeAddr=10.0.0.9 NodeHostName=rpnode09\n", "" },
	};
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner r;
	struct pihpc_conf c;
	struct fake f;
	char err[512];
	int to;

	(void)state;
	_conf(&c, "dynamic");
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_node_join(&r, &c, "rpnode09", 60, &to, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	pihpc_conf_release(&c);
	fake_done(&f);
}

static void
test_join_timeout(void **state)
{
	static const struct fake_call calls[] = {
		/* 60 s, 2 s apart: 31 tries */
		{ SHOW, 31, 1, "", UNREACHABLE },
		{ SHOW, 0, 0, NODE_LINE("10.0.0.99"), "" },
		{ "scontrol update nodename=rpnode02 nodeaddr=10.0.0.2", 0, 1, "",
		  "slurm_update error: Invalid node name specified\n" },
		{ SHOW, 0, -1, NULL, NULL },
	};
	struct strlist done = STRLIST_INIT, hints = STRLIST_INIT;
	struct pihpc_runner r;
	struct pihpc_conf c;
	struct fake f;
	char err[512];
	int to;

	(void)state;
	_conf(&c, "dynamic");
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_node_join(&r, &c, "rpnode02", 60, &to, &done, err, sizeof(err)), -1);
	assert_int_equal(to, 1);
	assert_int_equal(f.slept, 60);
	assert_string_equal(err, "node 'rpnode02' did not register with the controller within 60 s "
			    "(scontrol: slurm_load_node error: Unable to contact slurm controller (connect failure))");
	pihpc_node_join_hints(&c, "rpnode02", &hints);
	assert_int_equal(hints.nr, 5);
	assert_string_equal(hints.v[0], "likely causes:");
	assert_string_equal(hints.v[1], " - the controller 'rpnode01' is down or cannot be reached from this node");
	assert_non_null(strstr(hints.v[2], "'pihpc munge check'"));
	assert_string_equal(hints.v[3], " - the controller's node table is full (MaxNodeCount=64): "
			    "raise max_nodes in /etc/pihpc/cluster.conf on the controller");
	assert_string_equal(hints.v[4], "see 'journalctl -u slurmd' here and 'journalctl -u slurmctld' on the controller");
	strlist_clear(&hints);

	/* the address cannot be set */
	f.clock = 0;
	assert_int_equal(pihpc_node_join(&r, &c, "rpnode02", 60, &to, &done, err, sizeof(err)), -1);
	assert_int_equal(to, 0);
	assert_string_equal(err, "cannot set the address of node 'rpnode02' to '10.0.0.2': "
			    "slurm_update error: Invalid node name specified");
	/* no scontrol */
	assert_int_equal(pihpc_node_join(&r, &c, "rpnode02", 60, &to, &done, err, sizeof(err)), -1);
	assert_int_equal(to, 0);
	assert_string_equal(err, "cannot run 'scontrol': No such file or directory");
	assert_int_equal(done.nr, 0);
	pihpc_conf_release(&c);

	_conf(&c, "static");
	pihpc_node_join_hints(&c, "rpnode02", &hints);
	assert_string_equal(hints.v[3], " - 'rpnode02' is not in compute_nodes of /etc/pihpc/cluster.conf on the controller");
	strlist_clear(&hints);
	pihpc_conf_release(&c);
	fake_done(&f);
}

static void
test_leave(void **state)
{
	static const struct fake_call calls[] = {
		{ "scontrol delete nodename=rpnode02", 0, 0, "", "" },
		{ "scontrol delete nodename=rpnode02", 0, 1, "", "delete_node error: Requested nodes are busy\n" },
		{ "scontrol delete nodename=rpnode02", 0, 1, "", "delete_node error: Invalid node name specified\n" },
		{ "scontrol delete nodename=rpnode02", 0, 1, "", "delete_node error: Unable to contact slurm controller (connect failure)\n" },
		{ "scontrol delete nodename=rpnode02", 0, 1, "", "scontrol: error: Could not establish a configuration source\n" },
		{ "scontrol delete nodename=rpnode02", 0, 1, "", "delete_node error: Access/permission denied\n" },
	};
	struct strlist done = STRLIST_INIT;
	struct strbuf warn = STRBUF_INIT;
	struct pihpc_runner r;
	struct fake f;
	char err[512];

	(void)state;
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_node_leave(&r, "rpnode02", &done, &warn, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 1);
	assert_string_equal(done.v[0], "deleted node 'rpnode02' from the controller");
	assert_int_equal(warn.len, 0);
	strlist_clear(&done);

	assert_int_equal(pihpc_node_leave(&r, "rpnode02", &done, &warn, err, sizeof(err)), -1);
	assert_string_equal(err, "node 'rpnode02' still runs jobs; drain it first: "
			    "scontrol update nodename=rpnode02 state=drain reason=...");

	assert_int_equal(pihpc_node_leave(&r, "rpnode02", &done, &warn, err, sizeof(err)), 0);
	assert_int_equal(warn.len, 0);

	assert_int_equal(pihpc_node_leave(&r, "rpnode02", &done, &warn, err, sizeof(err)), 0);
	assert_string_equal(warn.buf, "cannot reach the controller to delete node 'rpnode02' "
			    "(delete_node error: Unable to contact slurm controller (connect failure)); nothing to clean");
	assert_int_equal(pihpc_node_leave(&r, "rpnode02", &done, &warn, err, sizeof(err)), 0);
	assert_non_null(strstr(warn.buf, "Could not establish a configuration source"));

	assert_int_equal(pihpc_node_leave(&r, "rpnode02", &done, &warn, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot delete node 'rpnode02': delete_node error: Access/permission denied");
	assert_int_equal(done.nr, 0);
	strbuf_release(&warn);
	fake_done(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_text),
		cmocka_unit_test(test_env_file),
		cmocka_unit_test(test_scontrol_field),
		cmocka_unit_test(test_short_hostname),
		cmocka_unit_test(test_join_waits_then_fixes_address),
		cmocka_unit_test(test_join_unknown_host_skips_address),
		cmocka_unit_test(test_join_timeout),
		cmocka_unit_test(test_leave),
	};

	return cmocka_run_group_tests_name("slurmd", tests, NULL, NULL);
}
