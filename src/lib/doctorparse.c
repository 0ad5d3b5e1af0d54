/*
 * doctorparse.c - the parsers of "pihpc doctor", for untrusted text.
 *
 * Each walks the text line by line with explicit lengths and copies
 * nothing it has not measured; numbers are read digit by digit with a
 * cap, never with strtod() (locale) or an unchecked strtoul().
 */
#include <string.h>
#include <strings.h>

#include "doctorparse.h"
#include "hostlist.h"
#include "i18n.h"

#define BLANKS " \t"
/* What isspace() takes, the line end aside: the separators of the
 * resolver's hosts file and of files edited with CR LF line ends. */
#define SPACES " \t\r\v\f"

/* Room for the words of a line we care about. */
#define MAX_FIELDS 64
#define NUM_MAX_DIGITS 15

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* One line of [*p]: its start and length; [*p] moves past its end. */
static size_t
_line(const char **p, const char **start)
{
	size_t n = strcspn(*p, "\n");

	*start = *p;
	*p += n;
	if (**p)
		(*p)++;
	return n;
}

/*
 * Split [s] ([n] bytes) at the characters of [seps] into at most [max]
 * fields; returns how many (fields beyond [max] are ignored).
 */
static size_t
_fields(const char *s, size_t n, const char *seps, const char **f,
	size_t *fl, size_t max)
{
	size_t i = 0, nf = 0;

	while (i < n && nf < max) {
		while (i < n && strchr(seps, s[i]))
			i++;
		if (i == n)
			break;
		f[nf] = s + i;
		while (i < n && !strchr(seps, s[i]))
			i++;
		fl[nf] = (size_t)(s + i - f[nf]);
		nf++;
	}
	return nf;
}

/* mountinfo's escapes: "\040" for a blank, "\011", "\012", "\134". */
static void
_unescape(const char *s, size_t n, struct strbuf *out)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			strbuf_addch(out, (s[i + 1] - '0') * 64 +
					  (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			strbuf_addch(out, s[i]);
		}
	}
}

/*
 * A decimal number of at most NUM_MAX_DIGITS digits at [s] ([n] bytes)
 * into [v]; returns the digits read (0: none, or too many).
 */
static size_t
_num(const char *s, size_t n, unsigned long long *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == NUM_MAX_DIGITS)
			return 0;
		*v = *v * 10 + (unsigned long long)(s[i] - '0');
	}
	return i;
}

/* True if the word [w] ([n] bytes) starts with [key] (case-insensitive). */
static int
_has_key(const char *w, size_t n, const char *key)
{
	size_t kl = strlen(key);

	return n >= kl && !strncasecmp(w, key, kl);
}

/* "RealMemory=N" in the word [w] ([n] bytes) into [mib]: 1 or 0. */
static int
_real_memory_word(const char *w, size_t n, unsigned long *mib)
{
	static const char key[] = "RealMemory=";
	unsigned long long v;
	size_t kl = strlen(key), d;

	if (!_has_key(w, n, key))
		return 0;
	d = _num(w + kl, n - kl, &v);
	/* the rest of the word may be the closing quote of --conf "..." */
	if (!d || (kl + d < n && w[kl + d] != '"'))
		return 0;
	*mib = (unsigned long)v;
	return 1;
}

