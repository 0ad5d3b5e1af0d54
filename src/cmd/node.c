/*
 * node.c - "pihpc node detect": this node's hardware for Slurm;
 * "pihpc node join|leave": its entry in the controller's node table;
 * "pihpc node join --token-file|--request|--service": the munge key over
 * the join protocol, and the controller's "pending|approve|reject" of requests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cmd.h"

#define NODE_USAGE \
	"pihpc node detect [--conf] | join [--timeout SEC] [--name NAME] | join --token-file FILE|--request|--service|--recheck [--server HOST[:PORT]] [--timeout SEC] [--name NAME] | token [--file FILE] | leave [--name NAME] | status | pending | approve NAME | reject NAME"

/* Seconds to wait for the controller's join service by default. */
#define JOIN_TIMEOUT 15
/* The pauses of "--service" between tries, in seconds. */
#define JOIN_PAUSE_MIN 5
#define JOIN_PAUSE_MAX 60

static const char node_help[] =
	N_("detect: print this node's CPUs and memory as slurmd -C would, from\n"
	   "/sys/devices/system/cpu and /proc/meminfo.  RealMemory is MemTotal\n"
	   "minus 5% (at least 64 MiB), rounded down to a multiple of 16 MiB.\n"
	   "  -c, --conf          print the form for 'slurmd -Z --conf', with\n"
	   "                      Feature=<node_feature> from cluster.conf\n"
	   "\n"
	   "join: wait until the controller lists this node (scontrol show node),\n"
	   "then set its NodeAddr to the address the 'hosts' key gives it, if it\n"
	   "differs.\n"
	   "  -T, --timeout SEC   wait up to SEC seconds (default 60)\n"
	   "\n"
	   "join with a token or a request: get the cluster's munge key from the\n"
	   "controller's join service (pihpc-join(8)) and install it.\n"
	   "  -f, --token-file FILE  the join token ('-': stdin); the variable\n"
	   "                      PIHPC_JOIN_TOKEN may hold it instead\n"
	   "  -r, --request       no token: ask for an admin's approval, showing\n"
	   "                      this node's key fingerprint\n"
	   "  -S, --server HOST[:PORT]  the join service (default: the controller\n"
	   "                      of cluster.conf, port 6820)\n"
	   "  -T, --timeout SEC   wait up to SEC seconds for it (default 15)\n"
	   "  -s, --service       what pihpc-join-node.service runs: the token of\n"
	   "                      /etc/pihpc/join.token if there is one, else a\n"
	   "                      request; tried again with a growing pause (5 s\n"
	   "                      up to 1 min) until the node joined or was\n"
	   "                      refused; nothing to do once the cluster's key is\n"
	   "                      in place, unless the token file holds a new one\n"
	   "  -R, --recheck       what pihpc-join-check.timer runs on a node that\n"
	   "                      joined with a token: join once more, so that a\n"
	   "                      new key of the controller (reinstalled, or a\n"
	   "                      key rotated) reaches the node; a refusal or an\n"
	   "                      unreachable controller changes nothing\n"
	   "Exit codes: 0 joined, 1 error, 3 token refused (wrong, expired, used\n"
	   "up) or request rejected, 4 controller unreachable or busy: retry\n"
	   "later, 5 waiting for approval.\n"
	   "\n"
	   "token: keep the join token read from stdin (or --file FILE) in\n"
	   "/etc/pihpc/join.token (0600 root) for pihpc-join-node.service; a token\n"
	   "that is not one 'pihpc join token' printed needs 128 bits of entropy.\n"
	   "\n"
	   "leave: delete this node from the controller (scontrol delete); refused\n"
	   "while it runs jobs; an unreachable controller is only a warning.\n"
	   "\n"
	   "status: where this node stands with the join service, and why.\n"
	   "pending: (controller) the join requests: name, address, key\n"
	   "fingerprint, age, state.\n"
	   "approve NAME, reject NAME: (controller) decide on NAME's request;\n"
	   "compare its fingerprint with the one the node printed first.\n"
	   "\n"
	   "  -n, --name NAME     the node's name (default: this host's short name)\n");

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static void
_detect(const struct pihpc_ctx *ctx, int conf)
{
	struct pihpc_node n;
	char err[1024];

	if (pihpc_node_detect(ctx, &n, err, sizeof(err)) < 0)
		die("%s", err);
	if (conf) {
		struct strbuf sb = STRBUF_INIT;
		struct pihpc_conf cf;

		load_conf_or_die(ctx, &cf);
		pihpc_slurmd_conf_params(&n, pihpc_conf_get(&cf, PIHPC_NODE_FEATURE),
					 &sb);
		(void)printf("%s\n", sb.buf);
		strbuf_release(&sb);
		pihpc_conf_release(&cf);
	} else {
		(void)printf("CPUs=%u Boards=1 SocketsPerBoard=%u CoresPerSocket=%u ThreadsPerCore=%u RealMemory=%lu\n",
			     n.cpus, n.sockets, n.cores_per_socket,
			     n.threads_per_core, n.real_memory);
	}
}

