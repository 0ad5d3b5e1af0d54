#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='tests/unit/run.sh: every suite runs, nothing passes unseen'

# The source tree (src/Makefile sets PIHPC).
TOP="$(cd "$(dirname "$0")/../.." && pwd)"

. /usr/share/sharness/sharness.sh

RUN="$TOP/tests/unit/run.sh"

# Stand-ins for cmocka programs: print its totals, exit as told.
suite() {
	printf '#!/bin/sh\n%s\nexit %s\n' "$2" "$3" >"$1" &&
	chmod +x "$1"
}

test_expect_success 'setup: suites that pass, fail, skip, crash' '
	suite pass "echo \"[  PASSED  ] 3 test(s).\"" 0 &&
	suite fail "echo \"[  PASSED  ] 1 test(s).\"; echo \"[  FAILED  ] 2 test(s), listed below:\"" 1 &&
	suite skip "echo \"[  PASSED  ] 1 test(s).\"; echo \"[  SKIPPED ] 1 test(s), listed below:\"" 0 &&
	suite crash "kill -SEGV \$\$" 0 &&
	suite gone "echo cannot run" 77
'

test_expect_success 'all passing: exit 0 and the count as last line' '
	"$RUN" --summary sum ./pass ./pass >out &&
	echo "6 passed, 0 failed, 0 skipped" >expect &&
	tail -n 1 out >last &&
	test_cmp expect last &&
	test_cmp expect sum
'

test_expect_success 'failures are counted and every suite still runs' '
	test_expect_code 1 "$RUN" ./fail ./pass >out &&
	grep "^FAIL ./fail (exit status 1)$" out &&
	echo "4 passed, 2 failed, 0 skipped" >expect &&
	tail -n 1 out >last &&
	test_cmp expect last
'

test_expect_success 'a skipped test fails the run' '
	test_expect_code 1 "$RUN" ./skip >out &&
	echo "1 passed, 0 failed, 1 skipped" >expect &&
	tail -n 1 out >last &&
	test_cmp expect last
'

test_expect_success 'a suite that crashes or exits 77 is one failure each' '
	test_expect_code 1 "$RUN" ./crash ./gone ./pass >out &&
	grep "^Bail out! ./crash did not run its tests$" out &&
	grep "^Bail out! ./gone did not run its tests$" out &&
	echo "3 passed, 2 failed, 0 skipped" >expect &&
	tail -n 1 out >last &&
	test_cmp expect last
'

test_expect_success '--report: the output of each failed suite, appended' '
	echo before >report &&
	test_expect_code 1 "$RUN" --report report ./pass ./fail ./gone >out &&
	sed "s/^> //" >expect <<-\EOF &&
	> before
	> === ./fail failed (exit status 1)
	>   [  PASSED  ] 1 test(s).
	>   [  FAILED  ] 2 test(s), listed below:
	> === end of ./fail
	> === ./gone failed (exit status 77)
	>   cannot run
	> === end of ./gone
	EOF
	test_cmp expect report
'

test_expect_success '--report: a long output keeps its start and its end' '
	suite long "seq 1 400; echo \"[  FAILED  ] 1 test(s), listed below:\"" 1 &&
	test_expect_code 1 "$RUN" --report report2 ./long >out &&
	test "$(wc -l <report2)" = 153 &&
	grep -x "  50" report2 &&
	! grep -x "  51" report2 &&
	grep -x "  \[... 251 lines left out ...\]" report2 &&
	grep -x "  302" report2 &&
	! grep -x "  301" report2 &&
	tail -n 2 report2 | head -n 1 | grep -F "  [  FAILED  ] 1 test(s)"
'

test_done
