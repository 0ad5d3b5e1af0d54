/*
 * join.c - the join protocol over a socket: controller and node sides.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "conf.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "join.h"
#include "mungekey.h"

/* pihpc_err() that visibly yields -1, for the static analyzer's sake. */
#define FAIL(...) ((void)pihpc_err(err, errlen, __VA_ARGS__), -1)
#define FAIL_ERRNO(...) ((void)pihpc_err_errno(err, errlen, __VA_ARGS__), -1)

#define RATE_WINDOW 60
#define REQUESTS_HEADER "# pihpc join requests: name state key address first last\n"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* Read exactly [n] bytes, waiting at most [timeout] seconds for each. */
static int
_read_full(int fd, unsigned char *buf, size_t n, int timeout, char *err,
	   size_t errlen)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;
		int pr = poll(&p, 1, timeout * 1000);

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return FAIL_ERRNO(_("cannot wait for the peer"));
		if (pr == 0)
			return FAIL(_("no answer from the peer within %d seconds"),
				    timeout);
		r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return FAIL_ERRNO(_("cannot read from the peer"));
		if (r == 0)
			return FAIL(_("the peer closed the connection"));
		got += (size_t)r;
	}
	return 0;
}

static int
_write_full(int fd, const unsigned char *buf, size_t n, char *err,
	    size_t errlen)
{
	while (n) {
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);

		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return FAIL_ERRNO(_("cannot write to the peer"));
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One frame into [buf] (PIHPC_JOIN_FRAME_MAX bytes); its length in [len]. */
static int
_read_frame(int fd, unsigned char *buf, size_t *len, int timeout, char *err,
	    size_t errlen)
{
	size_t body;

	if (_read_full(fd, buf, PIHPC_JOIN_HDR, timeout, err, errlen) < 0)
		return -1;
	if (buf[0] != PIHPC_JOIN_VERSION)
		return FAIL(_("unsupported protocol version %u (this is %d)"),
			    buf[0], PIHPC_JOIN_VERSION);
	body = (size_t)buf[2] << 8 | buf[3];
	if (body > PIHPC_JOIN_BODY_MAX)
		return FAIL(_("message too large (%zu bytes, at most %d)"),
			    body, PIHPC_JOIN_BODY_MAX);
	if (_read_full(fd, buf + PIHPC_JOIN_HDR, body, timeout, err, errlen) < 0)
		return -1;
	*len = PIHPC_JOIN_HDR + body;
	return 0;
}

static int
_send_status(int fd, enum pihpc_join_status st, const char *text)
{
	unsigned char out[PIHPC_JOIN_FRAME_MAX];
	size_t n = pihpc_join_status_encode(st, text, out);
	char err[128];

	return n ? _write_full(fd, out, n, err, sizeof(err)) : -1;
}

/* Run [fn] on the token store under the lock, saving it if [fn] says 1. */
static int
_with_store(const struct pihpc_ctx *ctx,
	    int (*fn)(struct pihpc_join_store *st, void *arg), void *arg,
	    char *err, size_t errlen)
{
	struct pihpc_join_store st = PIHPC_JOIN_STORE_INIT;
	int fd, rc = -1;

	if (pihpc_join_lock(ctx, &fd, err, errlen) < 0)
		return -1;
	if (pihpc_join_store_load(ctx, &st, err, errlen) == 0) {
		rc = fn(&st, arg);
		if (rc == 1 && pihpc_join_store_save(ctx, &st, err, errlen) < 0)
			rc = -1;
		else if (rc == 1)
			rc = 0;
	}
	pihpc_join_store_release(&st);
	(void)close(fd);
	return rc;
}

/* Lookup for the server: copy the token's psk, or -2 if unknown. */
struct lookup {
	const char *id;
	unsigned char psk[PIHPC_JOIN_PSK_LEN];
	long long now;
	enum pihpc_join_token_state state;
};

static int
_lookup(struct pihpc_join_store *st, void *arg)
{
	struct lookup *l = arg;
	struct pihpc_join_token *t = pihpc_join_store_find(st, l->id);

	if (!t)
		return -2;
	memcpy(l->psk, t->psk, sizeof(l->psk));
	return 0;
}

/* Count one use of the token if it may still be used. */
static int
_consume(struct pihpc_join_store *st, void *arg)
{
	struct lookup *l = arg;
	struct pihpc_join_token *t = pihpc_join_store_find(st, l->id);

	if (!t)
		return -2;
	l->state = pihpc_join_token_state(t, l->now);
	if (l->state != PIHPC_TOKEN_OK)
		return 0;
	t->used++;
	return 1;
}

/* Apply the rate limit to [peer] under the lock: 1 allowed, 0 not. */
static int
_rate_ok(const struct pihpc_ctx *ctx, const char *peer, long long now,
	 char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT, out = STRBUF_INIT;
	struct pihpc_file_mode fm = { 0600, 0, 0, 0 };
	int fd, rc = -1;

	fm.uid = geteuid();
	fm.gid = getegid();
	if (pihpc_join_lock(ctx, &fd, err, errlen) < 0)
		return -1;
	pihpc_path(ctx, PIHPC_JOIN_RATE, &path);
	if (pihpc_read_file(path.buf, &text, err, errlen) < 0 && errno != ENOENT)
		goto out;
	rc = pihpc_join_rate(text.buf, peer, now, &out);
	if (pihpc_write_atomic_mode(path.buf, out.buf, out.len, &fm, NULL, err,
				    errlen) < 0)
		rc = -1;
out:
	(void)close(fd);
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&out);
	return rc;
}

