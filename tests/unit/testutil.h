/*
 * testutil.h - scratch directories and file helpers for the unit tests.
 * Include after <cmocka.h>'s prerequisites.
 */
#ifndef PIHPC_TESTUTIL_H
#define PIHPC_TESTUTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pihpc.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR ".."
#endif

/* A fresh scratch directory; the caller frees it (after tu_rmrf). */
static inline char *
tu_mkdtemp(void)
{
	char *d = xstrdup("/tmp/pihpc-unit.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static inline int
tu_rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	/* gone meanwhile: a gpg-agent told to stop removes its own sockets */
	return remove(p) < 0 && errno != ENOENT ? -1 : 0;
}

static inline void
tu_rmrf(char *dir)
{
	assert_int_equal(nftw(dir, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(dir);
}

/* "DIR/REL" in a static-free way: the caller releases [sb]. */
static inline const char *
tu_path(struct strbuf *sb, const char *dir, const char *rel)
{
	return pihpc_path_join(dir, rel, sb);
}

/* mkdir -p for the parents of [path]. */
static inline void
tu_mkparents(const char *path)
{
	char *p = xstrdup(path), *s = p;

	while ((s = strchr(s + 1, '/')) != NULL) {
		*s = '\0';
		if (mkdir(p, 0755) < 0)
			assert_int_equal(errno, EEXIST);
		*s = '/';
	}
	free(p);
}

/* Write [content] to DIR/REL, creating parents. */
static inline void
tu_write(const char *dir, const char *rel, const char *content)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *f;

	tu_path(&sb, dir, rel);
	tu_mkparents(sb.buf);
	f = fopen(sb.buf, "w");
	assert_non_null(f);
	assert_int_equal(fputs(content, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	strbuf_release(&sb);
}

/* Content of DIR/REL into [out] (reset first). */
static inline void
tu_read(const char *dir, const char *rel, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	char err[512];

	strbuf_reset(out);
	tu_path(&sb, dir, rel);
	if (pihpc_read_file(sb.buf, out, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	strbuf_release(&sb);
}

/* Number of entries in [dir] (without . and ..). */
static inline int
tu_count_entries(const char *dir)
{
	struct strbuf cmd = STRBUF_INIT;
	int n = 0;
	FILE *f;
	char line[4096];

	strbuf_addf(&cmd, "ls -A '%s'", dir);
	f = popen(cmd.buf, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n++;
	assert_int_equal(pclose(f), 0);
	strbuf_release(&cmd);
	return n;
}

#endif /* PIHPC_TESTUTIL_H */
