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

static void
test_hostname_rules(void **state)
{
	static const char *const ok[] = {
		"a", "A-1.b", "rpnode01.home.local", "1a", "a--b", "x.0", NULL
	};
	static const char *const nok[] = {
		"", "-a", "a-", "a.-b", "a-.b", ".a", "a.", "a..b", "a b",
		"a\tb", "\xc3\xa9", NULL
	};
	char label[70], name[300];
	size_t i;

	(void)state;
	for (i = 0; ok[i]; i++)
		if (pihpc_check_hostname(ok[i]) != 0)
			fail_msg("'%s' refused", ok[i]);
	for (i = 0; nok[i]; i++)
		if (pihpc_check_hostname(nok[i]) != -1)
			fail_msg("'%s' accepted", nok[i]);
	memset(label, 'a', 63);
	label[63] = '\0';
	assert_int_equal(pihpc_check_hostname(label), 0);
	label[63] = 'a';
	label[64] = '\0';
	assert_int_equal(pihpc_check_hostname(label), -1);
	/* 253 characters in all, not 254 */
	memset(name, 'a', 253);
	for (i = 63; i < 253; i += 64)
		name[i] = '.';
	name[253] = '\0';
	assert_int_equal(pihpc_check_hostname(name), 0);
	name[253] = 'a';
	name[254] = '\0';
	assert_int_equal(pihpc_check_hostname(name), -1);
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
		"/nfs(rw,sync,root_squash,no_subtree_check)");
	assert_int_equal(pihpc_nfs_exports_parse(pihpc_conf_get(&c, PIHPC_NFS_EXPORTS),
						 &paths, &opts, err, sizeof(err)), 0);
	assert_int_equal(paths.nr, 2);
	assert_string_equal(paths.v[0], "/home");
	assert_string_equal(opts.v[0], "rw,sync,root_squash,no_subtree_check");
	assert_string_equal(paths.v[1], "/nfs");
	assert_string_equal(opts.v[1], "rw,sync,root_squash,no_subtree_check");
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

/* Parse [len] bytes of [text]; the errors joined by newlines in [out]. */
static int
_parse_n(const char *text, size_t len, struct strbuf *out)
{
	struct strlist errs = STRLIST_INIT;
	struct pihpc_conf c;
	size_t i;
	int rc;

	pihpc_conf_init(&c);
	rc = pihpc_conf_parse(&c, "f", text, len, &errs);
	strbuf_reset(out);
	for (i = 0; i < errs.nr; i++)
		strbuf_addf(out, "%s\n", errs.v[i]);
	strlist_clear(&errs);
	pihpc_conf_release(&c);
	return rc;
}

/* 65,536 nodes: quadratic duplicate check, 4.1 s before (fuzzing). */
static void
test_big_compute_nodes(void **state)
{
	struct strbuf e = STRBUF_INIT;
	struct strlist errs = STRLIST_INIT;
	char *assign[] = { "compute_nodes=n[0-9999]" };

	(void)state;
	assert_int_equal(_parse_n("compute_nodes = n[0-65535]\n", 27, &e), 0);
	assert_int_equal(_parse_n("compute_nodes = n[0-9999],n777\n", 31, &e), -1);
	assert_string_equal(e.buf, "f:1: 'compute_nodes': duplicate host name: 'n777'\n");
	assert_int_equal(_parse_n("compute_nodes = b,a,c,a,b\n", 26, &e), -1);
	assert_string_equal(e.buf, "f:1: 'compute_nodes': duplicate host name: 'a'\n");
	assert_int_equal(pihpc_conf_set_text("f", "", 0, assign, 1, &e, &errs), 0);
	assert_int_equal(errs.nr, 0);
	strbuf_release(&e);
}

