/*
 * fstab.c - "pihpc fstab apply|remove": the NFS mounts of a node in
 * /etc/fstab.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define FSTAB_USAGE "pihpc fstab apply|remove"

/* Into [buf]: the help, translated, with the mount options filled in. */
static const char *
_help(char *buf, size_t len)
{
	/* TRANSLATORS: %s are the mount options */
	(void)snprintf(buf, len, _("Keep the managed block 'fstab' in /etc/fstab in line with the\n"
				   "'storage' and 'nfs_exports' keys of /etc/pihpc/cluster.conf, one NFS\n"
				   "mount per export:\n"
				   "  filenode01:/home /home nfs %s 0 0\n"
				   "\n"
				   "  apply    create the missing mount points and write or update the\n"
				   "           block (removed when 'storage' is empty); nothing is mounted\n"
				   "  remove   remove the block, leaving the rest of the file as it was\n"),
		       PIHPC_FSTAB_OPTIONS);
	return buf;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_fstab(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	char hbuf[4096];
	const char *help = _help(hbuf, sizeof(hbuf));
	const char *verb = cmd_verb(argc, argv, FSTAB_USAGE, help);
	struct strlist done = STRLIST_INIT;
	char err[1024];
	int i, rc;

	i = cmd_no_options(argc - 1, argv + 1, FSTAB_USAGE, help);
	if (strcmp(verb, "apply") && strcmp(verb, "remove"))
		usage_die(FSTAB_USAGE, _("unknown subcommand '%s'"), verb);
	if (i < argc - 1)
		usage_die(FSTAB_USAGE, _("too many arguments"));
	if (!strcmp(verb, "apply")) {
		struct pihpc_conf conf;

		load_conf_or_die(ctx, &conf);
		rc = pihpc_fstab_apply(ctx, &conf, &done, err, sizeof(err));
		pihpc_conf_release(&conf);
	} else {
		rc = pihpc_fstab_remove(ctx, &done, err, sizeof(err));
	}
	print_done(&done);
	strlist_clear(&done);
	if (rc < 0)
		die("%s", err);
	return 0;
}
