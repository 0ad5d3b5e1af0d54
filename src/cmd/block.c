/*
 * block.c - "pihpc block set|remove FILE NAME": generic managed blocks.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#define BLOCK_USAGE "pihpc block set FILE NAME <CONTENT | pihpc block remove FILE NAME"

static const char block_help[] =
	N_("Set or remove the managed block NAME in FILE:\n"
	   "  # BEGIN pihpc NAME\n"
	   "  ...content...\n"
	   "  # END pihpc NAME\n"
	   "Everything outside the block stays byte for byte as it was.\n"
	   "\n"
	   "  set      replace the block (or append it) with the content read\n"
	   "           from standard input; FILE is created 0644 if missing\n"
	   "  remove   remove the block; no error if FILE or block is missing\n");

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_block(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	const char *verb = cmd_verb(argc, argv, BLOCK_USAGE, _(block_help));
	enum pihpc_write_result res = PIHPC_UNCHANGED;
	struct strbuf content = STRBUF_INIT;
	const char *file, *name;
	char err[1024];
	int i, rc;

	(void)ctx;	/* FILE is used as given */
	i = cmd_no_options(argc - 1, argv + 1, BLOCK_USAGE, _(block_help)) + 1;
	if (strcmp(verb, "set") && strcmp(verb, "remove"))
		usage_die(BLOCK_USAGE, _("unknown subcommand '%s'"), verb);
	if (argc - i != 2)
		usage_die(BLOCK_USAGE, _("expected FILE and NAME"));
	file = argv[i];
	name = argv[i + 1];
	if (pihpc_block_check_name(name, err, sizeof(err)) < 0)
		usage_die(BLOCK_USAGE, "%s", err);
	if (!strcmp(verb, "set")) {
		if (pihpc_read_file("/dev/stdin", &content, err, sizeof(err)) < 0)
			die(_("cannot read standard input: %s"), err);
		if (memchr(content.buf, '\0', content.len))
			die(_("block content contains a NUL byte"));
		rc = pihpc_block_set_file(file, name, content.buf, &res, err,
					  sizeof(err));
	} else {
		rc = pihpc_block_remove_file(file, name, &res, err, sizeof(err));
	}
	if (rc < 0)
		die("%s", err);
	if (res == PIHPC_WRITTEN)
		(void)printf(_("updated '%s'\n"), file);
	strbuf_release(&content);
	return 0;
}
