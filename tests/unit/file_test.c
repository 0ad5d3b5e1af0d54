/*
 * file_test.c - atomic writes.
 */
#include "testutil.h"

static void
test_write_new_file_with_mode(void **state)
{
	struct strbuf p = STRBUF_INIT, got = STRBUF_INIT;
	enum pihpc_write_result res;
	char *dir = tu_mkdtemp(), err[512];
	struct stat st;

	(void)state;
	tu_path(&p, dir, "new.conf");
	assert_int_equal(pihpc_write_atomic(p.buf, "a=1\n", 4, 0640, &res, err,
					    sizeof(err)), 0);
	assert_int_equal(res, PIHPC_WRITTEN);
	assert_int_equal(stat(p.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	tu_read(dir, "new.conf", &got);
	assert_string_equal(got.buf, "a=1\n");
	assert_int_equal(tu_count_entries(dir), 1);	/* no temp left */
	strbuf_release(&p);
	strbuf_release(&got);
	tu_rmrf(dir);
}

static void
test_identical_content_is_unchanged(void **state)
{
	struct strbuf p = STRBUF_INIT;
	enum pihpc_write_result res;
	char *dir = tu_mkdtemp(), err[512];
	struct stat before, after;

	(void)state;
	tu_write(dir, "f", "same\n");
	tu_path(&p, dir, "f");
	assert_int_equal(stat(p.buf, &before), 0);
	assert_int_equal(pihpc_write_atomic(p.buf, "same\n", 5, 0600, &res, err,
					    sizeof(err)), 0);
	assert_int_equal(res, PIHPC_UNCHANGED);
	assert_int_equal(stat(p.buf, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	strbuf_release(&p);
	tu_rmrf(dir);
}

static void
test_keeps_owner_group_mode(void **state)
{
	struct strbuf p = STRBUF_INIT, got = STRBUF_INIT;
	enum pihpc_write_result res;
	char *dir = tu_mkdtemp(), err[512];
	struct stat before, after;

	(void)state;
	tu_write(dir, "hosts", "old\n");
	tu_path(&p, dir, "hosts");
	assert_int_equal(chmod(p.buf, 0604), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(p.buf, 1234, 5678), 0);
	assert_int_equal(stat(p.buf, &before), 0);
	assert_int_equal(pihpc_write_atomic(p.buf, "new\n", 4, 0600, &res, err,
					    sizeof(err)), 0);
	assert_int_equal(res, PIHPC_WRITTEN);
	assert_int_equal(stat(p.buf, &after), 0);
	assert_int_equal(after.st_mode & 07777, 0604);
	assert_int_equal(after.st_uid, before.st_uid);
	assert_int_equal(after.st_gid, before.st_gid);
	assert_int_not_equal(after.st_ino, before.st_ino);	/* renamed */
	tu_read(dir, "hosts", &got);
	assert_string_equal(got.buf, "new\n");
	strbuf_release(&p);
	strbuf_release(&got);
	tu_rmrf(dir);
}

static void
test_missing_directory_fails(void **state)
{
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT;
	char *dir = tu_mkdtemp(), err[512];

	(void)state;
	tu_path(&p, dir, "nodir/f");
	assert_int_equal(pihpc_write_atomic(p.buf, "x", 1, 0644, NULL, err,
					    sizeof(err)), -1);
	strbuf_addf(&want, "cannot create temporary file for '%s': No such file or directory",
		    p.buf);
	assert_string_equal(err, want.buf);
	strbuf_release(&p);
	strbuf_release(&want);
	tu_rmrf(dir);
}

static void
test_directory_target_fails_and_cleans_up(void **state)
{
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT;
	char *dir = tu_mkdtemp(), err[512];

	(void)state;
	tu_write(dir, "d/inner", "keep\n");
	tu_path(&p, dir, "d");
	assert_int_equal(pihpc_write_atomic(p.buf, "x", 1, 0644, NULL, err,
					    sizeof(err)), -1);
	strbuf_addf(&want, "cannot write '%s': Is a directory", p.buf);
	assert_string_equal(err, want.buf);
	assert_int_equal(tu_count_entries(dir), 1);
	strbuf_release(&p);
	strbuf_release(&want);
	tu_rmrf(dir);
}

static void
test_read_missing_file(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char err[512];

	(void)state;
	assert_int_equal(pihpc_read_file("/nonexistent/x", &sb, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "cannot open '/nonexistent/x': No such file or directory");
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_new_file_with_mode),
		cmocka_unit_test(test_identical_content_is_unchanged),
		cmocka_unit_test(test_keeps_owner_group_mode),
		cmocka_unit_test(test_missing_directory_fails),
		cmocka_unit_test(test_directory_target_fails_and_cleans_up),
		cmocka_unit_test(test_read_missing_file),
	};

	return cmocka_run_group_tests_name("file", tests, NULL, NULL);
}
