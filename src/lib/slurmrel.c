/*
 * slurmrel.c - Slurm's major releases, their order and the window of
 * releases each one accepts.
 */
#include <string.h>

#include "i18n.h"
#include "slurmrel.h"

/* The releases before the six-monthly rhythm settled, oldest first. */
static const struct {
	unsigned major, minor;
} releases[] = {
	{ 14, 3 }, { 14, 11 }, { 15, 8 }, { 16, 5 }, { 17, 2 }, { 17, 11 },
	{ 18, 8 }, { 19, 5 }, { 20, 2 }, { 20, 11 }, { 21, 8 }, { 22, 5 },
	{ 23, 2 }, { 23, 11 }, { 24, 5 }, { 24, 11 }, { 25, 5 }, { 25, 11 },
};

#define NRELEASES ((int)(sizeof(releases) / sizeof(releases[0])))

/* After the table: YY.05 and YY.11 from this year on. */
#define FIRST_SIXMONTHLY_YEAR 26U
/* The last year the numbers can name (6 digits, see doctorparse.h). */
#define LAST_YEAR 999999U

/* From this release on, three previous releases are accepted. */
static const struct pihpc_slurm_version three_from = { 24, 11, 0 };

#define MAX_HOPS 64

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* "x.yy" of the release at [idx]. */
static void
_add_rel(struct strbuf *sb, int idx)
{
	struct pihpc_slurm_version v = { 0, 0, 0 };

	(void)pihpc_slurmrel_at(idx, &v);
	pihpc_slurm_version_add(sb, &v, 0);
}

/* The releases at the [n] positions [idx] as "a", "a and b", "a, b and c". */
static void
_add_list(struct strbuf *sb, const int *idx, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i && i + 1 == n)
			strbuf_addstr(sb, _(" and "));
		else if (i)
			strbuf_addstr(sb, ", ");
		_add_rel(sb, idx[i]);
	}
}

static int
_window_at(int idx)
{
	return idx >= pihpc_slurmrel_index(&three_from) ? 3 : 2;
}

/* A digit string of 1 to 6 digits at [s] into [v]; its length or 0. */
static size_t
_num(const char *s, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == 6)
			return 0;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return i;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_slurmrel_index(const struct pihpc_slurm_version *v)
{
	int i;

	for (i = 0; i < NRELEASES; i++)
		if (releases[i].major == v->major &&
		    releases[i].minor == v->minor)
			return i;
	if (v->major < FIRST_SIXMONTHLY_YEAR || v->major > LAST_YEAR ||
	    (v->minor != 5 && v->minor != 11))
		return -1;
	return NRELEASES + (int)(v->major - FIRST_SIXMONTHLY_YEAR) * 2 +
	       (v->minor == 11);
}

int
pihpc_slurmrel_at(int idx, struct pihpc_slurm_version *v)
{
	int k;

	if (idx < 0)
		return -1;
	v->micro = 0;
	if (idx < NRELEASES) {
		v->major = releases[idx].major;
		v->minor = releases[idx].minor;
		return 0;
	}
	k = idx - NRELEASES;
	if ((unsigned)(k / 2) > LAST_YEAR - FIRST_SIXMONTHLY_YEAR)
		return -1;
	v->major = FIRST_SIXMONTHLY_YEAR + (unsigned)(k / 2);
	v->minor = k % 2 ? 11 : 5;
	return 0;
}

int
pihpc_slurmrel_steps(const struct pihpc_slurm_version *from,
		     const struct pihpc_slurm_version *to, int *steps)
{
	int a = pihpc_slurmrel_index(from), b = pihpc_slurmrel_index(to);

	if (a < 0 || b < 0)
		return -1;
	*steps = b - a;
	return 0;
}

int
pihpc_slurmrel_window(const struct pihpc_slurm_version *v)
{
	int idx = pihpc_slurmrel_index(v);

	return idx < 0 ? 2 : _window_at(idx);
}

int
pihpc_debversion_slurm(const char *debver, struct pihpc_slurm_version *v)
{
	const char *p = debver, *colon = strchr(debver, ':');
	size_t d;

	/* an epoch is digits and a colon */
	if (colon) {
		if (colon == debver || strspn(debver, "0123456789") !=
					       (size_t)(colon - debver))
			return -1;
		p = colon + 1;
	}
	if (!(d = _num(p, &v->major)) || p[d] != '.')
		return -1;
	p += d + 1;
	if (!(d = _num(p, &v->minor)))
		return -1;
	p += d;
	v->micro = 0;
	if (*p == '.') {
		if (!(d = _num(p + 1, &v->micro)))
			return -1;
		p += d + 1;
	}
	/* the upstream version goes on with anything but another digit */
	return *p >= '0' && *p <= '9' ? -1 : 0;
}

int
pihpc_slurmrel_upgrade_ok(const struct pihpc_slurm_version *from,
			  const struct pihpc_slurm_version *to,
			  struct strbuf *why)
{
	int a = pihpc_slurmrel_index(from), b = pihpc_slurmrel_index(to);
	int accepted[3], hops[MAX_HOPS], w, cur, n = 0, i, rc = 1;
	struct strbuf f = STRBUF_INIT, t = STRBUF_INIT, acc = STRBUF_INIT,
		      via = STRBUF_INIT;

	strbuf_reset(why);
	pihpc_slurm_version_add(&f, from, 0);
	pihpc_slurm_version_add(&t, to, 0);
	if (a < 0 || b < 0) {
		strbuf_addf(why, _("Slurm %s is not a major release known here (14.03 to 25.11, then YY.05 and YY.11): cannot tell whether %s reads the records of %s"),
			    a < 0 ? f.buf : t.buf, t.buf, f.buf);
		rc = -1;
		goto out;
	}
	w = _window_at(b);
	if (b - a <= w)
		goto out;
	for (i = 0; i < w; i++)
		accepted[i] = b - w + i;
	/* the shortest way: each hop as far as the next release accepts */
	for (cur = a; n < MAX_HOPS;) {
		int r = b;

		while (r - cur > _window_at(r))
			r--;
		if (r == b)
			break;
		hops[n++] = cur = r;
	}
	_add_list(&acc, accepted, (size_t)w);
	_add_list(&via, hops, (size_t)n);
	strbuf_addf(why, _("Slurm %s accepts state and database records only from %s; %s is older: upgrade through %s first"),
		    t.buf, acc.buf, f.buf, via.buf);
	rc = 0;
out:
	strbuf_release(&f);
	strbuf_release(&t);
	strbuf_release(&acc);
	strbuf_release(&via);
	return rc;
}

int
pihpc_slurmrel_node_ok(const struct pihpc_slurm_version *node,
		       const struct pihpc_slurm_version *ctl,
		       struct strbuf *why)
{
	struct strbuf n = STRBUF_INIT, c = STRBUF_INIT;

	strbuf_reset(why);
	if (pihpc_slurm_version_cmp(node, ctl, 1) <= 0)
		return 1;
	pihpc_slurm_version_add(&n, node, 1);
	pihpc_slurm_version_add(&c, ctl, 1);
	strbuf_addf(why, _("Slurm %s is newer than the controller's %s, and slurmctld refuses a newer slurmd or client command: upgrade slurmdbd, then slurmctld on the controller first"),
		    n.buf, c.buf);
	strbuf_release(&n);
	strbuf_release(&c);
	return 0;
}

void
pihpc_slurm_version_add(struct strbuf *sb, const struct pihpc_slurm_version *v,
			int micro)
{
	strbuf_addf(sb, "%u.%02u", v->major, v->minor);
	if (micro)
		strbuf_addf(sb, ".%u", v->micro);
}
