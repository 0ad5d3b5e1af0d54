/*
 * conf_test.c - cluster.conf parsing, validation and "config set".
 */
#include "testutil.h"

static const char good[] =
	"# seed cluster\n"
	"cluster_name = raspi-hpc-cluster\n"
	"\n"
	"controller=rpnode01\n"
	"  domain =   \n"
	"hosts = 10.0.0.1 rpnode01, 10.0.0.2 rpnode02,10.0.0.3   filenode01\n"
	"slurm_uid = 151\n"
	"node_registration = static\n"
	"compute_nodes = rpnode[01-02]\n"
	"partition_default_time = 60\n"
	"partition_max_time = 2-12\n";

/* Parse [text]; return the errors joined by newlines in [out]. */
static int
_parse(const char *text, struct pihpc_conf *c, struct strbuf *out)
{
	struct strlist errs = STRLIST_INIT;
	size_t i;
	int rc;

	pihpc_conf_init(c);
	rc = pihpc_conf_parse(c, "/etc/pihpc/cluster.conf", text, strlen(text), &errs);
	strbuf_reset(out);
	for (i = 0; i < errs.nr; i++)
		strbuf_addf(out, "%s\n", errs.v[i]);
	strlist_clear(&errs);
	return rc;
}

static void
test_defaults(void **state)
{
	struct strbuf e = STRBUF_INIT;
	struct pihpc_conf c;

	(void)state;
	assert_int_equal(_parse("", &c, &e), 0);
	assert_string_equal(pihpc_conf_get(&c, PIHPC_CLUSTER_NAME), "raspi-hpc-cluster");
	assert_int_equal(pihpc_conf_ulong(&c, PIHPC_SLURM_GID), 151);
	assert_true(pihpc_conf_yes(&c, PIHPC_NODE_REGISTRATION));
	assert_int_equal(c.line[PIHPC_HOSTS], 0);
	pihpc_conf_release(&c);
	strbuf_release(&e);
}

static void
test_good_file(void **state)
{
	struct strlist a = STRLIST_INIT, n = STRLIST_INIT, nodes = STRLIST_INIT;
	struct strbuf e = STRBUF_INIT;
	struct pihpc_conf c;

	(void)state;
	assert_int_equal(_parse(good, &c, &e), 0);
	assert_string_equal(e.buf, "");
	assert_string_equal(pihpc_conf_get(&c, PIHPC_DOMAIN), "");
	assert_int_equal(c.line[PIHPC_CONTROLLER], 4);
	pihpc_conf_hosts(&c, &a, &n);
	assert_int_equal(a.nr, 3);
	assert_string_equal(a.v[2], "10.0.0.3");
	assert_string_equal(n.v[2], "filenode01");
	pihpc_conf_compute_nodes(&c, &nodes);
	assert_int_equal(nodes.nr, 2);
	assert_string_equal(nodes.v[1], "rpnode02");
	assert_false(pihpc_conf_yes(&c, PIHPC_NODE_REGISTRATION));
	strlist_clear(&a);
	strlist_clear(&n);
	strlist_clear(&nodes);
	pihpc_conf_release(&c);
	strbuf_release(&e);
}

