/*
 * upgrade_test.c - pihpc upgrade: the parsers, then whole runs of the
 * controller's upgrade and of a node's follow on canned answers.
 */
#include "testutil.h"
#include "fakerun.h"

#define V2 "24.11.5-1+pihpc2~deb12"
#define V3 "24.11.5-1+pihpc3~deb12"

#define DPKG_QUERY "dpkg-query -W -f ${db:Status-Abbrev} ${Package} ${Version}\\n slurm*"
#define INSTALLED_CTL \
	"ii  slurm-smd " V2 "\n" \
	"ii  slurm-smd-client " V2 "\n" \
	"ii  slurm-smd-slurmctld " V2 "\n" \
	"ii  slurm-smd-slurmdbd " V2 "\n" \
	"un  slurm-smd-sview <none>\n"
#define APT_SHOW_CTL \
	"apt-cache show --no-all-versions slurm-smd slurm-smd-client slurm-smd-slurmctld slurm-smd-slurmdbd"
#define CANDIDATES(v) \
	"Package: slurm-smd\nVersion: " v "\nArchitecture: amd64\n\n" \
	"Package: slurm-smd-client\nVersion: " v "\n\n" \
	"Package: slurm-smd-slurmctld\nVersion: " v "\n\n" \
	"Package: slurm-smd-slurmdbd\nVersion: " v "\n"
#define APT_INSTALL \
	"env DEBIAN_FRONTEND=noninteractive apt-get install -y --only-upgrade --no-remove " \
	"-o Dpkg::Options::=--force-confold -o DPkg::Lock::Timeout=600 slurm-smd=" V3 " slurm-smd-client=" V3 " " \
	"slurm-smd-slurmctld=" V3 " slurm-smd-slurmdbd=" V3
#define APT_UPDATE "apt-get -o DPkg::Lock::Timeout=600 update"
#define DPKG_CONFIGURE "env DEBIAN_FRONTEND=noninteractive dpkg --force-confold --configure -a"
#define SRUN "srun --nodelist=rpnode02 --nodes=1 --ntasks=1 --immediate=30 --time=1 --mem=16M --quiet "
#define NODE(state, start, ver, reason) \
	"NodeName=rpnode02 Arch=x86_64 CPUTot=2 Version=" ver " State=" state " " \
	"BootTime=2026-12-02T20:00:00 SlurmdStartTime=" start " Partitions=batch " reason "\n"
#define SHOW_NODE "scontrol -o show node rpnode02"
#define REASON "pihpc upgrade: to " V3

static void
_noop_say(void *data, const char *line)
{
	struct strbuf *sb = data;

	strbuf_addf(sb, "%s\n", line);
}

static void
_opts(struct pihpc_upgrade_opts *o, const struct pihpc_ctx *ctx,
      const struct pihpc_runner *r, struct strbuf *said)
{
	memset(o, 0, sizeof(*o));
	o->ctx = ctx;
	o->r = r;
	o->host = "rpnode01";
	o->date = "20261202";
	o->dbd_timeout = 60;
	o->ctld_timeout = 60;
	o->node_timeout = 30;
	o->poll = 5;
	o->say = _noop_say;
	o->say_data = said;
}

static void
test_debver(void **state)
{
	(void)state;
	assert_true(pihpc_debver_cmp(V3, V2) > 0);
	assert_true(pihpc_debver_cmp(V2, V3) < 0);
	assert_int_equal(pihpc_debver_cmp(V2, V2), 0);
	assert_true(pihpc_debver_cmp("1.0~rc1-1", "1.0-1") < 0);
	assert_true(pihpc_debver_cmp("1:1.0-1", "2.0-1") > 0);
	assert_true(pihpc_debver_cmp("24.11.10-1", "24.11.5-1") > 0);
	assert_true(pihpc_debver_cmp("1.0-1+b1", "1.0-1") > 0);
	assert_true(pihpc_debver_cmp("1.0a", "1.0") > 0);
	assert_true(pihpc_debver_cmp("1.0", "1.0-0") == 0 ||
		    pihpc_debver_cmp("1.0", "1.0-0") < 0);
}

