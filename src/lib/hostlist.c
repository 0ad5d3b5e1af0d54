/*
 * hostlist.c - Slurm hostlist expressions.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hostlist.h"

#define NAME_CHARS \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
#define MAX_DIGITS 9

/* One piece of a host expression: literal text or a bracket's values. */
struct seg {
	const char *lit;	/* literal text (not NUL-terminated) */
	size_t litlen;
	unsigned long *val;	/* bracket values, NULL for a literal */
	int *width;		/* zero-padding width of each value */
	size_t nr;
	size_t alloc;
};

struct segs {
	struct seg *v;
	size_t nr;
	size_t alloc;
};

/* A group of names for compression: PREFIX NUMBER SUFFIX. */
struct group {
	char *prefix;
	char *suffix;
	int width;		/* zero-pad width, 0 when not padded */
	int literal;		/* a name without digits */
	unsigned long *num;
	size_t nr;
	size_t alloc;
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static struct seg *
_seg_new(struct segs *s)
{
	if (s->nr == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 8;
		s->v = xrealloc(s->v, s->alloc * sizeof(*s->v));
	}
	memset(&s->v[s->nr], 0, sizeof(s->v[0]));
	return &s->v[s->nr++];
}

static void
_seg_push(struct seg *sg, unsigned long v, int width)
{
	if (sg->nr == sg->alloc) {
		sg->alloc = sg->alloc ? 2 * sg->alloc : 8;
		sg->val = xrealloc(sg->val, sg->alloc * sizeof(*sg->val));
		sg->width = xrealloc(sg->width, sg->alloc * sizeof(*sg->width));
	}
	sg->val[sg->nr] = v;
	sg->width[sg->nr++] = width;
}

static void
_segs_free(struct segs *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->v[i].val);
		free(s->v[i].width);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Parse the digits [p, p+n) into [v]; -1 if empty, not digits or too long. */
static int
_number(const char *p, size_t n, unsigned long *v)
{
	size_t i;

	if (!n || n > MAX_DIGITS)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned long)(p[i] - '0');
	}
	return 0;
}

/* Parse one range list "1-3,7" at [p, p+n), [pos] its 0-based offset. */
static int
_parse_ranges(const char *expr, const char *p, size_t n, size_t pos,
	      struct seg *sg, size_t *total, char *err, size_t errlen)
{
	size_t i = 0;

	for (;;) {
		const char *c = memchr(p + i, ',', n - i);
		size_t e = c ? (size_t)(c - p) : n;
		const char *dash = memchr(p + i, '-', e - i);
		unsigned long lo, hi, v;
		size_t lolen = dash ? (size_t)(dash - (p + i)) : e - i;

		if (_number(p + i, lolen, &lo) < 0 ||
		    (dash && _number(dash + 1, e - (size_t)(dash + 1 - p), &hi) < 0))
			return pihpc_err(err, errlen,
				"hostlist '%s': invalid range '%.*s' at position %zu",
				expr, (int)(e - i), p + i, pos + i + 1);
		if (!dash)
			hi = lo;
		if (hi < lo)
			return pihpc_err(err, errlen,
				"hostlist '%s': reversed range '%.*s' at position %zu",
				expr, (int)(e - i), p + i, pos + i + 1);
		if (hi - lo >= PIHPC_HOSTLIST_MAX || *total + (hi - lo) >= PIHPC_HOSTLIST_MAX)
			return pihpc_err(err, errlen,
				"hostlist '%s': more than %d names", expr,
				PIHPC_HOSTLIST_MAX);
		*total += hi - lo + 1;
		for (v = lo; v <= hi; v++)
			_seg_push(sg, v, (int)lolen);
		if (!c)
			return 0;
		i = e + 1;
	}
}

