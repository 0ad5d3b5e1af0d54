/*
 * apthook.c - parsing what APT hands a DPkg::Pre-Install-Pkgs hook.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apthook.h"
#include "error.h"
#include "i18n.h"

#define NFIELDS_MAX 9

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static int
_is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* [n] bytes of [s] are all alphanumerics or of [extra]. */
static int
_all(const char *s, size_t n, const char *extra)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!_is_alnum(s[i]) && !strchr(extra, s[i]))
			return 0;
	return 1;
}

static int
_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(s, word, n);
}

/* A package name as dpkg allows it, of at most FIELD_MAX bytes. */
static int
_pkg_ok(const char *s, size_t n)
{
	return n >= 2 && n <= PIHPC_APTHOOK_FIELD_MAX && _is_alnum(s[0]) &&
	       _all(s, n, "+-.");
}

/* "-", or a version of dpkg's characters starting with a digit. */
static int
_ver_ok(const char *s, size_t n)
{
	if (_is(s, n, "-"))
		return 1;
	return n && n <= PIHPC_APTHOOK_FIELD_MAX && s[0] >= '0' &&
	       s[0] <= '9' && _all(s, n, ".+~:-");
}

static int
_arch_ok(const char *s, size_t n)
{
	return n && n <= 64 && _all(s, n, "-");
}

static int
_ma_ok(const char *s, size_t n)
{
	static const char *const words[] = {
		"same", "foreign", "allowed", "none", "no", "-", NULL
	};
	size_t i;

	for (i = 0; words[i]; i++)
		if (_is(s, n, words[i]))
			return 1;
	return 0;
}

/* The file of an unpack: printable, no control characters. */
static int
_file_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || s[0] == '*')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static char *
_dup_ver(const char *s, size_t n)
{
	return _is(s, n, "-") ? NULL : xstrndup(s, n);
}

/*
 * One package action [line] ([n] bytes, no newline) into [h]; -1 with
 * the reason in [err].
 */
