/*
 * node.c - this node's hardware as Slurm wants it described.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "file.h"
#include "node.h"

#define MAX_CPUS 8192
#define CPU_DIR "/sys/devices/system/cpu"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* Read an integer file; [*v] = [dflt] if it does not exist. */
static int
_read_long(const char *path, long dflt, long *v, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	char *end;
	int rc = 0;

	if (pihpc_read_file(path, &sb, err, errlen) < 0) {
		if (errno == ENOENT) {
			*v = dflt;
			rc = 0;
		} else {
			rc = -1;
		}
		goto out;
	}
	strbuf_trim(&sb);
	errno = 0;
	*v = strtol(sb.buf, &end, 10);
	if (errno || !sb.len || *end)
		rc = pihpc_err(err, errlen, "cannot parse '%s': '%s'", path,
			       sb.buf);
out:
	strbuf_release(&sb);
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

unsigned long
pihpc_real_memory(unsigned long mem_total_mib)
{
	unsigned long margin = mem_total_mib / 20;

	if (margin < 64)
		margin = 64;
	if (mem_total_mib <= margin)
		return 0;
	return (mem_total_mib - margin) / 16 * 16;
}

int
pihpc_cpulist_parse(const char *s, unsigned char *set, unsigned max)
{
	const char *p = s;

	memset(set, 0, max);
	while (*p && *p != '\n') {
		unsigned long lo, hi, i;
		char *end;

		if (*p < '0' || *p > '9')
			return -1;
		lo = strtoul(p, &end, 10);
		hi = lo;
		p = end;
		if (*p == '-') {
			if (p[1] < '0' || p[1] > '9')
				return -1;
			hi = strtoul(p + 1, &end, 10);
			p = end;
		}
		if (hi < lo || hi >= max)
			return -1;
		for (i = lo; i <= hi; i++)
			set[i] = 1;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -1;
	}
	return 0;
}

int
pihpc_node_detect(const struct pihpc_ctx *ctx, struct pihpc_node *n,
		  char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	unsigned char *online = xmalloc(MAX_CPUS);
	long *pkg = xmalloc(MAX_CPUS * sizeof(*pkg));
	long *core = xmalloc(MAX_CPUS * sizeof(*core));
	unsigned i, j, npkg = 0, ncore = 0;
	const char *mem;
	int rc = -1;

	memset(n, 0, sizeof(*n));
	pihpc_path(ctx, CPU_DIR "/online", &path);
	if (pihpc_read_file(path.buf, &text, err, errlen) < 0)
		goto out;
	strbuf_trim(&text);
	if (pihpc_cpulist_parse(text.buf, online, MAX_CPUS) < 0) {
		(void)pihpc_err(err, errlen, "cannot parse '%s': '%s'",
				path.buf, text.buf);
		goto out;
	}
	for (i = 0; i < MAX_CPUS; i++) {
		struct strbuf f = STRBUF_INIT;
		long p = 0, c = 0;
		int r;

		if (!online[i])
			continue;
		strbuf_addf(&f, "%s/cpu%u/topology/physical_package_id",
			    pihpc_path(ctx, CPU_DIR, &path), i);
		r = _read_long(f.buf, 0, &p, err, errlen);
		strbuf_reset(&f);
		strbuf_addf(&f, "%s/cpu%u/topology/core_id", path.buf, i);
		if (r == 0)
			r = _read_long(f.buf, (long)i, &c, err, errlen);
		strbuf_release(&f);
		if (r < 0)
			goto out;
		if (p < 0)	/* some ARM kernels say -1 */
			p = 0;
		for (j = 0; j < n->cpus && (pkg[j] != p || core[j] != c); j++)
			;
		if (j == n->cpus)
			ncore++;
		for (j = 0; j < n->cpus && pkg[j] != p; j++)
			;
		if (j == n->cpus)
			npkg++;
		pkg[n->cpus] = p;
		core[n->cpus] = c;
		n->cpus++;
	}
	if (!n->cpus) {
		(void)pihpc_err(err, errlen, "no online CPUs in '%s'",
				pihpc_path(ctx, CPU_DIR "/online", &path));
		goto out;
	}
	n->sockets = npkg;
	n->cores_per_socket = ncore / npkg;
	n->threads_per_core = n->cpus / ncore;

	pihpc_path(ctx, "/proc/meminfo", &path);
	strbuf_reset(&text);
	if (pihpc_read_file(path.buf, &text, err, errlen) < 0)
		goto out;
	mem = strstr(text.buf, "MemTotal:");
	if (!mem || (mem != text.buf && mem[-1] != '\n')) {
		(void)pihpc_err(err, errlen, "no 'MemTotal' in '%s'", path.buf);
		goto out;
	}
	n->mem_total_mib = strtoul(mem + strlen("MemTotal:"), NULL, 10) / 1024;
	n->real_memory = pihpc_real_memory(n->mem_total_mib);
	if (!n->real_memory) {
		(void)pihpc_err(err, errlen, "too little memory in '%s': %lu MiB",
				path.buf, n->mem_total_mib);
		goto out;
	}
	rc = 0;
out:
	strbuf_release(&path);
	strbuf_release(&text);
	free(online);
	free(pkg);
	free(core);
	return rc;
}
