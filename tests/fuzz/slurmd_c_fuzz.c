/*
 * slurmd_c_fuzz.c - what "slurmd -C" would say, from the kernel's files.
 *
 * pihpc describes the node itself (node.c) instead of running slurmd -C:
 * the online CPU list, each CPU's package and core id, and MemTotal.
 * Input: CPU LIST %% MEMINFO %% "PACKAGE CORE" lines, one per online
 * CPU (missing ones: package 0, core = CPU number).  Properties:
 *   - a CPU list parses exactly when it has the kernel's syntax, and
 *     prints back ("0-3,6") to the same set;
 *   - the topology is at least one socket, core and thread, and never
 *     more CPUs than are online;
 *   - RealMemory is a multiple of 16 MiB, at least 64 MiB below MemTotal;
 *   - the "slurmd -Z --conf" parameters and slurmd.env read back with
 *     pihpc_scontrol_field() give the same numbers.
 */
#include "fuzz.h"

/*
 * node.c allows 8192; counting the topology compares each CPU with every
 * other, so fewer keep the runs fast without changing what is tested.
 */
#define MAX_CPUS 256

/* Print [set] as a kernel CPU list into [sb]. */
static void
_print_cpulist(const unsigned char *set, unsigned max, struct strbuf *sb)
{
	unsigned i = 0, j;

	while (i < max) {
		if (!set[i]) {
			i++;
			continue;
		}
		for (j = i; j + 1 < max && set[j + 1]; j++)
			;
		strbuf_addf(sb, "%s%u", sb->len ? "," : "", i);
		if (j > i)
			strbuf_addf(sb, "-%u", j);
		i = j + 1;
	}
}

/*
 * The kernel's CPU list syntax, spelled out: ranges N or N-M (N <= M <
 * [max]) joined by commas, at most a final newline.
 */
static int
_cpulist_valid(const char *s, unsigned max)
{
	const char *p = s;

	while (*p && *p != '\n') {
		unsigned long lo, hi;

		if (*p < '0' || *p > '9')
			return 0;
		for (lo = 0; *p >= '0' && *p <= '9'; p++)	/* capped at max */
			lo = lo >= max ? max : lo * 10 + (unsigned long)(*p - '0');
		hi = lo;
		if (*p == '-') {
			if (*++p < '0' || *p > '9')
				return 0;
			for (hi = 0; *p >= '0' && *p <= '9'; p++)
				hi = hi >= max ? max : hi * 10 + (unsigned long)(*p - '0');
		}
		if (hi < lo || hi >= max)
			return 0;
		if (*p == ',' && p[1] && p[1] != '\n')
			p++;
		else if (*p && *p != '\n')
			return 0;
	}
	return !*p || !p[1];
}

/* Abort unless [params] says [key]=[want]. */
static void
_says(const char *params, const char *key, unsigned long want)
{
	struct strbuf v = STRBUF_INIT, w = STRBUF_INIT;

	strbuf_addf(&w, "%lu", want);
	FUZZ_ASSERT(pihpc_scontrol_field(params, key, &v) &&
		    !strcmp(v.buf, w.buf),
		    "'%s' says %s=%s, want %s", params, key, v.buf, w.buf);
	strbuf_release(&v);
	strbuf_release(&w);
}

