/*
 * conf.c - /etc/pihpc/cluster.conf: parser, validation and the model.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "error.h"
#include "file.h"
#include "hostlist.h"
#include "i18n.h"

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGIT "0123456789"
#define BLANKS " \t"

typedef int (*validator_t)(const char *value, struct strbuf *why);

struct key_def {
	const char *name;
	const char *def;
	validator_t check;
};

static int _v_cluster_name(const char *v, struct strbuf *why);
static int _v_hostname(const char *v, struct strbuf *why);
static int _v_domain(const char *v, struct strbuf *why);
static int _v_subnet(const char *v, struct strbuf *why);
static int _v_hosts(const char *v, struct strbuf *why);
static int _v_id(const char *v, struct strbuf *why);
static int _v_registration(const char *v, struct strbuf *why);
static int _v_hostlist(const char *v, struct strbuf *why);
static int _v_node_params(const char *v, struct strbuf *why);
static int _v_max_nodes(const char *v, struct strbuf *why);
static int _v_word(const char *v, struct strbuf *why);
static int _v_time(const char *v, struct strbuf *why);
static int _v_mem(const char *v, struct strbuf *why);
static int _v_opt_hostname(const char *v, struct strbuf *why);
static int _v_nfs_exports(const char *v, struct strbuf *why);
static int _v_user(const char *v, struct strbuf *why);
static int _v_users(const char *v, struct strbuf *why);
static int _v_tres(const char *v, struct strbuf *why);
static int _v_yesno(const char *v, struct strbuf *why);

/* Indexed by enum pihpc_key. */
static const struct key_def keys[PIHPC_NKEYS] = {
	{ "cluster_name", "raspi-hpc-cluster", _v_cluster_name },
	{ "controller", "rpnode01", _v_hostname },
	{ "storage", "filenode01", _v_opt_hostname },
	{ "domain", "home.local", _v_domain },
	{ "subnet", "10.0.0.0/24", _v_subnet },
	{ "hosts", "10.0.0.1 rpnode01, 10.0.0.2 rpnode02, 10.0.0.3 filenode01",
	  _v_hosts },
	{ "slurm_uid", "151", _v_id },
	{ "slurm_gid", "151", _v_id },
	{ "node_registration", "dynamic", _v_registration },
	{ "compute_nodes", "rpnode[01-02]", _v_hostlist },
	{ "static_node_params",
	  "Sockets=1 CoresPerSocket=4 ThreadsPerCore=1 RealMemory=1800",
	  _v_node_params },
	{ "max_nodes", "64", _v_max_nodes },
	{ "node_feature", "pihpc", _v_word },
	{ "partition", "batch", _v_word },
	{ "partition_default_time", "1-00:00:00", _v_time },
	{ "partition_max_time", "30-00:00:00", _v_time },
	{ "partition_def_mem_per_cpu", "200", _v_mem },
	{ "nfs_exports", "/home(rw,sync,root_squash,no_subtree_check) "
	  "/nfs(rw,sync,root_squash,no_subtree_check)", _v_nfs_exports },
	{ "accounting_account", "compute", _v_user },
	{ "accounting_users", "pi", _v_users },
	{ "accounting_user_limits", "cpu=4,mem=1gb", _v_tres },
	{ "master_is_compute", "yes", _v_yesno },
	{ "health_check", "no", _v_yesno },
};

/*****************************************************************************
 *  Private Functions: validators (fill [why] with "reason: 'value'")
 *****************************************************************************/

/* Parse decimal [s] into [n] within [lo, hi]; -1 not a number, -2 range. */
static int
_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *n)
{
	char *end;

	if (!*s || strspn(s, DIGIT) != strlen(s) || strlen(s) > 9)
		return strspn(s, DIGIT) == strlen(s) && *s ? -2 : -1;
	errno = 0;
	*n = strtoul(s, &end, 10);
	if (errno || *end)
		return -1;
	return *n < lo || *n > hi ? -2 : 0;
}

static int
_v_range(const char *v, unsigned long lo, unsigned long hi,
	 struct strbuf *why)
{
	unsigned long n;
	int rc = _uint(v, lo, hi, &n);

	if (rc == -1)
		strbuf_addf(why, _("not a number: '%s'"), v);
	else if (rc == -2)
		strbuf_addf(why, _("out of range %lu..%lu: '%s'"), lo, hi, v);
	return rc < 0 ? -1 : 0;
}

static int
_v_cluster_name(const char *v, struct strbuf *why)
{
	size_t n = strlen(v);

	if (!n || n > 40 || !strchr(LOWER, v[0]) ||
	    strspn(v, LOWER DIGIT "_-") != n) {
		strbuf_addf(why, _("invalid cluster name (want [a-z][a-z0-9_-]*, at most 40 characters): '%s'"), v);
		return -1;
	}
	return 0;
}

static int
_v_hostname(const char *v, struct strbuf *why)
{
	if (pihpc_check_hostname(v) < 0) {
		strbuf_addf(why, _("invalid host name: '%s'"), v);
		return -1;
	}
	return 0;
}

static int
_v_domain(const char *v, struct strbuf *why)
{
	if (*v && pihpc_check_hostname(v) < 0) {
		strbuf_addf(why, _("invalid domain name: '%s'"), v);
		return -1;
	}
	return 0;
}

