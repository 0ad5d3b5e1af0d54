#!/bin/sh
# tests/cli/run-test.sh TEST - run the sharness script TEST for prove
# (prove --exec 'sh tests/cli/run-test.sh'): its TAP on stdout as it comes,
# its exit status as its own.
#
# When TEST fails, each failed test is shown on stderr and appended to
# test-results/failures.log next to TEST: its "not ok" line, then its
# commands and what they printed, which sharness.d/output.sh keeps in
# test-results/NAME.out.  A package build or a pristine container leaves
# only its log, and a flaky test may not fail again: the failure must be
# in the log.  At most MAX_SHOWN failed tests per script are shown, each
# cut to about MAX_LINES lines.
set -u

MAX_SHOWN=5
MAX_LINES=120

t=$1
dir=$(cd "$(dirname "$t")" && pwd)/test-results
name=$(basename "$t" .t)
mkdir -p "$dir"
rm -f "$dir/$name.rc" "$dir/$name.out"
PIHPC_TEST_OUTPUT=$dir/$name.out
export PIHPC_TEST_OUTPUT
# As prove runs a script that is not executable: by its #!/bin/sh.
{
	if [ -x "$t" ]; then "$t"; else sh "$t"; fi
	echo $? >"$dir/$name.rc"
} | tee "$dir/$name.tap"
rc=$(cat "$dir/$name.rc" 2>/dev/null || echo 1)
[ "$rc" = 0 ] && exit 0

# NAME.out holds one section per test, in order, each opened by the line
# sharness writes before running or skipping it.  What the tests printed
# is indented, so that nothing in it reads as TAP or as a count to
# tests/check-summary.sh.
[ -f "$dir/$name.out" ] || : >"$dir/$name.out"
awk -v name="$name" -v rc="$rc" -v tap="$dir/$name.tap" \
	-v max_shown="$MAX_SHOWN" -v max_lines="$MAX_LINES" '
function indent(l) { print (l == "" ? "" : "  " l) }
function show(n,    i, len) {
	len = lines[n] + 0
	for (i = 1; i <= len; i++) {
		if (len > max_lines && i == 31)
			printf "  [... %d lines left out ...]\n", len - max_lines
		if (len <= max_lines || i <= 30 || i > len - max_lines + 30)
			indent(text[n, i])
	}
}
BEGIN {
	while ((getline l < tap) > 0) {
		taplines[++ntap] = l
		if (l ~ /^not ok [0-9]+/ && l !~ /# TODO/) {
			split(l, w, " ")
			failed[w[3] + 0] = l
			order[++nfailed] = w[3] + 0
		}
	}
}
/^(expecting success|checking known breakage|skipping test):/ { sec++ }
{ all[++nall] = $0 }
sec in failed { text[sec, ++lines[sec]] = $0 }
END {
	printf "=== %s failed (exit status %s)\n", name, rc
	for (k = 1; k <= nfailed && k <= max_shown; k++) {
		n = order[k]
		printf "--- %s: %s\n", name, failed[n]
		show(n)
	}
	for (; k <= nfailed; k++)
		printf "--- %s: %s (not shown)\n", name, failed[order[k]]
	if (!nfailed) {
		# no failed test: the script stopped; its last words
		printf "--- %s: no test failed; the end of its output:\n", name
		for (i = (nall > 30 ? nall - 29 : 1); i <= nall; i++)
			indent(all[i])
		printf "--- %s: the end of its TAP:\n", name
		for (i = (ntap > 10 ? ntap - 9 : 1); i <= ntap; i++)
			indent(taplines[i])
	}
	printf "=== end of %s\n", name
}' "$dir/$name.out" | tee -a "$dir/failures.log" >&2
exit "$rc"
