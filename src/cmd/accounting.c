/*
 * accounting.c - "pihpc accounting register": cluster, account and users
 * in slurmdbd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define ACCOUNTING_USAGE "pihpc accounting register [--timeout SEC]"

static const char accounting_help[] =
	N_("Wait for slurmdbd to answer sacctmgr, then add what is missing: the\n"
	   "cluster (cluster_name), the account (accounting_account) and each user\n"
	   "of accounting_users in it, and set their GrpTRES to\n"
	   "accounting_user_limits where it differs.  One line per change.\n"
	   "\n"
	   "  -T, --timeout SEC   wait up to SEC seconds for slurmdbd (default 90)\n");

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_accounting(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = cmd_verb(argc, argv, ACCOUNTING_USAGE,
				    _(accounting_help));
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner runner;
	struct pihpc_conf conf;
	unsigned long timeout = 90;
	char err[1024], *end;
	int c, rc;

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hT:", opts,
			       ACCOUNTING_USAGE, _(accounting_help))) != -1) {
		if (c == 'T') {
			errno = 0;
			timeout = strtoul(optarg, &end, 10);
			if (errno || !*optarg || *end || *optarg == '-' ||
			    timeout > 86400)
				usage_die(ACCOUNTING_USAGE,
					  _("invalid timeout '%s'"), optarg);
		}
	}
	if (strcmp(verb, "register"))
		usage_die(ACCOUNTING_USAGE, _("unknown subcommand '%s'"), verb);
	if (optind < argc - 1)
		usage_die(ACCOUNTING_USAGE, _("too many arguments"));
	load_conf_or_die(ctx, &conf);
	pihpc_runner_init(&runner);
	rc = pihpc_acct_register(&runner, &conf, (unsigned)timeout, &done, err,
				 sizeof(err));
	print_done(&done);
	strlist_clear(&done);
	pihpc_conf_release(&conf);
	if (rc < 0)
		die("%s", err);
	return 0;
}