/* Parse "a.b.c.d/n" into network [net] and prefix length [bits]. */
static int
_cidr(const char *v, unsigned long *net, unsigned long *bits, int *hostbits)
{
	const char *slash = strchr(v, '/');
	char addr[16];

	if (!slash || (size_t)(slash - v) >= sizeof(addr))
		return -1;
	memcpy(addr, v, (size_t)(slash - v));
	addr[slash - v] = '\0';
	if (pihpc_ipv4_parse(addr, net) < 0 || _uint(slash + 1, 0, 32, bits) < 0)
		return -1;
	*hostbits = *bits < 32 && (*net & (0xffffffffUL >> *bits)) != 0;
	return 0;
}

static int
_v_subnet(const char *v, struct strbuf *why)
{
	unsigned long net, bits;
	int hostbits;

	if (_cidr(v, &net, &bits, &hostbits) < 0) {
		strbuf_addf(why, _("invalid IPv4 subnet (want A.B.C.D/N): '%s'"), v);
		return -1;
	}
	if (hostbits) {
		strbuf_addf(why, _("host bits set in subnet: '%s'"), v);
		return -1;
	}
	return 0;
}

/*
 * Split "IP NAME, IP NAME" into [addrs] and [names] (both empty); -1 with
 * [why] at the first bad entry.  With [dups], duplicates are looked for
 * by sorting, so that a table of any size is checked in O(n log n).
 */
static int
_hosts_split(const char *v, struct strlist *addrs, struct strlist *names,
	     int dups, struct strbuf *why)
{
	struct strbuf item = STRBUF_INIT;
	const char *p = v;
	size_t dn, da, commas = 0;
	int rc = 0;

	/* refuse a huge table before copying any of it */
	while ((p = strchr(p, ',')) != NULL && commas <= PIHPC_HOSTS_MAX) {
		commas++;
		p++;
	}
	if (commas > PIHPC_HOSTS_MAX) {
		strbuf_addf(why, _("more than %d entries"), PIHPC_HOSTS_MAX);
		return -1;
	}
	p = v;
	while (*p && rc == 0) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char *a, *name, *extra, *save = NULL;
		unsigned long addr;

		strbuf_reset(&item);
		strbuf_add(&item, p, n);
		strbuf_trim(&item);
		p += n;
		if (*p)
			p++;
		if (!item.len && !*p && !comma)
			break;
		a = strtok_r(item.buf, BLANKS, &save);
		name = a ? strtok_r(NULL, BLANKS, &save) : NULL;
		extra = name ? strtok_r(NULL, BLANKS, &save) : NULL;
		if (!a || !name || extra) {
			strbuf_addf(why, _("invalid entry (want 'IPV4 NAME'): '%s'"),
				    item.len ? item.buf : "");
			rc = -1;
		} else if (pihpc_ipv4_parse(a, &addr) < 0) {
			strbuf_addf(why, _("invalid IPv4 address: '%s'"), a);
			rc = -1;
		} else if (pihpc_check_hostname(name) < 0) {
			strbuf_addf(why, _("invalid host name: '%s'"), name);
			rc = -1;
		} else if (names->nr == PIHPC_HOSTS_MAX) {
			strbuf_addf(why, _("more than %d entries"), PIHPC_HOSTS_MAX);
			rc = -1;
		} else {
			strlist_push(addrs, a);
			strlist_push(names, name);
		}
	}
	strbuf_release(&item);
	if (!dups)
		return rc;
	/* a duplicate comes before the bad entry, which was not pushed */
	dn = strv_first_dup(names->v, names->nr);
	da = strv_first_dup(addrs->v, addrs->nr);
	if (dn < names->nr && dn <= da) {
		strbuf_reset(why);
		strbuf_addf(why, _("duplicate host name: '%s'"), names->v[dn]);
		rc = -1;
	} else if (da < addrs->nr) {
		strbuf_reset(why);
		strbuf_addf(why, _("duplicate address: '%s'"), addrs->v[da]);
		rc = -1;
	}
	return rc;
}

static int
_v_hosts(const char *v, struct strbuf *why)
{
	struct strlist a = STRLIST_INIT, n = STRLIST_INIT;
	int rc = _hosts_split(v, &a, &n, 1, why);

	strlist_clear(&a);
	strlist_clear(&n);
	return rc;
}

static int
_v_id(const char *v, struct strbuf *why)
{
	return _v_range(v, 1, 65533, why);
}

static int
_v_registration(const char *v, struct strbuf *why)
{
	if (strcmp(v, "dynamic") && strcmp(v, "static")) {
		strbuf_addf(why, _("want 'dynamic' or 'static': '%s'"), v);
		return -1;
	}
	return 0;
}

