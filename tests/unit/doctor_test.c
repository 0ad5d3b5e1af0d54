/*
 * doctor_test.c - "pihpc doctor": its parsers, each check's ok, warn and
 * fail on scratch roots and captured command output, the report's text
 * and JSON, and the health check's drain and resume decisions.
 */
#include "testutil.h"
#include "fakerun.h"

#define GIB (1024ULL * 1024ULL * 1024ULL)
#define MIB (1024ULL * 1024ULL)

/* Debian 12 on a Pi 4: / on the SD card, both NFS mounts. */
static const char mountinfo_ok[] =
	"22 1 179:2 / / rw,noatime shared:1 - ext4 /dev/mmcblk0p2 rw\n"
	"23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
	"25 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
	"88 22 0:45 / /home rw,relatime shared:40 - nfs4 filenode01:/home rw,vers=4.2,addr=10.0.0.3\n"
	"89 22 0:46 / /nfs rw,relatime shared:41 - nfs4 filenode01:/nfs rw,vers=4.2,addr=10.0.0.3\n";

/* A root file system gone read-only after errors, no NFS. */
static const char mountinfo_ro[] =
	"22 1 179:2 / / ro,noatime shared:1 - ext4 /dev/mmcblk0p2 ro,errors=remount-ro\n";

/* What the checks need from a test. */
struct world {
	char *root;
	struct pihpc_ctx ctx;
	struct pihpc_conf conf;
	struct pihpc_runner run;
	struct fake fake;
	struct pihpc_doctor_env env;
	struct pihpc_report r;
	unsigned long long total, avail;	/* of every file system */
	int munge_rc;
	char *munge_socket;
};

static int
_space(void *data, const char *path, struct pihpc_space *sp, char *err,
       size_t errlen)
{
	struct world *w = data;

	(void)path;
	(void)err;
	(void)errlen;
	sp->total = w->total;
	sp->avail = w->avail;
	return 0;
}

static int
_munge(void *data, const char *socket, char *err, size_t errlen)
{
	struct world *w = data;

	free(w->munge_socket);
	w->munge_socket = xstrdup(socket ? socket : "(default)");
	if (w->munge_rc)
		return pihpc_err(err, errlen, "cannot decode a munge credential: Invalid credential (the munge key differs between the nodes?)");
	return 0;
}

/* A world for host [host] with [calls] expected, cluster.conf defaults. */
static void
_world(struct world *w, const char *host, const struct fake_call *calls,
       size_t ncalls)
{
	memset(w, 0, sizeof(*w));
	w->root = tu_mkdtemp();
	w->ctx.root = w->root;
	pihpc_conf_init(&w->conf);
	fake_init(&w->run, &w->fake, calls, ncalls);
	pihpc_doctor_env_init(&w->env, &w->ctx, &w->run, &w->conf, host);
	w->env.space = _space;
	w->env.munge = _munge;
	w->env.data = w;
	w->total = 32 * GIB;
	w->avail = 20 * GIB;
}

static void
_done(struct world *w)
{
	fake_done(&w->fake);
	pihpc_report_release(&w->r);
	pihpc_conf_release(&w->conf);
	free(w->munge_socket);
	tu_rmrf(w->root);
}

static void
_set(struct world *w, enum pihpc_key k, const char *v)
{
	free(w->conf.val[k]);
	w->conf.val[k] = xstrdup(v);
}

/* Result [i] has [name], [status] and a "found" containing [found]. */
static void
_expect(const struct world *w, size_t i, const char *name,
	enum pihpc_check_status status, const char *found)
{
	const struct pihpc_check *c;

	if (i >= w->r.nr)
		fail_msg("no result %zu (%zu results)", i, w->r.nr);
	c = &w->r.v[i];
	if (strcmp(c->name, name) || c->status != status ||
	    !strstr(c->found, found))
		fail_msg("result %zu: want %s %s '%s', got %s %s '%s'", i,
			 pihpc_check_status_word(status), name, found,
			 pihpc_check_status_word(c->status), c->name,
			 c->found);
	/* every result that did not pass says how to fix it, or why not */
	if (status == PIHPC_CHECK_OK)
		assert_null(c->fix);
}

/*****************************************************************************
 *  JSON and the report
 *****************************************************************************/

static void
test_json_escaping(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	pihpc_json_str(&sb, "a\"b\\c\nd\te\rf\x01g\x1f");
	assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\nd\\te\\rf\\u0001g\\u001f\"");
	strbuf_reset(&sb);
	/* valid UTF-8 passes; a stray byte, an overlong form, a surrogate
	 * and a cut sequence become U+FFFD each */
	pihpc_json_str(&sb, "\xed\x95\x9c \xff \xc0\xaf \xed\xa0\x80 \xe2\x82");
	assert_string_equal(sb.buf,
			    "\"\xed\x95\x9c \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
			    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\"");
	strbuf_reset(&sb);
	pihpc_json_str_or_null(&sb, NULL);
	pihpc_json_str_or_null(&sb, "");
	pihpc_json_str(&sb, "\xf0\x9f\x98\x80/\x7f");
	assert_string_equal(sb.buf, "null\"\"\"\xf0\x9f\x98\x80/\x7f\"");
	strbuf_release(&sb);
}

static void
test_report(void **state)
{
	struct pihpc_report r = PIHPC_REPORT_INIT;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(pihpc_report_exit_code(&r), 0);
	pihpc_report_add(&r, "munge", PIHPC_CHECK_OK, "fine", NULL);
	pihpc_report_add(&r, "pi", PIHPC_CHECK_SKIP, "no Pi", NULL);
	assert_int_equal(pihpc_report_exit_code(&r), 0);
	pihpc_report_add(&r, "clock", PIHPC_CHECK_WARN, "2 s\noff", "sync it");
	assert_int_equal(pihpc_report_exit_code(&r), 3);
	pihpc_report_add(&r, "nfs", PIHPC_CHECK_FAIL, "'/home' \"x\"", "mount it");
	assert_int_equal(pihpc_report_exit_code(&r), 1);
	assert_int_equal(pihpc_report_worst(&r), PIHPC_CHECK_FAIL);
	pihpc_report_text(&r, &sb);
	assert_string_equal(sb.buf,
			    "ok    munge  fine\n"
			    "skip  pi     no Pi\n"
			    "warn  clock  2 s off\n"
			    "      fix: sync it\n"
			    "FAIL  nfs    '/home' \"x\"\n"
			    "      fix: mount it\n"
			    "1 ok, 1 warn, 1 FAIL, 1 skip\n");
	strbuf_reset(&sb);
	pihpc_report_json(&r, "rpnode02", &sb);
	assert_string_equal(sb.buf,
			    "{\"node\":\"rpnode02\",\"status\":\"fail\","
			    "\"counts\":{\"ok\":1,\"skip\":1,\"warn\":1,\"fail\":1},\"checks\":["
			    "{\"name\":\"munge\",\"status\":\"ok\",\"found\":\"fine\",\"fix\":null},"
			    "{\"name\":\"pi\",\"status\":\"skip\",\"found\":\"no Pi\",\"fix\":null},"
			    "{\"name\":\"clock\",\"status\":\"warn\",\"found\":\"2 s off\",\"fix\":\"sync it\"},"
			    "{\"name\":\"nfs\",\"status\":\"fail\",\"found\":\"'/home' \\\"x\\\"\",\"fix\":\"mount it\"}]}\n");
	pihpc_report_release(&r);
	strbuf_reset(&sb);
	pihpc_report_json(&r, NULL, &sb);
	assert_string_equal(sb.buf, "{\"node\":null,\"status\":\"ok\",\"counts\":{\"ok\":0,\"skip\":0,\"warn\":0,\"fail\":0},\"checks\":[]}\n");
	strbuf_release(&sb);
}

