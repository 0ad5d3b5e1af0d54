/*
 * proc.c - finding running processes by name under ROOT/proc.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "file.h"
#include "i18n.h"
#include "proc.h"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/*
 * True when process [piddir] (ROOT/proc/PID) runs in another root file
 * system than ours, whose (dev, ino) is [self]: in a chroot (an image
 * build, piuparts) /proc shows the host's and the containers' processes
 * too, and their daemons are not this system's.  A process whose root
 * cannot be seen is counted as ours: refusing is the safe side.
 */
static int
_other_root(const char *piddir, const struct stat *self, struct strbuf *tmp)
{
	struct stat st;

	strbuf_reset(tmp);
	strbuf_addf(tmp, "%s/root", piddir);
	if (stat(tmp->buf, &st) < 0)
		return 0;
	return st.st_dev != self->st_dev || st.st_ino != self->st_ino;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_proc_find(const struct pihpc_ctx *ctx, const char *const *names,
		struct strbuf *found, long *pid, char *err, size_t errlen)
{
	struct strbuf dir = STRBUF_INIT, comm = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf piddir = STRBUF_INIT;
	const struct dirent *de;
	struct stat self;
	DIR *d;
	int rc = 0;

	pihpc_path(ctx, "/", &dir);
	if (stat(dir.buf, &self) < 0) {
		rc = pihpc_err_errno(err, errlen, _("cannot stat '%s'"), dir.buf);
		goto out;
	}
	strbuf_reset(&dir);
	pihpc_path(ctx, "/proc", &dir);
	d = opendir(dir.buf);
	if (!d) {
		if (errno != ENOENT)
			rc = pihpc_err_errno(err, errlen, _("cannot open '%s'"),
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
		strbuf_reset(&piddir);
		strbuf_addf(&piddir, "%s/%s", dir.buf, de->d_name);
		if (_other_root(piddir.buf, &self, &comm))
			continue;
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
	strbuf_release(&piddir);
	return rc;
}
