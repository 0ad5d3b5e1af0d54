/*
 * doctorcluster.c - both sides of the controller's cluster checks.
 *
 * Thresholds are those of the node checks (doctorcheck.h); names of the
 * results are "CHECK@NODE", so that a script can tell node and check
 * apart and a person sees both at a glance.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "doctorcluster.h"
#include "doctorparse.h"
#include "error.h"
#include "i18n.h"
#include "mungecheck.h"
#include "slurmrel.h"
#include "user.h"

/* One node as sinfo lists it. */
struct node {
	char *name;
	char *state;	/* sinfo's %T: "idle", "drained", "idle*" */
	char *version;	/* its slurmd's, "N/A" when unknown */
	char *addr;	/* NodeAddr */
	char *reason;
};

/* What the controller compares each node with. */
struct view {
	struct pihpc_slurm_version ctl;
	unsigned port;		/* SlurmdPort */
	struct pihpc_probe self;	/* users and addresses as seen here */
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

__attribute__((format(printf, 6, 7)))
static void
_add(struct pihpc_report *r, const char *check, const char *node,
     enum pihpc_check_status st, const char *fix, const char *fmt, ...)
{
	struct strbuf name = STRBUF_INIT, found = STRBUF_INIT;
	va_list ap;

	strbuf_addf(&name, "%s@%s", check, node);
	va_start(ap, fmt);
	strbuf_vaddf(&found, fmt, ap);
	va_end(ap);
	pihpc_report_add(r, name.buf, st, found.buf, fix);
	strbuf_release(&name);
	strbuf_release(&found);
}

/* The slurm user, then each accounting user, with its ids or -1. */
static void
_users(const struct pihpc_doctor_env *env, struct pihpc_probe *p)
{
	struct strlist users = STRLIST_INIT;
	char err[256];
	uid_t uid;
	gid_t gid;
	size_t i;

	strlist_push(&users, "slurm");
	pihpc_conf_accounting_users(env->conf, &users);
	for (i = 0; i < users.nr; i++) {
		if (pihpc_user_lookup(env->ctx, users.v[i], &uid, &gid, err,
				      sizeof(err)) == 1)
			pihpc_probe_add_user(p, users.v[i], (long)uid, (long)gid);
		else
			pihpc_probe_add_user(p, users.v[i], -1, -1);
	}
	strlist_clear(&users);
}

static void
_resolve(const struct pihpc_doctor_env *env, struct pihpc_probe *p)
{
	struct strlist addrs = STRLIST_INIT, names = STRLIST_INIT;
	struct addrinfo hints, *res;
	char buf[NI_MAXHOST];
	size_t i;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	pihpc_conf_hosts(env->conf, &addrs, &names);
	for (i = 0; i < names.nr; i++) {
		if (getaddrinfo(names.v[i], NULL, &hints, &res) != 0) {
			pihpc_probe_add_addr(p, names.v[i], NULL);
			continue;
		}
		if (getnameinfo(res->ai_addr, res->ai_addrlen, buf, sizeof(buf),
				NULL, 0, NI_NUMERICHOST) == 0)
			pihpc_probe_add_addr(p, names.v[i], buf);
		else
			pihpc_probe_add_addr(p, names.v[i], NULL);
		freeaddrinfo(res);
	}
	strlist_clear(&addrs);
	strlist_clear(&names);
}

static void
_split(char *line, char **f, size_t n)
{
	size_t i;

	/* the last field (the reason) may hold '|' itself */
	for (i = 0; i < n; i++) {
		f[i] = line;
		if (i + 1 < n && line) {
			line = strchr(line, '|');
			if (line)
				*line++ = '\0';
		}
	}
}

/* Free [n] nodes of [v], and [v] itself if [array]. */
static void
_nodes_free(struct node *v, size_t n, int array)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].state);
		free(v[i].version);
		free(v[i].addr);
		free(v[i].reason);
	}
	if (array)
		free(v);
}