/* Parse the host expression [start, end) of [expr] into [s]. */
static int
_parse_item(const char *expr, size_t start, size_t end, struct segs *s,
	    char *err, size_t errlen)
{
	size_t i = start;

	while (i < end) {
		if (expr[i] == '[') {
			const char *close = memchr(expr + i, ']', end - i);
			size_t total = 0;
			struct seg *sg;

			if (!close)
				return pihpc_err(err, errlen,
					"hostlist '%s': unterminated '[' at position %zu",
					expr, i + 1);
			sg = _seg_new(s);
			if (_parse_ranges(expr, expr + i + 1,
					  (size_t)(close - expr) - i - 1, i + 1,
					  sg, &total, err, errlen) < 0)
				return -1;
			i = (size_t)(close - expr) + 1;
		} else if (expr[i] == ']') {
			return pihpc_err(err, errlen,
				"hostlist '%s': unexpected ']' at position %zu",
				expr, i + 1);
		} else {
			size_t n = strspn(expr + i, NAME_CHARS);
			struct seg *sg;

			if (n > end - i)
				n = end - i;
			if (!n)
				return pihpc_err(err, errlen,
					"hostlist '%s': invalid character '%c' at position %zu",
					expr, expr[i], i + 1);
			sg = _seg_new(s);
			sg->lit = expr + i;
			sg->litlen = n;
			i += n;
		}
	}
	return 0;
}

/* Append every name of [s] (cartesian product) to [out]. */
static void
_generate(const struct segs *s, struct strlist *out)
{
	size_t *idx = xmalloc((s->nr + 1) * sizeof(*idx));
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	memset(idx, 0, (s->nr + 1) * sizeof(*idx));
	for (;;) {
		strbuf_reset(&sb);
		for (i = 0; i < s->nr; i++) {
			const struct seg *sg = &s->v[i];

			if (sg->val)
				strbuf_addf(&sb, "%0*lu", sg->width[idx[i]],
					    sg->val[idx[i]]);
			else
				strbuf_add(&sb, sg->lit, sg->litlen);
		}
		strlist_push(out, sb.buf);
		/* odometer: the last bracket varies fastest */
		for (i = s->nr; i > 0; i--) {
			const struct seg *sg = &s->v[i - 1];

			if (!sg->val)
				continue;
			if (++idx[i - 1] < sg->nr)
				break;
			idx[i - 1] = 0;
		}
		if (i == 0)
			break;
	}
	strbuf_release(&sb);
	free(idx);
}

/* Number of names [s] expands to, capped above PIHPC_HOSTLIST_MAX. */
static size_t
_count(const struct segs *s)
{
	size_t i, n = 1;

	for (i = 0; i < s->nr; i++) {
		if (!s->v[i].val)
			continue;
		n *= s->v[i].nr;
		if (n > PIHPC_HOSTLIST_MAX)
			return PIHPC_HOSTLIST_MAX + 1;
	}
	return n;
}

static void
_group_push(struct group *g, unsigned long v)
{
	if (g->nr == g->alloc) {
		g->alloc = g->alloc ? 2 * g->alloc : 8;
		g->num = xrealloc(g->num, g->alloc * sizeof(*g->num));
	}
	g->num[g->nr++] = v;
}