static void
_check_params(const struct pihpc_node *n)
{
	struct strbuf params = STRBUF_INIT, env = STRBUF_INIT, v = STRBUF_INIT;
	struct pihpc_conf c;
	const char *opt;

	pihpc_slurmd_conf_params(n, "pihpc", &params);
	_says(params.buf, "Sockets", n->sockets);
	_says(params.buf, "CoresPerSocket", n->cores_per_socket);
	_says(params.buf, "ThreadsPerCore", n->threads_per_core);
	_says(params.buf, "RealMemory", n->real_memory);
	FUZZ_ASSERT(pihpc_scontrol_field(params.buf, "Feature", &v) &&
		    !strcmp(v.buf, "pihpc"), "Feature=%s", v.buf);

	/* slurmd.env: the header, then the options on one line */
	pihpc_conf_init(&c);
	pihpc_slurmd_env_text(&c, n, &env);
	FUZZ_ASSERT(!strncmp(env.buf, PIHPC_SLURMD_ENV_HEADER,
			     strlen(PIHPC_SLURMD_ENV_HEADER)),
		    "slurmd.env lacks its header");
	opt = env.buf + strlen(PIHPC_SLURMD_ENV_HEADER);
	FUZZ_ASSERT(strchr(opt, '\n') == env.buf + env.len - 1,
		    "slurmd.env options are not one line");
	FUZZ_ASSERT(strstr(opt, params.buf), "slurmd.env lacks '%s'",
		    params.buf);
	pihpc_conf_release(&c);
	strbuf_release(&params);
	strbuf_release(&env);
	strbuf_release(&v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part[3];
	struct strbuf printed = STRBUF_INIT;
	unsigned char *set = xmalloc(MAX_CPUS), *set2 = xmalloc(MAX_CPUS);
	long *pkg = xmalloc(MAX_CPUS * sizeof(*pkg));
	long *core = xmalloc(MAX_CPUS * sizeof(*core));
	char *list, *meminfo, *topo, err[512];
	unsigned ncpu = 0;
	unsigned long mib = 0;
	struct pihpc_node n;
	int cpus_ok, mem_ok;

	(void)fuzz_split(data, size, part, 3);
	list = fuzz_str(&part[0]);
	meminfo = fuzz_str(&part[1]);
	topo = fuzz_str(&part[2]);
	memset(&n, 0, sizeof(n));

	cpus_ok = pihpc_cpulist_parse(list, set, MAX_CPUS) == 0;
	FUZZ_ASSERT(cpus_ok == _cpulist_valid(list, MAX_CPUS),
		    "CPU list '%s' %s", list, cpus_ok ? "accepted" : "refused");
	if (cpus_ok) {
		const char *t;
		unsigned i;

		_print_cpulist(set, MAX_CPUS, &printed);
		FUZZ_ASSERT(pihpc_cpulist_parse(printed.buf, set2, MAX_CPUS) == 0 &&
			    !memcmp(set, set2, MAX_CPUS),
			    "'%s' prints as '%s', which differs", list,
			    printed.buf);
		for (i = 0, t = topo; i < MAX_CPUS; i++) {
			char *end;

			if (!set[i])
				continue;
			pkg[ncpu] = 0;
			core[ncpu] = (long)i;
			if (*t) {
				pkg[ncpu] = strtol(t, &end, 10);
				core[ncpu] = strtol(end, &end, 10);
				t = end + strcspn(end, "\n");
				if (*t)
					t++;
			}
			if (pkg[ncpu] < 0)	/* as pihpc_node_detect() */
				pkg[ncpu] = 0;
			ncpu++;
		}
		pihpc_node_topology(&n, pkg, core, ncpu);
		FUZZ_ASSERT(n.cpus == ncpu, "%u CPUs, %u online", n.cpus, ncpu);
		if (ncpu) {
			FUZZ_ASSERT(n.sockets >= 1 && n.cores_per_socket >= 1 &&
				    n.threads_per_core >= 1,
				    "%u sockets, %u cores, %u threads", n.sockets,
				    n.cores_per_socket, n.threads_per_core);
			FUZZ_ASSERT((unsigned long)n.sockets * n.cores_per_socket *
				    n.threads_per_core <= ncpu,
				    "%u x %u x %u is more than %u CPUs", n.sockets,
				    n.cores_per_socket, n.threads_per_core, ncpu);
		}
	}

	err[0] = '\0';
	mem_ok = pihpc_meminfo_total("meminfo", meminfo, &mib, err,
				     sizeof(err)) == 0;
	FUZZ_ASSERT(mem_ok || err[0], "MemTotal refused without a message");
	if (mem_ok) {
		n.mem_total_mib = mib;
		n.real_memory = pihpc_real_memory(mib);
		FUZZ_ASSERT(n.real_memory % 16 == 0, "RealMemory=%lu",
			    n.real_memory);
		FUZZ_ASSERT(!n.real_memory || n.real_memory + 64 <= mib,
			    "RealMemory=%lu of %lu MiB", n.real_memory, mib);
	}
	if (cpus_ok && ncpu && mem_ok && n.real_memory)
		_check_params(&n);

	strbuf_release(&printed);
	free(set);
	free(set2);
	free(pkg);
	free(core);
	free(list);
	free(meminfo);
	free(topo);
	return 0;
}