static void
test_every_bad_line_reported(void **state)
{
	struct strbuf e = STRBUF_INIT;
	struct pihpc_conf c;

	(void)state;
	assert_int_equal(_parse(
		"cluster_name = Raspi\n"
		"controller = -bad\n"
		"subnet = 10.0.0.1/24\n"
		"hosts = 10.0.0.1 a, 10.0.0.999 b\n"
		"slurm_uid = abc\n"
		"slurm_gid = 0\n"
		"node_registration = maybe\n"
		"compute_nodes = n[1-\n"
		"static_node_params = Sockets=1 State=idle\n"
		"max_nodes = 70000\n"
		"partition_max_time = 1:61:00\n"
		"accounting_users = pi, Bob\n"
		"accounting_user_limits = cpu=4,\n"
		"master_is_compute = true\n"
		"bogus = 1\n"
		"just text\n"
		"controller = rpnode02\n"
		"nfs_exports = /home(rw,sync) /home(ro)\n", &c, &e), -1);
	assert_string_equal(e.buf,
		"/etc/pihpc/cluster.conf:1: 'cluster_name': invalid cluster name (want [a-z][a-z0-9_-]*, at most 40 characters): 'Raspi'\n"
		"/etc/pihpc/cluster.conf:2: 'controller': invalid host name: '-bad'\n"
		"/etc/pihpc/cluster.conf:3: 'subnet': host bits set in subnet: '10.0.0.1/24'\n"
		"/etc/pihpc/cluster.conf:4: 'hosts': invalid IPv4 address: '10.0.0.999'\n"
		"/etc/pihpc/cluster.conf:5: 'slurm_uid': not a number: 'abc'\n"
		"/etc/pihpc/cluster.conf:6: 'slurm_gid': out of range 1..65533: '0'\n"
		"/etc/pihpc/cluster.conf:7: 'node_registration': want 'dynamic' or 'static': 'maybe'\n"
		"/etc/pihpc/cluster.conf:8: 'compute_nodes': hostlist 'n[1-': unterminated '[' at position 2\n"
		"/etc/pihpc/cluster.conf:9: 'static_node_params': unsupported node parameter: 'State'\n"
		"/etc/pihpc/cluster.conf:10: 'max_nodes': out of range 1..65000: '70000'\n"
		"/etc/pihpc/cluster.conf:11: 'partition_max_time': invalid time (want [D-]HH:MM:SS, minutes or UNLIMITED): '1:61:00'\n"
		"/etc/pihpc/cluster.conf:12: 'accounting_users': invalid user name: 'Bob'\n"
		"/etc/pihpc/cluster.conf:13: 'accounting_user_limits': trailing comma: 'cpu=4,'\n"
		"/etc/pihpc/cluster.conf:14: 'master_is_compute': want 'yes' or 'no': 'true'\n"
		"/etc/pihpc/cluster.conf:15: unknown key 'bogus'\n"
		"/etc/pihpc/cluster.conf:16: expected 'key = value': 'just text'\n"
		"/etc/pihpc/cluster.conf:17: duplicate key 'controller' (first set at line 2)\n"
		"/etc/pihpc/cluster.conf:18: 'nfs_exports': duplicate export path: '/home'\n");
	pihpc_conf_release(&c);
	strbuf_release(&e);
}

static void
test_cross_key_checks(void **state)
{
	struct strbuf e = STRBUF_INIT;
	struct pihpc_conf c;

	(void)state;
	assert_int_equal(_parse("subnet = 192.168.1.0/24\n", &c, &e), -1);
	assert_string_equal(e.buf,
		"/etc/pihpc/cluster.conf:1: 'hosts': address '10.0.0.1' is outside subnet '192.168.1.0/24'\n"
		"/etc/pihpc/cluster.conf:1: 'hosts': address '10.0.0.2' is outside subnet '192.168.1.0/24'\n"
		"/etc/pihpc/cluster.conf:1: 'hosts': address '10.0.0.3' is outside subnet '192.168.1.0/24'\n");
	pihpc_conf_release(&c);
	assert_int_equal(_parse("hosts = 10.0.0.1 a, 10.0.0.2 a\n", &c, &e), -1);
	assert_string_equal(e.buf, "/etc/pihpc/cluster.conf:1: 'hosts': duplicate host name: 'a'\n");
	pihpc_conf_release(&c);
	assert_int_equal(_parse("partition_default_time = 2-00:00:00\npartition_max_time = 1-0\n", &c, &e), -1);
	assert_string_equal(e.buf, "/etc/pihpc/cluster.conf:1: 'partition_default_time': longer than partition_max_time '1-0': '2-00:00:00'\n");
	pihpc_conf_release(&c);
	assert_int_equal(_parse("node_registration = static\ncompute_nodes =\n", &c, &e), -1);
	assert_string_equal(e.buf, "/etc/pihpc/cluster.conf:2: 'compute_nodes': empty, but node_registration is 'static'\n");
	pihpc_conf_release(&c);
	assert_int_equal(_parse("hosts =\nsubnet = 0.0.0.0/0\n", &c, &e), 0);
	pihpc_conf_release(&c);
	strbuf_release(&e);
}

static void
test_time_spec(void **state)
{
	long m;

	(void)state;
	assert_int_equal(pihpc_time_parse("30", &m), 0);
	assert_int_equal(m, 30);
	assert_int_equal(pihpc_time_parse("1:30", &m), 0);
	assert_int_equal(m, 2);
	assert_int_equal(pihpc_time_parse("02:00:00", &m), 0);
	assert_int_equal(m, 120);
	assert_int_equal(pihpc_time_parse("1-00:00:00", &m), 0);
	assert_int_equal(m, 1440);
	assert_int_equal(pihpc_time_parse("30-00:00:00", &m), 0);
	assert_int_equal(m, 43200);
	assert_int_equal(pihpc_time_parse("1-2", &m), 0);
	assert_int_equal(m, 1560);
	assert_int_equal(pihpc_time_parse("1-2:30", &m), 0);
	assert_int_equal(m, 1590);
	assert_int_equal(pihpc_time_parse("UNLIMITED", &m), 0);
	assert_int_equal(m, -1);
	assert_int_equal(pihpc_time_parse("", &m), -1);
	assert_int_equal(pihpc_time_parse("1-24:00:00", &m), -1);
	assert_int_equal(pihpc_time_parse("1:2:3:4", &m), -1);
	assert_int_equal(pihpc_time_parse("-1", &m), -1);
	assert_int_equal(pihpc_time_parse("1h", &m), -1);
}