static int
_cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Write group [g] to [out] as "prefix[1-3,7]suffix" or "prefix7suffix". */
static void
_group_print(struct group *g, struct strbuf *out)
{
	size_t i, j;

	strbuf_addstr(out, g->prefix);
	if (g->literal)
		return;
	qsort(g->num, g->nr, sizeof(*g->num), _cmp_ulong);
	for (i = j = 0; i < g->nr; i++)	/* drop duplicates */
		if (!j || g->num[j - 1] != g->num[i])
			g->num[j++] = g->num[i];
	g->nr = j;
	if (g->nr == 1) {
		strbuf_addf(out, "%0*lu%s", g->width, g->num[0], g->suffix);
		return;
	}
	strbuf_addch(out, '[');
	for (i = 0; i < g->nr; i = j) {
		for (j = i + 1; j < g->nr && g->num[j] == g->num[j - 1] + 1; j++)
			;
		if (i)
			strbuf_addch(out, ',');
		strbuf_addf(out, "%0*lu", g->width, g->num[i]);
		if (j - 1 > i)
			strbuf_addf(out, "-%0*lu", g->width, g->num[j - 1]);
	}
	strbuf_addf(out, "]%s", g->suffix);
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_hostlist_expand(const char *expr, struct strlist *out,
		      char *err, size_t errlen)
{
	size_t len = strlen(expr), start = 0, i, total = 0;
	int depth = 0;

	if (!len)
		return pihpc_err(err, errlen, "hostlist '': empty");
	for (i = 0; i <= len; i++) {
		struct segs s = { NULL, 0, 0 };
		size_t n;

		if (i < len && expr[i] == '[') {
			if (depth)
				return pihpc_err(err, errlen,
					"hostlist '%s': nested '[' at position %zu",
					expr, i + 1);
			depth = 1;
			continue;
		}
		if (i < len && expr[i] == ']') {
			depth = 0;
			continue;
		}
		if (i < len && (expr[i] != ',' || depth))
			continue;
		if (i == start)
			return pihpc_err(err, errlen,
				"hostlist '%s': empty name at position %zu",
				expr, i + 1);
		if (_parse_item(expr, start, i, &s, err, errlen) < 0) {
			_segs_free(&s);
			return -1;
		}
		n = _count(&s);
		if (n > PIHPC_HOSTLIST_MAX || total + n > PIHPC_HOSTLIST_MAX) {
			_segs_free(&s);
			return pihpc_err(err, errlen,
				"hostlist '%s': more than %d names", expr,
				PIHPC_HOSTLIST_MAX);
		}
		total += n;
		_generate(&s, out);
		_segs_free(&s);
		start = i + 1;
	}
	return 0;
}

int
pihpc_hostlist_compress(char *const *names, size_t n, struct strbuf *out,
			char *err, size_t errlen)
{
	struct group *g = NULL;
	size_t ng = 0, i, k;
	int rc = -1;

	strbuf_reset(out);
	g = xmalloc((n ? n : 1) * sizeof(*g));
	for (i = 0; i < n; i++) {
		const char *nm = names[i];
		size_t len = strlen(nm), e = len, b;
		int width = 0, literal;
		unsigned long v = 0;

		if (!len || strspn(nm, NAME_CHARS) != len) {
			(void)pihpc_err(err, errlen, "invalid host name '%s'", nm);
			goto out;
		}
		while (e > 0 && (nm[e - 1] < '0' || nm[e - 1] > '9'))
			e--;
		b = e;
		while (b > 0 && nm[b - 1] >= '0' && nm[b - 1] <= '9')
			b--;
		if (e - b > MAX_DIGITS)		/* too long: keep it literal */
			b = e;
		literal = b == e;
		if (!literal) {
			(void)_number(nm + b, e - b, &v);
			if (nm[b] == '0' && e - b > 1)
				width = (int)(e - b);
		}
		/* find a group; an unpadded number of the same length as a
		 * padded group's width prints the same and may join it */
		for (k = 0; k < ng; k++) {
			size_t pl = strlen(g[k].prefix);

			if (g[k].literal != literal)
				continue;
			if (literal) {
				if (!strcmp(g[k].prefix, nm))
					break;
				continue;
			}
			if (pl == b && !strncmp(g[k].prefix, nm, b) &&
			    !strcmp(g[k].suffix, nm + e) &&
			    (g[k].width == width ||
			     (!width && g[k].width == (int)(e - b))))
				break;
		}
		if (k == ng) {
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng].literal = literal;
			g[ng].prefix = literal ? xstrdup(nm) : xstrndup(nm, b);
			g[ng].suffix = xstrdup(literal ? "" : nm + e);
			g[ng].width = width;
			ng++;
		}
		if (!literal)
			_group_push(&g[k], v);
	}
	for (k = 0; k < ng; k++) {
		if (k)
			strbuf_addch(out, ',');
		_group_print(&g[k], out);
	}
	rc = 0;
out:
	for (k = 0; k < ng; k++) {
		free(g[k].prefix);
		free(g[k].suffix);
		free(g[k].num);
	}
	free(g);
	return rc;
}
