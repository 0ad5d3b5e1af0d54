/*
 * repo_test.c - the signed apt repository, with the real gpg, reprepro,
 * dpkg-deb and gpgv in a scratch root; without them the suite fails.
 */
#include "testutil.h"

struct fixture {
	char *root;
	struct pihpc_ctx ctx;
	struct strlist done;
};

static int
setup(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	f->root = tu_mkdtemp();
	f->ctx.root = f->root;
	memset(&f->done, 0, sizeof(f->done));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tu_rmrf(f->root);
	strlist_clear(&f->done);
	free(f);
	return 0;
}

/* Run the shell command [fmt]; its exit status. */
__attribute__((format(printf, 1, 2)))
static int
_sh(const char *fmt, ...)
{
	struct strbuf cmd = STRBUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	strbuf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	rc = system(cmd.buf);
	strbuf_release(&cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Build ROOT/NAME_VERSION_ARCH.deb with dpkg-deb; its path in [deb]. */
static void
_deb(struct fixture *f, const char *name, const char *version,
     const char *arch, struct strbuf *deb)
{
	struct strbuf control = STRBUF_INIT, dir = STRBUF_INIT;

	strbuf_addf(&control, "pkg/%s/DEBIAN/control", name);
	strbuf_addf(&dir, "%s/pkg/%s", f->root, name);
	{
		struct strbuf text = STRBUF_INIT;

		strbuf_addf(&text,
			    "Package: %s\nVersion: %s\nArchitecture: %s\n"
			    "Section: admin\nPriority: optional\n"
			    "Maintainer: pihpc tests <root@localhost>\n"
			    "Description: pihpc test package\n",
			    name, version, arch);
		tu_write(f->root, control.buf, text.buf);
		strbuf_release(&text);
	}
	strbuf_reset(deb);
	strbuf_addf(deb, "%s/%s_%s_%s.deb", f->root, name, version, arch);
	assert_int_equal(_sh("dpkg-deb -Zgzip --root-owner-group --build '%s' '%s' >/dev/null",
			     dir.buf, deb->buf), 0);
	strbuf_release(&control);
	strbuf_release(&dir);
}

static void
_init(struct fixture *f)
{
	char err[1024];

	if (pihpc_repo_init(&f->ctx, "filenode01", &f->done, err,
			    sizeof(err)) < 0)
		fail_msg("%s", err);
}

static mode_t
_mode(struct fixture *f, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;

	tu_path(&sb, f->root, rel);
	if (stat(sb.buf, &st) < 0)
		fail_msg("cannot stat '%s'", sb.buf);
	strbuf_release(&sb);
	return st.st_mode & 07777;
}

static void
test_init(void **state)
{
	struct fixture *f = *state;
	struct strbuf sb = STRBUF_INIT, fpr = STRBUF_INIT, want = STRBUF_INIT;
	char err[1024];
	size_t i;

	/* no key yet */
	assert_int_equal(pihpc_repo_fingerprint(&f->ctx, &fpr, err, sizeof(err)), 0);
	_init(f);
	assert_int_equal(pihpc_repo_fingerprint(&f->ctx, &fpr, err, sizeof(err)), 1);
	assert_int_equal(fpr.len, 40);
	/* what was done, in order */
	strbuf_addf(&want, "created directory '%s/var/lib/pihpc/gnupg'", f->root);
	assert_string_equal(f->done.v[0], want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "created signing key %s", fpr.buf);
	assert_string_equal(f->done.v[1], want.buf);
	strbuf_reset(&sb);
	for (i = 2; i < f->done.nr; i++) {
		const char *r = strstr(f->done.v[i], f->root);

		assert_non_null(r);
		strbuf_addf(&sb, "%.*sROOT%s\n", (int)(r - f->done.v[i]),
			    f->done.v[i], r + strlen(f->root));
	}
	assert_string_equal(sb.buf,
		"created directory 'ROOT/srv/pihpc/repo/conf'\n"
		"created directory 'ROOT/srv/pihpc/www'\n"
		"updated 'ROOT/srv/pihpc/repo/conf/distributions'\n"
		"updated 'ROOT/srv/pihpc/repo/conf/options'\n"
		"exported 'ROOT/srv/pihpc/www/dists/pihpc'\n"
		"updated 'ROOT/srv/pihpc/www/pihpc.gpg'\n"
		"updated 'ROOT/srv/pihpc/www/pihpc.sources'\n"
		"updated 'ROOT/srv/pihpc/www/pihpc.pref'\n");
	/* no Slurm in the repository: the preferences pin nothing */
	tu_read(f->root, "srv/pihpc/www/pihpc.pref", &sb);
	assert_non_null(strstr(sb.buf, "holds no Slurm"));
	assert_int_equal(_mode(f, "srv/pihpc/www/pihpc.pref"), 0644);

	tu_read(f->root, "srv/pihpc/repo/conf/distributions", &sb);
	strbuf_reset(&want);
	strbuf_addf(&want,
		    "Origin: pihpc\n"
		    "Label: pihpc\n"
		    "Codename: pihpc\n"
		    "Architectures: amd64 arm64 armhf\n"
		    "Components: main\n"
		    "Description: pihpc cluster packages\n"
		    "SignWith: %s\n", fpr.buf);
	assert_string_equal(sb.buf, want.buf);
	tu_read(f->root, "srv/pihpc/www/pihpc.sources", &sb);
	assert_string_equal(sb.buf,
		"Types: deb\n"
		"URIs: http://filenode01/\n"
		"Suites: pihpc\n"
		"Components: main\n"
		"Signed-By: /etc/apt/keyrings/pihpc.gpg\n");

	/* modes: the secret stays in a 0700 home, the public key 0644 */
	assert_int_equal(_mode(f, "var/lib/pihpc/gnupg"), 0700);
	assert_int_equal(_mode(f, "var/lib/pihpc/gnupg/private-keys-v1.d"), 0700);
	assert_int_equal(_sh("find '%s/var/lib/pihpc/gnupg/private-keys-v1.d' -type f ! -perm 0600 | grep -q .",
			     f->root), 1);
	assert_int_equal(_sh("find '%s' -path '*/gnupg' -prune -o -type f -perm /077 -name '*.key' -print | grep -q .",
			     f->root), 1);
	assert_int_equal(_mode(f, "srv/pihpc/www/pihpc.gpg"), 0644);
	assert_int_equal(_mode(f, "srv/pihpc/www/pihpc.sources"), 0644);
	/* the secret key is not in the served tree */
	assert_int_equal(_sh("grep -rqa 'PRIVATE KEY' '%s/srv'", f->root), 1);

	/* the empty repository is signed with the published key */
	assert_int_equal(_sh("cd '%s/srv/pihpc/www' && gpgv --keyring ./pihpc.gpg dists/pihpc/InRelease 2>/dev/null",
			     f->root), 0);
	assert_int_equal(_sh("test -f '%s/srv/pihpc/www/dists/pihpc/main/binary-arm64/Packages'",
			     f->root), 0);
	/* conf/ and db/ are not under the served tree */
	assert_int_equal(_sh("test -e '%s/srv/pihpc/www/conf' || test -e '%s/srv/pihpc/www/db'",
			     f->root, f->root), 1);

	/* again: nothing to do, same key */
	strlist_clear(&f->done);
	_init(f);
	assert_int_equal(f->done.nr, 0);
	assert_int_equal(pihpc_repo_fingerprint(&f->ctx, &sb, err, sizeof(err)), 1);
	assert_string_equal(sb.buf, fpr.buf);

	/* a too open GnuPG home is closed again */
	tu_path(&sb, f->root, "var/lib/pihpc/gnupg");
	assert_int_equal(chmod(sb.buf, 0755), 0);
	_init(f);
	assert_int_equal(f->done.nr, 1);
	assert_int_equal(_mode(f, "var/lib/pihpc/gnupg"), 0700);
	strbuf_release(&sb);
	strbuf_release(&fpr);
	strbuf_release(&want);
}

static void
test_not_initialised(void **state)
{
	struct fixture *f = *state;
	struct strbuf want = STRBUF_INIT, deb = STRBUF_INIT;
	char *files[1];
	char err[1024];

	_deb(f, "hello", "1.0", "all", &deb);
	files[0] = deb.buf;
	assert_int_equal(pihpc_repo_add(&f->ctx, files, 1, &f->done, err,
					sizeof(err)), -1);
	strbuf_addf(&want, "repository '%s/srv/pihpc/repo' is not initialised (run 'pihpc repo init' first)",
		    f->root);
	assert_string_equal(err, want.buf);
	assert_int_equal(pihpc_repo_list(&f->ctx, &f->done, err, sizeof(err)), -1);
	assert_string_equal(err, want.buf);
	assert_int_equal(f->done.nr, 0);
	strbuf_release(&want);
	strbuf_release(&deb);
}

static void
test_deb_fields(void **state)
{
	struct fixture *f = *state;
	struct strbuf deb = STRBUF_INIT, n = STRBUF_INIT, v = STRBUF_INIT,
		      a = STRBUF_INIT, want = STRBUF_INIT;
	char err[1024];

	_deb(f, "pihpc-common", "0.2.0~rc1+b1", "arm64", &deb);
	assert_int_equal(pihpc_deb_fields(deb.buf, &n, &v, &a, err, sizeof(err)), 0);
	assert_string_equal(n.buf, "pihpc-common");
	assert_string_equal(v.buf, "0.2.0~rc1+b1");
	assert_string_equal(a.buf, "arm64");
	tu_write(f->root, "x.txt", "not a package\n");
	tu_path(&deb, f->root, "x.txt");
	assert_int_equal(pihpc_deb_fields(deb.buf, &n, &v, &a, err, sizeof(err)), -1);
	strbuf_addf(&want, "'%s' is not a Debian package", deb.buf);
	assert_string_equal(err, want.buf);
	assert_int_equal(pihpc_deb_fields(f->root, &n, &v, &a, err, sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "'%s' is not a Debian package", f->root);
	assert_string_equal(err, want.buf);
	assert_int_equal(pihpc_deb_fields("/nonexistent.deb", &n, &v, &a, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read '/nonexistent.deb': No such file or directory");
	strbuf_release(&deb);
	strbuf_release(&n);
	strbuf_release(&v);
	strbuf_release(&a);
	strbuf_release(&want);
}

static void
test_add_and_list(void **state)
{
	struct fixture *f = *state;
	struct strbuf hello = STRBUF_INIT, tool = STRBUF_INIT,
		      old = STRBUF_INIT, i386 = STRBUF_INIT, bad = STRBUF_INIT,
		      want = STRBUF_INIT, sb = STRBUF_INIT;
	char *files[3];
	char err[1024];

	_init(f);
	strlist_clear(&f->done);
	_deb(f, "hello", "1.0", "all", &hello);
	_deb(f, "tool", "2.1-1", "arm64", &tool);
	tu_write(f->root, "x.txt", "not a package\n");
	tu_path(&bad, f->root, "x.txt");

	/* one bad file: nothing added */
	files[0] = hello.buf;
	files[1] = bad.buf;
	assert_int_equal(pihpc_repo_add(&f->ctx, files, 2, &f->done, err,
					sizeof(err)), -1);
	strbuf_addf(&want, "'%s' is not a Debian package", bad.buf);
	assert_string_equal(err, want.buf);
	assert_int_equal(f->done.nr, 0);
	assert_int_equal(pihpc_repo_list(&f->ctx, &f->done, err, sizeof(err)), 0);
	assert_int_equal(f->done.nr, 0);

	/* an architecture the repository does not carry */
	_deb(f, "old32", "1", "i386", &i386);
	files[0] = i386.buf;
	assert_int_equal(pihpc_repo_add(&f->ctx, files, 1, &f->done, err,
					sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "'%s': architecture 'i386' is not one of amd64 arm64 armhf all",
		    i386.buf);
	assert_string_equal(err, want.buf);

	files[0] = hello.buf;
	files[1] = tool.buf;
	if (pihpc_repo_add(&f->ctx, files, 2, &f->done, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(f->done.nr, 2);
	assert_string_equal(f->done.v[0], "added hello 1.0 all");
	assert_string_equal(f->done.v[1], "added tool 2.1-1 arm64");

	strlist_clear(&f->done);
	assert_int_equal(pihpc_repo_list(&f->ctx, &f->done, err, sizeof(err)), 0);
	assert_int_equal(f->done.nr, 2);
	assert_string_equal(f->done.v[0], "hello 1.0 all");
	assert_string_equal(f->done.v[1], "tool 2.1-1 arm64");

	/* signed indexes list the packages */
	assert_int_equal(_sh("cd '%s/srv/pihpc/www' && gpgv --keyring ./pihpc.gpg dists/pihpc/InRelease 2>/dev/null",
			     f->root), 0);
	tu_read(f->root, "srv/pihpc/www/dists/pihpc/main/binary-arm64/Packages", &sb);
	assert_non_null(strstr(sb.buf, "Package: hello\n"));
	assert_non_null(strstr(sb.buf, "Package: tool\nVersion: 2.1-1\nArchitecture: arm64\n"));
	assert_non_null(strstr(sb.buf, "Filename: pool/main/h/hello/hello_1.0_all.deb\n"));
	tu_read(f->root, "srv/pihpc/www/dists/pihpc/main/binary-armhf/Packages", &sb);
	assert_non_null(strstr(sb.buf, "Package: hello\n"));
	assert_null(strstr(sb.buf, "Package: tool\n"));
	assert_int_equal(_sh("test -f '%s/srv/pihpc/www/pool/main/t/tool/tool_2.1-1_arm64.deb'",
			     f->root), 0);

	/* an older and an equal version are refused with reprepro's word */
	_deb(f, "hello", "0.9", "all", &old);
	files[0] = old.buf;
	strlist_clear(&f->done);
	assert_int_equal(pihpc_repo_add(&f->ctx, files, 1, &f->done, err,
					sizeof(err)), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot add '%s': Skipping inclusion of 'hello' '0.9' in 'pihpc|main|amd64', as it has already '1.0'.",
		    old.buf);
	assert_string_equal(err, want.buf);
	assert_int_equal(f->done.nr, 0);
	files[0] = hello.buf;
	assert_int_equal(pihpc_repo_add(&f->ctx, files, 1, &f->done, err,
					sizeof(err)), -1);
	assert_non_null(strstr(err, "Skipping inclusion of 'hello' '1.0'"));

	/* a newer one replaces it */
	_deb(f, "hello", "1.1", "all", &old);
	files[0] = old.buf;
	if (pihpc_repo_add(&f->ctx, files, 1, &f->done, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(f->done.v[0], "added hello 1.1 all");
	strlist_clear(&f->done);
	assert_int_equal(pihpc_repo_list(&f->ctx, &f->done, err, sizeof(err)), 0);
	assert_int_equal(f->done.nr, 2);
	assert_string_equal(f->done.v[0], "hello 1.1 all");

	/* SchedMD's slurmd: the published preferences follow */
	_deb(f, "slurm-smd-slurmd", "24.11.5-1+pihpc1", "amd64", &old);
	files[0] = old.buf;
	strlist_clear(&f->done);
	if (pihpc_repo_add(&f->ctx, files, 1, &f->done, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(f->done.nr, 2);
	strbuf_reset(&want);
	strbuf_addf(&want, "updated '%s/srv/pihpc/www/pihpc.pref'", f->root);
	assert_string_equal(f->done.v[1], want.buf);
	tu_read(f->root, "srv/pihpc/www/pihpc.pref", &sb);
	assert_non_null(strstr(sb.buf, "Package: src:slurm-smd\n"));

	strbuf_release(&hello);
	strbuf_release(&tool);
	strbuf_release(&old);
	strbuf_release(&i386);
	strbuf_release(&bad);
	strbuf_release(&want);
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_initialised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deb_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_and_list, setup, teardown),
	};

	if (_sh("{ command -v gpg && command -v gpgv && command -v gpgconf && command -v reprepro && command -v dpkg-deb; } >/dev/null") != 0) {
		(void)fprintf(stderr, "repo_test: gpg, gpgv, gpgconf, reprepro or dpkg-deb missing (tests/deps.sh --install)\n");
		return 1;
	}
	return cmocka_run_group_tests_name("repo", tests, NULL, NULL);
}
