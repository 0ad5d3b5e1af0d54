/*
 * file.c - reading whole files, replacing them atomically, making
 * directories.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "file.h"
#include "i18n.h"

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

/*
 * Read up to [max] bytes from [fd] into [buf]: the number read (fewer only
 * at the end of the file), -1 with errno on failure.
 */
static ssize_t
_read_upto(int fd, char *buf, size_t max)
{
	size_t got = 0;

	while (got < max) {
		ssize_t n = read(fd, buf + got, max - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* What a file of [mode] is, for messages: "a FIFO". */
static const char *
_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return _("a regular file");
	if (S_ISDIR(mode))
		return _("a directory");
	if (S_ISLNK(mode))
		return _("a symbolic link");
	if (S_ISFIFO(mode))
		return _("a FIFO");
	if (S_ISSOCK(mode))
		return _("a socket");
	if (S_ISCHR(mode))
		return _("a character device");
	if (S_ISBLK(mode))
		return _("a block device");
	return _("of unknown type");
}

/* pihpc_err() that leaves errno at [e], for callers that look at it. */
static int
_refuse(int e, char *err, size_t errlen, const char *path, const char *why,
	const char *kind)
{
	if (kind)
		(void)pihpc_err(err, errlen, _("refusing '%s': %s (%s)"), path,
				why, kind);
	else
		(void)pihpc_err(err, errlen, _("refusing '%s': %s"), path, why);
	errno = e;
	return -1;
}

/*
 * After openat(2) of [name] in [dfd] failed with O_NOFOLLOW: a message
 * that says what is there when it is not what was wanted (a symbolic
 * link, a file of another kind), else "cannot open [directory] 'PATH':
 * strerror".
 */
static int
_open_failed(int dfd, const char *name, const char *path, int want_dir,
	     char *err, size_t errlen)
{
	int e = errno;
	struct stat st;

	if (e != ENOENT && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return _refuse(ELOOP, err, errlen, path,
				       _("a symbolic link"), NULL);
		if (want_dir && !S_ISDIR(st.st_mode))
			return _refuse(ENOTDIR, err, errlen, path,
				       _("not a directory"), _kind(st.st_mode));
	}
	errno = e;
	if (want_dir)
		return pihpc_err_errno(err, errlen,
				       _("cannot open directory '%s'"), path);
	return pihpc_err_errno(err, errlen, _("cannot open '%s'"), path);
}

/*
 * pihpc_open_regular() of [name] in the directory [dfd]; [path] names it
 * in messages.
 */
static int
_open_regular_at(int dfd, const char *name, const char *path,
		 struct stat *st, char *err, size_t errlen)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			O_CLOEXEC | O_NOCTTY);
	int flags;

	memset(st, 0, sizeof(*st));
	if (fd < 0)
		return _open_failed(dfd, name, path, 0, err, errlen);
	if (fstat(fd, st) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot stat '%s'"), path);
		goto fail;
	}
	if (!S_ISREG(st->st_mode)) {
		(void)_refuse(S_ISDIR(st->st_mode) ? EISDIR : EINVAL, err,
			      errlen, path, _("not a regular file"),
			      _kind(st->st_mode));
		goto fail;
	}
	/* Reads of a regular file never block; the flag has done its job. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot open '%s'"), path);
		goto fail;
	}
	return fd;
fail:
	{
		int e = errno;

		(void)close(fd);
		errno = e;
	}
	return -1;
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

/* fsync the directory [dfd] so a rename inside it is durable. */
static int
_fsync_dir(int dfd)
{
	if (fsync(dfd) < 0 && errno != EINVAL && errno != EROFS)
		return -1;	/* some file systems cannot sync dirs */
	return 0;
}

/*
 * Create a temporary file ".BASE.XXXXXX" in [dfd], 0600, O_EXCL and
 * O_NOFOLLOW so nothing already there is reused; its name goes to [tmp].
 */
static int
_create_temp(int dfd, const char *base, struct strbuf *tmp)
{
	static const char chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	int tries;

	for (tries = 0; tries < 100; tries++) {
		unsigned char rnd[6];
		size_t i;
		int fd;

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -1;
		strbuf_reset(tmp);
		strbuf_addf(tmp, ".%s.", base);
		for (i = 0; i < sizeof(rnd); i++)
			strbuf_addch(tmp, chars[rnd[i] % (sizeof(chars) - 1)]);
		fd = openat(dfd, tmp->buf, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/*
 * Open the directory [name] in [dfd], creating it with [mode] when it is
 * missing ([*created] set); [path] names it in messages.
 */
static int
_open_dir_at(int dfd, const char *name, const char *path, mode_t mode,
	     int *created, char *err, size_t errlen)
{
	int tries;

	*created = 0;
	for (tries = 0; tries < 2; tries++) {
		int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY |
				O_NOFOLLOW | O_CLOEXEC);

		if (fd >= 0 || errno != ENOENT || tries > 0)
			return fd >= 0 ? fd
				       : _open_failed(dfd, name, path, 1, err,
						      errlen);
		if (mkdirat(dfd, name, mode) == 0)
			*created = 1;
		else if (errno != EEXIST)	/* EEXIST: made meanwhile */
			return pihpc_err_errno(err, errlen,
					       _("cannot create directory '%s'"),
					       path);
	}
	return -1;	/* not reached */
}

/*
 * Walk [path] from / (or the working directory) one component at a time,
 * creating what is missing with [pmode]; with [fix], the last component
 * then gets exactly [mode] and [uid]:[gid].
 */
static int
_dir_walk(const char *path, mode_t pmode, int fix, mode_t mode, uid_t uid,
	  gid_t gid, struct strlist *done, char *err, size_t errlen)
{
	struct strbuf shown = STRBUF_INIT, name = STRBUF_INIT;
	const char *p = path;
	int fd, rc = -1;

	fd = open(*path == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pihpc_err_errno(err, errlen, _("cannot open directory '%s'"),
				       *path == '/' ? "/" : ".");
	while (*p == '/')
		p++;
	while (*p) {
		const char *end = strchrnul(p, '/'), *next = end;
		struct stat st;
		int sub, created, last;

		while (*next == '/')
			next++;
		last = *next == '\0';
		strbuf_reset(&name);
		strbuf_add(&name, p, (size_t)(end - p));
		strbuf_reset(&shown);
		strbuf_add(&shown, path, (size_t)(end - path));
		sub = _open_dir_at(fd, name.buf, shown.buf,
				   last && fix ? 0700 : pmode, &created, err,
				   errlen);
		if (sub < 0)
			goto out;
		(void)close(fd);
		fd = sub;
		p = next;
		if (!last || !fix) {
			/* mkdir(2) applied the umask; parents get [pmode] */
			if (created && fchmod(fd, pmode) < 0) {
				(void)pihpc_err_errno(err, errlen,
						      _("cannot change mode of '%s'"),
						      shown.buf);
				goto out;
			}
			continue;
		}
		if (fstat(fd, &st) < 0) {
			(void)pihpc_err_errno(err, errlen, _("cannot stat '%s'"),
					      shown.buf);
			goto out;
		}
		if (created && done)
			strlist_pushf(done, _("created directory '%s'"), shown.buf);
		if ((uid != (uid_t)-1 && st.st_uid != uid) ||
		    (gid != (gid_t)-1 && st.st_gid != gid)) {
			uid_t nu = uid != (uid_t)-1 ? uid : st.st_uid;
			gid_t ng = gid != (gid_t)-1 ? gid : st.st_gid;

			if (fchown(fd, nu, ng) < 0) {
				(void)pihpc_err_errno(err, errlen,
						      _("cannot change owner of '%s'"),
						      shown.buf);
				goto out;
			}
			if (!created && done)
				strlist_pushf(done,
					      _("changed owner of '%s' from %lu:%lu to %lu:%lu"),
					      shown.buf, (unsigned long)st.st_uid,
					      (unsigned long)st.st_gid,
					      (unsigned long)nu,
					      (unsigned long)ng);
		}
		/* after fchown(2), which may clear set-id bits */
		if (created || (st.st_mode & 07777) != mode) {
			if (fchmod(fd, mode) < 0) {
				(void)pihpc_err_errno(err, errlen,
						      _("cannot change mode of '%s'"),
						      shown.buf);
				goto out;
			}
			if (!created && done)
				strlist_pushf(done,
					      _("changed mode of '%s' from %04o to %04o"),
					      shown.buf,
					      (unsigned)(st.st_mode & 07777),
					      (unsigned)mode);
		}
	}
	rc = 0;
out:
	if (fd >= 0)
		(void)close(fd);
	strbuf_release(&shown);
	strbuf_release(&name);
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_read_file(const char *path, struct strbuf *sb, char *err, size_t errlen)
{
	/*
	 * O_NONBLOCK: opening a FIFO nobody writes to would block for ever;
	 * reading it once blocking again ends at once (no writer: EOF).
	 */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char buf[8192];
	int flags;

	if (fd < 0)
		return pihpc_err_errno(err, errlen, _("cannot open '%s'"), path);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot open '%s'"), path);
		(void)close(fd);
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			(void)pihpc_err_errno(err, errlen, _("cannot read '%s'"),
					      path);
			(void)close(fd);
			return -1;
		}
		if (n == 0)
			break;
		strbuf_add(sb, buf, (size_t)n);
	}
	if (close(fd) < 0)
		return pihpc_err_errno(err, errlen, _("cannot read '%s'"), path);
	return 0;
}

int
pihpc_open_regular(const char *path, struct stat *st, char *err,
		   size_t errlen)
{
	return _open_regular_at(AT_FDCWD, path, path, st, err, errlen);
}

int
pihpc_read_regular(const char *path, size_t max, struct strbuf *sb,
		   char *err, size_t errlen)
{
	struct stat st;
	size_t got = 0;
	int fd = pihpc_open_regular(path, &st, err, errlen);

	if (fd < 0)
		return -1;
	/* The size may change under us: read one byte past [max] to know. */
	while ((size_t)st.st_size <= max && got <= max) {
		size_t chunk = max + 1 - got < 8192 ? max + 1 - got : 8192;
		ssize_t n;

		strbuf_grow(sb, chunk);
		n = read(fd, sb->buf + sb->len, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			(void)pihpc_err_errno(err, errlen, _("cannot read '%s'"),
					      path);
			(void)close(fd);
			strbuf_setlen(sb, sb->len - got);
			return -1;
		}
		if (n == 0)
			break;
		strbuf_setlen(sb, sb->len + (size_t)n);
		got += (size_t)n;
	}
	(void)close(fd);
	if ((size_t)st.st_size > max || got > max) {
		strbuf_setlen(sb, sb->len - got);
		(void)pihpc_err(err, errlen,
				_("refusing '%s': larger than %zu bytes"), path,
				max);
		errno = EFBIG;
		return -1;
	}
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
	int have_old = 0, dfd, ofd, fd = -1, rc = -1;

	if (result)
		*result = PIHPC_UNCHANGED;
	base = base ? base + 1 : path;
	if (!*base)
		return pihpc_err(err, errlen, _("cannot write '%s': %s"), path,
				 strerror(EISDIR));

	_dirname(path, &dir);
	dfd = open(dir.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		(void)pihpc_err_errno(err, errlen,
				      _("cannot create temporary file for '%s'"),
				      path);
		goto out;
	}
	ofd = _open_regular_at(dfd, base, path, &st, err, errlen);
	if (ofd < 0 && errno != ENOENT)
		goto out;
	if (ofd >= 0) {
		ssize_t n = 0;

		have_old = 1;
		/* Only a file of the same size can hold the same bytes. */
		if ((size_t)st.st_size == len) {
			strbuf_grow(&old, len + 1);
			n = _read_upto(ofd, old.buf, len + 1);
		}
		if (n < 0) {
			(void)pihpc_err_errno(err, errlen, _("cannot read '%s'"),
					      path);
			(void)close(ofd);
			goto out;
		}
		(void)close(ofd);
		if ((size_t)st.st_size == len && (size_t)n == len &&
		    !memcmp(old.buf, data, len) &&
		    (!force || ((st.st_mode & 07777) == force->mode &&
				st.st_uid == force->uid &&
				st.st_gid == force->gid))) {
			rc = 0;
			goto out;
		}
	}

	fd = _create_temp(dfd, base, &tmp);
	if (fd < 0) {
		(void)pihpc_err_errno(err, errlen,
				      _("cannot create temporary file for '%s'"),
				      path);
		goto out;
	}
	if (_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot write '%s/%s'"),
				      dir.buf, tmp.buf);
		goto fail;
	}
	if ((force || have_old) &&
	    fchown(fd, force ? force->uid : st.st_uid,
		   force ? force->gid : st.st_gid) < 0) {
		(void)pihpc_err_errno(err, errlen,
				      _("cannot set owner of '%s/%s'"), dir.buf,
				      tmp.buf);
		goto fail;
	}
	if (force)
		mode = force->mode;
	else if (have_old)
		mode = st.st_mode & 07777;
	if (fchmod(fd, mode) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot set mode of '%s/%s'"),
				      dir.buf, tmp.buf);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		(void)pihpc_err_errno(err, errlen, _("cannot write '%s/%s'"),
				      dir.buf, tmp.buf);
		goto fail;
	}
	fd = -1;
	if (renameat(dfd, tmp.buf, dfd, base) < 0) {
		(void)pihpc_err_errno(err, errlen,
				      _("cannot rename '%s/%s' to '%s'"), dir.buf,
				      tmp.buf, path);
		goto fail;
	}
	if (_fsync_dir(dfd) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot sync directory '%s'"),
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
	(void)unlinkat(dfd, tmp.buf, 0);
out:
	if (dfd >= 0)
		(void)close(dfd);
	if (force && force->secret && old.buf)
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

int
pihpc_dir_ensure(const char *path, mode_t mode, uid_t uid, gid_t gid,
		 struct strlist *done, char *err, size_t errlen)
{
	return _dir_walk(path, 0755, 1, mode, uid, gid, done, err, errlen);
}

int
pihpc_make_parents(const char *path, mode_t mode, char *err, size_t errlen)
{
	struct strbuf dir = STRBUF_INIT;
	int rc = 0;

	if (strchr(path, '/')) {
		_dirname(path, &dir);
		rc = _dir_walk(dir.buf, mode, 0, 0, 0, 0, NULL, err, errlen);
	}
	strbuf_release(&dir);
	return rc;
}
