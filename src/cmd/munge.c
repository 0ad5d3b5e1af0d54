/*
 * munge.c - "pihpc munge check": a credential round trip via munged;
 * "pihpc munge key ...": one munge key for the whole cluster.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define MUNGE_USAGE \
	"pihpc munge check [--socket PATH] | key generate|status"
#define KEY_USAGE "pihpc munge key generate|status"

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
	   "  status     print the first 16 hex digits of the key's SHA-256, to\n"
	   "             compare nodes\n"
	   "\n"
	   "generate prints \"updated '/etc/munge/munge.key'\" when the key\n"
	   "changed: munged must then be restarted.  The key itself is never\n"
	   "printed.  Compute nodes get it from the join service (pihpc-join(8)).\n");

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static int
_key(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	const char *action = cmd_verb(argc, argv, KEY_USAGE, _(key_help));
	struct strlist done = STRLIST_INIT;
	char err[1024], fp[PIHPC_MUNGE_KEY_FP + 1];
	struct strbuf path = STRBUF_INIT;
	int i, rc;

	i = cmd_no_options(argc - 1, argv + 1, KEY_USAGE, _(key_help)) + 1;
	if (i < argc)
		usage_die(KEY_USAGE, _("too many arguments"));
	if (!strcmp(action, "generate")) {
		rc = pihpc_munge_key_generate(ctx, &done, err, sizeof(err));
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