static int
_join_leave(const char *verb, const char *name, unsigned timeout,
	    const struct pihpc_ctx *ctx)
{
	struct strbuf host = STRBUF_INIT, warning = STRBUF_INIT;
	struct strlist done = STRLIST_INIT, hints = STRLIST_INIT;
	struct pihpc_runner runner;
	struct pihpc_conf conf;
	int rc = 0, timed_out = 0;
	char err[1024];

	if (!name) {
		if (pihpc_short_hostname(ctx, &host, err, sizeof(err)) < 0)
			die("%s", err);
		name = host.buf;
	}
	if (pihpc_check_hostname(name) < 0 || strchr(name, '.'))
		die(_("invalid node name '%s'"), name);
	load_conf_or_die(ctx, &conf);
	pihpc_runner_init(&runner);
	if (!strcmp(verb, "join")) {
		rc = pihpc_node_join(&runner, &conf, name, timeout, &timed_out,
				     &done, err, sizeof(err));
		if (timed_out)
			pihpc_node_join_hints(&conf, name, &hints);
	} else if (pihpc_conf_yes(&conf, PIHPC_NODE_REGISTRATION)) {
		/* static nodes are defined by slurm.conf: nothing to delete */
		rc = pihpc_node_leave(&runner, name, &done, &warning, err,
				      sizeof(err));
	}
	print_done(&done);
	if (warning.len) {
		(void)fflush(stdout);
		(void)fprintf(stderr, _("pihpc: warning: %s\n"), warning.buf);
	}
	if (rc < 0) {
		size_t i;

		(void)errorf("%s", err);
		for (i = 0; i < hints.nr; i++)
			(void)fprintf(stderr, _("pihpc: hint: %s\n"), hints.v[i]);
	}
	strlist_clear(&done);
	strlist_clear(&hints);
	strbuf_release(&host);
	strbuf_release(&warning);
	pihpc_conf_release(&conf);
	return rc;
}

/* The join token from [file] ("-": stdin) or PIHPC_JOIN_TOKEN into [tok]. */
static void
_read_token(const char *file, char *tok, size_t toklen)
{
	const char *env = getenv("PIHPC_JOIN_TOKEN");

	if (file) {
		read_token_or_die(file, tok, toklen);
		return;
	}
	if (!env)
		die(_("no join token: give --token-file FILE or set PIHPC_JOIN_TOKEN"));
	if (strlen(env) >= toklen)
		die(_("PIHPC_JOIN_TOKEN is too long (at most %zu characters)"),
		    toklen - 1);
	memcpy(tok, env, strlen(env) + 1);
}

/* The pause before the next try of "--service": doubled each time from
 * 5 s to 1 min, with a random 0-25% more, so that a rack of nodes that
 * boot together do not come back at the controller in step. */
static unsigned
_backoff(unsigned *pause)
{
	unsigned s = *pause + randombytes_uniform(*pause / 4 + 1);

	*pause = *pause >= JOIN_PAUSE_MAX / 2 ? JOIN_PAUSE_MAX : *pause * 2;
	return s;
}

/*
 * 1 when the node's last join succeeded, with the status file's times in
 * [st] and its text in [text]; 0 otherwise (no join on record, or a
 * failed one).
 */
static int
_joined(const struct pihpc_ctx *ctx, struct stat *st, struct strbuf *text)
{
	struct strbuf status = STRBUF_INIT;
	char err[256];
	int joined;

	pihpc_path(ctx, PIHPC_JOIN_STATUS_FILE, &status);
	joined = lstat(status.buf, st) == 0 &&
		 pihpc_read_regular(status.buf, 4096, text, err,
				    sizeof(err)) == 0 &&
		 !strncmp(text->buf, "state=joined\n", 13);
	strbuf_release(&status);
	return joined;
}

