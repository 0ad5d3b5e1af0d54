/*
 * doctorhealth.c - draining and resuming this node for pihpc doctor.
 */
#include <string.h>

#include "doctorhealth.h"
#include "doctorparse.h"
#include "error.h"
#include "i18n.h"

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_health_reason(const struct pihpc_report *r, struct strbuf *reason)
{
	size_t i, len;

	strbuf_reset(reason);
	for (i = 0; i < r->nr; i++)
		if (r->v[i].status == PIHPC_CHECK_FAIL)
			break;
	if (i == r->nr)
		return;
	strbuf_addf(reason, "%s %s: %s", PIHPC_HEALTH_PREFIX, r->v[i].name,
		    r->v[i].found);
	for (i = 0; i < reason->len; i++) {
		unsigned char c = (unsigned char)reason->buf[i];

		if (c < 0x20 || c == 0x7f || c == '[' || c == ']')
			reason->buf[i] = ' ';
	}
	len = reason->len;
	if (len > PIHPC_HEALTH_REASON_MAX) {
		len = PIHPC_HEALTH_REASON_MAX;
		/* not inside a UTF-8 sequence: back up over continuations */
		while (len && ((unsigned char)reason->buf[len] & 0xc0) == 0x80)
			len--;
	}
	strbuf_setlen(reason, len);
	strbuf_trim(reason);
}

enum pihpc_health_action
pihpc_health_decide(const char *want, int drained, const char *reason)
{
	size_t pl = strlen(PIHPC_HEALTH_PREFIX);
	int ours = drained && !strncmp(reason, PIHPC_HEALTH_PREFIX, pl);

	if (*want) {
		if (!drained || (ours && strcmp(reason, want)))
			return PIHPC_HEALTH_DRAIN;
		return PIHPC_HEALTH_NONE;
	}
	return ours ? PIHPC_HEALTH_RESUME : PIHPC_HEALTH_NONE;
}

int
pihpc_health_apply(const struct pihpc_runner *run, const char *node,
		   const struct pihpc_report *r, struct strlist *done,
		   char *err, size_t errlen)
{
	char *show[] = { "scontrol", "-o", "show", "node", (char *)node, NULL };
	struct strbuf want = STRBUF_INIT, out = STRBUF_INIT,
		      errout = STRBUF_INIT, one = STRBUF_INIT,
		      reason = STRBUF_INIT, a1 = STRBUF_INIT, a2 = STRBUF_INIT,
		      a3 = STRBUF_INIT;
	enum pihpc_health_action act;
	int drained, rc = -1;

	pihpc_health_reason(r, &want);
	if (run->run(run->data, show, NULL, 0, &out, &errout, err, errlen)) {
		pihpc_oneline(errout.buf, &one);
		if (one.len)
			(void)pihpc_err(err, errlen,
					_("cannot read the state of node '%s': %s"),
					node, one.buf);
		goto out;
	}
	if (pihpc_node_drain_state(out.buf, &drained, &reason) < 0) {
		(void)pihpc_err(err, errlen,
				_("no state of node '%s' in the output of 'scontrol show node'"),
				node);
		goto out;
	}
	act = pihpc_health_decide(want.buf, drained, reason.buf);
	if (act != PIHPC_HEALTH_NONE) {
		char *update[] = { "scontrol", "update", NULL, NULL, NULL, NULL };

		strbuf_addf(&a1, "nodename=%s", node);
		update[2] = a1.buf;
		if (act == PIHPC_HEALTH_DRAIN) {
			strbuf_addstr(&a2, "state=drain");
			strbuf_addf(&a3, "reason=%s", want.buf);
			update[4] = a3.buf;
		} else {
			strbuf_addstr(&a2, "state=resume");
		}
		update[3] = a2.buf;
		strbuf_reset(&errout);
		if (run->run(run->data, update, NULL, 0, NULL, &errout, err,
			     errlen)) {
			pihpc_oneline(errout.buf, &one);
			if (one.len)
				(void)pihpc_err(err, errlen,
						act == PIHPC_HEALTH_DRAIN ?
						_("cannot drain node '%s': %s") :
						_("cannot resume node '%s': %s"),
						node, one.buf);
			goto out;
		}
		if (act == PIHPC_HEALTH_DRAIN)
			strlist_pushf(done, _("drained node '%s': %s"), node,
				      want.buf);
		else
			strlist_pushf(done, _("resumed node '%s' (was: %s)"),
				      node, reason.buf);
	}
	rc = 0;
out:
	strbuf_release(&want);
	strbuf_release(&out);
	strbuf_release(&errout);
	strbuf_release(&one);
	strbuf_release(&reason);
	strbuf_release(&a1);
	strbuf_release(&a2);
	strbuf_release(&a3);
	return rc;
}
