/*
 * mungecheck.c - a MUNGE credential round trip through the local munged.
 */
#include <stdlib.h>
#include <string.h>
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

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_munge_check(const char *socket, char *err, size_t errlen)
{
	munge_ctx_t ctx = munge_ctx_create();
	char *cred = NULL;
	void *buf = NULL;
	int len = 0, rc = -1;
	uid_t uid;
	gid_t gid;
	munge_err_t e;

	if (!ctx)
		return pihpc_err(err, errlen, _("cannot create a munge context"));
	if (socket) {
		e = munge_ctx_set(ctx, MUNGE_OPT_SOCKET, socket);
		if (e != EMUNGE_SUCCESS) {
			(void)pihpc_err(err, errlen, _("cannot use munge socket '%s': %s"),
					socket, munge_ctx_strerror(ctx));
			goto out;
		}
	}
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