/*****************************************************************************
 *  Parsers
 *****************************************************************************/

static void
test_parse_mountinfo(void **state)
{
	struct pihpc_mount m = PIHPC_MOUNT_INIT;

	(void)state;
	assert_int_equal(pihpc_mountinfo_find(mountinfo_ok, "/home", &m), 1);
	assert_string_equal(m.fstype.buf, "nfs4");
	assert_string_equal(m.source.buf, "filenode01:/home");
	assert_string_equal(m.opts.buf, "rw,relatime");
	assert_int_equal(pihpc_mountinfo_find(mountinfo_ok, "/hom", &m), 0);
	assert_int_equal(pihpc_mountinfo_find(mountinfo_ok, "/home/", &m), 0);
	/* the last mount at a point hides the others; escapes decoded;
	 * no optional fields; a line without "-" or cut short is skipped */
	assert_int_equal(pihpc_mountinfo_find(
		"30 22 0:50 / /a rw - tmpfs tmpfs rw\n"
		"31 22 0:51 / /a rw,relatime - ext4 /dev/sdb1 rw\n"
		"32 22 0:52 / /my\\040dir rw - nfs h:/my\\134x rw\n"
		"33 22 0:53 / /b rw shared:1 master:2 ext4 /dev/x rw\n"
		"34 22 0:54 / /c rw -\n"
		"35 22 0:55 / /d rw - ext4\n", "/a", &m), 1);
	assert_string_equal(m.fstype.buf, "ext4");
	assert_int_equal(pihpc_mountinfo_find(
		"32 22 0:52 / /my\\040dir rw - nfs h:/my\\134x rw\n", "/my dir", &m), 1);
	assert_string_equal(m.source.buf, "h:/my\\x");
	assert_int_equal(pihpc_mountinfo_find("33 22 0:53 / /b rw shared:1 ext4 /dev/x rw\n", "/b", &m), 0);
	assert_int_equal(pihpc_mountinfo_find("34 22 0:54 / /c rw - x\n", "/c", &m), 0);
	assert_int_equal(pihpc_mountinfo_find("35 22 0:55 / /d rw - ext4 src\n", "/d", &m), 1);
	assert_string_equal(m.super.buf, "");
	/* a truncated escape stays as it is */
	assert_int_equal(pihpc_mountinfo_find("1 2 3 / /e\\04 rw - t s o\n", "/e\\04", &m), 1);
	assert_int_equal(pihpc_mountinfo_find("", "/", &m), 0);
	assert_int_equal(pihpc_mount_has_opt("rw,noatime", "rw"), 1);
	assert_int_equal(pihpc_mount_has_opt("rw,noatime", "ro"), 0);
	assert_int_equal(pihpc_mount_has_opt("errors=remount-ro", "ro"), 0);
	assert_int_equal(pihpc_mount_has_opt("x,ro", "ro"), 1);
	pihpc_mount_release(&m);
}

static void
test_parse_real_memory(void **state)
{
	unsigned long mib = 0;

	(void)state;
	assert_int_equal(pihpc_slurmconf_real_memory(
		"# NodeName=rpnode02 RealMemory=1\n"
		"NodeName=DEFAULT RealMemory=1800 Sockets=1\n"
		"NodeName=rpnode[01-04] CoresPerSocket=4 # RealMemory=2\n"
		"NodeName=rpnode02 RealMemory=9999\n", "rpnode02", &mib), 1);
	assert_int_equal(mib, 1800);
	assert_int_equal(pihpc_slurmconf_real_memory(
		"nodename=rpnode02 realmemory=3680 State=UNKNOWN\n", "rpnode02",
		&mib), 1);
	assert_int_equal(mib, 3680);
	assert_int_equal(pihpc_slurmconf_real_memory(
		"NodeName=rpnode02 Sockets=1\n", "rpnode02", &mib), 0);
	assert_int_equal(pihpc_slurmconf_real_memory(
		"NodeName=rpnode03 RealMemory=5\nNodeName=rpnode[0x RealMemory=5\n"
		"NodeName=rpnode02 RealMemory=12x\n", "rpnode02", &mib), 0);
	assert_int_equal(pihpc_slurmconf_real_memory("", "rpnode02", &mib), 0);

	assert_int_equal(pihpc_slurmd_env_real_memory(
		"# Written by pihpc\n"
		"SLURMD_OPTIONS=--conf-server rpnode01 -Z --conf \"Sockets=1 CoresPerSocket=4 ThreadsPerCore=1 RealMemory=3680 Feature=pihpc\"\n",
		&mib), 1);
	assert_int_equal(mib, 3680);
	assert_int_equal(pihpc_slurmd_env_real_memory(
		"SLURMD_OPTIONS=--conf \"RealMemory=100\"\n", &mib), 1);
	assert_int_equal(mib, 100);
	/* the last assignment counts */
	assert_int_equal(pihpc_slurmd_env_real_memory(
		"SLURMD_OPTIONS=--conf \"RealMemory=100\"\n"
		"SLURMD_OPTIONS=--conf-server rpnode01\n", &mib), 0);
	assert_int_equal(pihpc_slurmd_env_real_memory(
		"X=RealMemory=5\nSLURMD_OPTIONS=RealMemory=1234567890123456789\n",
		&mib), 0);
}

static void
test_parse_pi(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned long bits;
	long t;

	(void)state;
	assert_int_equal(pihpc_throttled_parse("throttled=0x0\n", &bits), 0);
	assert_int_equal(bits, 0);
	assert_int_equal(pihpc_throttled_parse("throttled=0x50005\n", &bits), 0);
	assert_int_equal(bits, 0x50005);
	assert_int_equal(pihpc_throttled_parse("throttled=0xDeadBeef", &bits), 0);
	assert_int_equal(pihpc_throttled_parse("throttled=0x123456789\n", &bits), -1);
	assert_int_equal(pihpc_throttled_parse("throttled=0x\n", &bits), -1);
	assert_int_equal(pihpc_throttled_parse("throttled=0x5g\n", &bits), -1);
	assert_int_equal(pihpc_throttled_parse("VCHI initialization failed\n", &bits), -1);
	pihpc_throttled_describe(0x50005, &sb);
	assert_string_equal(sb.buf, "under-voltage now, throttled now, under-voltage since boot, throttled since boot");
	strbuf_reset(&sb);
	pihpc_throttled_describe(0x80000010, &sb);
	assert_string_equal(sb.buf, "bit 4, bit 31");
	strbuf_release(&sb);

	assert_int_equal(pihpc_temp_parse("temp=48.3'C\n", &t), 0);
	assert_int_equal(t, 483);
	assert_int_equal(pihpc_temp_parse("temp=85'C", &t), 0);
	assert_int_equal(t, 850);
	assert_int_equal(pihpc_temp_parse("temp=-5.25'C", &t), 0);
	assert_int_equal(t, -52);
	assert_int_equal(pihpc_temp_parse("temp=12345.0'C", &t), -1);
	assert_int_equal(pihpc_temp_parse("temp=.5'C", &t), -1);
	assert_int_equal(pihpc_temp_parse("temp=5.'C", &t), -1);
	assert_int_equal(pihpc_temp_parse("temp=50 C", &t), -1);
}

