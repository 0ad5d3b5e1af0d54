/*
 * munge.c - "pihpc munge check": a credential round trip via munged;
 * "pihpc munge key ...": one munge key for the whole cluster.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#define MUNGE_USAGE \
	"pihpc munge check [--socket PATH] | key generate|rotate [--yes]|status"
#define KEY_USAGE "pihpc munge key generate|rotate [--yes]|status"

static const char munge_help[] =
	N_("check: encode a MUNGE credential and decode it again through the\n"
	   "local munged.  On failure the reason and a hint are printed (munged\n"
	   "not running, key differing between nodes, clocks out of sync).\n"
	   "\n"
	   "  -s, --socket PATH   munged's socket (default: libmunge's)\n"
	   "\n"
	   "key: manage the cluster's single munge key; see 'pihpc munge key --help'.\n");

static const char key_help[] =
	N_("  generate   (controller) replace the host's key with a new random\n"
	   "             cluster key, once: a marker in /var/lib/pihpc holds its\n"
	   "             SHA-256\n"
	   "  rotate     (controller) replace the cluster key with a new one now,\n"
	   "             after saying what it interrupts and asking (-y, --yes:\n"
	   "             do not ask); munged here restarts with it, and the\n"
	   "             compute nodes fetch it within minutes\n"
	   "  status     print the first 16 hex digits of the key's SHA-256, to\n"
	   "             compare nodes\n"
	   "\n"
	   "generate prints \"updated '/etc/munge/munge.key'\" when the key\n"
	   "changed: munged must then be restarted.  The key itself is never\n"
	   "printed.  Compute nodes get it from the join service (pihpc-join(8)).\n");

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* What a rotation interrupts, then the admin's go-ahead: 1 to go on. */
static int
_rotate_confirmed(int yes)
{
	char line[16];

	(void)fputs(_("pihpc: the cluster's munge key is replaced now, and munged on this controller restarts with it.\n"
		      "pihpc: each compute node that joined with a token it keeps (an admin's own, or one of several uses) gets the new key by itself within about 6 minutes (pihpc-join-check.timer), then restarts munge and slurmd.\n"
		      "pihpc: until a node has it, its running jobs go on but cannot report their end to slurmctld (that waits until then), no new job starts on it, and Slurm commands there fail.\n"
		      "pihpc: a node that joined by request, or with a token used up or revoked since, needs 'pihpc node join --token-file FILE' with a new token.\n"),
		    stderr);
	if (yes)
		return 1;
	if (!isatty(STDIN_FILENO))
		die(_("not replacing the munge key without a go-ahead: run with --yes"));
	(void)fputs(_("Replace the cluster's munge key now? [y/N] "), stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static int
_key(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	const char *action = cmd_verb(argc, argv, KEY_USAGE, _(key_help));
	struct strlist done = STRLIST_INIT;
	char err[1024], fp[PIHPC_MUNGE_KEY_FP + 1];
	struct strbuf path = STRBUF_INIT;
	int c, i, rc, yes = 0;

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hy", opts, KEY_USAGE,
			       _(key_help))) != -1)
		if (c == 'y')
			yes = 1;
	i = optind + 1;
	if (i < argc)
		usage_die(KEY_USAGE, _("too many arguments"));
	if (yes && strcmp(action, "rotate"))
		usage_die(KEY_USAGE, _("option '%s' is not for '%s'"), "--yes",
			  action);
	if (!strcmp(action, "generate")) {
		rc = pihpc_munge_key_generate(ctx, &done, err, sizeof(err));
	} else if (!strcmp(action, "rotate")) {
		if (!_rotate_confirmed(yes)) {
			(void)fputs(_("pihpc: nothing changed\n"), stderr);
			return 1;
		}
		rc = pihpc_munge_key_rotate(ctx, &done, err, sizeof(err));
		if (rc == 0 && pihpc_ctx_is_real_root(ctx)) {
			char *restart[] = { "systemctl", "restart",
					    "munge.service", NULL };

			rc = pihpc_run(restart, err, sizeof(err));
		}
	} else if (!strcmp(action, "status")) {
		rc = pihpc_munge_key_fingerprint(ctx, PIHPC_MUNGE_KEY, fp, err,
						 sizeof(err));
		if (rc == 0)
			(void)printf("%s  %s\n", fp,
				     pihpc_path(ctx, PIHPC_MUNGE_KEY, &path));
	} else {
		usage_die(KEY_USAGE, _("unknown subcommand '%s'"), action);
	}
	print_done(&done);
	strlist_clear(&done);
	strbuf_release(&path);
	if (rc < 0)
		die("%s", err);
	return 0;
}

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
	const char *verb = cmd_verb(argc, argv, MUNGE_USAGE, _(munge_help));
	const char *socket = NULL;
	char err[1024];
	int c;

	if (!strcmp(verb, "key"))
		return _key(argc - 1, argv + 1, ctx);
	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hs:", opts, MUNGE_USAGE,
			       _(munge_help))) != -1)
		if (c == 's')
			socket = optarg;
	if (strcmp(verb, "check"))
		usage_die(MUNGE_USAGE, _("unknown subcommand '%s'"), verb);
	if (optind < argc - 1)
		usage_die(MUNGE_USAGE, _("too many arguments"));
	if (pihpc_munge_check(socket, err, sizeof(err)) < 0)
		die("%s", err);
	(void)printf(_("munge credential round trip ok\n"));
	return 0;
}
