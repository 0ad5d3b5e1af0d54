/*
 * hostlist.c - Slurm hostlist expressions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hostlist.h"
#include "i18n.h"

#define NAME_CHARS \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
#define MAX_DIGITS 9
/* literal runs and brackets alternate: n brackets, n + 1 literals */
#define MAX_SEGS (2 * PIHPC_HOSTLIST_BRACKETS_MAX + 1)

/*
 * Messages quote the expression, cut to its first EXPR_SHOWN characters
 * so that a huge one still leaves room for the reason.  Each spells out
 * "hostlist '%.*s%s'" so that it is one whole sentence to translate.
 */
#define EXPR_SHOWN 60
#define EXPR_ARG(e) (int)EXPR_SHOWN, (e), strlen(e) > EXPR_SHOWN ? "..." : ""

/* "lo-hi" in a bracket, printed zero-padded to [width] digits. */
struct range {
	unsigned long lo;
	unsigned long hi;
	int width;
};

/* One piece of a host expression: literal text or a bracket's ranges. */
struct seg {
	const char *lit;	/* literal text (not NUL-terminated) */
	size_t litlen;
	struct range *r;	/* bracket ranges, NULL for a literal */
	size_t nr;
	size_t alloc;
};

/* One comma-separated item of a hostlist: "a[1-2]b[3-4]". */
struct item {
	struct seg v[MAX_SEGS];
	size_t nr;
	size_t count;		/* names it expands to */
	size_t maxlen;		/* length of its longest name */
};

/* A name being compressed: PREFIX NUMBER SUFFIX, or a literal. */
struct cname {
	const char *s;
	size_t b, e;		/* the number is s[b, e); b == e: literal */
	int padded;		/* leading zero: the group keeps the width */
	unsigned long v;
	size_t i;		/* position in the input */
	size_t grp;
};

/* A group of the compressed list: names in cn[start, start + nr). */
struct group {
	size_t first;		/* input position of its first name */
	size_t start;
	size_t nr;
	int width;
};

/*****************************************************************************
 *  Private Functions: expansion
 *****************************************************************************/

