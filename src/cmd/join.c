/*
 * join.c - "pihpc join token|list|revoke|serve": the controller's side of
 * the join protocol (see pihpc-join(8) and lib/joinmsg.h).
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd.h"

#define JOIN_USAGE \
	"pihpc join token [--ttl DURATION] [--uses N] [--set [--file FILE]] | list | revoke ID | serve [--listen ADDR:PORT] [--key FILE]"

static const char join_help[] =
	N_("token: print a new join token (256 random bits) on stdout, once; the\n"
	   "controller keeps only a hash of it.  Nodes join with it:\n"
	   "'pihpc node join --token-file FILE'.\n"
	   "  -t, --ttl DURATION  valid for DURATION: N[smhd], 'never' (default 24h,\n"
	   "                      'never' with --set)\n"
	   "  -u, --uses N        valid for N joins (default 0: unlimited)\n"
	   "  -s, --set           use the admin's own token instead, read from\n"
	   "                      stdin or --file (never from the command line);\n"
	   "                      it needs 128 bits of entropy ('openssl rand -hex 32')\n"
	   "  -f, --file FILE     read the token of --set from FILE\n"
	   "\n"
	   "list: the tokens: id, kind, expiry, uses.\n"
	   "revoke ID: forget token ID; nodes can no longer join with it.\n"
	   "\n"
	   "serve: answer nodes that join (systemd's pihpc-join.socket starts it\n"
	   "per connection, on stdin); refuses addresses outside cluster.conf's\n"
	   "subnet; logs each request and its outcome on stderr.\n"
	   "  -l, --listen ADDR:PORT  listen there and serve connections one by\n"
	   "                      one (port 0: any free port, logged)\n"
	   "  -k, --key FILE      the munge key to hand out (default:\n"
	   "                      $CREDENTIALS_DIRECTORY/munge.key if set, else\n"
	   "                      /etc/munge/munge.key)\n");

/* Seconds a node has for each message. */
#define SERVE_TIMEOUT 10

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static void
_date(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		(void)snprintf(buf, len, "%lld", t);
}

struct token_args {
	struct pihpc_join_token *t;
	int collision;
};

/*
 * Store the new token, unless another one has its id.  Setting the same
 * token again (a preseeded token on every install) keeps its use count.
 */
static int
_store_put(struct pihpc_join_store *st, void *arg)
{
	struct token_args *a = arg;
	const struct pihpc_join_token *old = pihpc_join_store_find(st, a->t->id);

	if (old && (!a->t->set ||
		    sodium_memcmp(old->psk, a->t->psk, sizeof(old->psk)))) {
		a->collision = 1;
		return 0;
	}
	if (old)
		a->t->used = old->used;
	pihpc_join_store_put(st, a->t);
	return 1;
}

static void
_store_update(const struct pihpc_ctx *ctx,
	      int (*fn)(struct pihpc_join_store *, void *), void *arg)
{
	struct pihpc_join_store st = PIHPC_JOIN_STORE_INIT;
	char err[1024];
	int fd, rc = -1;

	if (pihpc_join_lock(ctx, &fd, err, sizeof(err)) < 0)
		die("%s", err);
	if (pihpc_join_store_load(ctx, &st, err, sizeof(err)) == 0) {
		rc = fn(&st, arg);
		if (rc == 1)
			rc = pihpc_join_store_save(ctx, &st, err, sizeof(err));
	}
	pihpc_join_store_release(&st);
	(void)close(fd);
	if (rc < 0)
		die("%s", err);
}

static void
_describe(const struct pihpc_join_token *t, char *buf, size_t len)
{
	char date[32];

	if (t->expires)
		_date(t->expires, date, sizeof(date));
	else
		(void)snprintf(date, sizeof(date), "%s", _("never"));
	if (t->max_uses)
		(void)snprintf(buf, len, P_("expires %s, %lu use",
					    "expires %s, %lu uses",
					    t->max_uses),
			       date, t->max_uses);
	else
		(void)snprintf(buf, len, _("expires %s, unlimited uses"), date);
}

