/*
 * cmdline_fuzz.c - fixing the kernel command line (cmdline.txt).
 *
 * Input: the bytes of cmdline.txt.  Properties, when it is accepted:
 *   - the result is one line, with a final newline exactly when the
 *     input had one;
 *   - fixing it again changes nothing;
 *   - read as the kernel reads it (words split at white space outside
 *     double quotes), it holds each word of PIHPC_CMDLINE_WORDS and not
 *     PIHPC_CMDLINE_BAD_WORD, and the other words are kept, in order.
 *     Inputs that cmdline.c does not read that way yet are left out of
 *     this one (_not_yet()).
 */
#include <ctype.h>

#include "fuzz.h"

/* The words of [s, s+n) as the kernel splits them, into [out]. */
static void
_kernel_words(const char *s, size_t n, struct strlist *out)
{
	struct strbuf w = STRBUF_INIT;
	size_t i;
	int quoted = 0;

	for (i = 0; i <= n; i++) {
		if (i == n || (!quoted && isspace((unsigned char)s[i]))) {
			if (w.len)
				strlist_push(out, w.buf);
			strbuf_reset(&w);
			continue;
		}
		if (s[i] == '"')
			quoted = !quoted;
		strbuf_addch(&w, s[i]);
	}
	strbuf_release(&w);
}

/*
 * Lines cmdline.c reads differently from the kernel today: CR (CRLF
 * files), a "--" word (the rest belongs to init), double quotes (words
 * inside a quoted value look like parameters) and the other white space
 * the kernel splits at (vertical tab, form feed).
 */
static int
_not_yet(const char *text, size_t n)
{
	struct strlist words = STRLIST_INIT;
	int r = memchr(text, '\r', n) || memchr(text, '"', n) ||
		memchr(text, '\v', n) || memchr(text, '\f', n);

	_kernel_words(text, n, &words);
	r = r || strlist_has(&words, "--");
	strlist_clear(&words);
	return r;
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

	FUZZ_ASSERT(pihpc_cmdline_fix_text("cmdline.txt", out.buf, out.len,
					   &again, err, sizeof(err)) == 0,
		    "the fixed line is refused: %s", err);
	FUZZ_ASSERT(again.len == out.len && !memcmp(again.buf, out.buf, out.len),
		    "fixing twice changes the line");
	if (_not_yet(text, size))
		goto out;

	_kernel_words(out.buf, body, &out_words);
	_kernel_words(PIHPC_CMDLINE_WORDS, strlen(PIHPC_CMDLINE_WORDS), &want);
	for (i = 0; i < want.nr; i++)
		FUZZ_ASSERT(strlist_has(&out_words, want.v[i]),
			    "'%s' is missing", want.v[i]);
	FUZZ_ASSERT(!strlist_has(&out_words, PIHPC_CMDLINE_BAD_WORD),
		    "'%s' is still there", PIHPC_CMDLINE_BAD_WORD);

	/* every other word of the input is there, in the same order */
	_kernel_words(text, size - (size_t)nl, &in_words);
	for (i = j = 0; i < in_words.nr; i++) {
		if (!strcmp(in_words.v[i], PIHPC_CMDLINE_BAD_WORD))
			continue;
		while (j < out_words.nr && strcmp(out_words.v[j], in_words.v[i]))
			j++;
		FUZZ_ASSERT(j < out_words.nr, "word '%s' was lost",
			    in_words.v[i]);
		j++;
	}
out:
	strbuf_release(&out);
	strbuf_release(&again);
	strlist_clear(&in_words);
	strlist_clear(&out_words);
	strlist_clear(&want);
	return 0;
}