static struct pihpc_join_request *
_request_find(struct pihpc_join_requests *rq, const char *name)
{
	size_t i;

	for (i = 0; i < rq->nr; i++)
		if (!strcmp(rq->v[i].name, name))
			return &rq->v[i];
	return NULL;
}

static struct pihpc_join_request *
_request_add(struct pihpc_join_requests *rq)
{
	if (rq->nr == rq->alloc) {
		rq->alloc = rq->alloc ? (size_t)2 * rq->alloc : 8;
		rq->v = xrealloc(rq->v, rq->alloc * sizeof(*rq->v));
	}
	memset(&rq->v[rq->nr], 0, sizeof(rq->v[0]));
	return &rq->v[rq->nr++];
}

static void
_request_remove(struct pihpc_join_requests *rq, struct pihpc_join_request *r)
{
	size_t i = (size_t)(r - rq->v);

	memmove(r, r + 1, (rq->nr - i - 1) * sizeof(*r));
	rq->nr--;
}

/* A non-negative number of seconds, or -1. */
static long long
_seconds(const char *s)
{
	char *end;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end ? -1 : v;
}

/* Split [line] (modified) into at most [max] blank-separated [f]ields. */
static int
_fields(char *line, char **f, int max)
{
	char *save = NULL, *w;
	int n = 0;

	for (w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return -1;
		f[n++] = w;
	}
	return n;
}

/* Append the request on [line] to [rq]; -1 if it is not one. */
static int
_request_parse(struct pihpc_join_requests *rq, const char *line)
{
	char *copy = xstrdup(line), *f[6];
	struct pihpc_join_request *r;
	int rc = -1;

	if (_fields(copy, f, 6) != 6 || strlen(f[0]) > PIHPC_JOIN_NAME_MAX ||
	    strlen(f[3]) >= sizeof(r->addr) ||
	    strlen(f[2]) != (size_t)2 * PIHPC_JOIN_PK ||
	    (strcmp(f[1], "pending") && strcmp(f[1], "approved") &&
	     strcmp(f[1], "rejected")) ||
	    _seconds(f[4]) < 0 || _seconds(f[5]) < 0)
		goto out;
	r = _request_add(rq);
	if (sodium_hex2bin(r->pk, sizeof(r->pk), f[2], strlen(f[2]), NULL, NULL,
			   NULL)) {
		rq->nr--;
		goto out;
	}
	/* lengths checked above */
	memcpy(r->name, f[0], strlen(f[0]) + 1);
	memcpy(r->state, f[1], strlen(f[1]) + 1);
	memcpy(r->addr, f[3], strlen(f[3]) + 1);
	r->first = _seconds(f[4]);
	r->last = _seconds(f[5]);
	rc = 0;
out:
	free(copy);
	return rc;
}

