/*
 * file.h - reading whole files and replacing them atomically.
 */
#ifndef PIHPC_FILE_H
#define PIHPC_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

/*
 * Append the content of [path] to [sb].  On failure returns -1 with errno
 * kept (so callers can treat ENOENT specially) and fills [err].
 */
int pihpc_read_file(const char *path, struct strbuf *sb,
		    char *err, size_t errlen);

/* Outcome of pihpc_write_atomic(). */
enum pihpc_write_result {
	PIHPC_UNCHANGED = 0,	/* content was already identical */
	PIHPC_WRITTEN = 1	/* file created or replaced */
};

/*
 * Replace [path] with [len] bytes of [data] atomically: a temporary file
 * in the same directory (mkstemp: O_CREAT|O_EXCL), write, fsync, owner,
 * group and mode copied from the existing file (or [mode] and the caller's
 * ids for a new one), rename(2) over [path], fsync of the directory.  On
 * any error the temporary file is removed and [path] is left untouched.
 * If [path] already holds exactly [data] nothing is written.  [result]
 * (may be NULL) receives PIHPC_UNCHANGED or PIHPC_WRITTEN.
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
 * Create the missing directories leading to [path], each with [mode].
 */
int pihpc_make_parents(const char *path, mode_t mode, char *err,
		       size_t errlen);

#endif /* PIHPC_FILE_H */
