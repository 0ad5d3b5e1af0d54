#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='tests/cli/run-test.sh: a failed test leaves its output in the log'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"

. /usr/share/sharness/sharness.sh

# A sharness script t/NAME.t of its own, with the extension of tests/cli;
# run-test.sh runs it as prove would, outside this script's sharness.
script() {
	printf '#!/bin/sh\ntest_description=%s\n. /usr/share/sharness/sharness.sh\n%s\n' \
		"$1" "$2" >"t/$1.t" &&
	chmod +x "t/$1.t"
}
run() {
	env -u SHARNESS_TEST_DIRECTORY -u SHARNESS_TEST_SRCDIR \
		-u SHARNESS_BUILD_DIRECTORY -u SHARNESS_TRASH_DIRECTORY \
		-u SHARNESS_TEST_FILE -u PIHPC_TEST_OUTPUT \
		sh "$TOP/tests/cli/run-test.sh" "t/$1.t"
}

test_expect_success 'setup: scripts that pass, fail, stop' '
	mkdir t &&
	cp -r "$TOP/tests/cli/sharness.d" t/ &&
	script pass "test_expect_success one \"echo quiet\"
test_done" &&
	script fail "test_expect_success one \"echo not shown\"
test_expect_success two \"echo shown; false\"
test_expect_success three \"true\"
test_expect_success four \"echo also shown >&2; false\"
test_done" &&
	script stop "test_expect_success one \"echo last words\"
exit 7"
'

test_expect_success 'a passing script: its TAP, its status, no report' '
	run pass >tap 2>err &&
	grep "^ok 1 - one$" tap &&
	test_must_be_empty err &&
	test ! -e t/test-results/failures.log
'

test_expect_success 'a failed test: its commands and their output, on stderr and in failures.log' '
	test_expect_code 1 run fail >tap 2>err &&
	grep "^not ok 2 - two$" tap &&
	sed -e "s/^> //" -e "s/^>$//" >expect <<-\EOF &&
	> === fail failed (exit status 1)
	> --- fail: not ok 2 - two
	>   expecting success: echo shown; false
	>   shown
	>
	> --- fail: not ok 4 - four
	>   expecting success: echo also shown >&2; false
	>   also shown
	>
	> === end of fail
	EOF
	test_cmp expect err &&
	test_cmp expect t/test-results/failures.log
'

test_expect_success 'a script that stops: the end of its output and of its TAP' '
	test_expect_code 1 run stop >tap 2>err &&
	grep "^=== stop failed (exit status 1)$" err &&
	grep "^  last words$" err &&
	grep "^  FATAL: Unexpected exit with code 7$" err &&
	grep "^=== stop failed" t/test-results/failures.log &&
	grep -c "^=== fail failed" t/test-results/failures.log >count &&
	echo 1 >expect &&
	test_cmp expect count
'

test_expect_success 'a long output keeps its start and its end; five failed tests at most' '
	body="test_expect_success long \"seq 1 300; false\"" &&
	for n in 2 3 4 5 6; do
		body="$body
test_expect_success t$n \"false\""
	done &&
	script many "$body
test_done" &&
	test_expect_code 1 run many >tap 2>err &&
	grep -x "  29" err &&
	! grep -x "  30" err &&
	grep -x "  \[... 182 lines left out ...\]" err &&
	grep -x "  212" err &&
	! grep -x "  211" err &&
	grep -x "  300" err &&
	grep -x -- "--- many: not ok 5 - t5" err &&
	grep -x -- "--- many: not ok 6 - t6 (not shown)" err
'

test_done