/*
 * The controller's answer to a request [hs] from [peer]: STATUS
 * (pending, rejected) or the sealed WELCOME once approved, which also
 * removes the request.  [what] receives the outcome for the log.
 */
static int
_serve_request(const struct pihpc_join_server *srv, struct pihpc_join_hs *hs,
	       const char *peer, struct pihpc_join_payload *p, unsigned char *out,
	       size_t *outlen, struct strbuf *what, char *err, size_t errlen)
{
	struct pihpc_join_requests rq = PIHPC_JOIN_REQUESTS_INIT;
	struct pihpc_join_request *r;
	char fp[20], text[PIHPC_JOIN_TEXT_MAX + 1];
	int fd, rc = -1, save = 1;

	pihpc_join_fingerprint(hs->node_pk, fp);
	if (pihpc_join_lock(srv->ctx, &fd, err, errlen) < 0)
		return -1;
	if (pihpc_join_requests_load(srv->ctx, &rq, err, errlen) < 0)
		goto out;
	r = _request_find(&rq, hs->hello.name);
	/* a rejected request gives way to one with another key; a pending or
	 * approved one does not, or anyone could take a node's place */
	if (r && sodium_memcmp(r->pk, hs->node_pk, sizeof(r->pk)) &&
	    !strcmp(r->state, "rejected")) {
		_request_remove(&rq, r);
		r = NULL;
	}
	if (r && sodium_memcmp(r->pk, hs->node_pk, sizeof(r->pk))) {
		char old[20];

		pihpc_join_fingerprint(r->pk, old);
		(void)snprintf(text, sizeof(text),
			       "another request for '%s' (key %s) is on record; the admin must reject it first",
			       r->name, old);
		*outlen = pihpc_join_status_encode(PIHPC_JOIN_ST_REJECTED, text, out);
		strbuf_addf(what, _("refused: key %s differs from the recorded %s"), fp, old);
		save = 0;
	} else if (!r || !strcmp(r->state, "pending")) {
		if (!r) {
			r = _request_add(&rq);
			(void)snprintf(r->name, sizeof(r->name), "%s", hs->hello.name);
			(void)snprintf(r->state, sizeof(r->state), "pending");
			memcpy(r->pk, hs->node_pk, sizeof(r->pk));
			r->first = srv->now;
		}
		r->last = srv->now;
		(void)snprintf(r->addr, sizeof(r->addr), "%s", peer);
		(void)snprintf(text, sizeof(text), "key fingerprint %s", fp);
		*outlen = pihpc_join_status_encode(PIHPC_JOIN_ST_PENDING, text, out);
		strbuf_addf(what, _("pending approval, key %s"), fp);
	} else if (!strcmp(r->state, "rejected")) {
		*outlen = pihpc_join_status_encode(PIHPC_JOIN_ST_REJECTED, "", out);
		strbuf_addf(what, _("rejected, key %s"), fp);
		save = 0;
	} else {
		if (pihpc_join_server_welcome(hs, p, out, outlen, err, errlen) < 0)
			goto out;
		_request_remove(&rq, r);
		strbuf_addf(what, _("approved: munge key sent sealed to key %s"), fp);
	}
	rc = save ? pihpc_join_requests_save(srv->ctx, &rq, err, errlen) : 0;
out:
	pihpc_join_requests_release(&rq);
	(void)close(fd);
	return rc;
}