static void
test_parse_chrony(void **state)
{
	unsigned long long us = 0;
	int synced = 0;

	(void)state;
	assert_int_equal(pihpc_chrony_offset(
		"Reference ID    : C0A80001 (10.0.0.1)\n"
		"Stratum         : 3\n"
		"System time     : 0.000012345 seconds slow of NTP time\n"
		"Last offset     : +0.000001234 seconds\n"
		"Leap status     : Normal\n", &us, &synced), 0);
	assert_int_equal(us, 12);
	assert_int_equal(synced, 1);
	assert_int_equal(pihpc_chrony_offset(
		"System time     : 75.5 seconds fast of NTP time\n"
		"Leap status     : Not synchronised\n", &us, &synced), 0);
	assert_int_equal(us, 75500000);
	assert_int_equal(synced, 0);
	/* capped, not wrapped */
	assert_int_equal(pihpc_chrony_offset(
		"System time : 999999999999999 seconds slow\n", &us, &synced), 0);
	assert_int_equal(us, 1000000ULL * 1000000ULL);
	assert_int_equal(pihpc_chrony_offset("System time : 9999999999999999 seconds\n", &us, &synced), -1);
	assert_int_equal(pihpc_chrony_offset("System time : x seconds\n", &us, &synced), -1);
	assert_int_equal(pihpc_chrony_offset("System time : 1.5\n", &us, &synced), -1);
	assert_int_equal(pihpc_chrony_offset("506 Cannot talk to daemon\n", &us, &synced), -1);
	assert_int_equal(pihpc_chrony_offset("", &us, &synced), -1);
}

static void
test_parse_versions(void **state)
{
	struct pihpc_slurm_version a, b;
	struct strbuf v = STRBUF_INIT;

	(void)state;
	assert_int_equal(pihpc_slurm_version_parse("slurm-wlm 22.05.8\n", &a), 0);
	assert_int_equal(a.major, 22);
	assert_int_equal(a.minor, 5);
	assert_int_equal(a.micro, 8);
	assert_int_equal(pihpc_slurm_version_parse("slurm 24.11.5-1", &b), 0);
	assert_true(pihpc_slurm_version_cmp(&a, &b, 0) < 0);
	assert_true(pihpc_slurm_version_cmp(&b, &a, 0) > 0);
	assert_int_equal(pihpc_slurm_version_parse("slurm 22.05", &b), 0);
	assert_int_equal(b.micro, 0);
	assert_int_equal(pihpc_slurm_version_cmp(&a, &b, 0), 0);
	assert_true(pihpc_slurm_version_cmp(&a, &b, 1) > 0);
	assert_int_equal(pihpc_slurm_version_parse("slurm-22.05.8", &a), -1);
	assert_int_equal(pihpc_slurm_version_parse("1234567.1", &a), -1);
	assert_int_equal(pihpc_slurm_version_parse("22. 05", &a), -1);
	assert_int_equal(pihpc_slurm_version_parse("", &a), -1);

	assert_int_equal(pihpc_scontrol_config_value(
		"Configuration data as of 2024-01-10T09:13:02\n"
		"AccountingStorageBackupHost = (null)\n"
		"SLURM_VERSION_X         = 1\n"
		"SLURM_VERSION           = 22.05.8 \n", "SLURM_VERSION", &v), 1);
	assert_string_equal(v.buf, "22.05.8");
	assert_int_equal(pihpc_scontrol_config_value("SLURM_VERSION\n", "SLURM_VERSION", &v), 0);
	assert_int_equal(pihpc_scontrol_config_value("x = 1\n", "", &v), 0);
	strbuf_release(&v);
}

static void
test_parse_hosts(void **state)
{
	static const char hosts[] =
		"127.0.0.1\tlocalhost\n"
		"127.0.1.1\trpnode02.home.local rpnode02\n"
		"# 10.0.0.9 rpnode03\n"
		"::1 localhost ip6-localhost\n"
		"10.0.0.1 rpnode01.home.local RPNODE01 # controller\n"
		"10.0.0.2 rpnode02.home.local rpnode02\n"
		"10.0.0.4\n"
		"   \n";
	struct strbuf a = STRBUF_INIT;

	(void)state;
	assert_int_equal(pihpc_etc_hosts_lookup(hosts, "rpnode01", &a), 1);
	assert_string_equal(a.buf, "10.0.0.1");
	/* the first line wins */
	assert_int_equal(pihpc_etc_hosts_lookup(hosts, "rpnode02", &a), 1);
	assert_string_equal(a.buf, "127.0.1.1");
	assert_int_equal(pihpc_etc_hosts_lookup(hosts, "rpnode03", &a), 0);
	assert_int_equal(pihpc_etc_hosts_lookup(hosts, "10.0.0.4", &a), 0);
	assert_int_equal(pihpc_etc_hosts_lookup(hosts, "controller", &a), 0);
	assert_int_equal(pihpc_etc_hosts_lookup(hosts, "", &a), 0);
	/* a file edited with CR LF line ends; a lone CR is no address */
	assert_int_equal(pihpc_etc_hosts_lookup("10.0.0.3 filenode01\r\n", "filenode01", &a), 1);
	assert_string_equal(a.buf, "10.0.0.3");
	assert_int_equal(pihpc_etc_hosts_lookup("\r x\n", "x", &a), 0);
	strbuf_release(&a);
}

static void
test_parse_drain_state(void **state)
{
	struct strbuf reason = STRBUF_INIT;
	int drained;

	(void)state;
	assert_int_equal(pihpc_node_drain_state(
		"NodeName=rpnode02 Arch=aarch64 State=IDLE+DRAIN ThreadsPerCore=1 "
		"Reason=pihpc doctor: nfs: '/home' is not a mount point [root@2026-12-02T08:00:00] Comment=x\n",
		&drained, &reason), 0);
	assert_int_equal(drained, 1);
	assert_string_equal(reason.buf, "pihpc doctor: nfs: '/home' is not a mount point");
	assert_int_equal(pihpc_node_drain_state(
		"NodeName=rpnode02 CurrentState=DRAIN State=IDLE+DYNAMIC_NORM Partitions=batch\n",
		&drained, &reason), 0);
	assert_int_equal(drained, 0);
	assert_string_equal(reason.buf, "");
	assert_int_equal(pihpc_node_drain_state(
		"NodeName=rpnode02 State=DRAINED Reason=disk swap\n", &drained,
		&reason), 0);
	assert_int_equal(drained, 1);
	assert_string_equal(reason.buf, "disk swap");
	assert_int_equal(pihpc_node_drain_state("NodeName=x\nState=DRAIN\n",
						&drained, &reason), -1);
	assert_int_equal(pihpc_node_drain_state("", &drained, &reason), -1);
	strbuf_release(&reason);
}

