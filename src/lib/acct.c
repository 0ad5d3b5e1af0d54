/*
 * acct.c - the cluster, its account and users in slurmdbd.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acct.h"
#include "error.h"
#include "i18n.h"

/* One "NAME=VALUE" of a TRES list (cluster.conf keeps within these). */
struct tres {
	char name[PIHPC_TRES_NAME_MAX + 1];
	char value[PIHPC_TRES_NAME_MAX + 1];
};

#define MAX_TRES PIHPC_TRES_MAX

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* Split "cpu=4,mem=1G" into [t]; returns the count. */
static size_t
_tres_parse(const char *s, struct tres *t, size_t max)
{
	size_t n = 0;

	while (*s && n < max) {
		size_t len = strcspn(s, ",");
		const char *eq = memchr(s, '=', len);

		if (eq) {
			size_t kl = (size_t)(eq - s);

			(void)snprintf(t[n].name, sizeof(t[n].name), "%.*s",
				       (int)kl, s);
			(void)snprintf(t[n].value, sizeof(t[n].value), "%.*s",
				       (int)(len - kl - 1), eq + 1);
			n++;
		}
		s += len;
		if (*s)
			s++;
	}
	return n;
}

/*
 * Value of a TRES as a number: memory in MB ("1gb", "1G", "1024",
 * "1024M" are all 1024); -1 if it is not a plain count.
 */
static long long
_tres_number(const char *name, const char *v)
{
	unsigned long long n;
	char *end;
	int shift = 0;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno)
		return -1;
	if (!strcasecmp(name, "mem") && *end) {
		switch (toupper((unsigned char)*end)) {
		case 'K': shift = -10; break;
		case 'M': shift = 0; break;
		case 'G': shift = 10; break;
		case 'T': shift = 20; break;
		case 'P': shift = 30; break;
		default: return -1;
		}
		end++;
		if (toupper((unsigned char)*end) == 'B')
			end++;
	}
	if (*end || n > (1ULL << 32))
		return -1;
	return shift >= 0 ? (long long)(n << shift) : (long long)(n >> -shift);
}

static int
_tres_same(const struct tres *a, const struct tres *b)
{
	long long x = _tres_number(a->name, a->value);
	long long y = _tres_number(b->name, b->value);

	if (x >= 0 && y >= 0)
		return x == y;
	return !strcasecmp(a->value, b->value);
}

/* Index in [t] of the TRES called [name], or -1. */
static int
_tres_find(const struct tres *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(t[i].name, name))
			return (int)i;
	return -1;
}

/* Wait for slurmdbd; [out] gets the cluster names. */
static int
_wait_dbd(const struct pihpc_runner *r, unsigned timeout, struct strbuf *out,
	  char *err, size_t errlen)
{
	char *argv[] = { "sacctmgr", "-n", "-P", "show", "cluster",
			 "format=cluster", NULL };
	struct strbuf errout = STRBUF_INIT, msg = STRBUF_INIT;
	long deadline = r->now(r->data) + (long)timeout;
	int rc;

	for (;;) {
		strbuf_reset(out);
		strbuf_reset(&errout);
		rc = r->run(r->data, argv, NULL, 0, out, &errout, err, errlen);
		if (rc <= 0 ||
		    r->now(r->data) + PIHPC_ACCT_WAIT_INTERVAL > deadline)
			break;
		r->sleep(r->data, PIHPC_ACCT_WAIT_INTERVAL);
	}
	if (rc > 0) {
		pihpc_oneline(errout.len ? errout.buf : out->buf, &msg);
		(void)pihpc_err(err, errlen,
				_("slurmdbd did not answer within %u s: %s (is slurmdbd running? see 'journalctl -u slurmdbd')"),
				timeout, msg.len ? msg.buf : err);
	}
	strbuf_release(&errout);
	strbuf_release(&msg);
	return rc == 0 ? 0 : -1;
}

/*
 * In "account|user|partition|grptres" rows, find the one of [user] ("" for
 * the account itself) without a partition; its GrpTRES into [tres].
 */
