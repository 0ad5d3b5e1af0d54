/*
 * repo.c - "pihpc repo init|add|list|key": the storage node's signed apt
 * repository, kept by reprepro.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define REPO_USAGE "pihpc repo init|add FILE.deb...|list|key"

/* Into [buf]: the help, translated, with the directories filled in. */
static const char *
_help(char *buf, size_t len)
{
	/* TRANSLATORS: directories: configuration, published tree, key */
	(void)snprintf(buf, len, _("The cluster's signed apt repository on the storage node (reprepro):\n"
				   "configuration and database in %s, the published\n"
				   "tree in %s (served as http://STORAGE/), the signing\n"
				   "key in %s.\n"
				   "\n"
				   "  init     create the signing key if there is none, write reprepro's\n"
				   "           configuration, export the indexes, the public key\n"
				   "           (pihpc.gpg), pihpc.sources and pihpc.pref (which Slurm\n"
				   "           the nodes install); nothing if all is in place\n"
				   "  add      add Debian packages (each must be newer than the one in\n"
				   "           the repository); prints 'added NAME VERSION ARCH';\n"
				   "           pihpc.pref follows what the repository holds\n"
				   "  list     print 'NAME VERSION ARCH' for each package\n"
				   "  key      print the fingerprint of the signing key\n"),
		       PIHPC_REPO_BASEDIR, PIHPC_REPO_OUTDIR, PIHPC_REPO_GNUPGHOME);
	return buf;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_repo(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	char hbuf[4096];
	const char *help = _help(hbuf, sizeof(hbuf));
	const char *verb = cmd_verb(argc, argv, REPO_USAGE, help);
	struct strlist done = STRLIST_INIT;
	struct strbuf fpr = STRBUF_INIT;
	char err[1024];
	int i, nargs, rc = 0;

	i = cmd_no_options(argc - 1, argv + 1, REPO_USAGE, help) + 1;
	nargs = argc - i;
	if (strcmp(verb, "init") && strcmp(verb, "add") &&
	    strcmp(verb, "list") && strcmp(verb, "key"))
		usage_die(REPO_USAGE, _("unknown subcommand '%s'"), verb);
	if (!strcmp(verb, "add") && nargs == 0)
		usage_die(REPO_USAGE, _("missing FILE"));
	if (strcmp(verb, "add") && nargs > 0)
		usage_die(REPO_USAGE, _("too many arguments"));
	if (!strcmp(verb, "init")) {
		struct pihpc_conf conf;
		const char *storage;

		load_conf_or_die(ctx, &conf);
		storage = pihpc_conf_get(&conf, PIHPC_STORAGE);
		if (!*storage)
			rc = pihpc_err(err, sizeof(err),
				       _("no storage node: 'storage' is empty in %s"),
				       PIHPC_CONF_PATH);
		else
			rc = pihpc_repo_init(ctx, storage, &done, err,
					     sizeof(err));
		pihpc_conf_release(&conf);
	} else if (!strcmp(verb, "add")) {
		rc = pihpc_repo_add(ctx, argv + i, (size_t)nargs, &done, err,
				    sizeof(err));
	} else if (!strcmp(verb, "list")) {
		rc = pihpc_repo_list(ctx, &done, err, sizeof(err));
	} else {
		rc = pihpc_repo_fingerprint(ctx, &fpr, err, sizeof(err));
		if (rc == 1)
			strlist_push(&done, fpr.buf);
		else if (rc == 0)
			rc = pihpc_err(err, sizeof(err),
				       _("no signing key (run 'pihpc repo init' first)"));
	}
	print_done(&done);
	strlist_clear(&done);
	strbuf_release(&fpr);
	if (rc < 0)
		die("%s", err);
	return 0;
}