static int
_v_hostlist(const char *v, struct strbuf *why)
{
	struct strlist names = STRLIST_INIT;
	char err[256];
	size_t i;
	int rc = 0;

	if (!*v)
		return 0;
	if (pihpc_hostlist_expand(v, &names, err, sizeof(err)) < 0) {
		strbuf_addstr(why, err);
		rc = -1;
	}
	for (i = 0; rc == 0 && i < names.nr; i++) {
		if (pihpc_check_hostname(names.v[i]) < 0) {
			strbuf_addf(why, _("invalid host name: '%s'"), names.v[i]);
			rc = -1;
		}
	}
	if (rc == 0 && (i = strv_first_dup(names.v, names.nr)) < names.nr) {
		strbuf_addf(why, _("duplicate host name: '%s'"), names.v[i]);
		rc = -1;
	}
	strlist_clear(&names);
	return rc;
}

/*
 * The node parameters that may reach a NodeName line, and their values:
 * a number in [lo, hi], or (hi 0) a list of feature names.  Values are
 * checked whole, so that slurm.conf's parser (which cuts at "#", joins a
 * line ending in a backslash to the next, and splits at blanks and "=")
 * reads what was meant.
 */
struct node_param {
	const char *name;
	unsigned long lo;
	unsigned long hi;
};

static const struct node_param node_params[] = {
	{ "Boards", 1, 65533 },
	{ "CoresPerSocket", 1, 65533 },
	{ "CPUs", 1, 65533 },
	{ "Feature", 0, 0 },
	{ "Features", 0, 0 },
	{ "MemSpecLimit", 0, 999999999 },
	{ "RealMemory", 1, 999999999 },
	{ "Sockets", 1, 65533 },
	{ "SocketsPerBoard", 1, 65533 },
	{ "ThreadsPerCore", 1, 65533 },
	{ "TmpDisk", 0, 999999999 },
	{ "Weight", 0, 999999999 },
	{ NULL, 0, 0 }
};

/* "a,b-c,d.e": feature names of [A-Za-z0-9_.-], at most 64 characters. */
static int
_features_ok(const char *v)
{
	const char *p = v;

	for (;;) {
		size_t n = strcspn(p, ",");

		if (!n || n > 64 || strspn(p, LOWER UPPER DIGIT "_.-") < n)
			return 0;
		p += n;
		if (!*p)
			return 1;
		p++;
	}
}