static void
test_check_value(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(pihpc_conf_check_value("slurm_uid", "151", err, sizeof(err)), 0);
	assert_int_equal(pihpc_conf_check_value("nope", "1", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown key 'nope'");
	assert_int_equal(pihpc_conf_check_value("subnet", "10.0.0.0", err, sizeof(err)), -1);
	assert_string_equal(err, "'subnet': invalid IPv4 subnet (want A.B.C.D/N): '10.0.0.0'");
	assert_int_equal(pihpc_check_hostname("rpnode01.home.local"), 0);
	assert_int_equal(pihpc_check_hostname("a..b"), -1);
	assert_int_equal(pihpc_check_hostname("under_score"), -1);
}

/* Check "nfs_exports = [v]"; [why] is the expected reason or NULL. */
static void
_exports(const char *v, const char *why)
{
	char err[512];
	int rc = pihpc_conf_check_value("nfs_exports", v, err, sizeof(err));

	if (!why) {
		if (rc != 0)
			fail_msg("'%s': %s", v, err);
		return;
	}
	assert_int_equal(rc, -1);
	assert_string_equal(err, why);
}

static void
test_nfs_exports(void **state)
{
	struct strlist paths = STRLIST_INIT, opts = STRLIST_INIT;
	struct strbuf e = STRBUF_INIT;
	struct pihpc_conf c;
	char err[512];

	(void)state;
	assert_int_equal(_parse("", &c, &e), 0);
	assert_string_equal(pihpc_conf_get(&c, PIHPC_NFS_EXPORTS),
		"/home(rw,sync,root_squash,no_subtree_check) "
		"/nfs(rw,sync,no_root_squash,no_subtree_check)");
	assert_int_equal(pihpc_nfs_exports_parse(pihpc_conf_get(&c, PIHPC_NFS_EXPORTS),
						 &paths, &opts, err, sizeof(err)), 0);
	assert_int_equal(paths.nr, 2);
	assert_string_equal(paths.v[0], "/home");
	assert_string_equal(opts.v[0], "rw,sync,root_squash,no_subtree_check");
	assert_string_equal(paths.v[1], "/nfs");
	assert_string_equal(opts.v[1], "rw,sync,no_root_squash,no_subtree_check");
	pihpc_conf_release(&c);
	strlist_clear(&paths);
	strlist_clear(&opts);

	_exports("", NULL);
	_exports("  /srv/data_1(ro,sync,fsid=1)\t/home(rw)  ", NULL);
	_exports("/home(rw) /home(ro)", "'nfs_exports': duplicate export path: '/home'");
	_exports("/home 10.0.0.0/24(rw)",
		 "'nfs_exports': invalid export (want /PATH(OPTIONS)): '/home'");
	_exports("/home *(rw)", "'nfs_exports': invalid export (want /PATH(OPTIONS)): '/home'");
	_exports("*(rw)",
		 "'nfs_exports': export path must be absolute, without a client (the client is the subnet): '*(rw)'");
	_exports("10.0.0.0/24(rw)",
		 "'nfs_exports': export path must be absolute, without a client (the client is the subnet): '10.0.0.0/24(rw)'");
	_exports("home(rw)",
		 "'nfs_exports': export path must be absolute, without a client (the client is the subnet): 'home(rw)'");
	_exports("/home()", "'nfs_exports': invalid NFS options (want opt,opt=value,...): '/home()'");
	_exports("/home(rw,,sync)", "'nfs_exports': invalid NFS options (want opt,opt=value,...): '/home(rw,,sync)'");
	_exports("/home(rw,)", "'nfs_exports': invalid NFS options (want opt,opt=value,...): '/home(rw,)'");
	_exports("/home(RW)", "'nfs_exports': invalid NFS options (want opt,opt=value,...): '/home(RW)'");
	_exports("/home(rw)(ro)", "'nfs_exports': invalid NFS options (want opt,opt=value,...): '/home(rw)(ro)'");
	_exports("/home(rw", "'nfs_exports': invalid export (want /PATH(OPTIONS)): '/home(rw'");
	_exports("/(rw)", "'nfs_exports': invalid export path: '/'");
	_exports("/home/(rw)", "'nfs_exports': invalid export path: '/home/'");
	_exports("/a//b(rw)", "'nfs_exports': invalid export path: '/a//b'");
	_exports("/a/../b(rw)", "'nfs_exports': invalid export path: '/a/../b'");
	_exports("/a/./b(rw)", "'nfs_exports': invalid export path: '/a/./b'");
	_exports("/ho*me(rw)", "'nfs_exports': invalid export path: '/ho*me'");
	strbuf_release(&e);
}

static void
test_storage_may_be_empty(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(pihpc_conf_check_value("storage", "", err, sizeof(err)), 0);
	assert_int_equal(pihpc_conf_check_value("controller", "", err, sizeof(err)), -1);
	assert_int_equal(pihpc_conf_check_value("storage", "-x", err, sizeof(err)), -1);
	assert_string_equal(err, "'storage': invalid host name: '-x'");
}

static void
test_set_keeps_comments_and_order(void **state)
{
	static const char orig[] =
		"# my cluster\n"
		"controller = rpnode01   \n"
		"# uid of slurm\n"
		"slurm_uid = 151\n";
	struct strlist errs = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	char *assign[] = { "slurm_uid=152", "domain=", "max_nodes = 8" };

	(void)state;
	assert_int_equal(pihpc_conf_set_text("f", orig, strlen(orig), assign, 3,
					     &out, &errs), 0);
	assert_string_equal(out.buf,
		"# my cluster\n"
		"controller = rpnode01   \n"
		"# uid of slurm\n"
		"slurm_uid = 152\n"
		"domain =\n"
		"max_nodes = 8\n");
	strbuf_release(&out);
	strlist_clear(&errs);
}

static void
test_set_new_file_and_no_final_newline(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	char *assign[] = { "controller=rpnode09" };

	(void)state;
	assert_int_equal(pihpc_conf_set_text("f", "", 0, assign, 1, &out, &errs), 0);
	assert_string_equal(out.buf,
		"# pihpc cluster configuration, see pihpc-cluster.conf(5).\n"
		"# Changed with 'pihpc config set'; comments and order are kept.\n"
		"controller = rpnode09\n");
	assert_int_equal(pihpc_conf_set_text("f", "max_nodes = 3", 13, assign, 1,
					     &out, &errs), 0);
	assert_string_equal(out.buf, "max_nodes = 3\ncontroller = rpnode09\n");
	strbuf_release(&out);
	strlist_clear(&errs);
}

static void
test_set_rejects_bad_values_and_results(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct strbuf out = STRBUF_INIT;
	char *bad[] = { "slurm_uid=abc", "nokey=1", "novalue" };
	char *cross[] = { "subnet=10.1.0.0/16" };
	static const char broken[] = "bogus = 1\n";
	char *fine[] = { "max_nodes=2" };

	(void)state;
	strbuf_addstr(&out, "untouched");
	assert_int_equal(pihpc_conf_set_text("f", "", 0, bad, 3, &out, &errs), -1);
	assert_int_equal(errs.nr, 3);
	assert_string_equal(errs.v[0], "'slurm_uid': not a number: 'abc'");
	assert_string_equal(errs.v[1], "unknown key 'nokey'");
	assert_string_equal(errs.v[2], "invalid assignment (want KEY=VALUE): 'novalue'");
	strlist_clear(&errs);
	assert_int_equal(pihpc_conf_set_text("f", "", 0, cross, 1, &out, &errs), -1);
	assert_int_equal(errs.nr, 3);
	assert_string_equal(errs.v[0], "f:3: 'hosts': address '10.0.0.1' is outside subnet '10.1.0.0/16'");
	strlist_clear(&errs);
	assert_int_equal(pihpc_conf_set_text("f", broken, strlen(broken), fine, 1,
					     &out, &errs), -1);
	assert_string_equal(errs.v[0], "f:1: unknown key 'bogus'");
	assert_string_equal(out.buf, "untouched");
	strlist_clear(&errs);
	strbuf_release(&out);
}

static void
test_load_missing(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct pihpc_ctx ctx = { "/nonexistent-root" };
	struct pihpc_conf c;

	(void)state;
	pihpc_conf_init(&c);
	assert_int_equal(pihpc_conf_load(&ctx, NULL, 1, &c, &errs), 0);
	assert_int_equal(pihpc_conf_load(&ctx, NULL, 0, &c, &errs), -1);
	assert_string_equal(errs.v[0], "cannot open '/nonexistent-root/etc/pihpc/cluster.conf': No such file or directory");
	pihpc_conf_release(&c);
	strlist_clear(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_every_bad_line_reported),
		cmocka_unit_test(test_cross_key_checks),
		cmocka_unit_test(test_time_spec),
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_nfs_exports),
		cmocka_unit_test(test_storage_may_be_empty),
		cmocka_unit_test(test_set_keeps_comments_and_order),
		cmocka_unit_test(test_set_new_file_and_no_final_newline),
		cmocka_unit_test(test_set_rejects_bad_values_and_results),
		cmocka_unit_test(test_load_missing),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
