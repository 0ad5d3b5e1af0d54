/*
 * runner.c - the real runner for client programs.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "run.h"
#include "runner.h"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static int
_real_run(void *data, char *const argv[], const char *in, size_t inlen,
	  struct strbuf *out, struct strbuf *errout, char *err, size_t errlen)
{
	struct strbuf sink_out = STRBUF_INIT, sink_err = STRBUF_INIT;
	int rc;

	(void)data;
	rc = pihpc_run_capture_ran(argv, in, inlen, out ? out : &sink_out,
				   errout ? errout : &sink_err, err, errlen);
	strbuf_release(&sink_out);
	strbuf_release(&sink_err);
	return rc;
}

static void
_real_sleep(void *data, unsigned seconds)
{
	struct timespec ts = { (time_t)seconds, 0 };

	(void)data;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long
_real_now(void *data)
{
	struct timespec ts;

	(void)data;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return (long)time(NULL);
	return (long)ts.tv_sec;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_runner_init(struct pihpc_runner *r)
{
	r->run = _real_run;
	r->sleep = _real_sleep;
	r->now = _real_now;
	r->data = NULL;
}

void
pihpc_oneline(const char *s, struct strbuf *out)
{
	strbuf_reset(out);
	while (*s) {
		size_t n = strcspn(s, "\r\n"), b = 0, e = n;

		while (b < e && strchr(" \t", s[b]))
			b++;
		while (e > b && strchr(" \t", s[e - 1]))
			e--;
		if (e > b) {
			if (out->len)
				strbuf_addstr(out, "; ");
			strbuf_add(out, s + b, e - b);
		}
		s += n;
		s += strspn(s, "\r\n");
	}
}
