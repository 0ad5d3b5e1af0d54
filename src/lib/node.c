/*
 * node.c - this node's hardware as Slurm wants it described.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "file.h"
#include "i18n.h"
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
		rc = pihpc_err(err, errlen, _("cannot parse '%s': '%s'"), path,
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
pihpc_meminfo_total(const char *fname, const char *text, unsigned long *mib,
		    char *err, size_t errlen)
{
	static const char key[] = "MemTotal:";
	const char *p, *end;

	for (p = text; *p; p = *end ? end + 1 : end) {
		const char *v;
		unsigned long kb;
		char *stop;

		end = p + strcspn(p, "\n");
		if (strncmp(p, key, strlen(key)))
			continue;
		v = p + strlen(key);
		v += strspn(v, " \t");
		/* strtoul() would take "-1" for the largest number */
		if (*v < '0' || *v > '9')
			break;
		errno = 0;
		kb = strtoul(v, &stop, 10);
		if (errno)
			break;
		v = stop + strspn(stop, " \t");
		if (!strncmp(v, "kB", 2))
			v += 2;
		if (v + strspn(v, " \t") != end)
			break;
		*mib = kb / 1024;
		return 0;
	}
	if (!*p)
		return pihpc_err(err, errlen, _("no 'MemTotal' in '%s'"), fname);
	return pihpc_err(err, errlen, _("cannot parse 'MemTotal' in '%s': '%.*s'"),
			 fname, (int)(end - p), p);
}

void
pihpc_node_topology(struct pihpc_node *n, const long *pkg, const long *core,
		    unsigned ncpu)
{
	unsigned i, j, npkg = 0, ncore = 0;

	for (i = 0; i < ncpu; i++) {
		for (j = 0; j < i && (pkg[j] != pkg[i] || core[j] != core[i]); j++)
			;
		if (j == i)
			ncore++;
		for (j = 0; j < i && pkg[j] != pkg[i]; j++)
			;
		if (j == i)
			npkg++;
	}
	n->cpus = ncpu;
	n->sockets = npkg;
	n->cores_per_socket = npkg ? ncore / npkg : 0;
	n->threads_per_core = ncore ? ncpu / ncore : 0;
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
		/* a comma must be followed by another range */
		if (*p == ',' && p[1] >= '0' && p[1] <= '9')
			p++;
		else if (*p && *p != '\n')
			return -1;
	}
	/* one line: at most a final newline */
	return *p && p[1] ? -1 : 0;
}

int
pihpc_node_detect(const struct pihpc_ctx *ctx, struct pihpc_node *n,
		  char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	unsigned char *online = xmalloc(MAX_CPUS);
	long *pkg = xmalloc(MAX_CPUS * sizeof(*pkg));
	long *core = xmalloc(MAX_CPUS * sizeof(*core));
	unsigned i, ncpu = 0;
	int rc = -1;

	memset(n, 0, sizeof(*n));
	pihpc_path(ctx, CPU_DIR "/online", &path);
	if (pihpc_read_file(path.buf, &text, err, errlen) < 0)
		goto out;
	strbuf_trim(&text);
	if (pihpc_cpulist_parse(text.buf, online, MAX_CPUS) < 0) {
		(void)pihpc_err(err, errlen, _("cannot parse '%s': '%s'"),
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
		pkg[ncpu] = p;
		core[ncpu] = c;
		ncpu++;
	}
	if (!ncpu) {
		(void)pihpc_err(err, errlen, _("no online CPUs in '%s'"),
				pihpc_path(ctx, CPU_DIR "/online", &path));
		goto out;
	}
	pihpc_node_topology(n, pkg, core, ncpu);

	pihpc_path(ctx, "/proc/meminfo", &path);
	strbuf_reset(&text);
	if (pihpc_read_file(path.buf, &text, err, errlen) < 0 ||
	    pihpc_meminfo_total(path.buf, text.buf, &n->mem_total_mib, err,
				errlen) < 0)
		goto out;
	n->real_memory = pihpc_real_memory(n->mem_total_mib);
	if (!n->real_memory) {
		(void)pihpc_err(err, errlen, _("too little memory in '%s': %lu MiB"),
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