static void
test_packages_parse(void **state)
{
	struct pihpc_upgrade_pkgs p = PIHPC_UPGRADE_PKGS_INIT;
	const struct pihpc_upgrade_pkg *k;

	(void)state;
	pihpc_dpkg_installed_parse(INSTALLED_CTL "ii  slurm-smd " V2 "\n"
				   "ii  slurm 0.4.4-1\nii  slurm-drmaa1 1.1.4-1\n", &p);
	assert_int_equal(p.nr, 4);
	assert_null(pihpc_upgrade_pkgs_find(&p, "slurm"));
	assert_null(pihpc_upgrade_pkgs_find(&p, "slurm-smd-sview"));
	pihpc_apt_candidates_parse(CANDIDATES(V3) "\nPackage: other\nVersion: 1\n", &p);
	k = pihpc_upgrade_pkgs_find(&p, "slurm-smd-slurmdbd");
	assert_non_null(k);
	assert_string_equal(k->installed, V2);
	assert_string_equal(k->candidate, V3);
	pihpc_upgrade_pkgs_release(&p);
}

static void
test_small_parsers(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct pihpc_upgrade_state st = PIHPC_UPGRADE_STATE_INIT;

	(void)state;
	pihpc_slurmdbd_storageloc("StoragePass=secret\n  storageloc = acct # x\n", &sb);
	assert_string_equal(sb.buf, "acct");
	pihpc_slurmdbd_storageloc("StorageHost=localhost\n", &sb);
	assert_string_equal(sb.buf, "slurm_acct_db");
	assert_int_equal(pihpc_node_field(NODE("IDLE+DRAIN", "T1", "24.11.5", "Reason=" REASON " [root@2026-12-02T20:01:00]"),
					  "Version", &sb), 1);
	assert_string_equal(sb.buf, "24.11.5");
	assert_int_equal(pihpc_node_field(NODE("IDLE", "T1", "24.11.5", "Reason=a b c"), "Reason", &sb), 1);
	assert_string_equal(sb.buf, "a b c");
	assert_int_equal(pihpc_node_field("ArchVersion=1\n", "Version", &sb), 0);
	strbuf_reset(&sb);
	pihpc_upgrade_backup_name("slurm_acct_db", "20261202", "1:2.0-1", V3, &sb);
	assert_string_equal(sb.buf, "20261202-slurm_acct_db-1_2.0-1-to-" V3 ".sql");
	assert_int_equal(pihpc_upgrade_state_parse("# c\nfrom " V2 "\ntarget " V3 "\ndone backup\ndone node rpnode02\n", &st), 0);
	assert_string_equal(st.target.buf, V3);
	assert_true(strlist_has(&st.done, "node rpnode02"));
	strbuf_reset(&sb);
	pihpc_upgrade_state_render(&st, &sb);
	assert_non_null(strstr(sb.buf, "from " V2 "\ntarget " V3 "\ndone backup\ndone node rpnode02\n"));
	assert_int_equal(pihpc_upgrade_state_parse("bogus\n", &st), -1);
	pihpc_upgrade_state_release(&st);
	strbuf_release(&sb);
}

/* The controller's look at its packages, with the repository offering [v]. */
#define LOOKUP_CALLS(v) \
	{ APT_UPDATE, 0, 0, "", "" }, \
	{ DPKG_QUERY, 0, 0, INSTALLED_CTL, "" }, \
	{ APT_SHOW_CTL, 0, 0, CANDIDATES(v), "" }

/* The calls of a plan on rpnode01 with rpnode02 as its compute node. */
#define PLAN_CALLS \
	LOOKUP_CALLS(V3), \
	{ "sinfo -h -N -o %N", 0, 0, "rpnode01\nrpnode02\nrpnode02\n", "" }

static char *
_root(void)
{
	char *root = tu_mkdtemp();

	tu_write(root, "etc/slurm/slurmdbd.conf", "StoragePass=x\nStorageLoc=slurm_acct_db\n");
	return root;
}

