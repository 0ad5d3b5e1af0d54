/*
 * file_test.c - atomic writes, reads and directories at paths that hold
 * what someone else put there: links, FIFOs, directories.
 */
#include <signal.h>
#include <sys/types.h>

#include "testutil.h"

/*
 * A FIFO must be refused, not waited on: should the code under test open
 * or read one blocking, SIGALRM ends the suite as failed instead of
 * hanging "make check".
 */
#define NO_HANG_SECONDS 20

/*
 * The scratch directory with: "file" (regular, "content\n"), "dir/",
 * "fifo", "link" -> file, "dangling" -> nonexistent.
 */
static char *
_zoo(void)
{
	struct strbuf p = STRBUF_INIT;
	char *d = tu_mkdtemp();

	tu_write(d, "file", "content\n");
	assert_int_equal(mkdir(tu_path(&p, d, "dir"), 0755), 0);
	assert_int_equal(mkfifo(tu_path(&p, d, "fifo"), 0600), 0);
	assert_int_equal(symlink("file", tu_path(&p, d, "link")), 0);
	assert_int_equal(symlink("nonexistent", tu_path(&p, d, "dangling")), 0);
	strbuf_release(&p);
	(void)alarm(NO_HANG_SECONDS);
	return d;
}

static void
_zoo_free(char *d)
{
	(void)alarm(0);
	tu_rmrf(d);
}

/* "refusing 'DIR/NAME': WHY" */
static const char *
_refusal(struct strbuf *sb, const char *dir, const char *name, const char *why)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "refusing '%s/%s': %s", dir, name, why);
	return sb->buf;
}

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
	strbuf_addf(&want, "refusing '%s': not a regular file (a directory)", p.buf);
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

static void
test_read_file_fifo_without_writer(void **state)
{
	struct strbuf p = STRBUF_INIT, sb = STRBUF_INIT;
	char *d = _zoo(), err[512];

	(void)state;
	/* the caller's own input: a link is followed, a pipe read */
	assert_int_equal(pihpc_read_file(tu_path(&p, d, "link"), &sb, err, sizeof(err)), 0);
	assert_string_equal(sb.buf, "content\n");
	/* a FIFO with no writer: empty at once, not a hang */
	strbuf_reset(&sb);
	assert_int_equal(pihpc_read_file(tu_path(&p, d, "fifo"), &sb, err, sizeof(err)), 0);
	assert_int_equal(sb.len, 0);
	strbuf_release(&p);
	strbuf_release(&sb);
	_zoo_free(d);
}

