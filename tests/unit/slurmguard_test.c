/*
 * slurmguard_test.c - the Slurm version rules over the package actions
 * of an apt run, on a compute node, the controller and the storage node.
 */
#include "testutil.h"
#include "fakerun.h"

#define SCONTROL "timeout -k 2 10 scontrol show config"
#define DPKG_QUERY "dpkg-query -W -f ${Package} ${Status} ${Version}\\n slurmdbd slurm-smd-slurmdbd"

#define HOOK_HEAD "VERSION 3\nAPT::Architecture=amd64\n\n"

#define SMD_NODE \
	"slurmd 22.05.8-4+deb12u3 amd64 none > - - none **REMOVE**\n" \
	"slurm-client 22.05.8-4+deb12u3 amd64 none > - - none **REMOVE**\n" \
	"slurm-smd - - none < 24.11.5-1 amd64 same /a/slurm-smd.deb\n" \
	"slurm-smd-client - - none < 24.11.5-1 amd64 same /a/slurm-smd-client.deb\n" \
	"slurm-smd-slurmd - - none < 24.11.5-1 amd64 same /a/slurm-smd-slurmd.deb\n" \
	"slurm-smd-slurmd - - none < 24.11.5-1 amd64 same **CONFIGURE**\n" \
	"hello 2.10-2 amd64 foreign < 2.10-3 amd64 foreign /a/hello.deb\n"

struct world {
	char *root;
	struct pihpc_ctx ctx;
	struct pihpc_conf conf;
	struct pihpc_runner run;
	struct fake fake;
	struct pihpc_guard_env env;
	struct pihpc_apthook hook;
	struct strlist problems, warnings;
};

static void
_world(struct world *w, const char *host, const char *hook,
       const struct fake_call *calls, size_t ncalls)
{
	char err[256];

	memset(w, 0, sizeof(*w));
	w->root = tu_mkdtemp();
	w->ctx.root = w->root;
	pihpc_conf_init(&w->conf);
	fake_init(&w->run, &w->fake, calls, ncalls);
	w->env.ctx = &w->ctx;
	w->env.run = &w->run;
	w->env.conf = &w->conf;
	w->env.host = host;
	if (pihpc_apthook_parse(hook, strlen(hook), &w->hook, err, sizeof(err)) < 0)
		fail_msg("%s", err);
}

static size_t
_check(struct world *w)
{
	size_t i, n = pihpc_guard_check(&w->env, &w->hook, &w->problems,
					&w->warnings);

	for (i = 0; i < w->problems.nr; i++)
		print_message("problem: %s\n", w->problems.v[i]);
	for (i = 0; i < w->warnings.nr; i++)
		print_message("warning: %s\n", w->warnings.v[i]);
	return n;
}

static void
_done(struct world *w)
{
	fake_done(&w->fake);
	pihpc_apthook_release(&w->hook);
	strlist_clear(&w->problems);
	strlist_clear(&w->warnings);
	pihpc_conf_release(&w->conf);
	tu_rmrf(w->root);
}

static char *
_remembered(const struct world *w)
{
	struct strbuf p = STRBUF_INIT, text = STRBUF_INIT;
	char err[256];

	pihpc_path(&w->ctx, PIHPC_CONTROLLER_VERSION_PATH, &p);
	if (pihpc_read_file(p.buf, &text, err, sizeof(err)) < 0)
		strbuf_addstr(&text, "(none)");
	strbuf_release(&p);
	return strbuf_detach(&text, NULL);
}

static void
test_kind(void **state)
{
	(void)state;
	assert_int_equal(pihpc_slurm_pkg_kind("slurmctld"), PIHPC_SLURM_PKG_CTLD);
	assert_int_equal(pihpc_slurm_pkg_kind("slurm-smd-slurmctld"), PIHPC_SLURM_PKG_CTLD);
	assert_int_equal(pihpc_slurm_pkg_kind("slurmdbd"), PIHPC_SLURM_PKG_DBD);
	assert_int_equal(pihpc_slurm_pkg_kind("slurm-smd-slurmdbd"), PIHPC_SLURM_PKG_DBD);
	assert_int_equal(pihpc_slurm_pkg_kind("slurmd"), PIHPC_SLURM_PKG_NODE);
	assert_int_equal(pihpc_slurm_pkg_kind("slurm-client"), PIHPC_SLURM_PKG_NODE);
	assert_int_equal(pihpc_slurm_pkg_kind("slurm-wlm-basic-plugins"), PIHPC_SLURM_PKG_NODE);
	assert_int_equal(pihpc_slurm_pkg_kind("slurm-smd"), PIHPC_SLURM_PKG_NODE);
	assert_int_equal(pihpc_slurm_pkg_kind("libslurm38"), PIHPC_SLURM_PKG_NODE);
	assert_int_equal(pihpc_slurm_pkg_kind("libpmi2-0"), PIHPC_SLURM_PKG_NODE);
	assert_int_equal(pihpc_slurm_pkg_kind("slurm"), PIHPC_SLURM_PKG_NONE);
	assert_int_equal(pihpc_slurm_pkg_kind("slurm-drmaa1"), PIHPC_SLURM_PKG_NONE);
	assert_int_equal(pihpc_slurm_pkg_kind("libpmix2"), PIHPC_SLURM_PKG_NONE);
	assert_int_equal(pihpc_slurm_pkg_kind("pihpc-compute"), PIHPC_SLURM_PKG_NONE);
}

