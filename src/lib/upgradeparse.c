/*
 * upgradeparse.c - the parsers and small pieces of "pihpc upgrade": the
 * packages and versions apt and dpkg report, Debian version order, the
 * state file and the backup's name.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "slurmguard.h"
#include "upgrade.h"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static struct pihpc_upgrade_pkg *
_pkgs_add(struct pihpc_upgrade_pkgs *p, const char *name, size_t nlen,
	  const char *ver, size_t vlen)
{
	struct pihpc_upgrade_pkg *k;

	if (p->nr == p->alloc) {
		p->alloc = p->alloc ? 2 * p->alloc : 16;
		p->v = xrealloc(p->v, p->alloc * sizeof(*p->v));
	}
	k = &p->v[p->nr++];
	k->name = xstrndup(name, nlen);
	k->installed = xstrndup(ver, vlen);
	k->candidate = NULL;
	return k;
}

/* Add [name] unless [p] has it already (dpkg lists each once, but
 * several arches of one package may come). */
static void
_pkgs_add_new(struct pihpc_upgrade_pkgs *p, const char *name, size_t nlen,
	      const char *ver, size_t vlen)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (strlen(p->v[i].name) == nlen &&
		    !strncmp(p->v[i].name, name, nlen))
			return;
	(void)_pkgs_add(p, name, nlen, ver, vlen);
}

/* Length of the next whitespace-free word at [s]. */
static size_t
_word(const char *s)
{
	return strcspn(s, " \t\n");
}

static const char *
_skip_blank(const char *s)
{
	return s + strspn(s, " \t");
}

/* dpkg's order of one character of a version part: ~ before the end,
 * the end before letters, letters before everything else. */
static int
_debver_order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

