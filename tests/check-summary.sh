#!/bin/sh
# tests/check-summary.sh LOG - count what "make check" ran, from its whole
# output: TAP lines (prove -v: the CLI and cluster tests), cmocka's totals
# (the unit suites, also under valgrind), and the "RESULT: name: N passed,
# N failed, N skipped" lines of the runners that speak neither (piuparts,
# check-fresh, the fuzzers).  Prints one closing line:
#   check: N passed, N failed, N skipped
set -eu

log=${1:?usage: tests/check-summary.sh LOG}
[ -r "$log" ] || { echo "check-summary: cannot read '$log'" >&2; exit 2; }

awk '
/^not ok [0-9]/ { failed++; next }
# A test file that could not run at all.
/^Bail out!/ { failed++; next }
/^ok [0-9]/ { if (tolower($0) ~ /# skip/) skipped++; else passed++; next }
# A whole test file skipped: "1..0 # SKIP reason" (or "# skip").
/^1\.\.0 *# *[Ss][Kk][Ii][Pp]/ { skipped++; next }
/^\[  PASSED  \] [0-9]+ test/ { passed += $4; next }
/^\[  FAILED  \] [0-9]+ test/ { failed += $4; next }
/^\[  SKIPPED \] [0-9]+ test/ { skipped += $4; next }
/^RESULT: [a-z0-9-]+: [0-9]+ passed, [0-9]+ failed/ {
	passed += $3; failed += $5; if ($8 == "skipped") skipped += $7; next
}
END { printf "check: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"
