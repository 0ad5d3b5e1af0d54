/*
 * upgrade.c - "pihpc upgrade": which side of the Slurm upgrade to run
 * (cmd/upgrade_run.c), and "pihpc upgrade guard", the apt hook that
 * refuses Slurm packages breaking Slurm's upgrade rules (see
 * pihpc-upgrade(8), lib/slurmguard.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"

#define GUARD_USAGE "pihpc upgrade guard"

/* The apt option that turns the guard off for one run. */
#define GUARD_OPTION "Pihpc::Upgrade::Guard"

static const char guard_help[] =
	N_("guard: APT's DPkg::Pre-Install-Pkgs hook (/etc/apt/apt.conf.d/\n"
	   "50pihpc-slurm-guard), reading the package actions of the apt run on\n"
	   "stdin (protocol version 3, apt.conf(5)).  It refuses, before dpkg\n"
	   "changes anything, the Slurm packages that would break the cluster:\n"
	   "  - a release that cannot read the records of the Slurm it replaces\n"
	   "    (two major releases back, three from 24.11 on);\n"
	   "  - on a compute node, a slurmd or client newer than the controller's\n"
	   "    Slurm ('scontrol show config', remembered in\n"
	   "    /var/lib/pihpc/controller-slurm-version);\n"
	   "  - on the controller, a slurmctld newer than its slurmdbd.\n"
	   "Without /etc/pihpc/cluster.conf it allows everything.  Exit status 0:\n"
	   "allowed; 1: refused, one line per problem on stderr; 2: usage.\n"
	   "'apt-get -o Pihpc::Upgrade::Guard=off ...' lets one run through.\n");

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* The descriptor APT writes to: APT_HOOK_INFO_FD, else stdin. */
static int
_info_fd(void)
{
	const char *s = getenv("APT_HOOK_INFO_FD");
	char *end;
	long fd;

	if (!s || !*s)
		return STDIN_FILENO;
	errno = 0;
	fd = strtol(s, &end, 10);
	if (errno || *end || fd < 0 || fd > 1024)
		die(_("invalid APT_HOOK_INFO_FD '%s'"), s);
	return (int)fd;
}

/* All of [fd] into [sb], at most [max] bytes; 0, or -1 if there is more. */
static int
_read_all(int fd, size_t max, struct strbuf *sb)
{
	char buf[65536];

	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(_("cannot read APT's hook input: %s"), strerror(errno));
		if (!r)
			return 0;
		if (sb->len + (size_t)r > max)
			return -1;
		strbuf_add(sb, buf, (size_t)r);
	}
}

/* Read the rest of [fd] and drop it, so that apt's writes do not fail. */
static void
_drain(int fd)
{
	char buf[65536];
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
		;
}

static int
_off(const char *v)
{
	return v && (!strcasecmp(v, "off") || !strcasecmp(v, "false") ||
		     !strcasecmp(v, "no") || !strcmp(v, "0"));
}

static int
_guard(const struct pihpc_ctx *ctx)
{
	struct pihpc_apthook hook = PIHPC_APTHOOK_INIT;
	struct strlist problems = STRLIST_INIT, warnings = STRLIST_INIT,
		       errs = STRLIST_INIT;
	struct strbuf in = STRBUF_INIT, path = STRBUF_INIT, host = STRBUF_INIT;
	struct pihpc_guard_env env;
	struct pihpc_runner runner;
	struct pihpc_conf conf;
	int fd = _info_fd(), rc = 0, have_conf;
	char err[1024];
	size_t i;

	pihpc_conf_init(&conf);
	if (access(pihpc_path(ctx, PIHPC_CONF_PATH, &path), F_OK) < 0) {
		_drain(fd);
		goto out;
	}
	if (_read_all(fd, PIHPC_APTHOOK_MAX, &in) < 0) {
		rc = errorf(_("APT's hook input: more than %lu bytes; refusing the apt run"),
			    PIHPC_APTHOOK_MAX);
		goto out;
	}
	if (pihpc_apthook_parse(in.buf, in.len, &hook, err, sizeof(err)) < 0) {
		rc = errorf(_("APT's hook input: %s; refusing the apt run (see pihpc-upgrade(8))"),
			    err);
		goto out;
	}
	if (_off(pihpc_apthook_config(&hook, GUARD_OPTION))) {
		(void)fprintf(stderr, _("pihpc: warning: %s is off: Slurm's upgrade rules are not checked\n"),
			      GUARD_OPTION);
		goto out;
	}
	have_conf = pihpc_conf_load(ctx, NULL, 1, &conf, &errs) == 0;
	for (i = 0; i < errs.nr; i++)
		(void)fprintf(stderr, _("pihpc: warning: %s\n"), errs.v[i]);
	if (!have_conf)
		(void)fprintf(stderr, _("pihpc: warning: invalid cluster.conf: only the Slurm release windows are checked\n"));
	if (pihpc_short_hostname(ctx, &host, err, sizeof(err)) < 0) {
		(void)fprintf(stderr, _("pihpc: warning: %s: only the Slurm release windows are checked\n"),
			      err);
		have_conf = 0;
	}
	pihpc_runner_init(&runner);
	env.ctx = ctx;
	env.run = &runner;
	env.conf = have_conf ? &conf : NULL;
	env.host = have_conf ? host.buf : NULL;
	(void)pihpc_guard_check(&env, &hook, &problems, &warnings);
	for (i = 0; i < warnings.nr; i++)
		(void)fprintf(stderr, _("pihpc: warning: %s\n"), warnings.v[i]);
	for (i = 0; i < problems.nr; i++)
		rc = errorf("%s", problems.v[i]);
	if (rc)
		(void)fprintf(stderr, _("pihpc: hint: nothing was installed or removed; 'apt-get -o %s=off ...' would force it\n"),
			      GUARD_OPTION);
out:
	pihpc_apthook_release(&hook);
	strlist_clear(&problems);
	strlist_clear(&warnings);
	strlist_clear(&errs);
	strbuf_release(&in);
	strbuf_release(&path);
	strbuf_release(&host);
	pihpc_conf_release(&conf);
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_upgrade(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	if (argc > 1 && !strcmp(argv[1], "guard")) {
		if (cmd_no_options(argc - 1, argv + 1, GUARD_USAGE,
				   _(guard_help)) != argc - 1)
			usage_die(GUARD_USAGE, _("'guard' takes no arguments"));
		return _guard(ctx) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	/* "follow" on a node; anything else (nothing or options) is the
	 * controller's cluster-wide upgrade */
	if (argc > 1 && !strcmp(argv[1], "follow"))
		return cmd_upgrade_follow(argc - 1, argv + 1, ctx);
	return cmd_upgrade_cluster(argc, argv, ctx);
}
