/*
 * run.c - running helper programs without a shell.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "i18n.h"
#include "run.h"

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_run(char *const argv[], char *err, size_t errlen)
{
	int pfd[2], status, child_errno = 0;
	ssize_t n;
	pid_t pid;

	/* a close-on-exec pipe tells us whether exec itself failed */
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return pihpc_err_errno(err, errlen, _("cannot run '%s'"), argv[0]);
	pid = fork();
	if (pid < 0) {
		(void)close(pfd[0]);
		(void)close(pfd[1]);
		return pihpc_err_errno(err, errlen, _("cannot run '%s'"), argv[0]);
	}
	if (pid == 0) {
		int e;

		(void)close(pfd[0]);
		execvp(argv[0], argv);
		e = errno;
		(void)!write(pfd[1], &e, sizeof(e));
		_exit(127);
	}
	(void)close(pfd[1]);
	do
		n = read(pfd[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	(void)close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return pihpc_err_errno(err, errlen,
					       _("cannot wait for '%s'"), argv[0]);
	}
	if (n == (ssize_t)sizeof(child_errno))
		return pihpc_err(err, errlen, _("cannot run '%s': %s"), argv[0],
				 strerror(child_errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return pihpc_err(err, errlen,
				 _("'%s' failed with exit status %d"), argv[0],
				 WEXITSTATUS(status));
	return pihpc_err(err, errlen, _("'%s' was killed by signal %d"), argv[0],
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/*****************************************************************************
 *  Private Functions: pihpc_run_capture()
 *****************************************************************************/

static void
_close_fd(int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
	*fd = -1;
}

/* In the child: [fd] becomes [target] (-1 leaves [target] as it is). */
static void
_child_dup(int fd, int target)
{
	if (fd >= 0 && dup2(fd, target) < 0)
		_exit(127);
}

/* Feed [in] to [fds[0]] while reading [fds[1]] into [out], [fds[2]] into
 * [errout], until both readers reach end of file. */
static void
_pump(int *fds, const char *in, size_t inlen, struct strbuf *out,
      struct strbuf *errout)
{
	size_t off = 0;
	char buf[8192];

	if (fds[0] >= 0 && inlen == 0)
		_close_fd(&fds[0]);
	while (fds[0] >= 0 || fds[1] >= 0 || fds[2] >= 0) {
		struct pollfd p[3];
		int i;

		for (i = 0; i < 3; i++) {
			p[i].fd = fds[i];
			p[i].events = i == 0 ? POLLOUT : POLLIN;
			p[i].revents = 0;
		}
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0] >= 0 && p[0].revents) {
			ssize_t n = write(fds[0], in + off, inlen - off);

			if (n > 0)
				off += (size_t)n;
			if ((n < 0 && errno != EINTR && errno != EAGAIN) ||
			    off == inlen)
				_close_fd(&fds[0]);
		}
		for (i = 1; i < 3; i++) {
			ssize_t n;

			if (fds[i] < 0 || !p[i].revents)
				continue;
			n = read(fds[i], buf, sizeof(buf));
			if (n > 0)
				strbuf_add(i == 1 ? out : errout, buf, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				_close_fd(&fds[i]);
		}
	}
}

/* Append ": FIRST LINE OF [errout]" to [err] if there is one. */
static void
_add_first_line(char *err, size_t errlen, const struct strbuf *errout)
{
	const char *p = errout ? errout->buf : "";
	size_t used = strlen(err), n;

	p += strspn(p, " \t\n");
	n = strcspn(p, "\n");
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (n && used + 2 < errlen)
		(void)pihpc_err(err + used, errlen - used, ": %.*s", (int)n, p);
}

/*****************************************************************************
 *  Public Functions: pihpc_run_capture()
 *****************************************************************************/

int
pihpc_run_capture_ran(char *const argv[], const char *in, size_t inlen,
		      struct strbuf *out, struct strbuf *errout,
		      char *err, size_t errlen)
{
	/* parent ends: stdin writer, stdout reader, stderr reader */
	int fds[3] = { -1, -1, -1 }, child[3] = { -1, -1, -1 };
	int xpipe[2] = { -1, -1 }, status, child_errno = 0, i, rc = -1;
	struct sigaction ign, old;
	struct strbuf sink_out = STRBUF_INIT, sink_err = STRBUF_INIT;
	ssize_t n;
	pid_t pid;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	(void)sigemptyset(&ign.sa_mask);
	for (i = 0; i < 3; i++) {
		int p[2];

		if ((i == 1 && !out) || (i == 2 && !errout))
			continue;
		if (i == 0 && !in) {
			child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (child[0] < 0)
				goto sys_fail;
			continue;
		}
		if (pipe2(p, O_CLOEXEC) < 0)
			goto sys_fail;
		fds[i] = i == 0 ? p[1] : p[0];
		child[i] = i == 0 ? p[0] : p[1];
		if (fcntl(fds[i], F_SETFL, O_NONBLOCK) < 0)
			goto sys_fail;
	}
	if (pipe2(xpipe, O_CLOEXEC) < 0)
		goto sys_fail;
	(void)sigaction(SIGPIPE, &ign, &old);
	pid = fork();
	if (pid < 0) {
		(void)sigaction(SIGPIPE, &old, NULL);
		goto sys_fail;
	}
	if (pid == 0) {
		int e;

		(void)sigaction(SIGPIPE, &old, NULL);
		for (i = 0; i < 3; i++)
			_child_dup(child[i], i);
		execvp(argv[0], argv);
		e = errno;
		(void)!write(xpipe[1], &e, sizeof(e));
		_exit(127);
	}
	for (i = 0; i < 3; i++)
		_close_fd(&child[i]);
	_close_fd(&xpipe[1]);
	_pump(fds, in, inlen, out ? out : &sink_out,
	      errout ? errout : &sink_err);
	(void)sigaction(SIGPIPE, &old, NULL);
	do
		n = read(xpipe[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	_close_fd(&xpipe[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			(void)pihpc_err_errno(err, errlen,
					      _("cannot wait for '%s'"), argv[0]);
			goto out;
		}
	}
	if (n == (ssize_t)sizeof(child_errno)) {
		(void)pihpc_err(err, errlen, _("cannot run '%s': %s"), argv[0],
				strerror(child_errno));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = 0;
	} else {
		rc = 1;
		if (WIFEXITED(status))
			(void)pihpc_err(err, errlen,
					_("'%s' failed with exit status %d"),
					argv[0], WEXITSTATUS(status));
		else
			(void)pihpc_err(err, errlen,
					_("'%s' was killed by signal %d"), argv[0],
					WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		_add_first_line(err, errlen, errout);
	}
	goto out;
sys_fail:
	(void)pihpc_err_errno(err, errlen, _("cannot run '%s'"), argv[0]);
out:
	for (i = 0; i < 3; i++) {
		_close_fd(&fds[i]);
		_close_fd(&child[i]);
	}
	_close_fd(&xpipe[0]);
	_close_fd(&xpipe[1]);
	strbuf_release(&sink_out);
	strbuf_release(&sink_err);
	return rc;
}

int
pihpc_run_capture(char *const argv[], const char *in, size_t inlen,
		  struct strbuf *out, struct strbuf *errout,
		  char *err, size_t errlen)
{
	return pihpc_run_capture_ran(argv, in, inlen, out, errout, err,
				     errlen) ? -1 : 0;
}
