#!/bin/bash
# tests/cluster/bench.sh - time the bring-up of the simulated cluster (make bench).
#
# Boots filenode01, rpnode01 and rpnode02 with the cluster harness twice
# per run and times two figures each time:
#   (a) the whole bring-up: from the start of the first apt install (on
#       filenode01) to rpnode01 and rpnode02 both idle in sinfo on rpnode01;
#   (b) the compute node alone: from the start of its steps (apt install on
#       rpnode02) to rpnode02 idle;
# once with pihpc (apt install pihpc-storage, pihpc-master, pihpc-compute)
# and once with the baseline: Debian's own Slurm packages set up by hand
# the way the seed does it, scripted (tests/cluster/baseline.sh).  Both
# install offline from the image's apt cache.  Not timed: booting the nodes,
# user pi, refreshing the index of the harness' pihpc repository.
#
# Prints a table of the medians over BENCH_RUNS runs (default 1) with the
# ratio pihpc/baseline, the number of runs and the load average.  Exits
# non-zero only when a run fails, never because of a time.  Every run's
# nodes are torn down after it, also on failure or Ctrl-C.
#
# Environment: BENCH_RUNS (1), PIHPC_JOIN_TIMEOUT (180 s, per wait for
# idle nodes), and those of lib.sh (PIHPC_REPO, ...).  Needs root.
set -u

: "${BENCH_RUNS:=1}"
: "${PIHPC_JOIN_TIMEOUT:=180}"

here=$(dirname "$(readlink -f "$0")")
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR source=baseline.sh
. "$here/baseline.sh"

BENCH_NODES=(filenode01 rpnode01 rpnode02)
BENCH_ID=bench$$
PIHPC_RUN=
scratch=

bench_teardown() {
	if [ -n "$PIHPC_RUN" ] && [ -d "$(pihpc_state)" ]; then
		cluster_down >&2 || pihpc_log "cluster_down of $PIHPC_RUN reported a problem"
	fi
	PIHPC_RUN=
}

trap 'rc=$?; trap - EXIT INT TERM; bench_teardown; [ -z "$scratch" ] || rm -rf "$scratch"; exit "$rc"' EXIT
trap 'exit 130' INT TERM

now() { date +%s%N; }
# seconds between two now() stamps, one decimal
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) / 1e9 }'; }

# bench_step LOG CMD...: run CMD with its output in LOG; on failure show
# the end of LOG and the nodes' journals.
bench_step() {
	local log=$scratch/$1
	shift
	"$@" >>"$log" 2>&1 && return 0
	pihpc_log "FAILED: $* (last lines of its output follow)"
	tail -n 40 "$log" | sed 's/^/#   /' >&2
	cluster_dump "${BENCH_NODES[@]}" >&2 2>&1
	return 1
}

# bench_wait_idle: poll sinfo on rpnode01 until rpnode01 and rpnode02 are
# both idle; sets IDLE2 (rpnode02 first seen idle) and IDLE_BOTH.
bench_wait_idle() {
	local end state t
	IDLE2='' IDLE_BOTH=''
	end=$(( $(date +%s) + PIHPC_JOIN_TIMEOUT ))
	while :; do
		state=$(node_exec_timeout 20 rpnode01 sinfo -h -N -o '%N %t' 2>&1) || true
		t=$(now)
		if [ -z "$IDLE2" ] && printf '%s\n' "$state" | grep -qx 'rpnode02 idle'; then
			IDLE2=$t
		fi
		if [ -n "$IDLE2" ] && printf '%s\n' "$state" | grep -qx 'rpnode01 idle'; then
			IDLE_BOTH=$t
			return 0
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			pihpc_log "nodes not idle after ${PIHPC_JOIN_TIMEOUT}s; sinfo says:"
			printf '%s\n' "$state" | sed 's/^/#   /' >&2
			cluster_dump "${BENCH_NODES[@]}" >&2 2>&1
			return 1
		fi
		sleep 0.5
	done
}

# bench_boot KIND: boot the three nodes of a new run; user pi everywhere.
bench_boot() {
	local n
	PIHPC_RUN=$BENCH_ID-$1$run
	bench_step "$1$run-boot.log" cluster_up "${BENCH_NODES[@]}" || return 1
	for n in "${BENCH_NODES[@]}"; do
		bench_step "$1$run-boot.log" node_exec "$n" useradd -m -u 1000 -s /bin/sh pi || return 1
	done
}

