/*
 * util.c - output and option helpers shared by the subcommands.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd.h"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static void
_vreport(const char *fmt, va_list ap)
{
	(void)fflush(stdout);
	(void)fputs(_("pihpc: error: "), stderr);
	(void)vfprintf(stderr, fmt, ap);
	(void)fputc('\n', stderr);
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_vreport(fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

int
errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_vreport(fmt, ap);
	va_end(ap);
	return -1;
}

void
usage_die(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_vreport(fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, _("usage: %s\n"), usage);
	exit(EXIT_USAGE);
}

void
help_exit(const char *usage, const char *help)
{
	(void)printf(_("usage: %s\n"), usage);
	if (help)
		(void)printf("\n%s", help);
	if (fflush(stdout) != 0 || ferror(stdout))
		exit(EXIT_FAILURE);
	exit(EXIT_SUCCESS);
}

int
cmd_getopt(int argc, char **argv, const char *shortopts,
	   const struct option *longopts, const char *usage, const char *help)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == 'h')
		help_exit(usage, help);
	if (c == '?' || c == ':') {
		const char *arg = argv[optind - 1];
		int n = (int)strcspn(arg, "=");

		int is_long = arg[0] == '-' && arg[1] == '-';

		if (c == ':' && is_long)
			usage_die(usage, _("option '%.*s' requires a value"), n, arg);
		if (c == ':')
			usage_die(usage, _("option '-%c' requires a value"), optopt);
		if (is_long)
			usage_die(usage, _("unknown option '%.*s'"), n, arg);
		usage_die(usage, _("unknown option '-%c'"), optopt);
	}
	return c;
}

const char *
cmd_verb(int argc, char **argv, const char *usage, const char *help)
{
	if (argc < 2)
		usage_die(usage, _("missing subcommand"));
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		help_exit(usage, help);
	if (argv[1][0] == '-')
		usage_die(usage, _("unknown option '%.*s'"),
			  (int)strcspn(argv[1], "="), argv[1]);
	return argv[1];
}

void
print_done(const struct strlist *done)
{
	size_t i;

	for (i = 0; i < done->nr; i++)
		(void)printf("%s\n", done->v[i]);
}

void
load_conf_or_die(const struct pihpc_ctx *ctx, struct pihpc_conf *c)
{
	struct strlist errs = STRLIST_INIT;
	size_t i;

	pihpc_conf_init(c);
	if (pihpc_conf_load(ctx, NULL, 1, c, &errs) == 0)
		return;
	for (i = 0; i < errs.nr; i++)
		(void)errorf("%s", errs.v[i]);
	exit(EXIT_FAILURE);
}

int
cmd_no_options(int argc, char **argv, const char *usage, const char *help)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	while (cmd_getopt(argc, argv, ":h", opts, usage, help) != -1)
		;
	return optind;
}

void
read_token_or_die(const char *path, char *tok, size_t toklen)
{
	char buf[PIHPC_JOIN_TOKEN_MAX + 64];
	size_t n = 0;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;

	if (fd < 0)
		die(_("cannot read '%s': %s"), path, strerror(errno));
	while (n < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(_("cannot read '%s': %s"), path, strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (fd > 0)
		(void)close(fd);
	buf[n] = '\0';
	while (n && strchr(" \t\r\n", buf[n - 1]))
		buf[--n] = '\0';
	if (strchr(buf, '\n') || n >= toklen) {
		sodium_memzero(buf, sizeof(buf));
		die(_("the join token in '%s' must be one line of at most %zu characters"),
		    path, toklen - 1);
	}
	memcpy(tok, buf, n + 1);
	sodium_memzero(buf, sizeof(buf));
}
