/*
 * upgrade_run.c - "pihpc upgrade [--dry-run]" on the controller and
 * "pihpc upgrade follow" on a compute node (see pihpc-upgrade(8)).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

#define UPGRADE_USAGE "pihpc upgrade [--dry-run]"
#define FOLLOW_USAGE "pihpc upgrade follow"

static const char upgrade_help[] =
	N_("On the controller: upgrade the cluster's Slurm to the version its\n"
	   "repository offers, in the order of Slurm's upgrade guide: back up the\n"
	   "accounting database to /var/backups/pihpc, upgrade slurmdbd and wait\n"
	   "until it answers (its first start converts the database), then\n"
	   "slurmctld, then each compute node in turn (its pihpc-slurm-follow\n"
	   "service, started through a job, upgrades it; the node is drained while\n"
	   "its slurmd restarts and resumed after; running jobs go on).  Progress\n"
	   "is kept in /var/lib/pihpc/upgrade/state: a stopped run resumes.\n"
	   "\n"
	   "  -n, --dry-run   print the numbered plan and change nothing\n"
	   "\n"
	   "On a compute node, 'pihpc upgrade follow' is the node's part;\n"
	   "'pihpc upgrade guard' is apt's hook (see their --help).  Exit codes:\n"
	   "0 done or nothing to do, 1 error or nodes left behind.  See\n"
	   "pihpc-upgrade(8).\n");

static const char follow_help[] =
	N_("On a compute node: if the candidate Slurm packages are newer than the\n"
	   "installed ones and not newer than the controller's Slurm (scontrol\n"
	   "show config), install them.  Run by pihpc-slurm-follow.service, which\n"
	   "its timer starts every 10 minutes and pihpc upgrade starts at once.\n");

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* Progress lines go out at once: pihpc upgrade runs for a long time. */
static void
_say(void *data, const char *line)
{
	(void)data;
	(void)printf("%s\n", line);
	(void)fflush(stdout);
}

/* The options shared by both sides, with this host's name and today. */
static void
_opts(struct pihpc_upgrade_opts *o, const struct pihpc_ctx *ctx,
      const struct pihpc_runner *r, char *host, size_t hostlen, char *date,
      size_t datelen)
{
	time_t now = time(NULL);
	struct tm tm;

	memset(o, 0, sizeof(*o));
	if (gethostname(host, hostlen) < 0)
		host[0] = '\0';
	host[hostlen - 1] = '\0';
	/* Slurm's node names are short names */
	host[strcspn(host, ".")] = '\0';
	if (!gmtime_r(&now, &tm) || !strftime(date, datelen, "%Y%m%d", &tm))
		(void)snprintf(date, datelen, "undated");
	o->ctx = ctx;
	o->r = r;
	o->host = host;
	o->date = date;
	/* converting a large accounting database can take hours */
	o->dbd_timeout = 6 * 3600;
	o->ctld_timeout = 600;
	/* the node's timer comes every 10 minutes, give or take 5 */
	o->node_timeout = 20 * 60;
	o->poll = 5;
	o->say = _say;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_upgrade_cluster(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct pihpc_upgrade_opts o;
	struct pihpc_runner runner;
	char host[256], date[16], err[2048];
	int c, dry_run = 0, rc;

	optind = 0;
	while ((c = cmd_getopt(argc, argv, ":hn", opts, UPGRADE_USAGE,
			       _(upgrade_help))) != -1)
		if (c == 'n')
			dry_run = 1;
	if (optind < argc)
		usage_die(UPGRADE_USAGE, _("unknown subcommand '%s'"), argv[optind]);
	pihpc_runner_init(&runner);
	_opts(&o, ctx, &runner, host, sizeof(host), date, sizeof(date));
	o.dry_run = dry_run;
	rc = pihpc_upgrade_cluster(&o, err, sizeof(err));
	if (rc)
		die("%s", err);
	return 0;
}

int
cmd_upgrade_follow(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	struct pihpc_upgrade_opts o;
	struct pihpc_runner runner;
	char host[256], date[16], err[2048];

	if (cmd_no_options(argc, argv, FOLLOW_USAGE, _(follow_help)) < argc)
		usage_die(FOLLOW_USAGE, _("too many arguments"));
	pihpc_runner_init(&runner);
	_opts(&o, ctx, &runner, host, sizeof(host), date, sizeof(date));
	if (pihpc_upgrade_follow(&o, err, sizeof(err)) < 0)
		die("%s", err);
	return 0;
}
