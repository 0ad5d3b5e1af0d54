/*
 * hostlist_test.c - Slurm hostlist expansion and compression.
 */
#include "testutil.h"

/* Expand [expr] and compare with the comma-joined [want]. */
static void
_expands_to(const char *expr, const char *want)
{
	struct strlist sl = STRLIST_INIT;
	struct strbuf got = STRBUF_INIT;
	char err[512];
	size_t i;

	if (pihpc_hostlist_expand(expr, &sl, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	for (i = 0; i < sl.nr; i++)
		strbuf_addf(&got, "%s%s", i ? "," : "", sl.v[i]);
	assert_string_equal(got.buf, want);
	strlist_clear(&sl);
	strbuf_release(&got);
}

static void
_fails_with(const char *expr, const char *want)
{
	struct strlist sl = STRLIST_INIT;
	char err[512];

	assert_int_equal(pihpc_hostlist_expand(expr, &sl, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	strlist_clear(&sl);
}

static void
_compresses_to(const char *names, const char *want)
{
	struct strlist sl = STRLIST_INIT;
	struct strbuf got = STRBUF_INIT;
	char *copy = xstrdup(names), *save = NULL, *tok, err[512];

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		strlist_push(&sl, tok);
	if (pihpc_hostlist_compress(sl.v, sl.nr, &got, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(got.buf, want);
	free(copy);
	strlist_clear(&sl);
	strbuf_release(&got);
}

static void
test_expand(void **state)
{
	(void)state;
	_expands_to("rpnode[01-02]", "rpnode01,rpnode02");
	_expands_to("n[1-3,7]", "n1,n2,n3,n7");
	_expands_to("a[1-2]b[3-4]", "a1b3,a1b4,a2b3,a2b4");
	_expands_to("a,b[1-2]", "a,b1,b2");
	_expands_to("n[8-11]", "n8,n9,n10,n11");
	_expands_to("n[098-101]", "n098,n099,n100,n101");
	_expands_to("x[5]y", "x5y");
	_expands_to("filenode01", "filenode01");
	_expands_to("n[1-2],m[01-02].lan", "n1,n2,m01.lan,m02.lan");
}

static void
test_expand_errors(void **state)
{
	(void)state;
	_fails_with("n[1-", "hostlist 'n[1-': unterminated '[' at position 2");
	_fails_with("", "hostlist '': empty");
	_fails_with("n[3-1]", "hostlist 'n[3-1]': reversed range '3-1' at position 3");
	_fails_with("n[1-2,x]", "hostlist 'n[1-2,x]': invalid range 'x' at position 7");
	_fails_with("n[]", "hostlist 'n[]': invalid range '' at position 3");
	_fails_with("n]1", "hostlist 'n]1': unexpected ']' at position 2");
	_fails_with("n[1[2]]", "hostlist 'n[1[2]]': nested '[' at position 4");
	_fails_with("a,,b", "hostlist 'a,,b': empty name at position 3");
	_fails_with("a b", "hostlist 'a b': invalid character ' ' at position 2");
	_fails_with("n[0-65536]", "hostlist 'n[0-65536]': more than 65536 names");
	_fails_with("a[1-300]b[1-300]", "hostlist 'a[1-300]b[1-300]': more than 65536 names");
	_fails_with("n[1-1234567890]", "hostlist 'n[1-1234567890]': invalid range '1-1234567890' at position 3");
}

static void
test_expand_limit_exact(void **state)
{
	struct strlist sl = STRLIST_INIT;
	char err[512];

	(void)state;
	assert_int_equal(pihpc_hostlist_expand("n[1-65536]", &sl, err, sizeof(err)), 0);
	assert_int_equal(sl.nr, 65536);
	assert_string_equal(sl.v[65535], "n65536");
	strlist_clear(&sl);
}

/* Bounds are checked before anything is allocated (fuzzing findings). */
static void
test_expand_bounds(void **state)
{
	struct strbuf e = STRBUF_INIT, want = STRBUF_INIT;
	struct strlist sl = STRLIST_INIT;
	char err[512];
	int i;

	(void)state;
	/* 3,000 brackets: 2.3 GB of values before the product was refused */
	strbuf_addch(&e, 'n');
	for (i = 0; i < 3000; i++)
		strbuf_addstr(&e, "[0-65534]");
	assert_int_equal(pihpc_hostlist_expand(e.buf, &sl, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "': more than 65536 names"));
	assert_int_equal(sl.nr, 0);
	_fails_with("n[0-1]a[0-1]b[0-1]c[0-1]d[0-1]e[0-1]f[0-1]g[0-1]h[0-1]",
		    "hostlist 'n[0-1]a[0-1]b[0-1]c[0-1]d[0-1]e[0-1]f[0-1]g[0-1]h[0-1]': more than 8 brackets in one name at position 50");
	_fails_with("n[0-99]a[0-99]b[0-99]",
		    "hostlist 'n[0-99]a[0-99]b[0-99]': more than 65536 names");
	_fails_with("n[0-65535],m", "hostlist 'n[0-65535],m': more than 65536 names");
	/* a 16 KB name before the bracket: 1 GB of names */
	strbuf_reset(&e);
	for (i = 0; i < 16384; i++)
		strbuf_addch(&e, 'a');
	strbuf_addstr(&e, "[0-65535]");
	assert_int_equal(pihpc_hostlist_expand(e.buf, &sl, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "': name longer than 255 characters at position 1"));
	/* 255 characters are a name, 256 are not */
	strbuf_reset(&e);
	for (i = 0; i < 252; i++)
		strbuf_addch(&e, 'a');
	strbuf_addstr(&e, "[1-100]");
	assert_int_equal(pihpc_hostlist_expand(e.buf, &sl, err, sizeof(err)), 0);
	assert_int_equal(sl.nr, 100);
	assert_int_equal(strlen(sl.v[99]), 255);
	strlist_clear(&sl);
	strbuf_reset(&e);
	strbuf_addstr(&e, "x,");
	for (i = 0; i < 253; i++)
		strbuf_addch(&e, 'a');
	strbuf_addstr(&e, "[1-100]");
	assert_int_equal(pihpc_hostlist_expand(e.buf, &sl, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "': name longer than 255 characters at position 3"));
	/* 65,536 names of 100 characters: 6.6 MB */
	strbuf_reset(&e);
	for (i = 0; i < 95; i++)
		strbuf_addch(&e, 'a');
	strbuf_addstr(&e, "[00000-65535]");
	strbuf_addf(&want, "hostlist '%.60s...': more than 4194304 bytes of names", e.buf);
	_fails_with(e.buf, want.buf);
	_fails_with("a\tb", "hostlist 'a\tb': invalid byte 0x09 at position 2");
	strbuf_release(&e);
	strbuf_release(&want);
}

/* A failed expansion leaves the output as it was; success appends. */
static void
test_expand_output_untouched_on_error(void **state)
{
	struct strlist sl = STRLIST_INIT;
	char err[512];

	(void)state;
	strlist_push(&sl, "keep");
	assert_int_equal(pihpc_hostlist_expand("a,b[1-3],n[1-", &sl, err, sizeof(err)), -1);
	assert_int_equal(sl.nr, 1);
	assert_int_equal(pihpc_hostlist_expand("a,b[1-3],n[0-65535]", &sl, err, sizeof(err)), -1);
	assert_int_equal(sl.nr, 1);
	assert_int_equal(pihpc_hostlist_expand("a,b[1-2]", &sl, err, sizeof(err)), 0);
	assert_int_equal(sl.nr, 4);
	assert_string_equal(sl.v[0], "keep");
	assert_string_equal(sl.v[3], "b2");
	strlist_clear(&sl);
}

static void
test_compress(void **state)
{
	(void)state;
	_compresses_to("n1,n2,n3,n7", "n[1-3,7]");
	_compresses_to("rpnode01,rpnode02", "rpnode[01-02]");
	_compresses_to("rpnode02,rpnode01,rpnode02", "rpnode[01-02]");
	_compresses_to("n7", "n7");
	_compresses_to("a1b3,a1b4,x", "a1b[3-4],x");
	_compresses_to("n9,n10,n11", "n[9-11]");
	_compresses_to("n01,n10,n9", "n[01,10],n9");
	_compresses_to("node1.lan,node2.lan,node1", "node[1-2].lan,node1");
	_compresses_to("filenode01,rpnode01,rpnode02", "filenode01,rpnode[01-02]");
	_compresses_to("n10,n01,n9,n08", "n[01,08,10],n9");
	_compresses_to("n1,a,n2,a,b7c,b5c,b05c", "n[1-2],a,b[5,7]c,b05c");
	_compresses_to("x1234567890,x1234567890,x1", "x1234567890,x1");
}

/* 65,536 groups of one name: quadratic, 15 s before (fuzzing finding). */
static void
test_compress_many_groups(void **state)
{
	struct strlist sl = STRLIST_INIT;
	struct strbuf hl = STRBUF_INIT;
	char err[512];
	size_t i, commas = 0;

	(void)state;
	assert_int_equal(pihpc_hostlist_expand("a[0-65535]b0", &sl, err, sizeof(err)), 0);
	assert_int_equal(pihpc_hostlist_compress(sl.v, sl.nr, &hl, err, sizeof(err)), 0);
	assert_int_equal(strncmp(hl.buf, "a0b0,a1b0,a2b0,", 15), 0);
	assert_non_null(strstr(hl.buf, ",a65534b0,a65535b0"));
	for (i = 0; i < hl.len; i++)
		commas += hl.buf[i] == ',';
	assert_int_equal(commas, 65535);
	strlist_clear(&sl);
	strbuf_release(&hl);
}

static void
test_compress_roundtrip(void **state)
{
	struct strlist sl = STRLIST_INIT, back = STRLIST_INIT;
	struct strbuf hl = STRBUF_INIT;
	char err[512];
	size_t i;

	(void)state;
	assert_int_equal(pihpc_hostlist_expand("c[001-100,200,300-302]", &sl, err, sizeof(err)), 0);
	assert_int_equal(pihpc_hostlist_compress(sl.v, sl.nr, &hl, err, sizeof(err)), 0);
	assert_string_equal(hl.buf, "c[001-100,200,300-302]");
	assert_int_equal(pihpc_hostlist_expand(hl.buf, &back, err, sizeof(err)), 0);
	assert_int_equal(back.nr, sl.nr);
	for (i = 0; i < sl.nr; i++)
		assert_string_equal(back.v[i], sl.v[i]);
	strlist_clear(&sl);
	strlist_clear(&back);
	strbuf_release(&hl);
}

static void
test_compress_errors(void **state)
{
	char *bad[] = { "n1", "n[2]" };
	struct strbuf hl = STRBUF_INIT;
	char err[512];

	(void)state;
	assert_int_equal(pihpc_hostlist_compress(bad, 2, &hl, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid host name 'n[2]'");
	bad[1] = "";
	assert_int_equal(pihpc_hostlist_compress(bad, 2, &hl, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid host name ''");
	strbuf_release(&hl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_errors),
		cmocka_unit_test(test_expand_limit_exact),
		cmocka_unit_test(test_expand_bounds),
		cmocka_unit_test(test_expand_output_untouched_on_error),
		cmocka_unit_test(test_compress),
		cmocka_unit_test(test_compress_roundtrip),
		cmocka_unit_test(test_compress_many_groups),
		cmocka_unit_test(test_compress_errors),
	};

	return cmocka_run_group_tests_name("hostlist", tests, NULL, NULL);
}