static int
_v_node_params(const char *v, struct strbuf *why)
{
	char *copy = xstrdup(v), *save = NULL, *tok;
	int seen[sizeof(node_params) / sizeof(node_params[0])] = { 0 };
	int seen_features = 0, rc = 0;

	for (tok = strtok_r(copy, BLANKS, &save); tok && !rc;
	     tok = strtok_r(NULL, BLANKS, &save)) {
		char *eq = strchr(tok, '='), *val;
		const struct node_param *np;
		unsigned long n;
		size_t i;

		if (!eq || eq == tok || !eq[1]) {
			strbuf_addf(why, _("invalid node parameter (want Key=Value): '%s'"), tok);
			rc = -1;
			break;
		}
		*eq = '\0';
		val = eq + 1;
		for (i = 0; node_params[i].name && strcmp(node_params[i].name, tok); i++)
			;
		np = &node_params[i];
		if (!np->name) {
			strbuf_addf(why, _("unsupported node parameter: '%s'"), tok);
			rc = -1;
		} else if (np->hi ? seen[i]++ : seen_features++) {
			strbuf_addf(why, _("duplicate node parameter: '%s'"), tok);
			rc = -1;
		} else if (np->hi && _uint(val, np->lo, np->hi, &n) < 0) {
			strbuf_addf(why, _("invalid %s (want a number %lu..%lu): '%s'"),
				    tok, np->lo, np->hi, val);
			rc = -1;
		} else if (!np->hi && !_features_ok(val)) {
			strbuf_addf(why, _("invalid %s (want names of [A-Za-z0-9_.-] separated by commas): '%s'"),
				    tok, val);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

static int
_v_max_nodes(const char *v, struct strbuf *why)
{
	return _v_range(v, 1, 65000, why);
}

static int
_v_word(const char *v, struct strbuf *why)
{
	size_t n = strlen(v);

	if (!n || n > 64 || !strchr(LOWER UPPER, v[0]) ||
	    strspn(v, LOWER UPPER DIGIT "_-") != n) {
		strbuf_addf(why, _("invalid name (want [A-Za-z][A-Za-z0-9_-]*): '%s'"), v);
		return -1;
	}
	return 0;
}

static int
_v_time(const char *v, struct strbuf *why)
{
	long m;

	if (pihpc_time_parse(v, &m) < 0) {
		strbuf_addf(why, _("invalid time (want [D-]HH:MM:SS, minutes or UNLIMITED): '%s'"), v);
		return -1;
	}
	return 0;
}

static int
_v_mem(const char *v, struct strbuf *why)
{
	return _v_range(v, 1, 100000000, why);
}

/* An empty value means "none" (no storage node). */
static int
_v_opt_hostname(const char *v, struct strbuf *why)
{
	return *v ? _v_hostname(v, why) : 0;
}

/* Check the export path [p, p+n): absolute, clean, not "/" itself. */
static int
_export_path_ok(const char *p, size_t n)
{
	size_t i = 1;

	if (n < 2 || p[0] != '/' || p[n - 1] == '/' ||
	    strspn(p, LOWER UPPER DIGIT "/._+@:-") < n)
		return 0;
	while (i < n) {		/* no empty, "." or ".." components */
		size_t c = i;

		while (c < n && p[c] != '/')
			c++;
		if (c == i || (c - i == 1 && p[i] == '.') ||
		    (c - i == 2 && p[i] == '.' && p[i + 1] == '.'))
			return 0;
		i = c + 1;
	}
	return 1;
}

/* Check NFS options [p, p+n): "opt,opt=value,..." over [a-z0-9_=,]. */
static int
_export_options_ok(const char *p, size_t n)
{
	size_t i;

	if (!n || p[0] == ',' || p[n - 1] == ',' ||
	    strspn(p, LOWER DIGIT "_=,") < n)
		return 0;
	for (i = 1; i < n; i++)
		if (p[i] == ',' && p[i - 1] == ',')
			return 0;
	return 1;
}

/* Duplicate among the paths this call added ([from] on), by sorting. */
static int
_exports_dup(const struct strlist *paths, size_t from, char *err,
	     size_t errlen)
{
	size_t d;

	if (!paths->v || paths->nr <= from)
		return 0;
	d = strv_first_dup(paths->v + from, paths->nr - from);
	if (d == paths->nr - from)
		return 0;
	return pihpc_err(err, errlen, _("duplicate export path: '%s'"),
			 paths->v[from + d]);
}

/*
 * Parse the export at [*p] into [paths] and [options] and move past it:
 * 1, 0 at the end, -1 with [err] if it is invalid.
 */
static int
_export_next(const char **pp, struct strlist *paths, struct strlist *options,
	     char *err, size_t errlen)
{
	const char *p = *pp;
	size_t n = strcspn(p, BLANKS), pl;
	const char *open = memchr(p, '(', n);
	struct strbuf path = STRBUF_INIT;

	if (!*p)
		return 0;
	pl = open ? (size_t)(open - p) : n;

	if (p[0] != '/')
		return pihpc_err(err, errlen,
			_("export path must be absolute, without a client (the client is the subnet): '%.*s'"),
			(int)n, p);
	if (!open || p[n - 1] != ')')
		return pihpc_err(err, errlen,
			_("invalid export (want /PATH(OPTIONS)): '%.*s'"),
			(int)n, p);
	if (!_export_path_ok(p, pl))
		return pihpc_err(err, errlen,
			_("invalid export path: '%.*s'"), (int)pl, p);
	if (!_export_options_ok(open + 1, n - pl - 2))
		return pihpc_err(err, errlen,
			_("invalid NFS options (want opt,opt=value,...): '%.*s'"),
			(int)n, p);
	strbuf_add(&path, p, pl);
	strlist_push(paths, path.buf);
	strbuf_reset(&path);
	strbuf_add(&path, open + 1, n - pl - 2);
	strlist_push(options, path.buf);
	strbuf_release(&path);
	p += n;
	p += strspn(p, BLANKS);
	*pp = p;
	return 1;
}

static int
_v_nfs_exports(const char *v, struct strbuf *why)
{
	struct strlist paths = STRLIST_INIT, opts = STRLIST_INIT;
	char err[512];
	int rc = pihpc_nfs_exports_parse(v, &paths, &opts, err, sizeof(err));

	if (rc < 0)
		strbuf_addstr(why, err);
	strlist_clear(&paths);
	strlist_clear(&opts);
	return rc;
}

static int
_is_user(const char *v, size_t n)
{
	return n && n <= 32 && strchr(LOWER "_", v[0]) &&
	       strspn(v, LOWER DIGIT "_-") == n;
}

static int
_v_user(const char *v, struct strbuf *why)
{
	if (!_is_user(v, strlen(v))) {
		strbuf_addf(why, _("invalid name (want [a-z_][a-z0-9_-]*): '%s'"), v);
		return -1;
	}
	return 0;
}

static int
_v_users(const char *v, struct strbuf *why)
{
	const char *p = v;

	while (*p) {
		size_t n = strcspn(p, " \t,");

		if (n && !_is_user(p, n)) {
			strbuf_addf(why, _("invalid user name: '%.*s'"), (int)n, p);
			return -1;
		}
		p += n;
		p += strspn(p, " \t,");
	}
	return 0;
}

/*
 * "name=value,...": each name once (sacctmgr keeps one value per name, so
 * a repeated one could never compare equal and every run would modify
 * the user again), and within the sizes the accounting code compares.
 */
static int
_v_tres(const char *v, struct strbuf *why)
{
	const char *p = v, *names[PIHPC_TRES_MAX];
	size_t nl[PIHPC_TRES_MAX], nr = 0, i;

	while (*p) {
		size_t n = strcspn(p, ",");
		const char *eq = memchr(p, '=', n);
		size_t kl = eq ? (size_t)(eq - p) : 0;

		if (!eq || !kl || strspn(p, LOWER "/") < kl || kl + 1 == n ||
		    strspn(eq + 1, LOWER UPPER DIGIT) < n - kl - 1) {
			strbuf_addf(why, _("invalid TRES limit (want name=value,...): '%.*s'"),
				    (int)n, p);
			return -1;
		}
		if (kl > PIHPC_TRES_NAME_MAX || n - kl - 1 > PIHPC_TRES_NAME_MAX) {
			strbuf_addf(why, _("TRES name or value longer than %d characters: '%.*s'"),
				    PIHPC_TRES_NAME_MAX, (int)n, p);
			return -1;
		}
		for (i = 0; i < nr; i++) {
			if (nl[i] == kl && !memcmp(names[i], p, kl)) {
				strbuf_addf(why, _("duplicate TRES '%.*s': '%s'"),
					    (int)kl, p, v);
				return -1;
			}
		}
		if (nr == PIHPC_TRES_MAX) {
			strbuf_addf(why, _("more than %d TRES limits: '%s'"),
				    PIHPC_TRES_MAX, v);
			return -1;
		}
		names[nr] = p;
		nl[nr++] = kl;
		p += n;
		if (*p && !*++p) {
			strbuf_addf(why, _("trailing comma: '%s'"), v);
			return -1;
		}
	}
	return 0;
}

static int
_v_yesno(const char *v, struct strbuf *why)
{
	if (strcmp(v, "yes") && strcmp(v, "no")) {
		strbuf_addf(why, _("want 'yes' or 'no': '%s'"), v);
		return -1;
	}
	return 0;
}

/*****************************************************************************
 *  Private Functions: lines
 *****************************************************************************/

/* Blank for the line syntax; strchr() would also match the NUL byte. */
static int
_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Offset of the first control character (NUL, newline, CR, DEL, ...; a
 * tab is a blank) in [v, v+n), or [n].  A value is one line of text: a
 * newline would start a new key in the file or in slurm.conf.
 */
static size_t
_ctl_at(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return i;
	}
	return n;
}

/* Append [p, p+n) to [sb]: printable ASCII as is, other bytes as \xNN. */
static void
_add_escaped(struct strbuf *sb, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch >= 0x20 && ch < 0x7f)
			strbuf_addch(sb, ch);
		else
			strbuf_addf(sb, "\\x%02x", ch);
	}
}

