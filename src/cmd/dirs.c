/*
 * dirs.c - "pihpc dirs ensure|list --role ROLE": Slurm's directories.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define DIRS_USAGE "pihpc dirs ensure|list --role master|compute|storage"

static const char dirs_help[] =
	N_("Create Slurm's directories for the role, or fix their owner and mode:\n"
	   "  /etc/slurm              0755 root   all roles\n"
	   "  /var/spool/slurm        0755 slurm  master, compute\n"
	   "  /var/spool/slurm/ctld   0700 slurm  master\n"
	   "  /var/spool/slurm/d      0755 slurm  master, compute\n"
	   "  /var/log/slurm          0755 slurm  master, compute\n"
	   "\"ensure\" prints one line per change; \"list\" prints the role's\n"
	   "directories, one per line, and changes nothing.\n"
	   "\n"
	   "  -r, --role ROLE   master, compute or storage\n");

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_dirs(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = cmd_verb(argc, argv, DIRS_USAGE, _(dirs_help));
	struct strlist done = STRLIST_INIT;
	const char *role = NULL;
	unsigned bit;
	char err[1024];
	int c, rc;

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hr:", opts, DIRS_USAGE,
			       _(dirs_help))) != -1)
		if (c == 'r')
			role = optarg;
	if (strcmp(verb, "ensure") && strcmp(verb, "list"))
		usage_die(DIRS_USAGE, _("unknown subcommand '%s'"), verb);
	if (optind < argc - 1)
		usage_die(DIRS_USAGE, _("too many arguments"));
	if (!role)
		usage_die(DIRS_USAGE, _("missing option '--role'"));
	if (pihpc_role_parse(role, &bit) < 0)
		usage_die(DIRS_USAGE, _("invalid role '%s'"), role);
	if (!strcmp(verb, "list"))
		rc = pihpc_dirs_list(role, &done, err, sizeof(err));
	else
		rc = pihpc_dirs_ensure(ctx, role, &done, err, sizeof(err));
	print_done(&done);
	strlist_clear(&done);
	if (rc < 0)
		die("%s", err);
	return 0;
}