static int
_node_cmp(const void *a, const void *b)
{
	return strcmp(((const struct node *)a)->name, ((const struct node *)b)->name);
}

/*
 * sinfo's nodes by name, each once (sinfo -N lists a node once per
 * partition): sorted, then the repeats dropped.
 */
static size_t
_nodes(const char *text, struct node **out)
{
	struct strbuf copy = STRBUF_INIT;
	struct node *v = NULL;
	char *line, *save = NULL, *f[5];
	size_t n = 0, alloc = 0, i, kept = 0;

	strbuf_addstr(&copy, text);
	for (line = strtok_r(copy.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		_split(line, f, 5);
		if (!f[4] || pihpc_check_hostname(f[0]) < 0)
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			v = xrealloc(v, alloc * sizeof(*v));
		}
		v[n++] = (struct node){ xstrdup(f[0]), xstrdup(f[1]), xstrdup(f[2]),
					xstrdup(f[3]), xstrdup(f[4]) };
	}
	strbuf_release(&copy);
	if (n)
		qsort(v, n, sizeof(*v), _node_cmp);
	for (i = 0; i < n; i++) {
		if (kept && !strcmp(v[kept - 1].name, v[i].name)) {
			_nodes_free(v + i, 1, 0);
			continue;
		}
		v[kept++] = v[i];
	}
	*out = v;
	return kept;
}

/*
 * Slurm's state of [n]: 1 if srun can run there; 0 if not, with the
 * finding added; -1 if the node is not to be checked now (power saving).
 */
static int
_state(struct pihpc_report *r, const struct node *n)
{
	const char *s = n->state, *why = n->reason;
	int responding = !strchr(s, '*');
	struct strbuf fix = STRBUF_INIT;

	/* powered down or changing: srun would wake it, which is no check */
	if (responding && strpbrk(s, "~#%")) {
		_add(r, "state", n->name, PIHPC_CHECK_SKIP, NULL,
		     _("%s: powered down or powering up or down; not probed"), s);
		return -1;
	}
	if (responding && !strstr(s, "drain") && !strstr(s, "down") &&
	    !strstr(s, "fail") && !strstr(s, "unknown") && !strstr(s, "future") &&
	    !strstr(s, "power") && !strstr(s, "maint") && !strstr(s, "reboot"))
		return 1;
	if (!strncmp(why, "pihpc doctor:", 13))
		strbuf_addf(&fix, _("run 'pihpc doctor' on %s: the node resumes itself once its checks pass"),
			    n->name);
	else if (strstr(why, "RealMemory"))
		strbuf_addf(&fix, _("%s has less memory than slurm.conf gives it: run 'pihpc node detect' there, or lower its RealMemory; then 'scontrol update nodename=%s state=resume'"),
			    n->name, n->name);
	else if (!responding || strstr(why, "respond"))
		strbuf_addf(&fix, _("does slurmd run on %s ('systemctl status slurmd' there)? Can the controller reach its port and can it reach port 6817 here? Do its munge key, clock and Slurm version agree with the controller's ('pihpc doctor' there)?"),
			    n->name);
	else if (strstr(s, "drain"))
		strbuf_addf(&fix, _("a person drained it: 'scontrol update nodename=%s state=resume' once done"),
			    n->name);
	else
		strbuf_addf(&fix, _("see 'sinfo -R'; once fixed, 'scontrol update nodename=%s state=resume'"),
			    n->name);
	/* a drain of a person is the admin's business, anything else stops jobs */
	_add(r, "state", n->name,
	     strstr(s, "drain") && responding && strncmp(why, "pihpc doctor:", 13) &&
			     !strstr(why, "RealMemory") ? PIHPC_CHECK_WARN : PIHPC_CHECK_FAIL,
	     fix.buf, _("%s, reason: %s"), s, *why ? why : _("none given"));
	strbuf_release(&fix);
	return 0;
}