static int
_token(const struct pihpc_ctx *ctx, long long ttl, int ttl_set,
       unsigned long uses, int set, const char *file)
{
	char tok[PIHPC_JOIN_TOKEN_MAX + 1], err[1024], desc[128];
	struct pihpc_join_token t;
	struct token_args a = { &t, 0 };
	long long now = (long long)time(NULL);
	int tries;

	memset(&t, 0, sizeof(t));
	if (!ttl_set)
		ttl = set ? 0 : 86400;
	t.created = now;
	t.expires = ttl ? now + ttl : 0;
	t.max_uses = uses;
	t.set = set;
	for (tries = 0; tries < 5; tries++) {
		if (set) {
			read_token_or_die(file ? file : "-", tok, sizeof(tok));
			if (pihpc_join_token_check(tok, err, sizeof(err)) < 0) {
				sodium_memzero(tok, sizeof(tok));
				die("%s", err);
			}
		} else if (pihpc_join_token_generate(tok, sizeof(tok), err,
						     sizeof(err)) < 0) {
			die("%s", err);
		}
		if (pihpc_join_token_id(tok, t.id) < 0 ||
		    pihpc_join_token_psk(tok, t.psk) < 0)
			die(_("cannot hash the join token"));
		a.collision = 0;
		_store_update(ctx, _store_put, &a);
		if (!a.collision)
			break;
		if (set) {
			sodium_memzero(tok, sizeof(tok));
			die(_("another join token has the id '%s' (revoke it first)"),
			    t.id);
		}
	}
	if (a.collision)
		die(_("cannot find a free token id"));
	_describe(&t, desc, sizeof(desc));
	(void)fflush(stdout);
	if (set)
		(void)fprintf(stderr, _("pihpc: join token %s set: %s\n"), t.id,
			      desc);
	else
		(void)fprintf(stderr, _("pihpc: join token %s created: %s\n"),
			      t.id, desc);
	if (!set)
		(void)printf("%s\n", tok);
	sodium_memzero(tok, sizeof(tok));
	sodium_memzero(&t, sizeof(t));
	return 0;
}

static int
_list(const struct pihpc_ctx *ctx)
{
	struct pihpc_join_store st = PIHPC_JOIN_STORE_INIT;
	long long now = (long long)time(NULL);
	char err[1024], date[32], uses[48];
	size_t i;

	if (pihpc_join_store_load(ctx, &st, err, sizeof(err)) < 0)
		die("%s", err);
	(void)printf("%-8s  %-9s  %-20s  %-12s  %s\n", "ID", "KIND", "EXPIRES",
		     "USES", "STATE");
	for (i = 0; i < st.nr; i++) {
		const struct pihpc_join_token *t = &st.v[i];
		enum pihpc_join_token_state s = pihpc_join_token_state(t, now);

		if (t->expires)
			_date(t->expires, date, sizeof(date));
		else
			(void)snprintf(date, sizeof(date), "never");
		if (t->max_uses)
			(void)snprintf(uses, sizeof(uses), "%lu/%lu", t->used, t->max_uses);
		else
			(void)snprintf(uses, sizeof(uses), "%lu/-", t->used);
		(void)printf("%-8s  %-9s  %-20s  %-12s  %s\n", t->id,
			     t->set ? "set" : "generated", date, uses,
			     s == PIHPC_TOKEN_OK ? "valid" :
			     s == PIHPC_TOKEN_EXPIRED ? "expired" : "used up");
	}
	pihpc_join_store_release(&st);
	return 0;
}

struct revoke_args {
	int found;
	char id[PIHPC_JOIN_ID_LEN + 1];
};

static int
_revoke_fn(struct pihpc_join_store *st, void *arg)
{
	struct revoke_args *a = arg;

	a->found = pihpc_join_store_remove(st, a->id) == 0;
	return a->found;
}

static int
_revoke(const struct pihpc_ctx *ctx, const char *id)
{
	struct revoke_args a;

	memset(&a, 0, sizeof(a));
	if (strlen(id) != PIHPC_JOIN_ID_LEN ||
	    strspn(id, "0123456789abcdef") != PIHPC_JOIN_ID_LEN)
		die(_("invalid token id '%s' (8 lowercase hex digits, see 'pihpc join list')"),
		    id);
	memcpy(a.id, id, sizeof(a.id));
	_store_update(ctx, _revoke_fn, &a);
	if (!a.found)
		die(_("no join token '%s'"), id);
	(void)printf(_("revoked join token '%s'\n"), id);
	return 0;
}

/* Serve the connection [fd] and log it. */
static void
_serve_one(const struct pihpc_join_server *srv, int fd,
	   const struct pihpc_conf *conf)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct strbuf log = STRBUF_INIT;
	char addr[64], err[1024];
	struct pihpc_join_server s = *srv;

	s.now = (long long)time(NULL);
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0) {
		(void)fprintf(stderr, _("pihpc: join: refused: not a socket connection: %s\n"),
			      strerror(errno));
		return;
	}
	if (pihpc_join_peer_check((struct sockaddr *)&ss, sl,
				  pihpc_conf_get(conf, PIHPC_SUBNET), addr,
				  err, sizeof(err)) < 0) {
		(void)fprintf(stderr, _("pihpc: join: refused: %s\n"), err);
		return;
	}
	(void)pihpc_join_serve_fd(&s, fd, addr, &log, err, sizeof(err));
	(void)fprintf(stderr, _("pihpc: join: %s\n"), log.buf);
	strbuf_release(&log);
}

