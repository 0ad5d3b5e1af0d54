/*
 * file.h - reading whole files, replacing them atomically, making
 * directories.
 *
 * Paths such as /nfs/pihpc/munge.key are shared with other machines, and
 * any path may have been prepared by someone else: what is found there is
 * not trusted.  A symbolic link is refused, never followed; a FIFO, device
 * or socket where a file belongs is refused without blocking on it; modes
 * and owners are set through the open descriptor.
 */
#ifndef PIHPC_FILE_H
#define PIHPC_FILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "strbuf.h"

/*
 * Append the content of [path] to [sb].  On failure returns -1 with errno
 * kept (so callers can treat ENOENT specially) and fills [err].  Follows
 * symbolic links and reads pipes (/dev/stdin): for the caller's own input
 * and the kernel's files; anything shared or secret is read with
 * pihpc_read_regular().  A FIFO that nobody writes to reads as empty
 * instead of blocking the open.
 */
int pihpc_read_file(const char *path, struct strbuf *sb,
		    char *err, size_t errlen);

/*
 * Open the regular file [path] for reading: O_NOFOLLOW, so a symbolic
 * link is refused ("refusing 'PATH': a symbolic link", errno ELOOP), and
 * O_NONBLOCK, so a FIFO cannot block the open; then fstat(2) must show a
 * regular file ("refusing 'PATH': not a regular file (a FIFO)", errno
 * EISDIR for a directory, EINVAL otherwise).  O_NONBLOCK is cleared
 * before the descriptor (close-on-exec) is returned, with its status in
 * [st].  -1 with errno kept (ENOENT for a missing file) and [err] filled.
 */
int pihpc_open_regular(const char *path, struct stat *st, char *err,
		       size_t errlen);

/*
 * Append the regular file [path] (see pihpc_open_regular()) to [sb]; a
 * file of more than [max] bytes is refused with errno EFBIG.
 */
int pihpc_read_regular(const char *path, size_t max, struct strbuf *sb,
		       char *err, size_t errlen);

/* Outcome of pihpc_write_atomic(). */
enum pihpc_write_result {
	PIHPC_UNCHANGED = 0,	/* content was already identical */
	PIHPC_WRITTEN = 1	/* file created or replaced */
};

/*
 * Replace [path] with [len] bytes of [data] atomically: a temporary file
 * in the same directory (O_CREAT|O_EXCL, 0600), write, fsync, owner,
 * group and mode copied from the existing file (or [mode] and the caller's
 * ids for a new one) through the descriptor, rename(2) over [path], fsync
 * of the directory.  A symbolic link, directory, FIFO or other non-regular
 * file at [path] is refused.  On any error the temporary file is removed
 * and [path] is left untouched.  If [path] already holds exactly [data]
 * nothing is written.  [result] (may be NULL) receives PIHPC_UNCHANGED or
 * PIHPC_WRITTEN.
 */
int pihpc_write_atomic(const char *path, const void *data, size_t len,
		       mode_t mode, enum pihpc_write_result *result,
		       char *err, size_t errlen);

/* Mode and owner that pihpc_write_atomic_mode() gives the file. */
struct pihpc_file_mode {
	mode_t mode;
	uid_t uid;
	gid_t gid;
	int secret;	/* wipe the old content read for comparison */
};

/*
 * As pihpc_write_atomic(), but the file always gets [fm]'s mode and owner
 * (also when it existed with others); a file with the same content but
 * another mode or owner is replaced too (PIHPC_WRITTEN).  The temporary
 * file is created 0600, so the data is never readable by others.
 */
int pihpc_write_atomic_mode(const char *path, const void *data, size_t len,
			    const struct pihpc_file_mode *fm,
			    enum pihpc_write_result *result, char *err,
			    size_t errlen);

/*
 * Make [path] a directory with exactly [mode], owned by [uid]:[gid]:
 * created when missing, with its missing parents (0755, owned by the
 * caller), its mode and owner corrected when they differ; (uid_t)-1 or
 * (gid_t)-1 leaves that id as it is (the caller's for a new directory).  Each component
 * is opened from its parent with O_NOFOLLOW|O_DIRECTORY, so a symbolic
 * link anywhere in [path] is refused ("refusing 'PART': a symbolic link")
 * rather than followed, as is a file or FIFO ("refusing 'PART': not a
 * directory (a FIFO)"), and the corrections go through the descriptor.
 * One line per change to [path] itself (not its parents) is appended to
 * [done] (may be NULL): "created directory 'P'", "changed owner of 'P'
 * from U:G to U:G", "changed mode of 'P' from 0777 to 0755".
 */
int pihpc_dir_ensure(const char *path, mode_t mode, uid_t uid, gid_t gid,
		     struct strlist *done, char *err, size_t errlen);

/*
 * Create the missing directories leading to the file [path], each with
 * [mode], as pihpc_dir_ensure() creates parents: symbolic links refused,
 * existing directories left as they are.
 */
int pihpc_make_parents(const char *path, mode_t mode, char *err,
		       size_t errlen);

#endif /* PIHPC_FILE_H */
