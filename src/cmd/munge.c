/*
 * munge.c - "pihpc munge check": a credential round trip via munged.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define MUNGE_USAGE "pihpc munge check [--socket PATH]"

static const char munge_help[] =
	"\n"
	"Encode a MUNGE credential and decode it again through the local\n"
	"munged.  On failure the reason and a hint are printed (munged not\n"
	"running, key differing between nodes, clocks out of sync).  The key\n"
	"itself is never read.\n"
	"\n"
	"  -s, --socket PATH   munged's socket (default: libmunge's)\n";

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_munge(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "socket", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = cmd_verb(argc, argv, MUNGE_USAGE, munge_help);
	const char *socket = NULL;
	char err[1024];
	int c;

	(void)ctx;
	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hs:", opts, MUNGE_USAGE,
			       munge_help)) != -1)
		if (c == 's')
			socket = optarg;
	if (strcmp(verb, "check"))
		usage_die(MUNGE_USAGE, "unknown subcommand '%s'", verb);
	if (optind < argc - 1)
		usage_die(MUNGE_USAGE, "too many arguments");
	if (pihpc_munge_check(socket, err, sizeof(err)) < 0)
		die("%s", err);
	(void)printf("munge credential round trip ok\n");
	return 0;
}
