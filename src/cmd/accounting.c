/*
 * accounting.c - "pihpc accounting register|export|import": the cluster,
 * account and users in slurmdbd, and the accounting carried to a Slurm
 * release that cannot convert it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

#define ACCOUNTING_USAGE \
	"pihpc accounting register [--timeout SEC]\n" \
	"   or: pihpc accounting export DIR\n" \
	"   or: pihpc accounting import [--timeout SEC] EXPORT"

static const char accounting_help[] =
	N_("register: wait for slurmdbd to answer sacctmgr, then add what is\n"
	   "missing: the cluster (cluster_name), the account (accounting_account)\n"
	   "and each user of accounting_users in it, and set their GrpTRES to\n"
	   "accounting_user_limits where it differs.  One line per change.\n"
	   "\n"
	   "export: the associations with their limits, the job history and\n"
	   "cluster.conf into a new directory below DIR; its path is printed.\n"
	   "import: load an export into the slurmdbd of a newer Slurm release,\n"
	   "register again, and install the old job history in\n"
	   "/var/lib/pihpc/history.  See pihpc-accounting(8).\n"
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
	struct strbuf made = STRBUF_INIT;
	struct pihpc_runner runner;
	struct pihpc_conf conf;
	unsigned long timeout = 90;
	char err[1024], *end;
	int c, rc, nargs = 0, timed = 0;

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
			timed = 1;
		}
	}
	if (!strcmp(verb, "export") || !strcmp(verb, "import"))
		nargs = 1;
	else if (strcmp(verb, "register"))
		usage_die(ACCOUNTING_USAGE, _("unknown subcommand '%s'"), verb);
	if (timed && !strcmp(verb, "export"))
		usage_die(ACCOUNTING_USAGE, _("export takes no --timeout"));
	if (optind + nargs < argc - 1)
		usage_die(ACCOUNTING_USAGE, _("too many arguments"));
	if (optind + nargs > argc - 1)
		usage_die(ACCOUNTING_USAGE, _("missing directory"));
	load_conf_or_die(ctx, &conf);
	pihpc_runner_init(&runner);
	if (!strcmp(verb, "register"))
		rc = pihpc_acct_register(&runner, &conf, (unsigned)timeout,
					 &done, err, sizeof(err));
	else if (!strcmp(verb, "import"))
		rc = pihpc_acct_import(&runner, ctx, &conf, argv[optind + 1],
				       (unsigned)timeout, &done, err, sizeof(err));
	else if ((rc = pihpc_acct_export(&runner, ctx, &conf, argv[optind + 1],
					 time(NULL), &made, err, sizeof(err))) == 0)
		strlist_push(&done, made.buf);
	print_done(&done);
	strlist_clear(&done);
	strbuf_release(&made);
	pihpc_conf_release(&conf);
	if (rc < 0)
		die("%s", err);
	return 0;
}
