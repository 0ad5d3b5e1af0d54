/*
 * block_test.c - managed blocks on realistic /etc/hosts, fstab, exports.
 */
#include "testutil.h"

static const char hosts[] =
	"127.0.0.1\tlocalhost\n"
	"127.0.1.1\trpnode01\n"
	"\n"
	"# The following lines are desirable for IPv6 capable hosts\n"
	"::1     localhost ip6-localhost ip6-loopback\n"
	"ff02::1 ip6-allnodes\n"
	"ff02::2 ip6-allrouters\n";

static const char fstab[] =
	"# /etc/fstab: static file system information.\n"
	"#\n"
	"# <file system> <mount point>   <type>  <options>       <dump>  <pass>\n"
	"PARTUUID=4e639091-01  /boot/firmware  vfat    defaults          0       2\n"
	"PARTUUID=4e639091-02  /               ext4    defaults,noatime  0       1\n"
	"#tmpfs /tmp tmpfs defaults 0 0";	/* no final newline */

static const char exports[] =
	"# /etc/exports: the access control list for filesystems which may be exported\n"
	"#\t\tto NFS clients.  See exports(5).\n"
	"/srv/old 10.0.0.0/24(ro,sync,no_subtree_check) fd00::/64(ro)\n";

static const char block_hosts[] =
	"10.0.0.1 rpnode01.home.local rpnode01\n"
	"10.0.0.2 rpnode02.home.local rpnode02\n";

/* Set then remove [name] on [orig]; removal must restore it exactly. */
static void
_roundtrip(const char *orig, const char *name, const char *content,
	   const char *want_set)
{
	struct strbuf set = STRBUF_INIT, again = STRBUF_INIT, rm = STRBUF_INIT;
	char err[512];
	int found;

	assert_int_equal(pihpc_block_set_text("f", orig, strlen(orig), name,
					      content, &set, err, sizeof(err)), 0);
	if (want_set)
		assert_string_equal(set.buf, want_set);
	/* setting the same content again changes nothing */
	assert_int_equal(pihpc_block_set_text("f", set.buf, set.len, name,
					      content, &again, err, sizeof(err)), 0);
	assert_string_equal(again.buf, set.buf);
	assert_int_equal(pihpc_block_remove_text("f", set.buf, set.len, name,
						 &rm, &found, err, sizeof(err)), 0);
	assert_int_equal(found, 1);
	assert_int_equal(rm.len, strlen(orig));
	assert_memory_equal(rm.buf, orig, rm.len);
	strbuf_release(&set);
	strbuf_release(&again);
	strbuf_release(&rm);
}

static void
test_hosts_append_and_remove(void **state)
{
	struct strbuf want = STRBUF_INIT;

	(void)state;
	strbuf_addf(&want, "%s# BEGIN pihpc hosts\n%s# END pihpc hosts\n",
		    hosts, block_hosts);
	_roundtrip(hosts, "hosts", block_hosts, want.buf);
	strbuf_release(&want);
}

static void
test_replace_in_place_keeps_surroundings(void **state)
{
	static const char orig[] =
		"127.0.0.1 localhost\n"
		"# BEGIN pihpc hosts\n"
		"10.0.0.9 old\n"
		"# END pihpc hosts\n"
		"::1 localhost ip6-localhost\n";
	struct strbuf out = STRBUF_INIT;
	char err[512];

	(void)state;
	assert_int_equal(pihpc_block_set_text("/etc/hosts", orig, strlen(orig),
					      "hosts", "10.0.0.1 new",
					      &out, err, sizeof(err)), 0);
	assert_string_equal(out.buf,
		"127.0.0.1 localhost\n"
		"# BEGIN pihpc hosts\n"
		"10.0.0.1 new\n"
		"# END pihpc hosts\n"
		"::1 localhost ip6-localhost\n");
	strbuf_release(&out);
}

static void
test_fstab_without_final_newline(void **state)
{
	struct strbuf want = STRBUF_INIT;

	(void)state;
	/* the block takes the separator newline and ends without one */
	strbuf_addf(&want, "%s\n# BEGIN pihpc nfs\n"
		    "filenode01:/home /home nfs defaults,_netdev,nofail 0 0\n"
		    "# END pihpc nfs", fstab);
	_roundtrip(fstab, "nfs",
		   "filenode01:/home /home nfs defaults,_netdev,nofail 0 0\n",
		   want.buf);
	strbuf_release(&want);
}

static void
test_exports_and_empty_files(void **state)
{
	(void)state;
	_roundtrip(exports, "exports",
		   "/home 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)\n",
		   NULL);
	_roundtrip("", "x", "a\n", "# BEGIN pihpc x\na\n# END pihpc x\n");
	_roundtrip("one line", "x", "", "one line\n# BEGIN pihpc x\n# END pihpc x");
	_roundtrip("\n", "x", "b", "\n# BEGIN pihpc x\nb\n# END pihpc x\n");
}