/* "'key': control character 0x0a at position 10 of the value". */
static void
_add_ctl_error(struct strbuf *sb, const char *key, const char *v, size_t at)
{
	strbuf_addf(sb, _("'%s': control character 0x%02x at position %zu of the value"),
		    key, (unsigned char)v[at], at + 1);
}

enum line_kind { LINE_BLANK, LINE_KV, LINE_BAD };

/* Classify line [p, p+n): key at [*k, *k+*kl), value at [*v, *v+*vl). */
static enum line_kind
_split_line(const char *p, size_t n, const char **k, size_t *kl,
	    const char **v, size_t *vl)
{
	const char *eq, *e = p + n;

	while (p < e && _is_blank(*p))
		p++;
	while (e > p && _is_blank(e[-1]))
		e--;
	if (p == e || *p == '#')
		return LINE_BLANK;
	eq = memchr(p, '=', (size_t)(e - p));
	if (!eq)
		return LINE_BAD;
	*k = p;
	*kl = (size_t)(eq - p);
	while (*kl && _is_blank(p[*kl - 1]))
		(*kl)--;
	*v = eq + 1;
	while (*v < e && _is_blank(**v))
		(*v)++;
	*vl = (size_t)(e - *v);
	if (!*kl || strspn(p, LOWER DIGIT "_") < *kl)
		return LINE_BAD;
	return LINE_KV;
}

static int
_lookup_n(const char *name, size_t n)
{
	int i;

	for (i = 0; i < PIHPC_NKEYS; i++)
		if (strlen(keys[i].name) == n && !strncmp(keys[i].name, name, n))
			return i;
	return -1;
}

/* "FILE:LINE: " or "FILE: " when [line] is 0 (a default). */
static void
_where(struct strbuf *sb, const char *fname, int line)
{
	if (line)
		strbuf_addf(sb, "%s:%d: ", fname, line);
	else
		strbuf_addf(sb, "%s: ", fname);
}

static void
_cross_checks(struct pihpc_conf *c, const char *fname, const int *bad,
	      struct strlist *errs)
{
	struct strbuf sb = STRBUF_INIT;

