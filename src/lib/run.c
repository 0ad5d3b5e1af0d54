/*
 * run.c - running helper programs without a shell.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
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
		return pihpc_err_errno(err, errlen, "cannot run '%s'", argv[0]);
	pid = fork();
	if (pid < 0) {
		(void)close(pfd[0]);
		(void)close(pfd[1]);
		return pihpc_err_errno(err, errlen, "cannot run '%s'", argv[0]);
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
					       "cannot wait for '%s'", argv[0]);
	}
	if (n == (ssize_t)sizeof(child_errno))
		return pihpc_err(err, errlen, "cannot run '%s': %s", argv[0],
				 strerror(child_errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return pihpc_err(err, errlen,
				 "'%s' failed with exit status %d", argv[0],
				 WEXITSTATUS(status));
	return pihpc_err(err, errlen, "'%s' was killed by signal %d", argv[0],
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