static void
test_dry_run(void **state)
{
	static const struct fake_call calls[] = { PLAN_CALLS };
	struct strbuf said = STRBUF_INIT, p = STRBUF_INIT;
	struct pihpc_upgrade_opts o;
	char *root = _root(), err[512];
	struct pihpc_ctx ctx = { root };
	struct pihpc_runner r;
	struct fake f;

	(void)state;
	fake_init(&r, &f, calls, FAKE_N(calls));
	_opts(&o, &ctx, &r, &said);
	o.dry_run = 1;
	assert_int_equal(pihpc_upgrade_cluster(&o, err, sizeof(err)), 0);
	fake_done(&f);
	assert_non_null(strstr(said.buf, "1. back up the database slurm_acct_db to "));
	assert_non_null(strstr(said.buf, "/var/backups/pihpc/20261202-slurm_acct_db-" V2 "-to-" V3 ".sql\n"));
	assert_non_null(strstr(said.buf, "     slurm-smd-slurmdbd " V2 " -> " V3 "\n"));
	assert_non_null(strstr(said.buf, "4. rpnode02: "));
	assert_null(strstr(said.buf, "rpnode01:"));
	assert_non_null(strstr(said.buf, "dry run: nothing changed"));
	assert_int_equal(access(tu_path(&p, root, "var/lib/pihpc/upgrade/state"), F_OK), -1);
	strbuf_release(&said);
	strbuf_release(&p);
	tu_rmrf(root);
}

static void
test_nothing_newer(void **state)
{
	static const struct fake_call calls[] = {
		LOOKUP_CALLS(V2),
	};
	struct strbuf said = STRBUF_INIT;
	struct pihpc_upgrade_opts o;
	char *root = _root(), err[512];
	struct pihpc_ctx ctx = { root };
	struct pihpc_runner r;
	struct fake f;

	(void)state;
	fake_init(&r, &f, calls, FAKE_N(calls));
	_opts(&o, &ctx, &r, &said);
	assert_int_equal(pihpc_upgrade_cluster(&o, err, sizeof(err)), 0);
	fake_done(&f);
	assert_non_null(strstr(said.buf, "apt offers " V2 ": nothing to do"));
	strbuf_release(&said);
	tu_rmrf(root);
}

/* The state file is root's own: a symbolic link there is refused. */
static void
test_state_symlink(void **state)
{
	static const struct fake_call calls[] = {
		LOOKUP_CALLS(V3),
	};
	struct strbuf said = STRBUF_INIT, p = STRBUF_INIT, t = STRBUF_INIT;
	struct pihpc_upgrade_opts o;
	char *root = _root(), err[512];
	struct pihpc_ctx ctx = { root };
	struct pihpc_runner r;
	struct fake f;

	(void)state;
	tu_write(root, "elsewhere", "target " V3 "\n");
	tu_write(root, "var/lib/pihpc/upgrade/.keep", "");
	assert_int_equal(symlink(tu_path(&t, root, "elsewhere"),
				 tu_path(&p, root, "var/lib/pihpc/upgrade/state")), 0);
	fake_init(&r, &f, calls, FAKE_N(calls));
	_opts(&o, &ctx, &r, &said);
	assert_int_equal(pihpc_upgrade_cluster(&o, err, sizeof(err)), -1);
	fake_done(&f);
	assert_non_null(strstr(err, "a symbolic link"));
	strbuf_release(&said);
	strbuf_release(&p);
	strbuf_release(&t);
	tu_rmrf(root);
}

