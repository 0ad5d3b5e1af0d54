/*
 * cmdline.c - "pihpc cmdline ensure|check": the kernel command line words
 * for the memory cgroup, and whether the cgroup controllers are usable.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define CMDLINE_USAGE \
	"pihpc cmdline ensure [--file PATH] | pihpc cmdline check [--file PATH]"

/* Into [buf]: the help, translated, with the words and paths filled in. */
static const char *
_help(char *buf, size_t len)
{
	/* TRANSLATORS: words to add, file, older file */
	(void)snprintf(buf, len, _("  ensure   add the missing words of\n"
				   "             %s\n"
				   "           to the Raspberry Pi kernel command line, before any '--',\n"
				   "           and take cpu, cpuset and memory out of cgroup_disable=;\n"
				   "           a reboot makes them effective\n"
				   "  check    exit 0 if the cpu, cpuset and memory cgroup controllers\n"
				   "           are usable and stay so after a reboot, 1 naming the\n"
				   "           missing ones and whether a reboot or 'ensure' is needed\n"
				   "\n"
				   "  -f, --file PATH   the command line file (default\n"
				   "                    %s, or\n"
				   "                    %s on older systems)\n"),
		       PIHPC_CMDLINE_WORDS, PIHPC_CMDLINE_PATH,
		       PIHPC_CMDLINE_OLD_PATH);
	return buf;
}

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static int
_ensure(const struct pihpc_ctx *ctx, const char *file)
{
	enum pihpc_write_result res = PIHPC_UNCHANGED;
	struct strbuf path = STRBUF_INIT;
	char err[1024];

	if (file)
		strbuf_addstr(&path, file);
	else if (pihpc_cmdline_path(ctx, &path, err, sizeof(err)) < 0)
		die("%s", err);
	if (pihpc_cmdline_ensure(path.buf, &res, err, sizeof(err)) < 0)
		die("%s", err);
	if (res == PIHPC_WRITTEN)
		(void)printf(_("updated '%s': reboot to enable the memory cgroup\n"),
			     path.buf);
	strbuf_release(&path);
	return 0;
}

static int
_check(const struct pihpc_ctx *ctx, const char *file)
{
	struct pihpc_cgroup_state st = PIHPC_CGROUP_STATE_INIT;
	struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;
	char err[1024];
	int rc;

	/* without a cmdline.txt (not a Pi) only the controllers count */
	if (file)
		strbuf_addstr(&path, file);
	else if (pihpc_cmdline_path(ctx, &path, err, sizeof(err)) < 0)
		strbuf_reset(&path);
	if (pihpc_cgroup_state_read(ctx, path.len ? path.buf : NULL, &st, err,
				    sizeof(err)) < 0)
		die("%s", err);
	if (pihpc_cgroup_verdict(&st, &msg) < 0)
		rc = errorf("%s", msg.buf);
	else
		rc = printf("%s\n", msg.buf) < 0 ? -1 : 0;
	pihpc_cgroup_state_clear(&st);
	strbuf_release(&path);
	strbuf_release(&msg);
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_cmdline(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "file", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	char hbuf[4096];
	const char *help = _help(hbuf, sizeof(hbuf));
	const char *verb = cmd_verb(argc, argv, CMDLINE_USAGE, help);
	const char *file = NULL;
	int c;

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hf:", opts, CMDLINE_USAGE,
			       help)) != -1)
		if (c == 'f')
			file = optarg;
	if (strcmp(verb, "ensure") && strcmp(verb, "check"))
		usage_die(CMDLINE_USAGE, _("unknown subcommand '%s'"), verb);
	if (optind < argc - 1)
		usage_die(CMDLINE_USAGE, _("too many arguments"));
	if (!strcmp(verb, "check"))
		return _check(ctx, file);
	return _ensure(ctx, file);
}