/* "hosts" of any size: sorted duplicate checks and a bound. */
static void
test_big_hosts(void **state)
{
	struct strbuf t = STRBUF_INIT, e = STRBUF_INIT;
	int i;

	(void)state;
	strbuf_addstr(&t, "subnet = 10.0.0.0/8\nhosts = ");
	for (i = 0; i < 5000; i++)
		strbuf_addf(&t, "%s10.%d.%d.%d n%05d", i ? ", " : "",
			    i >> 16, (i >> 8) & 255, i & 255, i);
	strbuf_addch(&t, '\n');
	assert_int_equal(_parse_n(t.buf, t.len, &e), 0);
	strbuf_setlen(&t, t.len - 1);
	strbuf_addstr(&t, ", 10.9.9.9 n01234, 10.0.0.1 x, 10.0.0.999 y\n");
	assert_int_equal(_parse_n(t.buf, t.len, &e), -1);
	assert_string_equal(e.buf, "f:2: 'hosts': duplicate host name: 'n01234'\n");
	strbuf_reset(&t);
	strbuf_addstr(&t, "hosts = 10.0.0.1 a, 10.0.0.2 b, 10.0.0.1 c, 10.0.0.3 b\n");
	assert_int_equal(_parse_n(t.buf, t.len, &e), -1);
	assert_string_equal(e.buf, "f:1: 'hosts': duplicate address: '10.0.0.1'\n");
	strbuf_reset(&t);
	strbuf_addstr(&t, "subnet = 10.0.0.0/8\nhosts = ");
	for (i = 0; i <= PIHPC_HOSTS_MAX; i++)
		strbuf_addf(&t, "%s10.%d.%d.%d n%d", i ? "," : "",
			    i >> 16, (i >> 8) & 255, i & 255, i);
	strbuf_addch(&t, '\n');
	assert_int_equal(_parse_n(t.buf, t.len, &e), -1);
	assert_string_equal(e.buf, "f:2: 'hosts': more than 65536 entries\n");
	/* counted before anything is copied */
	strbuf_reset(&t);
	strbuf_addstr(&t, "hosts = 10.0.0.1 a");
	for (i = 0; i < 70000; i++)
		strbuf_addch(&t, ',');
	assert_int_equal(_parse_n(t.buf, t.len, &e), -1);
	assert_string_equal(e.buf, "f:1: 'hosts': more than 65536 entries\n");
	strbuf_release(&t);
	strbuf_release(&e);
}

/* A value is one line of printable text, in the file and in "set". */
static void
test_control_characters(void **state)
{
	static const char nul[] = "slurm_uid = 151\0garbage\nmax_nodes = 3\n";
	static const char cr[] = "domain = a\rb\ncontroller = x\x7f\n# ok\x01\n";
	static const char crlf[] = "slurm_uid = 152\r\n";
	static const char badline[] = "\x1b[31m oops\n\0\n# a\0b\nslurm_uid\0 = 1\n";
	char *nl[] = { "static_node_params=Sockets=1\nslurm_uid=4242" };
	char *tab[] = { "nfs_exports=/home(rw)\t/nfs(ro)" };
	char *key[] = { "slurm_uid\x1b=1" };
	char *ends[] = { "domain=\nlab", "slurm_uid\r=5" };
	struct strlist errs = STRLIST_INIT;
	struct strbuf e = STRBUF_INIT, out = STRBUF_INIT;
	char err[512];

	(void)state;
	assert_int_equal(_parse_n(nul, sizeof(nul) - 1, &e), -1);
	assert_string_equal(e.buf,
		"f:1: 'slurm_uid': control character 0x00 at position 4 of the value\n");
	assert_int_equal(_parse_n(cr, sizeof(cr) - 1, &e), -1);
	assert_string_equal(e.buf,
		"f:1: 'domain': control character 0x0d at position 2 of the value\n"
		"f:2: 'controller': control character 0x7f at position 2 of the value\n");
	assert_int_equal(_parse_n(crlf, sizeof(crlf) - 1, &e), 0);
	assert_int_equal(_parse_n(badline, sizeof(badline) - 1, &e), -1);
	assert_string_equal(e.buf,
		"f:1: expected 'key = value': '\\x1b[31m oops'\n"
		"f:2: expected 'key = value': '\\x00'\n"
		"f:3: NUL byte in a comment\n"
		"f:4: expected 'key = value': 'slurm_uid\\x00 = 1'\n");

	assert_int_equal(pihpc_conf_set_text("f", "", 0, nl, 1, &out, &errs), -1);
	assert_int_equal(errs.nr, 1);
	assert_string_equal(errs.v[0],
		"'static_node_params': control character 0x0a at position 10 of the value");
	assert_int_equal(out.len, 0);
	strlist_clear(&errs);
	assert_int_equal(pihpc_conf_set_text("f", "", 0, key, 1, &out, &errs), -1);
	assert_string_equal(errs.v[0], "unknown key 'slurm_uid\\x1b'");
	strlist_clear(&errs);
	assert_int_equal(pihpc_conf_set_text("f", "", 0, ends, 2, &out, &errs), -1);
	assert_int_equal(errs.nr, 2);
	assert_string_equal(errs.v[0], "'domain': control character 0x0a at position 1 of the value");
	assert_string_equal(errs.v[1], "unknown key 'slurm_uid\\x0d'");
	strlist_clear(&errs);
	assert_int_equal(pihpc_conf_set_text("f", "", 0, tab, 1, &out, &errs), 0);
	assert_int_equal(pihpc_conf_check_value("domain", "a\x01", err, sizeof(err)), -1);
	assert_string_equal(err, "'domain': control character 0x01 at position 2 of the value");
	strlist_clear(&errs);
	strbuf_release(&e);
	strbuf_release(&out);
}

