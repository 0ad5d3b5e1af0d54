/*
 * render.c - "pihpc render": slurm.conf and cgroup.conf from templates.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define RENDER_USAGE \
	"pihpc render --role master|compute --out DIR [--templates DIR]"

static const char render_help[] =
	N_("Write slurm.conf and cgroup.conf into DIR, rendered from the\n"
	   "templates DIR/slurm.conf.in and DIR/cgroup.conf.in with the values of\n"
	   "/etc/pihpc/cluster.conf.  Files already up to date are not rewritten.\n"
	   "\n"
	   "  -r, --role ROLE        master or compute\n"
	   "  -o, --out DIR          where to write (used as given, not under --root)\n"
	   "  -t, --templates DIR    templates (default ROOT/usr/share/pihpc/conf)\n");

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_render(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "role", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "templates", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *role = NULL, *out = NULL, *tmpl = NULL;
	struct strlist done = STRLIST_INIT;
	struct strbuf tdir = STRBUF_INIT;
	struct pihpc_conf conf;
	char err[1024];
	int c, rc;

	optind = 0;
	while ((c = cmd_getopt(argc, argv, ":hr:o:t:", opts, RENDER_USAGE,
			       _(render_help))) != -1) {
		if (c == 'r')
			role = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 't')
			tmpl = optarg;
	}
	if (optind < argc)
		usage_die(RENDER_USAGE, _("unexpected argument '%s'"), argv[optind]);
	if (!role || !out)
		usage_die(RENDER_USAGE, _("missing option '%s'"),
			  role ? "--out" : "--role");
	if (strcmp(role, "master") && strcmp(role, "compute"))
		usage_die(RENDER_USAGE, _("invalid role '%s'"), role);
	if (!tmpl)
		tmpl = pihpc_path(ctx, PIHPC_TEMPLATE_DIR, &tdir);
	load_conf_or_die(ctx, &conf);
	rc = pihpc_render(&conf, role, tmpl, out, &done, err, sizeof(err));
	print_done(&done);
	strlist_clear(&done);
	strbuf_release(&tdir);
	pihpc_conf_release(&conf);
	if (rc < 0)
		die("%s", err);
	return 0;
}
