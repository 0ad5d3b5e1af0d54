/*
 * slurmrel_test.c - Slurm's major releases, the window each accepts and
 * the ways through them.
 */
#include "testutil.h"

static struct pihpc_slurm_version
_v(unsigned major, unsigned minor, unsigned micro)
{
	struct pihpc_slurm_version v = { major, minor, micro };

	return v;
}

static void
test_index(void **state)
{
	struct pihpc_slurm_version v;
	int steps = 0;

	(void)state;
	v = _v(14, 3, 0);
	assert_int_equal(pihpc_slurmrel_index(&v), 0);
	v = _v(22, 5, 8);
	assert_int_equal(pihpc_slurmrel_index(&v), 11);
	v = _v(25, 11, 0);
	assert_int_equal(pihpc_slurmrel_index(&v), 17);
	/* six-monthly after the table */
	v = _v(26, 5, 0);
	assert_int_equal(pihpc_slurmrel_index(&v), 18);
	v = _v(26, 11, 1);
	assert_int_equal(pihpc_slurmrel_index(&v), 19);
	v = _v(30, 5, 0);
	assert_int_equal(pihpc_slurmrel_index(&v), 26);
	/* not releases */
	v = _v(24, 8, 0);
	assert_int_equal(pihpc_slurmrel_index(&v), -1);
	v = _v(2, 6, 9);
	assert_int_equal(pihpc_slurmrel_index(&v), -1);
	v = _v(26, 2, 0);
	assert_int_equal(pihpc_slurmrel_index(&v), -1);
	v = _v(1000000, 5, 0);
	assert_int_equal(pihpc_slurmrel_index(&v), -1);
	/* and back */
	assert_int_equal(pihpc_slurmrel_at(12, &v), 0);
	assert_int_equal(v.major, 23);
	assert_int_equal(v.minor, 2);
	assert_int_equal(pihpc_slurmrel_at(27, &v), 0);
	assert_int_equal(v.major, 30);
	assert_int_equal(v.minor, 11);
	assert_int_equal(pihpc_slurmrel_at(-1, &v), -1);
	/* steps */
	v = _v(22, 5, 0);
	{
		struct pihpc_slurm_version w = _v(23, 11, 4);

		assert_int_equal(pihpc_slurmrel_steps(&v, &w, &steps), 0);
		assert_int_equal(steps, 2);
		assert_int_equal(pihpc_slurmrel_steps(&w, &v, &steps), 0);
		assert_int_equal(steps, -2);
		w = _v(23, 6, 0);
		assert_int_equal(pihpc_slurmrel_steps(&v, &w, &steps), -1);
	}
	v = _v(24, 5, 0);
	assert_int_equal(pihpc_slurmrel_window(&v), 2);
	v = _v(24, 11, 0);
	assert_int_equal(pihpc_slurmrel_window(&v), 3);
	v = _v(27, 5, 0);
	assert_int_equal(pihpc_slurmrel_window(&v), 3);
}

static void
test_debversion(void **state)
{
	struct pihpc_slurm_version v;

	(void)state;
	assert_int_equal(pihpc_debversion_slurm("22.05.8-4+deb12u3", &v), 0);
	assert_int_equal(v.major, 22);
	assert_int_equal(v.minor, 5);
	assert_int_equal(v.micro, 8);
	assert_int_equal(pihpc_debversion_slurm("1:24.11.5-1", &v), 0);
	assert_int_equal(v.major, 24);
	assert_int_equal(v.micro, 5);
	assert_int_equal(pihpc_debversion_slurm("24.11", &v), 0);
	assert_int_equal(v.micro, 0);
	assert_int_equal(pihpc_debversion_slurm("24.11.5+pihpc1", &v), 0);
	assert_int_equal(pihpc_debversion_slurm("23.11.4~rc1-1", &v), 0);
	assert_int_equal(v.micro, 4);
	assert_int_equal(pihpc_debversion_slurm("git20240101", &v), -1);
	assert_int_equal(pihpc_debversion_slurm("24", &v), -1);
	assert_int_equal(pihpc_debversion_slurm("24.", &v), -1);
	assert_int_equal(pihpc_debversion_slurm("24.11.", &v), -1);
	assert_int_equal(pihpc_debversion_slurm(":24.11.5", &v), -1);
	assert_int_equal(pihpc_debversion_slurm("a:24.11.5", &v), -1);
	assert_int_equal(pihpc_debversion_slurm("1234567.11", &v), -1);
	assert_int_equal(pihpc_debversion_slurm("", &v), -1);
}

