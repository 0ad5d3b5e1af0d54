/*
 * db_test.c - slurmdbd.conf and its password, the SQL sent to mysql and
 * the waiting for MariaDB, with a fake runner.
 */
#include "testutil.h"
#include "fakerun.h"

#define MYSQL "mysql --batch --skip-column-names"
#define REFUSED "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)\n"

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/bash\n"
	"slurm:x:151:151::/nonexistent:/usr/sbin/nologin\n";

static void
test_password_parse(void **state)
{
	struct strbuf pass = STRBUF_INIT;
	char err[512];

	(void)state;
	assert_int_equal(pihpc_dbd_conf_password("f", "StorageUser=slurm\nStoragePass=abc123\n", &pass, err, sizeof(err)), 1);
	assert_string_equal(pass.buf, "abc123");
	assert_int_equal(pihpc_dbd_conf_password("f", "  storagepass = Xy9 # old\r\n", &pass, err, sizeof(err)), 1);
	assert_string_equal(pass.buf, "Xy9");
	assert_int_equal(pihpc_dbd_conf_password("f", "# StoragePass=commented\nStoragePass=\n", &pass, err, sizeof(err)), 0);
	assert_int_equal(pihpc_dbd_conf_password("f", "StoragePassword=x\nStorageLoc=db", &pass, err, sizeof(err)), 0);
	assert_int_equal(pihpc_dbd_conf_password("f", "", &pass, err, sizeof(err)), 0);
	/* the last one wins, as in Slurm */
	assert_int_equal(pihpc_dbd_conf_password("f", "StoragePass=a\nStoragePass=b", &pass, err, sizeof(err)), 1);
	assert_string_equal(pass.buf, "b");
	assert_int_equal(pihpc_dbd_conf_password("/etc/slurm/slurmdbd.conf", "a=b\nStoragePass=it's\n", &pass, err, sizeof(err)), -1);
	assert_string_equal(err, "/etc/slurm/slurmdbd.conf:2: 'StoragePass' may hold no quotes, backslashes or blanks; "
			    "use letters and digits, or delete the line to get a new password");
	assert_int_equal(pihpc_dbd_conf_password("f", "StoragePass=a\\b", &pass, err, sizeof(err)), -1);
	assert_int_equal(pihpc_dbd_conf_password("f", "StoragePass=\"ab\"", &pass, err, sizeof(err)), -1);
	assert_int_equal(pihpc_dbd_conf_password("f", "StoragePass=a b", &pass, err, sizeof(err)), -1);
	strbuf_release(&pass);
}

