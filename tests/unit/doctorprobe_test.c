/*
 * doctorprobe_test.c - the probe a node sends the controller's doctor:
 * rendered and parsed back, hostile input refused; and the controller's
 * cluster checks on sinfo, srun and probes played back.
 */
#include "testutil.h"
#include "fakerun.h"

static const char probe_ok[] =
	"pihpc-probe 1\n"
	"host rpnode02\n"
	"time 1764700000.250000\n"
	"munge MUNGE:AwQDAACq+abc=:\n"
	"slurmd 22.05.8\n"
	"user slurm 151 151\n"
	"user pi 1000 1000\n"
	"user bob -\n"
	"resolve rpnode01 10.0.0.1\n"
	"resolve filenode01 -\n"
	"check warn clock the clock is 2.000000 s off its time source\n"
	"check fail nfs '/home' is not a mount point\n"
	"fix mount them ('mount -a -t nfs,nfs4')\n"
	"end\n";

static void
test_parse_render(void **state)
{
	struct pihpc_probe p = PIHPC_PROBE_INIT;
	struct strbuf out = STRBUF_INIT;
	char err[256];

	(void)state;
	assert_int_equal(pihpc_probe_parse(probe_ok, strlen(probe_ok), &p, err,
					   sizeof(err)), 0);
	assert_string_equal(p.host, "rpnode02");
	assert_int_equal(p.sec, 1764700000LL);
	assert_int_equal(p.usec, 250000);
	assert_string_equal(p.slurmd, "22.05.8");
	assert_int_equal(p.nusers, 3);
	assert_int_equal(p.users[1].uid, 1000);
	assert_int_equal(p.users[2].uid, -1);
	assert_int_equal(p.naddrs, 2);
	assert_null(p.addrs[1].addr);
	assert_int_equal(p.nchecks, 2);
	assert_int_equal(p.checks[1].status, PIHPC_CHECK_FAIL);
	assert_string_equal(p.checks[1].found, "'/home' is not a mount point");
	assert_null(p.checks[0].fix);
	assert_string_equal(p.checks[1].fix, "mount them ('mount -a -t nfs,nfs4')");
	pihpc_probe_render(&p, &out);
	assert_string_equal(out.buf, probe_ok);
	pihpc_probe_release(&p);
	strbuf_release(&out);
}

static void
test_parse_hostile(void **state)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "", "probe line 0: no end line" },
		{ "pihpc-probe 2\nend\n", "probe line 1: not a pihpc probe" },
		{ "pihpc-probe 1\nhost a\ntime 1.000000\nmunge-error x\nend", "probe line 5: the line does not end" },
		{ "pihpc-probe 1\nhost a\nend\n", "probe line 3: the host, its time or its MUNGE line is missing" },
		{ "pihpc-probe 1\nhost a\nhost b\n", "probe line 3: bad host name" },
		{ "pihpc-probe 1\nhost -a\n", "probe line 2: bad host name" },
		{ "pihpc-probe 1\ntime 1.5\n", "probe line 2: bad time" },
		{ "pihpc-probe 1\nmunge xyz\n", "probe line 2: bad MUNGE credential" },
		{ "pihpc-probe 1\nuser pi 4294967295 1\n", "probe line 2: bad user line" },
		{ "pihpc-probe 1\nuser Pi 1 1\n", "probe line 2: bad user line" },
		{ "pihpc-probe 1\nuser pi -1 1\n", "probe line 2: bad user line" },
		{ "pihpc-probe 1\nresolve a 10.0.0.300\n", "probe line 2: bad resolve line" },
		{ "pihpc-probe 1\ncheck ok nfs fine\n", "probe line 2: bad check line" },
		{ "pihpc-probe 1\ncheck fail nfs\x1b[2J\n", "probe line 2: a control character" },
		{ "pihpc-probe 1\nslurmd soon\n", "probe line 2: bad Slurm version" },
		{ "pihpc-probe 1\nshell rm -rf /\n", "probe line 2: unknown line" },
		{ "pihpc-probe 1\nfix reboot\n", "probe line 2: a fix without its check" },
		{ "pihpc-probe 1\ncheck fail nfs x\nfix a\nfix b\n", "probe line 4: a fix without its check" },
		{ "pihpc-probe 1\nhost a\ntime 1.000000\nmunge-error x\nend\nmore\n", "probe line 5: text after the end" },
	};
	struct pihpc_probe p = PIHPC_PROBE_INIT;
	struct strbuf big = STRBUF_INIT;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pihpc_probe_parse(bad[i].text, strlen(bad[i].text),
						   &p, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].err);
		assert_null(p.host);
	}
	strbuf_addstr(&big, "pihpc-probe 1\nhost ");
	for (i = 0; i < PIHPC_PROBE_LINE_MAX; i++)
		strbuf_addch(&big, 'a');
	strbuf_addch(&big, '\n');
	assert_int_equal(pihpc_probe_parse(big.buf, big.len, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "probe line 2: the line is too long");
	strbuf_release(&big);
}

