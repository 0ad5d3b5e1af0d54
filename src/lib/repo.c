/*
 * repo.c - the storage node's signed apt repository (reprepro, GnuPG).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aptpin.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "repo.h"
#include "run.h"

#define HEX "0123456789ABCDEF"

/* The repository's directories under the root. */
struct repo_paths {
	struct strbuf base;	/* reprepro --basedir */
	struct strbuf out;	/* reprepro --outdir, served over HTTP */
	struct strbuf gnupg;	/* GnuPG home with the signing key */
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static void
_paths(const struct pihpc_ctx *ctx, struct repo_paths *rp)
{
	strbuf_init(&rp->base, 0);
	strbuf_init(&rp->out, 0);
	strbuf_init(&rp->gnupg, 0);
	pihpc_path(ctx, PIHPC_REPO_BASEDIR, &rp->base);
	pihpc_path(ctx, PIHPC_REPO_OUTDIR, &rp->out);
	pihpc_path(ctx, PIHPC_REPO_GNUPGHOME, &rp->gnupg);
}

static void
_paths_release(struct repo_paths *rp)
{
	strbuf_release(&rp->base);
	strbuf_release(&rp->out);
	strbuf_release(&rp->gnupg);
}

/* Stop the gpg-agent that gpg or reprepro started for the GnuPG home:
 * maintainer scripts must not leave daemons behind. */
static void
_stop_agent(const struct repo_paths *rp)
{
	char *argv[] = { (char *)"gpgconf", (char *)"--homedir",
			 rp->gnupg.buf, (char *)"--kill", (char *)"gpg-agent",
			 NULL };
	struct strbuf sink = STRBUF_INIT;
	char err[256];

	(void)pihpc_run_capture(argv, NULL, 0, &sink, &sink, err, sizeof(err));
	strbuf_release(&sink);
}

/* Write [data] to DIR/NAME atomically; "updated" goes to [done]. */
static int
_write(const char *dir, const char *name, const char *data, size_t len,
       int *changed, struct strlist *done, char *err, size_t errlen)
{
	enum pihpc_write_result res = PIHPC_UNCHANGED;
	struct strbuf path = STRBUF_INIT;
	int rc;

	pihpc_path_join(dir, name, &path);
	rc = pihpc_write_atomic(path.buf, data, len, 0644, &res, err, errlen);
	if (rc == 0 && res == PIHPC_WRITTEN) {
		strlist_pushf(done, _("updated '%s'"), path.buf);
		if (changed)
			*changed = 1;
	}
	strbuf_release(&path);
	return rc;
}

/* gpg --batch --homedir HOME ARGS...; [out] gets its standard output. */
static int
_gpg(const struct repo_paths *rp, const char *const *args,
     struct strbuf *out, char *err, size_t errlen)
{
	const char *argv[16] = { "gpg", "--batch", "--no-tty", "--homedir",
				 rp->gnupg.buf };
	struct strbuf errout = STRBUF_INIT;
	size_t i = 5;
	mode_t mask;
	int rc;