static void
test_other_blocks_are_untouched(void **state)
{
	static const char orig[] =
		"# BEGIN pihpc a\nA\n# END pihpc a\n"
		"mid\n"
		"# BEGIN pihpc b\nB\n# END pihpc b\n";
	struct strbuf out = STRBUF_INIT;
	char err[512];
	int found;

	(void)state;
	assert_int_equal(pihpc_block_remove_text("f", orig, strlen(orig), "a",
						 &out, &found, err, sizeof(err)), 0);
	assert_string_equal(out.buf, "mid\n# BEGIN pihpc b\nB\n# END pihpc b\n");
	assert_int_equal(pihpc_block_remove_text("f", orig, strlen(orig), "c",
						 &out, &found, err, sizeof(err)), 0);
	assert_int_equal(found, 0);
	assert_string_equal(out.buf, orig);
	strbuf_release(&out);
}

static void
test_malformed_markers(void **state)
{
	struct strbuf out = STRBUF_INIT;
	char err[512];
	const char *t;

	(void)state;
	t = "a\n# BEGIN pihpc hosts\nx\n";
	assert_int_equal(pihpc_block_set_text("/etc/hosts", t, strlen(t), "hosts",
					      "y", &out, err, sizeof(err)), -1);
	assert_string_equal(err, "/etc/hosts:2: managed block 'hosts' has no end marker");

	t = "# BEGIN pihpc h\n# END pihpc h\n# BEGIN pihpc h\n# END pihpc h\n";
	assert_int_equal(pihpc_block_remove_text("/etc/hosts", t, strlen(t), "h",
						 &out, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "/etc/hosts:3: duplicate managed block 'h' (first at line 1)");

	t = "x\n# END pihpc h\n";
	assert_int_equal(pihpc_block_set_text("f", t, strlen(t), "h", "", &out,
					      err, sizeof(err)), -1);
	assert_string_equal(err, "f:2: end of managed block 'h' without a begin");

	t = "# BEGIN pihpc h\n# BEGIN pihpc h\n# END pihpc h\n";
	assert_int_equal(pihpc_block_set_text("f", t, strlen(t), "h", "", &out,
					      err, sizeof(err)), -1);
	assert_string_equal(err, "f:2: managed block 'h' begins again before its end (opened at line 1)");

	assert_int_equal(pihpc_block_set_text("f", "", 0, "h",
					      "a\n# END pihpc h\n", &out, err,
					      sizeof(err)), -1);
	assert_string_equal(err, "content of managed block 'h' contains a marker line");

	assert_int_equal(pihpc_block_set_text("f", "", 0, "bad name", "", &out,
					      err, sizeof(err)), -1);
	assert_string_equal(err, "invalid block name 'bad name' (want 1 to 64 of A-Z a-z 0-9 _ . -)");
	strbuf_release(&out);
}

static void
test_files_on_disk(void **state)
{
	struct strbuf p = STRBUF_INIT, got = STRBUF_INIT, want = STRBUF_INIT;
	enum pihpc_write_result res;
	char *dir = tu_mkdtemp(), err[512];
	struct stat st;

	(void)state;
	tu_path(&p, dir, "hosts");
	/* missing file: created 0644 */
	assert_int_equal(pihpc_block_set_file(p.buf, "hosts", block_hosts, &res,
					      err, sizeof(err)), 0);
	assert_int_equal(res, PIHPC_WRITTEN);
	assert_int_equal(stat(p.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(pihpc_block_set_file(p.buf, "hosts", block_hosts, &res,
					      err, sizeof(err)), 0);
	assert_int_equal(res, PIHPC_UNCHANGED);
	assert_int_equal(pihpc_block_remove_file(p.buf, "hosts", &res, err,
						 sizeof(err)), 0);
	assert_int_equal(res, PIHPC_WRITTEN);
	tu_read(dir, "hosts", &got);
	assert_string_equal(got.buf, "");
	/* missing file: removal is no error and writes nothing */
	tu_path(&p, dir, "absent");
	assert_int_equal(pihpc_block_remove_file(p.buf, "hosts", &res, err,
						 sizeof(err)), 0);
	assert_int_equal(res, PIHPC_UNCHANGED);
	assert_int_equal(access(p.buf, F_OK), -1);
	/* malformed file: error, file untouched */
	tu_write(dir, "bad", "# BEGIN pihpc hosts\nx\n");
	tu_path(&p, dir, "bad");
	assert_int_equal(pihpc_block_set_file(p.buf, "hosts", "y", &res, err,
					      sizeof(err)), -1);
	strbuf_addf(&want, "%s:1: managed block 'hosts' has no end marker", p.buf);
	assert_string_equal(err, want.buf);
	tu_read(dir, "bad", &got);
	assert_string_equal(got.buf, "# BEGIN pihpc hosts\nx\n");
	strbuf_release(&p);
	strbuf_release(&got);
	strbuf_release(&want);
	tu_rmrf(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts_append_and_remove),
		cmocka_unit_test(test_replace_in_place_keeps_surroundings),
		cmocka_unit_test(test_fstab_without_final_newline),
		cmocka_unit_test(test_exports_and_empty_files),
		cmocka_unit_test(test_other_blocks_are_untouched),
		cmocka_unit_test(test_malformed_markers),
		cmocka_unit_test(test_files_on_disk),
	};

	return cmocka_run_group_tests_name("block", tests, NULL, NULL);
}