/* Its slurmd's version against slurmctld's; 0 or -1 (added). */
static int
_version(struct pihpc_report *r, const struct view *w, const struct node *n)
{
	struct pihpc_slurm_version v;
	int c;

	if (pihpc_slurm_version_parse(n->version, &v) < 0)
		return 0;
	c = pihpc_slurm_version_cmp(&v, &w->ctl, 1);
	if (c > 0) {
		_add(r, "version", n->name, PIHPC_CHECK_FAIL,
		     _("upgrade slurmdbd, then slurmctld, then the nodes (see pihpc-upgrade(8)); or install the controller's version on the node"),
		     _("slurmd %s is newer than slurmctld %u.%02u.%u"), n->version,
		     w->ctl.major, w->ctl.minor, w->ctl.micro);
		return -1;
	}
	if (c < 0) {
		_add(r, "version", n->name, PIHPC_CHECK_WARN,
		     _("upgrade the node to the controller's Slurm ('apt upgrade' there)"),
		     _("slurmd %s is older than slurmctld %u.%02u.%u"), n->version,
		     w->ctl.major, w->ctl.minor, w->ctl.micro);
		return -1;
	}
	return 0;
}

static int
_port(const struct pihpc_cluster_env *env, struct pihpc_report *r,
      const struct view *w, const struct node *n)
{
	char err[256];

	if (env->connect(env->data, n->addr, w->port, err, sizeof(err)) == 0)
		return 0;
	_add(r, "port", n->name, PIHPC_CHECK_FAIL,
	     _("is a firewall blocking it? Slurm needs TCP 6817 (slurmctld), 6818 (slurmd), 6819 (slurmdbd) and SrunPortRange open between the nodes"),
	     _("slurmd's port %s:%u: %s"), n->addr, w->port, err);
	return -1;
}

/* Compare the probe [p] of [n], run between [t0] and [t1]. */
static int
_compare(const struct pihpc_cluster_env *env, struct pihpc_report *r,
	 const struct view *w, const struct node *n,
	 const struct pihpc_probe *p, long long t0, long long t1,
	 struct strbuf *summary)
{
	long long node = p->sec * 1000000LL + p->usec, off = 0, encoded;
	unsigned long long abs_off;
	char err[512];
	size_t i, j;
	int bad = 0;