/* True if the hostlist [expr] ([n] bytes) names [host]. */
static int
_hostlist_has(const char *expr, size_t n, const char *host)
{
	struct strlist names = STRLIST_INIT;
	struct strbuf e = STRBUF_INIT;
	char err[256];
	int found = 0;

	strbuf_add(&e, expr, n);
	if (pihpc_hostlist_expand(e.buf, &names, err, sizeof(err)) == 0)
		found = strlist_has(&names, host);
	strlist_clear(&names);
	strbuf_release(&e);
	return found;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_mount_release(struct pihpc_mount *m)
{
	strbuf_release(&m->point);
	strbuf_release(&m->opts);
	strbuf_release(&m->fstype);
	strbuf_release(&m->source);
	strbuf_release(&m->super);
}

int
pihpc_mountinfo_find(const char *text, const char *path,
		     struct pihpc_mount *m)
{
	struct strbuf point = STRBUF_INIT;
	const char *p = text, *line;
	int found = 0;

	while (*p) {
		const char *f[MAX_FIELDS];
		size_t fl[MAX_FIELDS], n = _line(&p, &line), nf, i;

		/* the kernel escapes blanks in paths; a CR is part of one */
		nf = _fields(line, n, BLANKS, f, fl, MAX_FIELDS);
		/* id parent dev root point opts [optional...] - type source super */
		if (nf < 9)
			continue;
		for (i = 6; i < nf && !(fl[i] == 1 && f[i][0] == '-'); i++)
			;
		if (i + 2 >= nf)
			continue;
		_unescape(f[4], fl[4], &point);
		if (strcmp(point.buf, path))
			continue;
		found = 1;
		strbuf_reset(&m->point);
		strbuf_addbuf(&m->point, &point);
		strbuf_reset(&m->opts);
		strbuf_add(&m->opts, f[5], fl[5]);
		strbuf_reset(&m->fstype);
		strbuf_add(&m->fstype, f[i + 1], fl[i + 1]);
		_unescape(f[i + 2], fl[i + 2], &m->source);
		strbuf_reset(&m->super);
		if (i + 3 < nf)
			strbuf_add(&m->super, f[i + 3], fl[i + 3]);
	}
	strbuf_release(&point);
	return found;
}

int
pihpc_mount_has_opt(const char *opts, const char *opt)
{
	size_t ol = strlen(opt);
	const char *p = opts;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == ol && !strncmp(p, opt, n))
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

int
pihpc_slurmconf_real_memory(const char *text, const char *host,
			    unsigned long *mib)
{
	const char *p = text, *line;
	unsigned long dflt = 0;
	int have_dflt = 0;

	while (*p) {
		const char *f[MAX_FIELDS];
		size_t fl[MAX_FIELDS], n = _line(&p, &line), nf, i;
		unsigned long mem = 0;
		int have_mem = 0;
		const char *hash = memchr(line, '#', n);

		if (hash)
			n = (size_t)(hash - line);
		nf = _fields(line, n, SPACES, f, fl, MAX_FIELDS);
		if (!nf || !_has_key(f[0], fl[0], "NodeName="))
			continue;
		for (i = 1; i < nf; i++)
			if (_real_memory_word(f[i], fl[i], &mem))
				have_mem = 1;
		if (fl[0] == 16 && !strncasecmp(f[0] + 9, "DEFAULT", 7)) {
			if (have_mem) {
				dflt = mem;
				have_dflt = 1;
			}
			continue;
		}
		if (!_hostlist_has(f[0] + 9, fl[0] - 9, host))
			continue;
		if (have_mem || have_dflt) {
			*mib = have_mem ? mem : dflt;
			return 1;
		}
		return 0;
	}
	return 0;
}

int
pihpc_slurmd_env_real_memory(const char *text, unsigned long *mib)
{
	static const char key[] = "SLURMD_OPTIONS=";
	const char *p = text, *line;
	size_t kl = strlen(key);
	int found = 0;

	/* the last assignment wins, as in a shell or systemd */
	while (*p) {
		const char *f[MAX_FIELDS];
		size_t fl[MAX_FIELDS], n = _line(&p, &line), nf, i, b;
		unsigned long mem;
		int here = 0;

		for (b = 0; b < n && strchr(BLANKS, line[b]); b++)
			;
		if (n - b < kl || strncmp(line + b, key, kl))
			continue;
		nf = _fields(line + b + kl, n - b - kl, SPACES, f, fl,
			     MAX_FIELDS);
		for (i = 0; i < nf; i++) {
			/* --conf "Sockets=1 ... RealMemory=3680 ..." */
			const char *w = f[i];
			size_t wl = fl[i];

			if (*w == '"') {
				w++;
				wl--;
			}
			if (_real_memory_word(w, wl, &mem)) {
				*mib = mem;
				here = 1;
			}
		}
		found = here;
	}
	return found;
}

int
pihpc_throttled_parse(const char *out, unsigned long *bits)
{
	static const char key[] = "throttled=0x";
	const char *p = out + strspn(out, BLANKS);
	unsigned long v = 0;
	size_t i;

	if (strncmp(p, key, strlen(key)))
		return -1;
	p += strlen(key);
	for (i = 0; p[i] && strchr("0123456789abcdefABCDEF", p[i]); i++) {
		char c = p[i];

		if (i == 8)	/* a 32-bit word */
			return -1;
		v = v * 16 + (unsigned long)(c <= '9' ? c - '0' :
					     (c | 0x20) - 'a' + 10);
	}
	if (!i || !strchr(" \t\r\n", p[i]))
		return -1;
	*bits = v;
	return 0;
}

void
pihpc_throttled_describe(unsigned long bits, struct strbuf *sb)
{
	static const char *const what[] = {
		N_("under-voltage now"), N_("ARM frequency capped now"),
		N_("throttled now"), N_("soft temperature limit now")
	};
	static const char *const since[] = {
		N_("under-voltage since boot"),
		N_("ARM frequency capped since boot"),
		N_("throttled since boot"),
		N_("soft temperature limit since boot")
	};
	unsigned b;

	for (b = 0; b < 32; b++) {
		const char *w = NULL;

		if (!(bits & (1UL << b)))
			continue;
		if (b < 4)
			w = _(what[b]);
		else if (b >= 16 && b < 20)
			w = _(since[b - 16]);
		if (sb->len)
			strbuf_addstr(sb, ", ");
		if (w)
			strbuf_addstr(sb, w);
		else
			strbuf_addf(sb, _("bit %u"), b);
	}
}

int
pihpc_temp_parse(const char *out, long *tenths)
{
	static const char key[] = "temp=";
	const char *p = out + strspn(out, BLANKS);
	unsigned long long whole, frac = 0;
	size_t d;
	int neg = 0;

	if (strncmp(p, key, strlen(key)))
		return -1;
	p += strlen(key);
	if (*p == '-') {
		neg = 1;
		p++;
	}
	d = _num(p, strlen(p), &whole);
	if (!d || d > 4)
		return -1;
	p += d;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		frac = (unsigned long long)(*p - '0');
		p += strspn(p, "0123456789");
	}
	if (*p != '\'' && *p != 'C' && strncmp(p, "\xc2\xb0", 2))
		return -1;
	*tenths = (long)(whole * 10 + frac) * (neg ? -1 : 1);
	return 0;
}