/*****************************************************************************
 *  The checks
 *****************************************************************************/

static void
test_check_munge(void **state)
{
	struct world w;

	(void)state;
	_world(&w, "rpnode02", NULL, 0);
	pihpc_check_munge(&w.env, &w.r);
	_expect(&w, 0, "munge", PIHPC_CHECK_FAIL, "munged is not running");
	assert_null(w.munge_socket);
	tu_write(w.root, "proc/812/comm", "munged\n");
	pihpc_check_munge(&w.env, &w.r);
	_expect(&w, 1, "munge", PIHPC_CHECK_OK, "munged runs (pid 812)");
	assert_non_null(strstr(w.munge_socket, "/run/munge/munge.socket.2"));
	assert_int_equal(strncmp(w.munge_socket, w.root, strlen(w.root)), 0);
	w.munge_rc = -1;
	pihpc_check_munge(&w.env, &w.r);
	_expect(&w, 2, "munge", PIHPC_CHECK_FAIL, "Invalid credential");
	_done(&w);

	_world(&w, "filenode01", NULL, 0);
	pihpc_check_munge(&w.env, &w.r);
	_expect(&w, 0, "munge", PIHPC_CHECK_SKIP, "storage node");
	_done(&w);
}

static void
test_check_slurm_user(void **state)
{
	struct world w;

	(void)state;
	_world(&w, "rpnode02", NULL, 0);
	tu_write(w.root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
	tu_write(w.root, "etc/group", "root:x:0:\n");
	pihpc_check_slurm_user(&w.env, &w.r);
	_expect(&w, 0, "slurm-user", PIHPC_CHECK_FAIL, "no user 'slurm'");
	tu_write(w.root, "etc/passwd", "slurm:x:64030:64030::/nonexistent:/usr/sbin/nologin\n");
	pihpc_check_slurm_user(&w.env, &w.r);
	_expect(&w, 1, "slurm-user", PIHPC_CHECK_FAIL, "no group 'slurm'");
	tu_write(w.root, "etc/group", "slurm:x:64030:\n");
	pihpc_check_slurm_user(&w.env, &w.r);
	_expect(&w, 2, "slurm-user", PIHPC_CHECK_FAIL,
		"user 'slurm' has uid 64030 and gid 64030, group 'slurm' gid 64030; cluster.conf says uid 151, gid 151");
	assert_string_equal(w.r.v[2].fix, "run 'pihpc user ensure' with the Slurm daemons stopped");
	tu_write(w.root, "etc/passwd", "slurm:x:151:151::/nonexistent:/usr/sbin/nologin\n");
	tu_write(w.root, "etc/group", "slurm:x:151:\n");
	pihpc_check_slurm_user(&w.env, &w.r);
	_expect(&w, 3, "slurm-user", PIHPC_CHECK_OK, "uid 151 and gid 151");
	_done(&w);
}

static void
test_check_nfs(void **state)
{
	struct world w;
	struct strbuf p = STRBUF_INIT;

	(void)state;
	_world(&w, "rpnode02", NULL, 0);
	tu_write(w.root, "proc/self/mountinfo", mountinfo_ok);
	pihpc_check_nfs(&w.env, &w.r);
	_expect(&w, 0, "nfs", PIHPC_CHECK_OK, "mounted: /home (nfs4), /nfs (nfs4)");
	tu_write(w.root, "proc/self/mountinfo", mountinfo_ro);
	pihpc_check_nfs(&w.env, &w.r);
	_expect(&w, 1, "nfs", PIHPC_CHECK_FAIL,
		"'/home' is not a mount point; '/nfs' is not a mount point");
	assert_non_null(strstr(w.r.v[1].fix, "'filenode01'"));
	/* a link to a mount point elsewhere is not followed */
	tu_write(w.root, "srv/home/x", "");
	assert_int_equal(symlink("srv/home", tu_path(&p, w.root, "home")), 0);
	tu_write(w.root, "proc/self/mountinfo",
		 "22 1 179:2 / / rw - ext4 /dev/sda1 rw\n"
		 "88 22 0:45 / /srv/home rw - nfs4 filenode01:/home rw\n"
		 "89 22 0:46 / /nfs rw - ext4 /dev/sdb1 rw\n");
	pihpc_check_nfs(&w.env, &w.r);
	_expect(&w, 2, "nfs", PIHPC_CHECK_FAIL,
		"'/home' is a symbolic link; '/nfs' is mounted from '/dev/sdb1' (ext4), not over NFS");
	_set(&w, PIHPC_NFS_EXPORTS, "/nfs(rw)");
	pihpc_check_nfs(&w.env, &w.r);
	_expect(&w, 3, "nfs", PIHPC_CHECK_WARN, "not over NFS");
	_set(&w, PIHPC_STORAGE, "");
	pihpc_check_nfs(&w.env, &w.r);
	_expect(&w, 4, "nfs", PIHPC_CHECK_SKIP, "no storage node");
	_done(&w);

	_world(&w, "filenode01", NULL, 0);
	pihpc_check_nfs(&w.env, &w.r);
	_expect(&w, 0, "nfs", PIHPC_CHECK_SKIP, "this is the storage node");
	_done(&w);

	/* no mountinfo: the reason, not a guess */
	_world(&w, "rpnode02", NULL, 0);
	pihpc_check_nfs(&w.env, &w.r);
	_expect(&w, 0, "nfs", PIHPC_CHECK_FAIL, "mountinfo");
	_done(&w);
	strbuf_release(&p);
}

static void
test_check_cgroup(void **state)
{
	struct world w;

	(void)state;
	_world(&w, "rpnode02", NULL, 0);
	tu_write(w.root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
	pihpc_check_cgroup(&w.env, &w.r);
	_expect(&w, 0, "cgroup", PIHPC_CHECK_OK, "cgroup v2: controllers cpu, cpuset and memory available");
	/* a Pi whose kernel has memory off and cmdline.txt does not help */
	tu_write(w.root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io pids\n");
	tu_write(w.root, "boot/firmware/cmdline.txt", "console=tty1 root=/dev/mmcblk0p2\n");
	pihpc_check_cgroup(&w.env, &w.r);
	_expect(&w, 1, "cgroup", PIHPC_CHECK_FAIL, "controller 'memory' not available");
	assert_non_null(strstr(w.r.v[1].fix, "pihpc-cmdline(8)"));
	_done(&w);

	_world(&w, "rpnode02", NULL, 0);
	tu_write(w.root, "sys/fs/cgroup/cpu,cpuacct/tasks", "");
	tu_write(w.root, "sys/fs/cgroup/cpuset/tasks", "");
	tu_write(w.root, "sys/fs/cgroup/memory/tasks", "");
	pihpc_check_cgroup(&w.env, &w.r);
	_expect(&w, 0, "cgroup", PIHPC_CHECK_WARN, "cgroup v1");
	_done(&w);

	_world(&w, "rpnode02", NULL, 0);
	pihpc_check_cgroup(&w.env, &w.r);
	_expect(&w, 0, "cgroup", PIHPC_CHECK_FAIL, "no cgroup file system");
	_done(&w);

	/* the controller without slurmd, the storage node */
	_world(&w, "rpnode01", NULL, 0);
	_set(&w, PIHPC_MASTER_IS_COMPUTE, "no");
	pihpc_check_cgroup(&w.env, &w.r);
	_expect(&w, 0, "cgroup", PIHPC_CHECK_SKIP, "no slurmd");
	_done(&w);
	_world(&w, "filenode01", NULL, 0);
	pihpc_check_cgroup(&w.env, &w.r);
	_expect(&w, 0, "cgroup", PIHPC_CHECK_SKIP, "no slurmd");
	_done(&w);
}

static void
test_check_real_memory(void **state)
{
	struct world w;

	(void)state;
	_world(&w, "rpnode02", NULL, 0);
	tu_write(w.root, "proc/meminfo", "MemTotal:        3977256 kB\nMemFree: 1 kB\n");
	pihpc_check_real_memory(&w.env, &w.r);
	_expect(&w, 0, "realmemory", PIHPC_CHECK_SKIP, "no RealMemory configured for 'rpnode02' (MemTotal 3884 MiB)");
	tu_write(w.root, "etc/pihpc/slurmd.env",
		 "SLURMD_OPTIONS=--conf-server rpnode01 -Z --conf \"Sockets=1 RealMemory=3680 Feature=pihpc\"\n");
	pihpc_check_real_memory(&w.env, &w.r);
	_expect(&w, 1, "realmemory", PIHPC_CHECK_OK, "RealMemory=3680 in '/etc/pihpc/slurmd.env', MemTotal 3884 MiB");
	tu_write(w.root, "etc/pihpc/slurmd.env",
		 "SLURMD_OPTIONS=--conf-server rpnode01 -Z --conf \"RealMemory=3800\"\n");
	pihpc_check_real_memory(&w.env, &w.r);
	_expect(&w, 2, "realmemory", PIHPC_CHECK_WARN, "leaves less than 5% of MemTotal 3884 MiB");
	tu_write(w.root, "etc/pihpc/slurmd.env",
		 "SLURMD_OPTIONS=--conf-server rpnode01 -Z --conf \"RealMemory=3900\"\n");
	pihpc_check_real_memory(&w.env, &w.r);
	_expect(&w, 3, "realmemory", PIHPC_CHECK_FAIL, "RealMemory=3900 in '/etc/pihpc/slurmd.env' is more than this node's MemTotal of 3884 MiB");
	/* static mode: slurm.conf's line for the node */
	tu_write(w.root, "etc/pihpc/slurmd.env", "SLURMD_OPTIONS=--conf-server rpnode01\n");
	tu_write(w.root, "etc/slurm/slurm.conf",
		 "NodeName=rpnode[01-02] Sockets=1 CoresPerSocket=4 ThreadsPerCore=1 RealMemory=7800 State=UNKNOWN\n");
	pihpc_check_real_memory(&w.env, &w.r);
	_expect(&w, 4, "realmemory", PIHPC_CHECK_FAIL, "RealMemory=7800 in '/etc/slurm/slurm.conf'");
	_done(&w);

	_world(&w, "rpnode02", NULL, 0);
	tu_write(w.root, "proc/meminfo", "MemFree: 1 kB\n");
	pihpc_check_real_memory(&w.env, &w.r);
	_expect(&w, 0, "realmemory", PIHPC_CHECK_FAIL, "no 'MemTotal'");
	_done(&w);
}

static void
test_check_space(void **state)
{
	struct world w;

	(void)state;
	/* the controller, also a compute node, with MariaDB */
	_world(&w, "rpnode01", NULL, 0);
	tu_write(w.root, "var/spool/slurm/ctld/x", "");
	tu_write(w.root, "var/lib/mysql/x", "");
	pihpc_check_space(&w.env, &w.r);
	assert_int_equal(w.r.nr, 3);
	_expect(&w, 0, "space", PIHPC_CHECK_OK, "'/var/spool/slurm/ctld': 20480 MiB free of 32768 MiB (62%)");
	_expect(&w, 1, "space", PIHPC_CHECK_SKIP, "'/var/spool/slurm/d' does not exist");
	_expect(&w, 2, "space", PIHPC_CHECK_OK, "'/var/lib/mysql'");
	pihpc_report_release(&w.r);
	/* 9% free: warn; below 1 GiB: warn */
	w.avail = w.total / 100 * 9;
	pihpc_check_space(&w.env, &w.r);
	_expect(&w, 0, "space", PIHPC_CHECK_WARN, "(9%)");
	assert_non_null(strstr(w.r.v[0].fix, "'/var/spool/slurm/ctld'"));
	pihpc_report_release(&w.r);
	w.total = 4 * GIB;
	w.avail = 1000 * MIB;
	pihpc_check_space(&w.env, &w.r);
	_expect(&w, 0, "space", PIHPC_CHECK_WARN, "1000 MiB free of 4096 MiB (24%)");
	pihpc_report_release(&w.r);
	/* 1% free of much, or 99 MiB: fail */
	w.total = 1000 * GIB;
	w.avail = 10 * GIB;
	pihpc_check_space(&w.env, &w.r);
	_expect(&w, 0, "space", PIHPC_CHECK_FAIL, "(1%)");
	pihpc_report_release(&w.r);
	w.total = 1 * GIB;
	w.avail = 99 * MIB;
	pihpc_check_space(&w.env, &w.r);
	_expect(&w, 0, "space", PIHPC_CHECK_FAIL, "99 MiB free");
	_done(&w);

	/* a compute node: only the spool, no MariaDB line */
	_world(&w, "rpnode02", NULL, 0);
	tu_write(w.root, "var/spool/slurm/d/x", "");
	pihpc_check_space(&w.env, &w.r);
	assert_int_equal(w.r.nr, 1);
	_expect(&w, 0, "space", PIHPC_CHECK_OK, "'/var/spool/slurm/d'");
	_done(&w);
}

static void
test_check_rootfs(void **state)
{
	struct world w;

	(void)state;
	_world(&w, "rpnode02", NULL, 0);
	tu_write(w.root, "proc/self/mountinfo", mountinfo_ok);
	pihpc_check_rootfs(&w.env, &w.r);
	_expect(&w, 0, "rootfs", PIHPC_CHECK_OK, "'/' (ext4 from '/dev/mmcblk0p2') is mounted read-write");
	tu_write(w.root, "proc/self/mountinfo", mountinfo_ro);
	pihpc_check_rootfs(&w.env, &w.r);
	_expect(&w, 1, "rootfs", PIHPC_CHECK_FAIL, "is mounted read-only");
	/* read-only superblock under a read-write mount */
	tu_write(w.root, "proc/self/mountinfo", "1 0 8:1 / / rw - ext4 /dev/sda1 ro\n");
	pihpc_check_rootfs(&w.env, &w.r);
	_expect(&w, 2, "rootfs", PIHPC_CHECK_FAIL, "read-only");
	tu_write(w.root, "proc/self/mountinfo", "1 0 8:1 / /x rw - ext4 /dev/sda1 rw\n");
	pihpc_check_rootfs(&w.env, &w.r);
	_expect(&w, 3, "rootfs", PIHPC_CHECK_SKIP, "no mount at '/'");
	_done(&w);
}

static void
test_check_pi(void **state)
{
	static const struct fake_call calls[] = {
		{ "vcgencmd get_throttled", 0, -1, NULL, NULL },
		{ "vcgencmd get_throttled", 0, 0, "throttled=0x0\n", NULL },
		{ "vcgencmd measure_temp", 0, 0, "temp=48.3'C\n", NULL },
		{ "vcgencmd get_throttled", 0, 0, "throttled=0x50000\n", NULL },
		{ "vcgencmd measure_temp", 0, 0, "temp=80.0'C\n", NULL },
		{ "vcgencmd get_throttled", 0, 0, "throttled=0x50005\n", NULL },
		{ "vcgencmd measure_temp", 0, 0, "temp=85.4'C\n", NULL },
		{ "vcgencmd get_throttled", 0, 1, NULL, "VCHI initialization failed\n" },
		{ "vcgencmd measure_temp", 0, 0, "garbage", NULL },
	};
	struct world w;

	(void)state;
	_world(&w, "rpnode02", calls, FAKE_N(calls));
	pihpc_check_pi(&w.env, &w.r);
	_expect(&w, 0, "pi", PIHPC_CHECK_SKIP, "not a Raspberry Pi");
	pihpc_check_pi(&w.env, &w.r);
	_expect(&w, 1, "pi-power", PIHPC_CHECK_OK, "throttled=0x0");
	_expect(&w, 2, "pi-temp", PIHPC_CHECK_OK, "48.3 \xc2\xb0""C");
	pihpc_check_pi(&w.env, &w.r);
	_expect(&w, 3, "pi-power", PIHPC_CHECK_WARN, "throttled=0x50000: under-voltage since boot, throttled since boot");
	_expect(&w, 4, "pi-temp", PIHPC_CHECK_WARN, "80.0 \xc2\xb0""C");
	pihpc_check_pi(&w.env, &w.r);
	_expect(&w, 5, "pi-power", PIHPC_CHECK_FAIL, "under-voltage now");
	assert_non_null(strstr(w.r.v[5].fix, "5 V"));
	_expect(&w, 6, "pi-temp", PIHPC_CHECK_FAIL, "85.4");
	pihpc_check_pi(&w.env, &w.r);
	_expect(&w, 7, "pi-power", PIHPC_CHECK_WARN, "VCHI initialization failed");
	_expect(&w, 8, "pi-temp", PIHPC_CHECK_WARN, "'garbage'");
	_done(&w);
}

static void
test_check_hosts(void **state)
{
	struct world w;

	(void)state;
	_world(&w, "rpnode02", NULL, 0);
	pihpc_check_hosts(&w.env, &w.r);
	_expect(&w, 0, "hosts", PIHPC_CHECK_FAIL, "/etc/hosts");
	tu_write(w.root, "etc/hosts",
		 "127.0.0.1 localhost\n"
		 "10.0.0.1 rpnode01.home.local rpnode01\n"
		 "10.0.0.2 rpnode02.home.local rpnode02\n"
		 "10.0.0.3 filenode01.home.local filenode01\n");
	pihpc_check_hosts(&w.env, &w.r);
	_expect(&w, 1, "hosts", PIHPC_CHECK_OK, "the 3 hosts of cluster.conf");
	tu_write(w.root, "etc/hosts",
		 "127.0.0.1 localhost\n127.0.1.1 rpnode02\n"
		 "10.0.0.1 rpnode01\n10.0.0.2 rpnode02\n10.0.0.3 filenode01\n");
	pihpc_check_hosts(&w.env, &w.r);
	_expect(&w, 2, "hosts", PIHPC_CHECK_WARN, "'rpnode02' is 127.0.1.1, not 10.0.0.2");
	tu_write(w.root, "etc/hosts", "10.0.0.1 rpnode01\n");
	pihpc_check_hosts(&w.env, &w.r);
	_expect(&w, 3, "hosts", PIHPC_CHECK_WARN, "not in /etc/hosts: rpnode02, filenode01");
	/* another node's loopback address is wrong, not Debian's line */
	tu_write(w.root, "etc/hosts", "127.0.1.1 rpnode01\n10.0.0.9 filenode01\n");
	pihpc_check_hosts(&w.env, &w.r);
	_expect(&w, 4, "hosts", PIHPC_CHECK_FAIL,
		"/etc/hosts: 'rpnode01' is 127.0.1.1, not 10.0.0.1; 'filenode01' is 10.0.0.9, not 10.0.0.3");
	_done(&w);
}

static void
test_check_clock(void **state)
{
	static const struct fake_call calls[] = {
		{ "chronyc tracking", 0, -1, NULL, NULL },
		{ "chronyc tracking", 0, 0, "System time     : 0.000012345 seconds slow of NTP time\nLeap status     : Normal\n", NULL },
		{ "chronyc tracking", 0, 0, "System time     : 2.5 seconds fast of NTP time\n", NULL },
		{ "chronyc tracking", 0, 0, "System time     : 0.1 seconds fast of NTP time\nLeap status     : Not synchronised\n", NULL },
		{ "chronyc tracking", 0, 0, "System time     : 61.000000001 seconds slow of NTP time\n", NULL },
		{ "chronyc tracking", 0, 1, NULL, "506 Cannot talk to daemon\n" },
		{ "chronyc tracking", 0, 0, "Reference ID : 0\n", NULL },
	};
	struct world w;

	(void)state;
	_world(&w, "rpnode02", calls, FAKE_N(calls));
	pihpc_check_clock(&w.env, &w.r);
	_expect(&w, 0, "clock", PIHPC_CHECK_SKIP, "no chronyc");
	pihpc_check_clock(&w.env, &w.r);
	_expect(&w, 1, "clock", PIHPC_CHECK_OK, "0.000012 s off");
	pihpc_check_clock(&w.env, &w.r);
	_expect(&w, 2, "clock", PIHPC_CHECK_WARN, "2.500000 s off");
	pihpc_check_clock(&w.env, &w.r);
	_expect(&w, 3, "clock", PIHPC_CHECK_WARN, "not synchronised");
	pihpc_check_clock(&w.env, &w.r);
	_expect(&w, 4, "clock", PIHPC_CHECK_FAIL, "61.000000 s off");
	assert_non_null(strstr(w.r.v[4].fix, "300 s"));
	pihpc_check_clock(&w.env, &w.r);
	_expect(&w, 5, "clock", PIHPC_CHECK_WARN, "506 Cannot talk to daemon");
	pihpc_check_clock(&w.env, &w.r);
	_expect(&w, 6, "clock", PIHPC_CHECK_WARN, "no 'System time'");
	_done(&w);
}

#define CONFIG(v) "Configuration data as of 2026-12-02T08:00:00\nSLURM_VERSION           = " v "\nSlurmctldHost = rpnode01\n"

static void
test_check_slurm_version(void **state)
{
	static const struct fake_call calls[] = {
		{ "slurmd -V", 0, -1, NULL, NULL },
		/* all the same */
		{ "slurmd -V", 0, 0, "slurm-wlm 22.05.8\n", NULL },
		{ "sinfo -V", 0, 0, "slurm-wlm 22.05.8\n", NULL },
		{ "scontrol show config", 0, 0, CONFIG("22.05.8"), NULL },
		/* slurmd upgraded first */
		{ "slurmd -V", 0, 0, "slurm-wlm 24.11.5\n", NULL },
		{ "sinfo -V", 0, 0, "slurm-wlm 24.11.5\n", NULL },
		{ "scontrol show config", 0, 0, CONFIG("22.05.8"), NULL },
		/* the client lags; the controller cannot be reached */
		{ "slurmd -V", 0, 0, "slurm 24.11.5\n", NULL },
		{ "sinfo -V", 0, 0, "slurm 24.11.4\n", NULL },
		{ "scontrol show config", 0, 1, NULL, "slurm_load_ctl_conf error: Unable to contact slurm controller (connect failure)\n" },
		/* a newer controller is fine */
		{ "slurmd -V", 0, 0, "slurm 24.11.5\n", NULL },
		{ "sinfo -V", 0, -1, NULL, NULL },
		{ "scontrol show config", 0, 0, CONFIG("25.05.0"), NULL },
		{ "slurmd -V", 0, 0, "what?\n", NULL },
		/* too new to reach its controller: the guard's last sight */
		{ "slurmd -V", 0, 0, "slurm 24.11.5\n", NULL },
		{ "sinfo -V", 0, 0, "slurm 24.11.5\n", NULL },
		{ "scontrol show config", 0, 1, NULL, "slurm_load_ctl_conf error: Unsupported RPC protocol version\n" },
	};
	struct world w;

	(void)state;
	_world(&w, "rpnode02", calls, FAKE_N(calls));
	pihpc_check_slurm_version(&w.env, &w.r);
	_expect(&w, 0, "slurm-version", PIHPC_CHECK_SKIP, "not installed");
	pihpc_check_slurm_version(&w.env, &w.r);
	_expect(&w, 1, "slurm-version", PIHPC_CHECK_OK, "slurmd 22.05.8, client commands 22.05.8, controller 22.05.8");
	pihpc_check_slurm_version(&w.env, &w.r);
	_expect(&w, 2, "slurm-version", PIHPC_CHECK_FAIL, "slurmd 24.11.5, client commands 24.11.5, controller 22.05.8: slurmd is newer than the controller");
	pihpc_check_slurm_version(&w.env, &w.r);
	_expect(&w, 3, "slurm-version", PIHPC_CHECK_WARN, "slurmd 24.11.5, client commands 24.11.4, controller not reachable: slurmd and the client commands differ");
	pihpc_check_slurm_version(&w.env, &w.r);
	_expect(&w, 4, "slurm-version", PIHPC_CHECK_OK, "slurmd 24.11.5, controller 25.05.0");
	pihpc_check_slurm_version(&w.env, &w.r);
	_expect(&w, 5, "slurm-version", PIHPC_CHECK_WARN, "no version in the output of 'slurmd -V': 'what?");
	tu_write(w.root, "var/lib/pihpc/controller-slurm-version", "22.05.8\n");
	pihpc_check_slurm_version(&w.env, &w.r);
	_expect(&w, 6, "slurm-version", PIHPC_CHECK_FAIL, "slurmd 24.11.5, client commands 24.11.5, controller not reachable, 22.05.8 when last seen: slurmd is newer than the controller");
	_done(&w);
}

/* The whole run on a healthy compute node, as the table shows it. */
static void
test_doctor_run(void **state)
{
	static const struct fake_call calls[] = {
		{ "vcgencmd get_throttled", 0, 0, "throttled=0x0\n", NULL },
		{ "vcgencmd measure_temp", 0, 0, "temp=51.0'C\n", NULL },
		{ "chronyc tracking", 0, 0, "System time     : 0.000100000 seconds slow of NTP time\n", NULL },
		{ "slurmd -V", 0, 0, "slurm-wlm 22.05.8\n", NULL },
		{ "sinfo -V", 0, 0, "slurm-wlm 22.05.8\n", NULL },
		{ "scontrol show config", 0, 0, CONFIG("22.05.8"), NULL },
	};
	struct world w;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	_world(&w, "rpnode02", calls, FAKE_N(calls));
	tu_write(w.root, "proc/812/comm", "munged\n");
	tu_write(w.root, "etc/passwd", "slurm:x:151:151::/nonexistent:/usr/sbin/nologin\n");
	tu_write(w.root, "etc/group", "slurm:x:151:\n");
	tu_write(w.root, "proc/self/mountinfo", mountinfo_ok);
	tu_write(w.root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
	tu_write(w.root, "proc/meminfo", "MemTotal:        3977256 kB\n");
	tu_write(w.root, "etc/pihpc/slurmd.env", "SLURMD_OPTIONS=--conf-server rpnode01 -Z --conf \"RealMemory=3680\"\n");
	tu_write(w.root, "var/spool/slurm/d/x", "");
	tu_write(w.root, "etc/hosts", "10.0.0.1 rpnode01\n10.0.0.2 rpnode02\n10.0.0.3 filenode01\n");
	pihpc_doctor_run(&w.env, &w.r);
	assert_int_equal(pihpc_report_exit_code(&w.r), 0);
	pihpc_report_text(&w.r, &sb);
	assert_string_equal(sb.buf,
		"ok    munge          munged runs (pid 812); a credential made here decodes here\n"
		"ok    slurm-user     user and group 'slurm' have uid 151 and gid 151 as in cluster.conf\n"
		"ok    nfs            mounted: /home (nfs4), /nfs (nfs4)\n"
		"ok    cgroup         cgroup v2: controllers cpu, cpuset and memory available\n"
		"ok    realmemory     RealMemory=3680 in '/etc/pihpc/slurmd.env', MemTotal 3884 MiB\n"
		"ok    space          '/var/spool/slurm/d': 20480 MiB free of 32768 MiB (62%)\n"
		"ok    rootfs         '/' (ext4 from '/dev/mmcblk0p2') is mounted read-write\n"
		"ok    pi-power       no under-voltage or throttling since boot (throttled=0x0)\n"
		"ok    pi-temp        51.0 \xc2\xb0""C\n"
		"ok    hosts          /etc/hosts gives the 3 hosts of cluster.conf their addresses\n"
		"ok    clock          the clock is 0.000100 s off its time source\n"
		"ok    slurm-version  slurmd 22.05.8, client commands 22.05.8, controller 22.05.8\n"
		"12 ok, 0 warn, 0 FAIL, 0 skip\n");
	strbuf_release(&sb);
	_done(&w);
}

/*****************************************************************************
 *  Health: drain and resume
 *****************************************************************************/

static void
test_health_decide(void **state)
{
	static const char ours[] = "pihpc doctor: nfs: '/home' is not a mount point";

	(void)state;
	/* a failure drains a node in service, or updates our own reason */
	assert_int_equal(pihpc_health_decide(ours, 0, ""), PIHPC_HEALTH_DRAIN);
	assert_int_equal(pihpc_health_decide(ours, 1, "pihpc doctor: clock: 61 s off"),
			 PIHPC_HEALTH_DRAIN);
	assert_int_equal(pihpc_health_decide(ours, 1, ours), PIHPC_HEALTH_NONE);
	/* a person's drain keeps its reason */
	assert_int_equal(pihpc_health_decide(ours, 1, "new fan, back Monday"),
			 PIHPC_HEALTH_NONE);
	/* all passed: resume only our own drain, never a person's */
	assert_int_equal(pihpc_health_decide("", 1, ours), PIHPC_HEALTH_RESUME);
	assert_int_equal(pihpc_health_decide("", 1, "new fan, back Monday"),
			 PIHPC_HEALTH_NONE);
	assert_int_equal(pihpc_health_decide("", 1, "Pihpc doctor: x"),
			 PIHPC_HEALTH_NONE);
	assert_int_equal(pihpc_health_decide("", 1, ""), PIHPC_HEALTH_NONE);
	assert_int_equal(pihpc_health_decide("", 0, ""), PIHPC_HEALTH_NONE);
	/* a reason left from an earlier drain on a node back in service */
	assert_int_equal(pihpc_health_decide("", 0, ours), PIHPC_HEALTH_NONE);
}

static void
test_health_reason(void **state)
{
	struct pihpc_report r = PIHPC_REPORT_INIT;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	pihpc_report_add(&r, "clock", PIHPC_CHECK_WARN, "2 s", "x");
	pihpc_health_reason(&r, &sb);
	assert_string_equal(sb.buf, "");
	pihpc_report_add(&r, "hosts", PIHPC_CHECK_FAIL, "[a]\tb", "x");
	pihpc_report_add(&r, "nfs", PIHPC_CHECK_FAIL, "second", "x");
	pihpc_health_reason(&r, &sb);
	assert_string_equal(sb.buf, "pihpc doctor: hosts:  a  b");
	pihpc_report_release(&r);
	/* cut at the limit, not inside a character */
	strbuf_reset(&sb);
	for (size_t i = 0; i < 60; i++)
		strbuf_addstr(&sb, "\xed\x95\x9c");
	pihpc_report_add(&r, "munge", PIHPC_CHECK_FAIL, sb.buf, "x");
	pihpc_health_reason(&r, &sb);
	assert_true(sb.len <= PIHPC_HEALTH_REASON_MAX);
	assert_int_equal((sb.len - strlen("pihpc doctor: munge: ")) % 3, 0);
	pihpc_report_release(&r);
	strbuf_release(&sb);
}

#define SHOW "scontrol -o show node rpnode02"
#define NODE(state, reason) "NodeName=rpnode02 Arch=aarch64 NodeAddr=10.0.0.2 State=" state " Partitions=batch" reason "\n"

static void
test_health_apply(void **state)
{
	static const struct fake_call calls[] = {
		/* fails, in service: drained */
		{ SHOW, 0, 0, NODE("IDLE+DYNAMIC_NORM", ""), NULL },
		{ "scontrol update nodename=rpnode02 state=drain reason=pihpc doctor: nfs: '/home' is not a mount point", 0, 0, NULL, NULL },
		/* fails again, same reason: nothing */
		{ SHOW, 0, 0, NODE("IDLE+DRAIN", " Reason=pihpc doctor: nfs: '/home' is not a mount point [root@2026-12-02T08:00:00]"), NULL },
		/* fails, but drained by a person: left alone */
		{ SHOW, 0, 0, NODE("MIXED+DRAIN", " Reason=reseat the SD card [pi@2026-12-02T08:00:00]"), NULL },
		/* passes, drained by a person: never resumed */
		{ SHOW, 0, 0, NODE("IDLE+DRAIN", " Reason=reseat the SD card [pi@2026-12-02T08:00:00]"), NULL },
		/* passes, drained by pihpc doctor: resumed */
		{ SHOW, 0, 0, NODE("IDLE+DRAIN", " Reason=pihpc doctor: nfs: '/home' is not a mount point [root@2026-12-02T08:00:00]"), NULL },
		{ "scontrol update nodename=rpnode02 state=resume", 0, 0, NULL, NULL },
		/* the controller cannot be reached */
		{ SHOW, 0, 1, NULL, "slurm_load_node error: Unable to contact slurm controller (connect failure)\n" },
		/* the update is refused */
		{ SHOW, 0, 0, NODE("IDLE", ""), NULL },
		{ "scontrol update nodename=rpnode02 state=drain reason=pihpc doctor: nfs: '/home' is not a mount point", 0, 1, NULL, "Invalid node state specified\n" },
		{ SHOW, 0, 0, "garbage\n", NULL },
	};
	struct pihpc_report bad = PIHPC_REPORT_INIT, good = PIHPC_REPORT_INIT;
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner run;
	struct fake f;
	char err[512];

	(void)state;
	fake_init(&run, &f, calls, FAKE_N(calls));
	pihpc_report_add(&bad, "munge", PIHPC_CHECK_OK, "fine", NULL);
	pihpc_report_add(&bad, "nfs", PIHPC_CHECK_FAIL, "'/home' is not a mount point", "mount it");
	pihpc_report_add(&good, "munge", PIHPC_CHECK_OK, "fine", NULL);
	pihpc_report_add(&good, "clock", PIHPC_CHECK_WARN, "2 s off", "x");

	assert_int_equal(pihpc_health_apply(&run, "rpnode02", &bad, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 1);
	assert_string_equal(done.v[0], "drained node 'rpnode02': pihpc doctor: nfs: '/home' is not a mount point");
	assert_int_equal(pihpc_health_apply(&run, "rpnode02", &bad, &done, err, sizeof(err)), 0);
	assert_int_equal(pihpc_health_apply(&run, "rpnode02", &bad, &done, err, sizeof(err)), 0);
	assert_int_equal(pihpc_health_apply(&run, "rpnode02", &good, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 1);
	assert_int_equal(pihpc_health_apply(&run, "rpnode02", &good, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 2);
	assert_string_equal(done.v[1], "resumed node 'rpnode02' (was: pihpc doctor: nfs: '/home' is not a mount point)");
	assert_int_equal(pihpc_health_apply(&run, "rpnode02", &good, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read the state of node 'rpnode02': slurm_load_node error: Unable to contact slurm controller (connect failure)");
	assert_int_equal(pihpc_health_apply(&run, "rpnode02", &bad, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot drain node 'rpnode02': Invalid node state specified");
	assert_int_equal(pihpc_health_apply(&run, "rpnode02", &bad, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "no state of node 'rpnode02' in the output of 'scontrol show node'");
	assert_int_equal(done.nr, 2);
	fake_done(&f);
	pihpc_report_release(&bad);
	pihpc_report_release(&good);
	strlist_clear(&done);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_parse_mountinfo),
		cmocka_unit_test(test_parse_real_memory),
		cmocka_unit_test(test_parse_pi),
		cmocka_unit_test(test_parse_chrony),
		cmocka_unit_test(test_parse_versions),
		cmocka_unit_test(test_parse_hosts),
		cmocka_unit_test(test_parse_drain_state),
		cmocka_unit_test(test_check_munge),
		cmocka_unit_test(test_check_slurm_user),
		cmocka_unit_test(test_check_nfs),
		cmocka_unit_test(test_check_cgroup),
		cmocka_unit_test(test_check_real_memory),
		cmocka_unit_test(test_check_space),
		cmocka_unit_test(test_check_rootfs),
		cmocka_unit_test(test_check_pi),
		cmocka_unit_test(test_check_hosts),
		cmocka_unit_test(test_check_clock),
		cmocka_unit_test(test_check_slurm_version),
		cmocka_unit_test(test_doctor_run),
		cmocka_unit_test(test_health_decide),
		cmocka_unit_test(test_health_reason),
		cmocka_unit_test(test_health_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
