/*
 * doctorprobe.c - render and parse what "pihpc doctor --probe" prints.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "doctorparse.h"
#include "doctorprobe.h"
#include "error.h"
#include "i18n.h"

#define PROBE_MAGIC "pihpc-probe 1"
#define NAME_MAX_LEN 64
#define CRED_MAX_LEN 3000

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static int
_grow(void **v, size_t nr, size_t size)
{
	if (nr >= PIHPC_PROBE_ITEMS_MAX)
		return -1;
	/* powers of two: reallocate at 0, 1, 2, 4, ... items */
	if ((nr & (nr - 1)) == 0)
		*v = xrealloc(*v, (nr ? 2 * nr : 1) * size);
	return 0;
}

/* A user or check name: [a-z_][a-z0-9_.-]*, as adduser's default. */
static int
_name_ok(const char *s)
{
	size_t i;

	if (!*s || strlen(s) > NAME_MAX_LEN || !((*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (i = 1; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* Decimal id up to 2^32 - 2 (2^32 - 1 is (uid_t)-1), no sign, no spaces. */
static int
_id(const char *s, long *v)
{
	unsigned long long n = 0;
	size_t i;

	if (!*s || strlen(s) > 10)
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (unsigned long long)(s[i] - '0');
	}
	if (n > 4294967294ULL)
		return -1;
	*v = (long)n;
	return 0;
}

/* SECONDS.MICROSECONDS, exactly six digits after the point. */
static int
_time(const char *s, long long *sec, long *usec)
{
	const char *dot = strchr(s, '.');
	long long n = 0;
	long u = 0;
	const char *p;

	if (!dot || dot == s || dot - s > 12 || strlen(dot + 1) != 6)
		return -1;
	for (p = s; p < dot; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
	}
	for (p = dot + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		u = u * 10 + (*p - '0');
	}
	*sec = n;
	*usec = u;
	return 0;
}

static int
_cred_ok(const char *s)
{
	size_t i;

	if (strncmp(s, "MUNGE:", 6) || strlen(s) > CRED_MAX_LEN)
		return 0;
	for (i = 6; s[i]; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/' ||
		      s[i] == '=' || s[i] == ':'))
			return 0;
	return 1;
}

static int
_addr_ok(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* Split [line] at its first space: [line] keeps the word, the rest returned. */
static char *
_word(char *line)
{
	char *sp = strchr(line, ' ');

	if (!sp)
		return NULL;
	*sp = '\0';
	return sp + 1;
}

/* One line after the magic; -1 with [why] set. */
static int
_line(struct pihpc_probe *p, char *line, int *end, const char **why)
{
	char *rest = _word(line), *a, *b;
	long uid, gid;

	*why = _("unknown line");
	if (!strcmp(line, "end") && !rest) {
		*end = 1;
		return 0;
	}
	if (!rest)
		return -1;
	if (!strcmp(line, "host")) {
		*why = _("bad host name");
		if (p->host || pihpc_check_hostname(rest) < 0)
			return -1;
		p->host = xstrdup(rest);
	} else if (!strcmp(line, "time")) {
		*why = _("bad time");
		if (p->sec || _time(rest, &p->sec, &p->usec) < 0)
			return -1;
	} else if (!strcmp(line, "munge") || !strcmp(line, "munge-error")) {
		*why = _("bad MUNGE credential");
		if (p->cred || p->munge_err || (line[5] == '\0' && !_cred_ok(rest)))
			return -1;
		if (line[5] == '\0')
			p->cred = xstrdup(rest);
		else
			p->munge_err = xstrdup(rest);
	} else if (!strcmp(line, "slurmd")) {
		struct pihpc_slurm_version v;

		*why = _("bad Slurm version");
		if (p->slurmd || pihpc_slurm_version_parse(rest, &v) < 0 ||
		    strlen(rest) > NAME_MAX_LEN)
			return -1;
		p->slurmd = xstrdup(rest);
	} else if (!strcmp(line, "user")) {
		*why = _("bad user line");
		a = _word(rest);
		if (!_name_ok(rest) || !a)
			return -1;
		if (!strcmp(a, "-")) {
			uid = gid = -1;
		} else {
			b = _word(a);
			if (!b || _id(a, &uid) < 0 || _id(b, &gid) < 0)
				return -1;
		}
		if (p->nusers >= PIHPC_PROBE_ITEMS_MAX)
			return -1;
		pihpc_probe_add_user(p, rest, uid, gid);
	} else if (!strcmp(line, "resolve")) {
		*why = _("bad resolve line");
		a = _word(rest);
		if (!a || pihpc_check_hostname(rest) < 0 ||
		    (strcmp(a, "-") && !_addr_ok(a)) ||
		    p->naddrs >= PIHPC_PROBE_ITEMS_MAX)
			return -1;
		pihpc_probe_add_addr(p, rest, strcmp(a, "-") ? a : NULL);
	} else if (!strcmp(line, "check")) {
		enum pihpc_check_status st;

		*why = _("bad check line");
		a = _word(rest);
		b = a ? _word(a) : NULL;
		if (!b || !_name_ok(a))
			return -1;
		if (!strcmp(rest, "warn"))
			st = PIHPC_CHECK_WARN;
		else if (!strcmp(rest, "fail"))
			st = PIHPC_CHECK_FAIL;
		else
			return -1;
		if (p->nchecks >= PIHPC_PROBE_ITEMS_MAX)
			return -1;
		pihpc_probe_add_check(p, st, a, b, NULL);
	} else if (!strcmp(line, "fix")) {
		*why = _("a fix without its check");
		if (!p->nchecks || p->checks[p->nchecks - 1].fix)
			return -1;
		p->checks[p->nchecks - 1].fix = xstrdup(rest);
	} else {
		return -1;
	}
	return 0;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_probe_release(struct pihpc_probe *p)
{
	size_t i;

	for (i = 0; i < p->nusers; i++)
		free(p->users[i].name);
	for (i = 0; i < p->naddrs; i++) {
		free(p->addrs[i].name);
		free(p->addrs[i].addr);
	}
	for (i = 0; i < p->nchecks; i++) {
		free(p->checks[i].name);
		free(p->checks[i].found);
		free(p->checks[i].fix);
	}
	free(p->users);
	free(p->addrs);
	free(p->checks);
	free(p->host);
	free(p->cred);
	free(p->munge_err);
	free(p->slurmd);
	memset(p, 0, sizeof(*p));
}

void
pihpc_probe_add_user(struct pihpc_probe *p, const char *name, long uid,
		     long gid)
{
	if (_grow((void **)&p->users, p->nusers, sizeof(*p->users)) == 0)
		p->users[p->nusers++] = (struct pihpc_probe_user){ xstrdup(name), uid, gid };
}

void
pihpc_probe_add_addr(struct pihpc_probe *p, const char *name,
		     const char *addr)
{
	if (_grow((void **)&p->addrs, p->naddrs, sizeof(*p->addrs)) == 0)
		p->addrs[p->naddrs++] = (struct pihpc_probe_addr){
			xstrdup(name), addr ? xstrdup(addr) : NULL };
}

void
pihpc_probe_add_check(struct pihpc_probe *p, enum pihpc_check_status status,
		      const char *name, const char *found, const char *fix)
{
	if (_grow((void **)&p->checks, p->nchecks, sizeof(*p->checks)) < 0)
		return;
	p->checks[p->nchecks++] = (struct pihpc_probe_check){
		/* one line each, so that each renders as one */
		status, xstrdup(name), pihpc_one_line_dup(found),
		fix && *fix ? pihpc_one_line_dup(fix) : NULL };
}

void
pihpc_probe_render(const struct pihpc_probe *p, struct strbuf *out)
{
	size_t i;

	strbuf_addf(out, PROBE_MAGIC "\nhost %s\ntime %lld.%06ld\n", p->host,
		    p->sec, p->usec);
	if (p->cred)
		strbuf_addf(out, "munge %s\n", p->cred);
	else
		strbuf_addf(out, "munge-error %s\n",
			    p->munge_err && *p->munge_err ? p->munge_err : "?");
	if (p->slurmd)
		strbuf_addf(out, "slurmd %s\n", p->slurmd);
	for (i = 0; i < p->nusers; i++)
		if (p->users[i].uid < 0)
			strbuf_addf(out, "user %s -\n", p->users[i].name);
		else
			strbuf_addf(out, "user %s %ld %ld\n", p->users[i].name,
				    p->users[i].uid, p->users[i].gid);
	for (i = 0; i < p->naddrs; i++)
		strbuf_addf(out, "resolve %s %s\n", p->addrs[i].name,
			    p->addrs[i].addr ? p->addrs[i].addr : "-");
	for (i = 0; i < p->nchecks; i++) {
		strbuf_addf(out, "check %s %s %s\n",
			    p->checks[i].status == PIHPC_CHECK_FAIL ? "fail" : "warn",
			    p->checks[i].name,
			    *p->checks[i].found ? p->checks[i].found : "?");
		if (p->checks[i].fix)
			strbuf_addf(out, "fix %s\n", p->checks[i].fix);
	}
	strbuf_addstr(out, "end\n");
}

int
pihpc_probe_parse(const char *text, size_t len, struct pihpc_probe *p,
		  char *err, size_t errlen)
{
	const char *s = text, *e = text + len, *nl, *why = NULL;
	char line[PIHPC_PROBE_LINE_MAX + 1];
	unsigned lineno = 0;
	int end = 0;

	pihpc_probe_release(p);
	if (len > PIHPC_PROBE_MAX)
		return pihpc_err(err, errlen, _("the probe is longer than %d bytes"),
				 PIHPC_PROBE_MAX);
	while (s < e && !end) {
		size_t n, i;

		lineno++;
		nl = memchr(s, '\n', (size_t)(e - s));
		if (!nl) {
			why = _("the line does not end");
			goto bad;
		}
		n = (size_t)(nl - s);
		if (n > PIHPC_PROBE_LINE_MAX) {
			why = _("the line is too long");
			goto bad;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		s = nl + 1;
		for (i = 0; i < n; i++)
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f) {
				why = _("a control character");
				goto bad;
			}
		if (lineno == 1) {
			if (strcmp(line, PROBE_MAGIC)) {
				why = _("not a pihpc probe");
				goto bad;
			}
			continue;
		}
		if (_line(p, line, &end, &why) < 0)
			goto bad;
	}
	if (!end || s != e) {
		why = end ? _("text after the end") : _("no end line");
		goto bad;
	}
	if (!p->host || !p->sec || (!p->cred && !p->munge_err)) {
		why = _("the host, its time or its MUNGE line is missing");
		goto bad;
	}
	return 0;
bad:
	pihpc_probe_release(p);
	return pihpc_err(err, errlen, _("probe line %u: %s"), lineno, why);
}