int
pihpc_chrony_offset(const char *out, unsigned long long *usec, int *synced)
{
	const char *p = out, *line;
	int found = 0;

	*synced = 1;
	while (*p) {
		size_t n = _line(&p, &line);
		const char *colon = memchr(line, ':', n), *v, *end = line + n;
		unsigned long long whole, frac = 0;
		size_t d;

		if (!colon)
			continue;
		v = colon + 1;
		v += strspn(v, BLANKS);
		if (v > end)
			v = end;
		if (n >= 11 && !strncmp(line, "Leap status", 11)) {
			if ((size_t)(end - v) >= 16 &&
			    !strncmp(v, "Not synchronised", 16))
				*synced = 0;
			continue;
		}
		if (n < 11 || strncmp(line, "System time", 11) || found)
			continue;
		d = _num(v, (size_t)(end - v), &whole);
		if (!d)
			continue;
		v += d;
		if (v < end && *v == '.') {
			size_t k;

			v++;
			/* microseconds: the first six digits after the point */
			for (k = 0; k < 6; k++) {
				frac *= 10;
				if (v < end && *v >= '0' && *v <= '9')
					frac += (unsigned long long)(*v++ - '0');
			}
			while (v < end && *v >= '0' && *v <= '9')
				v++;
		}
		if (v >= end || !strchr(BLANKS, *v))
			continue;
		if (whole > 1000000ULL)
			whole = 1000000ULL;
		*usec = whole * 1000000ULL + frac;
		found = 1;
	}
	return found ? 0 : -1;
}

