/*
 * apthook.h - what APT tells a DPkg::Pre-Install-Pkgs hook (apt.conf(5)):
 * "VERSION 2" or "VERSION 3", its configuration as "key=value" lines up
 * to an empty line, then one line per package action:
 *
 *   version 2: NAME OLD DIR NEW ACTION
 *   version 3: NAME OLD OLDARCH OLDMA DIR NEW NEWARCH NEWMA ACTION
 *
 * OLD and NEW are versions or "-" (none), DIR is "<", ">" or "=", ACTION
 * is "**CONFIGURE**", "**REMOVE**" or the .deb file to unpack.  The input
 * is read as hostile: every line is checked, anything else is an error.
 */
#ifndef PIHPC_APTHOOK_H
#define PIHPC_APTHOOK_H

#include <stddef.h>

#include "strbuf.h"

/* Bytes of hook input accepted at most, and per line. */
#define PIHPC_APTHOOK_MAX (32UL * 1024 * 1024)
#define PIHPC_APTHOOK_LINE_MAX 65536
/* Package names and versions longer than this are refused. */
#define PIHPC_APTHOOK_FIELD_MAX 256

enum pihpc_apt_op {
	PIHPC_APT_UNPACK,	/* ACTION is a .deb file */
	PIHPC_APT_CONFIGURE,
	PIHPC_APT_REMOVE,
};

struct pihpc_apt_action {
	char *pkg;
	char *oldver;		/* NULL for "-": not installed */
	char *newver;		/* NULL for "-" */
	enum pihpc_apt_op op;
	int line;		/* its line in the input */
};

struct pihpc_apthook {
	unsigned version;	/* 2 or 3 */
	struct strlist config;	/* "key=value", %-escapes left as sent */
	struct pihpc_apt_action *v;
	size_t nr, alloc;
};

#define PIHPC_APTHOOK_INIT { 0, STRLIST_INIT, NULL, 0, 0 }

void pihpc_apthook_release(struct pihpc_apthook *h);

/*
 * Parse [len] bytes of hook input [text] into [h] (PIHPC_APTHOOK_INIT).
 * -1 with "line N: reason" in [err] at the first bad line: a NUL byte,
 * a line longer than PIHPC_APTHOOK_LINE_MAX, another protocol version, a
 * configuration line without "=", a package line with the wrong number
 * of fields or a field that is not what it should be, input that stops
 * before the end of the configuration or in the middle of a line.
 */
int pihpc_apthook_parse(const char *text, size_t len, struct pihpc_apthook *h,
			char *err, size_t errlen);

/*
 * The value of the last configuration line whose key is [key]
 * (compared as apt does, ignoring case), or NULL.
 */
const char *pihpc_apthook_config(const struct pihpc_apthook *h,
				 const char *key);

#endif /* PIHPC_APTHOOK_H */
