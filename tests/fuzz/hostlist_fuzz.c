/*
 * hostlist_fuzz.c - one hostlist expression: expand, compress, expand.
 *
 * Input: the expression.  Properties, when it expands:
 *   - an error leaves a message and no names;
 *   - compressing the names gives an expression that expands to the same
 *     names without duplicates, and whose comma-separated groups come in
 *     the order of their first name in the input (see hostlist.h);
 *   - compressing that again gives the same expression.
 */
#include "fuzz.h"

/* A name and where it first comes in the input. */
struct at {
	const char *name;
	size_t pos;
};

static int
_cmp_at(const void *a, const void *b)
{
	const struct at *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* [names] sorted by name, then position: a first-position index. */
static struct at *
_index(const struct strlist *names)
{
	struct at *idx = xmalloc((names->nr ? names->nr : 1) * sizeof(*idx));
	size_t i;

	for (i = 0; i < names->nr; i++) {
		idx[i].name = names->v[i];
		idx[i].pos = i;
	}
	qsort(idx, names->nr, sizeof(*idx), _cmp_at);
	return idx;
}

/* Position of the first [name] in the input, which holds it. */
static size_t
_first(const struct at *idx, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(idx[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	FUZZ_ASSERT(lo < n && !strcmp(idx[lo].name, name),
		    "'%s' was not in the input", name);
	return idx[lo].pos;
}

/*
 * Abort unless the groups of [hl] (split at commas outside brackets)
 * start, in order, with names ever later in [names].
 */
static void
_check_group_order(const char *hl, const struct strlist *names)
{
	struct at *idx = _index(names);
	const char *p = hl;
	size_t prev = 0, n = 0;

	while (*p) {
		struct strlist g = STRLIST_INIT;
		char *item, err[512];
		size_t len = 0, i, first = (size_t)-1;
		int depth = 0;

		for (; p[len] && (depth || p[len] != ','); len++)
			depth += p[len] == '[' ? 1 : p[len] == ']' ? -1 : 0;
		item = xstrndup(p, len);
		FUZZ_ASSERT(pihpc_hostlist_expand(item, &g, err, sizeof(err)) == 0,
			    "group '%s' of '%s': %s", item, hl, err);
		for (i = 0; i < g.nr; i++) {
			size_t f = _first(idx, names->nr, g.v[i]);

			if (f < first)
				first = f;
		}
		FUZZ_ASSERT(!n || first > prev,
			    "group '%s' of '%s' is out of order", item, hl);
		prev = first;
		n++;
		free(item);
		strlist_clear(&g);
		p += len;
		if (*p)
			p++;
	}
	free(idx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist names = STRLIST_INIT, back = STRLIST_INIT;
	struct strbuf hl = STRBUF_INIT, hl2 = STRBUF_INIT;
	struct fuzz_part all = { (const char *)data, size };
	char *expr = fuzz_str(&all), err[512];
	size_t distinct;

	err[0] = '\0';
	if (pihpc_hostlist_expand(expr, &names, err, sizeof(err)) < 0) {
		FUZZ_ASSERT(err[0], "expansion failed without a message");
		FUZZ_ASSERT(!names.nr, "failed expansion left %zu names",
			    names.nr);
		goto out;
	}
	FUZZ_ASSERT(names.nr > 0 && names.nr <= PIHPC_HOSTLIST_MAX,
		    "'%s' expands to %zu names", expr, names.nr);
	FUZZ_ASSERT(pihpc_hostlist_compress(names.v, names.nr, &hl, err,
					    sizeof(err)) == 0,
		    "cannot compress the names of '%s': %s", expr, err);
	FUZZ_ASSERT(pihpc_hostlist_expand(hl.buf, &back, err,
					  sizeof(err)) == 0,
		    "'%s' compressed to '%s', which does not expand: %s",
		    expr, hl.buf, err);
	FUZZ_ASSERT(pihpc_hostlist_compress(back.v, back.nr, &hl2, err,
					    sizeof(err)) == 0,
		    "cannot compress the names of '%s': %s", hl.buf, err);
	FUZZ_ASSERT(!strcmp(hl.buf, hl2.buf),
		    "'%s' compresses to '%s', then to '%s'", expr, hl.buf,
		    hl2.buf);

	_check_group_order(hl.buf, &names);

	distinct = back.nr;
	fuzz_sort_unique(&back);
	FUZZ_ASSERT(back.nr == distinct, "'%s' (from '%s') has duplicates",
		    hl.buf, expr);
	fuzz_sort_unique(&names);
	FUZZ_ASSERT(fuzz_strlist_equal(&names, &back),
		    "'%s' compressed to '%s' names other hosts", expr, hl.buf);
out:
	free(expr);
	strlist_clear(&names);
	strlist_clear(&back);
	strbuf_release(&hl);
	strbuf_release(&hl2);
	return 0;
}