static int
_assoc_find(const char *rows, const char *user, struct strbuf *tres)
{
	const char *p = rows;

	while (*p) {
		size_t len = strcspn(p, "\n");
		const char *f[4], *q = p, *end = p + len;
		size_t fl[4];
		int i;

		for (i = 0; i < 4; i++) {
			const char *bar = memchr(q, '|', (size_t)(end - q));

			f[i] = q;
			fl[i] = (size_t)((bar && i < 3 ? bar : end) - q);
			q = bar && i < 3 ? bar + 1 : end;
		}
		if (fl[1] == strlen(user) && !strncmp(f[1], user, fl[1]) &&
		    fl[2] == 0 && f[3] <= end) {
			strbuf_reset(tres);
			strbuf_add(tres, f[3], fl[3]);
			strbuf_trim(tres);
			return 1;
		}
		p = end;
		if (*p)
			p++;
	}
	return 0;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_acct_run(const struct pihpc_runner *r, char **argv, struct strbuf *out,
	       const char *what, char *err, size_t errlen)
{
	struct strbuf errout = STRBUF_INIT, msg = STRBUF_INIT;
	int rc;

	strbuf_reset(out);
	rc = r->run(r->data, argv, NULL, 0, out, &errout, err, errlen);
	if (rc > 0) {
		pihpc_oneline(errout.len ? errout.buf : out->buf, &msg);
		/* TRANSLATORS: %s is a job such as "add cluster 'x'" */
		(void)pihpc_err(err, errlen, _("cannot %s: %s"), what,
				msg.len ? msg.buf : err);
	}
	strbuf_release(&errout);
	strbuf_release(&msg);
	return rc == 0 ? 0 : -1;
}

void
pihpc_tres_update(const char *want, const char *have, struct strbuf *set)
{
	struct tres w[MAX_TRES], h[MAX_TRES];
	size_t nw = _tres_parse(want, w, MAX_TRES);
	size_t nh = _tres_parse(have, h, MAX_TRES), i;
	int same = 1;

	strbuf_reset(set);
	for (i = 0; i < nw && same; i++) {
		int j = _tres_find(h, nh, w[i].name);

		same = j >= 0 && _tres_same(&w[i], &h[j]);
	}
	for (i = 0; i < nh && same; i++)
		same = _tres_find(w, nw, h[i].name) >= 0;
	if (same)
		return;
	strbuf_addstr(set, want);
	for (i = 0; i < nh; i++)
		if (_tres_find(w, nw, h[i].name) < 0)
			strbuf_addf(set, "%s%s=-1", set->len ? "," : "",
				    h[i].name);
}

int
pihpc_acct_register(const struct pihpc_runner *r, const struct pihpc_conf *c,
		    unsigned timeout, struct strlist *done, char *err,
		    size_t errlen)
{
	const char *cluster = pihpc_conf_get(c, PIHPC_CLUSTER_NAME);
	const char *account = pihpc_conf_get(c, PIHPC_ACCOUNTING_ACCOUNT);
	const char *limits = pihpc_conf_get(c, PIHPC_ACCOUNTING_USER_LIMITS);
	struct strlist users = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT, rows = STRBUF_INIT, tres = STRBUF_INIT;
	struct strbuf a1 = STRBUF_INIT, a2 = STRBUF_INIT, a3 = STRBUF_INIT;
	struct strbuf set = STRBUF_INIT, what = STRBUF_INIT, user = STRBUF_INIT;
	size_t i;
	int rc = -1;

	if (_wait_dbd(r, timeout, &out, err, errlen) < 0)
		goto out;

	if (!pihpc_has_line(out.buf, cluster)) {
		char *argv[] = { "sacctmgr", "-i", "add", "cluster",
				 (char *)cluster, NULL };

		strbuf_addf(&what, _("add cluster '%s'"), cluster);
		if (pihpc_acct_run(r, argv, &out, what.buf, err, errlen) < 0)
			goto out;
		strlist_pushf(done, _("added cluster '%s'"), cluster);
	}

	strbuf_addf(&a1, "clusters=%s", cluster);
	strbuf_addf(&a2, "accounts=%s", account);
	{
		char *argv[] = { "sacctmgr", "-n", "-P", "show", "association",
				 "where", a1.buf, a2.buf,
				 "format=account,user,partition,grptres", NULL };

		strbuf_reset(&what);
		strbuf_addf(&what, _("list the associations of account '%s'"),
			    account);
		if (pihpc_acct_run(r, argv, &rows, what.buf, err, errlen) < 0)
			goto out;
	}
	if (!_assoc_find(rows.buf, "", &tres)) {
		char *argv[] = { "sacctmgr", "-i", "add", "account",
				 (char *)account, a1.buf,
				 "Description=" PIHPC_ACCT_DESCRIPTION,
				 "Organization=" PIHPC_ACCT_ORGANIZATION, NULL };

		strbuf_reset(&what);
		strbuf_addf(&what, _("add account '%s'"), account);
		if (pihpc_acct_run(r, argv, &out, what.buf, err, errlen) < 0)
			goto out;
		strlist_pushf(done, _("added account '%s'"), account);
	}

	pihpc_conf_accounting_users(c, &users);
	for (i = 0; i < users.nr; i++) {
		strbuf_reset(&user);
		strbuf_addstr(&user, users.v[i]);
		strbuf_reset(&tres);
		if (!_assoc_find(rows.buf, user.buf, &tres)) {
			char *argv[] = { "sacctmgr", "-i", "add", "user",
					 user.buf, a2.buf, a1.buf, NULL };

			strbuf_reset(&what);
			strbuf_addf(&what, _("add user '%s' to account '%s'"),
				    user.buf, account);
			if (pihpc_acct_run(r, argv, &out, what.buf, err, errlen) < 0)
				goto out;
			strlist_pushf(done, _("added user '%s' to account '%s'"),
				      user.buf, account);
			strbuf_reset(&tres);
		}
		pihpc_tres_update(limits, tres.buf, &set);
		if (set.len) {
			char *argv[11];

			strbuf_reset(&a3);
			strbuf_addf(&a3, "names=%s", user.buf);
			strbuf_reset(&tres);
			strbuf_addf(&tres, "GrpTRES=%s", set.buf);
			argv[0] = "sacctmgr";
			argv[1] = "-i";
			argv[2] = "modify";
			argv[3] = "user";
			argv[4] = "where";
			argv[5] = a3.buf;
			argv[6] = a2.buf;
			argv[7] = a1.buf;
			argv[8] = "set";
			argv[9] = tres.buf;
			argv[10] = NULL;
			strbuf_reset(&what);
			strbuf_addf(&what, _("set GrpTRES of user '%s'"), user.buf);
			if (pihpc_acct_run(r, argv, &out, what.buf, err, errlen) < 0)
				goto out;
			strlist_pushf(done, _("set GrpTRES of user '%s' to '%s'"),
				      user.buf, set.buf);
		}
	}
	rc = 0;
out:
	strbuf_release(&out);
	strbuf_release(&rows);
	strbuf_release(&tres);
	strbuf_release(&a1);
	strbuf_release(&a2);
	strbuf_release(&a3);
	strbuf_release(&set);
	strbuf_release(&what);
	strbuf_release(&user);
	strlist_clear(&users);
	return rc;
}