/* The controller's world: its /etc/passwd, a fake srun, fake ports. */
struct world {
	char *root;
	struct pihpc_ctx ctx;
	struct pihpc_conf conf;
	struct pihpc_runner run;
	struct fake fake;
	struct pihpc_doctor_env env;
	struct pihpc_cluster_env cenv;
	struct pihpc_report r;
	long long now;
};

static int
_connect(void *data, const char *addr, unsigned port, char *err,
	 size_t errlen)
{
	(void)data;
	if (!strcmp(addr, "10.0.0.2"))
		return pihpc_err(err, errlen, "no answer within 3 s");
	assert_int_equal(port, 6818);
	return 0;
}

static int
_unmunge(void *data, const char *cred, long long *encoded, char *err,
	 size_t errlen)
{
	(void)data;
	*encoded = 0;
	if (strstr(cred, "bad"))
		return pihpc_err(err, errlen, "cannot decode a munge credential: Invalid credential");
	return 0;
}

static long long
_now(void *data)
{
	struct world *w = data;

	/* srun takes half a second */
	w->now += 500000;
	return w->now;
}

static void
_world(struct world *w, const struct fake_call *calls, size_t n)
{
	memset(w, 0, sizeof(*w));
	w->root = tu_mkdtemp();
	w->ctx.root = w->root;
	tu_write(w->root, "etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\n"
		 "slurm:x:151:151::/var/lib/slurm:/bin/false\n"
		 "pi:x:1000:1000::/home/pi:/bin/sh\n");
	pihpc_conf_init(&w->conf);
	fake_init(&w->run, &w->fake, calls, n);
	pihpc_doctor_env_init(&w->env, &w->ctx, &w->run, &w->conf, "rpnode01");
	pihpc_cluster_env_init(&w->cenv, &w->env);
	w->cenv.connect = _connect;
	w->cenv.unmunge = _unmunge;
	w->cenv.now_us = _now;
	w->cenv.data = w;
	w->now = 1764700000000000LL;
}

static void
_world_free(struct world *w)
{
	fake_done(&w->fake);
	pihpc_report_release(&w->r);
	pihpc_conf_release(&w->conf);
	tu_rmrf(w->root);
}

static const struct pihpc_check *
_find(const struct pihpc_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->v[i].name, name))
			return &r->v[i];
	fail_msg("no check %s", name);
	return NULL;
}

#define SRUN(node) \
	"srun --nodelist=" node " --nodes=1 --ntasks=1 --immediate=20 --time=1 " \
	"--job-name=pihpc-doctor --quiet /usr/sbin/pihpc doctor --probe"
#define CONFIG "SLURM_VERSION           = 22.05.8\nSlurmdPort              = 6818\n"
#define SINFO "sinfo --noheader --Node --format=%N|%T|%v|%o|%E"

