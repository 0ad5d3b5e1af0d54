/*
 * nfs_test.c - /etc/exports and /etc/fstab blocks from nfs_exports.
 */
#include "testutil.h"

/* Debian's /etc/exports as nfs-kernel-server installs it. */
static const char debian_exports[] =
	"# /etc/exports: the access control list for filesystems which may be exported\n"
	"#\t\tto NFS clients.  See exports(5).\n"
	"#\n"
	"# Example for NFSv2 and NFSv3:\n"
	"# /srv/homes       hostname1(rw,sync,no_subtree_check) hostname2(ro,sync,no_subtree_check)\n"
	"#\n"
	"# Example for NFSv4:\n"
	"# /srv/nfs4        gss/krb5i(rw,sync,fsid=0,crossmnt,no_subtree_check)\n"
	"# /srv/nfs4/homes  gss/krb5i(rw,sync,no_subtree_check)\n"
	"#\n";

/* Raspberry Pi OS bookworm's /etc/fstab (no final newline, as some are). */
static const char pi_fstab[] =
	"proc            /proc           proc    defaults          0       0\n"
	"PARTUUID=xxxxxxxx-01  /boot/firmware  vfat    defaults          0       2\n"
	"PARTUUID=xxxxxxxx-02  /               ext4    defaults,noatime  0       1\n"
	"# a swapfile is not a swap partition, no line here\n"
	"#   use  dphys-swapfile swap[on|off]  for that";

struct fixture {
	char *root;
	struct pihpc_ctx ctx;
	struct pihpc_conf conf;
	struct strlist done;
};

static int
setup(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	f->root = tu_mkdtemp();
	f->ctx.root = f->root;
	pihpc_conf_init(&f->conf);
	memset(&f->done, 0, sizeof(f->done));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tu_rmrf(f->root);
	pihpc_conf_release(&f->conf);
	strlist_clear(&f->done);
	free(f);
	return 0;
}

/* Set key [k] of the fixture's configuration to [v]. */
static void
_set(struct fixture *f, enum pihpc_key k, const char *v)
{
	free(f->conf.val[k]);
	f->conf.val[k] = xstrdup(v);
}

static void
_mkdir(struct fixture *f, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;

	tu_path(&sb, f->root, rel);
	tu_mkparents(sb.buf);
	assert_int_equal(mkdir(sb.buf, 0755), 0);
	strbuf_release(&sb);
}

static mode_t
_mode(struct fixture *f, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;

	tu_path(&sb, f->root, rel);
	assert_int_equal(stat(sb.buf, &st), 0);
	strbuf_release(&sb);
	return st.st_mode;
}

static void
test_exports_content(void **state)
{
	struct fixture *f = *state;
	struct strbuf out = STRBUF_INIT;

	pihpc_exports_content(&f->conf, &out);
	assert_string_equal(out.buf,
		"/home 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)\n"
		"/nfs 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)\n");
	strbuf_reset(&out);
	_set(f, PIHPC_SUBNET, "192.168.8.0/22");
	_set(f, PIHPC_NFS_EXPORTS, "/srv/scratch(rw,async,fsid=7)");
	pihpc_exports_content(&f->conf, &out);
	assert_string_equal(out.buf, "/srv/scratch 192.168.8.0/22(rw,async,fsid=7)\n");
	strbuf_release(&out);
}