static void
_item_free(struct item *it)
{
	size_t i;

	for (i = 0; i < it->nr; i++)
		free(it->v[i].r);
	memset(it, 0, sizeof(*it));
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

static size_t
_digits(unsigned long v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/*
 * Parse one range list "1-3,7" at [p, p+n), [pos] its 0-based offset,
 * into [sg]; [count] gets its number of names, [maxw] its widest number.
 */
static int
_parse_ranges(const char *expr, const char *p, size_t n, size_t pos,
	      struct seg *sg, size_t *count, size_t *maxw,
	      char *err, size_t errlen)
{
	size_t i = 0;

	*count = *maxw = 0;
	for (;;) {
		const char *c = memchr(p + i, ',', n - i);
		size_t e = c ? (size_t)(c - p) : n;
		const char *dash = memchr(p + i, '-', e - i);
		unsigned long lo, hi;
		size_t lolen = dash ? (size_t)(dash - (p + i)) : e - i, w;

		if (_number(p + i, lolen, &lo) < 0 ||
		    (dash && _number(dash + 1, e - (size_t)(dash + 1 - p), &hi) < 0))
			return pihpc_err(err, errlen,
				_("hostlist '%.*s%s': invalid range '%.*s' at position %zu"),
				EXPR_ARG(expr), (int)(e - i), p + i, pos + i + 1);
		if (!dash)
			hi = lo;
		if (hi < lo)
			return pihpc_err(err, errlen,
				_("hostlist '%.*s%s': reversed range '%.*s' at position %zu"),
				EXPR_ARG(expr), (int)(e - i), p + i, pos + i + 1);
		if (hi - lo >= PIHPC_HOSTLIST_MAX ||
		    *count + (hi - lo) >= PIHPC_HOSTLIST_MAX)
			return pihpc_err(err, errlen,
				_("hostlist '%.*s%s': more than %d names"), EXPR_ARG(expr),
				PIHPC_HOSTLIST_MAX);
		*count += hi - lo + 1;
		w = _digits(hi) > lolen ? _digits(hi) : lolen;
		if (w > *maxw)
			*maxw = w;
		if (sg->nr == sg->alloc) {
			sg->alloc = sg->alloc ? 2 * sg->alloc : 4;
			sg->r = xrealloc(sg->r, sg->alloc * sizeof(*sg->r));
		}
		sg->r[sg->nr].lo = lo;
		sg->r[sg->nr].hi = hi;
		sg->r[sg->nr++].width = (int)lolen;
		if (!c)
			return 0;
		i = e + 1;
	}
}

/*
 * Parse the host expression [start, end) of [expr] into [it], refusing
 * it as soon as its names would be too many or too long.
 */
static int
_parse_item(const char *expr, size_t start, size_t end, struct item *it,
	    char *err, size_t errlen)
{
	size_t i = start, brackets = 0;

	it->count = 1;
	while (i < end) {
		struct seg *sg;
		size_t count = 0, width = 0;

		if (expr[i] == ']')
			return pihpc_err(err, errlen,
				_("hostlist '%.*s%s': unexpected ']' at position %zu"),
				EXPR_ARG(expr), i + 1);
		if (expr[i] == '[') {
			const char *close = memchr(expr + i, ']', end - i);

			if (!close)
				return pihpc_err(err, errlen,
					_("hostlist '%.*s%s': unterminated '[' at position %zu"),
					EXPR_ARG(expr), i + 1);
			if (++brackets > PIHPC_HOSTLIST_BRACKETS_MAX)
				return pihpc_err(err, errlen,
					_("hostlist '%.*s%s': more than %d brackets in one name at position %zu"),
					EXPR_ARG(expr), PIHPC_HOSTLIST_BRACKETS_MAX, i + 1);
			sg = &it->v[it->nr++];
			if (_parse_ranges(expr, expr + i + 1,
					  (size_t)(close - expr) - i - 1, i + 1,
					  sg, &count, &width, err, errlen) < 0)
				return -1;
			/* both at most 65536: the product overflows 32 bits */
			if ((unsigned long long)it->count * count > PIHPC_HOSTLIST_MAX)
				return pihpc_err(err, errlen,
					_("hostlist '%.*s%s': more than %d names"), EXPR_ARG(expr),
					PIHPC_HOSTLIST_MAX);
			it->count *= count;
			i = (size_t)(close - expr) + 1;
		} else {
			size_t n = strspn(expr + i, NAME_CHARS);

			if (n > end - i)
				n = end - i;
			if (!n && (expr[i] < ' ' || expr[i] > '~'))
				return pihpc_err(err, errlen,
					_("hostlist '%.*s%s': invalid byte 0x%02x at position %zu"),
					EXPR_ARG(expr), (unsigned char)expr[i], i + 1);
			if (!n)
				return pihpc_err(err, errlen,
					_("hostlist '%.*s%s': invalid character '%c' at position %zu"),
					EXPR_ARG(expr), expr[i], i + 1);
			sg = &it->v[it->nr++];
			sg->lit = expr + i;
			sg->litlen = width = n;
			i += n;
		}
		it->maxlen += width;
		if (it->maxlen > PIHPC_HOSTLIST_NAME_MAX)
			return pihpc_err(err, errlen,
				_("hostlist '%.*s%s': name longer than %d characters at position %zu"),
				EXPR_ARG(expr), PIHPC_HOSTLIST_NAME_MAX, start + 1);
	}
	return 0;
}

/* Append every name of [it] (cartesian product) to [out]. */
static void
_generate(const struct item *it, struct strlist *out)
{
	unsigned long cur[MAX_SEGS];
	size_t ri[MAX_SEGS], k;
	char name[PIHPC_HOSTLIST_NAME_MAX + 1];

	for (k = 0; k < it->nr; k++) {
		ri[k] = 0;
		cur[k] = it->v[k].r ? it->v[k].r[0].lo : 0;
	}
	for (;;) {
		size_t len = 0;

		/* _parse_item bounded every name to fit [name] */
		for (k = 0; k < it->nr; k++) {
			const struct seg *sg = &it->v[k];

			if (sg->lit) {
				memcpy(name + len, sg->lit, sg->litlen);
				len += sg->litlen;
			} else if (sg->r) {
				len += (size_t)snprintf(name + len, sizeof(name) - len,
							"%0*lu", sg->r[ri[k]].width,
							cur[k]);
			}
		}
		name[len] = '\0';
		strlist_push(out, name);
		/* odometer: the last bracket varies fastest */
		for (k = it->nr; k > 0; k--) {
			const struct seg *sg = &it->v[k - 1];

			if (!sg->r)
				continue;
			if (cur[k - 1] < sg->r[ri[k - 1]].hi) {
				cur[k - 1]++;
				break;
			}
			if (ri[k - 1] + 1 < sg->nr) {
				cur[k - 1] = sg->r[++ri[k - 1]].lo;
				break;
			}
			ri[k - 1] = 0;
			cur[k - 1] = sg->r[0].lo;
		}
		if (k == 0)
			break;
	}
}

/*
 * Parse each item of [expr] (split at the commas outside brackets).  With
 * [out] NULL, check the list's bounds and add up its names in [total] and
 * their bytes in [bytes]; else append the names to [out].
 */
static int
_items(const char *expr, struct strlist *out, size_t *total, size_t *bytes,
       char *err, size_t errlen)
{
	size_t len = strlen(expr), start = 0, i;
	int depth = 0;

	for (i = 0; i <= len; i++) {
		struct item it;
		int rc;

		if (i < len && expr[i] == '[') {
			if (depth)
				return pihpc_err(err, errlen,
					_("hostlist '%.*s%s': nested '[' at position %zu"),
					EXPR_ARG(expr), i + 1);
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
				_("hostlist '%.*s%s': empty name at position %zu"),
				EXPR_ARG(expr), i + 1);
		memset(&it, 0, sizeof(it));
		rc = _parse_item(expr, start, i, &it, err, errlen);
		if (rc == 0 && !out) {
			if (*total + it.count > PIHPC_HOSTLIST_MAX)
				rc = pihpc_err(err, errlen,
					_("hostlist '%.*s%s': more than %d names"), EXPR_ARG(expr),
					PIHPC_HOSTLIST_MAX);
			else if (*bytes + it.count * (it.maxlen + 1) >
				 PIHPC_HOSTLIST_BYTES_MAX)
				rc = pihpc_err(err, errlen,
					_("hostlist '%.*s%s': more than %lu bytes of names"),
					EXPR_ARG(expr), PIHPC_HOSTLIST_BYTES_MAX);
			*total += it.count;
			*bytes += it.count * (it.maxlen + 1);
		}
		if (rc == 0 && out)
			_generate(&it, out);
		_item_free(&it);
		if (rc < 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

/*****************************************************************************
 *  Private Functions: compression
 *****************************************************************************/

/* Compare the prefixes s[0, b) of two names. */
static int
_prefix_cmp(const struct cname *x, const struct cname *y)
{
	size_t n = x->b < y->b ? x->b : y->b;
	int c = memcmp(x->s, y->s, n);

	if (c)
		return c;
	return x->b < y->b ? -1 : x->b > y->b;
}

/*
 * Literals by name; numbered names by prefix, suffix, number of digits;
 * then by input position so each run starts with its first name.
 */
static int
_cname_cmp(const void *a, const void *b)
{
	const struct cname *x = a, *y = b;
	int c;

	if ((x->b == x->e) != (y->b == y->e))
		return x->b == x->e ? -1 : 1;
	if (x->b == x->e) {
		c = strcmp(x->s, y->s);
	} else {
		c = _prefix_cmp(x, y);
		if (!c)
			c = strcmp(x->s + x->e, y->s + y->e);
		if (!c && x->e - x->b != y->e - y->b)
			c = x->e - x->b < y->e - y->b ? -1 : 1;
	}
	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Same group, then ascending number. */
static int
_cname_num_cmp(const void *a, const void *b)
{
	const struct cname *x = a, *y = b;

	if (x->grp != y->grp)
		return x->grp < y->grp ? -1 : 1;
	return x->v < y->v ? -1 : x->v > y->v;
}

static int
_group_first_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Same (prefix, suffix) block of numbered names? */
static int
_same_block(const struct cname *x, const struct cname *y)
{
	return x->b != x->e && y->b != y->e && !_prefix_cmp(x, y) &&
	       !strcmp(x->s + x->e, y->s + y->e);
}

/*
 * Give each name of the sorted [cn] its group: literals by name; in a
 * (prefix, suffix) block, the numbers of one length go to a padded group
 * if any of them is padded, else to the block's unpadded group.
 */
static size_t
_assign_groups(struct cname *cn, size_t n, struct group *g)
{
	size_t i = 0, ng = 0;

	while (i < n) {
		size_t blk = i, unpadded = (size_t)-1;

		if (cn[i].b == cn[i].e) {
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng].first = cn[i].i;
			for (; i < n && cn[i].b == cn[i].e &&
			       !strcmp(cn[i].s, cn[blk].s); i++) {
				cn[i].grp = ng;
				if (cn[i].i < g[ng].first)
					g[ng].first = cn[i].i;
			}
			ng++;
			continue;
		}
		while (i < n && _same_block(&cn[blk], &cn[i])) {
			size_t sub = i, k, digits = cn[i].e - cn[i].b, grp;
			int padded = 0;

			for (; i < n && _same_block(&cn[blk], &cn[i]) &&
			       cn[i].e - cn[i].b == digits; i++)
				padded |= cn[i].padded;
			if (padded || unpadded == (size_t)-1) {
				memset(&g[ng], 0, sizeof(g[ng]));
				g[ng].first = cn[sub].i;
				g[ng].width = padded ? (int)digits : 0;
				if (!padded)
					unpadded = ng;
				grp = ng++;
			} else {
				grp = unpadded;
			}
			for (k = sub; k < i; k++) {
				cn[k].grp = grp;
				if (cn[k].i < g[grp].first)
					g[grp].first = cn[k].i;
			}
		}
	}
	return ng;
}

/* Write group [g] (numbers sorted) as "prefix[1-3,7]suffix" or a name. */
static void
_group_print(const struct group *g, const struct cname *cn,
	     struct strbuf *out)
{
	const struct cname *c = &cn[g->start];
	size_t i, j, nv = 0;
	unsigned long *v;

	if (c->b == c->e) {
		strbuf_addstr(out, c->s);
		return;
	}
	v = xmalloc(g->nr * sizeof(*v));
	for (i = 0; i < g->nr; i++)	/* drop duplicates */
		if (!nv || v[nv - 1] != c[i].v)
			v[nv++] = c[i].v;
	strbuf_add(out, c->s, c->b);
	if (nv == 1) {
		strbuf_addf(out, "%0*lu%s", g->width, v[0], c->s + c->e);
		free(v);
		return;
	}
	strbuf_addch(out, '[');
	for (i = 0; i < nv; i = j) {
		for (j = i + 1; j < nv && v[j] == v[j - 1] + 1; j++)
			;
		if (i)
			strbuf_addch(out, ',');
		strbuf_addf(out, "%0*lu", g->width, v[i]);
		if (j - 1 > i)
			strbuf_addf(out, "-%0*lu", g->width, v[j - 1]);
	}
	strbuf_addf(out, "]%s", c->s + c->e);
	free(v);
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_hostlist_expand(const char *expr, struct strlist *out,
		      char *err, size_t errlen)
{
	struct strlist names = STRLIST_INIT;
	size_t total = 0, bytes = 0;

	if (!*expr)
		return pihpc_err(err, errlen, _("hostlist '': empty"));
	/* the whole size is known and bounded before any name is made */
	if (_items(expr, NULL, &total, &bytes, err, errlen) < 0)
		return -1;
	(void)_items(expr, &names, &total, &bytes, err, errlen);
	strlist_splice(out, &names);
	return 0;
}

int
pihpc_hostlist_compress(char *const *names, size_t n, struct strbuf *out,
			char *err, size_t errlen)
{
	struct cname *cn = xmalloc((n ? n : 1) * sizeof(*cn));
	struct group *g = xmalloc((n ? n : 1) * sizeof(*g));
	size_t ng, i;
	int rc = -1;

	strbuf_reset(out);
	for (i = 0; i < n; i++) {
		const char *nm = names[i];
		size_t len = strlen(nm), e = len, b;

		if (!len || strspn(nm, NAME_CHARS) != len) {
			(void)pihpc_err(err, errlen, _("invalid host name '%s'"), nm);
			goto out;
		}
		if (len > PIHPC_HOSTLIST_NAME_MAX) {
			(void)pihpc_err(err, errlen,
					_("host name longer than %d characters: '%.20s...'"),
					PIHPC_HOSTLIST_NAME_MAX, nm);
			goto out;
		}
		while (e > 0 && (nm[e - 1] < '0' || nm[e - 1] > '9'))
			e--;
		b = e;
		while (b > 0 && nm[b - 1] >= '0' && nm[b - 1] <= '9')
			b--;
		if (e - b > MAX_DIGITS)		/* too long: keep it literal */
			b = e;
		memset(&cn[i], 0, sizeof(cn[i]));
		cn[i].s = nm;
		cn[i].b = b;
		cn[i].e = e;
		cn[i].i = i;
		if (b != e) {
			(void)_number(nm + b, e - b, &cn[i].v);
			cn[i].padded = nm[b] == '0' && e - b > 1;
		}
	}
	qsort(cn, n, sizeof(*cn), _cname_cmp);
	ng = _assign_groups(cn, n, g);
	qsort(cn, n, sizeof(*cn), _cname_num_cmp);
	for (i = 0; i < n; i++) {
		if (!i || cn[i].grp != cn[i - 1].grp)
			g[cn[i].grp].start = i;
		g[cn[i].grp].nr++;
	}
	qsort(g, ng, sizeof(*g), _group_first_cmp);
	for (i = 0; i < ng; i++) {
		if (i)
			strbuf_addch(out, ',');
		_group_print(&g[i], cn, out);
	}
	rc = 0;
out:
	free(cn);
	free(g);
	return rc;
}
