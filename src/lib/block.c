/*
 * block.c - managed blocks in text files.
 */
#include <errno.h>
#include <string.h>

#include "block.h"
#include "error.h"
#include "i18n.h"

#define BEGIN_PREFIX "# BEGIN pihpc "
#define END_PREFIX "# END pihpc "

struct span {
	int found;
	size_t begin;		/* offset of the BEGIN line */
	size_t end;		/* offset just past the END line (and its \n) */
	int end_has_nl;		/* END line is terminated by a newline */
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* True if the line [p, p+n) is exactly [prefix][name]. */
static int
_is_marker(const char *p, size_t n, const char *prefix, const char *name)
{
	size_t pl = strlen(prefix), nl = strlen(name);

	return n == pl + nl && !memcmp(p, prefix, pl) && !memcmp(p + pl, name, nl);
}

/* Locate block [name] in [text]; errors for malformed markers. */
static int
_find(const char *fname, const char *text, size_t len, const char *name,
      struct span *sp, char *err, size_t errlen)
{
	size_t p = 0, open_at = 0;
	int line = 0, open_line = 0, first_line = 0;

	memset(sp, 0, sizeof(*sp));
	while (p < len) {
		const char *nl = memchr(text + p, '\n', len - p);
		size_t q = nl ? (size_t)(nl - text) : len;

		line++;
		if (_is_marker(text + p, q - p, BEGIN_PREFIX, name)) {
			if (open_line)
				return pihpc_err(err, errlen,
					_("%s:%d: managed block '%s' begins again before its end (opened at line %d)"),
					fname, line, name, open_line);
			if (sp->found)
				return pihpc_err(err, errlen,
					_("%s:%d: duplicate managed block '%s' (first at line %d)"),
					fname, line, name, first_line);
			open_line = line;
			open_at = p;
		} else if (_is_marker(text + p, q - p, END_PREFIX, name)) {
			if (!open_line)
				return pihpc_err(err, errlen,
					_("%s:%d: end of managed block '%s' without a begin"),
					fname, line, name);
			sp->found = 1;
			sp->begin = open_at;
			sp->end = nl ? q + 1 : q;
			sp->end_has_nl = nl != NULL;
			first_line = open_line;
			open_line = 0;
		}
		p = nl ? q + 1 : len;
	}
	if (open_line)
		return pihpc_err(err, errlen,
			_("%s:%d: managed block '%s' has no end marker"),
			fname, open_line, name);
	return 0;
}

/* Reject content holding marker lines, which would corrupt the file. */
static int
_check_content(const char *name, const char *content, char *err,
	       size_t errlen)
{
	const char *p = content;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if ((n >= strlen(BEGIN_PREFIX) &&
		     !strncmp(p, BEGIN_PREFIX, strlen(BEGIN_PREFIX))) ||
		    (n >= strlen(END_PREFIX) &&
		     !strncmp(p, END_PREFIX, strlen(END_PREFIX))))
			return pihpc_err(err, errlen,
				_("content of managed block '%s' contains a marker line"), name);
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* Append the block text to [out]; [final_nl] ends the END line with \n. */
static void
_add_block(struct strbuf *out, const char *name, const char *content,
	   int final_nl)
{
	size_t n = strlen(content);

	strbuf_addf(out, "%s%s\n", BEGIN_PREFIX, name);
	strbuf_addstr(out, content);
	if (n && content[n - 1] != '\n')
		strbuf_addch(out, '\n');
	strbuf_addf(out, "%s%s", END_PREFIX, name);
	if (final_nl)
		strbuf_addch(out, '\n');
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_block_check_name(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);

	if (!n || n > 64 ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
		return pihpc_err(err, errlen,
			_("invalid block name '%s' (want 1 to 64 of A-Z a-z 0-9 _ . -)"), name);
	return 0;
}

int
pihpc_block_set_text(const char *fname, const char *text, size_t len,
		     const char *name, const char *content,
		     struct strbuf *out, char *err, size_t errlen)
{
	struct span sp;

	if (pihpc_block_check_name(name, err, errlen) < 0 ||
	    _check_content(name, content, err, errlen) < 0 ||
	    _find(fname, text, len, name, &sp, err, errlen) < 0)
		return -1;
	strbuf_reset(out);
	if (sp.found) {
		strbuf_add(out, text, sp.begin);
		_add_block(out, name, content, sp.end_has_nl);
		strbuf_add(out, text + sp.end, len - sp.end);
	} else if (len && text[len - 1] != '\n') {
		strbuf_add(out, text, len);
		strbuf_addch(out, '\n');
		_add_block(out, name, content, 0);
	} else {
		strbuf_add(out, text, len);
		_add_block(out, name, content, 1);
	}
	return 0;
}

int
pihpc_block_remove_text(const char *fname, const char *text, size_t len,
			const char *name, struct strbuf *out, int *found,
			char *err, size_t errlen)
{
	struct span sp;
	size_t begin;

	if (found)
		*found = 0;
	if (pihpc_block_check_name(name, err, errlen) < 0 ||
	    _find(fname, text, len, name, &sp, err, errlen) < 0)
		return -1;
	strbuf_reset(out);
	if (!sp.found) {
		strbuf_add(out, text, len);
		return 0;
	}
	begin = sp.begin;
	/* A block appended to a file lacking a final newline owns the
	 * newline before it; it says so by ending without one. */
	if (!sp.end_has_nl && begin > 0 && text[begin - 1] == '\n')
		begin--;
	strbuf_add(out, text, begin);
	strbuf_add(out, text + sp.end, len - sp.end);
	if (found)
		*found = 1;
	return 0;
}

int
pihpc_block_set_file(const char *path, const char *name, const char *content,
		     enum pihpc_write_result *res, char *err, size_t errlen)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	int rc = -1;

	if (pihpc_read_file(path, &in, err, errlen) < 0 && errno != ENOENT)
		goto out;
	if (pihpc_block_set_text(path, in.buf, in.len, name, content, &out,
				 err, errlen) < 0)
		goto out;
	rc = pihpc_write_atomic(path, out.buf, out.len, 0644, res, err, errlen);
out:
	strbuf_release(&in);
	strbuf_release(&out);
	return rc;
}

int
pihpc_block_remove_file(const char *path, const char *name,
			enum pihpc_write_result *res, char *err, size_t errlen)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	int rc = -1, found;

	if (res)
		*res = PIHPC_UNCHANGED;
	if (pihpc_read_file(path, &in, err, errlen) < 0) {
		if (errno == ENOENT)
			rc = pihpc_block_check_name(name, err, errlen);
		goto out;
	}
	if (pihpc_block_remove_text(path, in.buf, in.len, name, &out, &found,
				    err, errlen) < 0)
		goto out;
	rc = found ? pihpc_write_atomic(path, out.buf, out.len, 0644, res,
					err, errlen) : 0;
out:
	strbuf_release(&in);
	strbuf_release(&out);
	return rc;
}