int
pihpc_slurm_version_parse(const char *s, struct pihpc_slurm_version *v)
{
	const char *p;

	for (p = s; *p; p++) {
		unsigned long long major, minor, micro = 0;
		const char *q = p;
		size_t d;

		/* a version starts a word */
		if (p > s && !strchr(" \t=", p[-1]))
			continue;
		/* a NUL stops _num(): no length needed */
		d = _num(q, (size_t)-1, &major);
		if (!d || d > 6 || q[d] != '.')
			continue;
		q += d + 1;
		d = _num(q, (size_t)-1, &minor);
		if (!d || d > 6)
			continue;
		q += d;
		if (*q == '.') {
			d = _num(q + 1, (size_t)-1, &micro);
			if (!d || d > 6)
				micro = 0;
		}
		v->major = (unsigned)major;
		v->minor = (unsigned)minor;
		v->micro = (unsigned)micro;
		return 0;
	}
	return -1;
}

int
pihpc_slurm_version_cmp(const struct pihpc_slurm_version *a,
			const struct pihpc_slurm_version *b, int micro)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (micro && a->micro != b->micro)
		return a->micro < b->micro ? -1 : 1;
	return 0;
}

int
pihpc_scontrol_config_value(const char *out, const char *key,
			    struct strbuf *val)
{
	const char *p = out, *line;
	size_t kl = strlen(key);

	strbuf_reset(val);
	if (!kl)
		return 0;
	while (*p) {
		size_t n = _line(&p, &line), i = kl;

		if (n < kl || strncmp(line, key, kl))
			continue;
		while (i < n && strchr(BLANKS, line[i]))
			i++;
		if (i == n || line[i] != '=')
			continue;
		i++;
		strbuf_add(val, line + i, n - i);
		strbuf_trim(val);
		return 1;
	}
	return 0;
}

int
pihpc_etc_hosts_lookup(const char *text, const char *name,
		       struct strbuf *addr)
{
	const char *p = text, *line;

	strbuf_reset(addr);
	if (!*name)
		return 0;
	while (*p) {
		const char *f[MAX_FIELDS];
		size_t fl[MAX_FIELDS], n = _line(&p, &line), nf, i;
		const char *hash = memchr(line, '#', n);

		if (hash)
			n = (size_t)(hash - line);
		nf = _fields(line, n, SPACES, f, fl, MAX_FIELDS);
		for (i = 1; i < nf; i++) {
			if (fl[i] == strlen(name) &&
			    !strncasecmp(f[i], name, fl[i])) {
				strbuf_add(addr, f[0], fl[0]);
				return 1;
			}
		}
	}
	return 0;
}

int
pihpc_node_drain_state(const char *line, int *drained, struct strbuf *reason)
{
	struct strbuf state = STRBUF_INIT;
	const char *p = line, *r = NULL;
	size_t n;

	*drained = 0;
	strbuf_reset(reason);
	/* only the first line: a node's record */
	n = strcspn(line, "\n");
	while (p < line + n && (p = strstr(p, "State=")) != NULL &&
	       p < line + n) {
		if (p == line || p[-1] == ' ')
			break;
		p++;
	}
	if (!p || p >= line + n)
		return -1;
	p += 6;
	strbuf_add(&state, p, strcspn(p, " \t\n"));
	*drained = strstr(state.buf, "DRAIN") != NULL;
	strbuf_release(&state);
	for (p = line; p < line + n && (p = strstr(p, "Reason=")) != NULL &&
		       p < line + n; p++) {
		if (p == line || p[-1] == ' ') {
			r = p + 7;
			break;
		}
	}
	if (r) {
		size_t len = (size_t)(line + n - r);
		const char *br = strstr(r, " [");

		if (br && br < r + len)
			len = (size_t)(br - r);
		strbuf_add(reason, r, len);
		strbuf_trim(reason);
	}
	return 0;
}
