/*
 * node.h - this node's hardware as Slurm wants it described.
 */
#ifndef PIHPC_NODE_H
#define PIHPC_NODE_H

#include <stddef.h>

#include "path.h"

struct pihpc_node {
	unsigned cpus;			/* online CPUs */
	unsigned sockets;		/* distinct physical packages */
	unsigned cores_per_socket;
	unsigned threads_per_core;
	unsigned long mem_total_mib;	/* MemTotal from /proc/meminfo */
	unsigned long real_memory;	/* what to tell Slurm, see below */
};

/*
 * RealMemory for [mem_total_mib]: minus 5% (at least 64 MiB), rounded down
 * to a multiple of 16, so that the node never drains for "Low RealMemory".
 */
unsigned long pihpc_real_memory(unsigned long mem_total_mib);

/*
 * Read ROOT/sys/devices/system/cpu/online, each online CPU's
 * topology/{physical_package_id,core_id} and ROOT/proc/meminfo.
 */
int pihpc_node_detect(const struct pihpc_ctx *ctx, struct pihpc_node *n,
		      char *err, size_t errlen);

/*
 * MemTotal of the /proc/meminfo text [text] ([fname] in messages), from kB
 * to MiB, into [mib].  The line must read "MemTotal: N kB".
 */
int pihpc_meminfo_total(const char *fname, const char *text,
			unsigned long *mib, char *err, size_t errlen);

/*
 * Set cpus, sockets, cores_per_socket and threads_per_core of [n] from the
 * physical package and core ids of [ncpu] online CPUs (all 0 for none).
 */
void pihpc_node_topology(struct pihpc_node *n, const long *pkg,
			 const long *core, unsigned ncpu);

/*
 * Parse a kernel CPU list ("0-3,6", at most a final newline) into [set] of
 * [max] flags; -1 if it is anything else.
 */
int pihpc_cpulist_parse(const char *s, unsigned char *set, unsigned max);

#endif /* PIHPC_NODE_H */
