/*
 * pihpc.c - entry point: global options, then dispatch to cmd_<name>().
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cmd.h"
#include "trace.h"

#ifndef PIHPC_VERSION
#define PIHPC_VERSION "0"
#endif

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

#define PIHPC_USAGE "pihpc [--root DIR] COMMAND [ARGS]"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv, const struct pihpc_ctx *ctx);
	const char *summary;
};

/* Sorted by name. */
static const struct cmd_struct commands[] = {
	{ "accounting", cmd_accounting, N_("register the cluster, account and users in slurmdbd") },
	{ "block", cmd_block, N_("set or remove a managed block in a file") },
	{ "cmdline", cmd_cmdline, N_("kernel command line words and cgroup check") },
	{ "config", cmd_config, N_("check, get, set or dump /etc/pihpc/cluster.conf") },
	{ "db", cmd_db, N_("create or drop slurmdbd's MariaDB database") },
	{ "dirs", cmd_dirs, N_("create Slurm's directories with owners and modes") },
	{ "doctor", cmd_doctor, N_("check this node or the cluster; drain or resume a node") },
	{ "exports", cmd_exports, N_("apply or remove the NFS exports in /etc/exports") },
	{ "fstab", cmd_fstab, N_("apply or remove the NFS mounts in /etc/fstab") },
	{ "hostlist", cmd_hostlist, N_("expand or compress Slurm hostlists") },
	{ "hosts", cmd_hosts, N_("apply or remove the cluster's block in /etc/hosts") },
	{ "join", cmd_join, N_("join tokens and the service that gives nodes the munge key") },
	{ "munge", cmd_munge, N_("check MUNGE; generate, publish, install the cluster key") },
	{ "node", cmd_node, N_("detect this node's hardware; join or leave the cluster") },
	{ "render", cmd_render, N_("render slurm.conf and cgroup.conf from templates") },
	{ "repo", cmd_repo, N_("the storage node's signed apt repository") },
	{ "slurmd", cmd_slurmd, N_("write the options of this node's slurmd") },
	{ "upgrade", cmd_upgrade, N_("upgrade the cluster's Slurm in Slurm's order; the apt guard of its rules") },
	{ "user", cmd_user, N_("ensure the slurm user and group ids") },
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static void
_help(void)
{
	size_t i;

	(void)printf(_("usage: %s\n\n"
		     "Turn Debian machines into a Slurm cluster; see pihpc(8).\n\n"
		     "Options:\n"
		     "  --root DIR     work on the tree under DIR (also PIHPC_ROOT)\n"
		     "  -h, --help     show this help\n"
		     "  --version      show the version\n\n"
		     "Commands:\n"), PIHPC_USAGE);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		(void)printf("  %-12s %s\n", commands[i].name,
			     _(commands[i].summary));
	(void)printf(_("\nRun 'pihpc COMMAND --help' for a command's usage.\n"));
	exit(fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}

/*
 * Messages in the user's language, in UTF-8.  Only LC_MESSAGES follows
 * the environment: the other categories stay as in "C" (byte classes for
 * toupper() on key names, numbers) so that what pihpc writes for Slurm and
 * the system does not depend on the caller's locale; C.UTF-8 for LC_CTYPE
 * lets gettext pass the translations through unchanged.  A LANG that
 * names a locale not generated here would leave "C", where gettext ignores
 * LANGUAGE; C.UTF-8 (always there: Debian's essential libc-bin ships it)
 * keeps LANGUAGE working with glibc before 2.41.  PIHPC_LOCALEDIR points at catalogs not
 * installed yet (the tests).
 */
static void
_i18n_init(void)
{
	const char *dir = getenv("PIHPC_LOCALEDIR");

	(void)setlocale(LC_CTYPE, "C.UTF-8");
	if (!setlocale(LC_MESSAGES, ""))
		(void)setlocale(LC_MESSAGES, "C.UTF-8");
	(void)bindtextdomain(PIHPC_TEXTDOMAIN, dir && *dir ? dir : LOCALEDIR);
	(void)textdomain(PIHPC_TEXTDOMAIN);
}

/*
 * With PIHPC_TRACE set, one line per run of pihpc in that file (see
 * trace.h): how an installation's time divides between pihpc's steps is
 * measured this way.  A trace that cannot be written is only a warning:
 * measuring must never fail what is measured.
 */
static void
_trace(const struct timespec *start, int rc, int argc, char **argv)
{
	const char *path = getenv("PIHPC_TRACE");
	struct strbuf line = STRBUF_INIT;
	struct timespec end;
	char err[512];

	if (!path || !*path || clock_gettime(CLOCK_REALTIME, &end) < 0)
		return;
	pihpc_trace_line(&line, start, &end, rc, argc, argv);
	if (pihpc_trace_append(path, &line, err, sizeof(err)) < 0)
		(void)fprintf(stderr, _("pihpc: warning: PIHPC_TRACE: %s\n"),
			      err);
	strbuf_release(&line);
}

static const struct cmd_struct *
_get_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
main(int argc, char **argv)
{
	struct pihpc_ctx ctx = PIHPC_CTX_INIT;
	const struct cmd_struct *cmd;
	struct timespec start;
	int i, rc;

	if (clock_gettime(CLOCK_REALTIME, &start) < 0)
		start.tv_sec = 0, start.tv_nsec = 0;
	_i18n_init();
	ctx.root = getenv("PIHPC_ROOT");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			_help();
		} else if (!strcmp(a, "--version")) {
			(void)printf("pihpc %s\n", PIHPC_VERSION);
			return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
		} else if (!strcmp(a, "--root")) {
			if (++i == argc)
				usage_die(PIHPC_USAGE, _("option '--root' requires a value"));
			ctx.root = argv[i];
		} else if (!strncmp(a, "--root=", 7)) {
			ctx.root = a + 7;
		} else {
			usage_die(PIHPC_USAGE, _("unknown option '%.*s'"),
				  (int)strcspn(a, "="), a);
		}
	}
	if (i == argc)
		usage_die(PIHPC_USAGE, _("missing command"));
	/* Once, before any command: it picks the fastest implementations and
	 * checks the random source; library functions may repeat it cheaply. */
	if (sodium_init() < 0)
		die(_("cannot initialise libsodium"));
	cmd = _get_cmd(argv[i]);
	if (!cmd)
		usage_die(PIHPC_USAGE, _("unknown command '%s'"), argv[i]);
	rc = cmd->fn(argc - i, argv + i, &ctx);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(_("cannot write to standard output"));
	rc = rc ? EXIT_FAILURE : EXIT_SUCCESS;
	_trace(&start, rc, argc - i, argv + i);
	return rc;
}