/* "name=value" check: [why] NULL when [v] is fine. */
static void
_value(const char *key, const char *v, const char *why)
{
	char err[512];
	int rc = pihpc_conf_check_value(key, v, err, sizeof(err));

	if (!why) {
		if (rc != 0)
			fail_msg("%s = '%s': %s", key, v, err);
		return;
	}
	assert_int_equal(rc, -1);
	assert_string_equal(err, why);
}

static void
test_tres_limits(void **state)
{
	struct strbuf many = STRBUF_INIT, want = STRBUF_INIT;
	int i;

	(void)state;
	_value("accounting_user_limits", "cpu=4,mem=1gb,gres/gpu=1", NULL);
	_value("accounting_user_limits", "", NULL);
	_value("accounting_user_limits", "cpu=1,cpu=2",
	       "'accounting_user_limits': duplicate TRES 'cpu': 'cpu=1,cpu=2'");
	_value("accounting_user_limits", "mem=1G,cpu=2,node=1,cpu=4",
	       "'accounting_user_limits': duplicate TRES 'cpu': 'mem=1G,cpu=2,node=1,cpu=4'");
	for (i = 0; i < 33; i++)
		strbuf_addf(&many, "%sgres/g%c%c=1", i ? "," : "", 'a' + i / 26, 'a' + i % 26);
	strbuf_addf(&want, "'accounting_user_limits': more than 32 TRES limits: '%s'", many.buf);
	_value("accounting_user_limits", many.buf, want.buf);
	strbuf_reset(&many);
	strbuf_addstr(&many, "cpu=");
	for (i = 0; i < 64; i++)
		strbuf_addch(&many, '1');
	strbuf_reset(&want);
	strbuf_addf(&want, "'accounting_user_limits': TRES name or value longer than 63 characters: '%s'", many.buf);
	_value("accounting_user_limits", many.buf, want.buf);
	strbuf_release(&many);
	strbuf_release(&want);
}

/* Every value that reaches a NodeName line is checked, not only keys. */
static void
test_node_params(void **state)
{
	(void)state;
	_value("static_node_params", "Sockets=1 CoresPerSocket=4 ThreadsPerCore=1 RealMemory=1800", NULL);
	_value("static_node_params", "CPUs=4 Feature=pi4,arm64 TmpDisk=0 Weight=10", NULL);
	_value("static_node_params", "", NULL);
	_value("static_node_params", "RealMemory=abc#x Feature=a\\",
	       "'static_node_params': invalid RealMemory (want a number 1..999999999): 'abc#x'");
	_value("static_node_params", "RealMemory=1800 Feature=a\\",
	       "'static_node_params': invalid Feature (want names of [A-Za-z0-9_.-] separated by commas): 'a\\'");
	_value("static_node_params", "Features=a#b",
	       "'static_node_params': invalid Features (want names of [A-Za-z0-9_.-] separated by commas): 'a#b'");
	_value("static_node_params", "Feature=a,,b",
	       "'static_node_params': invalid Feature (want names of [A-Za-z0-9_.-] separated by commas): 'a,,b'");
	_value("static_node_params", "Feature=\"a b\"",
	       "'static_node_params': invalid Feature (want names of [A-Za-z0-9_.-] separated by commas): '\"a'");
	_value("static_node_params", "Sockets=1=2",
	       "'static_node_params': invalid Sockets (want a number 1..65533): '1=2'");
	_value("static_node_params", "CPUs=0",
	       "'static_node_params': invalid CPUs (want a number 1..65533): '0'");
	_value("static_node_params", "Sockets=1 Sockets=2",
	       "'static_node_params': duplicate node parameter: 'Sockets'");
	_value("static_node_params", "Feature=a Features=b",
	       "'static_node_params': duplicate node parameter: 'Features'");
	_value("static_node_params", "RealMemory=1800 State=idle",
	       "'static_node_params': unsupported node parameter: 'State'");
	_value("static_node_params", "Weight=-1",
	       "'static_node_params': invalid Weight (want a number 0..999999999): '-1'");
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
		cmocka_unit_test(test_hostname_rules),
		cmocka_unit_test(test_nfs_exports),
		cmocka_unit_test(test_storage_may_be_empty),
		cmocka_unit_test(test_set_keeps_comments_and_order),
		cmocka_unit_test(test_set_new_file_and_no_final_newline),
		cmocka_unit_test(test_set_rejects_bad_values_and_results),
		cmocka_unit_test(test_big_compute_nodes),
		cmocka_unit_test(test_big_hosts),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_tres_limits),
		cmocka_unit_test(test_node_params),
		cmocka_unit_test(test_load_missing),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
