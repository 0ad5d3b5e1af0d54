/*
 * config.c - "pihpc config check|get|set|dump": /etc/pihpc/cluster.conf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define CONFIG_USAGE \
	"pihpc config check [FILE] | get KEY | set KEY=VALUE... | dump"

static const char config_help[] =
	N_("  check [FILE]         validate FILE (default /etc/pihpc/cluster.conf);\n"
	   "                       every bad line is reported; exit 1 if any\n"
	   "  get KEY              print the effective value (file or default)\n"
	   "  set KEY=VALUE...     change keys in place (new ones are appended),\n"
	   "                       validate the result, write it atomically\n"
	   "  dump                 print every key as 'key = value'\n"
	   "\n"
	   "See pihpc-cluster.conf(5) for the keys.\n");

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static void
_die_errors(const struct strlist *errs)
{
	size_t i;

	for (i = 0; i < errs->nr; i++)
		(void)errorf("%s", errs->v[i]);
	exit(EXIT_FAILURE);
}

static int
_check(const struct pihpc_ctx *ctx, int argc, char **argv)
{
	struct strlist errs = STRLIST_INIT;
	struct pihpc_conf c;

	if (argc > 1)
		usage_die(CONFIG_USAGE, _("too many arguments"));
	pihpc_conf_init(&c);
	if (pihpc_conf_load(ctx, argc ? argv[0] : NULL, 0, &c, &errs) < 0)
		_die_errors(&errs);
	pihpc_conf_release(&c);
	return 0;
}

static int
_get(const struct pihpc_ctx *ctx, int argc, char **argv)
{
	struct pihpc_conf c;
	int k;

	if (argc != 1)
		usage_die(CONFIG_USAGE, _("expected one KEY"));
	k = pihpc_conf_key_lookup(argv[0]);
	if (k < 0)
		usage_die(CONFIG_USAGE, _("unknown key '%s'"), argv[0]);
	load_conf_or_die(ctx, &c);
	(void)printf("%s\n", pihpc_conf_get(&c, (enum pihpc_key)k));
	pihpc_conf_release(&c);
	return 0;
}

static int
_set(const struct pihpc_ctx *ctx, int argc, char **argv)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT, out = STRBUF_INIT;
	struct strlist errs = STRLIST_INIT;
	enum pihpc_write_result res;
	char err[1024];

	if (argc < 1)
		usage_die(CONFIG_USAGE, _("expected KEY=VALUE"));
	pihpc_path(ctx, PIHPC_CONF_PATH, &path);
	if (pihpc_read_file(path.buf, &text, err, sizeof(err)) < 0 &&
	    errno != ENOENT)
		die("%s", err);
	if (pihpc_conf_set_text(path.buf, text.buf, text.len, argv,
				(size_t)argc, &out, &errs) < 0)
		_die_errors(&errs);
	if (pihpc_make_parents(path.buf, 0755, err, sizeof(err)) < 0 ||
	    pihpc_write_atomic(path.buf, out.buf, out.len, 0644, &res, err,
			       sizeof(err)) < 0)
		die("%s", err);
	if (res == PIHPC_WRITTEN)
		(void)printf(_("updated '%s'\n"), path.buf);
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&out);
	return 0;
}

static int
_dump(const struct pihpc_ctx *ctx, int argc)
{
	struct pihpc_conf c;
	int k;

	if (argc)
		usage_die(CONFIG_USAGE, _("too many arguments"));
	load_conf_or_die(ctx, &c);
	for (k = 0; k < PIHPC_NKEYS; k++) {
		const char *v = pihpc_conf_get(&c, (enum pihpc_key)k);

		(void)printf("%s =%s%s\n", pihpc_conf_key_name((enum pihpc_key)k),
			     *v ? " " : "", v);
	}
	pihpc_conf_release(&c);
	return 0;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_config(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	const char *verb = cmd_verb(argc, argv, CONFIG_USAGE, _(config_help));
	int i = cmd_no_options(argc - 1, argv + 1, CONFIG_USAGE, _(config_help)) + 1;

	if (!strcmp(verb, "check"))
		return _check(ctx, argc - i, argv + i);
	if (!strcmp(verb, "get"))
		return _get(ctx, argc - i, argv + i);
	if (!strcmp(verb, "set"))
		return _set(ctx, argc - i, argv + i);
	if (!strcmp(verb, "dump"))
		return _dump(ctx, argc - i);
	usage_die(CONFIG_USAGE, _("unknown subcommand '%s'"), verb);
}
