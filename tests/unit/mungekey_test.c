/*
 * mungekey_test.c - generate, publish, install and fingerprint the
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
test_publish_and_install(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, want = STRBUF_INIT;
	struct strlist done = STRLIST_INIT;
	char *r = _root(), *c = _root(), err[512];
	char fp1[PIHPC_MUNGE_KEY_FP + 1], fp2[PIHPC_MUNGE_KEY_FP + 1];
	struct pihpc_ctx ctl = { r }, node = { c };

	(void)state;
	/* no /nfs */
	assert_int_equal(pihpc_munge_key_publish(&ctl, &done, err, sizeof(err)), -1);
	strbuf_addf(&want, "cannot publish the munge key: '%s/nfs' is not a directory (is it mounted from the storage node?)", r);
	assert_string_equal(err, want.buf);
	/* not generated yet */
	assert_int_equal(mkdir(tu_path(&a, r, "nfs"), 0755), 0);
	assert_int_equal(pihpc_munge_key_publish(&ctl, &done, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "'%s/etc/munge/munge.key' is not the cluster's munge key (run 'pihpc munge key generate' first)", r);
	assert_string_equal(err, want.buf);

	assert_int_equal(pihpc_munge_key_generate(&ctl, &done, err, sizeof(err)), 0);
	strlist_clear(&done);
	assert_int_equal(pihpc_munge_key_publish(&ctl, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 2);
	strbuf_reset(&want);
	strbuf_addf(&want, "created directory '%s/nfs/pihpc'", r);
	assert_string_equal(done.v[0], want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "updated '%s/nfs/pihpc/munge.key'", r);
	assert_string_equal(done.v[1], want.buf);
	strlist_clear(&done);
	_assert_file(r, "nfs/pihpc", 0700, 0, 0);
	_assert_file(r, "nfs/pihpc/munge.key", 0400, 0, 0);
	assert_int_equal(pihpc_munge_key_publish(&ctl, &done, err, sizeof(err)), 0);
	_assert_done(&done, r, NULL);

	/* the compute node sees the controller's /nfs */
	assert_int_equal(mkdir(tu_path(&a, c, "nfs"), 0755), 0);
	assert_int_equal(pihpc_munge_key_install(&node, &done, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot read the cluster's munge key '%s/nfs/pihpc/munge.key': No such file or directory "
		    "(is /nfs mounted from the storage node, and pihpc-master installed on the controller?)", c);
	assert_string_equal(err, want.buf);
	assert_int_equal(rmdir(tu_path(&a, c, "nfs")), 0);
	assert_int_equal(symlink(tu_path(&b, r, "nfs"), tu_path(&a, c, "nfs")), 0);
	assert_int_equal(pihpc_munge_key_install(&node, &done, err, sizeof(err)), 0);
	_assert_done(&done, c, "/etc/munge/munge.key");
	_assert_file(c, "etc/munge/munge.key", 0400, 105, 107);
	tu_read(r, "etc/munge/munge.key", &a);
	tu_read(c, "etc/munge/munge.key", &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	assert_int_equal(pihpc_munge_key_install(&node, &done, err, sizeof(err)), 0);
	_assert_done(&done, c, NULL);

	/* same fingerprint on both */
	assert_int_equal(pihpc_munge_key_fingerprint(&ctl, PIHPC_MUNGE_KEY, fp1, err, sizeof(err)), 0);
	assert_int_equal(pihpc_munge_key_fingerprint(&node, PIHPC_MUNGE_KEY, fp2, err, sizeof(err)), 0);
	assert_int_equal(strlen(fp1), 16);
	assert_string_equal(fp1, fp2);
	assert_int_equal(pihpc_sha256_hex(a.buf, a.len, (char *)err), 0);
	assert_memory_equal(fp1, err, 16);

	/* a short published key is refused */
	assert_int_equal(chmod(tu_path(&a, r, "nfs/pihpc/munge.key"), 0600), 0);
	tu_write(r, "nfs/pihpc/munge.key", "too short");
	assert_int_equal(pihpc_munge_key_install(&node, &done, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "the cluster's munge key '%s/nfs/pihpc/munge.key' is too short: 9 bytes (munge needs at least 32)", c);
	assert_string_equal(err, want.buf);
	assert_int_equal(done.nr, 0);

	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&want);
	tu_rmrf(r);
	tu_rmrf(c);
}

/*
 * What the shared /nfs holds is not trusted: a link is not followed (its
 * target would become the node's key), a FIFO does not hang the install.
 */
static void
test_refuses_links_and_fifos(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, want = STRBUF_INIT;
	struct strlist done = STRLIST_INIT;
	char *r = _root(), *c = _root(), err[512];
	struct pihpc_ctx ctl = { r }, node = { c };
	const char *pub;
	int i;

	(void)state;
	assert_int_equal(mkdir(tu_path(&a, r, "nfs"), 0755), 0);
	assert_int_equal(pihpc_munge_key_generate(&ctl, &done, err, sizeof(err)), 0);
	assert_int_equal(pihpc_munge_key_publish(&ctl, &done, err, sizeof(err)), 0);
	strlist_clear(&done);
	/* the node mounts the controller's /nfs */
	assert_int_equal(symlink(tu_path(&b, r, "nfs"), tu_path(&a, c, "nfs")), 0);
	tu_write(r, "secret", "a file no compute node should get as its munge key\n");
	pub = tu_path(&b, r, "nfs/pihpc/munge.key");
	assert_int_equal(unlink(pub), 0);

	for (i = 0; i < 4; i++) {
		strbuf_reset(&want);
		strbuf_addf(&want, "refusing '%s/nfs/pihpc/munge.key': ", c);
		switch (i) {
		case 0:
			assert_int_equal(symlink(tu_path(&a, r, "secret"), pub), 0);
			strbuf_addstr(&want, "a symbolic link");
			break;
		case 1:
			assert_int_equal(symlink("nonexistent", pub), 0);
			strbuf_addstr(&want, "a symbolic link");
			break;
		case 2:
			assert_int_equal(mkfifo(pub, 0600), 0);
			strbuf_addstr(&want, "not a regular file (a FIFO)");
			break;
		default:
			assert_int_equal(mkdir(pub, 0700), 0);
			strbuf_addstr(&want, "not a regular file (a directory)");
			break;
		}
		(void)alarm(20);	/* a FIFO opened blocking would hang here */
		assert_int_equal(pihpc_munge_key_install(&node, &done, err, sizeof(err)), -1);
		(void)alarm(0);
		assert_string_equal(err, want.buf);
		assert_int_equal(done.nr, 0);
		tu_read(c, "etc/munge/munge.key", &a);
		assert_string_equal(a.buf, "a per-host key made by Debian's munge package\n");
		assert_int_equal(remove(pub), 0);
	}

	/* more than a key can be: refused before it is read */
	tu_write(r, "nfs/pihpc/munge.key", "");
	assert_int_equal(truncate(pub, PIHPC_MUNGE_KEY_MAX + 1), 0);
	assert_int_equal(pihpc_munge_key_install(&node, &done, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "'%s/nfs/pihpc/munge.key' is too large for a munge key (more than %d bytes)",
		    c, PIHPC_MUNGE_KEY_MAX);
	assert_string_equal(err, want.buf);
	assert_int_equal(unlink(pub), 0);

	/* the controller does not publish through a link either */
	assert_int_equal(rmdir(tu_path(&a, r, "nfs/pihpc")), 0);
	assert_int_equal(mkdir(tu_path(&a, r, "elsewhere"), 0755), 0);
	assert_int_equal(symlink("../elsewhere", tu_path(&a, r, "nfs/pihpc")), 0);
	assert_int_equal(pihpc_munge_key_publish(&ctl, &done, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "refusing '%s/nfs/pihpc': a symbolic link", r);
	assert_string_equal(err, want.buf);
	assert_int_equal(tu_count_entries(tu_path(&a, r, "elsewhere")), 0);

	/* nor generate a key through a link at /etc/munge/munge.key */
	assert_int_equal(unlink(tu_path(&a, c, "etc/munge/munge.key")), 0);
	assert_int_equal(symlink(tu_path(&b, c, "secret"), a.buf), 0);
	tu_write(c, "secret", "kept\n");
	assert_int_equal(pihpc_munge_key_generate(&node, &done, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "refusing '%s/etc/munge/munge.key': a symbolic link", c);
	assert_string_equal(err, want.buf);
	tu_read(c, "secret", &a);
	assert_string_equal(a.buf, "kept\n");

	strlist_clear(&done);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&want);
	tu_rmrf(r);
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
		cmocka_unit_test(test_publish_and_install),
		cmocka_unit_test(test_refuses_links_and_fifos),
		cmocka_unit_test(test_fingerprint_missing),
	};

	/* Owners need root; tests/unit/run.sh gives other users fakeroot. */
	if (geteuid() != 0) {
		(void)fprintf(stderr, "mungekey_test: needs root or fakeroot (file owners)\n");
		return 1;
	}
	return cmocka_run_group_tests_name("mungekey", tests, NULL, NULL);
}
