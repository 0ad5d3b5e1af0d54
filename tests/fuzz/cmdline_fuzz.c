/*
 * cmdline_fuzz.c - fixing the kernel command line (cmdline.txt).
 *
 * Input: the bytes of cmdline.txt.  Properties, when it is accepted:
 *   - the result is one line with the same line end ("\n", "\r\n" or
 *     none);
 *   - fixing it again changes nothing;
 *   - read as the kernel reads it (words split at white space outside
 *     double quotes; the words from a "--" on go to init): the kernel
 *     arguments hold cgroup_memory=1 and enable cpuset and memory, no
 *     cgroup_disable= names cpu, cpuset or memory, the other arguments
 *     are kept in order and the words for init are not touched.  Inputs
 *     that cmdline.c does not read that way yet are left out of this one
 *     (_not_yet()).
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

/* Index of the first "--" word of [w] (its number of words if none). */
static size_t
_init_at(const struct strlist *w)
{
	size_t i;

	for (i = 0; i < w->nr && strcmp(w->v[i], "--"); i++)
		;
	return i;
}

/* True if "KEY=a,b,..." is among the first [n] words of [w] with [item]. */
static int
_list_has(const struct strlist *w, size_t n, const char *key,
	  const char *item)
{
	size_t i, kl = strlen(key), il = strlen(item);

	for (i = 0; i < n; i++) {
		const char *p = w->v[i] + kl;

		if (strncmp(w->v[i], key, kl))
			continue;
		while (*p) {
			size_t l = strcspn(p, ",");

			if (l == il && !strncmp(p, item, l))
				return 1;
			p += l;
			if (*p)
				p++;
		}
	}
	return 0;
}

/*
 * Lines cmdline.c reads differently from the kernel today: vertical tab
 * and form feed are white space to the kernel, not to cmdline.c.
 */
static int
_not_yet(const char *text, size_t n)
{
	return memchr(text, '\v', n) || memchr(text, '\f', n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const controllers[] = { "cpu", "cpuset", "memory" };
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	struct strlist in = STRLIST_INIT, got = STRLIST_INIT;
	const char *text = (const char *)data;
	size_t eol, in_init, got_init, i, j;
	char err[512];

	err[0] = '\0';
	if (pihpc_cmdline_fix_text("cmdline.txt", text, size, &out, err,
				   sizeof(err)) < 0) {
		FUZZ_ASSERT(err[0], "refused without a message");
		FUZZ_ASSERT(!out.len, "refused, but something in the output");
		goto out;
	}
	eol = size && text[size - 1] == '\n' ?
		(size > 1 && text[size - 2] == '\r' ? 2 : 1) : 0;
	FUZZ_ASSERT(out.len >= eol &&
		    !memcmp(out.buf + out.len - eol, text + size - eol, eol),
		    "the line end was lost");
	FUZZ_ASSERT(!memchr(out.buf, '\n', out.len - eol) &&
		    !memchr(out.buf, '\r', out.len - eol) &&
		    !memchr(out.buf, '\0', out.len - eol),
		    "the result is not one line");

	FUZZ_ASSERT(pihpc_cmdline_fix_text("cmdline.txt", out.buf, out.len,
					   &again, err, sizeof(err)) == 0,
		    "the fixed line is refused: %s", err);
	FUZZ_ASSERT(again.len == out.len && !memcmp(again.buf, out.buf, out.len),
		    "fixing twice changes the line");
	if (_not_yet(text, size))
		goto out;

	_kernel_words(text, size, &in);
	_kernel_words(out.buf, out.len, &got);
	in_init = _init_at(&in);
	got_init = _init_at(&got);
	for (i = 0; i < got_init && strcmp(got.v[i], "cgroup_memory=1"); i++)
		;
	FUZZ_ASSERT(i < got_init, "cgroup_memory=1 is not for the kernel");
	FUZZ_ASSERT(_list_has(&got, got_init, "cgroup_enable=", "cpuset") &&
		    _list_has(&got, got_init, "cgroup_enable=", "memory"),
		    "cpuset or memory not enabled");
	for (i = 0; i < 3; i++)
		FUZZ_ASSERT(!_list_has(&got, got_init, "cgroup_disable=",
				       controllers[i]),
			    "'%s' still disabled", controllers[i]);

	/* the words for init stay as they were */
	FUZZ_ASSERT(in.nr - in_init == got.nr - got_init,
		    "the words for init changed");
	for (i = 0; in_init + i < in.nr; i++)
		FUZZ_ASSERT(!strcmp(in.v[in_init + i], got.v[got_init + i]),
			    "word '%s' for init changed", in.v[in_init + i]);

	/* the other kernel arguments are kept, in order */
	for (i = j = 0; i < in_init; i++) {
		if (!strncmp(in.v[i], "cgroup_disable=", 15))
			continue;
		while (j < got_init && strcmp(got.v[j], in.v[i]))
			j++;
		FUZZ_ASSERT(j < got_init, "argument '%s' was lost", in.v[i]);
		j++;
	}
out:
	strbuf_release(&out);
	strbuf_release(&again);
	strlist_clear(&in);
	strlist_clear(&got);
	return 0;
}
