/*
 * probe_fuzz.c - what a node's "pihpc doctor --probe" sends the controller.
 *
 * Input: the probe text, as srun hands it over.  Properties:
 *   - pihpc_probe_parse() either fails with a message and leaves nothing
 *     behind, or succeeds, and then rendering it gives a text that parses
 *     again into the same rendering;
 *   - the controller's cluster checks with that text as the node's
 *     answer report the node, every line with what it found.
 */
#include "fuzz.h"

static const char config[] = "SLURM_VERSION           = 22.05.8\n";
static const char sinfo[] = "rpnode02|idle|22.05.8|10.0.0.2|none\n";

static int
_run(void *data, char *const argv[], const char *in, size_t inlen,
     struct strbuf *out, struct strbuf *errout, char *err, size_t errlen)
{
	const char *probe = data;

	(void)in;
	(void)inlen;
	(void)errout;
	(void)err;
	(void)errlen;
	if (!strcmp(argv[0], "scontrol"))
		strbuf_addstr(out, config);
	else if (!strcmp(argv[0], "sinfo"))
		strbuf_addstr(out, sinfo);
	else if (!strcmp(argv[0], "srun"))
		strbuf_addstr(out, probe);
	return 0;
}

static int
_connect(void *data, const char *addr, unsigned port, char *err, size_t errlen)
{
	(void)data;
	(void)addr;
	(void)port;
	(void)err;
	(void)errlen;
	return 0;
}

static int
_unmunge(void *data, const char *cred, long long *encoded, char *err,
	 size_t errlen)
{
	(void)data;
	*encoded = 0;
	if (strlen(cred) % 2)
		return pihpc_err(err, errlen, "cannot decode a munge credential: Invalid credential");
	return 0;
}

static long long
_now_us(void *data)
{
	(void)data;
	return 1764700000000000LL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pihpc_probe p = PIHPC_PROBE_INIT, q = PIHPC_PROBE_INIT;
	struct strbuf once = STRBUF_INIT, twice = STRBUF_INIT;
	struct pihpc_report r = PIHPC_REPORT_INIT;
	struct pihpc_runner run = { _run, fuzz_no_sleep, fuzz_no_clock, NULL };
	struct pihpc_ctx ctx = { "/nonexistent" };
	struct pihpc_doctor_env env;
	struct pihpc_cluster_env cenv;
	struct strlist errs = STRLIST_INIT;
	struct pihpc_conf conf;
	char *text = xstrndup((const char *)data, size), err[512];
	size_t i;

	err[0] = '\0';
	if (pihpc_probe_parse((const char *)data, size, &p, err, sizeof(err)) < 0) {
		FUZZ_ASSERT(err[0] && !p.host && !p.nusers && !p.naddrs && !p.nchecks,
			    "failed parse: '%s', host %p", err, (void *)p.host);
	} else {
		pihpc_probe_render(&p, &once);
		FUZZ_ASSERT(pihpc_probe_parse(once.buf, once.len, &q, err,
					      sizeof(err)) == 0,
			    "rendering does not parse: %s", err);
		pihpc_probe_render(&q, &twice);
		FUZZ_ASSERT(!strcmp(once.buf, twice.buf), "round trip changed it");
	}

	/* no hosts: resolving names would ask the network on every run */
	pihpc_conf_init(&conf);
	FUZZ_ASSERT(pihpc_conf_parse(&conf, "cluster.conf", "hosts =\n", 8, &errs) == 0,
		    "cluster.conf without hosts refused");
	run.data = text;
	pihpc_doctor_env_init(&env, &ctx, &run, &conf, "rpnode01");
	pihpc_cluster_env_init(&cenv, &env);
	cenv.connect = _connect;
	cenv.unmunge = _unmunge;
	cenv.now_us = _now_us;
	pihpc_doctor_cluster(&cenv, &r);
	FUZZ_ASSERT(r.nr > 0, "nothing reported");
	for (i = 0; i < r.nr; i++)
		FUZZ_ASSERT(r.v[i].found && strstr(r.v[i].name, "@rpnode02"),
			    "check '%s' without a finding or node", r.v[i].name);

	pihpc_report_release(&r);
	pihpc_conf_release(&conf);
	strlist_clear(&errs);
	pihpc_probe_release(&p);
	pihpc_probe_release(&q);
	strbuf_release(&once);
	strbuf_release(&twice);
	free(text);
	return 0;
}
