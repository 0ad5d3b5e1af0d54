/*
 * doctor.h - the report of "pihpc doctor": one result per check, as a
 * table for people and as JSON for programs.
 */
#ifndef PIHPC_DOCTOR_H
#define PIHPC_DOCTOR_H

#include <stddef.h>

#include "strbuf.h"

/* In rising order of gravity: a skipped check is as good as a passed one. */
enum pihpc_check_status {
	PIHPC_CHECK_OK,
	PIHPC_CHECK_SKIP,
	PIHPC_CHECK_WARN,
	PIHPC_CHECK_FAIL
};

/* Exit codes of "pihpc doctor" besides 0 (all ok) and 2 (usage). */
#define PIHPC_DOCTOR_EXIT_FAIL 1
#define PIHPC_DOCTOR_EXIT_WARN 3

struct pihpc_check {
	char *name;	/* "munge", "nfs", ...: fixed, never translated */
	enum pihpc_check_status status;
	char *found;	/* what was found, one line */
	char *fix;	/* how to fix it; NULL when the check passed */
};

struct pihpc_report {
	struct pihpc_check *v;
	size_t nr;
	size_t alloc;
};

#define PIHPC_REPORT_INIT { NULL, 0, 0 }

/*
 * Append a result; [found] and [fix] (may be NULL) are copied, with
 * every control character (a newline from a program's output) made a
 * blank so that each stays on its line.
 */
/* A copy of [s] with each control character made a blank; NULL stays NULL. */
char *pihpc_one_line_dup(const char *s);

void pihpc_report_add(struct pihpc_report *r, const char *name,
		      enum pihpc_check_status status, const char *found,
		      const char *fix);

void pihpc_report_release(struct pihpc_report *r);

/* "ok", "skip", "warn" or "fail" (the JSON's words). */
const char *pihpc_check_status_word(enum pihpc_check_status s);

/* The gravest status of [r]; PIHPC_CHECK_OK for an empty report. */
enum pihpc_check_status pihpc_report_worst(const struct pihpc_report *r);

/* 0 when nothing failed or warned, 1 when a check failed, 3 when some warned. */
int pihpc_report_exit_code(const struct pihpc_report *r);

/*
 * The table: one line per check, "STATUS  NAME  FOUND", the status as
 * ok, skip, warn or FAIL (upper case: it must catch the eye), then
 * "      fix: FIX" under each check that did not pass, then a count.
 */
void pihpc_report_text(const struct pihpc_report *r, struct strbuf *out);

/*
 * One JSON object (see pihpc-doctor(8)):
 * {"node":NODE,"status":WORST,"counts":{"ok":N,"skip":N,"warn":N,
 *  "fail":N},"checks":[{"name":..,"status":..,"found":..,"fix":..|null}]}
 */
void pihpc_report_json(const struct pihpc_report *r, const char *node,
		       struct strbuf *out);

#endif /* PIHPC_DOCTOR_H */