static void
test_password_new(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char err[512];

	(void)state;
	assert_int_equal(pihpc_db_password_new(&a, err, sizeof(err)), 0);
	assert_int_equal(pihpc_db_password_new(&b, err, sizeof(err)), 0);
	assert_int_equal(a.len, 32);
	assert_int_equal(strspn(a.buf, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), 32);
	assert_string_not_equal(a.buf, b.buf);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void
test_sql_quote(void **state)
{
	struct strbuf sql = STRBUF_INIT;

	(void)state;
	pihpc_sql_quote(&sql, "ab1");
	assert_string_equal(sql.buf, "'ab1'");
	strbuf_reset(&sql);
	pihpc_sql_quote(&sql, "a'b\\c");
	assert_string_equal(sql.buf, "'a''b\\\\c'");
	strbuf_release(&sql);
}

static void
test_unreachable(void **state)
{
	(void)state;
	assert_true(pihpc_mysql_unreachable(REFUSED));
	assert_true(pihpc_mysql_unreachable("ERROR 2013 (HY000): Lost connection to server during query"));
	assert_true(pihpc_mysql_unreachable("ERROR 2006 (HY000): Server has gone away"));
	assert_false(pihpc_mysql_unreachable("ERROR 1045 (28000): Access denied for user 'root'@'localhost'"));
	assert_false(pihpc_mysql_unreachable("ERROR 1064 (42000) at line 3: You have an error in your SQL syntax"));
	assert_false(pihpc_mysql_unreachable(""));
}

static void
test_conf_ensure(void **state)
{
	struct strlist done = STRLIST_INIT;
	struct strbuf pass = STRBUF_INIT, text = STRBUF_INIT, want = STRBUF_INIT;
	struct strbuf p = STRBUF_INIT;
	char *r = tu_mkdtemp(), err[512];
	struct pihpc_ctx ctx = { r };
	struct pihpc_conf c;
	struct stat st;
	int is_new;

	(void)state;
	pihpc_conf_init(&c);
	tu_write(r, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
	assert_int_equal(pihpc_dbd_conf_ensure(&ctx, &c, TOP_SRCDIR "/conf", &pass, &is_new, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "user 'slurm' does not exist (run 'pihpc user ensure' first)");

	tu_write(r, "etc/passwd", passwd);
	assert_int_equal(pihpc_dbd_conf_ensure(&ctx, &c, TOP_SRCDIR "/conf", &pass, &is_new, &done, err, sizeof(err)), 0);
	assert_int_equal(is_new, 1);
	assert_int_equal(pass.len, 32);
	assert_int_equal(done.nr, 1);
	strbuf_addf(&want, "updated '%s/etc/slurm/slurmdbd.conf'", r);
	assert_string_equal(done.v[0], want.buf);
	strlist_clear(&done);
	assert_int_equal(stat(tu_path(&p, r, "etc/slurm/slurmdbd.conf"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, 151);
	assert_int_equal(st.st_gid, 151);
	tu_read(r, "etc/slurm/slurmdbd.conf", &text);
	strbuf_reset(&want);
	strbuf_addf(&want, "\nStoragePass=%s\n", pass.buf);
	assert_non_null(strstr(text.buf, want.buf));
	assert_non_null(strstr(text.buf, "# slurmdbd.conf for cluster raspi-hpc-cluster (Slurm 22.05).\n"));
	assert_non_null(strstr(text.buf, "\nAuthType=auth/munge\nDbdHost=localhost\nDbdPort=6819\nSlurmUser=slurm\n"
				       "DebugLevel=info\nLogFile=/var/log/slurm/slurmdbd.log\nPidFile=/run/slurmdbd.pid\n"));
	assert_non_null(strstr(text.buf, "\nStorageType=accounting_storage/mysql\nStorageHost=localhost\n"
				       "StorageUser=slurm\nStoragePass="));
	assert_non_null(strstr(text.buf, "\nStorageLoc=slurm_acct_db\n"));

	/* again: the password is kept, nothing written */
	strbuf_reset(&want);
	strbuf_addbuf(&want, &pass);
	assert_int_equal(pihpc_dbd_conf_ensure(&ctx, &c, TOP_SRCDIR "/conf", &pass, &is_new, &done, err, sizeof(err)), 0);
	assert_int_equal(is_new, 0);
	assert_string_equal(pass.buf, want.buf);
	assert_int_equal(done.nr, 0);

	/* an edited file: rewritten, its password kept */
	tu_write(r, "etc/slurm/slurmdbd.conf", "StoragePass=Handmade1\nDebugLevel=debug5\n");
	assert_int_equal(pihpc_dbd_conf_ensure(&ctx, &c, TOP_SRCDIR "/conf", &pass, &is_new, &done, err, sizeof(err)), 0);
	assert_int_equal(is_new, 0);
	assert_string_equal(pass.buf, "Handmade1");
	assert_int_equal(done.nr, 1);
	tu_read(r, "etc/slurm/slurmdbd.conf", &text);
	assert_non_null(strstr(text.buf, "\nStoragePass=Handmade1\n"));
	assert_null(strstr(text.buf, "debug5"));
	assert_int_equal(stat(tu_path(&p, r, "etc/slurm/slurmdbd.conf"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, 151);

	strlist_clear(&done);
	strbuf_release(&pass);
	strbuf_release(&text);
	strbuf_release(&want);
	strbuf_release(&p);
	pihpc_conf_release(&c);
	tu_rmrf(r);
}

static void
test_ensure_sql_fresh(void **state)
{
	static const struct fake_call calls[] = {
		{ MYSQL, 3, 1, "", REFUSED },
		{ MYSQL, 0, 0, "", "" },
	};
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner r;
	struct fake f;
	char err[512];

	(void)state;
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_db_ensure(&r, "Secret42", 1, 60, &done, err, sizeof(err)), 0);
	assert_string_equal(f.in.buf,
		"SELECT 'database' FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'slurm_acct_db';\n"
		"SELECT 'user' FROM mysql.user WHERE User = 'slurm' AND Host = 'localhost';\n"
		"CREATE DATABASE IF NOT EXISTS slurm_acct_db;\n"
		"CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'Secret42';\n"
		"ALTER USER 'slurm'@'localhost' IDENTIFIED BY 'Secret42';\n"
		"GRANT ALL PRIVILEGES ON slurm_acct_db.* TO 'slurm'@'localhost';\n"
		"FLUSH PRIVILEGES;\n");
	assert_int_equal(f.slept, 3);
	assert_int_equal(done.nr, 2);
	assert_string_equal(done.v[0], "created database 'slurm_acct_db'");
	assert_string_equal(done.v[1], "created database user 'slurm'@'localhost'");
	strlist_clear(&done);
	fake_done(&f);
}

static void
test_ensure_sql_existing(void **state)
{
	static const struct fake_call calls[] = {
		{ MYSQL, 0, 0, "database\nuser\n", "" },
		{ MYSQL, 0, 0, "database\nuser\n", "" },
	};
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner r;
	struct fake f;
	char err[512];

	(void)state;
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_db_ensure(&r, "Secret42", 0, 60, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	assert_int_equal(pihpc_db_ensure(&r, "New1", 1, 60, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 1);
	assert_string_equal(done.v[0], "set a new password for database user 'slurm'@'localhost'");
	assert_int_equal(f.slept, 0);
	strlist_clear(&done);
	fake_done(&f);
}

static void
test_ensure_sql_errors(void **state)
{
	static const struct fake_call calls[] = {
		/* 60 s, 1 s apart: 61 tries */
		{ MYSQL, 61, 1, "", REFUSED },
		{ MYSQL, 0, 1, "", "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: NO)\n" },
		{ MYSQL, 0, -1, NULL, NULL },
		{ MYSQL, 0, 1, "", "ERROR 1064 (42000) at line 4: You have an error in your SQL syntax; "
		  "check the manual near 'IDENTIFIED BY 'Secret42'' at line 1\n" },
	};
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner r;
	struct fake f;
	char err[512];

	(void)state;
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_db_ensure(&r, "Secret42", 1, 60, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot set up the accounting database: MariaDB did not answer within 60 s: "
			    "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)");
	assert_int_equal(f.slept, 60);
	assert_int_equal(pihpc_db_ensure(&r, "Secret42", 1, 60, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot set up the accounting database: "
			    "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: NO)");
	assert_null(strstr(err, "Secret42"));
	assert_int_equal(f.slept, 60);	/* no retry for other errors */
	assert_int_equal(pihpc_db_ensure(&r, "Secret42", 1, 60, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot run 'mysql': No such file or directory (is mariadb-client installed?)");
	assert_int_equal(pihpc_db_ensure(&r, "Secret42", 1, 60, &done, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot set up the accounting database: ERROR 1064 (42000) at line 4: You have an error "
			    "in your SQL syntax; check the manual near 'IDENTIFIED BY '********'' at line 1");
	assert_int_equal(done.nr, 0);
	fake_done(&f);
}

static void
test_drop(void **state)
{
	static const struct fake_call calls[] = {
		{ MYSQL, 0, 0, "database\nuser\n", "" },
		{ MYSQL, 0, 0, "", "" },
	};
	struct strlist done = STRLIST_INIT;
	struct pihpc_runner r;
	struct fake f;
	char err[512];

	(void)state;
	fake_init(&r, &f, calls, FAKE_N(calls));
	assert_int_equal(pihpc_db_drop(&r, 5, &done, err, sizeof(err)), 0);
	assert_string_equal(f.in.buf,
		"SELECT 'database' FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'slurm_acct_db';\n"
		"SELECT 'user' FROM mysql.user WHERE User = 'slurm' AND Host = 'localhost';\n"
		"DROP DATABASE IF EXISTS slurm_acct_db;\n"
		"DROP USER IF EXISTS 'slurm'@'localhost';\n");
	assert_int_equal(done.nr, 2);
	assert_string_equal(done.v[0], "dropped database 'slurm_acct_db'");
	assert_string_equal(done.v[1], "dropped database user 'slurm'@'localhost'");
	strlist_clear(&done);
	assert_int_equal(pihpc_db_drop(&r, 5, &done, err, sizeof(err)), 0);
	assert_int_equal(done.nr, 0);
	fake_done(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_parse),
		cmocka_unit_test(test_password_new),
		cmocka_unit_test(test_sql_quote),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_conf_ensure),
		cmocka_unit_test(test_ensure_sql_fresh),
		cmocka_unit_test(test_ensure_sql_existing),
		cmocka_unit_test(test_ensure_sql_errors),
		cmocka_unit_test(test_drop),
	};

	/* Owners need root; tests/unit/run.sh gives other users fakeroot. */
	if (geteuid() != 0) {
		(void)fprintf(stderr, "db_test: needs root or fakeroot (file owners)\n");
		return 1;
	}
	return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