# bench_pihpc: one pihpc bring-up; sets FIG_A and FIG_B.
bench_pihpc() {
	local n t0 tc
	bench_boot p || return 1
	for n in "${BENCH_NODES[@]}"; do
		bench_step "p$run-$n.log" node_apt_update "$n" || return 1
	done
	pihpc_log "pihpc run $run: apt install pihpc-storage, pihpc-master, pihpc-compute"
	t0=$(now)
	bench_step "p$run-filenode01.log" node_apt_install filenode01 pihpc-storage || return 1
	bench_step "p$run-rpnode01.log" node_apt_install rpnode01 pihpc-master || return 1
	tc=$(now)
	bench_step "p$run-rpnode02.log" node_apt_install rpnode02 pihpc-compute || return 1
	bench_wait_idle || return 1
	FIG_A=$(secs "$t0" "$IDLE_BOTH") FIG_B=$(secs "$tc" "$IDLE2")
	pihpc_log "pihpc run $run: (a) $FIG_A s, (b) $FIG_B s"
	bench_teardown
}

# bench_baseline: one by-hand bring-up; sets FIG_A and FIG_B.
bench_baseline() {
	local t0 tc
	bench_boot b || return 1
	pihpc_log "baseline run $run: the seed's steps on filenode01, rpnode01, rpnode02"
	t0=$(now)
	bench_step "b$run-filenode01.log" baseline_storage filenode01 || return 1
	bench_step "b$run-rpnode01.log" baseline_controller rpnode01 rpnode02 || return 1
	tc=$(now)
	bench_step "b$run-rpnode02.log" baseline_compute rpnode02 rpnode01 || return 1
	bench_wait_idle || return 1
	FIG_A=$(secs "$t0" "$IDLE_BOTH") FIG_B=$(secs "$tc" "$IDLE2")
	pihpc_log "baseline run $run: (a') $FIG_A s, (b') $FIG_B s"
	bench_teardown
}

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
		END { if (NR % 2) printf "%.1f\n", v[(NR + 1) / 2];
		      else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v p="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", p / b; else print "-" }'; }

others() {
	local d n=0
	for d in "$PIHPC_TEST_STATE"/*/; do
		[ -d "$d" ] || continue
		case "$(basename "$d")" in "$BENCH_ID"-*) continue ;; esac
		n=$((n + 1))
	done
	echo "$n"
}

case "$BENCH_RUNS" in
'' | *[!0-9]* | 0) echo "bench: BENCH_RUNS must be a positive integer" >&2; exit 2 ;;
esac
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (network namespaces, overlay mounts, systemd-nspawn)" >&2
	exit 1
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/pihpc-bench.XXXXXX") || exit 1
# lib.sh's own temporary files too, so that an interrupt leaves none.
mkdir "$scratch/tmp" && export TMPDIR=$scratch/tmp

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
others_start=$(others)
image=$(pihpc_image_ensure) || exit 1
# Same page cache for both: read the image (with its apt cache) once.
find "$image" -xdev -type f -size +0 -exec cat {} + >/dev/null 2>&1

PA=() PB=() BA=() BB=()
failed=0
for run in $(seq 1 "$BENCH_RUNS"); do
	# Alternate which goes first, so that neither always gets the
	# warmer machine.
	if [ $((run % 2)) = 1 ]; then order="pihpc baseline"; else order="baseline pihpc"; fi
	for kind in $order; do
		ok=1
		case $kind in
		pihpc) bench_pihpc || ok=0 ;;
		*) bench_baseline || ok=0 ;;
		esac
		if [ "$ok" = 0 ]; then
			pihpc_log "$kind run $run failed"
			failed=1
			break 2
		fi
		if [ "$kind" = pihpc ]; then
			PA+=("$FIG_A") PB+=("$FIG_B")
		else
			BA+=("$FIG_A") BB+=("$FIG_B")
		fi
	done
done
bench_teardown
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

runs=$(( ${#PA[@]} < ${#BA[@]} ? ${#PA[@]} : ${#BA[@]} ))
echo
echo "pihpc bench: simulated three-node cluster, seconds (median of $runs run(s))"
if [ "$runs" -gt 0 ]; then
	pa=$(median "${PA[@]}") pb=$(median "${PB[@]}")
	ba=$(median "${BA[@]}") bb=$(median "${BB[@]}")
	printf '%-52s %8s %9s %6s\n' figure pihpc baseline ratio
	printf '%-52s %8s %9s %6s\n' "(a) bring-up: first apt install -> both nodes idle" \
		"$pa" "$ba" "$(ratio "$pa" "$ba")"
	printf '%-52s %8s %9s %6s\n' "(b) compute node: its apt install -> it is idle" \
		"$pb" "$bb" "$(ratio "$pb" "$bb")"
	if [ "$runs" -gt 1 ]; then
		echo "per run: pihpc (a) ${PA[*]}; baseline (a) ${BA[*]}"
		echo "         pihpc (b) ${PB[*]}; baseline (b) ${BB[*]}"
	fi
fi
echo "runs: $runs of $BENCH_RUNS; $(nproc) CPUs; load average (1 5 15 min):" \
	"$load_start at start, $load_end at end;" \
	"other simulated clusters running at start: $others_start"
[ "$failed" = 0 ] || { echo "bench: a run failed (see above)"; exit 1; }
exit 0
