/*
 * strbuf_test.c - strbuf, strlist, error helpers and root-prefixed paths.
 */
#include "testutil.h"

static void
test_strbuf_init_is_empty_string(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
}

static void
test_strbuf_add_and_grow(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i % 10);
	assert_int_equal(sb.len, 2000);
	assert_memory_equal(sb.buf, "0,1,2,", 6);
	assert_int_equal(sb.buf[sb.len], '\0');
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "ab");
	strbuf_addch(&sb, 'c');
	strbuf_add(&sb, "de\0f", 4);
	assert_int_equal(sb.len, 7);
	assert_memory_equal(sb.buf, "abcde\0f", 7);
	strbuf_release(&sb);
}

static void
test_strbuf_trim_and_detach(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	char *p;

	(void)state;
	strbuf_addstr(&sb, " \t key = v \r\n");
	strbuf_trim(&sb);
	assert_string_equal(sb.buf, "key = v");
	assert_true(strbuf_ends_with(&sb, "= v"));
	assert_false(strbuf_ends_with(&sb, "x"));
	p = strbuf_detach(&sb, &len);
	assert_int_equal(len, 7);
	assert_string_equal(p, "key = v");
	assert_string_equal(sb.buf, "");
	free(p);
}

static void
test_strlist(void **state)
{
	struct strlist sl = STRLIST_INIT;
	int i;

	(void)state;
	for (i = 0; i < 20; i++)
		strlist_pushf(&sl, "n%d", i);
	assert_int_equal(sl.nr, 20);
	assert_string_equal(sl.v[19], "n19");
	assert_true(strlist_has(&sl, "n7"));
	assert_false(strlist_has(&sl, "n20"));
	strlist_clear(&sl);
	assert_int_equal(sl.nr, 0);
	assert_null(sl.v);
}

static void
test_strlist_splice(void **state)
{
	struct strlist a = STRLIST_INIT, b = STRLIST_INIT;

	(void)state;
	strlist_push(&b, "x");
	strlist_splice(&a, &b);
	assert_int_equal(a.nr, 1);
	assert_int_equal(b.nr, 0);
	assert_null(b.v);
	strlist_splice(&a, &b);
	assert_int_equal(a.nr, 1);
	strlist_push(&b, "y");
	strlist_push(&b, "z");
	strlist_splice(&a, &b);
	assert_int_equal(a.nr, 3);
	assert_string_equal(a.v[0], "x");
	assert_string_equal(a.v[2], "z");
	assert_null(b.v);
	strlist_clear(&a);
}

static void
test_strv_first_dup(void **state)
{
	char *none[] = { "c", "a", "b" };
	char *two[] = { "a", "b", "c", "b", "a", "a" };
	char *late[] = { "z", "y", "x", "y" };
	struct strlist big = STRLIST_INIT;
	int i;

	(void)state;
	assert_int_equal(strv_first_dup(none, 0), 0);
	assert_int_equal(strv_first_dup(none, 3), 3);
	assert_int_equal(strv_first_dup(two, 6), 3);
	assert_int_equal(strv_first_dup(late, 4), 3);
	for (i = 0; i < 20000; i++)
		strlist_pushf(&big, "n%05d", (i * 7919) % 20000);
	assert_int_equal(strv_first_dup(big.v, big.nr), big.nr);
	strlist_pushf(&big, "n%05d", 12345);
	assert_int_equal(strv_first_dup(big.v, big.nr), 20000);
	strlist_clear(&big);
}

static void
test_error_helpers(void **state)
{
	char err[64];

	(void)state;
	assert_int_equal(pihpc_err(err, sizeof(err), "cannot open '%s'", "x"), -1);
	assert_string_equal(err, "cannot open 'x'");
	errno = ENOENT;
	assert_int_equal(pihpc_err_errno(err, sizeof(err), "cannot open '%s'", "/y"), -1);
	assert_string_equal(err, "cannot open '/y': No such file or directory");
	assert_int_equal(errno, ENOENT);
	/* truncated, still terminated */
	(void)pihpc_err(err, 8, "0123456789");
	assert_string_equal(err, "0123456");
}

static void
test_path_root_prefix(void **state)
{
	struct pihpc_ctx real = PIHPC_CTX_INIT, slash = { "/" };
	struct pihpc_ctx scratch = { "/srv/img/" }, empty = { "" };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_string_equal(pihpc_path(&real, "/etc/hosts", &sb), "/etc/hosts");
	assert_string_equal(pihpc_path(&slash, "/etc/hosts", &sb), "/etc/hosts");
	assert_string_equal(pihpc_path(&empty, "/etc/hosts", &sb), "/etc/hosts");
	assert_string_equal(pihpc_path(&scratch, "/etc/hosts", &sb),
			    "/srv/img/etc/hosts");
	assert_true(pihpc_ctx_is_real_root(&slash));
	assert_false(pihpc_ctx_is_real_root(&scratch));
	assert_string_equal(pihpc_path_join("a//", "//b", &sb), "a/b");
	assert_string_equal(pihpc_path_join("/", "b", &sb), "/b");
	strbuf_release(&sb);
}

/* Whole lines only: a prefix, a suffix or a part never matches. */
static void
test_has_line(void **state)
{
	(void)state;
	assert_true(pihpc_has_line("database\nuser\n", "user"));
	assert_true(pihpc_has_line("database\nuser", "user"));
	assert_true(pihpc_has_line("database", "database"));
	assert_false(pihpc_has_line("databases\n", "database"));
	assert_false(pihpc_has_line("xuser\n", "user"));
	assert_false(pihpc_has_line("", "user"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_init_is_empty_string),
		cmocka_unit_test(test_has_line),
		cmocka_unit_test(test_strbuf_add_and_grow),
		cmocka_unit_test(test_strbuf_trim_and_detach),
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_strlist_splice),
		cmocka_unit_test(test_strv_first_dup),
		cmocka_unit_test(test_error_helpers),
		cmocka_unit_test(test_path_root_prefix),
	};

	return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
