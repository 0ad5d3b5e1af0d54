/*
 * runcapture_test.c - pihpc_run_capture(): stdin, stdout and stderr of a
 * helper program without a shell in between.
 */
#include "testutil.h"

static void
test_round_trip_large_input(void **state)
{
	char *argv[] = { (char *)"cat", NULL };
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, errout = STRBUF_INIT;
	char err[512];
	size_t i;

	(void)state;
	/* more than a pipe holds, so both directions must be pumped */
	for (i = 0; i < 300000; i++)
		strbuf_addch(&in, (char)('a' + i % 26));
	assert_int_equal(pihpc_run_capture(argv, in.buf, in.len, &out, &errout,
					   err, sizeof(err)), 0);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.buf, in.buf, in.len);
	assert_int_equal(errout.len, 0);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&errout);
}

static void
test_failure_reports_first_error_line(void **state)
{
	char *argv[] = { (char *)"sh", (char *)"-c",
			 (char *)"echo out; echo '  first problem  ' >&2; echo second >&2; exit 3",
			 NULL };
	struct strbuf out = STRBUF_INIT, errout = STRBUF_INIT;
	char err[512];

	(void)state;
	assert_int_equal(pihpc_run_capture(argv, NULL, 0, &out, &errout, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "'sh' failed with exit status 3: first problem");
	assert_string_equal(out.buf, "out\n");
	assert_string_equal(errout.buf, "  first problem  \nsecond\n");
	strbuf_release(&out);
	strbuf_release(&errout);
}

static void
test_stdin_is_dev_null_and_ignored_input(void **state)
{
	char *cat[] = { (char *)"cat", NULL };
	char *tru[] = { (char *)"true", NULL };
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	char err[512];
	size_t i;

	(void)state;
	assert_int_equal(pihpc_run_capture(cat, NULL, 0, &out, NULL, err,
					   sizeof(err)), 0);
	assert_string_equal(out.buf, "");
	/* a program that does not read its input: no SIGPIPE for us */
	for (i = 0; i < 300000; i++)
		strbuf_addch(&in, 'x');
	assert_int_equal(pihpc_run_capture(tru, in.buf, in.len, &out, NULL, err,
					   sizeof(err)), 0);
	strbuf_release(&in);
	strbuf_release(&out);
}

static void
test_cannot_run(void **state)
{
	char *argv[] = { (char *)"/nonexistent/prog", NULL };
	struct strbuf out = STRBUF_INIT;
	char err[512];

	(void)state;
	assert_int_equal(pihpc_run_capture(argv, NULL, 0, &out, &out, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "cannot run '/nonexistent/prog': No such file or directory");
	strbuf_release(&out);
}

/* Not run, failed, passed: told apart by the code, not the message. */
static void
test_ran_codes(void **state)
{
	char *missing[] = { (char *)"/nonexistent/prog", NULL };
	char *fails[] = { (char *)"false", NULL };
	char *passes[] = { (char *)"true", NULL };
	struct pihpc_runner r;
	char err[512];

	(void)state;
	assert_int_equal(pihpc_run_capture_ran(missing, NULL, 0, NULL, NULL,
					       err, sizeof(err)), -1);
	assert_int_equal(pihpc_run_capture_ran(fails, NULL, 0, NULL, NULL,
					       err, sizeof(err)), 1);
	assert_string_equal(err, "'false' failed with exit status 1");
	assert_int_equal(pihpc_run_capture(fails, NULL, 0, NULL, NULL, err,
					   sizeof(err)), -1);
	assert_int_equal(pihpc_run_capture_ran(passes, NULL, 0, NULL, NULL,
					       err, sizeof(err)), 0);
	pihpc_runner_init(&r);
	assert_int_equal(r.run(r.data, missing, NULL, 0, NULL, NULL, err,
			       sizeof(err)), -1);
	assert_int_equal(r.run(r.data, fails, NULL, 0, NULL, NULL, err,
			       sizeof(err)), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_large_input),
		cmocka_unit_test(test_failure_reports_first_error_line),
		cmocka_unit_test(test_stdin_is_dev_null_and_ignored_input),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_ran_codes),
	};

	return cmocka_run_group_tests_name("runcapture", tests, NULL, NULL);
}
