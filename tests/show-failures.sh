#!/bin/sh
# tests/show-failures.sh [TREE] - what the unit and CLI tests of the source
# tree TREE (default: this one) kept of their last failures: the output of
# each failed unit suite (tests/unit/run.sh --report) and each failed CLI
# test's commands and their output (tests/cli/run-test.sh).  For a build
# log that keeps only its end (make deb, check-fresh); at most MAX lines of
# each file.  Nothing is printed when nothing failed.
set -eu

MAX=300

tree=${1:-$(cd "$(dirname "$0")/.." && pwd)}
for f in tests/unit/failures.log tests/unit/failures-valgrind.log \
	tests/cli/test-results/failures.log; do
	[ -s "$tree/$f" ] || continue
	n=$(wc -l <"$tree/$f")
	echo "# $f:"
	head -n "$MAX" "$tree/$f"
	[ "$n" -le "$MAX" ] || echo "[... $((n - MAX)) more lines in $f ...]"
done
