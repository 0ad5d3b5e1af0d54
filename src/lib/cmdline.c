/*
 * cmdline.c - the kernel command line and the cgroup controllers.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cmdline.h"
#include "error.h"

#define BLANKS " \t"

static const char *const controllers[] = { "cpu", "cpuset", "memory", NULL };

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* True if the blank-separated [list] holds the word [w]. */
static int
_has_word(const char *list, const char *w)
{
	size_t wl = strlen(w);
	const char *p = list + strspn(list, BLANKS "\n");

	while (*p) {
		size_t n = strcspn(p, BLANKS "\n");

		if (n == wl && !memcmp(p, w, n))
			return 1;
		p += n;
		p += strspn(p, BLANKS "\n");
	}
	return 0;
}

static int
_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Controller directories of a cgroup v1 hierarchy at [base]. */
static void
_check_v1(const char *base, struct strlist *missing)
{
	static const char *const cpu_dirs[] = {
		"cpu", "cpu,cpuacct", "cpuacct,cpu", NULL
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int found = 0;

	for (i = 0; cpu_dirs[i] && !found; i++)
		found = _is_dir(pihpc_path_join(base, cpu_dirs[i], &sb));
	if (!found)
		strlist_push(missing, "cpu");
	for (i = 1; controllers[i]; i++)
		if (!_is_dir(pihpc_path_join(base, controllers[i], &sb)))
			strlist_push(missing, controllers[i]);
	strbuf_release(&sb);
}

/* The "enabled" column of ROOT/proc/cgroups for memory, if readable. */
static void
_check_proc_cgroups(const struct pihpc_ctx *ctx, struct strlist *missing)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	char err[512];
	const char *p;
	int enabled = 0;

	if (pihpc_read_file(pihpc_path(ctx, "/proc/cgroups", &path), &text,
			    err, sizeof(err)) < 0)
		goto out;
	/* "#subsys_name hierarchy num_cgroups enabled" */
	for (p = text.buf; *p; ) {
		size_t n = strcspn(p, "\n");

		if (n > 7 && !strncmp(p, "memory", 6) && strchr(BLANKS, p[6])) {
			const char *f = p + 6, *e = p + n;
			int col;

			for (col = 0; col < 3 && f < e; col++) {
				f += strspn(f, BLANKS);
				if (col < 2)
					f += strcspn(f, BLANKS "\n");
			}
			enabled = f < e && *f == '1';
		}
		p += n;
		if (*p)
			p++;
	}
	if (!enabled && !strlist_has(missing, "memory"))
		strlist_push(missing, "memory");
out:
	strbuf_release(&path);
	strbuf_release(&text);
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_cmdline_fix_text(const char *fname, const char *text, size_t len,
		       struct strbuf *out, char *err, size_t errlen)
{
	struct strbuf line = STRBUF_INIT, want = STRBUF_INIT;
	int has_nl = len && text[len - 1] == '\n', first = 1;
	size_t n = has_nl ? len - 1 : len, lead, p, sep = 0, sep_len = 0;

	if (!len)
		return pihpc_err(err, errlen, "'%s' is empty", fname);
	if (memchr(text, '\n', n) || memchr(text, '\0', n))
		return pihpc_err(err, errlen,
				 "'%s' has more than one line (the kernel command line must be a single line)",
				 fname);
	strbuf_add(&line, text, n);
	strbuf_reset(out);
	/* keep the leading blanks, the kept words with the blanks that
	 * followed the kept word before them, and the trailing blanks */
	lead = strspn(line.buf, BLANKS);
	strbuf_add(out, line.buf, lead);
	p = lead;
	while (p < line.len) {
		size_t w = strcspn(line.buf + p, BLANKS);
		size_t gap = strspn(line.buf + p + w, BLANKS);

		if (w != strlen(PIHPC_CMDLINE_BAD_WORD) ||
		    memcmp(line.buf + p, PIHPC_CMDLINE_BAD_WORD, w)) {
			if (!first)
				strbuf_add(out, line.buf + sep, sep_len);
			strbuf_add(out, line.buf + p, w);
			first = 0;
			sep = p + w;
			sep_len = gap;
		}
		p += w + gap;
	}
	/* trailing blanks */
	p = line.len;
	while (p > lead && strchr(BLANKS, line.buf[p - 1]))
		p--;
	if (!first)
		strbuf_add(out, line.buf + p, line.len - p);
	/* the missing words, after the last one */
	strbuf_addstr(&want, PIHPC_CMDLINE_WORDS);
	p = 0;
	while (p < want.len) {
		size_t w = strcspn(want.buf + p, " ");

		want.buf[p + w] = '\0';
		if (!_has_word(out->buf, want.buf + p)) {
			while (out->len && strchr(BLANKS, out->buf[out->len - 1]))
				strbuf_setlen(out, out->len - 1);
			if (out->len)
				strbuf_addch(out, ' ');
			strbuf_addstr(out, want.buf + p);
		}
		p += w + 1;
	}
	if (has_nl)
		strbuf_addch(out, '\n');
	strbuf_release(&line);
	strbuf_release(&want);
	return 0;
}

int
pihpc_cmdline_path(const struct pihpc_ctx *ctx, struct strbuf *path,
		   char *err, size_t errlen)
{
	struct strbuf old = STRBUF_INIT;
	struct stat st;
	int rc = 0;

	pihpc_path(ctx, PIHPC_CMDLINE_PATH, path);
	pihpc_path(ctx, PIHPC_CMDLINE_OLD_PATH, &old);
	if (stat(path->buf, &st) < 0 && errno == ENOENT) {
		if (stat(old.buf, &st) == 0) {
			strbuf_reset(path);
			strbuf_addbuf(path, &old);
		} else {
			rc = pihpc_err(err, errlen,
				       "neither '%s' nor '%s' exists (not a Raspberry Pi?)",
				       path->buf, old.buf);
		}
	}
	strbuf_release(&old);
	return rc;
}

int
pihpc_cmdline_ensure(const char *path, enum pihpc_write_result *res,
		     char *err, size_t errlen)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	int rc = -1;

	if (res)
		*res = PIHPC_UNCHANGED;
	if (pihpc_read_file(path, &in, err, errlen) < 0 ||
	    pihpc_cmdline_fix_text(path, in.buf, in.len, &out, err, errlen) < 0)
		goto out;
	rc = pihpc_write_atomic(path, out.buf, out.len, 0644, res, err,
				errlen);
out:
	strbuf_release(&in);
	strbuf_release(&out);
	return rc;
}

int
pihpc_cgroup_check(const struct pihpc_ctx *ctx, int *version,
		   struct strlist *missing, char *err, size_t errlen)
{
	struct strbuf base = STRBUF_INIT, file = STRBUF_INIT,
		      text = STRBUF_INIT;
	int rc = 0;

	*version = 0;
	pihpc_path(ctx, "/sys/fs/cgroup", &base);
	pihpc_path_join(base.buf, "cgroup.controllers", &file);
	if (pihpc_read_file(file.buf, &text, err, errlen) == 0) {
		size_t i;

		*version = 2;
		for (i = 0; controllers[i]; i++)
			if (!_has_word(text.buf, controllers[i]))
				strlist_push(missing, controllers[i]);
	} else if (errno != ENOENT) {
		rc = -1;
	} else if (_is_dir(base.buf)) {
		*version = 1;
		_check_v1(base.buf, missing);
	} else {
		rc = pihpc_err(err, errlen, "no cgroup file system at '%s'",
			       base.buf);
	}
	if (rc == 0)
		_check_proc_cgroups(ctx, missing);
	strbuf_release(&base);
	strbuf_release(&file);
	strbuf_release(&text);
	return rc;
}
