/*
 * upgrade.c - "pihpc upgrade": which side of the Slurm upgrade to run.
 */
#include <string.h>

#include "cmd.h"

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_upgrade(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	/* "pihpc upgrade follow" on a node; anything else (nothing or
	 * options) is the controller's cluster-wide upgrade */
	if (argc > 1 && !strcmp(argv[1], "follow"))
		return cmd_upgrade_follow(argc - 1, argv + 1, ctx);
	return cmd_upgrade_cluster(argc, argv, ctx);
}
