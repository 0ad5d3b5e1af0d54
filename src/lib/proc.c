/*
 * proc.c - finding running processes by name under ROOT/proc.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "file.h"
#include "proc.h"

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_proc_find(const struct pihpc_ctx *ctx, const char *const *names,
		struct strbuf *found, long *pid, char *err, size_t errlen)
{
	struct strbuf dir = STRBUF_INIT, comm = STRBUF_INIT, text = STRBUF_INIT;
	const struct dirent *de;
	DIR *d;
	int rc = 0;

	pihpc_path(ctx, "/proc", &dir);
	d = opendir(dir.buf);
	if (!d) {
		if (errno != ENOENT)
			rc = pihpc_err_errno(err, errlen, "cannot open '%s'",
					     dir.buf);
		goto out;
	}
	while ((de = readdir(d)) != NULL && rc == 0) {
		char ignore[256];
		size_t i;

		if (strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		strbuf_reset(&comm);
		strbuf_addf(&comm, "%s/%s/comm", dir.buf, de->d_name);
		strbuf_reset(&text);
		/* a process may exit while we look: skip what we cannot read */
		if (pihpc_read_file(comm.buf, &text, ignore, sizeof(ignore)) < 0)
			continue;
		strbuf_trim(&text);
		for (i = 0; names[i]; i++) {
			if (strcmp(text.buf, names[i]))
				continue;
			strbuf_reset(found);
			strbuf_addstr(found, names[i]);
			*pid = strtol(de->d_name, NULL, 10);
			rc = 1;
			break;
		}
	}
	(void)closedir(d);
out:
	strbuf_release(&dir);
	strbuf_release(&comm);
	strbuf_release(&text);
	return rc;
}
