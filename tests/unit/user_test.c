/*
 * user_test.c - "user ensure" in a scratch root with fake passwd/group,
 * using the real shadow tools with --prefix (needs root).
 */
#include "testutil.h"

static const char passwd0[] =
	"root:x:0:0:root:/root:/bin/bash\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
static const char group0[] =
	"root:x:0:\n"
	"daemon:x:1:\n";

static char *
_root(const char *passwd, const char *group)
{
	char *r = tu_mkdtemp();

	tu_write(r, "etc/passwd", passwd);
	tu_write(r, "etc/group", group);
	return r;
}

static int
_ensure(const char *root, struct strlist *done, char *err, size_t errlen)
{
	struct pihpc_ctx ctx = { root };

	return pihpc_user_ensure(&ctx, "slurm", 151, 151, done, err, errlen);
}

static void
test_absent_creates_user_and_group(void **state)
{
	struct strlist done = STRLIST_INIT;
	struct strbuf got = STRBUF_INIT;
	char *r = _root(passwd0, group0), err[512];
	struct pihpc_ctx ctx = { r };
	uid_t u;
	gid_t g;

	(void)state;
	assert_int_equal(_ensure(r, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 2);
	assert_string_equal(done.v[0], "created group 'slurm' (gid 151)");
	assert_string_equal(done.v[1], "created user 'slurm' (uid 151)");
	tu_read(r, "etc/passwd", &got);
	assert_non_null(strstr(got.buf,
		"slurm:!:151:151:SLURM workload manager:/nonexistent:/usr/sbin/nologin\n"));
	assert_int_equal(pihpc_user_lookup(&ctx, "slurm", &u, &g, err, sizeof(err)), 1);
	assert_int_equal(u, 151);
	assert_int_equal(g, 151);
	/* second run: nothing to do, nothing said */
	strlist_clear(&done);
	assert_int_equal(_ensure(r, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	strlist_clear(&done);
	strbuf_release(&got);
	tu_rmrf(r);
}

static void
test_other_ids_are_migrated_and_files_reowned(void **state)
{
	struct strlist done = STRLIST_INIT;
	struct strbuf p = STRBUF_INIT;
	char *r = _root("root:x:0:0:root:/root:/bin/bash\n"
			"slurm:x:64030:64030::/nonexistent:/usr/sbin/nologin\n",
			"root:x:0:\nslurm:x:64030:\n"), err[512];
	struct pihpc_ctx ctx = { r };
	struct stat st;
	uid_t u;
	gid_t g;

	(void)state;
	tu_write(r, "var/spool/slurm/ctld/node_state", "x");
	tu_write(r, "var/log/slurm/slurmctld.log", "x");
	tu_write(r, "etc/slurm/other", "x");
	assert_int_equal(chown(tu_path(&p, r, "var/spool/slurm"), 64030, 64030), 0);
	assert_int_equal(chown(tu_path(&p, r, "var/spool/slurm/ctld"), 64030, 64030), 0);
	assert_int_equal(chown(tu_path(&p, r, "var/spool/slurm/ctld/node_state"), 64030, 64030), 0);
	assert_int_equal(chown(tu_path(&p, r, "var/log/slurm/slurmctld.log"), 64030, 0), 0);
	assert_int_equal(symlink("/etc/passwd", tu_path(&p, r, "var/log/slurm/link")), 0);
	assert_int_equal(lchown(p.buf, 64030, 64030), 0);
	tu_mkparents(tu_path(&p, r, "proc/42/comm"));
	tu_write(r, "proc/42/comm", "bash\n");

	assert_int_equal(_ensure(r, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 3);
	assert_string_equal(done.v[0], "changed gid of group 'slurm' from 64030 to 151");
	assert_string_equal(done.v[1], "changed uid:gid of user 'slurm' from 64030:64030 to 151:151");
	assert_string_equal(done.v[2], "re-owned 5 files from the old ids of 'slurm'");
	assert_int_equal(pihpc_user_lookup(&ctx, "slurm", &u, &g, err, sizeof(err)), 1);
	assert_int_equal(u, 151);
	assert_int_equal(g, 151);
	assert_int_equal(stat(tu_path(&p, r, "var/spool/slurm/ctld/node_state"), &st), 0);
	assert_int_equal(st.st_uid, 151);
	assert_int_equal(st.st_gid, 151);
	assert_int_equal(stat(tu_path(&p, r, "var/log/slurm/slurmctld.log"), &st), 0);
	assert_int_equal(st.st_uid, 151);
	assert_int_equal(st.st_gid, 0);
	assert_int_equal(lstat(tu_path(&p, r, "var/log/slurm/link"), &st), 0);
	assert_int_equal(st.st_uid, 151);	/* the link itself */
	assert_int_equal(stat("/etc/passwd", &st), 0);
	assert_int_equal(st.st_uid, 0);		/* never its target */
	assert_int_equal(stat(tu_path(&p, r, "etc/slurm/other"), &st), 0);
	assert_int_equal(st.st_uid, 0);
	strlist_clear(&done);
	strbuf_release(&p);
	tu_rmrf(r);
}

static void
test_running_daemon_refuses(void **state)
{
	struct strlist done = STRLIST_INIT;
	struct strbuf got = STRBUF_INIT;
	char *r = _root("slurm:x:64030:64030::/nonexistent:/usr/sbin/nologin\n",
			"slurm:x:64030:\n"), err[512];

	(void)state;
	tu_write(r, "proc/1234/comm", "slurmd\n");
	assert_int_equal(_ensure(r, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot change the ids of 'slurm' while 'slurmd' (pid 1234) is running; stop the Slurm daemons first");
	assert_int_equal(done.nr, 0);
	tu_read(r, "etc/passwd", &got);
	assert_string_equal(got.buf, "slurm:x:64030:64030::/nonexistent:/usr/sbin/nologin\n");
	strlist_clear(&done);
	strbuf_release(&got);
	tu_rmrf(r);
}

/* In a chroot, /proc also shows the daemons of the host and of containers. */
static void
test_daemon_of_another_root_ignored(void **state)
{
	struct strlist done = STRLIST_INIT;
	struct strbuf p = STRBUF_INIT;
	char *r = _root("slurm:x:64030:64030::/nonexistent:/usr/sbin/nologin\n",
			"slurm:x:64030:\n"), err[512];

	(void)state;
	tu_write(r, "proc/1234/comm", "slurmd\n");
	assert_int_equal(symlink("/", tu_path(&p, r, "proc/1234/root")), 0);
	assert_int_equal(_ensure(r, &done, err, sizeof(err)), 0);
	assert_true(done.nr > 0);
	strlist_clear(&done);
	strbuf_release(&p);
	tu_rmrf(r);
}

static void
test_ids_held_by_others_refuse(void **state)
{
	struct strlist done = STRLIST_INIT;
	struct strbuf got = STRBUF_INIT;
	char *r = _root("root:x:0:0:root:/root:/bin/bash\n"
			"munge:x:151:160::/nonexistent:/usr/sbin/nologin\n",
			group0), err[512];

	(void)state;
	assert_int_equal(_ensure(r, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "uid 151 is already used by user 'munge'; cannot use it for 'slurm'");
	tu_read(r, "etc/group", &got);
	assert_string_equal(got.buf, group0);
	tu_rmrf(r);

	r = _root(passwd0, "root:x:0:\nnfs:x:151:\n");
	assert_int_equal(_ensure(r, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "gid 151 is already used by group 'nfs'; cannot use it for 'slurm'");
	tu_read(r, "etc/passwd", &got);
	assert_string_equal(got.buf, passwd0);
	assert_int_equal(done.nr, 0);
	strlist_clear(&done);
	strbuf_release(&got);
	tu_rmrf(r);
}

static void
test_missing_passwd(void **state)
{
	struct strlist done = STRLIST_INIT;
	char err[512];

	(void)state;
	assert_int_equal(_ensure("/nonexistent-root", &done, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot open '/nonexistent-root/etc/passwd': No such file or directory");
	strlist_clear(&done);
}

static void
test_run_reports_failures(void **state)
{
	char *nosuch[] = { "pihpc-no-such-tool", NULL };
	char *fails[] = { "false", NULL };
	char err[512];

	(void)state;
	assert_int_equal(pihpc_run(nosuch, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot run 'pihpc-no-such-tool': No such file or directory");
	assert_int_equal(pihpc_run(fails, err, sizeof(err)), -1);
	assert_string_equal(err, "'false' failed with exit status 1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_creates_user_and_group),
		cmocka_unit_test(test_other_ids_are_migrated_and_files_reowned),
		cmocka_unit_test(test_running_daemon_refuses),
		cmocka_unit_test(test_daemon_of_another_root_ignored),
		cmocka_unit_test(test_ids_held_by_others_refuse),
		cmocka_unit_test(test_missing_passwd),
		cmocka_unit_test(test_run_reports_failures),
	};

	/* Owners need root; tests/unit/run.sh gives other users fakeroot. */
	if (geteuid() != 0) {
		(void)fprintf(stderr, "user_test: needs root or fakeroot (useradd --prefix)\n");
		return 1;
	}
	return cmocka_run_group_tests_name("user", tests, NULL, NULL);
}