/* Debian 12's Slurm on a compute node, SchedMD's 24.11 offered. */
static void
test_node_too_new(void **state)
{
	static const struct fake_call calls[] = {
		{ SCONTROL, 0, 0, "Configuration data as of 2026-01-01T00:00:00\nSLURM_VERSION           = 22.05.8\nSlurmctldHost = rpnode01\n", NULL },
	};
	struct world w;
	char *mem;

	(void)state;
	_world(&w, "rpnode02", HOOK_HEAD SMD_NODE, calls, FAKE_N(calls));
	assert_int_equal(_check(&w), 2);
	assert_string_equal(w.problems.v[0],
			    "refusing to install slurm-smd, slurm-smd-client, slurm-smd-slurmd: Slurm 24.11 accepts state and database records only from 23.02, 23.11 and 24.05; 22.05 is older: upgrade through 23.11 first (see pihpc-upgrade(8))");
	assert_string_equal(w.problems.v[1],
			    "refusing to install slurm-smd, slurm-smd-client, slurm-smd-slurmd: Slurm 24.11.5 is newer than the controller's 22.05.8, and slurmctld refuses a newer slurmd or client command: upgrade slurmdbd, then slurmctld on the controller first (see pihpc-upgrade(8))");
	assert_int_equal(w.warnings.nr, 0);
	mem = _remembered(&w);
	assert_string_equal(mem, "22.05.8\n");
	free(mem);
	_done(&w);
}

/* The controller does not answer: what was remembered, else a warning. */
static void
test_node_remembered(void **state)
{
	static const struct fake_call calls[] = {
		{ SCONTROL, 0, 1, NULL, "slurm_load_ctl_conf error: Unable to contact slurm controller (connect failure)\n" },
	};
	static const char hook[] = HOOK_HEAD
		"slurm-smd-slurmd 24.05.3-1 amd64 none < 24.11.5-1 amd64 none /a/d.deb\n";
	struct world w;

	(void)state;
	_world(&w, "rpnode02", hook, calls, FAKE_N(calls));
	tu_write(w.root, "var/lib/pihpc/controller-slurm-version", "24.05.3\n");
	assert_int_equal(_check(&w), 1);
	assert_non_null(strstr(w.problems.v[0], "Slurm 24.11.5 is newer than the controller's 24.05.3"));
	assert_int_equal(w.warnings.nr, 1);
	assert_non_null(strstr(w.warnings.v[0], "Unable to contact slurm controller"));
	assert_non_null(strstr(w.warnings.v[0], "as last seen"));
	_done(&w);

	/* nothing remembered: allowed, with a warning */
	_world(&w, "rpnode02", hook, calls, FAKE_N(calls));
	assert_int_equal(_check(&w), 0);
	assert_int_equal(w.warnings.nr, 1);
	assert_non_null(strstr(w.warnings.v[0], "cannot tell the controller's Slurm version"));
	assert_non_null(strstr(w.warnings.v[0], "controller-slurm-version"));
	_done(&w);

	/* the same version as the controller */
	{
		static const struct fake_call same[] = {
			{ SCONTROL, 0, 0, "SLURM_VERSION = 24.11.5\n", NULL },
		};

		_world(&w, "rpnode02", hook, same, FAKE_N(same));
		assert_int_equal(_check(&w), 0);
		assert_int_equal(w.warnings.nr, 0);
		_done(&w);
	}
}

