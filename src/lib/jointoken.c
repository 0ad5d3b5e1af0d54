/*
 * jointoken.c - join tokens and the controller's token store.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"
#include "file.h"
#include "i18n.h"
#include "jointoken.h"

/* pihpc_err() that visibly yields -1, for the static analyzer's sake. */
#define FAIL(...) ((void)pihpc_err(err, errlen, __VA_ARGS__), -1)
#define FAIL_ERRNO(...) ((void)pihpc_err_errno(err, errlen, __VA_ARGS__), -1)

#define TOKEN_PREFIX "pihpc1."
#define SECRET_BYTES 32
/* Keys of the BLAKE2b hashes that derive a token's id and verifier: two
 * different keys keep the public id from telling anything of the other. */
#define ID_KEY "pihpc join v1 token id"
#define PSK_KEY "pihpc join v1 token psk"
#define MAX_DURATION (10LL * 366 * 86400)
#define STORE_HEADER \
	"# pihpc join tokens: id verifier created expires max_uses used kind\n"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static int
_is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	return 1;
}

/* The 8 hex digits of a "pihpc1.ID.SECRET" token, or NULL. */
static const char *
_generated_id(const char *tok)
{
	size_t n = strlen(TOKEN_PREFIX);

	if (strncmp(tok, TOKEN_PREFIX, n) || !_is_hex(tok + n, PIHPC_JOIN_ID_LEN) ||
	    tok[n + PIHPC_JOIN_ID_LEN] != '.' ||
	    strlen(tok + n + PIHPC_JOIN_ID_LEN + 1) != (size_t)2 * SECRET_BYTES ||
	    !_is_hex(tok + n + PIHPC_JOIN_ID_LEN + 1, (size_t)2 * SECRET_BYTES))
		return NULL;
	return tok + n;
}

/* Bits per character (times 10) of the smallest alphabet holding [tok]. */
static unsigned
_bits_per_char_x10(const char *tok)
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz234567=";
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=";
	size_t n = strlen(tok);

	if (_is_hex(tok, n))
		return 40;
	if (strspn(tok, b32) == n)
		return 50;
	if (strspn(tok, b64) == n)
		return 60;
	return 65;
}

/* Length of the shortest string [tok] is a repetition of. */
static size_t
_period(const char *tok)
{
	size_t n = strlen(tok), p, i;

	for (p = 1; p <= n / 2; p++) {
		for (i = p; i < n && tok[i] == tok[i - p]; i++)
			;
		if (i == n)
			return p;
	}
	return n;
}

static int
_keyed_hash(unsigned char *out, size_t outlen, const char *tok,
	    const char *key)
{
	if (sodium_init() < 0)
		return -1;
	return crypto_generichash(out, outlen, (const unsigned char *)tok,
				  strlen(tok), (const unsigned char *)key,
				  strlen(key));
}

static int
_parse_ll(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno || !*s || *end || *v < 0 ? -1 : 0;
}

/* ROOT/var/lib/pihpc/join as a directory 0700, created if missing. */
static int
_join_dir(const struct pihpc_ctx *ctx, char *err, size_t errlen)
{
	struct strbuf dir = STRBUF_INIT;
	struct stat st;
	int rc = -1;

	pihpc_path(ctx, PIHPC_JOIN_DIR, &dir);
	if (pihpc_make_parents(dir.buf, 0755, err, errlen) < 0)
		goto out;
	if (mkdir(dir.buf, 0700) < 0 && errno != EEXIST) {
		(void)pihpc_err_errno(err, errlen, _("cannot create directory '%s'"),
				      dir.buf);
		goto out;
	}
	if (lstat(dir.buf, &st) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot stat '%s'"), dir.buf);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		(void)pihpc_err(err, errlen, _("'%s' exists but is not a directory"),
				dir.buf);
		goto out;
	}
	if ((st.st_mode & 07777) != 0700 && chmod(dir.buf, 0700) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot change mode of '%s'"),
				      dir.buf);
		goto out;
	}
	rc = 0;
out:
	strbuf_release(&dir);
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_join_token_generate(char *tok, size_t toklen, char *err, size_t errlen)
{
	unsigned char id[PIHPC_JOIN_ID_LEN / 2], secret[SECRET_BYTES];
	char idhex[PIHPC_JOIN_ID_LEN + 1], sechex[(size_t)2 * SECRET_BYTES + 1];
	int n;

	if (sodium_init() < 0)
		return FAIL(_("cannot initialise libsodium"));
	randombytes_buf(id, sizeof(id));
	randombytes_buf(secret, sizeof(secret));
	(void)sodium_bin2hex(idhex, sizeof(idhex), id, sizeof(id));
	(void)sodium_bin2hex(sechex, sizeof(sechex), secret, sizeof(secret));
	n = snprintf(tok, toklen, "%s%s.%s", TOKEN_PREFIX, idhex, sechex);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(sechex, sizeof(sechex));
	if (n < 0 || (size_t)n >= toklen) {
		sodium_memzero(tok, toklen);
		return FAIL(_("token buffer too small"));
	}
	return 0;
}

