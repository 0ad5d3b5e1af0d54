#!/bin/sh
# Run the unit test programs and sum up their cmocka results.
#
#   tests/unit/run.sh [--summary FILE] [--report FILE] [--wrap 'CMD ARGS'] TEST...
#
# Every program runs, also after a failure, and the last line printed is
# "N passed, N failed, N skipped" over the cmocka tests of all of them
# (also written to FILE).  A program that stops without cmocka's summary
# (a crash, a missing tool) counts as one failed test.  The exit status is
# 1 when anything failed or was skipped: a test that did not run is no
# success.
#
# The output of a program that failed is also appended to --report's FILE,
# at most about 150 lines of it, indented (no count there for
# tests/check-summary.sh): a build log keeps only its end, and check-fresh
# shows this file instead.
#
# The suites chown files to the ids of a scratch passwd file.  Without root
# (the package build with Rules-Requires-Root: no) they run under fakeroot,
# which records those owners instead of refusing them, so every suite runs
# the same way for every user.
set -eu

summary=
report=
wrap=
while [ $# -gt 0 ]; do
	case "$1" in
	--summary)
		summary=$2
		shift 2
		;;
	--report)
		report=$2
		shift 2
		;;
	--wrap)
		wrap=$2
		shift 2
		;;
	*) break ;;
	esac
done

asroot=
if [ "$(id -u)" != 0 ]; then
	if ! command -v fakeroot >/dev/null; then
		echo "run.sh: not root and no fakeroot: cannot run the unit tests (apt-get install fakeroot)" >&2
		exit 1
	fi
	asroot="fakeroot --"
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
passed=0 failed=0 skipped=0
for t in "$@"; do
	echo "== $t"
	rc=0
	# shellcheck disable=SC2086 # $asroot and $wrap are command words
	$asroot $wrap "$t" >"$out" 2>&1 || rc=$?
	cat "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' "$out")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$out")
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$out")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
	# A suite that did not report its failures, or no summary at all, did
	# not run its tests: one failure, and "Bail out!" for the closing
	# count of the top-level make check.
	bail=no
	if [ "$rc" != 0 ]; then
		echo "FAIL $t (exit status $rc)"
		[ -n "$f" ] || bail=yes
	elif [ -z "$p" ]; then
		echo "FAIL $t (no cmocka summary)"
		bail=yes
	fi
	if [ "$bail" = yes ]; then
		failed=$((failed + 1))
		echo "Bail out! $t did not run its tests"
	fi
	if [ -n "$report" ] && { [ "$rc" != 0 ] || [ "$bail" = yes ]; }; then
		n=$(wc -l <"$out")
		{
			echo "=== ${wrap:+$wrap }$t failed (exit status $rc)"
			if [ "$n" -le 150 ]; then
				cat "$out"
			else
				head -n 50 "$out"
				echo "[... $((n - 150)) lines left out ...]"
				tail -n 100 "$out"
			fi | sed 's/^./  &/'
			echo "=== end of $t"
		} >>"$report"
	fi
done

line="$passed passed, $failed failed, $skipped skipped"
[ -z "$summary" ] || printf '%s\n' "$line" >"$summary"
echo "$line"
[ "$failed" = 0 ] && [ "$skipped" = 0 ]
