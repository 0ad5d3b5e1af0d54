#!/bin/bash
# tests/suites.sh REPO SUITE... - the release-dependent tests of "make check",
# one lane per Debian release, the lanes side by side:
#   check-fresh (the README's set-up in a pristine container), piuparts
#   on each package in clean chroots of that release, then the cluster
#   tests on nodes of that release.
# The lanes spend most of their time waiting for apt, dpkg and booting
# nodes, so two of them share two cores well.  Each lane writes its own log
# (build/check-SUITE.log); both are printed whole, one after the other, when
# the last lane ends.  A failure in one step does not stop the lane: every
# step reports.
#
# Environment: CLUSTER_TESTS (the .t files, default tests/cluster/*.t but
# the local Slurm one); a file named *-bookworm.t or *-trixie.t runs in
# that release's lane only.
set -uo pipefail
# Each lane in its own process group, so that an interruption reaches
# everything it started (which then cleans up after itself).
set -m

TOP=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# Absolute: the cluster tests run from a scratch directory of their own.
REPO=$(readlink -f "${1:?usage: tests/suites.sh REPO SUITE...}")
shift
[ $# -gt 0 ] || { echo "usage: tests/suites.sh REPO SUITE..." >&2; exit 2; }
if [ -z "${CLUSTER_TESTS:-}" ]; then
	CLUSTER_TESTS=$(find "$TOP/tests/cluster" -name '*.t' ! -name '0050-*' | sort | tr '\n' ' ')
fi

lane() {
	local suite=$1 rc=0 t tests=()
	echo "==== $suite: check-fresh"
	"$TOP/tests/fresh/check-fresh.sh" "$suite" || rc=1
	echo "==== $suite: piuparts"
	"$TOP/tests/qa/piuparts.sh" "$REPO" "$suite" || rc=1
	echo "==== $suite: cluster tests"
	# A test named *-RELEASE.t is about moving to RELEASE: its lane alone.
	for t in $CLUSTER_TESTS; do
		case $t in
		*-"$suite".t) tests+=("$t") ;;
		*-bookworm.t | *-trixie.t) ;;
		*) tests+=("$t") ;;
		esac
	done
	PIHPC_REPO=$REPO PIHPC_SUITE=$suite prove -v "${tests[@]}" || rc=1
	echo "==== $suite: lane ends with status $rc"
	return "$rc"
}

declare -A PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM -- "-$p" 2>/dev/null || true
	done
	wait
}
trap cleanup INT TERM

mkdir -p "$TOP/build"
for suite in "$@"; do
	log=$TOP/build/check-$suite.log
	echo "# $suite lane started: log $log"
	lane "$suite" >"$log" 2>&1 </dev/null &
	PIDS[$suite]=$!
done

fails=0
for suite in "$@"; do
	wait "${PIDS[$suite]}" || fails=$((fails + 1))
done
for suite in "$@"; do
	cat "$TOP/build/check-$suite.log"
done
[ "$fails" = 0 ] || { echo "# $fails of $# release lanes failed" >&2; exit 1; }
