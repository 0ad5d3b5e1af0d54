/*
 * mungecheck.c - a MUNGE credential round trip through the local munged.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <munge.h>

#include "error.h"
#include "i18n.h"
#include "mungecheck.h"

#define PAYLOAD "pihpc munge check"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static const char *
_hint(munge_err_t e)
{
	switch (e) {
	case EMUNGE_SOCKET:
		return _("try 'systemctl status munge'");
	case EMUNGE_CRED_INVALID:
	case EMUNGE_BAD_CRED:
		return _("the munge key differs between the nodes?");
	case EMUNGE_CRED_EXPIRED:
	case EMUNGE_CRED_REWOUND:
		return _("are the clocks in sync?");
	default:
		return _("see munged's log");
	}
}

static munge_ctx_t
_ctx(const char *socket, char *err, size_t errlen)
{
	munge_ctx_t ctx = munge_ctx_create();

	if (!ctx) {
		(void)pihpc_err(err, errlen, _("cannot create a munge context"));
		return NULL;
	}
	if (socket && munge_ctx_set(ctx, MUNGE_OPT_SOCKET, socket) != EMUNGE_SUCCESS) {
		(void)pihpc_err(err, errlen, _("cannot use munge socket '%s': %s"),
				socket, munge_ctx_strerror(ctx));
		munge_ctx_destroy(ctx);
		return NULL;
	}
	return ctx;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_munge_check(const char *socket, char *err, size_t errlen)
{
	munge_ctx_t ctx = _ctx(socket, err, errlen);
	char *cred = NULL;
	void *buf = NULL;
	int len = 0, rc = -1;
	uid_t uid;
	gid_t gid;
	munge_err_t e;

	if (!ctx)
		return -1;
	e = munge_encode(&cred, ctx, PAYLOAD, (int)strlen(PAYLOAD));
	if (e != EMUNGE_SUCCESS) {
		(void)pihpc_err(err, errlen, _("cannot encode a munge credential: %s (%s)"),
				munge_ctx_strerror(ctx) ? munge_ctx_strerror(ctx)
							: munge_strerror(e),
				_hint(e));
		goto out;
	}
	e = munge_decode(cred, ctx, &buf, &len, &uid, &gid);
	if (e != EMUNGE_SUCCESS) {
		(void)pihpc_err(err, errlen, _("cannot decode a munge credential: %s (%s)"),
				munge_ctx_strerror(ctx) ? munge_ctx_strerror(ctx)
							: munge_strerror(e),
				_hint(e));
		goto out;
	}
	if (len != (int)strlen(PAYLOAD) || memcmp(buf, PAYLOAD, (size_t)len) != 0 ||
	    uid != geteuid()) {
		(void)pihpc_err(err, errlen,
				_("munge credential came back altered (uid %lu)"),
				(unsigned long)uid);
		goto out;
	}
	rc = 0;
out:
	free(cred);
	free(buf);
	munge_ctx_destroy(ctx);
	return rc;
}

int
pihpc_munge_encode(const char *socket, char **cred, char *err, size_t errlen)
{
	munge_ctx_t ctx = _ctx(socket, err, errlen);
	munge_err_t e;
	int rc = 0;

	*cred = NULL;
	if (!ctx)
		return -1;
	e = munge_encode(cred, ctx, NULL, 0);
	if (e != EMUNGE_SUCCESS) {
		rc = pihpc_err(err, errlen, _("cannot encode a munge credential: %s (%s)"),
			       munge_ctx_strerror(ctx) ? munge_ctx_strerror(ctx)
						       : munge_strerror(e),
			       _hint(e));
		free(*cred);
		*cred = NULL;
	}
	munge_ctx_destroy(ctx);
	return rc;
}

int
pihpc_munge_decode(const char *socket, const char *cred, long long *encoded,
		   char *err, size_t errlen)
{
	munge_ctx_t ctx = _ctx(socket, err, errlen);
	void *buf = NULL;
	int len = 0, rc = 0;
	time_t t = 0;
	uid_t uid;
	gid_t gid;
	munge_err_t e;

	*encoded = 0;
	if (!ctx)
		return -1;
	e = munge_decode(cred, ctx, &buf, &len, &uid, &gid);
	/* munge fills the context for expired and rewound credentials too */
	if ((e == EMUNGE_SUCCESS || e == EMUNGE_CRED_EXPIRED ||
	     e == EMUNGE_CRED_REWOUND) &&
	    munge_ctx_get(ctx, MUNGE_OPT_ENCODE_TIME, &t) == EMUNGE_SUCCESS)
		*encoded = (long long)t;
	if (e != EMUNGE_SUCCESS)
		rc = pihpc_err(err, errlen, _("cannot decode a munge credential: %s (%s)"),
			       munge_ctx_strerror(ctx) ? munge_ctx_strerror(ctx)
						       : munge_strerror(e),
			       _hint(e));
	free(buf);
	munge_ctx_destroy(ctx);
	return rc;
}
