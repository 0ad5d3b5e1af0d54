/*
 * slurmd.c - "pihpc slurmd env": the options of this node's slurmd.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define SLURMD_USAGE "pihpc slurmd env"

static const char slurmd_help[] =
	N_("Write /etc/pihpc/slurmd.env, the EnvironmentFile of pihpc's slurmd\n"
	   "drop-in (read after /etc/default/slurmd, so its SLURMD_OPTIONS wins):\n"
	   "  dynamic: SLURMD_OPTIONS=--conf-server CONTROLLER -Z --conf \"Sockets=..\n"
	   "           CoresPerSocket=.. ThreadsPerCore=.. RealMemory=.. Feature=..\"\n"
	   "  static:  SLURMD_OPTIONS=--conf-server CONTROLLER\n"
	   "The hardware values are those of 'pihpc node detect --conf'.\n");

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_slurmd(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	const char *verb = cmd_verb(argc, argv, SLURMD_USAGE, _(slurmd_help));
	struct strlist done = STRLIST_INIT;
	struct pihpc_conf conf;
	char err[1024];
	int i, rc;

	i = cmd_no_options(argc - 1, argv + 1, SLURMD_USAGE, _(slurmd_help)) + 1;
	if (strcmp(verb, "env"))
		usage_die(SLURMD_USAGE, _("unknown subcommand '%s'"), verb);
	if (i < argc)
		usage_die(SLURMD_USAGE, _("too many arguments"));
	load_conf_or_die(ctx, &conf);
	rc = pihpc_slurmd_env(ctx, &conf, &done, err, sizeof(err));
	print_done(&done);
	strlist_clear(&done);
	pihpc_conf_release(&conf);
	if (rc < 0)
		die("%s", err);
	return 0;
}
