/*
 * node.c - "pihpc node detect": this node's hardware for Slurm;
 * "pihpc node join|leave": its entry in the controller's node table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define NODE_USAGE \
	"pihpc node detect [--conf] | join [--timeout SEC] [--name NAME] | leave [--name NAME]"

static const char node_help[] =
	"\n"
	"detect: print this node's CPUs and memory as slurmd -C would, from\n"
	"/sys/devices/system/cpu and /proc/meminfo.  RealMemory is MemTotal\n"
	"minus 5% (at least 64 MiB), rounded down to a multiple of 16 MiB.\n"
	"  -c, --conf          print the form for 'slurmd -Z --conf', with\n"
	"                      Feature=<node_feature> from cluster.conf\n"
	"\n"
	"join: wait until the controller lists this node (scontrol show node),\n"
	"then set its NodeAddr to the address the 'hosts' key gives it, if it\n"
	"differs.\n"
	"  -T, --timeout SEC   wait up to SEC seconds (default 60)\n"
	"\n"
	"leave: delete this node from the controller (scontrol delete); refused\n"
	"while it runs jobs; an unreachable controller is only a warning.\n"
	"\n"
	"  -n, --name NAME     the node's name (default: this host's short name)\n";

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

static void
_detect(const struct pihpc_ctx *ctx, int conf)
{
	struct pihpc_node n;
	char err[1024];

	if (pihpc_node_detect(ctx, &n, err, sizeof(err)) < 0)
		die("%s", err);
	if (conf) {
		struct strbuf sb = STRBUF_INIT;
		struct pihpc_conf cf;

		load_conf_or_die(ctx, &cf);
		pihpc_slurmd_conf_params(&n, pihpc_conf_get(&cf, PIHPC_NODE_FEATURE),
					 &sb);
		(void)printf("%s\n", sb.buf);
		strbuf_release(&sb);
		pihpc_conf_release(&cf);
	} else {
		(void)printf("CPUs=%u Boards=1 SocketsPerBoard=%u CoresPerSocket=%u ThreadsPerCore=%u RealMemory=%lu\n",
			     n.cpus, n.sockets, n.cores_per_socket,
			     n.threads_per_core, n.real_memory);
	}
}

static int
_join_leave(const char *verb, const char *name, unsigned timeout,
	    const struct pihpc_ctx *ctx)
{
	struct strbuf host = STRBUF_INIT, warning = STRBUF_INIT;
	struct strlist done = STRLIST_INIT, hints = STRLIST_INIT;
	struct pihpc_runner runner;
	struct pihpc_conf conf;
	int rc = 0, timed_out = 0;
	char err[1024];

	if (!name) {
		if (pihpc_short_hostname(ctx, &host, err, sizeof(err)) < 0)
			die("%s", err);
		name = host.buf;
	}
	if (pihpc_check_hostname(name) < 0 || strchr(name, '.'))
		die("invalid node name '%s'", name);
	load_conf_or_die(ctx, &conf);
	pihpc_runner_init(&runner);
	if (!strcmp(verb, "join")) {
		rc = pihpc_node_join(&runner, &conf, name, timeout, &timed_out,
				     &done, err, sizeof(err));
		if (timed_out)
			pihpc_node_join_hints(&conf, name, &hints);
	} else if (pihpc_conf_yes(&conf, PIHPC_NODE_REGISTRATION)) {
		/* static nodes are defined by slurm.conf: nothing to delete */
		rc = pihpc_node_leave(&runner, name, &done, &warning, err,
				      sizeof(err));
	}
	print_done(&done);
	if (warning.len) {
		(void)fflush(stdout);
		(void)fprintf(stderr, "pihpc: warning: %s\n", warning.buf);
	}
	if (rc < 0) {
		size_t i;

		(void)errorf("%s", err);
		for (i = 0; i < hints.nr; i++)
			(void)fprintf(stderr, "pihpc: hint: %s\n", hints.v[i]);
	}
	strlist_clear(&done);
	strlist_clear(&hints);
	strbuf_release(&host);
	strbuf_release(&warning);
	pihpc_conf_release(&conf);
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_node(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "conf", no_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = cmd_verb(argc, argv, NODE_USAGE, node_help);
	const char *name = NULL, *bad = NULL;
	unsigned long timeout = 60;
	int c, conf = 0;
	char *end;

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hcT:n:", opts, NODE_USAGE,
			       node_help)) != -1) {
		if (c == 'c') {
			conf = 1;
			bad = strcmp(verb, "detect") ? "--conf" : bad;
		} else if (c == 'T') {
			errno = 0;
			timeout = strtoul(optarg, &end, 10);
			if (errno || !*optarg || *end || *optarg == '-' ||
			    timeout > 86400)
				usage_die(NODE_USAGE, "invalid timeout '%s'",
					  optarg);
			bad = strcmp(verb, "join") ? "--timeout" : bad;
		} else if (c == 'n') {
			name = optarg;
			bad = !strcmp(verb, "detect") ? "--name" : bad;
		}
	}
	if (strcmp(verb, "detect") && strcmp(verb, "join") &&
	    strcmp(verb, "leave"))
		usage_die(NODE_USAGE, "unknown subcommand '%s'", verb);
	if (bad)
		usage_die(NODE_USAGE, "option '%s' is not for '%s'", bad, verb);
	if (optind < argc - 1)
		usage_die(NODE_USAGE, "too many arguments");
	if (!strcmp(verb, "detect")) {
		_detect(ctx, conf);
		return 0;
	}
	return _join_leave(verb, name, (unsigned)timeout, ctx);
}
