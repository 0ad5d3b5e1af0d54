/*
 * join.h - a compute node gets the cluster's munge key from the
 * controller over the join protocol (joinmsg.h): the controller's side
 * (one connection at a time), the node's side, the requests waiting for an
 * admin's approval, and the node's record of where it stands.
 */
#ifndef PIHPC_JOIN_H
#define PIHPC_JOIN_H

#include <stddef.h>
#include <sys/socket.h>

#include "joinmsg.h"
#include "jointoken.h"
#include "path.h"
#include "strbuf.h"

#define PIHPC_JOIN_REQUESTS "/var/lib/pihpc/join/requests"
#define PIHPC_JOIN_RATE "/var/lib/pihpc/join/rate"
#define PIHPC_JOIN_NODE_KEY "/var/lib/pihpc/join/node.key"
#define PIHPC_JOIN_STATUS_FILE "/var/lib/pihpc/join/status"
/* A compute node's join token, as the maintainer scripts keep it (0600). */
#define PIHPC_JOIN_TOKEN_FILE "/etc/pihpc/join.token"

/* Requests per minute served from one address, and from all. */
#define PIHPC_JOIN_RATE_SOURCE 10
#define PIHPC_JOIN_RATE_GLOBAL 60

/* Outcomes of a join, also "pihpc node join"'s exit codes. */
enum pihpc_join_outcome {
	PIHPC_JOINED = 0,
	PIHPC_JOIN_FAILED = 1,		/* local error or broken exchange */
	PIHPC_JOIN_REFUSED = 3,		/* wrong/expired/used-up token, rejected */
	PIHPC_JOIN_RETRY = 4,		/* controller unreachable or busy */
	PIHPC_JOIN_PENDING = 5		/* request waits for approval */
};

/* The controller's side of one connection. */
struct pihpc_join_server {
	const struct pihpc_ctx *ctx;
	const char *key_path;	/* the munge key to hand out, used as given */
	const char *cluster;	/* cluster_name */
	const char *controller;	/* controller's host name */
	long long now;		/* seconds since the epoch */
	int timeout;		/* seconds to wait for each message */
};

/*
 * Serve one node on the connected socket [fd]; [peer] is its address for
 * the logs and the rate limit.  One line saying who asked what and the
 * outcome is appended to [log] (never a secret).  Returns 0 when the
 * exchange ran to its end (the node joined, or was told why not), -1
 * with the reason in [err] when it broke off.
 */
int pihpc_join_serve_fd(const struct pihpc_join_server *srv, int fd,
			const char *peer, struct strbuf *log, char *err,
			size_t errlen);

/*
 * 0 if the peer [sa] is an IPv4 address (or IPv4-mapped IPv6) inside
 * [subnet] ("A.B.C.D/N"); its text goes to [addr] (64 bytes) either way.
 */
int pihpc_join_peer_check(const struct sockaddr *sa, socklen_t salen,
			  const char *subnet, char addr[64], char *err,
			  size_t errlen);

/*
 * The rate limit, on the text of the rate file: 1 if [addr] may be
 * served at [now] (and the counts in [out] include it), 0 if over a limit.
 */
int pihpc_join_rate(const char *text, const char *addr, long long now,
		    struct strbuf *out);

/* The node's side. */
struct pihpc_join_client {
	const struct pihpc_ctx *ctx;
	const char *server;	/* "HOST[:PORT]" as given, for messages */
	const char *name;	/* this node's name */
	const char *token;	/* NULL: ask for an admin's approval */
	long long now;
	int timeout;		/* seconds to wait for the controller */
	int keep_status;	/* a recheck: only a join is recorded */
};

/* What the join brought. */
struct pihpc_join_result {
	enum pihpc_join_outcome outcome;
	char fingerprint[20];	/* request mode: this node's key */
	char cluster[PIHPC_JOIN_NAME_MAX + 1];
	char controller[PIHPC_JOIN_NAME_MAX + 1];
};

/*
 * Join over the connected socket [fd]: on success install the munge key
 * (0400 munge:munge; "updated '...'" in [done] if it changed).  Whatever
 * the outcome, ROOT/var/lib/pihpc/join/status records it.  Returns 0 when
 * joined, -1 otherwise with res->outcome and the reason in [err]; nothing
 * but the status file is written then.
 */
int pihpc_join_node_fd(const struct pihpc_join_client *c, int fd,
		       struct pihpc_join_result *res, struct strlist *done,
		       char *err, size_t errlen);

/* Connect to c->server (port 6820 unless given) and pihpc_join_node_fd(). */
int pihpc_join_node(const struct pihpc_join_client *c,
		    struct pihpc_join_result *res, struct strlist *done,
		    char *err, size_t errlen);

/* Record a failure to join in the status file (best effort). */
void pihpc_join_status_write(const struct pihpc_ctx *ctx,
			     const struct pihpc_join_client *c,
			     const struct pihpc_join_result *res,
			     const char *reason);

/* A join request as the controller keeps it. */
struct pihpc_join_request {
	char name[PIHPC_JOIN_NAME_MAX + 1];
	char state[10];			/* pending, approved or rejected */
	unsigned char pk[PIHPC_JOIN_PK];
	char addr[64];
	long long first, last;		/* first and last time asked */
};

struct pihpc_join_requests {
	struct pihpc_join_request *v;
	size_t nr, alloc;
};

#define PIHPC_JOIN_REQUESTS_INIT { NULL, 0, 0 }

int pihpc_join_requests_load(const struct pihpc_ctx *ctx,
			     struct pihpc_join_requests *rq, char *err,
			     size_t errlen);
int pihpc_join_requests_save(const struct pihpc_ctx *ctx,
			     const struct pihpc_join_requests *rq, char *err,
			     size_t errlen);
void pihpc_join_requests_release(struct pihpc_join_requests *rq);

/*
 * Mark the request of [name] "approved" or "rejected" (under the lock).
 * -1 with "no join request from 'NAME'" if there is none.
 */
int pihpc_join_request_decide(const struct pihpc_ctx *ctx, const char *name,
			      int approve, char *err, size_t errlen);

#endif /* PIHPC_JOIN_H */
