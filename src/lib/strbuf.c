/*
 * strbuf.c - growable strings and string lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

char strbuf_slopbuf[1];

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		abort();
	return q;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void
strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = 0;
	sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void
strbuf_release(struct strbuf *sb)
{
	if (sb->buf != strbuf_slopbuf)
		free(sb->buf);
	strbuf_init(sb, 0);
}

/* Hand the buffer [sb] to the caller (who frees it); [len] may be NULL. */
char *
strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p;

	strbuf_grow(sb, 0);
	p = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb, 0);
	return p;
}

/* Make room for [extra] more bytes plus the terminating NUL. */
void
strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want;
	int fresh = !sb->alloc;

	if (extra > (size_t)-1 / 2 - sb->len)
		abort();
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return;
	if (fresh)
		sb->buf = NULL;
	sb->alloc = want < 64 ? 64 : want + want / 2;
	sb->buf = xrealloc(sb->buf, sb->alloc);
	if (fresh)
		sb->buf[0] = '\0';
}

void
strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc) {
		if (len)
			abort();
		return;
	}
	if (len >= sb->alloc)
		abort();
	sb->len = len;
	sb->buf[len] = '\0';
}

void
strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	strbuf_setlen(sb, sb->len + len);
}

void
strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	strbuf_add(sb, &ch, 1);
}

void
strbuf_addbuf(struct strbuf *sb, const struct strbuf *other)
{
	strbuf_add(sb, other->buf, other->len);
}

void
strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		abort();
	strbuf_grow(sb, (size_t)n);
	n = vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	if (n < 0)
		abort();
	strbuf_setlen(sb, sb->len + (size_t)n);
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* Strip leading and trailing blanks (space, tab, CR, LF). */
void
strbuf_trim(struct strbuf *sb)
{
	size_t start = 0, end = sb->len;

	while (end > 0 && strchr(" \t\r\n", sb->buf[end - 1]))
		end--;
	while (start < end && strchr(" \t\r\n", sb->buf[start]))
		start++;
	if (!sb->alloc)
		return;
	memmove(sb->buf, sb->buf + start, end - start);
	strbuf_setlen(sb, end - start);
}

int
strbuf_ends_with(const struct strbuf *sb, const char *suffix)
{
	size_t n = strlen(suffix);

	return sb->len >= n && !memcmp(sb->buf + sb->len - n, suffix, n);
}

void
strlist_push(struct strlist *sl, const char *s)
{
	if (sl->nr == sl->alloc) {
		sl->alloc = sl->alloc ? sl->alloc * 2 : 8;
		sl->v = xrealloc(sl->v, sl->alloc * sizeof(*sl->v));
	}
	sl->v[sl->nr++] = xstrdup(s);
}

void
strlist_pushf(struct strlist *sl, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strlist_push(sl, sb.buf);
	strbuf_release(&sb);
}

int
strlist_has(const struct strlist *sl, const char *s)
{
	size_t i;

	for (i = 0; i < sl->nr; i++)
		if (!strcmp(sl->v[i], s))
			return 1;
	return 0;
}

void
strlist_clear(struct strlist *sl)
{
	size_t i;

	for (i = 0; i < sl->nr; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->nr = sl->alloc = 0;
}

void
strlist_splice(struct strlist *dst, struct strlist *src)
{
	if (!dst->nr) {
		strlist_clear(dst);
		*dst = *src;
	} else if (src->nr) {
		if (dst->alloc - dst->nr < src->nr) {
			dst->alloc = dst->nr + src->nr;
			dst->v = xrealloc(dst->v, dst->alloc * sizeof(*dst->v));
		}
		memcpy(dst->v + dst->nr, src->v, src->nr * sizeof(*src->v));
		dst->nr += src->nr;
		free(src->v);
	} else {
		free(src->v);
	}
	src->v = NULL;
	src->nr = src->alloc = 0;
}

struct strv_ent {
	const char *s;
	size_t i;
};

/* By string, then by position, so equal strings sort first-seen first. */
static int
_strv_cmp(const void *a, const void *b)
{
	const struct strv_ent *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

size_t
strv_first_dup(char *const *v, size_t n)
{
	struct strv_ent *e;
	size_t i, first = n;

	if (n < 2)
		return n;
	e = xmalloc(n * sizeof(*e));
	for (i = 0; i < n; i++) {
		e[i].s = v[i];
		e[i].i = i;
	}
	qsort(e, n, sizeof(*e), _strv_cmp);
	/* in a run of equal strings the second is the earliest repeat */
	for (i = 1; i < n; i++)
		if (!strcmp(e[i - 1].s, e[i].s) &&
		    (i < 2 || strcmp(e[i - 2].s, e[i].s)) && e[i].i < first)
			first = e[i].i;
	free(e);
	return first;
}

int
pihpc_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	while (*text) {
		size_t len = strcspn(text, "\n");

		if (len == n && !strncmp(text, line, n))
			return 1;
		text += len;
		if (*text)
			text++;
	}
	return 0;
}
