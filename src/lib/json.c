/*
 * json.c - JSON strings.
 */
#include <string.h>

#include "json.h"

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/*
 * Length of the well-formed UTF-8 sequence at [p] (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
_utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	/* the second byte's range rules out the forms above */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	/* a NUL ends the loop: it is never a continuation byte */
	for (i = 1; i < n; i++) {
		unsigned char min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xbf;

		if (p[i] < min || p[i] > max)
			return 0;
	}
	return n;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_json_str(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	strbuf_addch(sb, '"');
	while (*p) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, *p++);
			continue;
		}
		if (*p < 0x20) {
			if (*p == '\n')
				strbuf_addstr(sb, "\\n");
			else if (*p == '\t')
				strbuf_addstr(sb, "\\t");
			else if (*p == '\r')
				strbuf_addstr(sb, "\\r");
			else
				strbuf_addf(sb, "\\u%04x", (unsigned)*p);
			p++;
			continue;
		}
		n = _utf8_len(p);
		if (!n) {
			strbuf_addstr(sb, REPLACEMENT);
			p++;
			continue;
		}
		strbuf_add(sb, p, n);
		p += n;
	}
	strbuf_addch(sb, '"');
}

void
pihpc_json_str_or_null(struct strbuf *sb, const char *s)
{
	if (s)
		pihpc_json_str(sb, s);
	else
		strbuf_addstr(sb, "null");
}