/* The controller: slurmctld after slurmdbd. */
static void
test_controller(void **state)
{
	static const struct fake_call calls[] = {
		{ DPKG_QUERY, 0, 1, "slurmdbd install ok installed 23.11.4-1\n", "dpkg-query: no packages found matching slurm-smd-slurmdbd\n" },
	};
	static const char ctld_only[] = HOOK_HEAD
		"slurmctld 23.11.4-1 amd64 none > - - none **REMOVE**\n"
		"slurm-smd-slurmctld - - none < 24.11.5-1 amd64 none /a/c.deb\n";
	static const char both[] = HOOK_HEAD
		"slurmctld 23.11.4-1 amd64 none > - - none **REMOVE**\n"
		"slurmdbd 23.11.4-1 amd64 none > - - none **REMOVE**\n"
		"slurm-smd-slurmctld - - none < 24.11.5-1 amd64 none /a/c.deb\n"
		"slurm-smd-slurmdbd - - none < 24.11.5-1 amd64 none /a/d.deb\n";
	static const char wide[] = HOOK_HEAD
		"slurmctld 22.05.8-4+deb12u3 amd64 none > - - none **REMOVE**\n"
		"slurmdbd 22.05.8-4+deb12u3 amd64 none > - - none **REMOVE**\n"
		"slurm-smd-slurmctld - - none < 24.11.5-1 amd64 none /a/c.deb\n"
		"slurm-smd-slurmdbd - - none < 24.11.5-1 amd64 none /a/d.deb\n";
	struct world w;

	(void)state;
	_world(&w, "rpnode01", ctld_only, calls, FAKE_N(calls));
	assert_int_equal(_check(&w), 1);
	assert_string_equal(w.problems.v[0],
			    "refusing to install slurm-smd-slurmctld: Slurm 24.11.5 is newer than the slurmdbd installed after this run (slurmdbd 23.11.4-1), and slurmdbd must be upgraded before slurmctld: upgrade slurmdbd first, or in the same run (see pihpc-upgrade(8))");
	_done(&w);

	_world(&w, "rpnode01", both, NULL, 0);
	assert_int_equal(_check(&w), 0);
	_done(&w);

	_world(&w, "rpnode01", wide, NULL, 0);
	assert_int_equal(_check(&w), 1);
	assert_non_null(strstr(w.problems.v[0],
			       "refusing to install slurm-smd-slurmctld, slurm-smd-slurmdbd: Slurm 24.11 accepts"));
	_done(&w);
}

/* What passes without asking anyone. */
static void
test_passes(void **state)
{
	static const char other[] = HOOK_HEAD
		"hello 2.10-2 amd64 foreign < 2.10-3 amd64 foreign /a/hello.deb\n"
		"slurm 0.4.3-2 amd64 none < 0.4.4-1 amd64 none /a/slurm.deb\n"
		"slurmd 22.05.8-4 amd64 none > - - none **REMOVE**\n";
	static const char storage[] = HOOK_HEAD
		"slurm-client 22.05.8-4 amd64 none < 23.02.1-1 amd64 none /a/c.deb\n";
	struct world w;

	(void)state;
	_world(&w, "rpnode02", other, NULL, 0);
	assert_int_equal(_check(&w), 0);
	assert_int_equal(w.warnings.nr, 0);
	_done(&w);

	/* the storage node runs no slurmd: the window only */
	_world(&w, "filenode01", storage, NULL, 0);
	assert_int_equal(_check(&w), 0);
	_done(&w);

	/* the role unknown: the window only */
	_world(&w, "rpnode02", storage, NULL, 0);
	w.env.conf = NULL;
	assert_int_equal(_check(&w), 0);
	_done(&w);
}

static void
test_unknown(void **state)
{
	static const char hook[] = HOOK_HEAD
		"slurmctld 24.05.1-1 amd64 none < 24.08.0-1 amd64 none /a/c.deb\n"
		"slurmdbd 24.05.1-1 amd64 none < 0git20240101-1 amd64 none /a/d.deb\n";
	struct world w;

	(void)state;
	_world(&w, "rpnode01", hook, NULL, 0);
	w.env.conf = NULL;
	assert_int_equal(_check(&w), 2);
	assert_string_equal(w.problems.v[0],
			    "refusing to install slurmdbd 0git20240101-1: not a Slurm version (see pihpc-upgrade(8))");
	assert_non_null(strstr(w.problems.v[1], "slurmctld: Slurm 24.08 is not a major release known here"));
	_done(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_node_too_new),
		cmocka_unit_test(test_node_remembered),
		cmocka_unit_test(test_controller),
		cmocka_unit_test(test_passes),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests_name("slurmguard", tests, NULL, NULL);
}
