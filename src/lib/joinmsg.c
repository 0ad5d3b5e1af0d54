/*
 * joinmsg.c - the join protocol's messages and handshake.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "conf.h"
#include "error.h"
#include "i18n.h"
#include "joinmsg.h"

/* pihpc_err() that visibly yields -1, for the static analyzer's sake. */
#define FAIL(...) ((void)pihpc_err(err, errlen, __VA_ARGS__), -1)
#define FAIL_ERRNO(...) ((void)pihpc_err_errno(err, errlen, __VA_ARGS__), -1)

#define AEAD_ABYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define LABEL_C2S "pihpc join v1 node to controller"
#define LABEL_S2C "pihpc join v1 controller to node"

/* A cursor over a body being parsed. */
struct rd {
	const unsigned char *p;
	size_t n;
};

/* A cursor over a body being written. */
struct wr {
	unsigned char *p;
	size_t n, cap;
	int overflow;
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static int
_get(struct rd *r, void *dst, size_t n)
{
	if (r->n < n)
		return -1;
	memcpy(dst, r->p, n);
	r->p += n;
	r->n -= n;
	return 0;
}

/*
 * A length-prefixed string of at most [max] bytes into [dst]; all bytes
 * must be printable ASCII (space allowed if [spaces]).
 */
static int
_get_str(struct rd *r, char *dst, size_t max, int spaces)
{
	unsigned char n;
	size_t i;

	if (_get(r, &n, 1) < 0 || n > max || r->n < n)
		return -1;
	for (i = 0; i < n; i++)
		if (r->p[i] < (spaces ? 0x20 : 0x21) || r->p[i] > 0x7e)
			return -1;
	memcpy(dst, r->p, n);
	dst[n] = '\0';
	r->p += n;
	r->n -= n;
	return 0;
}

static void
_put(struct wr *w, const void *src, size_t n)
{
	if (w->overflow || w->cap - w->n < n) {
		w->overflow = 1;
		return;
	}
	memcpy(w->p + w->n, src, n);
	w->n += n;
}

static void
_put_str(struct wr *w, const char *s)
{
	size_t n = strlen(s);
	unsigned char b = (unsigned char)n;

	if (n > 255) {
		w->overflow = 1;
		return;
	}
	_put(w, &b, 1);
	_put(w, s, n);
}

/* 0 if [s] is a short host name: one RFC 1123 label. */
static int
_check_name(const char *s)
{
	return *s && !strchr(s, '.') && pihpc_check_hostname(s) == 0 ? 0 : -1;
}

/* Fill the header of the frame [out] whose body is [bodylen] bytes. */
static size_t
_frame(unsigned char *out, enum pihpc_join_type type, size_t bodylen)
{
	out[0] = PIHPC_JOIN_VERSION;
	out[1] = (unsigned char)type;
	out[2] = (unsigned char)(bodylen >> 8);
	out[3] = (unsigned char)(bodylen & 0xff);
	return PIHPC_JOIN_HDR + bodylen;
}

/* The transcript hash so far into hs->th, leaving hs->h as it was. */
static void
_transcript(struct pihpc_join_hs *hs)
{
	crypto_generichash_state copy = hs->h;

	(void)crypto_generichash_final(&copy, hs->th, sizeof(hs->th));
	sodium_memzero(&copy, sizeof(copy));
}

static void
_mix(unsigned char out[32], const unsigned char *psk, const char *label,
     const unsigned char base[32], const unsigned char th[32])
{
	crypto_generichash_state s;

	(void)crypto_generichash_init(&s, psk, PIHPC_JOIN_PSK_LEN, 32);
	(void)crypto_generichash_update(&s, (const unsigned char *)label,
					strlen(label));
	(void)crypto_generichash_update(&s, base, 32);
	(void)crypto_generichash_update(&s, th, 32);
	(void)crypto_generichash_final(&s, out, 32);
	sodium_memzero(&s, sizeof(s));
}

/* Both directions' keys from the ephemeral pairs, the psk and the
 * transcript. */
static int
_derive(struct pihpc_join_hs *hs, int client, char *err, size_t errlen)
{
	unsigned char rx[crypto_kx_SESSIONKEYBYTES], tx[crypto_kx_SESSIONKEYBYTES];
	int rc;

	_transcript(hs);
	if (client)
		rc = crypto_kx_client_session_keys(rx, tx, hs->eph_pk, hs->eph_sk,
						   hs->peer_eph);
	else
		rc = crypto_kx_server_session_keys(rx, tx, hs->eph_pk, hs->eph_sk,
						   hs->peer_eph);
	if (rc == 0) {
		_mix(hs->k_c2s, hs->psk, LABEL_C2S, client ? tx : rx, hs->th);
		_mix(hs->k_s2c, hs->psk, LABEL_S2C, client ? rx : tx, hs->th);
	}
	sodium_memzero(rx, sizeof(rx));
	sodium_memzero(tx, sizeof(tx));
	return rc == 0 ? 0 : pihpc_err(err, errlen, _("invalid ephemeral key from the peer"));
}

static int
_client_hello(struct pihpc_join_hs *hs, struct pihpc_join_msg *m,
	      unsigned char *out, size_t *outlen, char *err, size_t errlen)
{
	if (sodium_init() < 0)
		return FAIL(_("cannot initialise libsodium"));
	if (_check_name(m->name) < 0)
		return FAIL(_("invalid node name '%s'"), m->name);
	(void)crypto_kx_keypair(hs->eph_pk, hs->eph_sk);
	memcpy(m->eph_pk, hs->eph_pk, sizeof(m->eph_pk));
	m->type = PIHPC_JOIN_HELLO;
	*outlen = pihpc_join_msg_encode(m, out);
	if (!*outlen)
		return FAIL(_("cannot encode the join request"));
	(void)crypto_generichash_init(&hs->h, NULL, 0, sizeof(hs->th));
	(void)crypto_generichash_update(&hs->h, out, *outlen);
	return 0;
}

/* Parse [frame] and demand [type]; a STATUS is reported as such. */
static int
_expect(const unsigned char *frame, size_t len, enum pihpc_join_type type,
	struct pihpc_join_msg *m, char *err, size_t errlen)
{
	if (pihpc_join_msg_parse(frame, len, m, err, errlen) < 0)
		return -1;
	if (m->type == PIHPC_JOIN_STATUS && type != PIHPC_JOIN_STATUS)
		return FAIL(_("the controller says: %s%s%s"),
			    pihpc_join_status_str(m->status),
			    m->text[0] ? ": " : "", m->text);
	if (m->type != type)
		return FAIL(_("unexpected message type %d"),
			    (int)m->type);
	if ((type == PIHPC_JOIN_FINISH || type == PIHPC_JOIN_WELCOME) && !m->box)
		return FAIL(_("empty message of type %d"), (int)type);
	return 0;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_join_msg_parse(const unsigned char *buf, size_t len,
		     struct pihpc_join_msg *m, char *err, size_t errlen)
{
	struct rd r;
	size_t body;
	unsigned char b = 0;
	int bad = 0;

