/*
 * node.c - "pihpc node detect": this node's hardware for Slurm.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define NODE_USAGE "pihpc node detect [--conf]"

static const char node_help[] =
	"\n"
	"Print this node's CPUs and memory as slurmd -C would, from\n"
	"/sys/devices/system/cpu and /proc/meminfo.  RealMemory is MemTotal\n"
	"minus 5% (at least 64 MiB), rounded down to a multiple of 16 MiB.\n"
	"\n"
	"  -c, --conf   print the form for 'slurmd -Z --conf', with\n"
	"               Feature=<node_feature> from cluster.conf\n";

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_node(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "conf", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = cmd_verb(argc, argv, NODE_USAGE, node_help);
	struct pihpc_node n;
	int c, conf = 0;
	char err[1024];

	optind = 0;
	while ((c = cmd_getopt(argc - 1, argv + 1, ":hc", opts, NODE_USAGE,
			       node_help)) != -1)
		if (c == 'c')
			conf = 1;
	if (strcmp(verb, "detect"))
		usage_die(NODE_USAGE, "unknown subcommand '%s'", verb);
	if (optind < argc - 1)
		usage_die(NODE_USAGE, "too many arguments");
	if (pihpc_node_detect(ctx, &n, err, sizeof(err)) < 0)
		die("%s", err);
	if (conf) {
		struct pihpc_conf cf;

		load_conf_or_die(ctx, &cf);
		(void)printf("Sockets=%u CoresPerSocket=%u ThreadsPerCore=%u RealMemory=%lu Feature=%s\n",
			     n.sockets, n.cores_per_socket, n.threads_per_core,
			     n.real_memory, pihpc_conf_get(&cf, PIHPC_NODE_FEATURE));
		pihpc_conf_release(&cf);
	} else {
		(void)printf("CPUs=%u Boards=1 SocketsPerBoard=%u CoresPerSocket=%u ThreadsPerCore=%u RealMemory=%lu\n",
			     n.cpus, n.sockets, n.cores_per_socket,
			     n.threads_per_core, n.real_memory);
	}
	return 0;
}