	if (!bad[PIHPC_SUBNET] && !bad[PIHPC_HOSTS]) {
		unsigned long net = 0, bits = 0, addr = 0, mask;
		const char *p = c->val[PIHPC_HOSTS];
		char a[16];
		int hb;

		(void)_cidr(c->val[PIHPC_SUBNET], &net, &bits, &hb);
		mask = bits ? (0xffffffffUL << (32 - bits)) & 0xffffffffUL : 0;
		/* the checked "IP NAME, ..." walked in place: no copies */
		while (p) {
			size_t n;

			p += strspn(p, BLANKS ",");
			n = strcspn(p, BLANKS ",");
			if (!n || n >= sizeof(a))
				break;
			memcpy(a, p, n);
			a[n] = '\0';
			p = strchr(p, ',');
			(void)pihpc_ipv4_parse(a, &addr);
			if ((addr & mask) == net)
				continue;
			strbuf_reset(&sb);
			_where(&sb, fname, c->line[PIHPC_HOSTS] ?
			       c->line[PIHPC_HOSTS] : c->line[PIHPC_SUBNET]);
			/* the key stays untranslated: the maintainer scripts
			 * pick the reason that follows "'KEY': " */
			strbuf_addstr(&sb, "'hosts': ");
			strbuf_addf(&sb, _("address '%s' is outside subnet '%s'"),
				    a, c->val[PIHPC_SUBNET]);
			strlist_push(errs, sb.buf);
		}
	}
	if (!bad[PIHPC_PARTITION_DEFAULT_TIME] && !bad[PIHPC_PARTITION_MAX_TIME]) {
		long d = 0, m = -1;

		(void)pihpc_time_parse(c->val[PIHPC_PARTITION_DEFAULT_TIME], &d);
		(void)pihpc_time_parse(c->val[PIHPC_PARTITION_MAX_TIME], &m);
		if (m >= 0 && (d < 0 || d > m)) {
			strbuf_reset(&sb);
			_where(&sb, fname, c->line[PIHPC_PARTITION_DEFAULT_TIME] ?
			       c->line[PIHPC_PARTITION_DEFAULT_TIME] :
			       c->line[PIHPC_PARTITION_MAX_TIME]);
			strbuf_addstr(&sb, "'partition_default_time': ");
			strbuf_addf(&sb, _("longer than partition_max_time '%s': '%s'"),
				    c->val[PIHPC_PARTITION_MAX_TIME],
				    c->val[PIHPC_PARTITION_DEFAULT_TIME]);
			strlist_push(errs, sb.buf);
		}
	}
	if (!bad[PIHPC_NODE_REGISTRATION] && !bad[PIHPC_COMPUTE_NODES] &&
	    !strcmp(c->val[PIHPC_NODE_REGISTRATION], "static") &&
	    !*c->val[PIHPC_COMPUTE_NODES]) {
		strbuf_reset(&sb);
		_where(&sb, fname, c->line[PIHPC_COMPUTE_NODES] ?
		       c->line[PIHPC_COMPUTE_NODES] :
		       c->line[PIHPC_NODE_REGISTRATION]);
		strbuf_addstr(&sb, "'compute_nodes': ");
		strbuf_addstr(&sb, _("empty, but node_registration is 'static'"));
		strlist_push(errs, sb.buf);
	}
	strbuf_release(&sb);
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

const char *
pihpc_conf_key_name(enum pihpc_key k)
{
	return keys[k].name;
}

const char *
pihpc_conf_key_default(enum pihpc_key k)
{
	return keys[k].def;
}

int
pihpc_conf_key_lookup(const char *name)
{
	return _lookup_n(name, strlen(name));
}

void
pihpc_conf_init(struct pihpc_conf *c)
{
	int i;

	for (i = 0; i < PIHPC_NKEYS; i++) {
		c->val[i] = xstrdup(keys[i].def);
		c->line[i] = 0;
	}
}

void
pihpc_conf_release(struct pihpc_conf *c)
{
	int i;

	for (i = 0; i < PIHPC_NKEYS; i++) {
		free(c->val[i]);
		c->val[i] = NULL;
	}
}

const char *
pihpc_conf_get(const struct pihpc_conf *c, enum pihpc_key k)
{
	return c->val[k] ? c->val[k] : keys[k].def;
}

unsigned long
pihpc_conf_ulong(const struct pihpc_conf *c, enum pihpc_key k)
{
	return strtoul(pihpc_conf_get(c, k), NULL, 10);
}

int
pihpc_conf_yes(const struct pihpc_conf *c, enum pihpc_key k)
{
	const char *v = pihpc_conf_get(c, k);

	return !strcmp(v, "yes") || !strcmp(v, "dynamic");
}

int
pihpc_conf_check_value(const char *key, const char *value,
		       char *err, size_t errlen)
{
	struct strbuf why = STRBUF_INIT;
	int k = pihpc_conf_key_lookup(key), rc = 0;
	size_t at = _ctl_at(value, strlen(value));

	if (k < 0) {
		_add_escaped(&why, key, strlen(key));
		rc = pihpc_err(err, errlen, _("unknown key '%s'"), why.buf);
	} else if (value[at]) {
		_add_ctl_error(&why, key, value, at);
		rc = pihpc_err(err, errlen, "%s", why.buf);
	} else if (keys[k].check(value, &why) < 0) {
		rc = pihpc_err(err, errlen, "'%s': %s", key, why.buf);
	}
	strbuf_release(&why);
	return rc;
}

int
pihpc_conf_parse(struct pihpc_conf *c, const char *fname, const char *text,
		 size_t len, struct strlist *errs)
{
	struct strbuf sb = STRBUF_INIT, why = STRBUF_INIT;
	int bad[PIHPC_NKEYS] = { 0 };
	size_t p = 0, nerr = errs->nr;
	int line = 0;

	while (p < len) {
		const char *nl = memchr(text + p, '\n', len - p);
		size_t q = nl ? (size_t)(nl - text) : len;
		const char *k = NULL, *v = NULL;
		size_t kl = 0, vl = 0;
		enum line_kind kind;
		int key;

		line++;
		kind = _split_line(text + p, q - p, &k, &kl, &v, &vl);
		strbuf_reset(&sb);
		if (kind == LINE_BAD) {
			size_t s = p;

			while (s < q && _is_blank(text[s]))
				s++;
			_where(&sb, fname, line);
			strbuf_reset(&why);
			_add_escaped(&why, text + s, q - s);
			strbuf_addf(&sb, _("expected 'key = value': '%s'"), why.buf);
			strlist_push(errs, sb.buf);
		} else if (kind == LINE_BLANK && memchr(text + p, '\0', q - p)) {
			_where(&sb, fname, line);
			strbuf_addstr(&sb, _("NUL byte in a comment"));
			strlist_push(errs, sb.buf);
		} else if (kind == LINE_KV) {
			key = _lookup_n(k, kl);
			_where(&sb, fname, line);
			if (key < 0) {
				strbuf_addf(&sb, _("unknown key '%.*s'"), (int)kl, k);
				strlist_push(errs, sb.buf);
			} else if (c->line[key]) {
				strbuf_addf(&sb, _("duplicate key '%s' (first set at line %d)"),
					    keys[key].name, c->line[key]);
				strlist_push(errs, sb.buf);
			} else if (_ctl_at(v, vl) < vl) {
				bad[key] = 1;
				c->line[key] = line;
				_add_ctl_error(&sb, keys[key].name, v, _ctl_at(v, vl));
				strlist_push(errs, sb.buf);
			} else {
				free(c->val[key]);
				c->val[key] = xstrndup(v, vl);
				c->line[key] = line;
				strbuf_reset(&why);
				if (keys[key].check(c->val[key], &why) < 0) {
					bad[key] = 1;
					strbuf_addf(&sb, "'%s': %s",
						    keys[key].name, why.buf);
					strlist_push(errs, sb.buf);
				}
			}
		}
		p = nl ? q + 1 : len;
	}
	_cross_checks(c, fname, bad, errs);
	strbuf_release(&sb);
	strbuf_release(&why);
	return errs->nr > nerr ? -1 : 0;
}

int
pihpc_conf_load(const struct pihpc_ctx *ctx, const char *path, int missing_ok,
		struct pihpc_conf *c, struct strlist *errs)
{
	struct strbuf file = STRBUF_INIT, text = STRBUF_INIT;
	char err[1024];
	int rc = 0, is_default = path == NULL;

