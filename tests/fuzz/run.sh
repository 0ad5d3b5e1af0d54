#!/bin/sh
# Run the libFuzzer harnesses built by tests/fuzz/Makefile.
#   run.sh check BUILD SECONDS NAME...  replay every file of corpus/NAME,
#                                       then fuzz SECONDS from a fresh
#                                       work directory
#   run.sh run BUILD SECONDS NAME...    fuzz SECONDS, new inputs kept in
#                                       BUILD/corpus/NAME
# One summary line per harness, then "RESULT: fuzz: N passed, N failed,
# 0 skipped"; the exit status is 1 if any failed.
# Findings are saved as BUILD/artifacts/NAME/crash-* (or timeout-*,
# oom-*); replay one with: BUILD/NAME_fuzz FILE
set -u

mode=${1:-}
build=${2:-}
seconds=${3:-}
if [ $# -lt 3 ] || { [ "$mode" != check ] && [ "$mode" != run ]; }; then
	echo "usage: run.sh check|run BUILD SECONDS NAME..." >&2
	exit 2
fi
shift 3
here=$(cd "$(dirname "$0")" && pwd)

# Leaks are bugs too; UBSan's reports get a stack.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

# The value of "stat::KEY: N" in libFuzzer's final statistics in [log].
stat() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

npass=0
nfail=0
for name in "$@"; do
	bin=$build/${name}_fuzz
	corpus=$here/corpus/$name
	art=$build/artifacts/$name
	log=$build/log/$name.log
	mkdir -p "$art" "$build/log"
	: >"$log"

	# Per-harness flags (-max_len=...), comments and blank lines aside.
	opts=
	if [ -f "$here/$name.options" ]; then
		opts=$(sed -e 's/#.*//' "$here/$name.options" | tr '\n' ' ')
	fi
	dict=
	[ -f "$here/$name.dict" ] && dict=-dict=$here/$name.dict
	mkdir -p "$corpus"

	replayed=0
	if [ "$mode" = check ]; then
		# Whole files, not cut at -max_len: reproducers stay exact;
		# those of slow cases get more time.
		replayed=$(find "$corpus" -type f | wc -l)
		if [ "$replayed" -gt 0 ] &&
			! find "$corpus" -type f -print0 | sort -z |
			xargs -0 "$bin" -timeout=30 -rss_limit_mb=2048 \
				>>"$log" 2>&1; then
			tail -n 30 "$log"
			echo "fuzz $name: FAIL replaying $corpus (log: $log)"
			nfail=$((nfail + 1))
			continue
		fi
		work=$build/check/$name
		rm -rf "$work"
	else
		work=$build/corpus/$name
	fi
	mkdir -p "$work"

	start=$(date +%s)
	# shellcheck disable=SC2086 # $opts and $dict are lists of flags
	# (NAME.options come last: they may set another -timeout.)
	"$bin" -timeout=10 -rss_limit_mb=2048 $dict \
		-max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$art/" $opts "$work" "$corpus" >>"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs=$(stat number_of_executed_units "$log")
	new=$(stat new_units_added "$log")
	rss=$(stat peak_rss_mb "$log")
	cov=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1, features \2/p' "$log" | tail -n 1)
	if [ "$mode" = check ]; then
		what="$replayed corpus files replayed"
	else
		what="$(find "$work" -type f | wc -l) inputs in $work"
	fi
	summary="fuzz $name: $what, ${runs:-0} runs in ${took} s, ${cov:-no coverage}, ${new:-0} new inputs, peak RSS ${rss:-?} MB"
	if [ $rc -ne 0 ]; then
		tail -n 40 "$log"
		echo "$summary: FAIL (exit $rc; log: $log; findings: $(find "$art" -type f -newermt "@$start" | tr '\n' ' '))"
		nfail=$((nfail + 1))
	else
		echo "$summary: ok"
		npass=$((npass + 1))
	fi
done
# Every committed corpus has a harness to replay it.
if [ "$mode" = check ]; then
	for dir in "$here"/corpus/*/; do
		name=$(basename "$dir")
		if [ ! -f "$here/${name}_fuzz.c" ]; then
			echo "fuzz $name: FAIL corpus/$name has no ${name}_fuzz.c"
			nfail=$((nfail + 1))
		fi
	done
fi
# The line tests/check-summary.sh counts.
echo "RESULT: fuzz: $npass passed, $nfail failed, 0 skipped"
[ "$nfail" -eq 0 ]
