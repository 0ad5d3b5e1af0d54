/*
 * user.c - "pihpc user ensure": the slurm user and group.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define USER_USAGE "pihpc user ensure"

static const char user_help[] =
	N_("Make the system user and group 'slurm' exist with slurm_uid and\n"
	   "slurm_gid from /etc/pihpc/cluster.conf.  Other ids are changed (and\n"
	   "Slurm's files re-owned) only while no Slurm daemon runs; ids held by\n"
	   "another account are refused.  Prints one line per change.\n");

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_user(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	const char *verb = cmd_verb(argc, argv, USER_USAGE, _(user_help));
	struct strlist done = STRLIST_INIT;
	struct pihpc_conf c;
	char err[1024];
	int i, rc;

	i = cmd_no_options(argc - 1, argv + 1, USER_USAGE, _(user_help)) + 1;
	if (strcmp(verb, "ensure"))
		usage_die(USER_USAGE, _("unknown subcommand '%s'"), verb);
	if (i < argc)
		usage_die(USER_USAGE, _("too many arguments"));
	load_conf_or_die(ctx, &c);
	rc = pihpc_user_ensure(ctx, "slurm",
			       (uid_t)pihpc_conf_ulong(&c, PIHPC_SLURM_UID),
			       (gid_t)pihpc_conf_ulong(&c, PIHPC_SLURM_GID),
			       &done, err, sizeof(err));
	print_done(&done);
	strlist_clear(&done);
	pihpc_conf_release(&c);
	if (rc < 0)
		die("%s", err);
	return 0;
}
