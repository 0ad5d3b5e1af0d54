/*
 * trace_test.c - the PIHPC_TRACE line and its file, which may be anything
 * someone put at that path.
 */
#include "testutil.h"

static const struct timespec t0 = { 1764680000, 5000 };
static const struct timespec t1 = { 1764680001, 2345678 + 5000 };

/* Start, milliseconds with three decimals, the status, then the words. */
static void
test_line(void **state)
{
	char *argv[] = { "node", "join", "--service" };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	pihpc_trace_line(&sb, &t0, &t1, 0, 3, argv);
	assert_string_equal(sb.buf,
			    "1764680000.000005000 1002.345 0 node join --service\n");
	strbuf_release(&sb);
}

/* A word cannot add a field or a line. */
static void
test_line_bytes(void **state)
{
	char *argv[] = { "block", "set", "a b\nc\td\xc3\xa9", "" };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	pihpc_trace_line(&sb, &t0, &t0, 1, 4, argv);
	assert_string_equal(sb.buf,
			    "1764680000.000005000 0.000 1 block set a?b?c?d?? \n");
	strbuf_release(&sb);
}

/* Created 0600, then appended to. */
static void
test_append(void **state)
{
	struct strbuf p = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT,
		      got = STRBUF_INIT;
	char *dir = tu_mkdtemp(), err[512];
	struct stat st;

	(void)state;
	strbuf_addstr(&a, "first\n");
	strbuf_addstr(&b, "second\n");
	assert_int_equal(pihpc_trace_append(tu_path(&p, dir, "t"), &a, err,
					    sizeof(err)), 0);
	assert_int_equal(pihpc_trace_append(p.buf, &b, err, sizeof(err)), 0);
	assert_int_equal(stat(p.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	tu_read(dir, "t", &got);
	assert_string_equal(got.buf, "first\nsecond\n");
	tu_rmrf(dir);
	strbuf_release(&p);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&got);
}

/* A link, a FIFO or a directory: refused by name, nothing written. */
static void
test_refused(void **state)
{
	struct strbuf p = STRBUF_INIT, l = STRBUF_INIT, want = STRBUF_INIT,
		      got = STRBUF_INIT;
	char *dir = tu_mkdtemp(), err[512];

	(void)state;
	strbuf_addstr(&l, "line\n");
	tu_write(dir, "file", "kept\n");
	assert_int_equal(symlink("file", tu_path(&p, dir, "link")), 0);
	assert_int_equal(pihpc_trace_append(p.buf, &l, err, sizeof(err)), -1);
	strbuf_addf(&want, "refusing '%s': a symbolic link", p.buf);
	assert_string_equal(err, want.buf);
	tu_read(dir, "file", &got);
	assert_string_equal(got.buf, "kept\n");

	/* A FIFO with no reader cannot be opened without blocking... */
	assert_int_equal(mkfifo(tu_path(&p, dir, "fifo"), 0600), 0);
	assert_int_equal(pihpc_trace_append(p.buf, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, p.buf));

	assert_int_equal(mkdir(tu_path(&p, dir, "dir"), 0700), 0);
	assert_int_equal(pihpc_trace_append(p.buf, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, p.buf));
	tu_rmrf(dir);
	strbuf_release(&p);
	strbuf_release(&l);
	strbuf_release(&want);
	strbuf_release(&got);
}

/* ...and one with a reader is opened, then refused: not a regular file. */
static void
test_refused_fifo_with_reader(void **state)
{
	struct strbuf p = STRBUF_INIT, l = STRBUF_INIT, want = STRBUF_INIT;
	char *dir = tu_mkdtemp(), err[512];
	int rfd;

	(void)state;
	strbuf_addstr(&l, "line\n");
	assert_int_equal(mkfifo(tu_path(&p, dir, "fifo"), 0600), 0);
	rfd = open(p.buf, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	assert_int_equal(pihpc_trace_append(p.buf, &l, err, sizeof(err)), -1);
	strbuf_addf(&want, "refusing '%s': not a regular file", p.buf);
	assert_string_equal(err, want.buf);
	(void)close(rfd);
	tu_rmrf(dir);
	strbuf_release(&p);
	strbuf_release(&l);
	strbuf_release(&want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_line_bytes),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_refused_fifo_with_reader),
	};

	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
