/*
 * exports.c - "pihpc exports apply|remove": the NFS exports of the
 * storage node in /etc/exports.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define EXPORTS_USAGE "pihpc exports apply|remove [--no-reload]"

static const char exports_help[] =
	N_("Keep the managed block 'exports' in /etc/exports in line with the\n"
	   "'nfs_exports' and 'subnet' keys of /etc/pihpc/cluster.conf, one line\n"
	   "per export:\n"
	   "  /home 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)\n"
	   "\n"
	   "  apply        check that every export path is a directory (/nfs is\n"
	   "               created if missing), then write or update the block\n"
	   "  remove       remove the block, leaving the rest of the file as it was\n"
	   "  --no-reload  do not run 'exportfs -ra' after a change\n");

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_exports(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "no-reload", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = cmd_verb(argc, argv, EXPORTS_USAGE, _(exports_help));
	struct strlist done = STRLIST_INIT;
	int c, rc, changed = 0, reload = 1;
	char err[1024];

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":h", opts, EXPORTS_USAGE,
			       _(exports_help))) != -1)
		if (c == 'n')
			reload = 0;
	if (strcmp(verb, "apply") && strcmp(verb, "remove"))
		usage_die(EXPORTS_USAGE, _("unknown subcommand '%s'"), verb);
	if (optind < argc - 1)
		usage_die(EXPORTS_USAGE, _("too many arguments"));
	if (!strcmp(verb, "apply")) {
		struct pihpc_conf conf;

		load_conf_or_die(ctx, &conf);
		rc = pihpc_exports_apply(ctx, &conf, &done, &changed, err,
					 sizeof(err));
		pihpc_conf_release(&conf);
	} else {
		rc = pihpc_exports_remove(ctx, &done, &changed, err,
					  sizeof(err));
	}
	print_done(&done);
	strlist_clear(&done);
	if (rc < 0)
		die("%s", err);
	/* the file stays written when exportfs fails: it is correct */
	if (changed && reload && pihpc_ctx_is_real_root(ctx) &&
	    pihpc_exports_reload(NULL, err, sizeof(err)) < 0)
		die("%s", err);
	return 0;
}
