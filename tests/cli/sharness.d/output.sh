# Sourced by sharness before the tests run.  Without --verbose, sharness
# throws away what the tests' commands print; run-test.sh has it kept in
# the file PIHPC_TEST_OUTPUT instead, to show a failure from there rather
# than by running the test again: a flaky test may not fail twice.
# shellcheck shell=sh disable=SC2154 # verbose is sharness's
if test "$verbose" != t && test -n "${PIHPC_TEST_OUTPUT:-}"; then
	exec 3>"$PIHPC_TEST_OUTPUT" 4>&3
fi
