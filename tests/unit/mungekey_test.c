/*
 * mungekey_test.c - generate, hand out, install and fingerprint the
 * cluster's munge key in a scratch root (needs root for the owners).
 */
#include "testutil.h"

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/bash\n"
	"munge:x:105:107::/nonexistent:/usr/sbin/nologin\n";
static const char group[] =
	"root:x:0:\n"
	"munge:x:107:\n";

static char *
_root(void)
{
	char *r = tu_mkdtemp();

	tu_write(r, "etc/passwd", passwd);
	tu_write(r, "etc/group", group);
	tu_write(r, "etc/munge/munge.key", "a per-host key made by Debian's munge package\n");
	return r;
}

static void
_assert_file(const char *r, const char *rel, mode_t mode, uid_t uid, gid_t gid)
{
	struct strbuf p = STRBUF_INIT;
	struct stat st;

	assert_int_equal(stat(tu_path(&p, r, rel), &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, gid);
	strbuf_release(&p);
}

/* [done] reports [updated] (a path below root [r]), or nothing if NULL. */
static void
_assert_done(struct strlist *done, const char *r, const char *updated)
{
	struct strbuf want = STRBUF_INIT;

	if (!updated) {
		assert_int_equal(done->nr, 0);
	} else {
		strbuf_addf(&want, "updated '%s%s'", r, updated);
		assert_int_equal(done->nr, 1);
		assert_string_equal(done->v[0], want.buf);
	}
	strlist_clear(done);
	strbuf_release(&want);
}

/* The host's own key is kept once, with its mode, for purge to restore. */
static void
test_generate_keeps_host_key(void **state)
{
	struct strbuf orig = STRBUF_INIT, p = STRBUF_INIT;
	struct strlist done = STRLIST_INIT;
	char *r = _root(), err[512];
	struct pihpc_ctx ctx = { r };

	(void)state;
	assert_int_equal(chmod(tu_path(&p, r, "etc/munge/munge.key"), 0600), 0);
	assert_int_equal(pihpc_munge_key_generate(&ctx, &done, err, sizeof(err)), 0);
	strlist_clear(&done);
	tu_read(r, "var/lib/pihpc/munge.key.orig", &orig);
	assert_string_equal(orig.buf, "a per-host key made by Debian's munge package\n");
	_assert_file(r, "var/lib/pihpc/munge.key.orig", 0600, 0, 0);

	/* a later replacement keeps the first copy */
	tu_write(r, "etc/munge/munge.key", "another key");
	assert_int_equal(pihpc_munge_key_generate(&ctx, &done, err, sizeof(err)), 0);
	strlist_clear(&done);
	strbuf_reset(&orig);
	tu_read(r, "var/lib/pihpc/munge.key.orig", &orig);
	assert_string_equal(orig.buf, "a per-host key made by Debian's munge package\n");

	strbuf_release(&orig);
	strbuf_release(&p);
	tu_rmrf(r);
}

static void
test_generate_once(void **state)
{
	struct strbuf key = STRBUF_INIT, key2 = STRBUF_INIT, mark = STRBUF_INIT;
	struct strlist done = STRLIST_INIT;
	char *r = _root(), err[512], hex[PIHPC_SHA256_HEX];
	struct pihpc_ctx ctx = { r };

	(void)state;
	assert_int_equal(pihpc_munge_key_generate(&ctx, &done, err, sizeof(err)), 0);
	_assert_done(&done, r, "/etc/munge/munge.key");
	tu_read(r, "etc/munge/munge.key", &key);
	assert_int_equal(key.len, 1024);
	_assert_file(r, "etc/munge/munge.key", 0400, 105, 107);
	_assert_file(r, "var/lib/pihpc/munge.key.sha256", 0600, 0, 0);
	tu_read(r, "var/lib/pihpc/munge.key.sha256", &mark);
	assert_int_equal(pihpc_sha256_hex(key.buf, key.len, hex), 0);
	assert_int_equal(mark.len, 65);
	assert_memory_equal(mark.buf, hex, 64);
	assert_int_equal(mark.buf[64], '\n');

	/* again: the cluster key is in place, nothing happens */
	assert_int_equal(pihpc_munge_key_generate(&ctx, &done, err, sizeof(err)), 0);
	_assert_done(&done, r, NULL);
	tu_read(r, "etc/munge/munge.key", &key2);
	assert_int_equal(key2.len, key.len);
	assert_memory_equal(key2.buf, key.buf, key.len);

	/* a wrong mode is put right, the key kept */
	assert_int_equal(chmod(tu_path(&mark, r, "etc/munge/munge.key"), 0644), 0);
	assert_int_equal(pihpc_munge_key_generate(&ctx, &done, err, sizeof(err)), 0);
	_assert_done(&done, r, "/etc/munge/munge.key");
	_assert_file(r, "etc/munge/munge.key", 0400, 105, 107);
	tu_read(r, "etc/munge/munge.key", &key2);
	assert_memory_equal(key2.buf, key.buf, key.len);

	/* another key (reinstalled munge): replaced by a new cluster key */
	tu_write(r, "etc/munge/munge.key", "x");
	assert_int_equal(pihpc_munge_key_generate(&ctx, &done, err, sizeof(err)), 0);
	_assert_done(&done, r, "/etc/munge/munge.key");
	tu_read(r, "etc/munge/munge.key", &key2);
	assert_int_equal(key2.len, 1024);
	assert_true(memcmp(key2.buf, key.buf, 1024) != 0);

	strbuf_release(&key);
	strbuf_release(&key2);
	strbuf_release(&mark);
	tu_rmrf(r);
}

static void
test_generate_without_munge_user(void **state)
{
	struct strlist done = STRLIST_INIT;
	char *r = tu_mkdtemp(), err[512];
	struct pihpc_ctx ctx = { r };

	(void)state;
	tu_write(r, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
	tu_write(r, "etc/group", group);
	assert_int_equal(pihpc_munge_key_generate(&ctx, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "user 'munge' does not exist (is the munge package installed?)");
	tu_write(r, "etc/passwd", passwd);
	tu_write(r, "etc/group", "root:x:0:\n");
	assert_int_equal(pihpc_munge_key_generate(&ctx, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "group 'munge' does not exist (is the munge package installed?)");
	assert_int_equal(done.nr, 0);
	tu_rmrf(r);
}

static void
test_load_and_install_data(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, want = STRBUF_INIT;
	struct strlist done = STRLIST_INIT;
	char *r = _root(), *c = _root(), err[512];
	char fp1[PIHPC_MUNGE_KEY_FP + 1], fp2[PIHPC_MUNGE_KEY_FP + 1];
	struct pihpc_ctx ctl = { r }, node = { c };
	unsigned char key[PIHPC_MUNGE_KEY_MAX];
	size_t len;

	(void)state;
	/* the host's own key is not the cluster's: not handed out */
	assert_int_equal(pihpc_munge_key_load_cluster(&ctl, tu_path(&a, r, "etc/munge/munge.key"),
						      key, sizeof(key), &len, err, sizeof(err)), -1);
	strbuf_addf(&want, "'%s/etc/munge/munge.key' is not the cluster's munge key (run 'pihpc munge key generate' first)", r);
	assert_string_equal(err, want.buf);

	assert_int_equal(pihpc_munge_key_generate(&ctl, &done, err, sizeof(err)), 0);
	strlist_clear(&done);
	assert_int_equal(pihpc_munge_key_load_cluster(&ctl, tu_path(&a, r, "etc/munge/munge.key"),
						      key, sizeof(key), &len, err, sizeof(err)), 0);
	assert_int_equal(len, PIHPC_MUNGE_KEY_BYTES);
	assert_int_equal(pihpc_munge_key_install_data(&node, key, len, &done, err, sizeof(err)), 0);
	_assert_done(&done, c, "/etc/munge/munge.key");
	_assert_file(c, "etc/munge/munge.key", 0400, 105, 107);
	tu_read(r, "etc/munge/munge.key", &a);
	tu_read(c, "etc/munge/munge.key", &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	/* the host's own key is kept aside, for the purge to put back */
	tu_read(c, "var/lib/pihpc/munge.key.orig", &b);
	assert_string_equal(b.buf, "a per-host key made by Debian's munge package\n");
	assert_int_equal(pihpc_munge_key_install_data(&node, key, len, &done, err, sizeof(err)), 0);
	_assert_done(&done, c, NULL);

	/* same fingerprint on both */
	assert_int_equal(pihpc_munge_key_fingerprint(&ctl, PIHPC_MUNGE_KEY, fp1, err, sizeof(err)), 0);
	assert_int_equal(pihpc_munge_key_fingerprint(&node, PIHPC_MUNGE_KEY, fp2, err, sizeof(err)), 0);
	assert_int_equal(strlen(fp1), 16);
	assert_string_equal(fp1, fp2);
	assert_int_equal(pihpc_sha256_hex(a.buf, a.len, (char *)err), 0);
	assert_memory_equal(fp1, err, 16);

	/* a key munged would not take is refused, and nothing changes */
	assert_int_equal(pihpc_munge_key_install_data(&node, key, 9, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "the munge key received has 9 bytes (munge needs 32 to 65536)");
	assert_int_equal(done.nr, 0);
	tu_read(c, "etc/munge/munge.key", &b);
	assert_memory_equal(a.buf, b.buf, a.len);

	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&want);
	tu_rmrf(r);
	tu_rmrf(c);
}

/* A link at the key's place is refused, never written through. */
static void
test_refuses_links(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, want = STRBUF_INIT;
	struct strlist done = STRLIST_INIT;
	char *c = _root(), err[512];
	struct pihpc_ctx node = { c };
	unsigned char key[64];

	(void)state;
	memset(key, 'k', sizeof(key));
	assert_int_equal(unlink(tu_path(&a, c, "etc/munge/munge.key")), 0);
	assert_int_equal(symlink(tu_path(&b, c, "secret"), a.buf), 0);
	tu_write(c, "secret", "kept\n");
	assert_int_equal(pihpc_munge_key_generate(&node, &done, err, sizeof(err)), -1);
	strbuf_addf(&want, "refusing '%s/etc/munge/munge.key': a symbolic link", c);
	assert_string_equal(err, want.buf);
	assert_int_equal(pihpc_munge_key_install_data(&node, key, sizeof(key), &done, err, sizeof(err)), -1);
	assert_string_equal(err, want.buf);
	assert_int_equal(done.nr, 0);
	tu_read(c, "secret", &a);
	assert_string_equal(a.buf, "kept\n");

	strlist_clear(&done);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&want);
	tu_rmrf(c);
}

static void
test_fingerprint_missing(void **state)
{
	char err[512], fp[PIHPC_MUNGE_KEY_FP + 1];
	struct pihpc_ctx ctx = { "/nonexistent-root" };

	(void)state;
	assert_int_equal(pihpc_munge_key_fingerprint(&ctx, PIHPC_MUNGE_KEY, fp, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read '/nonexistent-root/etc/munge/munge.key': No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_once),
		cmocka_unit_test(test_generate_keeps_host_key),
		cmocka_unit_test(test_generate_without_munge_user),
		cmocka_unit_test(test_load_and_install_data),
		cmocka_unit_test(test_refuses_links),
		cmocka_unit_test(test_fingerprint_missing),
	};

	/* Owners need root; tests/unit/run.sh gives other users fakeroot. */
	if (geteuid() != 0) {
		(void)fprintf(stderr, "mungekey_test: needs root or fakeroot (file owners)\n");
		return 1;
	}
	return cmocka_run_group_tests_name("mungekey", tests, NULL, NULL);
}