	memset(m, 0, sizeof(*m));
	if (len < PIHPC_JOIN_HDR)
		return FAIL(_("truncated message header"));
	if (buf[0] != PIHPC_JOIN_VERSION)
		return FAIL(_("unsupported protocol version %u (this is %d)"),
			    buf[0], PIHPC_JOIN_VERSION);
	body = (size_t)buf[2] << 8 | buf[3];
	if (body > PIHPC_JOIN_BODY_MAX)
		return FAIL(_("message too large (%zu bytes, at most %d)"),
			    body, PIHPC_JOIN_BODY_MAX);
	if (len - PIHPC_JOIN_HDR != body)
		return FAIL(_("message length %zu does not match its header (%zu)"),
			    len - PIHPC_JOIN_HDR, body);
	r.p = buf + PIHPC_JOIN_HDR;
	r.n = body;
	m->type = (enum pihpc_join_type)buf[1];
	switch (m->type) {
	case PIHPC_JOIN_HELLO:
		bad = _get(&r, &b, 1) < 0 ||
		      (b != PIHPC_JOIN_MODE_TOKEN && b != PIHPC_JOIN_MODE_REQUEST);
		m->mode = (enum pihpc_join_mode)b;
		bad = bad || _get_str(&r, m->name, PIHPC_JOIN_NAME_MAX, 0) < 0 ||
		      _check_name(m->name) < 0 ||
		      _get_str(&r, m->token_id, PIHPC_JOIN_ID_LEN, 0) < 0 ||
		      (m->mode == PIHPC_JOIN_MODE_TOKEN) !=
		      (strlen(m->token_id) == PIHPC_JOIN_ID_LEN) ||
		      strspn(m->token_id, "0123456789abcdef") != strlen(m->token_id) ||
		      _get(&r, m->eph_pk, PIHPC_JOIN_PK) < 0 ||
		      _get(&r, m->node_pk, PIHPC_JOIN_PK) < 0;
		break;
	case PIHPC_JOIN_CHALLENGE:
		bad = _get(&r, m->eph_pk, PIHPC_JOIN_PK) < 0;
		break;
	case PIHPC_JOIN_FINISH:
	case PIHPC_JOIN_WELCOME:
		m->box = r.p;
		m->box_len = r.n;
		bad = r.n < (m->type == PIHPC_JOIN_FINISH ? AEAD_ABYTES
			     : crypto_box_SEALBYTES);
		r.n = 0;
		break;
	case PIHPC_JOIN_STATUS:
		bad = _get(&r, &b, 1) < 0 || b < 1 || b > PIHPC_JOIN_ST_MAX;
		m->status = (enum pihpc_join_status)b;
		bad = bad || _get_str(&r, m->text, PIHPC_JOIN_TEXT_MAX, 1) < 0;
		break;
	default:
		return FAIL(_("unknown message type %u"), buf[1]);
	}
	if (bad)
		return FAIL(_("malformed message of type %d"),
			    (int)m->type);
	if (r.n)
		return FAIL(_("%zu extra bytes after a message of type %d"),
			    r.n, (int)m->type);
	return 0;
}

size_t
pihpc_join_msg_encode(const struct pihpc_join_msg *m, unsigned char *out)
{
	struct wr w = { out + PIHPC_JOIN_HDR, 0, PIHPC_JOIN_BODY_MAX, 0 };
	unsigned char b;

	switch (m->type) {
	case PIHPC_JOIN_HELLO:
		b = (unsigned char)m->mode;
		_put(&w, &b, 1);
		_put_str(&w, m->name);
		_put_str(&w, m->token_id);
		_put(&w, m->eph_pk, PIHPC_JOIN_PK);
		_put(&w, m->node_pk, PIHPC_JOIN_PK);
		break;
	case PIHPC_JOIN_CHALLENGE:
		_put(&w, m->eph_pk, PIHPC_JOIN_PK);
		break;
	case PIHPC_JOIN_FINISH:
	case PIHPC_JOIN_WELCOME:
		_put(&w, m->box, m->box_len);
		break;
	case PIHPC_JOIN_STATUS:
		b = (unsigned char)m->status;
		_put(&w, &b, 1);
		_put_str(&w, m->text);
		break;
	default:
		return 0;
	}
	if (w.overflow)
		return 0;
	return _frame(out, m->type, w.n);
}

int
pihpc_join_payload_parse(const unsigned char *buf, size_t len,
			 struct pihpc_join_payload *p, char *err,
			 size_t errlen)
{
	struct rd r = { buf, len };
	unsigned char n[2];

	memset(p, 0, sizeof(*p));
	if (_get_str(&r, p->cluster, PIHPC_JOIN_NAME_MAX, 0) < 0 || !p->cluster[0] ||
	    _get_str(&r, p->controller, PIHPC_JOIN_NAME_MAX, 0) < 0 ||
	    pihpc_check_hostname(p->controller) < 0 ||
	    _get(&r, p->echo, sizeof(p->echo)) < 0 || _get(&r, n, 2) < 0)
		return FAIL(_("malformed welcome payload"));
	p->key_len = (size_t)n[0] << 8 | n[1];
	if (p->key_len < 32 || p->key_len > PIHPC_JOIN_KEY_MAX || r.n != p->key_len)
		return FAIL(_("invalid munge key length in welcome payload"));
	memcpy(p->key, r.p, p->key_len);
	return 0;
}

size_t
pihpc_join_payload_encode(const struct pihpc_join_payload *p,
			  unsigned char *out, size_t outlen)
{
	struct wr w = { out, 0, outlen, 0 };
	unsigned char n[2];

	n[0] = (unsigned char)(p->key_len >> 8);
	n[1] = (unsigned char)(p->key_len & 0xff);
	_put_str(&w, p->cluster);
	_put_str(&w, p->controller);
	_put(&w, p->echo, sizeof(p->echo));
	_put(&w, n, 2);
	if (p->key_len > PIHPC_JOIN_KEY_MAX)
		return 0;
	_put(&w, p->key, p->key_len);
	return w.overflow ? 0 : w.n;
}

const char *
pihpc_join_status_str(enum pihpc_join_status st)
{
	switch (st) {
	case PIHPC_JOIN_ST_BAD_TOKEN: return _("token refused (unknown or wrong)");
	case PIHPC_JOIN_ST_EXPIRED: return _("token expired");
	case PIHPC_JOIN_ST_USED_UP: return _("token used up");
	case PIHPC_JOIN_ST_PENDING: return _("waiting for approval");
	case PIHPC_JOIN_ST_REJECTED: return _("request rejected");
	case PIHPC_JOIN_ST_BUSY: return _("too many requests, retry later");
	case PIHPC_JOIN_ST_ERROR: return _("controller error");
	}
	return _("unknown status");
}

void
pihpc_join_hs_release(struct pihpc_join_hs *hs)
{
	sodium_memzero(hs, sizeof(*hs));
}

int
pihpc_join_client_hello_token(struct pihpc_join_hs *hs, const char *name,
			      const char *token, unsigned char *out,
			      size_t *outlen, char *err, size_t errlen)
{
	struct pihpc_join_msg m;

	memset(hs, 0, sizeof(*hs));
	memset(&m, 0, sizeof(m));
	hs->mode = m.mode = PIHPC_JOIN_MODE_TOKEN;
	if (pihpc_join_token_syntax(token, err, errlen) < 0)
		return -1;
	if (strlen(name) > PIHPC_JOIN_NAME_MAX)
		return FAIL(_("invalid node name '%s'"), name);
	memcpy(m.name, name, strlen(name) + 1);
	if (sodium_init() < 0 || pihpc_join_token_id(token, m.token_id) < 0 ||
	    pihpc_join_token_psk(token, hs->psk) < 0)
		return FAIL(_("cannot hash the join token"));
	return _client_hello(hs, &m, out, outlen, err, errlen);
}

int
pihpc_join_client_hello_request(struct pihpc_join_hs *hs, const char *name,
				const unsigned char *pk,
				const unsigned char *sk, unsigned char *out,
				size_t *outlen, char *err, size_t errlen)
{
	struct pihpc_join_msg m;

	memset(hs, 0, sizeof(*hs));
	memset(&m, 0, sizeof(m));
	hs->mode = m.mode = PIHPC_JOIN_MODE_REQUEST;
	if (strlen(name) > PIHPC_JOIN_NAME_MAX)
		return FAIL(_("invalid node name '%s'"), name);
	memcpy(m.name, name, strlen(name) + 1);
	memcpy(hs->node_pk, pk, sizeof(hs->node_pk));
	memcpy(hs->node_sk, sk, sizeof(hs->node_sk));
	memcpy(m.node_pk, pk, sizeof(m.node_pk));
	return _client_hello(hs, &m, out, outlen, err, errlen);
}

int
pihpc_join_client_finish(struct pihpc_join_hs *hs, const unsigned char *frame,
			 size_t len, unsigned char *out, size_t *outlen,
			 char *err, size_t errlen)
{
	unsigned char box[AEAD_ABYTES], nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = { 0 };
	unsigned char none = 0;	/* an empty message still needs a pointer */
	struct pihpc_join_msg m;

	if (_expect(frame, len, PIHPC_JOIN_CHALLENGE, &m, err, errlen) < 0)
		return -1;
	memcpy(hs->peer_eph, m.eph_pk, sizeof(hs->peer_eph));
	(void)crypto_generichash_update(&hs->h, frame, len);
	if (_derive(hs, 1, err, errlen) < 0)
		return -1;
	(void)crypto_aead_xchacha20poly1305_ietf_encrypt(box, NULL, &none, 0,
							 hs->th, sizeof(hs->th),
							 NULL, nonce, hs->k_c2s);
	memset(&m, 0, sizeof(m));
	m.type = PIHPC_JOIN_FINISH;
	m.box = box;
	m.box_len = sizeof(box);
	*outlen = pihpc_join_msg_encode(&m, out);
	return 0;
}

int
pihpc_join_client_welcome(struct pihpc_join_hs *hs, const unsigned char *frame,
			  size_t len, struct pihpc_join_payload *p, char *err,
			  size_t errlen)
{
	unsigned char plain[PIHPC_JOIN_BODY_MAX];
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = { 0 };
	unsigned long long plen = 0;
	struct pihpc_join_msg m;
	int rc = -1;

	if (_expect(frame, len, PIHPC_JOIN_WELCOME, &m, err, errlen) < 0)
		return -1;
	if (hs->mode == PIHPC_JOIN_MODE_TOKEN) {
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL,
							       m.box, m.box_len,
							       hs->th, sizeof(hs->th),
							       nonce, hs->k_s2c) < 0) {
			(void)pihpc_err(err, errlen,
					_("the controller's answer does not authenticate (tampered, or the controller does not have this token)"));
			goto out;
		}
	} else {
		plen = m.box_len - crypto_box_SEALBYTES;
		if (crypto_box_seal_open(plain, m.box, m.box_len, hs->node_pk,
					 hs->node_sk) < 0) {
			(void)pihpc_err(err, errlen,
					_("the controller's answer cannot be opened with this node's key"));
			goto out;
		}
	}
	if (pihpc_join_payload_parse(plain, (size_t)plen, p, err, errlen) < 0)
		goto out;
	if (sodium_memcmp(p->echo, hs->eph_pk, sizeof(p->echo))) {
		(void)pihpc_err(err, errlen,
				_("the controller's answer belongs to another connection (replayed)"));
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(plain, sizeof(plain));
	if (rc < 0)
		sodium_memzero(p, sizeof(*p));
	return rc;
}

int
pihpc_join_server_hello(struct pihpc_join_hs *hs, const unsigned char *frame,
			size_t len, char *err, size_t errlen)
{
	memset(hs, 0, sizeof(*hs));
	if (sodium_init() < 0)
		return FAIL(_("cannot initialise libsodium"));
	if (_expect(frame, len, PIHPC_JOIN_HELLO, &hs->hello, err, errlen) < 0)
		return -1;
	hs->mode = hs->hello.mode;
	memcpy(hs->peer_eph, hs->hello.eph_pk, sizeof(hs->peer_eph));
	memcpy(hs->node_pk, hs->hello.node_pk, sizeof(hs->node_pk));
	(void)crypto_generichash_init(&hs->h, NULL, 0, sizeof(hs->th));
	(void)crypto_generichash_update(&hs->h, frame, len);
	return 0;
}

int
pihpc_join_server_challenge(struct pihpc_join_hs *hs, const unsigned char *psk,
			    unsigned char *out, size_t *outlen, char *err,
			    size_t errlen)
{
	struct pihpc_join_msg m;

	memcpy(hs->psk, psk, sizeof(hs->psk));
	(void)crypto_kx_keypair(hs->eph_pk, hs->eph_sk);
	memset(&m, 0, sizeof(m));
	m.type = PIHPC_JOIN_CHALLENGE;
	memcpy(m.eph_pk, hs->eph_pk, sizeof(m.eph_pk));
	*outlen = pihpc_join_msg_encode(&m, out);
	(void)crypto_generichash_update(&hs->h, out, *outlen);
	return _derive(hs, 0, err, errlen);
}

int
pihpc_join_server_finish(struct pihpc_join_hs *hs, const unsigned char *frame,
			 size_t len, char *err, size_t errlen)
{
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = { 0 };
	unsigned char none[1];	/* the empty plaintext still needs a pointer */
	struct pihpc_join_msg m;

	if (_expect(frame, len, PIHPC_JOIN_FINISH, &m, err, errlen) < 0)
		return -1;
	if (m.box_len != AEAD_ABYTES ||
	    crypto_aead_xchacha20poly1305_ietf_decrypt(none, NULL, NULL, m.box,
						       m.box_len, hs->th,
						       sizeof(hs->th), nonce,
						       hs->k_c2s) < 0)
		return FAIL(_("the node does not prove the token (wrong token)"));
	return 0;
}

int
pihpc_join_server_welcome(struct pihpc_join_hs *hs,
			  struct pihpc_join_payload *p, unsigned char *out,
			  size_t *outlen, char *err, size_t errlen)
{
	unsigned char plain[PIHPC_JOIN_BODY_MAX], box[PIHPC_JOIN_BODY_MAX];
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = { 0 };
	unsigned long long blen = 0;
	struct pihpc_join_msg m;
	size_t plen;
	int rc = -1;

	memcpy(p->echo, hs->peer_eph, sizeof(p->echo));
	plen = pihpc_join_payload_encode(p, plain,
					 sizeof(plain) - crypto_box_SEALBYTES);
	if (!plen) {
		(void)pihpc_err(err, errlen, _("the welcome payload is too large"));
		goto out;
	}
	if (hs->mode == PIHPC_JOIN_MODE_TOKEN) {
		(void)crypto_aead_xchacha20poly1305_ietf_encrypt(box, &blen, plain, plen,
								 hs->th, sizeof(hs->th),
								 NULL, nonce, hs->k_s2c);
	} else {
		if (crypto_box_seal(box, plain, plen, hs->node_pk) < 0) {
			(void)pihpc_err(err, errlen, _("invalid node key"));
			goto out;
		}
		blen = plen + crypto_box_SEALBYTES;
	}
	memset(&m, 0, sizeof(m));
	m.type = PIHPC_JOIN_WELCOME;
	m.box = box;
	m.box_len = (size_t)blen;
	*outlen = pihpc_join_msg_encode(&m, out);
	rc = *outlen ? 0 : pihpc_err(err, errlen, _("the welcome message is too large"));
out:
	sodium_memzero(plain, sizeof(plain));
	sodium_memzero(box, sizeof(box));
	return rc;
}

size_t
pihpc_join_status_encode(enum pihpc_join_status st, const char *text,
			 unsigned char *out)
{
	struct pihpc_join_msg m;

	memset(&m, 0, sizeof(m));
	m.type = PIHPC_JOIN_STATUS;
	m.status = st;
	(void)snprintf(m.text, sizeof(m.text), "%s", text ? text : "");
	return pihpc_join_msg_encode(&m, out);
}

void
pihpc_join_fingerprint(const unsigned char *pk, char fp[20])
{
	unsigned char md[crypto_hash_sha256_BYTES];
	char hex[17];
	size_t i;

	(void)crypto_hash_sha256(md, pk, PIHPC_JOIN_PK);
	(void)sodium_bin2hex(hex, sizeof(hex), md, 8);
	for (i = 0; i < 4; i++) {
		memcpy(fp + 5 * i, hex + 4 * i, 4);
		fp[5 * i + 4] = i < 3 ? '-' : '\0';
	}
}
