/*
 * strbuf.h - growable strings and string lists (after git's strbuf).
 *
 * Invariant: sb->buf is never NULL and always NUL-terminated, so a fresh
 * STRBUF_INIT buffer can be printed at once.  Allocation failure aborts:
 * there is no sensible recovery for a tool of this size.
 */
#ifndef PIHPC_STRBUF_H
#define PIHPC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

extern char strbuf_slopbuf[];

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
__attribute__((format(printf, 2, 3)))
void strbuf_addf(struct strbuf *sb, const char *fmt, ...);
__attribute__((format(printf, 2, 0)))
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_trim(struct strbuf *sb);
int strbuf_ends_with(const struct strbuf *sb, const char *suffix);

/* A list of owned strings. */
struct strlist {
	char **v;
	size_t nr;
	size_t alloc;
};

#define STRLIST_INIT { NULL, 0, 0 }

void strlist_push(struct strlist *sl, const char *s);
__attribute__((format(printf, 2, 3)))
void strlist_pushf(struct strlist *sl, const char *fmt, ...);
int strlist_has(const struct strlist *sl, const char *s);
void strlist_clear(struct strlist *sl);

/* Move every string of [src] to the end of [dst]; [src] is left empty. */
void strlist_splice(struct strlist *dst, struct strlist *src);

/*
 * Index of the first of the [n] strings [v] that equals an earlier one,
 * or [n] if all differ.  O(n log n), for lists of any length.
 */
size_t strv_first_dup(char *const *v, size_t n);

/* Allocation helpers that abort on failure. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* 1 if [text] has a line (newline-separated) that is exactly [line]. */
int pihpc_has_line(const char *text, const char *line);

#endif /* PIHPC_STRBUF_H */