static void
test_write_refuses_links_and_special_files(void **state)
{
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
	char *d = _zoo(), err[512];
	struct pihpc_file_mode fm = { 0600, getuid(), getgid(), 1 };
	struct stat st;

	(void)state;
	/* a link is not followed: its target keeps its content */
	tu_path(&p, d, "link");
	assert_int_equal(pihpc_write_atomic(p.buf, "x", 1, 0644, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "link", "a symbolic link"));
	assert_int_equal(pihpc_write_atomic_mode(p.buf, "x", 1, &fm, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, want.buf);
	tu_read(d, "file", &got);
	assert_string_equal(got.buf, "content\n");
	assert_int_equal(lstat(p.buf, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* a dangling link is not created through either */
	tu_path(&p, d, "dangling");
	assert_int_equal(pihpc_write_atomic(p.buf, "x", 1, 0644, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "dangling", "a symbolic link"));
	assert_int_equal(access(tu_path(&p, d, "nonexistent"), F_OK), -1);
	/* a FIFO: refused at once, nobody waits for a writer */
	tu_path(&p, d, "fifo");
	assert_int_equal(pihpc_write_atomic(p.buf, "x", 1, 0644, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "fifo", "not a regular file (a FIFO)"));
	assert_int_equal(pihpc_write_atomic_mode(p.buf, "x", 1, &fm, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, want.buf);
	/* hard to open: a file where a directory belongs on the way */
	tu_path(&p, d, "file/x");
	assert_int_equal(pihpc_write_atomic(p.buf, "x", 1, 0644, NULL, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot create temporary file for '%s': Not a directory", p.buf);
	assert_string_equal(err, want.buf);
	assert_int_equal(tu_count_entries(d), 5);	/* no temp left */
	strbuf_release(&p);
	strbuf_release(&want);
	strbuf_release(&got);
	_zoo_free(d);
}

static void
test_write_mode_sets_ids_through_descriptor(void **state)
{
	struct strbuf p = STRBUF_INIT;
	enum pihpc_write_result res;
	char *dir = tu_mkdtemp(), err[512];
	struct pihpc_file_mode fm = { 0400, getuid(), getgid(), 1 };
	struct stat st;

	(void)state;
	tu_write(dir, "key", "secret");
	tu_path(&p, dir, "key");
	assert_int_equal(chmod(p.buf, 0644), 0);
	/* same content, other mode: replaced to get the mode */
	assert_int_equal(pihpc_write_atomic_mode(p.buf, "secret", 6, &fm, &res, err, sizeof(err)), 0);
	assert_int_equal(res, PIHPC_WRITTEN);
	assert_int_equal(stat(p.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0400);
	assert_int_equal(st.st_uid, getuid());
	assert_int_equal(pihpc_write_atomic_mode(p.buf, "secret", 6, &fm, &res, err, sizeof(err)), 0);
	assert_int_equal(res, PIHPC_UNCHANGED);
	/* a bigger file is compared by size first, and replaced */
	assert_int_equal(pihpc_write_atomic_mode(p.buf, "secret!", 7, &fm, &res, err, sizeof(err)), 0);
	assert_int_equal(res, PIHPC_WRITTEN);
	assert_int_equal(tu_count_entries(dir), 1);
	strbuf_release(&p);
	tu_rmrf(dir);
}

static void
test_open_regular(void **state)
{
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT;
	char *d = _zoo(), err[512];
	struct stat st;
	int fd;

	(void)state;
	fd = pihpc_open_regular(tu_path(&p, d, "file"), &st, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(st.st_size, 8);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	assert_int_not_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	assert_int_equal(close(fd), 0);

	assert_int_equal(pihpc_open_regular(tu_path(&p, d, "link"), &st, err, sizeof(err)), -1);
	assert_int_equal(errno, ELOOP);
	assert_string_equal(err, _refusal(&want, d, "link", "a symbolic link"));
	assert_int_equal(pihpc_open_regular(tu_path(&p, d, "dangling"), &st, err, sizeof(err)), -1);
	assert_int_equal(errno, ELOOP);
	assert_string_equal(err, _refusal(&want, d, "dangling", "a symbolic link"));
	assert_int_equal(pihpc_open_regular(tu_path(&p, d, "fifo"), &st, err, sizeof(err)), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, _refusal(&want, d, "fifo", "not a regular file (a FIFO)"));
	assert_int_equal(pihpc_open_regular(tu_path(&p, d, "dir"), &st, err, sizeof(err)), -1);
	assert_int_equal(errno, EISDIR);
	assert_string_equal(err, _refusal(&want, d, "dir", "not a regular file (a directory)"));
	assert_int_equal(pihpc_open_regular(tu_path(&p, d, "missing"), &st, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot open '%s': No such file or directory", p.buf);
	assert_string_equal(err, want.buf);
	assert_int_equal(pihpc_open_regular(tu_path(&p, d, "file/x"), &st, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOTDIR);
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot open '%s': Not a directory", p.buf);
	assert_string_equal(err, want.buf);
	/* /dev/null is no file either */
	assert_int_equal(pihpc_open_regular("/dev/null", &st, err, sizeof(err)), -1);
	assert_string_equal(err, "refusing '/dev/null': not a regular file (a character device)");
	strbuf_release(&p);
	strbuf_release(&want);
	_zoo_free(d);
}

static void
test_read_regular(void **state)
{
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT, sb = STRBUF_INIT;
	char *d = _zoo(), err[512];

	(void)state;
	strbuf_addstr(&sb, "kept:");
	assert_int_equal(pihpc_read_regular(tu_path(&p, d, "file"), 8, &sb, err, sizeof(err)), 0);
	assert_string_equal(sb.buf, "kept:content\n");
	/* one byte over the bound: refused, [sb] as it was */
	assert_int_equal(pihpc_read_regular(p.buf, 7, &sb, err, sizeof(err)), -1);
	assert_int_equal(errno, EFBIG);
	assert_string_equal(err, _refusal(&want, d, "file", "larger than 7 bytes"));
	assert_string_equal(sb.buf, "kept:content\n");
	strbuf_reset(&sb);
	assert_int_equal(pihpc_read_regular(tu_path(&p, d, "link"), 100, &sb, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "link", "a symbolic link"));
	assert_int_equal(pihpc_read_regular(tu_path(&p, d, "dangling"), 100, &sb, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "dangling", "a symbolic link"));
	assert_int_equal(pihpc_read_regular(tu_path(&p, d, "fifo"), 100, &sb, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "fifo", "not a regular file (a FIFO)"));
	assert_int_equal(pihpc_read_regular(tu_path(&p, d, "dir"), 100, &sb, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "dir", "not a regular file (a directory)"));
	assert_int_equal(pihpc_read_regular(tu_path(&p, d, "file/x"), 100, &sb, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(sb.len, 0);
	strbuf_release(&p);
	strbuf_release(&want);
	strbuf_release(&sb);
	_zoo_free(d);
}

static void
test_dir_ensure(void **state)
{
	struct strlist done = STRLIST_INIT;
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT;
	char *d = _zoo(), err[512];
	uid_t uid = getuid();
	gid_t gid = getgid();
	mode_t mask = umask(077);
	struct stat st;

	(void)state;
	/* missing parents 0755 despite the umask; the directory exactly 0750 */
	tu_path(&p, d, "a/b/c");
	assert_int_equal(pihpc_dir_ensure(p.buf, 0750, uid, gid, &done, err, sizeof(err)), 0);
	(void)umask(mask);
	assert_int_equal(done.nr, 1);	/* the parents are not reported */
	strbuf_addf(&want, "created directory '%s'", p.buf);
	assert_string_equal(done.v[0], want.buf);
	assert_int_equal(stat(p.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(stat(tu_path(&p, d, "a/b"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	/* a wrong mode is fixed and reported; then nothing to do */
	strlist_clear(&done);
	assert_int_equal(chmod(tu_path(&p, d, "a/b/c"), 02777), 0);
	assert_int_equal(pihpc_dir_ensure(p.buf, 0750, uid, gid, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 1);
	strbuf_reset(&want);
	strbuf_addf(&want, "changed mode of '%s' from 2777 to 0750", p.buf);
	assert_string_equal(done.v[0], want.buf);
	strlist_clear(&done);
	assert_int_equal(pihpc_dir_ensure(p.buf, 0750, uid, gid, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	/* a relative path starts at the working directory; "//" and "/" at the end are fine */
	{
		int cwd = open(".", O_RDONLY | O_DIRECTORY);

		assert_true(cwd >= 0);
		assert_int_equal(chdir(d), 0);
		assert_int_equal(pihpc_dir_ensure("rel//x/", 0700, uid, gid, NULL, err, sizeof(err)), 0);
		assert_int_equal(fchdir(cwd), 0);
		assert_int_equal(close(cwd), 0);
	}
	assert_int_equal(stat(tu_path(&p, d, "rel/x"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(pihpc_dir_ensure("/", 0755, 0, 0, NULL, err, sizeof(err)), 0);

	/* links, at the end or on the way, are refused and not followed */
	assert_int_equal(pihpc_dir_ensure(tu_path(&p, d, "link"), 0755, uid, gid, &done, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "link", "a symbolic link"));
	assert_int_equal(pihpc_dir_ensure(tu_path(&p, d, "dangling"), 0755, uid, gid, &done, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "dangling", "a symbolic link"));
	assert_int_equal(access(tu_path(&p, d, "nonexistent"), F_OK), -1);
	assert_int_equal(symlink("dir", tu_path(&p, d, "dirlink")), 0);
	assert_int_equal(pihpc_dir_ensure(tu_path(&p, d, "dirlink/sub"), 0755, uid, gid, &done, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "dirlink", "a symbolic link"));
	assert_int_equal(access(tu_path(&p, d, "dir/sub"), F_OK), -1);
	/* a FIFO or a file where a directory belongs */
	assert_int_equal(pihpc_dir_ensure(tu_path(&p, d, "fifo"), 0755, uid, gid, &done, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "fifo", "not a directory (a FIFO)"));
	assert_int_equal(pihpc_dir_ensure(tu_path(&p, d, "file/sub"), 0755, uid, gid, &done, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "file", "not a directory (a regular file)"));
	/* an existing directory is fine */
	assert_int_equal(pihpc_dir_ensure(tu_path(&p, d, "dir"), 0755, uid, gid, &done, err, sizeof(err)), 0);
	/* (uid_t)-1 and (gid_t)-1 leave the owner as it is */
	assert_int_equal(chown(p.buf, 1234, 5678), 0);
	assert_int_equal(pihpc_dir_ensure(p.buf, 0755, (uid_t)-1, (gid_t)-1, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	assert_int_equal(pihpc_dir_ensure(p.buf, 0755, (uid_t)-1, 42, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 1);
	strbuf_reset(&want);
	strbuf_addf(&want, "changed owner of '%s' from 1234:5678 to 1234:42", p.buf);
	assert_string_equal(done.v[0], want.buf);
	strlist_clear(&done);
	assert_int_equal(stat(p.buf, &st), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 42);
	/* hard to open: a name longer than any file system takes */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/%0300d", d, 0);
	assert_int_equal(pihpc_dir_ensure(p.buf, 0755, uid, gid, &done, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot open directory '%s': File name too long", p.buf);
	assert_string_equal(err, want.buf);
	assert_int_equal(done.nr, 0);
	strlist_clear(&done);
	strbuf_release(&p);
	strbuf_release(&want);
	_zoo_free(d);
}

static void
test_make_parents(void **state)
{
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT;
	char *d = _zoo(), err[512];
	struct stat st;

	(void)state;
	/* existing directories keep their mode */
	assert_int_equal(chmod(tu_path(&p, d, "dir"), 0700), 0);
	assert_int_equal(pihpc_make_parents(tu_path(&p, d, "dir/x/y/file"), 0755, err, sizeof(err)), 0);
	assert_int_equal(stat(tu_path(&p, d, "dir/x/y"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(stat(tu_path(&p, d, "dir"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(access(tu_path(&p, d, "dir/x/y/file"), F_OK), -1);
	/* no directory part: nothing to make */
	assert_int_equal(pihpc_make_parents("file", 0755, err, sizeof(err)), 0);
	assert_int_equal(symlink("dir", tu_path(&p, d, "dirlink")), 0);
	assert_int_equal(pihpc_make_parents(tu_path(&p, d, "dirlink/new/file"), 0755, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "dirlink", "a symbolic link"));
	assert_int_equal(pihpc_make_parents(tu_path(&p, d, "dangling/file"), 0755, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "dangling", "a symbolic link"));
	assert_int_equal(pihpc_make_parents(tu_path(&p, d, "fifo/file"), 0755, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "fifo", "not a directory (a FIFO)"));
	assert_int_equal(pihpc_make_parents(tu_path(&p, d, "file/x/file"), 0755, err, sizeof(err)), -1);
	assert_string_equal(err, _refusal(&want, d, "file", "not a directory (a regular file)"));
	strbuf_release(&p);
	strbuf_release(&want);
	_zoo_free(d);
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
		cmocka_unit_test(test_read_file_fifo_without_writer),
		cmocka_unit_test(test_write_refuses_links_and_special_files),
		cmocka_unit_test(test_write_mode_sets_ids_through_descriptor),
		cmocka_unit_test(test_open_regular),
		cmocka_unit_test(test_read_regular),
		cmocka_unit_test(test_dir_ensure),
		cmocka_unit_test(test_make_parents),
	};

	return cmocka_run_group_tests_name("file", tests, NULL, NULL);
}