static void
test_exports_apply_and_remove(void **state)
{
	struct fixture *f = *state;
	struct strbuf sb = STRBUF_INIT;
	char err[512];
	int changed = -1;

	tu_write(f->root, "etc/exports", debian_exports);
	_mkdir(f, "home");
	assert_int_equal(pihpc_exports_apply(&f->ctx, &f->conf, &f->done,
					     &changed, err, sizeof(err)), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(f->done.nr, 2);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "created directory '%s/nfs'", f->root);
	assert_string_equal(f->done.v[0], sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "updated '%s/etc/exports'", f->root);
	assert_string_equal(f->done.v[1], sb.buf);
	assert_int_equal(_mode(f, "nfs") & 07777, 0755);
	assert_true(S_ISDIR(_mode(f, "nfs")));
	tu_read(f->root, "etc/exports", &sb);
	assert_int_equal(strncmp(sb.buf, debian_exports, strlen(debian_exports)), 0);
	assert_string_equal(sb.buf + strlen(debian_exports),
		"# BEGIN pihpc exports\n"
		"/home 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)\n"
		"/nfs 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)\n"
		"# END pihpc exports\n");

	/* again: nothing to do */
	strlist_clear(&f->done);
	assert_int_equal(pihpc_exports_apply(&f->ctx, &f->conf, &f->done,
					     &changed, err, sizeof(err)), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(f->done.nr, 0);

	/* remove: byte for byte the original */
	assert_int_equal(pihpc_exports_remove(&f->ctx, &f->done, &changed, err,
					      sizeof(err)), 0);
	assert_int_equal(changed, 1);
	tu_read(f->root, "etc/exports", &sb);
	assert_string_equal(sb.buf, debian_exports);
	strlist_clear(&f->done);
	assert_int_equal(pihpc_exports_remove(&f->ctx, &f->done, &changed, err,
					      sizeof(err)), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(f->done.nr, 0);
	strbuf_release(&sb);
}

static void
test_exports_missing_path_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct strbuf sb = STRBUF_INIT;
	char err[512];
	int changed = -1;

	tu_write(f->root, "etc/exports", debian_exports);
	_mkdir(f, "home");
	_set(f, PIHPC_NFS_EXPORTS, "/home(rw) /nfs(rw) /data(ro)");
	assert_int_equal(pihpc_exports_apply(&f->ctx, &f->conf, &f->done,
					     &changed, err, sizeof(err)), -1);
	assert_string_equal(err, "export path '/data' does not exist");
	assert_int_equal(changed, 0);
	assert_int_equal(f->done.nr, 0);
	/* /nfs was not created either */
	tu_path(&sb, f->root, "nfs");
	assert_int_equal(access(sb.buf, F_OK), -1);
	tu_read(f->root, "etc/exports", &sb);
	assert_string_equal(sb.buf, debian_exports);

	tu_write(f->root, "data", "a file\n");
	assert_int_equal(pihpc_exports_apply(&f->ctx, &f->conf, &f->done,
					     &changed, err, sizeof(err)), -1);
	assert_string_equal(err, "export path '/data' is not a directory");
	strbuf_release(&sb);
}

static void
test_exports_missing_file_is_created(void **state)
{
	struct fixture *f = *state;
	struct strbuf sb = STRBUF_INIT;
	char err[512];
	int changed = 0;

	_mkdir(f, "etc");
	_mkdir(f, "home");
	_mkdir(f, "nfs");
	assert_int_equal(pihpc_exports_apply(&f->ctx, &f->conf, &f->done,
					     &changed, err, sizeof(err)), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(f->done.nr, 1);
	assert_int_equal(_mode(f, "etc/exports") & 07777, 0644);
	tu_read(f->root, "etc/exports", &sb);
	assert_string_equal(sb.buf,
		"# BEGIN pihpc exports\n"
		"/home 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)\n"
		"/nfs 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)\n"
		"# END pihpc exports\n");
	strbuf_release(&sb);
}

static void
test_exports_reload(void **state)
{
	struct fixture *f = *state;
	struct strbuf ok = STRBUF_INIT, bad = STRBUF_INIT, args = STRBUF_INIT;
	char err[512];

	tu_path(&ok, f->root, "ok.sh");
	tu_path(&args, f->root, "args");
	{
		FILE *fp = fopen(ok.buf, "w");

		assert_non_null(fp);
		(void)fprintf(fp, "#!/bin/sh\necho \"$@\" >'%s'\n", args.buf);
		assert_int_equal(fclose(fp), 0);
	}
	assert_int_equal(chmod(ok.buf, 0755), 0);
	tu_write(f->root, "bad.sh",
		 "#!/bin/sh\n"
		 "echo 'exportfs: Failed to stat /data: No such file or directory' >&2\n"
		 "exit 1\n");
	tu_path(&bad, f->root, "bad.sh");
	assert_int_equal(chmod(bad.buf, 0755), 0);

	assert_int_equal(pihpc_exports_reload(ok.buf, err, sizeof(err)), 0);
	tu_read(f->root, "args", &args);
	assert_string_equal(args.buf, "-ra\n");
	assert_int_equal(pihpc_exports_reload(bad.buf, err, sizeof(err)), -1);
	strbuf_reset(&args);
	strbuf_addf(&args, "cannot reload the NFS exports: '%s' failed with exit status 1: exportfs: Failed to stat /data: No such file or directory", bad.buf);
	assert_string_equal(err, args.buf);
	assert_int_equal(pihpc_exports_reload("/nonexistent/exportfs", err,
					      sizeof(err)), -1);
	assert_string_equal(err, "cannot reload the NFS exports: cannot run '/nonexistent/exportfs': No such file or directory");
	strbuf_release(&ok);
	strbuf_release(&bad);
	strbuf_release(&args);
}

static void
test_fstab_content(void **state)
{
	struct fixture *f = *state;
	struct strbuf out = STRBUF_INIT;

	pihpc_fstab_content(&f->conf, &out);
	assert_string_equal(out.buf,
		"filenode01:/home /home nfs defaults,_netdev,nofail,x-systemd.mount-timeout=30s,timeo=50,retrans=2 0 0\n"
		"filenode01:/nfs /nfs nfs defaults,_netdev,nofail,x-systemd.mount-timeout=30s,timeo=50,retrans=2 0 0\n");
	strbuf_reset(&out);
	_set(f, PIHPC_STORAGE, "");
	pihpc_fstab_content(&f->conf, &out);
	assert_string_equal(out.buf, "");
	strbuf_release(&out);
}

static void
test_fstab_apply_and_remove(void **state)
{
	struct fixture *f = *state;
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	char err[512];

	tu_write(f->root, "etc/fstab", pi_fstab);
	_mkdir(f, "home");
	assert_int_equal(pihpc_fstab_apply(&f->ctx, &f->conf, &f->done, err,
					   sizeof(err)), 0);
	assert_int_equal(f->done.nr, 2);
	strbuf_addf(&want, "created directory '%s/nfs'", f->root);
	assert_string_equal(f->done.v[0], want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "updated '%s/etc/fstab'", f->root);
	assert_string_equal(f->done.v[1], want.buf);
	assert_int_equal(_mode(f, "nfs") & 07777, 0755);
	tu_read(f->root, "etc/fstab", &sb);
	strbuf_reset(&want);
	strbuf_addf(&want, "%s\n"
		"# BEGIN pihpc fstab\n"
		"filenode01:/home /home nfs defaults,_netdev,nofail,x-systemd.mount-timeout=30s,timeo=50,retrans=2 0 0\n"
		"filenode01:/nfs /nfs nfs defaults,_netdev,nofail,x-systemd.mount-timeout=30s,timeo=50,retrans=2 0 0\n"
		"# END pihpc fstab", pi_fstab);
	assert_string_equal(sb.buf, want.buf);

	strlist_clear(&f->done);
	assert_int_equal(pihpc_fstab_apply(&f->ctx, &f->conf, &f->done, err,
					   sizeof(err)), 0);
	assert_int_equal(f->done.nr, 0);

	/* another storage node: the block is rewritten in place */
	_set(f, PIHPC_STORAGE, "nas");
	_set(f, PIHPC_NFS_EXPORTS, "/home(rw) /srv/data(ro)");
	assert_int_equal(pihpc_fstab_apply(&f->ctx, &f->conf, &f->done, err,
					   sizeof(err)), 0);
	assert_int_equal(f->done.nr, 2);
	assert_true(S_ISDIR(_mode(f, "srv/data")));
	tu_read(f->root, "etc/fstab", &sb);
	assert_non_null(strstr(sb.buf,
		"# BEGIN pihpc fstab\n"
		"nas:/home /home nfs defaults,_netdev,nofail,x-systemd.mount-timeout=30s,timeo=50,retrans=2 0 0\n"
		"nas:/srv/data /srv/data nfs defaults,_netdev,nofail,x-systemd.mount-timeout=30s,timeo=50,retrans=2 0 0\n"
		"# END pihpc fstab"));

	/* no storage node: apply takes the block out, file as before */
	strlist_clear(&f->done);
	_set(f, PIHPC_STORAGE, "");
	assert_int_equal(pihpc_fstab_apply(&f->ctx, &f->conf, &f->done, err,
					   sizeof(err)), 0);
	assert_int_equal(f->done.nr, 1);
	tu_read(f->root, "etc/fstab", &sb);
	assert_string_equal(sb.buf, pi_fstab);

	/* remove without a block: nothing */
	strlist_clear(&f->done);
	assert_int_equal(pihpc_fstab_remove(&f->ctx, &f->done, err,
					    sizeof(err)), 0);
	assert_int_equal(f->done.nr, 0);
	strbuf_release(&sb);
	strbuf_release(&want);
}

static void
test_fstab_mount_point_not_a_directory(void **state)
{
	struct fixture *f = *state;
	struct strbuf sb = STRBUF_INIT;
	char err[512];

	tu_write(f->root, "etc/fstab", pi_fstab);
	tu_write(f->root, "nfs", "oops\n");
	_mkdir(f, "home");
	assert_int_equal(pihpc_fstab_apply(&f->ctx, &f->conf, &f->done, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "mount point '/nfs' is not a directory");
	tu_read(f->root, "etc/fstab", &sb);
	assert_string_equal(sb.buf, pi_fstab);
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exports_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exports_apply_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exports_missing_path_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exports_missing_file_is_created, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exports_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fstab_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fstab_apply_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fstab_mount_point_not_a_directory, setup, teardown),
	};

	return cmocka_run_group_tests_name("nfs", tests, NULL, NULL);
}