static void
test_cluster(void **state)
{
	static const struct fake_call calls[] = {
		{ "scontrol show config", 0, 0, CONFIG, NULL },
		{ SINFO, 0, 0,
		  "rpnode01|idle|22.05.8|10.0.0.1|none\n"
		  "rpnode01|idle|22.05.8|10.0.0.1|none\n"
		  "rpnode03|mixed|22.05.8|10.0.0.3|none\n"
		  "rpnode04|idle|22.05.8|10.0.0.4|none\n"
		  "rpnode02|drained|23.02.1|10.0.0.2|pihpc doctor: nfs: '/home' is not a mount point\n"
		  "rpnode05|idle*|N/A|10.0.0.5|Not responding\n"
		  "rpnode06|idle~|N/A|10.0.0.6|none\n",
		  NULL },
		{ SRUN("rpnode01"), 0, 0,
		  "pihpc-probe 1\nhost rpnode01\ntime 1764700000.700000\n"
		  "munge MUNGE:good\nuser slurm 151 151\nuser pi 1000 1000\nend\n", NULL },
		{ SRUN("rpnode03"), 0, 0,
		  "pihpc-probe 1\nhost rpnode03\ntime 1764700200.000000\n"
		  "munge MUNGE:bad\nuser slurm 151 151\nuser pi 1001 1000\n"
		  "check fail realmemory RealMemory=9000 MiB is above MemTotal\n"
		  "check warn cgroup cgroup v1\nfix boot with cgroup v2\nend\n", NULL },
		{ SRUN("rpnode04"), 0, 1, NULL,
		  "srun: error: Task launch for StepId=7.0 failed on node rpnode04: Invalid job credential\n" },
	};
	struct world w;
	const struct pihpc_check *c;

	(void)state;
	_world(&w, calls, sizeof(calls) / sizeof(calls[0]));
	pihpc_doctor_cluster(&w.cenv, &w.r);

	c = _find(&w.r, "node@rpnode01");
	assert_int_equal(c->status, PIHPC_CHECK_OK);
	assert_string_equal(c->found, "idle, slurmd 22.05.8, clock +0.000000 s, MUNGE both ways, 2 users and 0 names as here");

	c = _find(&w.r, "clock@rpnode03");
	assert_int_equal(c->status, PIHPC_CHECK_FAIL);
	assert_string_equal(c->found, "the clock is +198.000000 s off the controller's");
	c = _find(&w.r, "munge@rpnode03");
	assert_int_equal(c->status, PIHPC_CHECK_FAIL);
	c = _find(&w.r, "uid@rpnode03");
	assert_string_equal(c->found, "user pi is 1001:1000 there, 1000:1000 here");
	c = _find(&w.r, "realmemory@rpnode03");
	assert_int_equal(c->status, PIHPC_CHECK_FAIL);
	assert_string_equal(c->fix, "run 'pihpc doctor' on rpnode03: it says how to fix it");
	c = _find(&w.r, "cgroup@rpnode03");
	assert_int_equal(c->status, PIHPC_CHECK_WARN);
	assert_string_equal(c->fix, "on rpnode03: boot with cgroup v2");

	c = _find(&w.r, "srun@rpnode04");
	assert_int_equal(c->status, PIHPC_CHECK_FAIL);
	assert_non_null(strstr(c->fix, "MUNGE or Slurm refused it"));

	c = _find(&w.r, "version@rpnode02");
	assert_int_equal(c->status, PIHPC_CHECK_FAIL);
	assert_string_equal(c->found, "slurmd 23.02.1 is newer than slurmctld 22.05.8");
	c = _find(&w.r, "port@rpnode02");
	assert_string_equal(c->found, "slurmd's port 10.0.0.2:6818: no answer within 3 s");
	c = _find(&w.r, "state@rpnode02");
	assert_int_equal(c->status, PIHPC_CHECK_FAIL);
	assert_string_equal(c->fix, "run 'pihpc doctor' on rpnode02: the node resumes itself once its checks pass");

	c = _find(&w.r, "state@rpnode05");
	assert_int_equal(c->status, PIHPC_CHECK_FAIL);
	assert_string_equal(c->found, "idle*, reason: Not responding");

	c = _find(&w.r, "state@rpnode06");
	assert_int_equal(c->status, PIHPC_CHECK_SKIP);
	assert_string_equal(c->found, "idle~: powered down or powering up or down; not probed");
	assert_int_equal(w.r.nr, 12);
	_world_free(&w);
}

static void
test_cluster_no_controller(void **state)
{
	static const struct fake_call calls[] = {
		{ "scontrol show config", 0, 1, NULL,
		  "slurm_load_ctl_conf error: Unable to contact slurm controller (connect failure)\n" },
	};
	struct world w;

	(void)state;
	_world(&w, calls, 1);
	pihpc_doctor_cluster(&w.cenv, &w.r);
	assert_int_equal(w.r.nr, 1);
	assert_string_equal(w.r.v[0].name, "cluster");
	assert_int_equal(w.r.v[0].status, PIHPC_CHECK_FAIL);
	assert_string_equal(w.r.v[0].found,
			    "'scontrol' failed with exit status 1: slurm_load_ctl_conf error: Unable to contact slurm controller (connect failure)");
	_world_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_render),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_cluster),
		cmocka_unit_test(test_cluster_no_controller),
	};

	return cmocka_run_group_tests_name("doctorprobe", tests, NULL, NULL);
}