	while (*args && i < sizeof(argv) / sizeof(argv[0]) - 1)
		argv[i++] = *args++;
	argv[i] = NULL;
	/* gpg creates pubring.kbx with the umask's mode: keep the whole
	 * home private, not only the secret keys */
	mask = umask(077);
	rc = pihpc_run_capture((char *const *)argv, NULL, 0, out, &errout,
			       err, errlen);
	(void)umask(mask);
	strbuf_release(&errout);
	return rc;
}

/* reprepro --basedir .. --outdir .. --gnupghome .. ARGS... */
static int
_reprepro(const struct repo_paths *rp, const char *const *args,
	  size_t nargs, struct strbuf *out, struct strbuf *errout,
	  char *err, size_t errlen)
{
	const char **argv = xmalloc((nargs + 10) * sizeof(*argv));
	size_t i = 0;
	int rc;

	argv[i++] = "reprepro";
	argv[i++] = "--basedir";
	argv[i++] = rp->base.buf;
	argv[i++] = "--outdir";
	argv[i++] = rp->out.buf;
	argv[i++] = "--gnupghome";
	argv[i++] = rp->gnupg.buf;
	while (nargs--)
		argv[i++] = *args++;
	argv[i] = NULL;
	rc = pihpc_run_capture((char *const *)argv, NULL, 0, out, errout,
			       err, errlen);
	free(argv);
	return rc;
}

static int
_fingerprint(const struct repo_paths *rp, struct strbuf *fpr, char *err,
	     size_t errlen)
{
	static const char *const args[] = {
		"--with-colons", "--list-secret-keys", NULL
	};
	struct strbuf out = STRBUF_INIT;
	const char *p;
	int in_sec = 0, rc = 0;

	strbuf_reset(fpr);
	if (_gpg(rp, args, &out, err, errlen) < 0) {
		strbuf_release(&out);
		return -1;
	}
	/* "sec:u:3072:1:KEYID:..." then "fpr:::::::::FINGERPRINT:" */
	for (p = out.buf; *p && !rc; ) {
		size_t n = strcspn(p, "\n");

		if (!strncmp(p, "sec:", 4)) {
			in_sec = 1;
		} else if (in_sec && !strncmp(p, "fpr:", 4)) {
			const char *f = p, *e = p + n;
			size_t hex;
			int col;

			/* field 10 holds the fingerprint */
			for (col = 0; col < 9 && f < e; col++) {
				const char *c = memchr(f, ':', (size_t)(e - f));

				f = c ? c + 1 : e;
			}
			hex = strspn(f, HEX);
			if (hex >= 32 && f + hex < e && f[hex] == ':') {
				strbuf_add(fpr, f, hex);
				rc = 1;
			}
		} else if (strncmp(p, "grp:", 4) && strncmp(p, "uid:", 4)) {
			in_sec = 0;
		}
		p += n;
		if (*p)
			p++;
	}
	strbuf_release(&out);
	return rc;
}

static int
_initialised(const struct repo_paths *rp, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int rc = 0;

	pihpc_path_join(rp->base.buf, "conf/distributions", &sb);
	if (stat(sb.buf, &st) < 0)
		rc = pihpc_err(err, errlen,
			       _("repository '%s' is not initialised (run 'pihpc repo init' first)"),
			       rp->base.buf);
	strbuf_release(&sb);
	return rc;
}

/* Value of field [name] in "Name: value" lines of [text] into [val]. */
static int
_field(const char *text, const char *name, struct strbuf *val)
{
	size_t nl = strlen(name);
	const char *p = text;

	strbuf_reset(val);
	while (*p) {
		size_t n = strcspn(p, "\n");

		if (n > nl && !strncmp(p, name, nl) && p[nl] == ':') {
			strbuf_add(val, p + nl + 1, n - nl - 1);
			strbuf_trim(val);
			return val->len ? 0 : -1;
		}
		p += n;
		if (*p)
			p++;
	}
	return -1;
}

/* Publish www/pihpc.pref for what the repository now holds. */
static int
_publish_pin(const struct pihpc_ctx *ctx, const struct repo_paths *rp,
	     struct strlist *done, char *err, size_t errlen)
{
	struct strlist lines = STRLIST_INIT, names = STRLIST_INIT;
	struct strbuf pref = STRBUF_INIT;
	size_t i;
	int rc;