/* Token mode on the controller, from CHALLENGE to the end. */
static int
_serve_token(const struct pihpc_join_server *srv, int fd,
	     struct pihpc_join_hs *hs, struct pihpc_join_payload *p,
	     unsigned char *buf, struct strbuf *what, char *err,
	     size_t errlen)
{
	struct lookup l;
	size_t n;
	int rc;

	memset(&l, 0, sizeof(l));
	l.id = hs->hello.token_id;
	l.now = srv->now;
	/* the store is not locked while the node answers: a slow node must
	 * not hold up the others */
	rc = _with_store(srv->ctx, _lookup, &l, err, errlen);
	if (rc == -2) {
		strbuf_addstr(what, _("refused: unknown token"));
		return _send_status(fd, PIHPC_JOIN_ST_BAD_TOKEN, "unknown token id");
	}
	if (rc < 0 || pihpc_join_server_challenge(hs, l.psk, buf, &n, err, errlen) < 0 ||
	    _write_full(fd, buf, n, err, errlen) < 0 ||
	    _read_frame(fd, buf, &n, srv->timeout, err, errlen) < 0)
		goto fail;
	if (pihpc_join_server_finish(hs, buf, n, err, errlen) < 0) {
		strbuf_addf(what, _("refused: %s"), err);
		sodium_memzero(&l, sizeof(l));
		return _send_status(fd, PIHPC_JOIN_ST_BAD_TOKEN, "");
	}
	rc = _with_store(srv->ctx, _consume, &l, err, errlen);
	if (rc == -2) {
		strbuf_addstr(what, _("refused: token revoked meanwhile"));
		return _send_status(fd, PIHPC_JOIN_ST_BAD_TOKEN, "token revoked");
	}
	if (rc < 0)
		goto fail;
	if (l.state != PIHPC_TOKEN_OK) {
		int expired = l.state == PIHPC_TOKEN_EXPIRED;

		strbuf_addstr(what, expired ? _("refused: token expired")
			      : _("refused: token used up"));
		return _send_status(fd, expired ? PIHPC_JOIN_ST_EXPIRED
				    : PIHPC_JOIN_ST_USED_UP, "");
	}
	if (pihpc_join_server_welcome(hs, p, buf, &n, err, errlen) < 0 ||
	    _write_full(fd, buf, n, err, errlen) < 0)
		goto fail;
	strbuf_addstr(what, _("joined: munge key sent"));
	sodium_memzero(&l, sizeof(l));
	return 0;
fail:
	sodium_memzero(&l, sizeof(l));
	return -1;
}

static int
_parse_cidr(const char *subnet, unsigned long *net, unsigned long *mask)
{
	const char *slash = strchr(subnet, '/');
	char addr[16];
	char *end;
	unsigned long bits;

	if (!slash || (size_t)(slash - subnet) >= sizeof(addr))
		return -1;
	memcpy(addr, subnet, (size_t)(slash - subnet));
	addr[slash - subnet] = '\0';
	errno = 0;
	bits = strtoul(slash + 1, &end, 10);
	if (errno || *end || !slash[1] || bits > 32 || pihpc_ipv4_parse(addr, net) < 0)
		return -1;
	*mask = bits ? (0xffffffffUL << (32 - bits)) & 0xffffffffUL : 0;
	return 0;
}

/* Write the node's status file. */
static void
_status(const struct pihpc_join_client *c, const struct pihpc_join_result *res,
	const char *reason)
{
	if (c->keep_status && res->outcome != PIHPC_JOINED)
		return;
	pihpc_join_status_write(c->ctx, c, res, reason);
}

