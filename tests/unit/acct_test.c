/*
 * acct_test.c - accounting registration decisions on canned sacctmgr
 * answers.
 */
#include "testutil.h"
#include "fakerun.h"

#define SHOW_CLUSTER "sacctmgr -n -P show cluster format=cluster"
#define SHOW_ASSOC "sacctmgr -n -P show association where clusters=raspi-hpc-cluster " \
	"accounts=compute format=account,user,partition,grptres"
#define REFUSED "sacctmgr: error: slurm_persist_conn_open_without_init: failed to open persistent connection " \
	"to host:localhost:6819: Connection refused\n" \
	"sacctmgr: error: Sending PersistInit msg: Connection refused\n" \
	"Problem talking to the database: Connection refused\n"

static void
_conf(struct pihpc_conf *c, const char *users, const char *limits)
{
	pihpc_conf_init(c);
	free(c->val[PIHPC_ACCOUNTING_USERS]);
	c->val[PIHPC_ACCOUNTING_USERS] = xstrdup(users);
	free(c->val[PIHPC_ACCOUNTING_USER_LIMITS]);
	c->val[PIHPC_ACCOUNTING_USER_LIMITS] = xstrdup(limits);
}

static void
test_tres_update(void **state)
{
	struct strbuf set = STRBUF_INIT;

	(void)state;
	pihpc_tres_update("cpu=4,mem=1gb", "cpu=4,mem=1G", &set);
	assert_string_equal(set.buf, "");
	pihpc_tres_update("cpu=4,mem=1gb", "mem=1024M,cpu=4", &set);
	assert_string_equal(set.buf, "");
	pihpc_tres_update("mem=2048", "mem=2G", &set);
	assert_string_equal(set.buf, "");
	pihpc_tres_update("mem=1T", "mem=1048576", &set);
	assert_string_equal(set.buf, "");
	pihpc_tres_update("cpu=4,mem=1gb", "", &set);
	assert_string_equal(set.buf, "cpu=4,mem=1gb");
	pihpc_tres_update("cpu=8,mem=1gb", "cpu=4,mem=1G", &set);
	assert_string_equal(set.buf, "cpu=8,mem=1gb");
	pihpc_tres_update("cpu=4", "cpu=4,mem=1G,gres/gpu=1", &set);
	assert_string_equal(set.buf, "cpu=4,mem=-1,gres/gpu=-1");
	pihpc_tres_update("", "cpu=4", &set);
	assert_string_equal(set.buf, "cpu=-1");
	pihpc_tres_update("", "", &set);
	assert_string_equal(set.buf, "");
	pihpc_tres_update("mem=1500M", "mem=1500M", &set);
	assert_string_equal(set.buf, "");
	pihpc_tres_update("mem=512k", "mem=1M", &set);
	assert_string_equal(set.buf, "mem=512k");
	strbuf_release(&set);
}

static void
test_fresh_database(void **state)
{
	static const struct fake_call calls[] = {
		{ SHOW_CLUSTER, 2, 1, "", REFUSED },
		{ SHOW_CLUSTER, 0, 1, "", "sacctmgr: error: Database is busy or waiting for lock from other user.\n" },
		{ SHOW_CLUSTER, 0, 0, "", "" },
		{ "sacctmgr -i add cluster raspi-hpc-cluster", 0, 0, " Adding Cluster(s)\n  Name           = raspi-hpc-cluster\n", "" },
		{ SHOW_ASSOC, 0, 0, "", "" },
		{ "sacctmgr -i add account compute clusters=raspi-hpc-cluster Description=Compute account Organization=home", 0, 0, "", "" },
		{ "sacctmgr -i add user pi accounts=compute clusters=raspi-hpc-cluster", 0, 0, "", "" },
		{ "sacctmgr -i modify user where names=pi accounts=compute clusters=raspi-hpc-cluster set GrpTRES=cpu=4,mem=1gb", 0, 0, "", "" },
		{ "sacctmgr -i add user bob accounts=compute clusters=raspi-hpc-cluster", 0, 0, "", "" },
		{ "sacctmgr -i modify user where names=bob accounts=compute clusters=raspi-hpc-cluster set GrpTRES=cpu=4,mem=1gb", 0, 0, "", "" },
	};
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner r;
	struct pihpc_conf c;
	struct fake f;
	char err[512];

	(void)state;
	_conf(&c, "pi, bob", "cpu=4,mem=1gb");
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_acct_register(&r, &c, 90, &done, err, sizeof(err)), 0);
	assert_int_equal(f.slept, 6);
	assert_int_equal(done.nr, 6);
	assert_string_equal(done.v[0], "added cluster 'raspi-hpc-cluster'");
	assert_string_equal(done.v[1], "added account 'compute'");
	assert_string_equal(done.v[2], "added user 'pi' to account 'compute'");
	assert_string_equal(done.v[3], "set GrpTRES of user 'pi' to 'cpu=4,mem=1gb'");
	assert_string_equal(done.v[4], "added user 'bob' to account 'compute'");
	assert_string_equal(done.v[5], "set GrpTRES of user 'bob' to 'cpu=4,mem=1gb'");
	strlist_clear(&done);
	pihpc_conf_release(&c);
	fake_done(&f);
}

