/*
 * error.h - the library's error convention.
 *
 * Library functions never print or exit.  They return 0 on success and -1
 * on failure after writing a one-line message into the caller's buffer
 * [err] of [errlen] bytes, in git's style: lowercase, subject in single
 * quotes, no full stop ("cannot write '/etc/hosts': Permission denied").
 * The format is marked for translation where the message is made:
 * pihpc_err(err, errlen, _("cannot write '%s'"), path) (see i18n.h).
 */
#ifndef PIHPC_ERROR_H
#define PIHPC_ERROR_H

#include <stddef.h>

/* Fill [err] from [fmt]; returns -1 so callers can "return pihpc_err(..)". */
__attribute__((format(printf, 3, 4)))
int pihpc_err(char *err, size_t errlen, const char *fmt, ...);

/* As pihpc_err(), then append ": strerror(errno)"; errno is preserved. */
__attribute__((format(printf, 3, 4)))
int pihpc_err_errno(char *err, size_t errlen, const char *fmt, ...);

#endif /* PIHPC_ERROR_H */
