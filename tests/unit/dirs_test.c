/*
 * dirs_test.c - "dirs ensure" in a scratch root.
 */
#include "testutil.h"

static char *
_root(void)
{
	char *r = tu_mkdtemp();

	tu_write(r, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
		 "slurm:x:151:151::/nonexistent:/usr/sbin/nologin\n");
	return r;
}

static void
_assert_dir(const char *root, const char *rel, mode_t mode, uid_t uid)
{
	struct strbuf p = STRBUF_INIT;
	struct stat st;

	assert_int_equal(lstat(tu_path(&p, root, rel), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, mode);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, uid);
	strbuf_release(&p);
}

static void
test_master_creates_all(void **state)
{
	struct strlist done = STRLIST_INIT;
	char *r = _root(), err[512];
	struct pihpc_ctx ctx = { r };

	(void)state;
	assert_int_equal(pihpc_dirs_ensure(&ctx, "master", &done, err, sizeof(err)), 0);
	_assert_dir(r, "etc/slurm", 0755, 0);
	_assert_dir(r, "var/spool/slurm", 0755, 151);
	_assert_dir(r, "var/spool/slurm/ctld", 0700, 151);
	_assert_dir(r, "var/spool/slurm/d", 0755, 151);
	_assert_dir(r, "var/log/slurm", 0755, 151);
	assert_int_equal(done.nr, 5);	/* parents (/var...) are not reported */
	assert_non_null(strstr(done.v[done.nr - 1], "created directory '"));
	assert_non_null(strstr(done.v[done.nr - 1], "/var/log/slurm'"));
	/* idempotent */
	strlist_clear(&done);
	assert_int_equal(pihpc_dirs_ensure(&ctx, "master", &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	strlist_clear(&done);
	tu_rmrf(r);
}

static void
test_fixes_owner_and_mode(void **state)
{
	struct strlist done = STRLIST_INIT;
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT;
	char *r = _root(), err[512];
	struct pihpc_ctx ctx = { r };

	(void)state;
	assert_int_equal(pihpc_dirs_ensure(&ctx, "compute", &done, err, sizeof(err)), 0);
	assert_int_equal(access(tu_path(&p, r, "var/spool/slurm/ctld"), F_OK), -1);
	assert_int_equal(chmod(tu_path(&p, r, "var/log/slurm"), 0777), 0);
	assert_int_equal(chown(tu_path(&p, r, "var/spool/slurm/d"), 0, 0), 0);
	strlist_clear(&done);
	assert_int_equal(pihpc_dirs_ensure(&ctx, "compute", &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 2);
	strbuf_addf(&want, "changed owner of '%s/var/spool/slurm/d' from 0:0 to 151:151", r);
	assert_string_equal(done.v[0], want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "changed mode of '%s/var/log/slurm' from 0777 to 0755", r);
	assert_string_equal(done.v[1], want.buf);
	_assert_dir(r, "var/log/slurm", 0755, 151);
	_assert_dir(r, "var/spool/slurm/d", 0755, 151);
	strlist_clear(&done);
	strbuf_release(&p);
	strbuf_release(&want);
	tu_rmrf(r);
}

static void
test_errors(void **state)
{
	struct strlist done = STRLIST_INIT;
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT;
	char *r = tu_mkdtemp(), err[512];
	struct pihpc_ctx ctx = { r };

	(void)state;
	assert_int_equal(pihpc_dirs_ensure(&ctx, "login", &done, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid role 'login' (want master, compute or storage)");
	tu_write(r, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
	assert_int_equal(pihpc_dirs_ensure(&ctx, "compute", &done, err, sizeof(err)), -1);
	assert_string_equal(err, "user 'slurm' does not exist (run 'pihpc user ensure' first)");
	/* ... and nothing was made before that was found out */
	assert_int_equal(access(tu_path(&p, r, "etc/slurm"), F_OK), -1);
	assert_int_equal(done.nr, 0);
	/* storage needs no slurm user */
	assert_int_equal(pihpc_dirs_ensure(&ctx, "storage", &done, err, sizeof(err)), 0);
	_assert_dir(r, "etc/slurm", 0755, 0);
	tu_write(r, "etc/passwd", "slurm:x:151:151::/nonexistent:/usr/sbin/nologin\n");
	/* a symbolic link where a directory belongs is refused */
	tu_mkparents(tu_path(&p, r, "var/log/x"));
	assert_int_equal(symlink("/tmp", tu_path(&p, r, "var/log/slurm")), 0);
	strbuf_addf(&want, "refusing '%s/var/log/slurm': a symbolic link", r);
	assert_int_equal(pihpc_dirs_ensure(&ctx, "compute", &done, err, sizeof(err)), -1);
	assert_string_equal(err, want.buf);
	/* ... also where it leads nowhere, and higher up the path */
	assert_int_equal(unlink(p.buf), 0);
	assert_int_equal(symlink("/nonexistent", p.buf), 0);
	assert_int_equal(pihpc_dirs_ensure(&ctx, "compute", &done, err, sizeof(err)), -1);
	assert_string_equal(err, want.buf);
	assert_int_equal(unlink(p.buf), 0);
	assert_int_equal(rename(tu_path(&p, r, "var"), tu_path(&want, r, "var.real")), 0);
	assert_int_equal(symlink("var.real", tu_path(&p, r, "var")), 0);
	strbuf_reset(&want);
	strbuf_addf(&want, "refusing '%s/var': a symbolic link", r);
	assert_int_equal(pihpc_dirs_ensure(&ctx, "compute", &done, err, sizeof(err)), -1);
	assert_string_equal(err, want.buf);
	assert_int_equal(access(tu_path(&p, r, "var.real/log/slurm"), F_OK), -1);
	/* a FIFO or a file where a directory belongs */
	assert_int_equal(unlink(tu_path(&p, r, "var")), 0);
	assert_int_equal(rename(tu_path(&p, r, "var.real"), tu_path(&want, r, "var")), 0);
	assert_int_equal(mkfifo(tu_path(&p, r, "var/log/slurm"), 0600), 0);
	strbuf_reset(&want);
	strbuf_addf(&want, "refusing '%s/var/log/slurm': not a directory (a FIFO)", r);
	assert_int_equal(pihpc_dirs_ensure(&ctx, "compute", &done, err, sizeof(err)), -1);
	assert_string_equal(err, want.buf);
	assert_int_equal(unlink(p.buf), 0);
	tu_write(r, "var/log/slurm", "x\n");
	strbuf_reset(&want);
	strbuf_addf(&want, "refusing '%s/var/log/slurm': not a directory (a regular file)", r);
	assert_int_equal(pihpc_dirs_ensure(&ctx, "compute", &done, err, sizeof(err)), -1);
	assert_string_equal(err, want.buf);
	strlist_clear(&done);
	strbuf_release(&p);
	strbuf_release(&want);
	tu_rmrf(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_master_creates_all),
		cmocka_unit_test(test_fixes_owner_and_mode),
		cmocka_unit_test(test_errors),
	};

	/* Owners need root; tests/unit/run.sh gives other users fakeroot. */
	if (geteuid() != 0) {
		(void)fprintf(stderr, "dirs_test: needs root or fakeroot (chown)\n");
		return 1;
	}
	return cmocka_run_group_tests_name("dirs", tests, NULL, NULL);
}