	rc = pihpc_repo_list(ctx, &lines, err, errlen);
	for (i = 0; rc == 0 && i < lines.nr; i++) {
		char *name = xstrndup(lines.v[i], strcspn(lines.v[i], " "));

		strlist_push(&names, name);
		free(name);
	}
	if (rc == 0) {
		pihpc_aptpin_render(&names, &pref);
		rc = _write(rp->out.buf, PIHPC_APTPIN_FILE, pref.buf, pref.len,
			    NULL, done, err, errlen);
	}
	strlist_clear(&lines);
	strlist_clear(&names);
	strbuf_release(&pref);
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_repo_fingerprint(const struct pihpc_ctx *ctx, struct strbuf *fpr,
		       char *err, size_t errlen)
{
	struct repo_paths rp;
	struct stat st;
	int rc = 0;

	_paths(ctx, &rp);
	strbuf_reset(fpr);
	if (stat(rp.gnupg.buf, &st) == 0) {
		rc = _fingerprint(&rp, fpr, err, errlen);
		_stop_agent(&rp);
	} else if (errno != ENOENT) {
		rc = pihpc_err_errno(err, errlen, _("cannot stat '%s'"),
				     rp.gnupg.buf);
	}
	_paths_release(&rp);
	return rc;
}

int
pihpc_repo_init(const struct pihpc_ctx *ctx, const char *storage,
		struct strlist *done, char *err, size_t errlen)
{
	struct strbuf fpr = STRBUF_INIT, sb = STRBUF_INIT, key = STRBUF_INIT,
		      path = STRBUF_INIT;
	struct repo_paths rp;
	struct stat st;
	int rc = -1, changed = 0, found;

	_paths(ctx, &rp);
	if (pihpc_dir_ensure(rp.gnupg.buf, 0700, (uid_t)-1, (gid_t)-1, done,
			     err, errlen) < 0)
		goto out;
	found = _fingerprint(&rp, &fpr, err, errlen);
	if (found < 0)
		goto out;
	if (!found) {
		strbuf_addf(&sb, "pihpc cluster repository <root@%s>", storage);
		{
			const char *const args[] = {
				"--passphrase", "", "--pinentry-mode",
				"loopback", "--quick-generate-key", sb.buf,
				"rsa3072", "sign", "never", NULL
			};
			struct strbuf sink = STRBUF_INIT;

			rc = _gpg(&rp, args, &sink, err, errlen);
			strbuf_release(&sink);
			if (rc < 0)
				goto out;
			rc = -1;
		}
		found = _fingerprint(&rp, &fpr, err, errlen);
		if (found == 0)
			(void)pihpc_err(err, errlen,
					_("no signing key in '%s' after creating one"),
					rp.gnupg.buf);
		if (found != 1)
			goto out;
		strlist_pushf(done, _("created signing key %s"), fpr.buf);
	}

	/* reprepro's configuration */
	pihpc_path_join(rp.base.buf, "conf", &path);
	if (pihpc_dir_ensure(path.buf, 0755, (uid_t)-1, (gid_t)-1, done, err,
			     errlen) < 0 ||
	    pihpc_dir_ensure(rp.out.buf, 0755, (uid_t)-1, (gid_t)-1, done,
			     err, errlen) < 0)
		goto out;
	strbuf_reset(&sb);
	strbuf_addf(&sb,
		    "Origin: pihpc\n"
		    "Label: pihpc\n"
		    "Codename: %s\n"
		    "Architectures: %s\n"
		    "Components: main\n"
		    "Description: pihpc cluster packages\n"
		    "SignWith: %s\n",
		    PIHPC_REPO_CODENAME, PIHPC_REPO_ARCHS, fpr.buf);
	if (_write(path.buf, "distributions", sb.buf, sb.len, &changed, done,
		   err, errlen) < 0)
		goto out;
	/* the same directories for reprepro run by hand (-b BASEDIR),
	 * relative so that the tree can move */
	strbuf_reset(&sb);
	strbuf_addstr(&sb,
		      "# Written by 'pihpc repo init'; see pihpc-repo(8).\n"
		      "outdir +b/../www\n"
		      "gnupghome +b/../../../var/lib/pihpc/gnupg\n");
	if (_write(path.buf, "options", sb.buf, sb.len, &changed, done, err,
		   errlen) < 0)
		goto out;