static int
_action(struct pihpc_apthook *h, const char *line, size_t n, int lineno,
	char *err, size_t errlen)
{
	const char *f[NFIELDS_MAX];
	size_t fl[NFIELDS_MAX], nf = h->version == 3 ? 9 : 5, i;
	size_t o = 1, d = 2, nv = 3;	/* positions of OLD, DIR and NEW */
	const char *p = line, *end = line + n;
	struct pihpc_apt_action *a;
	const char *act;
	size_t al;

	if (h->version == 3) {
		d = 4;
		nv = 5;
	}
	/* the last field, the file, is the rest of the line: it may hold spaces */
	for (i = 0; i < nf; i++) {
		const char *sp = i + 1 < nf ? memchr(p, ' ', (size_t)(end - p)) : NULL;

		if (i + 1 < nf && !sp)
			return pihpc_err(err, errlen,
					 _("line %d: %zu fields where APT's protocol version %u has %zu"),
					 lineno, i + 1, h->version, nf);
		f[i] = p;
		fl[i] = (size_t)((sp ? sp : end) - p);
		if (!fl[i])
			return pihpc_err(err, errlen, _("line %d: empty field %zu"),
					 lineno, i + 1);
		p = sp ? sp + 1 : end;
	}
	if (!_pkg_ok(f[0], fl[0]))
		return pihpc_err(err, errlen, _("line %d: not a package name: '%.*s'"),
				 lineno, (int)(fl[0] > 64 ? 64 : fl[0]), f[0]);
	for (i = 0; i < 2; i++) {
		size_t k = i ? nv : o;

		if (!_ver_ok(f[k], fl[k]))
			return pihpc_err(err, errlen, _("line %d: not a package version: '%.*s'"),
					 lineno, (int)(fl[k] > 64 ? 64 : fl[k]), f[k]);
	}
	if (h->version == 3 &&
	    (!_arch_ok(f[2], fl[2]) || !_arch_ok(f[6], fl[6]) ||
	     !_ma_ok(f[3], fl[3]) || !_ma_ok(f[7], fl[7])))
		return pihpc_err(err, errlen,
				 _("line %d: not an architecture and Multi-Arch type"),
				 lineno);
	if (fl[d] != 1 || !strchr("<>=", f[d][0]))
		return pihpc_err(err, errlen,
				 _("line %d: not a direction of version change ('<', '>' or '='): '%.*s'"),
				 lineno, (int)(fl[d] > 8 ? 8 : fl[d]), f[d]);
	act = f[nf - 1];
	al = fl[nf - 1];
	if (h->nr == h->alloc) {
		h->alloc = h->alloc ? 2 * h->alloc : 16;
		h->v = xrealloc(h->v, h->alloc * sizeof(*h->v));
	}
	a = &h->v[h->nr];
	if (_is(act, al, "**CONFIGURE**")) {
		a->op = PIHPC_APT_CONFIGURE;
	} else if (_is(act, al, "**REMOVE**")) {
		a->op = PIHPC_APT_REMOVE;
	} else if (_file_ok(act, al)) {
		a->op = PIHPC_APT_UNPACK;
	} else {
		return pihpc_err(err, errlen,
				 _("line %d: not an action ('**CONFIGURE**', '**REMOVE**' or a file)"),
				 lineno);
	}
	if (a->op != PIHPC_APT_REMOVE && _is(f[nv], fl[nv], "-"))
		return pihpc_err(err, errlen,
				 _("line %d: '%.*s' is installed or configured without a version"),
				 lineno, (int)fl[0], f[0]);
	a->pkg = xstrndup(f[0], fl[0]);
	a->oldver = _dup_ver(f[o], fl[o]);
	a->newver = _dup_ver(f[nv], fl[nv]);
	a->line = lineno;
	h->nr++;
	return 0;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_apthook_release(struct pihpc_apthook *h)
{
	size_t i;

	for (i = 0; i < h->nr; i++) {
		free(h->v[i].pkg);
		free(h->v[i].oldver);
		free(h->v[i].newver);
	}
	free(h->v);
	h->v = NULL;
	h->nr = h->alloc = 0;
	strlist_clear(&h->config);
	h->version = 0;
}

int
pihpc_apthook_parse(const char *text, size_t len, struct pihpc_apthook *h,
		    char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	int lineno = 0, in_config = 1;

	if (len > PIHPC_APTHOOK_MAX)
		return pihpc_err(err, errlen, _("more than %lu bytes"),
				 PIHPC_APTHOOK_MAX);
	if (memchr(text, '\0', len))
		return pihpc_err(err, errlen, _("a NUL byte in the input"));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n;

		lineno++;
		if (!nl)
			return pihpc_err(err, errlen,
					 _("line %d: the input stops in the middle of a line"),
					 lineno);
		n = (size_t)(nl - p);
		if (n > PIHPC_APTHOOK_LINE_MAX)
			return pihpc_err(err, errlen,
					 _("line %d: longer than %d bytes"),
					 lineno, PIHPC_APTHOOK_LINE_MAX);
		if (lineno == 1) {
			if (_is(p, n, "VERSION 2"))
				h->version = 2;
			else if (_is(p, n, "VERSION 3"))
				h->version = 3;
			else
				return pihpc_err(err, errlen,
						 _("line 1: not APT's hook protocol version 2 or 3: '%.*s'"),
						 (int)(n > 32 ? 32 : n), p);
		} else if (in_config && !n) {
			in_config = 0;
		} else if (in_config) {
			const char *eq = memchr(p, '=', n);

			if (!eq || eq == p)
				return pihpc_err(err, errlen,
						 _("line %d: a configuration line without 'key=': '%.*s'"),
						 lineno, (int)(n > 32 ? 32 : n), p);
			char *kv = xstrndup(p, n);

			strlist_push(&h->config, kv);
			free(kv);
		} else if (_action(h, p, n, lineno, err, errlen) < 0) {
			return -1;
		}
		p = nl + 1;
	}
	if (!lineno)
		return pihpc_err(err, errlen, _("no input"));
	if (in_config)
		return pihpc_err(err, errlen,
				 _("line %d: the input stops before the end of the configuration"),
				 lineno);
	return 0;
}

const char *
pihpc_apthook_config(const struct pihpc_apthook *h, const char *key)
{
	size_t kl = strlen(key), i;
	const char *val = NULL;

	for (i = 0; i < h->config.nr; i++) {
		const char *c = h->config.v[i];

		if (!strncasecmp(c, key, kl) && c[kl] == '=')
			val = c + kl + 1;
	}
	return val;
}
