/*
 * error.c - fill caller-supplied error buffers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int
pihpc_err_errno(char *err, size_t errlen, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t n;

	if (!err || !errlen)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	n = strlen(err);
	if (n < errlen)
		(void)snprintf(err + n, errlen - n, ": %s", strerror(saved));
	errno = saved;
	return -1;
}
