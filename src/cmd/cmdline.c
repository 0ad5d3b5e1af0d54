/*
 * cmdline.c - "pihpc cmdline ensure|check": the kernel command line words
 * for the memory cgroup, and whether the cgroup controllers are usable.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define CMDLINE_USAGE "pihpc cmdline ensure [--file PATH] | pihpc cmdline check"

static const char cmdline_help[] =
	"\n"
	"  ensure   add the missing words of\n"
	"             " PIHPC_CMDLINE_WORDS "\n"
	"           to the Raspberry Pi kernel command line (and remove\n"
	"           " PIHPC_CMDLINE_BAD_WORD "); a reboot makes them effective\n"
	"  check    exit 0 if the cpu, cpuset and memory cgroup controllers\n"
	"           are usable, 1 naming the missing ones otherwise\n"
	"\n"
	"  -f, --file PATH   the command line file (default\n"
	"                    " PIHPC_CMDLINE_PATH ", or\n"
	"                    " PIHPC_CMDLINE_OLD_PATH " on older systems)\n";

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
		(void)printf("updated '%s': reboot to enable the memory cgroup\n",
			     path.buf);
	strbuf_release(&path);
	return 0;
}

static int
_check(const struct pihpc_ctx *ctx)
{
	struct strlist missing = STRLIST_INIT;
	struct strbuf names = STRBUF_INIT;
	char err[1024];
	int version, rc = 0;
	size_t i;

	if (pihpc_cgroup_check(ctx, &version, &missing, err, sizeof(err)) < 0)
		die("%s", err);
	for (i = 0; i < missing.nr; i++)
		strbuf_addf(&names, "%s'%s'", i ? ", " : "", missing.v[i]);
	if (missing.nr)
		rc = errorf("cgroup v%d: %s %s not available; add '%s' to the kernel command line ('pihpc cmdline ensure') and reboot",
			    version,
			    missing.nr > 1 ? "controllers" : "controller",
			    names.buf, PIHPC_CMDLINE_WORDS);
	else
		(void)printf("cgroup v%d: controllers cpu, cpuset and memory available\n",
			     version);
	strlist_clear(&missing);
	strbuf_release(&names);
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
	const char *verb = cmd_verb(argc, argv, CMDLINE_USAGE, cmdline_help);
	const char *file = NULL;
	int c;

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hf:", opts, CMDLINE_USAGE,
			       cmdline_help)) != -1)
		if (c == 'f')
			file = optarg;
	if (strcmp(verb, "ensure") && strcmp(verb, "check"))
		usage_die(CMDLINE_USAGE, "unknown subcommand '%s'", verb);
	if (optind < argc - 1)
		usage_die(CMDLINE_USAGE, "too many arguments");
	if (!strcmp(verb, "check")) {
		if (file)
			usage_die(CMDLINE_USAGE, "option '--file' is only for 'ensure'");
		return _check(ctx);
	}
	return _ensure(ctx, file);
}