	if (strcmp(p->host, n->name)) {
		_add(r, "probe", n->name, PIHPC_CHECK_FAIL,
		     _("the node's host name must be its Slurm NodeName ('hostnamectl hostname')"),
		     _("the node calls itself '%s'"), p->host);
		return -1;
	}
	/* the node read its clock somewhere between t0 and t1 here */
	if (node < t0)
		off = node - t0;
	else if (node > t1)
		off = node - t1;
	abs_off = (unsigned long long)(off < 0 ? -off : off);
	if (abs_off > PIHPC_CLOCK_WARN_SEC * 1000000ULL) {
		_add(r, "clock", n->name,
		     abs_off > PIHPC_CLOCK_FAIL_SEC * 1000000ULL ? PIHPC_CHECK_FAIL
								 : PIHPC_CHECK_WARN,
		     _("run chrony on every node with the same time source ('chronyc sources'): MUNGE refuses credentials more than 300 s off"),
		     _("the clock is %s%llu.%06llu s off the controller's"),
		     off < 0 ? "-" : "+", abs_off / 1000000ULL, abs_off % 1000000ULL);
		bad = 1;
	}
	if (!p->cred) {
		_add(r, "munge", n->name, PIHPC_CHECK_FAIL,
		     _("see 'systemctl status munge' on the node"), "%s",
		     p->munge_err);
		bad = 1;
	} else if (env->unmunge(env->data, p->cred, &encoded, err, sizeof(err)) < 0) {
		_add(r, "munge", n->name, PIHPC_CHECK_FAIL,
		     _("every node needs the cluster's munge key ('pihpc node join' on the node) and a clock within 300 s"),
		     _("a credential of the node does not decode here: %s"), err);
		bad = 1;
	}
	for (i = 0; i < w->self.nusers; i++) {
		const struct pihpc_probe_user *u = &w->self.users[i];

		for (j = 0; j < p->nusers && strcmp(p->users[j].name, u->name); j++)
			;
		if (j == p->nusers || u->uid < 0 ||
		    (p->users[j].uid == u->uid && p->users[j].gid == u->gid))
			continue;
		if (p->users[j].uid < 0)
			_add(r, "uid", n->name, PIHPC_CHECK_FAIL,
			     _("create the user with the same uid and gid on every node: jobs run as this user there"),
			     _("user %s is missing there (uid %ld here)"), u->name,
			     u->uid);
		else
			_add(r, "uid", n->name, PIHPC_CHECK_FAIL,
			     _("give the user the same uid and gid on every node: Slurm and NFS know users by number"),
			     _("user %s is %ld:%ld there, %ld:%ld here"), u->name,
			     p->users[j].uid, p->users[j].gid, u->uid, u->gid);
		bad = 1;
	}
	for (i = 0; i < w->self.naddrs; i++) {
		const struct pihpc_probe_addr *a = &w->self.addrs[i];

		for (j = 0; j < p->naddrs && strcmp(p->addrs[j].name, a->name); j++)
			;
		if (j == p->naddrs || !a->addr ||
		    (p->addrs[j].addr && !strcmp(p->addrs[j].addr, a->addr)))
			continue;
		_add(r, "hosts", n->name, PIHPC_CHECK_FAIL,
		     _("every node must resolve the cluster's names alike: 'pihpc hosts apply' there, and see its /etc/hosts"),
		     _("%s resolves to %s there, to %s here"), a->name,
		     p->addrs[j].addr ? p->addrs[j].addr : _("nothing"), a->addr);
		bad = 1;
	}
	/* the node's own findings; this node's are in the table already */
	for (i = 0; i < p->nchecks && strcmp(n->name, env->doc->host); i++) {
		struct strbuf fix = STRBUF_INIT;

		if (p->checks[i].fix)
			strbuf_addf(&fix, _("on %s: %s"), n->name, p->checks[i].fix);
		else
			strbuf_addf(&fix, _("run 'pihpc doctor' on %s: it says how to fix it"),
				    n->name);
		_add(r, p->checks[i].name, n->name, p->checks[i].status, fix.buf,
		     "%s", p->checks[i].found);
		strbuf_release(&fix);
	}
	strbuf_addf(summary, _("clock %s%llu.%06llu s, MUNGE both ways, %zu users and %zu names as here"),
		    off < 0 ? "-" : "+", abs_off / 1000000ULL, abs_off % 1000000ULL,
		    p->nusers, p->naddrs);
	return bad ? -1 : 0;
}