static int
_listen(const char *spec)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	const char *colon = strrchr(spec, ':');
	char host[64], *end;
	unsigned long port;
	int fd, one = 1;

	if (!colon || (size_t)(colon - spec) >= sizeof(host))
		usage_die(JOIN_USAGE, _("invalid listen address '%s' (want ADDR:PORT)"), spec);
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if (errno || !colon[1] || *end || port > 65535 ||
	    inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		usage_die(JOIN_USAGE, _("invalid listen address '%s' (want ADDR:PORT)"), spec);
	sa.sin_port = htons((unsigned short)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die(_("cannot create a socket: %s"), strerror(errno));
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0)
		die(_("cannot listen on '%s': %s"), spec, strerror(errno));
	if (getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		die(_("cannot get the listening address: %s"), strerror(errno));
	(void)fprintf(stderr, _("pihpc: join: listening on %s:%u\n"), host,
		      ntohs(sa.sin_port));
	return fd;
}

static int
_serve(const struct pihpc_ctx *ctx, const char *listen_on, const char *key)
{
	struct strbuf keypath = STRBUF_INIT;
	struct pihpc_join_server srv;
	struct pihpc_conf conf;
	const char *creds = getenv("CREDENTIALS_DIRECTORY");

	load_conf_or_die(ctx, &conf);
	if (key)
		strbuf_addstr(&keypath, key);
	else if (creds && *creds)
		pihpc_path_join(creds, "munge.key", &keypath);
	else
		pihpc_path(ctx, PIHPC_MUNGE_KEY, &keypath);
	memset(&srv, 0, sizeof(srv));
	srv.ctx = ctx;
	srv.key_path = keypath.buf;
	srv.cluster = pihpc_conf_get(&conf, PIHPC_CLUSTER_NAME);
	srv.controller = pihpc_conf_get(&conf, PIHPC_CONTROLLER);
	srv.timeout = SERVE_TIMEOUT;
	if (!listen_on) {
		_serve_one(&srv, 0, &conf);
	} else {
		int lfd = _listen(listen_on);

		for (;;) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd < 0 && (errno == EINTR || errno == ECONNABORTED))
				continue;
			if (fd < 0)
				die(_("cannot accept a connection: %s"), strerror(errno));
			_serve_one(&srv, fd, &conf);
			(void)close(fd);
		}
	}
	strbuf_release(&keypath);
	pihpc_conf_release(&conf);
	return 0;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_join(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "ttl", required_argument, NULL, 't' },
		{ "uses", required_argument, NULL, 'u' },
		{ "set", no_argument, NULL, 's' },
		{ "file", required_argument, NULL, 'f' },
		{ "listen", required_argument, NULL, 'l' },
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = cmd_verb(argc, argv, JOIN_USAGE, _(join_help));
	const char *file = NULL, *listen_on = NULL, *key = NULL, *bad = NULL;
	long long ttl = 0;
	unsigned long uses = 0;
	int c, set = 0, ttl_set = 0, is_token = !strcmp(verb, "token"),
	    is_serve = !strcmp(verb, "serve");
	char *end;

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":ht:u:sf:l:k:", opts,
			       JOIN_USAGE, _(join_help))) != -1) {
		if (c == 't') {
			if (pihpc_duration_parse(optarg, &ttl) < 0)
				usage_die(JOIN_USAGE, _("invalid duration '%s' (N[smhd] or 'never')"),
					  optarg);
			ttl_set = 1;
			bad = is_token ? bad : "--ttl";
		} else if (c == 'u') {
			errno = 0;
			uses = strtoul(optarg, &end, 10);
			if (errno || !*optarg || *end || *optarg == '-' || uses > 1000000)
				usage_die(JOIN_USAGE, _("invalid number of uses '%s'"), optarg);
			bad = is_token ? bad : "--uses";
		} else if (c == 's') {
			set = 1;
			bad = is_token ? bad : "--set";
		} else if (c == 'f') {
			file = optarg;
			bad = is_token ? bad : "--file";
		} else if (c == 'l') {
			listen_on = optarg;
			bad = is_serve ? bad : "--listen";
		} else if (c == 'k') {
			key = optarg;
			bad = is_serve ? bad : "--key";
		}
	}
	if (!is_token && !is_serve && strcmp(verb, "list") && strcmp(verb, "revoke"))
		usage_die(JOIN_USAGE, _("unknown subcommand '%s'"), verb);
	if (bad)
		usage_die(JOIN_USAGE, _("option '%s' is not for '%s'"), bad, verb);
	if (file && !set)
		usage_die(JOIN_USAGE, _("option '--file' needs '--set'"));
	if (!strcmp(verb, "revoke")) {
		if (optind + 1 != argc - 1)
			usage_die(JOIN_USAGE, "%s", optind + 1 > argc - 1 ?
				  _("missing token id") : _("too many arguments"));
		return _revoke(ctx, argv[optind + 1]);
	}
	if (optind < argc - 1)
		usage_die(JOIN_USAGE, "%s", set ?
			  _("too many arguments (the token is read from stdin or --file, never from the command line)") :
			  _("too many arguments"));
	if (is_token)
		return _token(ctx, ttl, ttl_set, uses, set, file);
	if (is_serve)
		return _serve(ctx, listen_on, key);
	return _list(ctx);
}
