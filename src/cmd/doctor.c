/*
 * doctor.c - "pihpc doctor [--json] [--health]": check this node, and
 * as Slurm's HealthCheckProgram drain or resume it.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define DOCTOR_USAGE "pihpc doctor [--json] [--local | --health | --probe]"

static const char doctor_help[] =
	N_("Check this node: MUNGE, the slurm user, NFS mounts, cgroups,\n"
	   "RealMemory, free space, a read-only root, a Raspberry Pi's power and\n"
	   "temperature, /etc/hosts, the clock and the Slurm versions.  On the\n"
	   "controller, then every node of the cluster through Slurm: its state,\n"
	   "slurmd's version and port, and, run there by srun, MUNGE both ways,\n"
	   "its clock, the ids of the users, name resolution and its own checks.\n"
	   "One line per check: ok, warn, FAIL or skip, what was found and how to\n"
	   "fix it.\n"
	   "\n"
	   "  -j, --json     print the report as one JSON object\n"
	   "  -l, --local    this node only, also on the controller\n"
	   "  -H, --health   as Slurm's HealthCheckProgram: drain this node when a\n"
	   "                 check fails, resume it when all pass and it was\n"
	   "                 drained by pihpc doctor (never another drain)\n"
	   "  -p, --probe    print what the controller's pihpc doctor reads\n"
	   "                 from this node (it runs this through srun)\n"
	   "\n"
	   "Exit codes: 0 all passed, 1 a check failed (or an error), 2 usage,\n"
	   "3 only warnings.  See pihpc-doctor(8).\n");

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static void
do_probe(const struct pihpc_doctor_env *env)
{
	struct pihpc_probe p = PIHPC_PROBE_INIT;
	struct strbuf out = STRBUF_INIT;

	pihpc_probe_collect(env, &p);
	pihpc_probe_render(&p, &out);
	(void)fputs(out.buf, stdout);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(_("cannot write to standard output"));
	pihpc_probe_release(&p);
	strbuf_release(&out);
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_doctor(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "health", no_argument, NULL, 'H' },
		{ "local", no_argument, NULL, 'l' },
		{ "probe", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct pihpc_report report = PIHPC_REPORT_INIT;
	struct strlist done = STRLIST_INIT;
	struct strbuf host = STRBUF_INIT, out = STRBUF_INIT;
	struct pihpc_doctor_env env;
	struct pihpc_runner runner;
	struct pihpc_conf conf;
	char err[1024];
	int c, json = 0, health = 0, local = 0, probe = 0, code;

	optind = 0;
	while ((c = cmd_getopt(argc, argv, ":hjHlp", opts, DOCTOR_USAGE,
			       _(doctor_help))) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'H')
			health = 1;
		else if (c == 'l')
			local = 1;
		else if (c == 'p')
			probe = 1;
	}
	if (optind < argc)
		usage_die(DOCTOR_USAGE, _("too many arguments"));
	if (health + local + probe > 1 || (probe && json))
		usage_die(DOCTOR_USAGE,
			  _("--local, --health and --probe exclude each other, and --probe --json"));
	/* drain reasons are read by everyone in the cluster: in English;
	 * "C", since gettext still follows LANGUAGE under C.UTF-8 */
	if (health)
		(void)setlocale(LC_MESSAGES, "C");
	if (pihpc_short_hostname(ctx, &host, err, sizeof(err)) < 0)
		die("%s", err);
	load_conf_or_die(ctx, &conf);
	pihpc_runner_init(&runner);
	pihpc_doctor_env_init(&env, ctx, &runner, &conf, host.buf);
	if (probe) {
		do_probe(&env);
		pihpc_conf_release(&conf);
		strbuf_release(&host);
		exit(0);
	}
	pihpc_doctor_run(&env, &report);
	if (!health && !local &&
	    !strcmp(host.buf, pihpc_conf_get(&conf, PIHPC_CONTROLLER))) {
		struct pihpc_cluster_env cenv;

		pihpc_cluster_env_init(&cenv, &env);
		pihpc_doctor_cluster(&cenv, &report);
	}
	if (json)
		pihpc_report_json(&report, host.buf, &out);
	else
		pihpc_report_text(&report, &out);
	(void)fputs(out.buf, stdout);
	code = pihpc_report_exit_code(&report);
	if (health) {
		if (pihpc_health_apply(&runner, host.buf, &report, &done, err,
				       sizeof(err)) < 0) {
			(void)errorf("%s", err);
			code = PIHPC_DOCTOR_EXIT_FAIL;
		}
		/* on stderr: stdout stays the report (JSON with --json) */
		(void)fflush(stdout);
		for (size_t i = 0; i < done.nr; i++)
			(void)fprintf(stderr, "pihpc: %s\n", done.v[i]);
	}
	pihpc_report_release(&report);
	pihpc_conf_release(&conf);
	strlist_clear(&done);
	strbuf_release(&host);
	strbuf_release(&out);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(_("cannot write to standard output"));
	exit(code);
}
