/*
 * hostlist_fuzz.c - one hostlist expression: expand, compress, expand.
 *
 * Input: the expression.  Properties, when it expands:
 *   - an error leaves a message;
 *   - compressing the names gives an expression that expands to the same
 *     names without duplicates (as a set: groups keep the order of their
 *     first name, numbers in a group are sorted, see hostlist.h);
 *   - compressing that again gives the same expression.
 */
#include "fuzz.h"

/*
 * Compression compares each name with every group so far; until that is
 * made linear, more names than this make a run slow, not wrong.
 */
#define COMPRESS_MAX 2048

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
		goto out;
	}
	FUZZ_ASSERT(names.nr > 0 && names.nr <= PIHPC_HOSTLIST_MAX,
		    "'%s' expands to %zu names", expr, names.nr);
	if (names.nr > COMPRESS_MAX)
		goto out;

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