static int
_probe(const struct pihpc_cluster_env *env, struct pihpc_report *r,
       const struct view *w, const struct node *n, struct strbuf *summary)
{
	const struct pihpc_doctor_env *doc = env->doc;
	struct strbuf nodelist = STRBUF_INIT, wait = STRBUF_INIT,
		      out = STRBUF_INIT, why = STRBUF_INIT;
	struct pihpc_probe p = PIHPC_PROBE_INIT;
	long long t0, t1;
	char err[512];
	int rc;

	strbuf_addf(&nodelist, "--nodelist=%s", n->name);
	strbuf_addf(&wait, "--immediate=%d", PIHPC_PROBE_WAIT);
	{
		char *argv[] = { "srun", nodelist.buf, "--nodes=1", "--ntasks=1",
				 wait.buf, "--time=1", "--job-name=pihpc-doctor",
				 "--quiet", "/usr/sbin/pihpc", "doctor", "--probe", NULL };

		t0 = env->now_us(env->data);
		rc = pihpc_doctor_cmd(doc, argv, &out, &why);
		t1 = env->now_us(env->data);
	}
	if (rc) {
		/* slurmd drops a connection whose credential it cannot
		 * decode: srun then sees zero bytes */
		int auth = strstr(why.buf, "redential") || strstr(why.buf, "uthenticat") ||
			   strstr(why.buf, "unge") || strstr(why.buf, "Zero Bytes");

		_add(r, "srun", n->name,
		     strstr(why.buf, "Unable to allocate") ? PIHPC_CHECK_SKIP
							   : PIHPC_CHECK_FAIL,
		     auth ? _("MUNGE or Slurm refused it: does munged run on the node, with the cluster's key, is its clock within 300 s of the controller's, and its Slurm no newer than the controller's? ('pihpc doctor' there)")
			  : _("can the node reach port 6817 here and this node the SrunPortRange? Is pihpc-compute installed there? ('pihpc doctor' there)"),
		     _("cannot run the probe there: %s"), why.len ? why.buf : _("no reason given"));
		rc = -1;
	} else if (pihpc_probe_parse(out.buf, out.len, &p, err, sizeof(err)) < 0) {
		_add(r, "srun", n->name, PIHPC_CHECK_FAIL,
		     _("install the same pihpc-common on every node ('apt upgrade')"),
		     _("its probe is not understood: %s"), err);
		rc = -1;
	} else {
		rc = _compare(env, r, w, n, &p, t0, t1, summary);
	}
	pihpc_probe_release(&p);
	strbuf_release(&nodelist);
	strbuf_release(&wait);
	strbuf_release(&out);
	strbuf_release(&why);
	return rc;
}

static int
_real_connect(void *data, const char *addr, unsigned port, char *err,
	      size_t errlen)
{
	struct addrinfo hints, *res;
	char service[16];
	struct pollfd pfd;
	int fd, rc, soerr = 0;
	socklen_t len = sizeof(soerr);

	(void)data;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	(void)snprintf(service, sizeof(service), "%u", port);
	rc = getaddrinfo(addr, service, &hints, &res);
	if (rc != 0)
		return pihpc_err(err, errlen, _("cannot resolve '%s': %s"), addr,
				 gai_strerror(rc));
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		freeaddrinfo(res);
		return pihpc_err_errno(err, errlen, _("cannot create a socket"));
	}
	rc = connect(fd, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (rc < 0 && errno == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		rc = poll(&pfd, 1, PIHPC_PORT_TIMEOUT * 1000);
		if (rc == 0) {
			(void)close(fd);
			return pihpc_err(err, errlen, _("no answer within %d s"),
					 PIHPC_PORT_TIMEOUT);
		}
		if (rc > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0) {
			errno = soerr;
			rc = soerr ? -1 : 0;
		} else {
			rc = -1;
		}
	}
	if (rc < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot connect"));
		(void)close(fd);
		return -1;
	}
	(void)close(fd);
	return 0;
}

static int
_real_unmunge(void *data, const char *cred, long long *encoded, char *err,
	      size_t errlen)
{
	(void)data;
	return pihpc_munge_decode(NULL, cred, encoded, err, errlen);
}