/*
 * The id of the token in the file [path] into [id]; -1 if it holds no
 * valid token.  The file is read as the join reads it, which dies on a
 * file it cannot read.
 */
static int
_token_file_id(const char *path, char id[PIHPC_JOIN_ID_LEN + 1])
{
	char tok[PIHPC_JOIN_TOKEN_MAX + 1], err[256];
	int rc = -1;

	read_token_or_die(path, tok, sizeof(tok));
	if (pihpc_join_token_syntax(tok, err, sizeof(err)) == 0)
		rc = pihpc_join_token_id(tok, id);
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

/*
 * "--service" has nothing to do once the node has the cluster's key: its
 * last join succeeded with the token the token file holds now (a new
 * token, from a dpkg-reconfigure, joins again), or there is no token file,
 * or, with no join on record, a release before the join service installed
 * the key and kept the host's own aside.
 *
 * The token's id in the status file tells; the file times do not: a token
 * written in the same clock tick as the status file (the kernel hands out
 * coarse times), or while the clock was behind (a board without a
 * real-time clock, before its time is set), would look no newer and be
 * ignored.  Only a status file of a release that did not record the id
 * falls back to the times.
 */
static int
_service_done(const struct pihpc_ctx *ctx)
{
	struct strbuf status = STRBUF_INIT, tokf = STRBUF_INIT,
		      orig = STRBUF_INIT, text = STRBUF_INIT;
	char id[PIHPC_JOIN_ID_LEN + 1], line[sizeof("token=") + PIHPC_JOIN_ID_LEN];
	struct stat ss, ts;
	int done;

	pihpc_path(ctx, PIHPC_JOIN_STATUS_FILE, &status);
	pihpc_path(ctx, PIHPC_JOIN_TOKEN_FILE, &tokf);
	pihpc_path(ctx, PIHPC_MUNGE_KEY_ORIG, &orig);
	done = 0;
	if (lstat(status.buf, &ss) < 0) {
		done = lstat(orig.buf, &ss) == 0 && lstat(tokf.buf, &ts) < 0;
	} else if (_joined(ctx, &ss, &text)) {
		/* after a join on a request, any token file is new */
		if (lstat(tokf.buf, &ts) < 0)
			done = 1;
		else if (strstr(text.buf, "\ntoken="))
			done = _token_file_id(tokf.buf, id) == 0 &&
			       snprintf(line, sizeof(line), "token=%s", id) > 0 &&
			       pihpc_has_line(text.buf, line);
		else if (pihpc_has_line(text.buf, "mode=token"))
			done = ts.st_mtim.tv_sec < ss.st_mtim.tv_sec ||
			       (ts.st_mtim.tv_sec == ss.st_mtim.tv_sec &&
				ts.st_mtim.tv_nsec <= ss.st_mtim.tv_nsec);
	}
	strbuf_release(&status);
	strbuf_release(&tokf);
	strbuf_release(&orig);
	strbuf_release(&text);
	return done;
}

/* How "node join" with the join service runs. */
enum join_mode {
	JOIN_ONCE,	/* --token-file, --request: one attempt */
	JOIN_SERVICE,	/* --service: until joined or refused */
	JOIN_RECHECK	/* --recheck: once more, after a join with a token */
};

static int
_key_join(const char *name, const char *server, const char *token_file,
	  int request, enum join_mode mode, unsigned timeout,
	  const struct pihpc_ctx *ctx)
{
	struct strbuf host = STRBUF_INIT;
	struct strlist done = STRLIST_INIT;
	struct pihpc_join_client c;
	struct pihpc_join_result res;
	struct pihpc_conf conf;
	struct strbuf tokpath = STRBUF_INIT;
	char tok[PIHPC_JOIN_TOKEN_MAX + 1], err[1024];
	unsigned pause = JOIN_PAUSE_MIN;
	int rc;

	if (!name) {
		if (pihpc_short_hostname(ctx, &host, err, sizeof(err)) < 0)
			die("%s", err);
		name = host.buf;
	}
	if (pihpc_check_hostname(name) < 0 || strchr(name, '.') ||
	    strlen(name) > PIHPC_JOIN_NAME_MAX)
		die(_("invalid node name '%s'"), name);
	load_conf_or_die(ctx, &conf);
	if (mode != JOIN_ONCE) {
		struct strbuf status = STRBUF_INIT;
		const char *why = NULL;
		struct stat st;
		int has_token;

		pihpc_path(ctx, PIHPC_JOIN_TOKEN_FILE, &tokpath);
		has_token = access(tokpath.buf, F_OK) == 0;
		if (!strcmp(pihpc_conf_get(&conf, PIHPC_CONTROLLER), name))
			why = _("this node is the controller, whose munge key is its own; nothing to do\n");
		else if (mode == JOIN_SERVICE && _service_done(ctx))
			why = _("this node has the cluster's munge key already; nothing to do\n");
		else if (mode == JOIN_RECHECK &&
			 (!has_token || !_joined(ctx, &st, &status)))
			why = _("this node has not joined with a token; nothing to check\n");
		strbuf_release(&status);
		if (why) {
			(void)fputs(why, stdout);
			pihpc_conf_release(&conf);
			strbuf_release(&host);
			strbuf_release(&tokpath);
			return 0;
		}
		if (has_token)
			token_file = tokpath.buf;
		else
			request = 1;
	}
	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	c.server = server ? server : pihpc_conf_get(&conf, PIHPC_CONTROLLER);
	c.name = name;
	c.now = (long long)time(NULL);
	c.timeout = (int)timeout;
	c.keep_status = mode == JOIN_RECHECK;
	if (!request) {
		_read_token(token_file, tok, sizeof(tok));
		if (pihpc_join_token_syntax(tok, err, sizeof(err)) < 0) {
			sodium_memzero(tok, sizeof(tok));
			die("%s", err);
		}
		c.token = tok;
	}
	for (;;) {
		unsigned s;

		rc = pihpc_join_node(&c, &res, &done, err, sizeof(err));
		if (mode != JOIN_SERVICE || rc == 0 ||
		    res.outcome == PIHPC_JOIN_FAILED ||
		    res.outcome == PIHPC_JOIN_REFUSED)
			break;
		s = _backoff(&pause);
		if (res.outcome == PIHPC_JOIN_PENDING)
			(void)fprintf(stderr, _("pihpc: waiting for approval (key fingerprint %s; on the controller: pihpc node approve %s); asking again in %u s\n"),
				      res.fingerprint, name, s);
		else
			(void)fprintf(stderr, _("pihpc: %s; trying again in %u s\n"),
				      err, s);
		(void)fflush(stderr);
		(void)sleep(s);
		c.now = (long long)time(NULL);
	}
	sodium_memzero(tok, sizeof(tok));
	strbuf_release(&tokpath);
	print_done(&done);
	/* munged reads its key when it starts, and slurmd, which had no
	 * valid credentials, registers once restarted after it. */
	if (mode != JOIN_ONCE && rc == 0 && done.nr &&
	    pihpc_ctx_is_real_root(ctx)) {
		char *argv[] = { "systemctl", "--no-block", "restart",
				 "munge.service", "slurmd.service", NULL };

		if (pihpc_run(argv, err, sizeof(err)) < 0)
			(void)errorf("%s", err);
	}
	if (rc == 0) {
		(void)printf(_("joined cluster '%s' (controller '%s')\n"), res.cluster,
			     res.controller);
	} else if (mode == JOIN_RECHECK) {
		/* The node keeps the key it has: a one-use token is used
		 * up by now, and the controller may be down for a while. */
		(void)fflush(stdout);
		(void)fprintf(stderr, _("pihpc: warning: %s; this node keeps its munge key\n"),
			      err);
		res.outcome = PIHPC_JOINED;
	} else if (res.outcome == PIHPC_JOIN_PENDING) {
		(void)fflush(stdout);
		(void)fprintf(stderr,
			      _("pihpc: waiting for approval: this node's key fingerprint is %s\n"
			      "pihpc: hint: on the controller, check it with 'pihpc node pending', then run 'pihpc node approve %s'\n"),
			      res.fingerprint, name);
	} else {
		(void)errorf("%s", err);
		if (res.outcome == PIHPC_JOIN_RETRY)
			(void)fprintf(stderr, _("pihpc: hint: retry later; is pihpc-join.socket running on the controller?\n"));
	}
	strlist_clear(&done);
	strbuf_release(&host);
	pihpc_conf_release(&conf);
	if (fflush(stdout) != 0)
		die(_("cannot write to standard output"));
	exit((int)res.outcome);
}

static int
_token_save(const char *file, const struct pihpc_ctx *ctx)
{
	struct pihpc_file_mode fm = { 0600, 0, 0, 1 };
	struct strbuf path = STRBUF_INIT;
	enum pihpc_write_result res = PIHPC_UNCHANGED;
	char tok[PIHPC_JOIN_TOKEN_MAX + 2], err[1024];
	int rc;

	read_token_or_die(file ? file : "-", tok, sizeof(tok) - 1);
	/* A generated token carries its own 256 bits; an admin's own is
	 * checked as "pihpc join token --set" on the controller checks it. */
	rc = pihpc_join_token_syntax(tok, err, sizeof(err));
	if (rc == 0 && strncmp(tok, "pihpc1.", 7))
		rc = pihpc_join_token_check(tok, err, sizeof(err));
	if (rc == 0) {
		size_t n = strlen(tok);

		tok[n] = '\n';
		pihpc_path(ctx, PIHPC_JOIN_TOKEN_FILE, &path);
		rc = pihpc_make_parents(path.buf, 0755, err, sizeof(err));
		if (rc == 0)
			rc = pihpc_write_atomic_mode(path.buf, tok, n + 1, &fm,
						     &res, err, sizeof(err));
	}
	sodium_memzero(tok, sizeof(tok));
	if (rc < 0)
		die("%s", err);
	if (res == PIHPC_WRITTEN)
		(void)printf(_("updated '%s'\n"), PIHPC_JOIN_TOKEN_FILE);
	strbuf_release(&path);
	return 0;
}

static void
_age(long long secs, char *buf, size_t len)
{
	if (secs < 120)
		(void)snprintf(buf, len, "%llds", secs);
	else if (secs < 7200)
		(void)snprintf(buf, len, "%lldm", secs / 60);
	else if (secs < 172800)
		(void)snprintf(buf, len, "%lldh", secs / 3600);
	else
		(void)snprintf(buf, len, "%lldd", secs / 86400);
}

static int
_pending(const struct pihpc_ctx *ctx)
{
	struct pihpc_join_requests rq = PIHPC_JOIN_REQUESTS_INIT;
	long long now = (long long)time(NULL);
	char err[1024], fp[20], age[32];
	size_t i;

	if (pihpc_join_requests_load(ctx, &rq, err, sizeof(err)) < 0)
		die("%s", err);
	(void)printf("%-20s  %-15s  %-19s  %-5s  %s\n", "NAME", "ADDRESS",
		     "FINGERPRINT", "AGE", "STATE");
	for (i = 0; i < rq.nr; i++) {
		pihpc_join_fingerprint(rq.v[i].pk, fp);
		_age(now - rq.v[i].first, age, sizeof(age));
		(void)printf("%-20s  %-15s  %-19s  %-5s  %s\n", rq.v[i].name,
			     rq.v[i].addr, fp, age, rq.v[i].state);
	}
	pihpc_join_requests_release(&rq);
	return 0;
}

static int
_decide(const struct pihpc_ctx *ctx, const char *name, int approve)
{
	char err[1024];

	if (pihpc_join_request_decide(ctx, name, approve, err, sizeof(err)) < 0)
		die("%s", err);
	if (approve)
		(void)printf(_("approved the join request of '%s': it gets the munge key when it asks again\n"),
			     name);
	else
		(void)printf(_("rejected the join request of '%s'\n"), name);
	return 0;
}

static int
_status(const struct pihpc_ctx *ctx)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	char err[1024];

	pihpc_path(ctx, PIHPC_JOIN_STATUS_FILE, &path);
	if (pihpc_read_file(path.buf, &text, err, sizeof(err)) < 0) {
		if (errno != ENOENT)
			die("%s", err);
		(void)printf("state=none\nreason=%s\n",
			     _("this node has not tried to join with a token or request yet"));
	} else {
		(void)fputs(text.buf, stdout);
	}
	strbuf_release(&path);
	strbuf_release(&text);
	return 0;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_node(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "conf", no_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "name", required_argument, NULL, 'n' },
		{ "token-file", required_argument, NULL, 'f' },
		{ "file", required_argument, NULL, 'f' },
		{ "request", no_argument, NULL, 'r' },
		{ "server", required_argument, NULL, 'S' },
		{ "service", no_argument, NULL, 's' },
		{ "recheck", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = cmd_verb(argc, argv, NODE_USAGE, _(node_help));
	const char *name = NULL, *bad = NULL, *token_file = NULL, *server = NULL;
	unsigned long timeout = 60;
	int c, conf = 0, request = 0, service = 0, recheck = 0, timeout_set = 0;
	int is_join = !strcmp(verb, "join");
	char *end;

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hcT:n:f:rS:sR", opts,
			       NODE_USAGE, _(node_help))) != -1) {
		if (c == 'c') {
			conf = 1;
			bad = strcmp(verb, "detect") ? "--conf" : bad;
		} else if (c == 'T') {
			errno = 0;
			timeout = strtoul(optarg, &end, 10);
			if (errno || !*optarg || *end || *optarg == '-' ||
			    timeout > 86400)
				usage_die(NODE_USAGE, _("invalid timeout '%s'"),
					  optarg);
			timeout_set = 1;
			bad = !is_join ? "--timeout" : bad;
		} else if (c == 'n') {
			name = optarg;
			bad = strcmp(verb, "join") && strcmp(verb, "leave") ? "--name" : bad;
		} else if (c == 'f') {
			token_file = optarg;
			bad = !is_join && strcmp(verb, "token") ? "--token-file" : bad;
		} else if (c == 'r') {
			request = 1;
			bad = !is_join ? "--request" : bad;
		} else if (c == 'S') {
			server = optarg;
			bad = !is_join ? "--server" : bad;
		} else if (c == 's') {
			service = 1;
			bad = !is_join ? "--service" : bad;
		} else if (c == 'R') {
			recheck = 1;
			bad = !is_join ? "--recheck" : bad;
		}
	}
	if (strcmp(verb, "detect") && !is_join && strcmp(verb, "leave") &&
	    strcmp(verb, "status") && strcmp(verb, "pending") &&
	    strcmp(verb, "token") &&
	    strcmp(verb, "approve") && strcmp(verb, "reject"))
		usage_die(NODE_USAGE, _("unknown subcommand '%s'"), verb);
	if (bad)
		usage_die(NODE_USAGE, _("option '%s' is not for '%s'"), bad, verb);
	if (!strcmp(verb, "approve") || !strcmp(verb, "reject")) {
		if (optind + 1 != argc - 1)
			usage_die(NODE_USAGE, "%s", optind + 1 > argc - 1 ?
				  _("missing node name") : _("too many arguments"));
		if (pihpc_check_hostname(argv[optind + 1]) < 0)
			die(_("invalid node name '%s'"), argv[optind + 1]);
		return _decide(ctx, argv[optind + 1], !strcmp(verb, "approve"));
	}
	if (optind < argc - 1)
		usage_die(NODE_USAGE, _("too many arguments"));
	if ((token_file != NULL) + request + service + recheck > 1)
		usage_die(NODE_USAGE, _("options '--token-file', '--request', '--service' and '--recheck' exclude each other"));
	if (server && !token_file && !request && !service && !recheck &&
	    !getenv("PIHPC_JOIN_TOKEN"))
		usage_die(NODE_USAGE, _("option '--server' needs '--token-file' or '--request'"));
	if (!strcmp(verb, "detect")) {
		_detect(ctx, conf);
		return 0;
	}
	if (!strcmp(verb, "status"))
		return _status(ctx);
	if (!strcmp(verb, "token"))
		return _token_save(token_file, ctx);
	if (!strcmp(verb, "pending"))
		return _pending(ctx);
	if (is_join && (token_file || request || service || recheck ||
			getenv("PIHPC_JOIN_TOKEN")))
		return _key_join(name, server, token_file, request,
				 service ? JOIN_SERVICE :
				 recheck ? JOIN_RECHECK : JOIN_ONCE,
				 timeout_set ? (unsigned)timeout : JOIN_TIMEOUT, ctx);
	return _join_leave(verb, name, (unsigned)timeout, ctx);
}
