/*
 * mungekey.c - one MUNGE key for the whole cluster.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "file.h"
#include "i18n.h"
#include "mungekey.h"
#include "sha256.h"
#include "user.h"

/* A key in memory: wiped and freed by _key_free(). */
struct key {
	unsigned char *buf;	/* PIHPC_MUNGE_KEY_MAX + 1 bytes */
	size_t len;
	struct stat st;		/* of the file it was read from */
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static void
_key_init(struct key *k)
{
	k->buf = xmalloc(PIHPC_MUNGE_KEY_MAX + 1);
	k->len = 0;
}

static void
_key_free(struct key *k)
{
	explicit_bzero(k->buf, PIHPC_MUNGE_KEY_MAX + 1);
	free(k->buf);
	k->buf = NULL;
	k->len = 0;
}

/*
 * Read the key file [path] into [k].  -1 with errno kept (ENOENT for a
 * missing file, EFBIG for one too large) and "cannot read 'PATH': reason"
 * in [err].  /nfs is shared: a link there is refused, not followed (its
 * target would become the key), and a FIFO, refused, cannot block.
 */
static int
_key_read(const char *path, struct key *k, char *err, size_t errlen)
{
	int fd = pihpc_open_regular(path, &k->st, err, errlen);

	k->len = 0;
	if (fd < 0) {
		/* keep "refusing 'PATH': a symbolic link" and the like */
		if (errno == ELOOP || errno == EISDIR || errno == EINVAL)
			return -1;
		return pihpc_err_errno(err, errlen, _("cannot read '%s'"), path);
	}
	while (k->st.st_size <= PIHPC_MUNGE_KEY_MAX &&
	       k->len <= PIHPC_MUNGE_KEY_MAX) {
		ssize_t n = read(fd, k->buf + k->len,
				 PIHPC_MUNGE_KEY_MAX + 1 - k->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			(void)pihpc_err_errno(err, errlen, _("cannot read '%s'"),
					      path);
			(void)close(fd);
			return -1;
		}
		if (n == 0)
			break;
		k->len += (size_t)n;
	}
	(void)close(fd);
	if (k->st.st_size > PIHPC_MUNGE_KEY_MAX ||
	    k->len > PIHPC_MUNGE_KEY_MAX) {
		errno = EFBIG;
		return pihpc_err(err, errlen,
				 _("'%s' is too large for a munge key (more than %d bytes)"),
				 path, PIHPC_MUNGE_KEY_MAX);
	}
	return 0;
}

/* The ids of user and group "munge". */
static int
_munge_ids(const struct pihpc_ctx *ctx, uid_t *uid, gid_t *gid, char *err,
	   size_t errlen)
{
	int found = pihpc_user_lookup(ctx, "munge", uid, gid, err, errlen);

	if (found < 0)
		return -1;
	if (!found)
		return pihpc_err(err, errlen,
				 _("user 'munge' does not exist (is the munge package installed?)"));
	found = pihpc_group_lookup(ctx, "munge", gid, err, errlen);
	if (found < 0)
		return -1;
	if (!found)
		return pihpc_err(err, errlen,
				 _("group 'munge' does not exist (is the munge package installed?)"));
	return 0;
}

/* Write [k] to [path] with [mode] and owner [uid]:[gid]. */
static int
_key_write(const char *path, const struct key *k, mode_t mode, uid_t uid,
	   gid_t gid, struct strlist *done, char *err, size_t errlen)
{
	struct pihpc_file_mode fm = { mode, uid, gid, 1 };
	enum pihpc_write_result res;

	if (pihpc_write_atomic_mode(path, k->buf, k->len, &fm, &res, err,
				    errlen) < 0)
		return -1;
	if (res == PIHPC_WRITTEN)
		strlist_pushf(done, _("updated '%s'"), path);
	return 0;
}

/*
 * Before the first replacement of the host's key [k], keep a copy with
 * its mode and owner, so that purging pihpc leaves the host as it was.
 * Later replacements keep the first copy.
 */
static int
_keep_original(const struct pihpc_ctx *ctx, const struct key *k, char *err,
	       size_t errlen)
{
	struct strbuf orig = STRBUF_INIT;
	struct pihpc_file_mode fm = { 0, 0, 0, 1 };
	struct stat st;
	int rc = -1;

	pihpc_path(ctx, PIHPC_MUNGE_KEY_ORIG, &orig);
	if (lstat(orig.buf, &st) == 0) {
		rc = 0;
		goto out;
	}
	if (errno != ENOENT) {
		(void)pihpc_err_errno(err, errlen, _("cannot stat '%s'"), orig.buf);
		goto out;
	}
	fm.mode = k->st.st_mode & 07777;
	fm.uid = k->st.st_uid;
	fm.gid = k->st.st_gid;
	if (pihpc_make_parents(orig.buf, 0755, err, errlen) < 0 ||
	    pihpc_write_atomic_mode(orig.buf, k->buf, k->len, &fm, NULL, err,
				    errlen) < 0)
		goto out;
	rc = 0;
out:
	strbuf_release(&orig);
	return rc;
}

/* _keep_original() for the key file at [path], if there is one. */
static int
_keep_host_key(const struct pihpc_ctx *ctx, const char *path, char *err,
	       size_t errlen)
{
	struct key k;
	int rc = 0;

	_key_init(&k);
	if (_key_read(path, &k, err, errlen) == 0)
		rc = _keep_original(ctx, &k, err, errlen);
	else if (errno != ENOENT)
		rc = -1;
	_key_free(&k);
	return rc;
}

/* SHA-256 of [k] in hex into [hex]. */
static int
_key_hex(const struct key *k, char hex[PIHPC_SHA256_HEX], char *err,
	 size_t errlen)
{
	if (pihpc_sha256_hex(k->buf, k->len, hex) < 0)
		return pihpc_err(err, errlen,
				 _("cannot initialise libsodium for SHA-256"));
	return 0;
}

/*
 * 1 if the marker holds the SHA-256 of [k], 0 if not (or missing), -1 on
 * a read error.
 */
static int
_marker_matches(const struct pihpc_ctx *ctx, const struct key *k, char *err,
		size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	char hex[PIHPC_SHA256_HEX];
	int rc = 0;

	pihpc_path(ctx, PIHPC_MUNGE_KEY_MARKER, &path);
	if (pihpc_read_regular(path.buf, 4096, &text, err, errlen) < 0) {
		rc = errno == ENOENT ? 0 : -1;
		goto out;
	}
	strbuf_trim(&text);
	if (_key_hex(k, hex, err, errlen) < 0) {
		rc = -1;
		goto out;
	}
	rc = !strcmp(text.buf, hex);
out:
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}

/*
 * The cluster key: unless [force], the key in place is kept when the
 * marker says it is the cluster's; otherwise a new random key replaces
 * it (the host's own, the first time, kept aside) and the marker records
 * the new one.
 */
static int
_key_make(const struct pihpc_ctx *ctx, int force, struct strlist *done,
	  char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT, marker = STRBUF_INIT;
	struct pihpc_file_mode fm = { 0600, 0, 0, 0 };
	char hex[PIHPC_SHA256_HEX + 1];
	struct key k;
	uid_t uid;
	gid_t gid;
	int match, rc = -1;

	_key_init(&k);
	if (_munge_ids(ctx, &uid, &gid, err, errlen) < 0)
		goto out;
	pihpc_path(ctx, PIHPC_MUNGE_KEY, &path);
	if (_key_read(path.buf, &k, err, errlen) == 0) {
		match = _marker_matches(ctx, &k, err, errlen);
		if (match < 0)
			goto out;
		if (match && !force) {
			/* the cluster key: only its mode and owner may need care */
			rc = _key_write(path.buf, &k, 0400, uid, gid, done, err,
					errlen);
			goto out;
		}
		if (!match && _keep_original(ctx, &k, err, errlen) < 0)
			goto out;
	} else if (errno != ENOENT && errno != EFBIG) {
		goto out;
	}

	for (k.len = 0; k.len < PIHPC_MUNGE_KEY_BYTES;) {
		ssize_t n = getrandom(k.buf + k.len,
				      PIHPC_MUNGE_KEY_BYTES - k.len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			(void)pihpc_err_errno(err, errlen,
					      _("cannot get random bytes"));
			goto out;
		}
		k.len += (size_t)n;
	}
	if (_key_write(path.buf, &k, 0400, uid, gid, done, err, errlen) < 0)
		goto out;
	if (_key_hex(&k, hex, err, errlen) < 0)
		goto out;
	hex[PIHPC_SHA256_HEX - 1] = '\n';
	hex[PIHPC_SHA256_HEX] = '\0';
	pihpc_path(ctx, PIHPC_MUNGE_KEY_MARKER, &marker);
	if (pihpc_make_parents(marker.buf, 0755, err, errlen) < 0 ||
	    pihpc_write_atomic_mode(marker.buf, hex, strlen(hex), &fm, NULL,
				    err, errlen) < 0)
		goto out;
	rc = 0;
out:
	_key_free(&k);
	strbuf_release(&path);
	strbuf_release(&marker);
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_munge_key_generate(const struct pihpc_ctx *ctx, struct strlist *done,
			 char *err, size_t errlen)
{
	return _key_make(ctx, 0, done, err, errlen);
}

int
pihpc_munge_key_rotate(const struct pihpc_ctx *ctx, struct strlist *done,
		       char *err, size_t errlen)
{
	return _key_make(ctx, 1, done, err, errlen);
}

int
pihpc_munge_key_load_cluster(const struct pihpc_ctx *ctx, const char *path,
			     unsigned char *buf, size_t cap, size_t *len,
			     char *err, size_t errlen)
{
	struct key k;
	int match, rc = -1;

	_key_init(&k);
	*len = 0;
	if (_key_read(path, &k, err, errlen) < 0)
		goto out;
	match = _marker_matches(ctx, &k, err, errlen);
	if (match < 0)
		goto out;
	if (!match) {
		(void)pihpc_err(err, errlen,
				_("'%s' is not the cluster's munge key (run 'pihpc munge key generate' first)"),
				path);
		goto out;
	}
	if (k.len < PIHPC_MUNGE_KEY_MIN || k.len > cap) {
		(void)pihpc_err(err, errlen,
				_("the munge key '%s' has %zu bytes: it cannot be sent (%d to %zu)"),
				path, k.len, PIHPC_MUNGE_KEY_MIN, cap);
		goto out;
	}
	memcpy(buf, k.buf, k.len);
	*len = k.len;
	rc = 0;
out:
	_key_free(&k);
	return rc;
}

int
pihpc_munge_key_install_data(const struct pihpc_ctx *ctx,
			     const unsigned char *data, size_t len,
			     struct strlist *done, char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT;
	struct key k;
	uid_t uid;
	gid_t gid;
	int rc = -1;

	_key_init(&k);
	if (len < PIHPC_MUNGE_KEY_MIN || len > PIHPC_MUNGE_KEY_MAX) {
		(void)pihpc_err(err, errlen,
				_("the munge key received has %zu bytes (munge needs %d to %d)"),
				len, PIHPC_MUNGE_KEY_MIN, PIHPC_MUNGE_KEY_MAX);
		goto out;
	}
	memcpy(k.buf, data, len);
	k.len = len;
	if (_munge_ids(ctx, &uid, &gid, err, errlen) < 0)
		goto out;
	pihpc_path(ctx, PIHPC_MUNGE_KEY, &path);
	if (pihpc_make_parents(path.buf, 0755, err, errlen) < 0 ||
	    _keep_host_key(ctx, path.buf, err, errlen) < 0)
		goto out;
	rc = _key_write(path.buf, &k, 0400, uid, gid, done, err, errlen);
out:
	_key_free(&k);
	strbuf_release(&path);
	return rc;
}

int
pihpc_munge_key_fingerprint(const struct pihpc_ctx *ctx, const char *path,
			    char fp[PIHPC_MUNGE_KEY_FP + 1], char *err,
			    size_t errlen)
{
	struct strbuf p = STRBUF_INIT;
	struct key k;
	int rc;

	_key_init(&k);
	rc = _key_read(pihpc_path(ctx, path, &p), &k, err, errlen);
	if (rc == 0) {
		char hex[PIHPC_SHA256_HEX];

		rc = _key_hex(&k, hex, err, errlen);
		if (rc == 0) {
			memcpy(fp, hex, PIHPC_MUNGE_KEY_FP);
			fp[PIHPC_MUNGE_KEY_FP] = '\0';
		}
	}
	_key_free(&k);
	strbuf_release(&p);
	return rc;
}
