/*
 * file.c - reading whole files and replacing them atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "file.h"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* Write all [len] bytes of [data] to [fd]; -1 with errno on failure. */
static int
_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Set [sb] to the directory part of [path] ("." when it has none). */
static void
_dirname(const char *path, struct strbuf *sb)
{
	const char *slash = strrchr(path, '/');

	strbuf_reset(sb);
	if (!slash)
		strbuf_addch(sb, '.');
	else if (slash == path)
		strbuf_addch(sb, '/');
	else
		strbuf_add(sb, path, (size_t)(slash - path));
}

/* fsync the directory [dir] so a rename inside it is durable. */
static int
_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	if (rc < 0 && (errno == EINVAL || errno == EROFS))
		rc = 0;		/* some file systems cannot sync dirs */
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_read_file(const char *path, struct strbuf *sb, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[8192];

	if (fd < 0)
		return pihpc_err_errno(err, errlen, "cannot open '%s'", path);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			(void)pihpc_err_errno(err, errlen, "cannot read '%s'",
					      path);
			(void)close(fd);
			return -1;
		}
		if (n == 0)
			break;
		strbuf_add(sb, buf, (size_t)n);
	}
	if (close(fd) < 0)
		return pihpc_err_errno(err, errlen, "cannot read '%s'", path);
	return 0;
}

/*
 * pihpc_write_atomic() and, when [force] is set, pihpc_write_atomic_mode():
 * [force]'s mode and owner instead of the old file's.
 */
static int
_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
	      const struct pihpc_file_mode *force,
	      enum pihpc_write_result *result, char *err, size_t errlen)
{
	struct strbuf old = STRBUF_INIT, tmp = STRBUF_INIT, dir = STRBUF_INIT;
	const char *base = strrchr(path, '/');
	struct stat st;
	int have_old, fd = -1, rc = -1;

	if (result)
		*result = PIHPC_UNCHANGED;
	base = base ? base + 1 : path;
	if (!*base)
		return pihpc_err(err, errlen, "cannot write '%s': %s", path,
				 strerror(EISDIR));

	have_old = stat(path, &st) == 0;
	if (!have_old && errno != ENOENT)
		return pihpc_err_errno(err, errlen, "cannot stat '%s'", path);
	if (have_old && S_ISREG(st.st_mode)) {
		if (pihpc_read_file(path, &old, err, errlen) < 0)
			goto out;
		if (old.len == len && !memcmp(old.buf, data, len) &&
		    (!force || ((st.st_mode & 07777) == force->mode &&
				st.st_uid == force->uid &&
				st.st_gid == force->gid))) {
			rc = 0;
			goto out;
		}
	}
	if (have_old && !S_ISREG(st.st_mode)) {
		(void)pihpc_err(err, errlen, "cannot write '%s': %s", path,
				S_ISDIR(st.st_mode) ? strerror(EISDIR)
						    : "not a regular file");
		goto out;
	}

	_dirname(path, &dir);
	strbuf_addf(&tmp, "%s/.%s.XXXXXX", dir.buf, base);
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		(void)pihpc_err_errno(err, errlen,
				      "cannot create temporary file for '%s'",
				      path);
		goto out;
	}
	if (_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		(void)pihpc_err_errno(err, errlen, "cannot write '%s'",
				      tmp.buf);
		goto fail;
	}
	if ((force || have_old) &&
	    fchown(fd, force ? force->uid : st.st_uid,
		   force ? force->gid : st.st_gid) < 0) {
		(void)pihpc_err_errno(err, errlen, "cannot set owner of '%s'",
				      tmp.buf);
		goto fail;
	}
	if (force)
		mode = force->mode;
	else if (have_old)
		mode = st.st_mode & 07777;
	if (fchmod(fd, mode) < 0) {
		(void)pihpc_err_errno(err, errlen, "cannot set mode of '%s'",
				      tmp.buf);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		(void)pihpc_err_errno(err, errlen, "cannot write '%s'",
				      tmp.buf);
		goto fail;
	}
	fd = -1;
	if (rename(tmp.buf, path) < 0) {
		(void)pihpc_err_errno(err, errlen, "cannot rename '%s' to '%s'",
				      tmp.buf, path);
		goto fail;
	}
	if (_fsync_dir(dir.buf) < 0) {
		(void)pihpc_err_errno(err, errlen, "cannot sync directory '%s'",
				      dir.buf);
		goto out;	/* the new file is in place already */
	}
	if (result)
		*result = PIHPC_WRITTEN;
	rc = 0;
	goto out;
fail:
	if (fd >= 0)
		(void)close(fd);
	(void)unlink(tmp.buf);
out:
	if (force && force->secret)
		explicit_bzero(old.buf, old.alloc);
	strbuf_release(&old);
	strbuf_release(&tmp);
	strbuf_release(&dir);
	return rc;
}

int
pihpc_write_atomic(const char *path, const void *data, size_t len,
		   mode_t mode, enum pihpc_write_result *result,
		   char *err, size_t errlen)
{
	return _write_atomic(path, data, len, mode, NULL, result, err, errlen);
}

int
pihpc_write_atomic_mode(const char *path, const void *data, size_t len,
			const struct pihpc_file_mode *fm,
			enum pihpc_write_result *result, char *err,
			size_t errlen)
{
	return _write_atomic(path, data, len, fm->mode, fm, result, err,
			     errlen);
}

/*
 * Create the directories leading to [path] that are missing, each with
 * [mode]; existing ones are left as they are.
 */
int
pihpc_make_parents(const char *path, mode_t mode, char *err, size_t errlen)
{
	struct strbuf dir = STRBUF_INIT;
	size_t i;
	int rc = 0;

	strbuf_addstr(&dir, path);
	/* Walk each '/' after the first character: "/a/b/c" makes /a, /a/b. */
	for (i = 1; i < dir.len && rc == 0; i++) {
		if (dir.buf[i] != '/')
			continue;
		dir.buf[i] = '\0';
		if (mkdir(dir.buf, mode) < 0 && errno != EEXIST)
			rc = pihpc_err_errno(err, errlen,
					     "cannot create directory '%s'",
					     dir.buf);
		dir.buf[i] = '/';
	}
	strbuf_release(&dir);
	return rc;
}
