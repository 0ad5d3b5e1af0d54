/*
 * db.c - "pihpc db ensure|drop": slurmdbd's MariaDB database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#define DB_USAGE \
	"pihpc db ensure [--no-sql] [--timeout SEC] [--templates DIR] | drop [--no-sql] [--timeout SEC]"

static const char db_help[] =
	N_("ensure: write /etc/slurm/slurmdbd.conf (0600 slurm:slurm) from the\n"
	   "template slurmdbd.conf.in, keeping its StoragePass= or making a new\n"
	   "random one, then create the database slurm_acct_db and the MariaDB\n"
	   "user 'slurm'@'localhost' with that password (mysql as root, SQL on\n"
	   "standard input).\n"
	   "drop: drop the database and the user, and remove slurmdbd.conf.\n"
	   "\n"
	   "  -n, --no-sql          do not run mysql (always so with --root)\n"
	   "  -T, --timeout SEC     wait up to SEC seconds for MariaDB (default 60)\n"
	   "  -t, --templates DIR   templates (default ROOT/usr/share/pihpc/conf)\n");

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static unsigned
_timeout(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || *s == '-' || v > 86400)
		usage_die(DB_USAGE, _("invalid timeout '%s'"), s);
	return (unsigned)v;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_db(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "no-sql", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "templates", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = cmd_verb(argc, argv, DB_USAGE, _(db_help));
	const char *tmpl = NULL;
	struct strbuf tdir = STRBUF_INIT, pass = STRBUF_INIT;
	struct strbuf path = STRBUF_INIT;
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner runner;
	struct pihpc_conf conf;
	unsigned timeout = 60;
	int c, sql = 1, is_new = 0, rc = 0;
	char err[1024];

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hnT:t:", opts, DB_USAGE,
			       _(db_help))) != -1) {
		if (c == 'n')
			sql = 0;
		else if (c == 'T')
			timeout = _timeout(optarg);
		else if (c == 't')
			tmpl = optarg;
	}
	if (strcmp(verb, "ensure") && strcmp(verb, "drop"))
		usage_die(DB_USAGE, _("unknown subcommand '%s'"), verb);
	if (optind < argc - 1)
		usage_die(DB_USAGE, _("too many arguments"));
	if (tmpl && strcmp(verb, "ensure"))
		usage_die(DB_USAGE, _("option '--templates' is for 'ensure' only"));
	if (!pihpc_ctx_is_real_root(ctx))
		sql = 0;
	pihpc_runner_init(&runner);

	if (!strcmp(verb, "ensure")) {
		if (!tmpl)
			tmpl = pihpc_path(ctx, PIHPC_TEMPLATE_DIR, &tdir);
		load_conf_or_die(ctx, &conf);
		rc = pihpc_dbd_conf_ensure(ctx, &conf, tmpl, &pass, &is_new,
					   &done, err, sizeof(err));
		if (rc == 0 && sql)
			rc = pihpc_db_ensure(&runner, pass.buf, is_new, timeout,
					     &done, err, sizeof(err));
		pihpc_conf_release(&conf);
	} else {
		if (sql)
			rc = pihpc_db_drop(&runner, timeout, &done, err,
					   sizeof(err));
		pihpc_path(ctx, PIHPC_SLURMDBD_CONF, &path);
		if (rc == 0 && unlink(path.buf) == 0)
			strlist_pushf(&done, _("removed '%s'"), path.buf);
		else if (rc == 0 && errno != ENOENT)
			rc = pihpc_err_errno(err, sizeof(err),
					     _("cannot remove '%s'"), path.buf);
	}
	print_done(&done);
	strlist_clear(&done);
	explicit_bzero(pass.buf, pass.alloc);
	strbuf_release(&pass);
	strbuf_release(&tdir);
	strbuf_release(&path);
	if (rc < 0)
		die("%s", err);
	return 0;
}
