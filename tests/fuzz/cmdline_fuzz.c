/*
 * cmdline_fuzz.c - fixing the kernel command line (cmdline.txt).
 *
 * Input: the bytes of cmdline.txt.  Properties, when it is accepted:
 *   - the result is one line, with a final newline exactly when the
 *     input had one;
 *   - it holds each word of PIHPC_CMDLINE_WORDS and not
 *     PIHPC_CMDLINE_BAD_WORD;
 *   - the other words are kept, in order;
 *   - fixing it again changes nothing.
 */
#include "fuzz.h"

#define BLANKS " \t"

/* The blank-separated words of [s, s+n) into [out]. */
static void
_words(const char *s, size_t n, struct strlist *out)
{
	char *copy = xstrndup(s, n), *save = NULL, *w;

	for (w = strtok_r(copy, BLANKS, &save); w;
	     w = strtok_r(NULL, BLANKS, &save))
		strlist_push(out, w);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	struct strlist in_words = STRLIST_INIT, out_words = STRLIST_INIT;
	struct strlist want = STRLIST_INIT;
	const char *text = (const char *)data;
	size_t body, i, j;
	int nl;
	char err[512];

	err[0] = '\0';
	if (pihpc_cmdline_fix_text("cmdline.txt", text, size, &out, err,
				   sizeof(err)) < 0) {
		FUZZ_ASSERT(err[0], "refused without a message");
		goto out;
	}
	nl = size && text[size - 1] == '\n';
	body = out.len - (size_t)nl;
	FUZZ_ASSERT(out.len >= (size_t)nl && (!nl || out.buf[out.len - 1] == '\n'),
		    "the final newline was lost");
	FUZZ_ASSERT(!memchr(out.buf, '\n', body) && !memchr(out.buf, '\0', body),
		    "the result is not one line");

	_words(out.buf, body, &out_words);
	_words(PIHPC_CMDLINE_WORDS, strlen(PIHPC_CMDLINE_WORDS), &want);
	for (i = 0; i < want.nr; i++)
		FUZZ_ASSERT(strlist_has(&out_words, want.v[i]),
			    "'%s' is missing", want.v[i]);
	FUZZ_ASSERT(!strlist_has(&out_words, PIHPC_CMDLINE_BAD_WORD),
		    "'%s' is still there", PIHPC_CMDLINE_BAD_WORD);

	/* every other word of the input is there, in the same order */
	_words(text, size - (size_t)nl, &in_words);
	for (i = j = 0; i < in_words.nr; i++) {
		if (!strcmp(in_words.v[i], PIHPC_CMDLINE_BAD_WORD))
			continue;
		while (j < out_words.nr && strcmp(out_words.v[j], in_words.v[i]))
			j++;
		FUZZ_ASSERT(j < out_words.nr, "word '%s' was lost",
			    in_words.v[i]);
		j++;
	}

	FUZZ_ASSERT(pihpc_cmdline_fix_text("cmdline.txt", out.buf, out.len,
					   &again, err, sizeof(err)) == 0,
		    "the fixed line is refused: %s", err);
	FUZZ_ASSERT(again.len == out.len && !memcmp(again.buf, out.buf, out.len),
		    "fixing twice changes the line");
out:
	strbuf_release(&out);
	strbuf_release(&again);
	strlist_clear(&in_words);
	strlist_clear(&out_words);
	strlist_clear(&want);
	return 0;
}
