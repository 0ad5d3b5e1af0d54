/*
 * doctor.c - the report of "pihpc doctor" and its two forms.
 */
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "i18n.h"
#include "json.h"

static const char *const words[] = { "ok", "skip", "warn", "fail" };
/* FAIL stands out in a column of lower-case words */
static const char *const labels[] = { "ok", "skip", "warn", "FAIL" };

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/


static void
_counts(const struct pihpc_report *r, unsigned long n[4])
{
	size_t i;

	n[0] = n[1] = n[2] = n[3] = 0;
	for (i = 0; i < r->nr; i++)
		n[r->v[i].status]++;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

char *
pihpc_one_line_dup(const char *s)
{
	char *c, *p;

	if (!s)
		return NULL;
	c = xstrdup(s);
	for (p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

void
pihpc_report_add(struct pihpc_report *r, const char *name,
		 enum pihpc_check_status status, const char *found,
		 const char *fix)
{
	struct pihpc_check *c;

	if (r->nr == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 16;
		r->v = xrealloc(r->v, r->alloc * sizeof(*r->v));
	}
	c = &r->v[r->nr++];
	c->name = xstrdup(name);
	c->status = status;
	c->found = pihpc_one_line_dup(found ? found : "");
	/* a check that passed has nothing to fix */
	c->fix = status == PIHPC_CHECK_OK ? NULL : pihpc_one_line_dup(fix);
}

void
pihpc_report_release(struct pihpc_report *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		free(r->v[i].name);
		free(r->v[i].found);
		free(r->v[i].fix);
	}
	free(r->v);
	r->v = NULL;
	r->nr = r->alloc = 0;
}

const char *
pihpc_check_status_word(enum pihpc_check_status s)
{
	return words[s];
}

enum pihpc_check_status
pihpc_report_worst(const struct pihpc_report *r)
{
	enum pihpc_check_status w = PIHPC_CHECK_OK;
	size_t i;

	for (i = 0; i < r->nr; i++)
		if (r->v[i].status > w)
			w = r->v[i].status;
	return w;
}

int
pihpc_report_exit_code(const struct pihpc_report *r)
{
	switch (pihpc_report_worst(r)) {
	case PIHPC_CHECK_FAIL:
		return PIHPC_DOCTOR_EXIT_FAIL;
	case PIHPC_CHECK_WARN:
		return PIHPC_DOCTOR_EXIT_WARN;
	default:
		return 0;
	}
}

void
pihpc_report_text(const struct pihpc_report *r, struct strbuf *out)
{
	unsigned long n[4];
	size_t i, width = 5;

	for (i = 0; i < r->nr; i++)
		if (strlen(r->v[i].name) > width)
			width = strlen(r->v[i].name);
	for (i = 0; i < r->nr; i++) {
		const struct pihpc_check *c = &r->v[i];

		strbuf_addf(out, "%-4s  %-*s  %s\n", labels[c->status],
			    (int)width, c->name, c->found);
		if (c->fix && c->status != PIHPC_CHECK_OK)
			/* TRANSLATORS: under a check that did not pass */
			strbuf_addf(out, _("      fix: %s\n"), c->fix);
	}
	_counts(r, n);
	/* TRANSLATORS: the last line of the table: passed, warnings, failures, skipped */
	strbuf_addf(out, _("%lu ok, %lu warn, %lu FAIL, %lu skip\n"), n[0],
		    n[2], n[3], n[1]);
}

void
pihpc_report_json(const struct pihpc_report *r, const char *node,
		  struct strbuf *out)
{
	unsigned long n[4];
	size_t i;

	_counts(r, n);
	strbuf_addstr(out, "{\"node\":");
	pihpc_json_str_or_null(out, node);
	strbuf_addf(out, ",\"status\":\"%s\",\"counts\":{\"ok\":%lu,\"skip\":%lu,\"warn\":%lu,\"fail\":%lu},\"checks\":[",
		    words[pihpc_report_worst(r)], n[0], n[1], n[2], n[3]);
	for (i = 0; i < r->nr; i++) {
		const struct pihpc_check *c = &r->v[i];

		strbuf_addstr(out, i ? ",{\"name\":" : "{\"name\":");
		pihpc_json_str(out, c->name);
		strbuf_addf(out, ",\"status\":\"%s\",\"found\":",
			    words[c->status]);
		pihpc_json_str(out, c->found);
		strbuf_addstr(out, ",\"fix\":");
		pihpc_json_str_or_null(out, c->status == PIHPC_CHECK_OK ?
					    NULL : c->fix);
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, "]}\n");
}