	if (!path)
		path = pihpc_path(ctx, PIHPC_CONF_PATH, &file);
	if (pihpc_read_file(path, &text, err, sizeof(err)) < 0) {
		if (!(missing_ok && is_default && errno == ENOENT)) {
			strlist_push(errs, err);
			rc = -1;
		}
	} else {
		rc = pihpc_conf_parse(c, path, text.buf, text.len, errs);
	}
	strbuf_release(&file);
	strbuf_release(&text);
	return rc;
}

int
pihpc_conf_set_text(const char *fname, const char *text, size_t len,
		    char *const *assign, size_t n, struct strbuf *out,
		    struct strlist *errs)
{
	struct strbuf cur = STRBUF_INIT, next = STRBUF_INIT;
	struct pihpc_conf c;
	size_t i, nerr = errs->nr;
	char err[1024];
	int rc = -1;

	if (!len)
		strbuf_addstr(&cur, "# pihpc cluster configuration, see pihpc-cluster.conf(5).\n"
				    "# Changed with 'pihpc config set'; comments and order are kept.\n");
	else
		strbuf_add(&cur, text, len);
	for (i = 0; i < n; i++) {
		const char *eq = strchr(assign[i], '=');
		struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
		size_t p = 0, done = 0;

		if (!eq) {
			strlist_pushf(errs, _("invalid assignment (want KEY=VALUE): '%s'"),
				      assign[i]);
			continue;
		}
		strbuf_add(&key, assign[i], (size_t)(eq - assign[i]));
		strbuf_addstr(&val, eq + 1);
		/* before trimming, which would drop a CR or newline at an end */
		if (_ctl_at(key.buf, key.len) < key.len) {
			strbuf_reset(&next);
			_add_escaped(&next, key.buf, key.len);
			strlist_pushf(errs, _("unknown key '%s'"), next.buf);
			goto next;
		}
		strbuf_trim(&key);
		if (_ctl_at(val.buf, val.len) < val.len &&
		    pihpc_conf_key_lookup(key.buf) >= 0) {
			strbuf_reset(&next);
			_add_ctl_error(&next, key.buf, val.buf, _ctl_at(val.buf, val.len));
			strlist_push(errs, next.buf);
			goto next;
		}
		strbuf_trim(&val);
		if (pihpc_conf_check_value(key.buf, val.buf, err, sizeof(err)) < 0) {
			strlist_push(errs, err);
			goto next;
		}
		strbuf_reset(&next);
		while (p < cur.len) {
			const char *nl = memchr(cur.buf + p, '\n', cur.len - p);
			size_t q = nl ? (size_t)(nl - cur.buf) : cur.len;
			const char *k = NULL, *v = NULL;
			size_t kl = 0, vl = 0;

			if (!done &&
			    _split_line(cur.buf + p, q - p, &k, &kl, &v, &vl) == LINE_KV &&
			    kl == key.len && !memcmp(k, key.buf, kl)) {
				strbuf_addf(&next, "%s =%s%s", key.buf,
					    val.len ? " " : "", val.buf);
				done = 1;
			} else {
				strbuf_add(&next, cur.buf + p, q - p);
			}
			if (nl)
				strbuf_addch(&next, '\n');
			p = nl ? q + 1 : cur.len;
		}
		if (!done) {
			if (next.len && next.buf[next.len - 1] != '\n')
				strbuf_addch(&next, '\n');
			strbuf_addf(&next, "%s =%s%s\n", key.buf,
				    val.len ? " " : "", val.buf);
		}
		strbuf_reset(&cur);
		strbuf_addbuf(&cur, &next);
next:
		strbuf_release(&key);
		strbuf_release(&val);
	}
	if (errs->nr > nerr)
		goto out;
	pihpc_conf_init(&c);
	rc = pihpc_conf_parse(&c, fname, cur.buf, cur.len, errs);
	pihpc_conf_release(&c);
	if (rc == 0) {
		strbuf_reset(out);
		strbuf_addbuf(out, &cur);
	}
out:
	strbuf_release(&cur);
	strbuf_release(&next);
	return rc;
}

void
pihpc_conf_hosts(const struct pihpc_conf *c, struct strlist *addrs,
		 struct strlist *names)
{
	struct strbuf why = STRBUF_INIT;