int
pihpc_join_token_syntax(const char *tok, char *err, size_t errlen)
{
	size_t n = strlen(tok), i;

	if (!n)
		return FAIL(_("the join token is empty"));
	if (n > PIHPC_JOIN_TOKEN_MAX)
		return FAIL(_("the join token is too long (%zu characters, at most %d)"),
			    n, PIHPC_JOIN_TOKEN_MAX);
	for (i = 0; i < n; i++)
		if (tok[i] < 0x21 || tok[i] > 0x7e)
			return FAIL(_("the join token has a blank or non-printable character at position %zu"),
				    i + 1);
	return 0;
}

int
pihpc_join_token_check(const char *tok, char *err, size_t errlen)
{
	unsigned char seen[256] = { 0 };
	size_t n = strlen(tok), i, distinct = 0, bits;

	if (pihpc_join_token_syntax(tok, err, errlen) < 0)
		return -1;
	if (!strncmp(tok, TOKEN_PREFIX, strlen(TOKEN_PREFIX))) {
		if (!_generated_id(tok))
			return FAIL(_("the join token starts with '%s' but is not 'pihpc1.' + 8 + '.' + 64 hex digits"),
				    TOKEN_PREFIX);
		tok = strrchr(tok, '.') + 1;
		n = strlen(tok);
	}
	for (i = 0; i < n; i++)
		if (!seen[(unsigned char)tok[i]]++)
			distinct++;
	bits = n * _bits_per_char_x10(tok) / 10;
	if (bits < PIHPC_JOIN_MIN_BITS)
		return FAIL(_("the join token is too weak: %zu characters give about %zu bits, %d are needed (try 'openssl rand -hex 32')"),
			    n, bits, PIHPC_JOIN_MIN_BITS);
	if (distinct < 8)
		return FAIL(_("the join token is too weak: only %zu distinct characters, 8 are needed (try 'openssl rand -hex 32')"),
			    distinct);
	if (_period(tok) < n)
		return FAIL(_("the join token is too weak: it repeats a string of %zu characters (try 'openssl rand -hex 32')"),
			    _period(tok));
	return 0;
}

int
pihpc_join_token_id(const char *tok, char id[PIHPC_JOIN_ID_LEN + 1])
{
	unsigned char h[PIHPC_JOIN_ID_LEN / 2];
	const char *g = _generated_id(tok);

	if (g) {
		size_t i;

		for (i = 0; i < PIHPC_JOIN_ID_LEN; i++)
			id[i] = (char)(g[i] >= 'A' && g[i] <= 'F' ? g[i] + 32 : g[i]);
		id[PIHPC_JOIN_ID_LEN] = '\0';
		return 0;
	}
	if (_keyed_hash(h, sizeof(h), tok, ID_KEY) < 0)
		return -1;
	(void)sodium_bin2hex(id, PIHPC_JOIN_ID_LEN + 1, h, sizeof(h));
	return 0;
}

int
pihpc_join_token_psk(const char *tok, unsigned char psk[PIHPC_JOIN_PSK_LEN])
{
	return _keyed_hash(psk, PIHPC_JOIN_PSK_LEN, tok, PSK_KEY);
}

enum pihpc_join_token_state
pihpc_join_token_state(const struct pihpc_join_token *t, long long now)
{
	if (t->expires && now >= t->expires)
		return PIHPC_TOKEN_EXPIRED;
	if (t->max_uses && t->used >= t->max_uses)
		return PIHPC_TOKEN_USED_UP;
	return PIHPC_TOKEN_OK;
}

int
pihpc_duration_parse(const char *s, long long *seconds)
{
	long long v, unit = 1;
	char *end;

	if (!strcmp(s, "never")) {
		*seconds = 0;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno)
		return -1;
	if (*end && end[1])
		return -1;
	switch (*end) {
	case '\0': case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return -1;
	}
	if (v > MAX_DURATION / unit)
		return -1;
	*seconds = v * unit;
	return 0;
}

int
pihpc_join_store_parse(struct pihpc_join_store *st, const char *fname,
		       const char *text, char *err, size_t errlen)
{
	const char *p = text;
	int lineno = 0;

	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len), *f[8], *save = NULL, *w;
		struct pihpc_join_token t;
		long long v[4];
		int nf = 0, bad = 0;

		lineno++;
		p += len + (p[len] == '\n');
		for (w = strtok_r(line, " \t", &save); w && nf < 8;
		     w = strtok_r(NULL, " \t", &save))
			f[nf++] = w;
		if (!nf || f[0][0] == '#') {
			free(line);
			continue;
		}
		memset(&t, 0, sizeof(t));
		bad = nf != 7 || strlen(f[0]) != PIHPC_JOIN_ID_LEN ||
		      !_is_hex(f[0], PIHPC_JOIN_ID_LEN) ||
		      strlen(f[1]) != (size_t)2 * PIHPC_JOIN_PSK_LEN ||
		      sodium_hex2bin(t.psk, sizeof(t.psk), f[1], strlen(f[1]),
				     NULL, NULL, NULL) != 0 ||
		      _parse_ll(f[2], &v[0]) || _parse_ll(f[3], &v[1]) ||
		      _parse_ll(f[4], &v[2]) || _parse_ll(f[5], &v[3]) ||
		      (strcmp(f[6], "generated") && strcmp(f[6], "set"));
		if (!bad) {
			memcpy(t.id, f[0], PIHPC_JOIN_ID_LEN + 1);
			t.created = v[0];
			t.expires = v[1];
			t.max_uses = (unsigned long)v[2];
			t.used = (unsigned long)v[3];
			t.set = !strcmp(f[6], "set");
			pihpc_join_store_put(st, &t);
		}
		sodium_memzero(line, len);
		free(line);
		sodium_memzero(&t, sizeof(t));
		if (bad)
			return FAIL(_("%s:%d: invalid token entry"),
				    fname, lineno);
	}
	return 0;
}

