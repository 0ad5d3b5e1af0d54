/*
 * join_test.c - a node joins a controller over a socketpair, each side
 * with its own scratch root: right, wrong, expired and used-up tokens,
 * requests approved and rejected; the rate limit and the subnet check.
 * Needs root (the munge key's owner).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "testutil.h"

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/bash\n"
	"munge:x:105:107::/nonexistent:/usr/sbin/nologin\n";
static const char group[] =
	"root:x:0:\n"
	"munge:x:107:\n";

#define TOKEN "3f9a0c27e1d4b58a6c0f2e9d7b1a4c3e5f60718293a4b5c6d7e8f90a1b2c3d4e"

struct pair {
	char *ctl, *cn;
	struct pihpc_ctx cctx, nctx;
	struct strbuf key;	/* the controller's munge key path */
};

static void
_setup(struct pair *p)
{
	struct strlist done = STRLIST_INIT;
	char err[512];

	p->ctl = tu_mkdtemp();
	p->cn = tu_mkdtemp();
	p->cctx.root = p->ctl;
	p->nctx.root = p->cn;
	tu_write(p->ctl, "etc/passwd", passwd);
	tu_write(p->ctl, "etc/group", group);
	tu_write(p->ctl, "etc/munge/munge.key", "the host's own key\n");
	tu_write(p->cn, "etc/passwd", passwd);
	tu_write(p->cn, "etc/group", group);
	assert_int_equal(pihpc_munge_key_generate(&p->cctx, &done, err, sizeof(err)), 0);
	strlist_clear(&done);
	strbuf_init(&p->key, 0);
	pihpc_path(&p->cctx, PIHPC_MUNGE_KEY, &p->key);
}

static void
_teardown(struct pair *p)
{
	strbuf_release(&p->key);
	tu_rmrf(p->ctl);
	tu_rmrf(p->cn);
}

/* Store [tok] on the controller, valid until [expires], for [uses]. */
static void
_add_token(struct pair *p, const char *tok, long long expires,
	   unsigned long uses)
{
	struct pihpc_join_store st = PIHPC_JOIN_STORE_INIT;
	struct pihpc_join_token t;
	char err[512];

	memset(&t, 0, sizeof(t));
	assert_int_equal(pihpc_join_token_id(tok, t.id), 0);
	assert_int_equal(pihpc_join_token_psk(tok, t.psk), 0);
	t.expires = expires;
	t.max_uses = uses;
	t.set = 1;
	assert_int_equal(pihpc_join_store_load(&p->cctx, &st, err, sizeof(err)), 0);
	pihpc_join_store_put(&st, &t);
	assert_int_equal(pihpc_join_store_save(&p->cctx, &st, err, sizeof(err)), 0);
	pihpc_join_store_release(&st);
}

/*
 * Join over a socketpair, the controller in a child process; returns the
 * node's result, [err] its message, [log] the controller's log line.
 */
