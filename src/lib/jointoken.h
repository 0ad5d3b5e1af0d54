/*
 * jointoken.h - join tokens: generation, strength check, and the
 * controller's token store.
 *
 * A token is a printable string shared by the controller and the nodes
 * that may join.  Generated tokens read "pihpc1.ID.SECRET" (ID: 8 hex
 * digits, SECRET: 64 hex digits = 256 random bits); an admin may also set
 * a token of their own (e.g. "openssl rand -hex 32") ahead of time.  The
 * ID names the token in lists and on the wire and is not secret; for an
 * admin's token it is derived from the token.
 *
 * The store (ROOT/var/lib/pihpc/join/tokens, directory 0700 root, file
 * 0600) holds per token only a verifier: a keyed BLAKE2b hash of the
 * token, which both sides use as the pre-shared key of the handshake.
 * Lines: "ID VERIFIER CREATED EXPIRES MAX_USES USED KIND", times in
 * seconds since the epoch, EXPIRES and MAX_USES 0 for "never"/"unlimited",
 * KIND "generated" or "set".
 */
#ifndef PIHPC_JOINTOKEN_H
#define PIHPC_JOINTOKEN_H

#include <stddef.h>
#include <time.h>

#include "path.h"
#include "strbuf.h"

#define PIHPC_JOIN_DIR "/var/lib/pihpc/join"
#define PIHPC_JOIN_TOKENS "/var/lib/pihpc/join/tokens"
#define PIHPC_JOIN_LOCK "/var/lib/pihpc/join/lock"

#define PIHPC_JOIN_TOKEN_MAX 256	/* longest token accepted */
#define PIHPC_JOIN_ID_LEN 8		/* hex digits of a token id */
#define PIHPC_JOIN_PSK_LEN 32		/* bytes of a verifier */
#define PIHPC_JOIN_MIN_BITS 128		/* entropy a token must have */

struct pihpc_join_token {
	char id[PIHPC_JOIN_ID_LEN + 1];
	unsigned char psk[PIHPC_JOIN_PSK_LEN];	/* the verifier */
	long long created;
	long long expires;		/* 0: never */
	unsigned long max_uses;		/* 0: unlimited */
	unsigned long used;
	int set;			/* chosen by an admin, not generated */
};

struct pihpc_join_store {
	struct pihpc_join_token *v;
	size_t nr, alloc;
};

#define PIHPC_JOIN_STORE_INIT { NULL, 0, 0 }

/* Why a stored token cannot be used now. */
enum pihpc_join_token_state {
	PIHPC_TOKEN_OK = 0,
	PIHPC_TOKEN_EXPIRED,
	PIHPC_TOKEN_USED_UP
};

/*
 * A new "pihpc1.ID.SECRET" token from libsodium's random source into [tok]
 * (at least PIHPC_JOIN_TOKEN_MAX + 1 bytes).
 */
int pihpc_join_token_generate(char *tok, size_t toklen, char *err,
			      size_t errlen);

/*
 * 0 if [tok] is well formed (1 to PIHPC_JOIN_TOKEN_MAX printable ASCII
 * characters, no blanks); -1 with the reason otherwise.  The token is
 * never copied into [err].
 */
int pihpc_join_token_syntax(const char *tok, char *err, size_t errlen);

/*
 * 0 if [tok] has at least 128 bits of entropy by a conservative estimate:
 * its length times the bits per character of the smallest usual alphabet
 * (hex 4, base32 5, base64 6, printable ASCII 6.5) holding all of it, at
 * least 8 distinct characters, and not one short string repeated.
 */
int pihpc_join_token_check(const char *tok, char *err, size_t errlen);

/* The token's id and verifier. */
int pihpc_join_token_id(const char *tok, char id[PIHPC_JOIN_ID_LEN + 1]);
int pihpc_join_token_psk(const char *tok,
			 unsigned char psk[PIHPC_JOIN_PSK_LEN]);

/* Whether [t] may be used at [now]. */
enum pihpc_join_token_state
pihpc_join_token_state(const struct pihpc_join_token *t, long long now);

/*
 * Parse a duration: "0" or "never" (0), N, Ns, Nm, Nh, Nd (seconds), at
 * most 10 years.
 */
int pihpc_duration_parse(const char *s, long long *seconds);

/* Parse the store's text ([fname] in messages) into [st]. */
int pihpc_join_store_parse(struct pihpc_join_store *st, const char *fname,
			   const char *text, char *err, size_t errlen);
void pihpc_join_store_format(const struct pihpc_join_store *st,
			     struct strbuf *out);

/* Load ROOT/var/lib/pihpc/join/tokens (empty if missing) and save it. */
int pihpc_join_store_load(const struct pihpc_ctx *ctx,
			  struct pihpc_join_store *st, char *err,
			  size_t errlen);
int pihpc_join_store_save(const struct pihpc_ctx *ctx,
			  const struct pihpc_join_store *st, char *err,
			  size_t errlen);
void pihpc_join_store_release(struct pihpc_join_store *st);

/* The entry with [id], or NULL. */
struct pihpc_join_token *pihpc_join_store_find(struct pihpc_join_store *st,
					       const char *id);

/* Append a copy of [t], replacing any entry with the same id. */
void pihpc_join_store_put(struct pihpc_join_store *st,
			  const struct pihpc_join_token *t);

/* Remove the entry [id]; -1 if there is none. */
int pihpc_join_store_remove(struct pihpc_join_store *st, const char *id);

/*
 * Create ROOT/var/lib/pihpc/join (0700) if needed and take an exclusive
 * lock on its lock file: [fd] receives the descriptor, to close().
 */
int pihpc_join_lock(const struct pihpc_ctx *ctx, int *fd, char *err,
		    size_t errlen);

#endif /* PIHPC_JOINTOKEN_H */