	/* only called on a checked configuration: no duplicates to find */
	(void)_hosts_split(pihpc_conf_get(c, PIHPC_HOSTS), addrs, names, 0, &why);
	strbuf_release(&why);
}

void
pihpc_conf_accounting_users(const struct pihpc_conf *c, struct strlist *users)
{
	const char *p = pihpc_conf_get(c, PIHPC_ACCOUNTING_USERS);

	while (*p) {
		size_t n = strcspn(p, " \t,");

		if (n) {
			char *u = xstrndup(p, n);

			strlist_push(users, u);
			free(u);
		}
		p += n;
		p += strspn(p, " \t,");
	}
}

void
pihpc_conf_compute_nodes(const struct pihpc_conf *c, struct strlist *names)
{
	const char *v = pihpc_conf_get(c, PIHPC_COMPUTE_NODES);

	if (*v) {
		char err[256];

		(void)pihpc_hostlist_expand(v, names, err, sizeof(err));
	}
}

int
pihpc_time_parse(const char *s, long *minutes)
{
	unsigned long f[4] = { 0, 0, 0, 0 }, days = 0;
	const char *dash = strchr(s, '-'), *p;
	int nf = 0, has_days = dash != NULL;
	char *end;

	if (!strcmp(s, "UNLIMITED") || !strcmp(s, "INFINITE") ||
	    !strcmp(s, "unlimited") || !strcmp(s, "infinite")) {
		*minutes = -1;
		return 0;
	}
	p = s;
	if (has_days) {
		if (dash == s || strspn(s, DIGIT) != (size_t)(dash - s) ||
		    dash - s > 5)
			return -1;
		days = strtoul(s, NULL, 10);
		p = dash + 1;
	}
	for (;;) {
		size_t n = strspn(p, DIGIT);

		if (!n || n > 7 || nf == 3)
			return -1;
		f[nf++] = strtoul(p, &end, 10);
		p = end;
		if (!*p)
			break;
		if (*p != ':')
			return -1;
		p++;
	}
	if (has_days) {		/* D-H, D-H:M, D-H:M:S */
		if (f[0] > 23 || (nf > 1 && f[1] > 59) || (nf > 2 && f[2] > 59))
			return -1;
		*minutes = (long)(days * 1440 + f[0] * 60 + f[1]);
		if (nf > 2 && f[2])
			(*minutes)++;
		return 0;
	}
	switch (nf) {
	case 1:			/* M */
		*minutes = (long)f[0];
		return 0;
	case 2:			/* M:S */
		if (f[1] > 59)
			return -1;
		*minutes = (long)f[0] + (f[1] ? 1 : 0);
		return 0;
	default:		/* H:M:S */
		if (f[1] > 59 || f[2] > 59)
			return -1;
		*minutes = (long)(f[0] * 60 + f[1]) + (f[2] ? 1 : 0);
		return 0;
	}
}

int
pihpc_nfs_exports_parse(const char *value, struct strlist *paths,
			struct strlist *options, char *err, size_t errlen)
{
	const char *p = value + strspn(value, BLANKS);
	size_t from = paths->nr;
	int rc;

	while ((rc = _export_next(&p, paths, options, err, errlen)) > 0)
		;
	/* a duplicate comes before the bad export, which was not added */
	if (_exports_dup(paths, from, err, errlen) < 0)
		return -1;
	return rc;
}

int
pihpc_check_hostname(const char *s)
{
	size_t total = 0, label = 0;
	char prev = '.';

	/* a loop, not strspn(): this runs once per host of a large table */
	for (; *s; s++, total++) {
		char c = *s;

		if (c == '.') {
			if (!label || prev == '-')
				return -1;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || (c == '-' && label)) {
			if (++label > 63)
				return -1;
		} else {
			return -1;
		}
		prev = c;
	}
	if (!total || total > 253 || !label || prev == '-')
		return -1;
	return 0;
}

int
pihpc_ipv4_parse(const char *s, unsigned long *addr)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*addr = (unsigned long)ntohl(in.s_addr);
	return 0;
}