void
pihpc_join_store_format(const struct pihpc_join_store *st, struct strbuf *out)
{
	char hex[(size_t)2 * PIHPC_JOIN_PSK_LEN + 1];
	size_t i;

	strbuf_addstr(out, STORE_HEADER);
	for (i = 0; i < st->nr; i++) {
		const struct pihpc_join_token *t = &st->v[i];

		(void)sodium_bin2hex(hex, sizeof(hex), t->psk, sizeof(t->psk));
		strbuf_addf(out, "%s %s %lld %lld %lu %lu %s\n", t->id, hex,
			    t->created, t->expires, t->max_uses, t->used,
			    t->set ? "set" : "generated");
	}
	sodium_memzero(hex, sizeof(hex));
}

int
pihpc_join_store_load(const struct pihpc_ctx *ctx, struct pihpc_join_store *st,
		      char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int rc = 0;

	pihpc_path(ctx, PIHPC_JOIN_TOKENS, &path);
	if (pihpc_read_file(path.buf, &text, err, errlen) < 0)
		rc = errno == ENOENT ? 0 : -1;
	else
		rc = pihpc_join_store_parse(st, path.buf, text.buf, err, errlen);
	sodium_memzero(text.buf, text.len);
	strbuf_release(&text);
	strbuf_release(&path);
	return rc;
}

int
pihpc_join_store_save(const struct pihpc_ctx *ctx,
		      const struct pihpc_join_store *st, char *err,
		      size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct pihpc_file_mode fm = { 0600, 0, 0, 1 };
	int rc = -1;

	fm.uid = geteuid();
	fm.gid = getegid();
	if (_join_dir(ctx, err, errlen) < 0)
		goto out;
	pihpc_join_store_format(st, &text);
	rc = pihpc_write_atomic_mode(pihpc_path(ctx, PIHPC_JOIN_TOKENS, &path),
				     text.buf, text.len, &fm, NULL, err, errlen);
out:
	sodium_memzero(text.buf, text.len);
	strbuf_release(&text);
	strbuf_release(&path);
	return rc;
}

void
pihpc_join_store_release(struct pihpc_join_store *st)
{
	if (st->v)
		sodium_memzero(st->v, st->alloc * sizeof(*st->v));
	free(st->v);
	st->v = NULL;
	st->nr = st->alloc = 0;
}

struct pihpc_join_token *
pihpc_join_store_find(struct pihpc_join_store *st, const char *id)
{
	size_t i;

	for (i = 0; i < st->nr; i++)
		if (!strcmp(st->v[i].id, id))
			return &st->v[i];
	return NULL;
}

void
pihpc_join_store_put(struct pihpc_join_store *st,
		     const struct pihpc_join_token *t)
{
	struct pihpc_join_token *old = pihpc_join_store_find(st, t->id);

	if (old) {
		*old = *t;
		return;
	}
	if (st->nr == st->alloc) {
		st->alloc = st->alloc ? (size_t)2 * st->alloc : 8;
		st->v = xrealloc(st->v, st->alloc * sizeof(*st->v));
	}
	st->v[st->nr++] = *t;
}

int
pihpc_join_store_remove(struct pihpc_join_store *st, const char *id)
{
	struct pihpc_join_token *t = pihpc_join_store_find(st, id);
	size_t i;

	if (!t)
		return -1;
	i = (size_t)(t - st->v);
	memmove(t, t + 1, (st->nr - i - 1) * sizeof(*t));
	st->nr--;
	sodium_memzero(&st->v[st->nr], sizeof(*t));
	return 0;
}

int
pihpc_join_lock(const struct pihpc_ctx *ctx, int *fd, char *err,
		size_t errlen)
{
	struct strbuf path = STRBUF_INIT;
	int rc = -1;

	*fd = -1;
	if (_join_dir(ctx, err, errlen) < 0)
		goto out;
	pihpc_path(ctx, PIHPC_JOIN_LOCK, &path);
	*fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot open '%s'"), path.buf);
		goto out;
	}
	while ((rc = flock(*fd, LOCK_EX)) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot lock '%s'"), path.buf);
		(void)close(*fd);
		*fd = -1;
	}
out:
	strbuf_release(&path);
	return rc;
}