	/* the signed (maybe empty) indexes */
	pihpc_path_join(rp.out.buf, "dists/" PIHPC_REPO_CODENAME "/InRelease",
			&path);
	if (changed || stat(path.buf, &st) < 0) {
		static const char *const args[] = {
			"export", PIHPC_REPO_CODENAME
		};
		struct strbuf sink = STRBUF_INIT, errout = STRBUF_INIT;

		rc = _reprepro(&rp, args, 2, &sink, &errout, err, errlen);
		strbuf_release(&sink);
		strbuf_release(&errout);
		if (rc < 0)
			goto out;
		rc = -1;
		pihpc_path_join(rp.out.buf, "dists/" PIHPC_REPO_CODENAME, &path);
		strlist_pushf(done, _("exported '%s'"), path.buf);
	}

	/* what the nodes fetch: public key and sources */
	{
		const char *const args[] = { "--export", fpr.buf, NULL };

		if (_gpg(&rp, args, &key, err, errlen) < 0)
			goto out;
	}
	if (!key.len) {
		(void)pihpc_err(err, errlen, _("cannot export the public key %s"),
				fpr.buf);
		goto out;
	}
	if (_write(rp.out.buf, "pihpc.gpg", key.buf, key.len, NULL, done, err,
		   errlen) < 0)
		goto out;
	strbuf_reset(&sb);
	strbuf_addf(&sb,
		    "Types: deb\n"
		    "URIs: http://%s/\n"
		    "Suites: %s\n"
		    "Components: main\n"
		    "Signed-By: %s\n",
		    storage, PIHPC_REPO_CODENAME, PIHPC_REPO_KEYRING);
	if (_write(rp.out.buf, "pihpc.sources", sb.buf, sb.len, NULL, done,
		   err, errlen) < 0 ||
	    _publish_pin(ctx, &rp, done, err, errlen) < 0)
		goto out;
	rc = 0;
out:
	_stop_agent(&rp);
	_paths_release(&rp);
	strbuf_release(&fpr);
	strbuf_release(&sb);
	strbuf_release(&key);
	strbuf_release(&path);
	return rc;
}

int
pihpc_deb_fields(const char *file, struct strbuf *name,
		 struct strbuf *version, struct strbuf *arch,
		 char *err, size_t errlen)
{
	char *argv[] = { (char *)"dpkg-deb", (char *)"--field", (char *)file,
			 (char *)"Package", (char *)"Version",
			 (char *)"Architecture", NULL };
	struct strbuf out = STRBUF_INIT, errout = STRBUF_INIT;
	struct stat st;
	char why[512] = "", cannot[128];
	int rc = -1;

	/* run.c's message when dpkg-deb cannot be started, in the language
	 * it was made in */
	(void)snprintf(cannot, sizeof(cannot), _("cannot run '%s'"), argv[0]);
	if (stat(file, &st) < 0)
		return pihpc_err_errno(err, errlen, _("cannot read '%s'"), file);
	if (S_ISREG(st.st_mode) &&
	    pihpc_run_capture(argv, NULL, 0, &out, &errout, why,
			      sizeof(why)) == 0 &&
	    _field(out.buf, "Package", name) == 0 &&
	    _field(out.buf, "Version", version) == 0 &&
	    _field(out.buf, "Architecture", arch) == 0)
		rc = 0;
	else if (!strncmp(why, cannot, strlen(cannot)))
		(void)pihpc_err(err, errlen, "%s", why);
	else
		(void)pihpc_err(err, errlen, _("'%s' is not a Debian package"),
				file);
	strbuf_release(&out);
	strbuf_release(&errout);
	return rc;
}

int
pihpc_repo_add(const struct pihpc_ctx *ctx, char *const *files, size_t n,
	       struct strlist *done, char *err, size_t errlen)
{
	struct strlist names = STRLIST_INIT, versions = STRLIST_INIT,
		       archs = STRLIST_INIT;
	struct strbuf name = STRBUF_INIT, version = STRBUF_INIT,
		      arch = STRBUF_INIT, out = STRBUF_INIT,
		      errout = STRBUF_INIT, skip = STRBUF_INIT;
	const char **args = xmalloc((n + 2) * sizeof(*args));
	struct repo_paths rp;
	size_t i;
	int rc = -1;