static void
test_full_run_then_resume(void **state)
{
	static const struct fake_call calls[] = {
		PLAN_CALLS,
		{ "mysqldump --single-transaction --databases slurm_acct_db --result-file=", 0, 0, "", "" },
	};
	static const struct fake_call rest[] = {
		PLAN_CALLS,
		/* slurmdbd */
		{ "systemctl daemon-reload", 0, 0, "", "" },
		{ "systemctl stop slurmctld.service", 0, 0, "", "" },
		{ "systemctl mask --runtime slurmctld.service", 0, 0, "", "" },
		{ DPKG_CONFIGURE, 0, 0, "", "" },
		{ APT_INSTALL, 0, 0, "", "" },
		{ "systemctl start slurmdbd.service", 0, 0, "", "" },
		{ "sacctmgr -n show cluster", 0, 1, "", "slurmdbd: no answer\n" },
		{ "systemctl is-active slurmdbd.service", 0, 1, "activating\n", "" },
		{ "sacctmgr -n show cluster", 0, 0, "cluster\n", "" },
		{ "systemctl daemon-reload", 0, 0, "", "" },
		/* slurmctld: the packages are there already */
		{ DPKG_CONFIGURE, 0, 0, "", "" },
		{ APT_INSTALL, 0, 0, "", "" },
		{ "systemctl unmask --runtime slurmctld.service", 0, 0, "", "" },
		{ "systemctl start slurmctld.service", 0, 0, "", "" },
		{ "scontrol ping", 0, 0, "Slurmctld(primary) at rpnode01 is UP\n", "" },
		/* rpnode02 */
		{ SHOW_NODE, 0, 0, NODE("MIXED", "None", "24.11.5", ""), "" },
		{ SRUN "dpkg-query -W -f ${Version}\\n slurm-smd-slurmd", 0, 0, V2 "\n", "" },
		{ SHOW_NODE, 0, 0, NODE("MIXED", "2026-12-02T20:00:05", "24.11.5", ""), "" },
		{ SRUN "systemctl start --no-block pihpc-slurm-follow.service", 0, 0, "", "" },
		{ "scontrol update nodename=rpnode02 state=drain reason=" REASON, 0, 0, "", "" },
		{ SHOW_NODE, 0, 0, NODE("MIXED+DRAIN", "2026-12-02T20:00:05", "24.11.5", "Reason=" REASON " [root@x]"), "" },
		{ SHOW_NODE, 0, 0, NODE("MIXED+DRAIN", "2026-12-02T21:00:00", "24.11.5", "Reason=" REASON " [root@x]"), "" },
		{ SHOW_NODE, 0, 0, NODE("MIXED+DRAIN", "2026-12-02T21:00:00", "24.11.5", "Reason=" REASON " [root@x]"), "" },
		{ "scontrol update nodename=rpnode02 state=resume", 0, 0, "", "" },
		{ SRUN "dpkg-query -W -f ${Version}\\n slurm-smd-slurmd", 0, 0, V3 "\n", "" },
	};
	struct strbuf said = STRBUF_INIT, p = STRBUF_INIT, text = STRBUF_INIT;
	struct pihpc_upgrade_opts o;
	char *root = _root(), err[512];
	struct pihpc_ctx ctx = { root };
	struct pihpc_runner r;
	struct fake_call first[FAKE_N(calls)];
	struct stat st;
	struct fake f;

	(void)state;
	/* the first run: the backup, then slurmdbd's apt fails */
	memcpy(first, calls, sizeof(calls));
	tu_path(&p, root, "var/backups/pihpc/20261202-slurm_acct_db-" V2 "-to-" V3 ".sql.tmp");
	strbuf_addf(&text, "%s%s", calls[4].cmd, p.buf);
	first[4].cmd = text.buf;
	{
		struct fake_call all[FAKE_N(calls) + 3];

		memcpy(all, first, sizeof(first));
		all[5] = (struct fake_call){ "systemctl daemon-reload", 0, 0, "", "" };
		all[6] = (struct fake_call){ "systemctl stop slurmctld.service", 0, 0, "", "" };
		all[7] = (struct fake_call){ "systemctl mask --runtime slurmctld.service", 0, 1, "", "Access denied\n" };
		fake_init(&r, &f, all, FAKE_N(all));
		_opts(&o, &ctx, &r, &said);
		assert_int_equal(pihpc_upgrade_cluster(&o, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "Access denied"));
		fake_done(&f);
	}
	tu_path(&p, root, "var/backups/pihpc/20261202-slurm_acct_db-" V2 "-to-" V3 ".sql");
	assert_int_equal(stat(p.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	tu_path(&p, root, "var/lib/pihpc/upgrade/state");
	assert_int_equal(pihpc_read_file(p.buf, &text, err, sizeof(err)), 0);
	assert_non_null(strstr(text.buf, "done backup\n"));
	/* the second run resumes after the backup and goes through */
	strbuf_reset(&said);
	fake_init(&r, &f, rest, FAKE_N(rest));
	assert_int_equal(pihpc_upgrade_cluster(&o, err, sizeof(err)), 0);
	fake_done(&f);
	assert_non_null(strstr(said.buf, "resuming the upgrade to " V3));
	assert_non_null(strstr(said.buf, "slurmdbd: upgraded"));
	assert_non_null(strstr(said.buf, "rpnode02: upgraded to " V3));
	assert_true(strstr(said.buf, "slurmdbd: upgraded") < strstr(said.buf, "slurmctld: upgraded"));
	assert_true(strstr(said.buf, "slurmctld: upgraded") < strstr(said.buf, "rpnode02: upgraded"));
	assert_int_equal(pihpc_read_file(p.buf, &text, err, sizeof(err)), 0);
	assert_non_null(strstr(text.buf, "done slurmdbd\ndone slurmctld\ndone node rpnode02\ndone complete\n"));
	tu_path(&p, root, "run/systemd/system/slurmdbd.service.d/pihpc-upgrade.conf");
	assert_int_equal(access(p.buf, F_OK), -1);
	strbuf_release(&said);
	strbuf_release(&p);
	strbuf_release(&text);
	tu_rmrf(root);
}

static void
test_node_drained_by_other(void **state)
{
	static const struct fake_call calls[] = {
		PLAN_CALLS,
		{ SHOW_NODE, 0, 0, NODE("IDLE+DRAIN", "T", "24.11.5", "Reason=bad disk [admin@x]"), "" },
	};
	struct strbuf said = STRBUF_INIT;
	struct pihpc_upgrade_opts o;
	char *root = _root(), err[512];
	struct pihpc_ctx ctx = { root };
	struct pihpc_runner r;
	struct fake f;

	(void)state;
	tu_write(root, "var/lib/pihpc/upgrade/state",
		 "from " V2 "\ntarget " V3 "\ndone backup\ndone slurmdbd\ndone slurmctld\n");
	fake_init(&r, &f, calls, FAKE_N(calls));
	_opts(&o, &ctx, &r, &said);
	assert_int_equal(pihpc_upgrade_cluster(&o, err, sizeof(err)), 1);
	fake_done(&f);
	assert_non_null(strstr(said.buf, "drained by someone else (\"bad disk\")"));
	assert_string_equal(err, "not upgraded: rpnode02; run pihpc upgrade again to retry them");
	strbuf_release(&said);
	tu_rmrf(root);
}

/* Killed after slurmdbd: slurmctld is stopped, so the nodes are asked
 * once it runs again; a first run without slurmctld stops there. */
static void
test_resume_slurmctld_stopped(void **state)
{
	static const struct fake_call calls[] = {
		LOOKUP_CALLS(V3),
		{ "sinfo -h -N -o %N", 0, 1, "", "Unable to contact slurm controller\n" },
		{ DPKG_CONFIGURE, 0, 0, "", "" },
		{ APT_INSTALL, 0, 0, "", "" },
		{ "systemctl unmask --runtime slurmctld.service", 0, 0, "", "" },
		{ "systemctl start slurmctld.service", 0, 0, "", "" },
		{ "scontrol ping", 0, 0, "Slurmctld(primary) at rpnode01 is UP\n", "" },
		{ "sinfo -h -N -o %N", 0, 0, "rpnode01\nrpnode02\n", "" },
		{ SHOW_NODE, 0, 0, NODE("IDLE", "2026-12-02T20:00:05", "24.11.5", ""), "" },
		{ SRUN "dpkg-query -W -f ${Version}\\n slurm-smd-slurmd", 0, 0, V3 "\n", "" },
		/* a first run while slurmctld is down */
		LOOKUP_CALLS(V3),
		{ "sinfo -h -N -o %N", 0, 1, "", "Unable to contact slurm controller\n" },
	};
	struct strbuf said = STRBUF_INIT, p = STRBUF_INIT;
	struct pihpc_upgrade_opts o;
	char *root = _root(), err[512];
	struct pihpc_ctx ctx = { root };
	struct pihpc_runner r;
	struct fake f;

	(void)state;
	tu_write(root, "var/lib/pihpc/upgrade/state",
		 "from " V2 "\ntarget " V3 "\ndone backup\ndone slurmdbd\n");
	fake_init(&r, &f, calls, FAKE_N(calls));
	_opts(&o, &ctx, &r, &said);
	assert_int_equal(pihpc_upgrade_cluster(&o, err, sizeof(err)), 0);
	assert_non_null(strstr(said.buf, "4. each compute node: "));
	assert_non_null(strstr(said.buf, "slurmctld: upgraded to " V3));
	assert_non_null(strstr(said.buf, "  rpnode02: already runs " V3));
	assert_non_null(strstr(said.buf, "runs on the controller and 1 node(s)"));
	tu_rmrf(root);
	root = _root();
	ctx.root = root;
	assert_int_equal(pihpc_upgrade_cluster(&o, err, sizeof(err)), -1);
	assert_string_equal(err, "'sinfo -h' failed: Unable to contact slurm controller");
	assert_int_equal(access(tu_path(&p, root, "var/lib/pihpc/upgrade/state"), F_OK), -1);
	fake_done(&f);
	strbuf_release(&said);
	strbuf_release(&p);
	tu_rmrf(root);
}

#define INSTALLED_NODE \
	"ii  slurm-smd " V2 "\nii  slurm-smd-client " V2 "\nii  slurm-smd-slurmd " V2 "\n"
#define APT_SHOW_NODE "apt-cache show --no-all-versions slurm-smd slurm-smd-client slurm-smd-slurmd"
#define CAND_NODE(v) \
	"Package: slurm-smd\nVersion: " v "\n\nPackage: slurm-smd-client\nVersion: " v "\n\n" \
	"Package: slurm-smd-slurmd\nVersion: " v "\n"

static void
test_follow(void **state)
{
	static const struct fake_call calls[] = {
		{ "scontrol show config", 0, 0, "Configuration data\nSLURM_VERSION           = 24.11.5\n", "" },
		{ APT_UPDATE, 0, 0, "", "" },
		{ DPKG_QUERY, 0, 0, INSTALLED_NODE, "" },
		{ APT_SHOW_NODE, 0, 0, CAND_NODE(V3), "" },
		{ DPKG_CONFIGURE, 0, 0, "", "" },
		{ "env DEBIAN_FRONTEND=noninteractive apt-get install -y --only-upgrade --no-remove "
		  "-o Dpkg::Options::=--force-confold -o DPkg::Lock::Timeout=600 slurm-smd=" V3 " slurm-smd-client=" V3
		  " slurm-smd-slurmd=" V3, 0, 0, "", "" },
		/* a newer Slurm than the controller's is left alone */
		{ "scontrol show config", 0, 0, "SLURM_VERSION = 24.11.5\n", "" },
		{ APT_UPDATE, 0, 0, "", "" },
		{ DPKG_QUERY, 0, 0, INSTALLED_NODE, "" },
		{ APT_SHOW_NODE, 0, 0, CAND_NODE("25.05.1-1"), "" },
		/* the controller unreachable */
		{ "scontrol show config", 0, 1, "", "Unable to contact slurm controller\n" },
	};
	struct strbuf said = STRBUF_INIT;
	struct pihpc_upgrade_opts o;
	struct pihpc_ctx ctx = { NULL };
	struct pihpc_runner r;
	char err[512];
	struct fake f;

	(void)state;
	fake_init(&r, &f, calls, FAKE_N(calls));
	_opts(&o, &ctx, &r, &said);
	assert_int_equal(pihpc_upgrade_follow(&o, err, sizeof(err)), 0);
	assert_non_null(strstr(said.buf, "upgrading slurm-smd-slurmd " V2 " -> " V3));
	strbuf_reset(&said);
	assert_int_equal(pihpc_upgrade_follow(&o, err, sizeof(err)), 0);
	assert_non_null(strstr(said.buf, "newer than the controller's Slurm 24.11.5: not installed"));
	assert_int_equal(pihpc_upgrade_follow(&o, err, sizeof(err)), -1);
	assert_string_equal(err, "'scontrol show' failed: Unable to contact slurm controller");
	fake_done(&f);
	strbuf_release(&said);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debver),
		cmocka_unit_test(test_packages_parse),
		cmocka_unit_test(test_small_parsers),
		cmocka_unit_test(test_dry_run),
		cmocka_unit_test(test_nothing_newer),
		cmocka_unit_test(test_state_symlink),
		cmocka_unit_test(test_full_run_then_resume),
		cmocka_unit_test(test_node_drained_by_other),
		cmocka_unit_test(test_resume_slurmctld_stopped),
		cmocka_unit_test(test_follow),
	};

	return cmocka_run_group_tests_name("upgrade", tests, NULL, NULL);
}