static long long
_real_now_us(void *data)
{
	struct timespec ts;

	(void)data;
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_cluster_env_init(struct pihpc_cluster_env *env,
		       const struct pihpc_doctor_env *doc)
{
	env->doc = doc;
	env->connect = _real_connect;
	env->unmunge = _real_unmunge;
	env->now_us = _real_now_us;
	env->data = NULL;
}

void
pihpc_probe_collect(const struct pihpc_doctor_env *env, struct pihpc_probe *p)
{
	struct pihpc_report local = PIHPC_REPORT_INIT;
	struct strbuf socket = STRBUF_INIT, out = STRBUF_INIT, why = STRBUF_INIT;
	struct pihpc_slurm_version v;
	char *slurmd[] = { "slurmd", "-V", NULL };
	char err[512];
	long long now = _real_now_us(NULL);
	size_t i;

	p->host = xstrdup(env->host);
	p->sec = now / 1000000LL;
	p->usec = (long)(now % 1000000LL);
	if (pihpc_munge_encode(pihpc_path(env->ctx, PIHPC_MUNGE_SOCKET, &socket),
			       &p->cred, err, sizeof(err)) < 0)
		p->munge_err = xstrdup(err);
	if (pihpc_doctor_cmd(env, slurmd, &out, &why) == 0 &&
	    pihpc_slurm_version_parse(out.buf, &v) == 0) {
		strbuf_reset(&out);
		pihpc_slurm_version_add(&out, &v, 1);
		p->slurmd = strbuf_detach(&out, NULL);
	}
	_users(env, p);
	_resolve(env, p);
	pihpc_doctor_run(env, &local);
	for (i = 0; i < local.nr; i++)
		if (local.v[i].status == PIHPC_CHECK_WARN ||
		    local.v[i].status == PIHPC_CHECK_FAIL)
			pihpc_probe_add_check(p, local.v[i].status, local.v[i].name,
					      local.v[i].found, local.v[i].fix);
	pihpc_report_release(&local);
	strbuf_release(&socket);
	strbuf_release(&out);
	strbuf_release(&why);
}

void
pihpc_doctor_cluster(const struct pihpc_cluster_env *env,
		     struct pihpc_report *r)
{
	const struct pihpc_doctor_env *doc = env->doc;
	char *config[] = { "scontrol", "show", "config", NULL };
	char *sinfo[] = { "sinfo", "--noheader", "--Node",
			  "--format=%N|%T|%v|%o|%E", NULL };
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT, val = STRBUF_INIT,
		      summary = STRBUF_INIT;
	struct view w;
	struct node *nodes = NULL;
	size_t n = 0, i;

	memset(&w, 0, sizeof(w));
	if (pihpc_doctor_cmd(doc, config, &out, &why) != 0 ||
	    !pihpc_scontrol_config_value(out.buf, "SLURM_VERSION", &val) ||
	    pihpc_slurm_version_parse(val.buf, &w.ctl) < 0) {
		pihpc_report_add(r, "cluster", PIHPC_CHECK_FAIL, why.buf,
				 _("the cluster checks need slurmctld: 'systemctl status slurmctld'"));
		goto out;
	}
	w.port = 6818;
	if (pihpc_scontrol_config_value(out.buf, "SlurmdPort", &val))
		w.port = (unsigned)strtoul(val.buf, NULL, 10);
	if (pihpc_doctor_cmd(doc, sinfo, &out, &why) != 0) {
		pihpc_report_add(r, "cluster", PIHPC_CHECK_FAIL, why.buf,
				 _("the cluster checks need sinfo: 'systemctl status slurmctld'"));
		goto out;
	}
	n = _nodes(out.buf, &nodes);
	if (!n) {
		pihpc_report_add(r, "cluster", PIHPC_CHECK_WARN,
				 _("Slurm knows no node yet"),
				 _("install pihpc-compute on the nodes ('pihpc-compute' in README.md)"));
		goto out;
	}
	_users(doc, &w.self);
	_resolve(doc, &w.self);
	for (i = 0; i < n; i++) {
		int bad = 0, st = _state(r, &nodes[i]);

		if (st < 0)
			continue;
		strbuf_reset(&summary);
		strbuf_addf(&summary, "%s, slurmd %s", nodes[i].state,
			    nodes[i].version);
		bad |= _version(r, &w, &nodes[i]) < 0;
		bad |= _port(env, r, &w, &nodes[i]) < 0;
		if (st > 0) {
			strbuf_addstr(&summary, ", ");
			bad |= _probe(env, r, &w, &nodes[i], &summary) < 0;
		} else {
			bad = 1;
		}
		if (!bad)
			_add(r, "node", nodes[i].name, PIHPC_CHECK_OK, NULL, "%s",
			     summary.buf);
	}
out:
	_nodes_free(nodes, n, 1);
	pihpc_probe_release(&w.self);
	strbuf_release(&out);
	strbuf_release(&why);
	strbuf_release(&val);
	strbuf_release(&summary);
}