static void
test_upgrade(void **state)
{
	struct strbuf why = STRBUF_INIT;
	struct pihpc_slurm_version a, b;

	(void)state;
	/* within the window, the same release, a downgrade */
	a = _v(23, 2, 7);
	b = _v(24, 11, 5);
	assert_int_equal(pihpc_slurmrel_upgrade_ok(&a, &b, &why), 1);
	assert_int_equal(why.len, 0);
	a = _v(22, 5, 8);
	b = _v(23, 11, 1);
	assert_int_equal(pihpc_slurmrel_upgrade_ok(&a, &b, &why), 1);
	b = _v(22, 5, 2);
	assert_int_equal(pihpc_slurmrel_upgrade_ok(&a, &b, &why), 1);
	a = _v(24, 11, 5);
	b = _v(22, 5, 8);
	assert_int_equal(pihpc_slurmrel_upgrade_ok(&a, &b, &why), 1);
	/* Debian 12 to Debian 13 */
	a = _v(22, 5, 8);
	b = _v(24, 11, 5);
	assert_int_equal(pihpc_slurmrel_upgrade_ok(&a, &b, &why), 0);
	assert_string_equal(why.buf,
			    "Slurm 24.11 accepts state and database records only from 23.02, 23.11 and 24.05; 22.05 is older: upgrade through 23.11 first");
	/* two windows before 24.11 */
	a = _v(22, 5, 0);
	b = _v(24, 5, 0);
	assert_int_equal(pihpc_slurmrel_upgrade_ok(&a, &b, &why), 0);
	assert_string_equal(why.buf,
			    "Slurm 24.05 accepts state and database records only from 23.02 and 23.11; 22.05 is older: upgrade through 23.11 first");
	/* a long way */
	a = _v(17, 2, 0);
	b = _v(25, 5, 0);
	assert_int_equal(pihpc_slurmrel_upgrade_ok(&a, &b, &why), 0);
	assert_non_null(strstr(why.buf,
			       "17.02 is older: upgrade through 18.08, 20.02, 21.08, 23.02 and 24.11 first"));
	/* unknown releases */
	a = _v(24, 8, 0);
	b = _v(24, 11, 0);
	assert_int_equal(pihpc_slurmrel_upgrade_ok(&a, &b, &why), -1);
	assert_non_null(strstr(why.buf, "Slurm 24.08 is not a major release known here"));
	a = _v(24, 5, 0);
	b = _v(26, 3, 0);
	assert_int_equal(pihpc_slurmrel_upgrade_ok(&a, &b, &why), -1);
	assert_non_null(strstr(why.buf, "Slurm 26.03 is not"));
	strbuf_release(&why);
}

static void
test_node(void **state)
{
	struct strbuf why = STRBUF_INIT;
	struct pihpc_slurm_version n, c;

	(void)state;
	n = _v(24, 11, 5);
	c = _v(24, 11, 5);
	assert_int_equal(pihpc_slurmrel_node_ok(&n, &c, &why), 1);
	n = _v(23, 11, 9);
	assert_int_equal(pihpc_slurmrel_node_ok(&n, &c, &why), 1);
	/* a newer micro is newer too */
	n = _v(24, 11, 6);
	assert_int_equal(pihpc_slurmrel_node_ok(&n, &c, &why), 0);
	assert_string_equal(why.buf,
			    "Slurm 24.11.6 is newer than the controller's 24.11.5, and slurmctld refuses a newer slurmd or client command: upgrade slurmdbd, then slurmctld on the controller first");
	strbuf_release(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_debversion),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_node),
	};

	return cmocka_run_group_tests_name("slurmrel", tests, NULL, NULL);
}