/* The node's long-term key pair, created on first use. */
static int
_node_key(const struct pihpc_ctx *ctx, unsigned char *pk, unsigned char *sk,
	  char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct pihpc_file_mode fm = { 0600, 0, 0, 1 };
	char hex[(size_t)2 * crypto_box_SECRETKEYBYTES + 1];
	int rc = -1, fd;

	fm.uid = geteuid();
	fm.gid = getegid();
	if (pihpc_join_lock(ctx, &fd, err, errlen) < 0)
		return -1;
	pihpc_path(ctx, PIHPC_JOIN_NODE_KEY, &path);
	if (pihpc_read_file(path.buf, &text, err, errlen) == 0) {
		strbuf_trim(&text);
		if (text.len != (size_t)2 * (crypto_box_PUBLICKEYBYTES + crypto_box_SECRETKEYBYTES) ||
		    sodium_hex2bin(pk, crypto_box_PUBLICKEYBYTES, text.buf,
				   (size_t)2 * crypto_box_PUBLICKEYBYTES, NULL, NULL, NULL) ||
		    sodium_hex2bin(sk, crypto_box_SECRETKEYBYTES,
				   text.buf + (size_t)2 * crypto_box_PUBLICKEYBYTES,
				   (size_t)2 * crypto_box_SECRETKEYBYTES, NULL, NULL, NULL)) {
			(void)pihpc_err(err, errlen, _("'%s' is not a node key (remove it to make a new one)"),
					path.buf);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (errno != ENOENT)
		goto out;
	(void)crypto_box_keypair(pk, sk);
	strbuf_reset(&text);
	(void)sodium_bin2hex(hex, sizeof(hex), pk, crypto_box_PUBLICKEYBYTES);
	strbuf_addstr(&text, hex);
	(void)sodium_bin2hex(hex, sizeof(hex), sk, crypto_box_SECRETKEYBYTES);
	strbuf_addstr(&text, hex);
	strbuf_addch(&text, '\n');
	rc = pihpc_write_atomic_mode(path.buf, text.buf, text.len, &fm, NULL,
				     err, errlen);
out:
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(text.buf, text.len);
	(void)close(fd);
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}

/* Outcome for a STATUS from the controller. */
static enum pihpc_join_outcome
_outcome(enum pihpc_join_status st)
{
	switch (st) {
	case PIHPC_JOIN_ST_PENDING:
		return PIHPC_JOIN_PENDING;
	case PIHPC_JOIN_ST_BUSY:
	case PIHPC_JOIN_ST_ERROR:
		return PIHPC_JOIN_RETRY;
	case PIHPC_JOIN_ST_BAD_TOKEN:
	case PIHPC_JOIN_ST_EXPIRED:
	case PIHPC_JOIN_ST_USED_UP:
	case PIHPC_JOIN_ST_REJECTED:
		break;
	}
	return PIHPC_JOIN_REFUSED;
}

/*
 * Read the controller's next frame into [buf]; if it is a STATUS, set
 * res->outcome and the message and return 1.
 */
static int
_next(const struct pihpc_join_client *c, int fd, unsigned char *buf,
      size_t *n, struct pihpc_join_result *res, char *err, size_t errlen)
{
	struct pihpc_join_msg m;

	if (_read_frame(fd, buf, n, c->timeout, err, errlen) < 0) {
		res->outcome = PIHPC_JOIN_RETRY;
		return -1;
	}
	if (pihpc_join_msg_parse(buf, *n, &m, err, errlen) < 0) {
		res->outcome = PIHPC_JOIN_FAILED;
		return -1;
	}
	if (m.type != PIHPC_JOIN_STATUS)
		return 0;
	res->outcome = _outcome(m.status);
	(void)pihpc_err(err, errlen, "%s: %s%s%s", c->server,
			pihpc_join_status_str(m.status), m.text[0] ? ": " : "",
			m.text);
	return 1;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_join_peer_check(const struct sockaddr *sa, socklen_t salen,
		      const char *subnet, char addr[64], char *err,
		      size_t errlen)
{
	unsigned long net, mask, a;
	const unsigned char *b = NULL;

	(void)snprintf(addr, 64, "unknown");
	if (sa->sa_family == AF_INET && salen >= (socklen_t)sizeof(struct sockaddr_in)) {
		b = (const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6 &&
		   salen >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		(void)inet_ntop(AF_INET6, a6, addr, 64);
		if (IN6_IS_ADDR_V4MAPPED(a6))
			b = a6->s6_addr + 12;
	}
	if (!b)
		return FAIL(_("connection from %s: not an IPv4 address"),
			    addr);
	(void)snprintf(addr, 64, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (_parse_cidr(subnet, &net, &mask) < 0)
		return FAIL(_("invalid subnet '%s'"), subnet);
	a = (unsigned long)b[0] << 24 | (unsigned long)b[1] << 16 |
	    (unsigned long)b[2] << 8 | b[3];
	if ((a & mask) != (net & mask))
		return FAIL(_("connection from %s: outside the cluster subnet %s"),
			    addr, subnet);
	return 0;
}

int
pihpc_join_rate(const char *text, const char *addr, long long now,
		struct strbuf *out)
{
	long long window = now - now % RATE_WINDOW;
	unsigned long mine = 0, all = 0;
	const char *p = text;
	int ok;

	strbuf_reset(out);
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len), *f[3];

		p += len + (p[len] == '\n');
		/* entries of past minutes are dropped */
		if (_fields(line, f, 3) == 3 && _seconds(f[0]) == window &&
		    _seconds(f[2]) >= 0) {
			unsigned long n = (unsigned long)_seconds(f[2]);

			if (!strcmp(f[1], "*"))
				all = n;
			else if (!strcmp(f[1], addr))
				mine = n;
			else
				strbuf_addf(out, "%lld %s %lu\n", window, f[1], n);
		}
		free(line);
	}
	ok = mine < PIHPC_JOIN_RATE_SOURCE && all < PIHPC_JOIN_RATE_GLOBAL;
	if (ok) {
		mine++;
		all++;
	}
	strbuf_addf(out, "%lld %s %lu\n%lld * %lu\n", window, addr, mine,
		    window, all);
	return ok;
}

int
pihpc_join_serve_fd(const struct pihpc_join_server *srv, int fd,
		    const char *peer, struct strbuf *log, char *err,
		    size_t errlen)
{
	unsigned char buf[PIHPC_JOIN_FRAME_MAX];
	struct strbuf what = STRBUF_INIT;
	struct pihpc_join_payload *p = xmalloc(sizeof(*p));
	struct pihpc_join_hs hs;
	size_t n;
	int rc = -1, ok;

	memset(&hs, 0, sizeof(hs));
	memset(p, 0, sizeof(*p));
	strbuf_addf(log, _("request from %s"), peer);
	ok = _rate_ok(srv->ctx, peer, srv->now, err, errlen);
	if (ok <= 0) {
		if (ok == 0) {
			(void)_send_status(fd, PIHPC_JOIN_ST_BUSY, "");
			strbuf_addstr(log, _(": refused: rate limit"));
			rc = 0;
		}
		goto out;
	}
	if (_read_frame(fd, buf, &n, srv->timeout, err, errlen) < 0 ||
	    pihpc_join_server_hello(&hs, buf, n, err, errlen) < 0)
		goto out;
	strbuf_addf(log, _(", node '%s'"), hs.hello.name);
	if (hs.mode == PIHPC_JOIN_MODE_TOKEN)
		strbuf_addf(log, _(", token %s"), hs.hello.token_id);
	else
		strbuf_addstr(log, _(", no token"));
	(void)snprintf(p->cluster, sizeof(p->cluster), "%s", srv->cluster);
	(void)snprintf(p->controller, sizeof(p->controller), "%s", srv->controller);
	if (pihpc_munge_key_load_cluster(srv->ctx, srv->key_path, p->key,
					 sizeof(p->key), &p->key_len, err,
					 errlen) < 0) {
		(void)_send_status(fd, PIHPC_JOIN_ST_ERROR, "the controller has no cluster key to give");
		goto out;
	}
	if (hs.mode == PIHPC_JOIN_MODE_TOKEN) {
		rc = _serve_token(srv, fd, &hs, p, buf, &what, err, errlen);
		/* tell the node to retry rather than let it guess */
		if (rc < 0)
			(void)_send_status(fd, PIHPC_JOIN_ST_ERROR, "");
	} else {
		rc = _serve_request(srv, &hs, peer, p, buf, &n, &what, err, errlen);
		if (rc == 0)
			rc = _write_full(fd, buf, n, err, errlen);
		else
			(void)_send_status(fd, PIHPC_JOIN_ST_ERROR, "");
	}
out:
	if (rc < 0)
		strbuf_addf(log, _(": failed: %s"), err);
	else if (what.len)
		strbuf_addf(log, ": %s", what.buf);
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(p, sizeof(*p));
	free(p);
	pihpc_join_hs_release(&hs);
	strbuf_release(&what);
	return rc;
}

int
pihpc_join_node_fd(const struct pihpc_join_client *c, int fd,
		   struct pihpc_join_result *res, struct strlist *done,
		   char *err, size_t errlen)
{
	unsigned char buf[PIHPC_JOIN_FRAME_MAX], pk[crypto_box_PUBLICKEYBYTES];
	unsigned char sk[crypto_box_SECRETKEYBYTES];
	struct pihpc_join_payload *p = xmalloc(sizeof(*p));
	struct pihpc_join_hs hs;
	size_t n;
	int rc = -1, st;

	memset(&hs, 0, sizeof(hs));
	memset(res, 0, sizeof(*res));
	res->outcome = PIHPC_JOIN_FAILED;
	if (c->token) {
		if (pihpc_join_client_hello_token(&hs, c->name, c->token, buf, &n,
						  err, errlen) < 0)
			goto out;
	} else {
		if (_node_key(c->ctx, pk, sk, err, errlen) < 0)
			goto out;
		pihpc_join_fingerprint(pk, res->fingerprint);
		if (pihpc_join_client_hello_request(&hs, c->name, pk, sk, buf, &n,
						    err, errlen) < 0)
			goto out;
	}
	if (_write_full(fd, buf, n, err, errlen) < 0) {
		res->outcome = PIHPC_JOIN_RETRY;
		goto out;
	}
	st = _next(c, fd, buf, &n, res, err, errlen);
	if (st)
		goto out;
	if (c->token) {
		if (pihpc_join_client_finish(&hs, buf, n, buf, &n, err, errlen) < 0)
			goto out;
		if (_write_full(fd, buf, n, err, errlen) < 0) {
			res->outcome = PIHPC_JOIN_RETRY;
			goto out;
		}
		st = _next(c, fd, buf, &n, res, err, errlen);
		if (st)
			goto out;
	}
	res->outcome = PIHPC_JOIN_FAILED;
	if (pihpc_join_client_welcome(&hs, buf, n, p, err, errlen) < 0 ||
	    pihpc_munge_key_install_data(c->ctx, p->key, p->key_len, done, err,
					 errlen) < 0)
		goto out;
	(void)snprintf(res->cluster, sizeof(res->cluster), "%s", p->cluster);
	(void)snprintf(res->controller, sizeof(res->controller), "%s", p->controller);
	res->outcome = PIHPC_JOINED;
	rc = 0;
out:
	_status(c, res, rc == 0 ? NULL : err);
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(p, sizeof(*p));
	free(p);
	pihpc_join_hs_release(&hs);
	return rc;
}

int
pihpc_join_node(const struct pihpc_join_client *c,
		struct pihpc_join_result *res, struct strlist *done,
		char *err, size_t errlen)
{
	struct addrinfo hints, *ai = NULL, *a;
	char host[256], port[8];
	const char *colon = strrchr(c->server, ':');
	int fd = -1, rc, gai;

	memset(res, 0, sizeof(*res));
	(void)snprintf(port, sizeof(port), "%d", PIHPC_JOIN_PORT);
	(void)snprintf(host, sizeof(host), "%s", c->server);
	if (colon && !strchr(colon + 1, ']') && strchr(c->server, ':') == colon) {
		host[colon - c->server] = '\0';
		(void)snprintf(port, sizeof(port), "%s", colon + 1);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	gai = getaddrinfo(host, port, &hints, &ai);
	if (gai) {
		res->outcome = PIHPC_JOIN_RETRY;
		(void)pihpc_err(err, errlen, _("cannot resolve '%s': %s"), c->server,
				gai_strerror(gai));
		_status(c, res, err);
		return -1;
	}
	errno = ECONNREFUSED;
	for (a = ai; a; a = a->ai_next) {
		struct timeval tv = { c->timeout, 0 };

		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		/* on Linux SO_SNDTIMEO also bounds connect() */
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		(void)close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		res->outcome = PIHPC_JOIN_RETRY;
		(void)pihpc_err_errno(err, errlen, _("cannot connect to '%s'"), c->server);
		_status(c, res, err);
		return -1;
	}
	rc = pihpc_join_node_fd(c, fd, res, done, err, errlen);
	(void)close(fd);
	return rc;
}

void
pihpc_join_status_write(const struct pihpc_ctx *ctx,
			const struct pihpc_join_client *c,
			const struct pihpc_join_result *res, const char *reason)
{
	static const char *const names[] = {
		[PIHPC_JOINED] = "joined",
		[PIHPC_JOIN_FAILED] = "failed",
		[2] = "failed",
		[PIHPC_JOIN_REFUSED] = "refused",
		[PIHPC_JOIN_RETRY] = "unreachable",
		[PIHPC_JOIN_PENDING] = "pending",
	};
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct pihpc_file_mode fm = { 0644, 0, 0, 0 };
	char err[256], id[PIHPC_JOIN_ID_LEN + 1];
	int fd;

	fm.uid = geteuid();
	fm.gid = getegid();
	strbuf_addf(&text, "state=%s\nserver=%s\nmode=%s\ntime=%lld\n",
		    names[res->outcome], c->server, c->token ? "token" : "request",
		    c->now);
	/* "node join --service" tells a new token from the one it joined
	 * with by this id (public: the controller logs it), not by file
	 * times, which tie or run backwards with the clock. */
	if (c->token && pihpc_join_token_id(c->token, id) == 0)
		strbuf_addf(&text, "token=%s\n", id);
	if (res->fingerprint[0])
		strbuf_addf(&text, "fingerprint=%s\n", res->fingerprint);
	if (res->cluster[0])
		strbuf_addf(&text, "cluster=%s\ncontroller=%s\n", res->cluster,
			    res->controller);
	if (reason)
		strbuf_addf(&text, "reason=%s\n", reason);
	if (pihpc_join_lock(ctx, &fd, err, sizeof(err)) == 0) {
		(void)pihpc_write_atomic_mode(pihpc_path(ctx, PIHPC_JOIN_STATUS_FILE,
							 &path),
					      text.buf, text.len, &fm, NULL, err,
					      sizeof(err));
		(void)close(fd);
	}
	strbuf_release(&path);
	strbuf_release(&text);
}

int
pihpc_join_requests_load(const struct pihpc_ctx *ctx,
			 struct pihpc_join_requests *rq, char *err,
			 size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	const char *p;
	int rc = 0, lineno = 0;

	pihpc_path(ctx, PIHPC_JOIN_REQUESTS, &path);
	if (pihpc_read_file(path.buf, &text, err, errlen) < 0) {
		rc = errno == ENOENT ? 0 : -1;
		goto out;
	}
	for (p = text.buf; *p && rc == 0;) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);

		lineno++;
		p += len + (p[len] == '\n');
		if (line[0] && line[0] != '#' && _request_parse(rq, line) < 0)
			rc = pihpc_err(err, errlen, _("%s:%d: invalid request entry"),
				       path.buf, lineno);
		free(line);
	}
out:
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}

int
pihpc_join_requests_save(const struct pihpc_ctx *ctx,
			 const struct pihpc_join_requests *rq, char *err,
			 size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct pihpc_file_mode fm = { 0600, 0, 0, 0 };
	char hex[(size_t)2 * PIHPC_JOIN_PK + 1];
	size_t i;
	int rc;

	fm.uid = geteuid();
	fm.gid = getegid();
	strbuf_addstr(&text, REQUESTS_HEADER);
	for (i = 0; i < rq->nr; i++) {
		const struct pihpc_join_request *r = &rq->v[i];

		(void)sodium_bin2hex(hex, sizeof(hex), r->pk, sizeof(r->pk));
		strbuf_addf(&text, "%s %s %s %s %lld %lld\n", r->name, r->state,
			    hex, r->addr, r->first, r->last);
	}
	rc = pihpc_write_atomic_mode(pihpc_path(ctx, PIHPC_JOIN_REQUESTS, &path),
				     text.buf, text.len, &fm, NULL, err, errlen);
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}

void
pihpc_join_requests_release(struct pihpc_join_requests *rq)
{
	free(rq->v);
	rq->v = NULL;
	rq->nr = rq->alloc = 0;
}

int
pihpc_join_request_decide(const struct pihpc_ctx *ctx, const char *name,
			  int approve, char *err, size_t errlen)
{
	struct pihpc_join_requests rq = PIHPC_JOIN_REQUESTS_INIT;
	struct pihpc_join_request *r;
	int fd, rc = -1;

	if (pihpc_join_lock(ctx, &fd, err, errlen) < 0)
		return -1;
	if (pihpc_join_requests_load(ctx, &rq, err, errlen) < 0)
		goto out;
	r = _request_find(&rq, name);
	if (!r) {
		(void)pihpc_err(err, errlen, _("no join request from '%s'"), name);
		goto out;
	}
	(void)snprintf(r->state, sizeof(r->state), "%s",
		       approve ? "approved" : "rejected");
	rc = pihpc_join_requests_save(ctx, &rq, err, errlen);
out:
	pihpc_join_requests_release(&rq);
	(void)close(fd);
	return rc;
}