static void
test_all_in_place(void **state)
{
	static const struct fake_call calls[] = {
		{ SHOW_CLUSTER, 0, 0, "other\nraspi-hpc-cluster\n", "" },
		{ SHOW_ASSOC, 0, 0, "compute|||\ncompute|pi||cpu=4,mem=1G\ncompute|pi|debug|cpu=1\n", "" },
	};
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner r;
	struct pihpc_conf c;
	struct fake f;
	char err[512];

	(void)state;
	_conf(&c, "pi", "cpu=4,mem=1gb");
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_acct_register(&r, &c, 90, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	assert_int_equal(f.slept, 0);
	pihpc_conf_release(&c);
	fake_done(&f);
}

static void
test_clears_limits_missing_in_conf(void **state)
{
	static const struct fake_call calls[] = {
		{ SHOW_CLUSTER, 0, 0, "raspi-hpc-cluster\n", "" },
		{ SHOW_ASSOC, 0, 0, "compute|||\ncompute|pi||cpu=4,mem=1G\n", "" },
		{ "sacctmgr -i modify user where names=pi accounts=compute clusters=raspi-hpc-cluster set GrpTRES=cpu=8,mem=-1", 0, 0, "", "" },
		{ "sacctmgr -i add user eve accounts=compute clusters=raspi-hpc-cluster", 0, 0, "", "" },
		{ "sacctmgr -i modify user where names=eve accounts=compute clusters=raspi-hpc-cluster set GrpTRES=cpu=8", 0, 0, "", "" },
	};
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner r;
	struct pihpc_conf c;
	struct fake f;
	char err[512];

	(void)state;
	_conf(&c, "pi eve", "cpu=8");
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_acct_register(&r, &c, 90, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 3);
	assert_string_equal(done.v[0], "set GrpTRES of user 'pi' to 'cpu=8,mem=-1'");
	assert_string_equal(done.v[1], "added user 'eve' to account 'compute'");
	assert_string_equal(done.v[2], "set GrpTRES of user 'eve' to 'cpu=8'");
	strlist_clear(&done);
	pihpc_conf_release(&c);
	fake_done(&f);
}

static void
test_errors(void **state)
{
	static const struct fake_call calls[] = {
		/* 90 s, 2 s apart: 46 tries */
		{ SHOW_CLUSTER, 46, 1, "", REFUSED },
		{ SHOW_CLUSTER, 0, 0, "", "" },
		{ "sacctmgr -i add cluster raspi-hpc-cluster", 0, 1, "",
		  " Unknown option: x\n Use keyword 'where' to modify condition\n" },
		{ SHOW_CLUSTER, 0, -1, NULL, NULL },
	};
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner r;
	struct pihpc_conf c;
	struct fake f;
	char err[1024];

	(void)state;
	_conf(&c, "pi", "cpu=4");
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_acct_register(&r, &c, 90, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "slurmdbd did not answer within 90 s: "
		"sacctmgr: error: slurm_persist_conn_open_without_init: failed to open persistent connection "
		"to host:localhost:6819: Connection refused; sacctmgr: error: Sending PersistInit msg: Connection refused; "
		"Problem talking to the database: Connection refused (is slurmdbd running? see 'journalctl -u slurmdbd')");
	assert_int_equal(f.slept, 90);
	assert_int_equal(pihpc_acct_register(&r, &c, 90, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot add cluster 'raspi-hpc-cluster': Unknown option: x; Use keyword 'where' to modify condition");
	assert_int_equal(pihpc_acct_register(&r, &c, 90, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot run 'sacctmgr': No such file or directory");
	assert_int_equal(done.nr, 0);
	pihpc_conf_release(&c);
	fake_done(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tres_update),
		cmocka_unit_test(test_fresh_database),
		cmocka_unit_test(test_all_in_place),
		cmocka_unit_test(test_clears_limits_missing_in_conf),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("acct", tests, NULL, NULL);
}
