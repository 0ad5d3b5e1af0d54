/*
 * trace.c - the PIHPC_TRACE line of a pihpc run (see trace.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "i18n.h"
#include "trace.h"

void
pihpc_trace_line(struct strbuf *sb, const struct timespec *start,
		 const struct timespec *end, int rc, int argc,
		 char *const *argv)
{
	long long ns = (long long)(end->tv_sec - start->tv_sec) * 1000000000LL
		       + (end->tv_nsec - start->tv_nsec);
	int i;

	strbuf_addf(sb, "%lld.%09ld %lld.%03lld %d", (long long)start->tv_sec,
		    start->tv_nsec, ns / 1000000, ns / 1000 % 1000, rc);
	for (i = 0; i < argc; i++) {
		const unsigned char *p = (const unsigned char *)argv[i];

		strbuf_addch(sb, ' ');
		for (; *p; p++)
			strbuf_addch(sb, *p > ' ' && *p < 0x7f ? *p : '?');
	}
	strbuf_addch(sb, '\n');
}

int
pihpc_trace_append(const char *path, const struct strbuf *line, char *err,
		   size_t errlen)
{
	struct stat st;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO put there must not hang an installation. */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY |
		  O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == ELOOP)
			return pihpc_err(err, errlen, _("refusing '%s': %s"),
					 path, _("a symbolic link"));
		return pihpc_err_errno(err, errlen, _("cannot open '%s'"),
				       path);
	}
	if (fstat(fd, &st) < 0) {
		(void)close(fd);
		return pihpc_err_errno(err, errlen, _("cannot stat '%s'"), path);
	}
	if (!S_ISREG(st.st_mode)) {
		(void)close(fd);
		return pihpc_err(err, errlen, _("refusing '%s': %s"), path,
				 _("not a regular file"));
	}
	n = write(fd, line->buf, line->len);
	if (n < 0 || (size_t)n != line->len) {
		if (n >= 0)
			errno = EIO;
		pihpc_err_errno(err, errlen, _("cannot write '%s'"), path);
		(void)close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return pihpc_err_errno(err, errlen, _("cannot write '%s'"),
				       path);
	return 0;
}