static int
_join(struct pair *p, const char *token, long long now,
      struct pihpc_join_result *res, char *err, size_t errlen,
      struct strbuf *log)
{
	struct pihpc_join_server srv = { &p->cctx, p->key.buf, "c1", "rpnode01", now, 5 };
	struct pihpc_join_client cl = { &p->nctx, "rpnode01", "rpnode02", token, now, 5, 0 };
	struct strlist done = STRLIST_INIT;
	int sv[2], logp[2], status, rc;
	pid_t pid;
	char buf[1024];
	ssize_t n;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(pipe(logp), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct strbuf l = STRBUF_INIT;
		char e[512];

		(void)close(sv[0]);
		(void)pihpc_join_serve_fd(&srv, sv[1], "10.0.0.2", &l, e, sizeof(e));
		(void)!write(logp[1], l.buf, l.len);
		strbuf_release(&l);
		_exit(0);
	}
	(void)close(sv[1]);
	(void)close(logp[1]);
	rc = pihpc_join_node_fd(&cl, sv[0], res, &done, err, errlen);
	(void)close(sv[0]);
	strbuf_reset(log);
	while ((n = read(logp[0], buf, sizeof(buf))) > 0)
		strbuf_add(log, buf, (size_t)n);
	(void)close(logp[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* a key already in place is not rewritten */
	assert_true(rc == 0 ? done.nr <= 1 : done.nr == 0);
	strlist_clear(&done);
	return rc;
}

static int
_has_key(const struct pair *p)
{
	struct strbuf path = STRBUF_INIT;
	int ok = access(tu_path(&path, p->cn, "etc/munge/munge.key"), F_OK) == 0;

	strbuf_release(&path);
	return ok;
}

static void
test_right_token(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, log = STRBUF_INIT;
	struct pihpc_join_result res;
	struct pair p;
	struct stat st;
	char err[512], id[PIHPC_JOIN_ID_LEN + 1];

	(void)state;
	_setup(&p);
	_add_token(&p, TOKEN, 0, 0);
	assert_int_equal(_join(&p, TOKEN, 1000, &res, err, sizeof(err), &log), 0);
	assert_int_equal(res.outcome, PIHPC_JOINED);
	assert_string_equal(res.cluster, "c1");
	assert_string_equal(res.controller, "rpnode01");
	tu_read(p.ctl, "etc/munge/munge.key", &a);
	tu_read(p.cn, "etc/munge/munge.key", &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	assert_int_equal(stat(tu_path(&a, p.cn, "etc/munge/munge.key"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0400);
	assert_int_equal(st.st_uid, 105);
	assert_int_equal(st.st_gid, 107);
	assert_non_null(strstr(log.buf, "request from 10.0.0.2, node 'rpnode02', token "));
	assert_non_null(strstr(log.buf, ": joined: munge key sent"));
	assert_null(strstr(log.buf, TOKEN));
	tu_read(p.cn, "var/lib/pihpc/join/status", &b);
	assert_non_null(strstr(b.buf, "state=joined\n"));
	assert_non_null(strstr(b.buf, "cluster=c1\ncontroller=rpnode01\n"));
	/* the token's id, by which "node join --service" knows it again */
	assert_int_equal(pihpc_join_token_id(TOKEN, id), 0);
	strbuf_reset(&a);
	strbuf_addf(&a, "\ntoken=%s\n", id);
	assert_non_null(strstr(b.buf, a.buf));
	assert_null(strstr(b.buf, TOKEN));
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&log);
	_teardown(&p);
}

static void
_refused(struct pair *p, const char *token, long long now, const char *why,
	 const char *logged)
{
	struct strbuf log = STRBUF_INIT, s = STRBUF_INIT;
	struct pihpc_join_result res;
	char err[512];

	assert_int_equal(_join(p, token, now, &res, err, sizeof(err), &log), -1);
	assert_int_equal(res.outcome, PIHPC_JOIN_REFUSED);
	assert_string_equal(err, why);
	assert_non_null(strstr(log.buf, logged));
	assert_false(_has_key(p));
	tu_read(p->cn, "var/lib/pihpc/join/status", &s);
	assert_non_null(strstr(s.buf, "state=refused\n"));
	strbuf_release(&log);
	strbuf_release(&s);
}

static void
test_refused_tokens(void **state)
{
	struct pihpc_join_store st = PIHPC_JOIN_STORE_INIT;
	struct pair p;
	char err[512];

	(void)state;
	_setup(&p);
	_refused(&p, TOKEN, 1000, "rpnode01: token refused (unknown or wrong): unknown token id",
		 ": refused: unknown token");
	/* same id, other secret: the handshake fails */
	_add_token(&p, "pihpc1.0badcafe.3f9a0c27e1d4b58a6c0f2e9d7b1a4c3e5f60718293a4b5c6d7e8f90a1b2c3d4e", 0, 0);
	_refused(&p, "pihpc1.0badcafe.0000000000000000000000000000000000000000000000000000000000000001", 1000,
		 "rpnode01: token refused (unknown or wrong)",
		 ": refused: the node does not prove the token (wrong token)");
	_add_token(&p, TOKEN, 500, 0);
	_refused(&p, TOKEN, 1000, "rpnode01: token expired", ": refused: token expired");
	_add_token(&p, TOKEN, 0, 1);
	assert_int_equal(pihpc_join_store_load(&p.cctx, &st, err, sizeof(err)), 0);
	st.v[st.nr - 1].used = 1;
	assert_int_equal(pihpc_join_store_save(&p.cctx, &st, err, sizeof(err)), 0);
	pihpc_join_store_release(&st);
	_refused(&p, TOKEN, 1000, "rpnode01: token used up", ": refused: token used up");
	_teardown(&p);
}

static void
test_uses_counted(void **state)
{
	struct pihpc_join_store st = PIHPC_JOIN_STORE_INIT;
	struct strbuf log = STRBUF_INIT;
	struct pihpc_join_result res;
	struct pair p;
	char err[512];

	(void)state;
	_setup(&p);
	_add_token(&p, TOKEN, 0, 2);
	assert_int_equal(_join(&p, TOKEN, 1000, &res, err, sizeof(err), &log), 0);
	assert_int_equal(_join(&p, TOKEN, 1000, &res, err, sizeof(err), &log), 0);
	assert_int_equal(_join(&p, TOKEN, 1000, &res, err, sizeof(err), &log), -1);
	assert_string_equal(err, "rpnode01: token used up");
	assert_int_equal(pihpc_join_store_load(&p.cctx, &st, err, sizeof(err)), 0);
	assert_int_equal(st.v[0].used, 2);
	pihpc_join_store_release(&st);
	strbuf_release(&log);
	_teardown(&p);
}

static void
test_request_approval(void **state)
{
	struct pihpc_join_requests rq = PIHPC_JOIN_REQUESTS_INIT;
	struct strbuf log = STRBUF_INIT, s = STRBUF_INIT, first_key = STRBUF_INIT;
	struct pihpc_join_result res;
	struct pair p;
	char err[512], fp[20];

	(void)state;
	_setup(&p);
	assert_int_equal(_join(&p, NULL, 1000, &res, err, sizeof(err), &log), -1);
	assert_int_equal(res.outcome, PIHPC_JOIN_PENDING);
	assert_int_equal(strlen(res.fingerprint), 19);
	assert_false(_has_key(&p));
	/* the controller shows the same fingerprint */
	assert_int_equal(pihpc_join_requests_load(&p.cctx, &rq, err, sizeof(err)), 0);
	assert_int_equal(rq.nr, 1);
	assert_string_equal(rq.v[0].name, "rpnode02");
	assert_string_equal(rq.v[0].state, "pending");
	assert_string_equal(rq.v[0].addr, "10.0.0.2");
	pihpc_join_fingerprint(rq.v[0].pk, fp);
	assert_string_equal(fp, res.fingerprint);
	pihpc_join_requests_release(&rq);
	tu_read(p.cn, "var/lib/pihpc/join/status", &s);
	assert_non_null(strstr(s.buf, "state=pending\n"));
	assert_null(strstr(s.buf, "token="));

	assert_int_equal(pihpc_join_request_decide(&p.cctx, "nosuch", 1, err, sizeof(err)), -1);
	assert_string_equal(err, "no join request from 'nosuch'");
	assert_int_equal(pihpc_join_request_decide(&p.cctx, "rpnode02", 1, err, sizeof(err)), 0);
	assert_int_equal(_join(&p, NULL, 1060, &res, err, sizeof(err), &log), 0);
	assert_true(_has_key(&p));
	assert_non_null(strstr(log.buf, "approved: munge key sent sealed to key "));
	/* the request is gone once served */
	assert_int_equal(pihpc_join_requests_load(&p.cctx, &rq, err, sizeof(err)), 0);
	assert_int_equal(rq.nr, 0);
	pihpc_join_requests_release(&rq);

	/* a new request: another key under the same name is refused */
	assert_int_equal(unlink(tu_path(&s, p.cn, "etc/munge/munge.key")), 0);
	assert_int_equal(_join(&p, NULL, 2000, &res, err, sizeof(err), &log), -1);
	assert_int_equal(res.outcome, PIHPC_JOIN_PENDING);
	tu_read(p.cn, "var/lib/pihpc/join/node.key", &first_key);
	assert_int_equal(unlink(tu_path(&s, p.cn, "var/lib/pihpc/join/node.key")), 0);
	assert_int_equal(_join(&p, NULL, 2010, &res, err, sizeof(err), &log), -1);
	assert_int_equal(res.outcome, PIHPC_JOIN_REFUSED);
	assert_non_null(strstr(err, "another request for 'rpnode02' (key "));
	tu_write(p.cn, "var/lib/pihpc/join/node.key", first_key.buf);

	/* rejected: refused, nothing written */
	assert_int_equal(pihpc_join_request_decide(&p.cctx, "rpnode02", 0, err, sizeof(err)), 0);
	assert_int_equal(_join(&p, NULL, 2060, &res, err, sizeof(err), &log), -1);
	assert_int_equal(res.outcome, PIHPC_JOIN_REFUSED);
	assert_string_equal(err, "rpnode01: request rejected");
	assert_false(_has_key(&p));

	/* after a rejection, a request with another key is a new request */
	assert_int_equal(unlink(tu_path(&s, p.cn, "var/lib/pihpc/join/node.key")), 0);
	assert_int_equal(_join(&p, NULL, 2100, &res, err, sizeof(err), &log), -1);
	assert_int_equal(res.outcome, PIHPC_JOIN_PENDING);
	strbuf_release(&first_key);
	strbuf_release(&log);
	strbuf_release(&s);
	_teardown(&p);
}

static void
test_rate(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < PIHPC_JOIN_RATE_SOURCE; i++) {
		assert_int_equal(pihpc_join_rate(a.buf, "10.0.0.2", 6000 + i, &b), 1);
		strbuf_reset(&a);
		strbuf_addbuf(&a, &b);
	}
	assert_int_equal(pihpc_join_rate(a.buf, "10.0.0.2", 6030, &b), 0);
	/* another source is still served */
	assert_int_equal(pihpc_join_rate(a.buf, "10.0.0.3", 6030, &b), 1);
	/* the next minute starts afresh */
	assert_int_equal(pihpc_join_rate(a.buf, "10.0.0.2", 6060, &b), 1);
	assert_string_equal(b.buf, "6060 10.0.0.2 1\n6060 * 1\n");
	/* the global limit */
	strbuf_reset(&a);
	strbuf_addf(&a, "6000 * %d\n", PIHPC_JOIN_RATE_GLOBAL);
	assert_int_equal(pihpc_join_rate(a.buf, "10.0.0.9", 6001, &b), 0);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void
test_peer_check(void **state)
{
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	char addr[64], err[256];

	(void)state;
	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "10.0.0.7", &in.sin_addr), 1);
	assert_int_equal(pihpc_join_peer_check((struct sockaddr *)&in, sizeof(in), "10.0.0.0/24", addr, err, sizeof(err)), 0);
	assert_string_equal(addr, "10.0.0.7");
	assert_int_equal(pihpc_join_peer_check((struct sockaddr *)&in, sizeof(in), "10.0.1.0/24", addr, err, sizeof(err)), -1);
	assert_string_equal(err, "connection from 10.0.0.7: outside the cluster subnet 10.0.1.0/24");
	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "::ffff:10.0.0.8", &in6.sin6_addr), 1);
	assert_int_equal(pihpc_join_peer_check((struct sockaddr *)&in6, sizeof(in6), "10.0.0.0/24", addr, err, sizeof(err)), 0);
	assert_string_equal(addr, "10.0.0.8");
	assert_int_equal(inet_pton(AF_INET6, "fe80::1", &in6.sin6_addr), 1);
	assert_int_equal(pihpc_join_peer_check((struct sockaddr *)&in6, sizeof(in6), "10.0.0.0/24", addr, err, sizeof(err)), -1);
	assert_string_equal(err, "connection from fe80::1: not an IPv4 address");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_right_token),
		cmocka_unit_test(test_refused_tokens),
		cmocka_unit_test(test_uses_counted),
		cmocka_unit_test(test_request_approval),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_peer_check),
	};

	/* Owners need root; tests/unit/run.sh gives other users fakeroot. */
	if (geteuid() != 0) {
		(void)fprintf(stderr, "join_test: needs root or fakeroot (file owners)\n");
		return 1;
	}
	return cmocka_run_group_tests_name("join", tests, NULL, NULL);
}