	_paths(ctx, &rp);
	if (_initialised(&rp, err, errlen) < 0)
		goto out;
	args[0] = "includedeb";
	args[1] = PIHPC_REPO_CODENAME;
	for (i = 0; i < n; i++) {
		char *a;

		if (pihpc_deb_fields(files[i], &name, &version, &arch, err,
				     errlen) < 0)
			goto out;
		strbuf_reset(&skip);
		strbuf_addf(&skip, " %s all ", PIHPC_REPO_ARCHS);
		strbuf_reset(&out);
		strbuf_addf(&out, " %s ", arch.buf);
		a = strstr(skip.buf, out.buf);
		if (!a) {
			(void)pihpc_err(err, errlen,
					_("'%s': architecture '%s' is not one of %s all"),
					files[i], arch.buf, PIHPC_REPO_ARCHS);
			goto out;
		}
		strlist_push(&names, name.buf);
		strlist_push(&versions, version.buf);
		strlist_push(&archs, arch.buf);
		args[i + 2] = files[i];
	}
	strbuf_reset(&out);
	if (_reprepro(&rp, args, n + 2, &out, &errout, err, errlen) < 0)
		goto out;
	/* reprepro only warns when it skips a version that is not newer */
	rc = 0;
	for (i = 0; i < n; i++) {
		const char *s;

		strbuf_reset(&skip);
		strbuf_addf(&skip, "Skipping inclusion of '%s' '%s' ",
			    names.v[i], versions.v[i]);
		s = strstr(errout.buf, skip.buf);
		if (s && rc == 0) {
			rc = pihpc_err(err, errlen, _("cannot add '%s': %.*s"),
				       files[i], (int)strcspn(s, "\n"), s);
		} else if (!s) {
			strlist_pushf(done, _("added %s %s %s"), names.v[i],
				      versions.v[i], archs.v[i]);
		}
	}
	/* what was added stays added even if this fails */
	if (_publish_pin(ctx, &rp, done, err, errlen) < 0)
		rc = -1;
out:
	_stop_agent(&rp);
	_paths_release(&rp);
	free(args);
	strlist_clear(&names);
	strlist_clear(&versions);
	strlist_clear(&archs);
	strbuf_release(&name);
	strbuf_release(&version);
	strbuf_release(&arch);
	strbuf_release(&out);
	strbuf_release(&errout);
	strbuf_release(&skip);
	return rc;
}

int
pihpc_repo_list(const struct pihpc_ctx *ctx, struct strlist *out,
		char *err, size_t errlen)
{
	static const char *const args[] = {
		"--list-format", "${package} ${version} ${architecture}\\n",
		"list", PIHPC_REPO_CODENAME
	};
	struct strbuf text = STRBUF_INIT, errout = STRBUF_INIT,
		      line = STRBUF_INIT;
	struct repo_paths rp;
	const char *p;
	int rc = -1;

	_paths(ctx, &rp);
	if (_initialised(&rp, err, errlen) < 0 ||
	    _reprepro(&rp, args, 4, &text, &errout, err, errlen) < 0)
		goto out;
	/* an "all" package is listed once per architecture */
	for (p = text.buf; *p; ) {
		size_t n = strcspn(p, "\n");

		strbuf_reset(&line);
		strbuf_add(&line, p, n);
		if (line.len && !strlist_has(out, line.buf))
			strlist_push(out, line.buf);
		p += n;
		if (*p)
			p++;
	}
	rc = 0;
out:
	_paths_release(&rp);
	strbuf_release(&text);
	strbuf_release(&errout);
	strbuf_release(&line);
	return rc;
}
