/*
 * hostlist.c - "pihpc hostlist expand|compress": Slurm hostlists.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define HOSTLIST_USAGE "pihpc hostlist expand EXPR | pihpc hostlist compress NAME..."

static const char hostlist_help[] =
	N_("  expand EXPR      print the names of a Slurm hostlist, one per line\n"
	   "                   (rpnode[01-02] -> rpnode01 rpnode02)\n"
	   "  compress NAME... print the shortest hostlist for the names\n"
	   "                   (n1 n2 n3 n7 -> n[1-3,7]); names may also be\n"
	   "                   given comma-separated\n");

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_hostlist(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	const char *verb = cmd_verb(argc, argv, HOSTLIST_USAGE, _(hostlist_help));
	struct strlist names = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	char err[1024];
	int i;

	(void)ctx;
	i = cmd_no_options(argc - 1, argv + 1, HOSTLIST_USAGE, _(hostlist_help)) + 1;
	if (!strcmp(verb, "expand")) {
		size_t k;

		if (argc - i != 1)
			usage_die(HOSTLIST_USAGE, _("expected one hostlist expression"));
		if (pihpc_hostlist_expand(argv[i], &names, err, sizeof(err)) < 0)
			die("%s", err);
		for (k = 0; k < names.nr; k++)
			(void)printf("%s\n", names.v[k]);
	} else if (!strcmp(verb, "compress")) {
		if (argc - i < 1)
			usage_die(HOSTLIST_USAGE, _("expected host names"));
		for (; i < argc; i++) {
			const char *p = argv[i];

			while (*p) {
				size_t n = strcspn(p, ", \t\n");

				if (n) {
					struct strbuf one = STRBUF_INIT;

					strbuf_add(&one, p, n);
					strlist_push(&names, one.buf);
					strbuf_release(&one);
				}
				p += n;
				p += strspn(p, ", \t\n");
			}
		}
		if (pihpc_hostlist_compress(names.v, names.nr, &out, err,
					    sizeof(err)) < 0)
			die("%s", err);
		(void)printf("%s\n", out.buf);
	} else {
		usage_die(HOSTLIST_USAGE, _("unknown subcommand '%s'"), verb);
	}
	strlist_clear(&names);
	strbuf_release(&out);
	return 0;
}
