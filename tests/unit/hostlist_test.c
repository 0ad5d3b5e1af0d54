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
	strbuf_release(&hl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_errors),
		cmocka_unit_test(test_expand_limit_exact),
		cmocka_unit_test(test_compress),
		cmocka_unit_test(test_compress_roundtrip),
		cmocka_unit_test(test_compress_errors),
	};

	return cmocka_run_group_tests_name("hostlist", tests, NULL, NULL);
}
