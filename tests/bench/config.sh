#!/bin/bash
# Time "pihpc config check" and "pihpc render" on generated cluster.conf
# files: "hosts" with N entries, node_registration = static and
# compute_nodes = n[00000-...].  A benchmark, not a test: it prints
# N / check ms / render ms (median of RUNS runs of wall-clock time, and of
# CPU time, user + system, which other load on the machine does not
# inflate) and whether 10,000 hosts are checked and rendered in under
# 50 ms, and exits 0 either way.  "render" runs into an empty directory
# each time, so its time includes writing (and syncing) both files;
# "same" renders into a directory already up to date, which writes
# nothing.
#
#   tests/bench/config.sh               all sizes
#   SIZES="10000" RUNS=9 tests/bench/config.sh
set -eu

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
PIHPC="${PIHPC:-$TOP/src/pihpc}"
RUNS="${RUNS:-5}"
SIZES="${SIZES:-1000 2000 4000 8000 10000 16000 32000}"
LIMIT_MS=50
LIMIT_N=10000

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# cluster.conf for N hosts n00000..: addresses 10.0.0.1.. in 10.0.0.0/8.
generate() {
	awk -v n="$1" 'BEGIN {
		printf "cluster_name = bench\ncontroller = n00000\nsubnet = 10.0.0.0/8\n"
		printf "node_registration = static\n"
		printf "compute_nodes = n[00000-%05d]\n", n - 1
		printf "hosts = "
		for (i = 0; i < n; i++) {
			a = i + 1
			printf "%s10.%d.%d.%d n%05d", i ? ", " : "",
			       int(a / 65536), int(a / 256) % 256, a % 256, i
		}
		printf "\n"
	}'
}

# "WALL CPU": milliseconds (3 decimals) of wall-clock and CPU time taken
# by the command "$@".  CPU time is the growth of this shell's children's
# user + system time ("times", 2nd line), so "times" must not run in a
# subshell.
measure() {
	local t0 t1
	times >"$work/times0"
	t0="$EPOCHREALTIME"
	"$@" >/dev/null
	t1="$EPOCHREALTIME"
	times >"$work/times1"
	awk -v a="$t0" -v b="$t1" '
		FNR == 2 {
			split($1, u, /[ms]/); split($2, s, /[ms]/)
			cpu[FILENAME] = u[1] * 60 + u[2] + s[1] * 60 + s[2]
		}
		END {
			printf "%.3f %.3f\n", (b - a) * 1000,
			       (cpu[ARGV[2]] - cpu[ARGV[1]]) * 1000
		}' "$work/times0" "$work/times1"
}

# Median of column [1] of the lines on stdin.
median() {
	awk -v k="$1" '{ print $k }' | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Render for [root] $1; "fresh" into an empty directory first.
render_once() {
	[ "$2" != fresh ] || { rm -rf "$work/out" && mkdir "$work/out"; }
	measure "$PIHPC" --root "$1" render --role master --out "$work/out" \
		--templates "$TOP/conf"
}

printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %9s %10s %8s %13s %14s\n' N "check ms" "render ms" "same ms" \
	"check cpu ms" "render cpu ms"
verdict=""
for n in $SIZES; do
	root="$work/root-$n"
	mkdir -p "$root/etc/pihpc"
	generate "$n" >"$root/etc/pihpc/cluster.conf"
	"$PIHPC" config check "$root/etc/pihpc/cluster.conf"
	for _ in $(seq "$RUNS"); do
		measure "$PIHPC" config check "$root/etc/pihpc/cluster.conf"
	done >"$work/check"
	for _ in $(seq "$RUNS"); do
		render_once "$root" fresh
	done >"$work/render"
	for _ in $(seq "$RUNS"); do
		render_once "$root" same
	done >"$work/same"
	check=$(median 1 <"$work/check")
	render=$(median 1 <"$work/render")
	same=$(median 1 <"$work/same")
	check_cpu=$(median 2 <"$work/check")
	render_cpu=$(median 2 <"$work/render")
	printf '%8s %9s %10s %8s %13s %14s\n' "$n" "$check" "$render" "$same" \
		"$check_cpu" "$render_cpu"
	if [ "$n" = "$LIMIT_N" ]; then
		verdict=$(awk -v c="$check" -v r="$render" -v s="$same" \
			-v cc="$check_cpu" -v rc="$render_cpu" -v l="$LIMIT_MS" \
			-v n="$n" 'BEGIN {
			t = c + r; ts = c + s; tc = cc + rc
			printf "%d hosts, check + render: %.1f ms wall (%s %d ms); %.1f ms wall without writing (%s); %.1f ms CPU (%s)\n",
			       n, t, t < l ? "under" : "NOT under", l,
			       ts, ts < l ? "under" : "NOT under",
			       tc, tc < l ? "under" : "NOT under" }')
	fi
done
[ -z "$verdict" ] || printf '%s\n' "$verdict"