/* Compare [a] and [b] up to [alen] and [blen] characters, dpkg's way. */
static int
_debver_part(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *ae = a + alen, *be = b + blen;

	while (a < ae || b < be) {
		int first_diff = 0;

		while ((a < ae && !isdigit((unsigned char)*a)) ||
		       (b < be && !isdigit((unsigned char)*b))) {
			int ac = a < ae ? _debver_order((unsigned char)*a) : 0;
			int bc = b < be ? _debver_order((unsigned char)*b) : 0;

			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		while (a < ae && isdigit((unsigned char)*a) && b < be &&
		       isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (a < ae && isdigit((unsigned char)*a))
			return 1;
		if (b < be && isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

/* Split [v] into epoch, upstream and revision (after the last '-'). */
static void
_debver_split(const char *v, unsigned long *epoch, const char **up,
	      size_t *uplen, const char **rev, size_t *revlen)
{
	const char *colon = strchr(v, ':'), *dash;

	*epoch = 0;
	if (colon) {
		*epoch = strtoul(v, NULL, 10);
		v = colon + 1;
	}
	dash = strrchr(v, '-');
	*up = v;
	*uplen = dash ? (size_t)(dash - v) : strlen(v);
	*rev = dash ? dash + 1 : "";
	*revlen = strlen(*rev);
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_upgrade_pkgs_release(struct pihpc_upgrade_pkgs *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++) {
		free(p->v[i].name);
		free(p->v[i].installed);
		free(p->v[i].candidate);
	}
	free(p->v);
	p->v = NULL;
	p->nr = p->alloc = 0;
}

struct pihpc_upgrade_pkg *
pihpc_upgrade_pkgs_find(const struct pihpc_upgrade_pkgs *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (!strcmp(p->v[i].name, name))
			return &p->v[i];
	return NULL;
}

void
pihpc_dpkg_installed_parse(const char *out, struct pihpc_upgrade_pkgs *p)
{
	const char *s = out;

	while (*s) {
		const char *eol = strchr(s, '\n');

		if (!eol)
			eol = s + strlen(s);
		/* "ii " then the name: installed and configured */
		if (!strncmp(s, "ii", 2)) {
			const char *name = _skip_blank(s + 2 + _word(s + 2));
			size_t nlen = _word(name);
			const char *ver = _skip_blank(name + nlen);
			size_t vlen = _word(ver);

			char nm[128];

			if (!nlen || nlen >= sizeof(nm) || !vlen || ver + vlen > eol)
				goto next;
			memcpy(nm, name, nlen);
			nm[nlen] = '\0';
			/* "slurm" the network monitor, slurm-drmaa... */
			if (pihpc_slurm_pkg_kind(nm) != PIHPC_SLURM_PKG_NONE)
				_pkgs_add_new(p, name, nlen, ver, vlen);
		}
next:
		s = *eol ? eol + 1 : eol;
	}
}

void
pihpc_apt_candidates_parse(const char *out, struct pihpc_upgrade_pkgs *p)
{
	struct pihpc_upgrade_pkg *cur = NULL;
	const char *s = out;

	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t n;

		if (!eol)
			eol = s + strlen(s);
		n = (size_t)(eol - s);
		if (n > 9 && !strncmp(s, "Package: ", 9)) {
			char *name = xstrndup(s + 9, n - 9);

			cur = pihpc_upgrade_pkgs_find(p, name);
			free(name);
		} else if (n > 9 && !strncmp(s, "Version: ", 9) && cur) {
			free(cur->candidate);
			cur->candidate = xstrndup(s + 9, n - 9);
			cur = NULL;
		}
		s = *eol ? eol + 1 : eol;
	}
}

int
pihpc_debver_cmp(const char *a, const char *b)
{
	unsigned long ea, eb;
	const char *ua, *ub, *ra, *rb;
	size_t ual, ubl, ral, rbl;
	int c;

	_debver_split(a, &ea, &ua, &ual, &ra, &ral);
	_debver_split(b, &eb, &ub, &ubl, &rb, &rbl);
	if (ea != eb)
		return ea < eb ? -1 : 1;
	c = _debver_part(ua, ual, ub, ubl);
	if (c)
		return c;
	return _debver_part(ra, ral, rb, rbl);
}

void
pihpc_slurmdbd_storageloc(const char *text, struct strbuf *db)
{
	const char *s = text;

	strbuf_reset(db);
	while (*s) {
		const char *eol = strchr(s, '\n');

		if (!eol)
			eol = s + strlen(s);
		s = _skip_blank(s);
		/* Slurm's keys are case-insensitive */
		if (!strncasecmp(s, "StorageLoc", 10)) {
			const char *v = _skip_blank(s + 10);

			if (*v == '=') {
				v = _skip_blank(v + 1);
				strbuf_reset(db);
				strbuf_add(db, v, strcspn(v, " \t\n#"));
			}
		}
		s = *eol ? eol + 1 : eol;
	}
	if (!db->len)
		strbuf_addstr(db, "slurm_acct_db");
}

int
pihpc_node_field(const char *line, const char *key, struct strbuf *val)
{
	size_t klen = strlen(key);
	const char *s = line;

	strbuf_reset(val);
	while ((s = strstr(s, key))) {
		if ((s == line || s[-1] == ' ') && s[klen] == '=') {
			const char *v = s + klen + 1;
			size_t n = strcasecmp(key, "Reason") ?
				_word(v) : strcspn(v, "\n");

			strbuf_add(val, v, n);
			return 1;
		}
		s += klen;
	}
	return 0;
}

void
pihpc_upgrade_state_release(struct pihpc_upgrade_state *st)
{
	strbuf_release(&st->from);
	strbuf_release(&st->target);
	strlist_clear(&st->done);
}

int
pihpc_upgrade_state_parse(const char *text, struct pihpc_upgrade_state *st)
{
	const char *s = text;

	strbuf_reset(&st->from);
	strbuf_reset(&st->target);
	strlist_clear(&st->done);
	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t n;

		if (!eol)
			eol = s + strlen(s);
		n = (size_t)(eol - s);
		if (n > 5 && !strncmp(s, "from ", 5))
			strbuf_add(&st->from, s + 5, n - 5);
		else if (n > 7 && !strncmp(s, "target ", 7))
			strbuf_add(&st->target, s + 7, n - 7);
		else if (n > 5 && !strncmp(s, "done ", 5)) {
			char *step = xstrndup(s + 5, n - 5);

			strlist_push(&st->done, step);
			free(step);
		} else if (n && *s != '#')
			return -1;
		s = *eol ? eol + 1 : eol;
	}
	return st->target.len && st->from.len ? 0 : -1;
}

void
pihpc_upgrade_state_render(const struct pihpc_upgrade_state *st,
			   struct strbuf *out)
{
	size_t i;

	strbuf_addstr(out, "# pihpc upgrade: steps done; see pihpc-upgrade(8)\n");
	strbuf_addf(out, "from %s\ntarget %s\n", st->from.buf, st->target.buf);
	for (i = 0; i < st->done.nr; i++)
		strbuf_addf(out, "done %s\n", st->done.v[i]);
}

void
pihpc_upgrade_backup_name(const char *db, const char *date, const char *from,
			  const char *to, struct strbuf *out)
{
	const char *v[3] = { db, from, to };
	size_t i;

	if (date)
		strbuf_addf(out, "%s-", date);
	for (i = 0; i < 3; i++) {
		const char *s;

		if (i)
			strbuf_addstr(out, i == 1 ? "-" : "-to-");
		/* a version may hold ':' (epoch), which no file name wants;
		 * nor may the database's name from slurmdbd.conf hold '/' */
		for (s = v[i]; *s; s++)
			strbuf_addch(out, isalnum((unsigned char)*s) ||
					  strchr(".+~-", *s) ? *s : '_');
	}
	strbuf_addstr(out, ".sql");
}
