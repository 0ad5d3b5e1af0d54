#!/bin/bash
# tests/cluster/bench-scale.sh - N compute nodes joining at once (make bench-scale).
#
# For each N of NODES (default "8 16 32"): boots filenode01, rpnode01 and N
# compute nodes, installs pihpc-storage and pihpc-master, then
# "apt install pihpc-compute" on the N nodes at the same moment
# (tests/cluster/scale.sh), and prints one line:
#   - the seconds from that moment until all N are idle in sinfo;
#   - the joins that failed (apt failed, or not idle within the time
#     limit) and those whose join service had to try again (goal: 0);
#   - the controller's CPU seconds over that time (everything rpnode01
#     ran: the join service, slurmctld's registrations, slurmdbd);
#   - memory per compute node once idle (MiB, resident: anonymous, shared
#     and mapped file pages; not the page cache), mean and largest, and
#     the mean with the page cache (mostly the files apt just wrote);
#   - whether a job runs on all N + 1 nodes (srun -N).
# Then how each figure grows from the first N to the last.  The figures
# of each N are also kept in build/bench-scale/SUITE/N.txt, so that runs of one N
# at a time still print the curve of all those measured.  A benchmark: it
# exits non-zero only when a join failed or a step broke, never because of
# a time.
#
# Environment: NODES ("8 16 32"; each from 1 to 97), SCALE_IDLE_TIMEOUT
# (seconds to wait for all nodes idle, default 120 + 30 per node), and those
# of lib.sh (PIHPC_SUITE, PIHPC_REPO, ...).  Needs root.
set -u

: "${NODES:=8 16 32}"

here=$(dirname "$(readlink -f "$0")")
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR source=scale.sh
. "$here/scale.sh"

RESULTS=$PIHPC_TOP/build/bench-scale/$PIHPC_SUITE
PIHPC_RUN=

INOTIFY=/proc/sys/fs/inotify/max_user_instances
inotify_was=

teardown() {
	if [ -n "$PIHPC_RUN" ] && [ -d "$(pihpc_state)" ]; then
		cluster_down >&2 || pihpc_log "cluster_down of $PIHPC_RUN reported a problem"
	fi
	PIHPC_RUN=
}
# shellcheck disable=SC2317 # called by the EXIT trap
restore_limits() {
	[ -z "$inotify_was" ] || echo "$inotify_was" >"$INOTIFY"
}
trap 'rc=$?; trap - EXIT INT TERM; teardown; restore_limits; exit "$rc"' EXIT
trap 'exit 130' INT TERM

for n in $NODES; do
	case $n in
	'' | *[!0-9]* | 0*) echo "bench-scale: NODES: '$n' is not a number of nodes from 1 to 97" >&2; exit 2 ;;
	esac
	# rpnode02..rpnode98, with rpnode01 and filenode01 in one /24.
	[ "$n" -le 97 ] || { echo "bench-scale: NODES: '$n' is more than 97 nodes" >&2; exit 2; }
done
if [ "$(id -u)" != 0 ]; then
	echo "bench-scale: needs root (network namespaces, overlay mounts, systemd-nspawn)" >&2
	exit 1
fi
mkdir -p "$RESULTS" || exit 1

# Every node holds PIHPC_INOTIFY_PER_NODE inotify instances of the host's
# root (lib.sh); Linux allows 128 per user by default, which 16 nodes
# fill: cluster_up would refuse the run.  The limit is raised for the run,
# with room to spare, and put back at its end.
# shellcheck disable=SC2086 # a list of numbers, checked above
max_n=$(printf '%s\n' $NODES | sort -n | tail -n 1)
need=$((128 + 2 * PIHPC_INOTIFY_PER_NODE * (max_n + 2)))
if [ "$(cat "$INOTIFY")" -lt "$need" ]; then
	inotify_was=$(cat "$INOTIFY")
	echo "$need" >"$INOTIFY" || exit 1
	pihpc_log "fs.inotify.max_user_instances $inotify_was -> $need for the run"
fi

# One N; prints its line and keeps it in $RESULTS/N.txt.
scale_run() {
	local n=$1 computes retries cpu0 cpu1 m all mem_sum=0 mem_max=0 all_sum=0 srun_ok=no failed
	local -a nodes
	mapfile -t nodes < <(scale_computes "$n")
	PIHPC_RUN=scale$$-$n
	pihpc_log "N=$n: booting ${#nodes[@]} compute nodes, filenode01 and rpnode01"
	scale_up "$n" || return 1
	pihpc_log "N=$n: apt install pihpc-compute on $n nodes at once"
	cpu0=$(scale_cpu_ns rpnode01) || return 1
	scale_join "${nodes[@]}"
	NOT_IDLE='' IDLE_AT=''
	PIHPC_JOIN_TIMEOUT=${SCALE_IDLE_TIMEOUT:-$((120 + 30 * n))} wait_idle "${nodes[@]}" >&2 || true
	cpu1=$(scale_cpu_ns rpnode01) || return 1
	# shellcheck disable=SC2086 # lists of node names
	failed=$(printf '%s\n' $SCALE_FAILED $NOT_IDLE | sort -u | grep -c .)
	retries=$(scale_retries "${nodes[@]}")
	[ -z "$retries" ] || pihpc_log "N=$n: joins that tried again: $(printf '%s' "$retries" | tr '\n' ',')"
	for computes in "${nodes[@]}"; do
		read -r m all < <(scale_mem_kib "$computes") || return 1
		mem_sum=$((mem_sum + m)) all_sum=$((all_sum + all))
		[ "$m" -le "$mem_max" ] || mem_max=$m
	done
	if [ "$(node_exec_timeout 120 rpnode01 srun -N $((n + 1)) hostname 2>/dev/null | sort -u | wc -l)" = $((n + 1)) ]; then
		srun_ok=yes
	fi
	[ -n "$IDLE_AT" ] || IDLE_AT=$(date +%s%N)
	awk -v n="$n" -v t0="$SCALE_T0" -v t1="$IDLE_AT" -v f="$failed" \
		-v r="$(printf '%s\n' "$retries" | grep -c .)" \
		-v c0="$cpu0" -v c1="$cpu1" -v ms="$mem_sum" -v mm="$mem_max" \
		-v as="$all_sum" -v ok="$srun_ok" -v d="$(date -u +%FT%TZ)" 'BEGIN {
		printf "%5d %9.1f %6d %7d %10.1f %9.1f %8.1f %9.1f %5s  %s\n", n,
		       (t1 - t0) / 1e9, f, r, (c1 - c0) / 1e9, ms / n / 1024,
		       mm / 1024, as / n / 1024, ok, d }' >"$RESULTS/$n.txt"
	cat "$RESULTS/$n.txt"
	teardown
	[ "$failed" = 0 ] && [ "$srun_ok" = yes ]
}

header() {
	printf '%5s %9s %6s %7s %10s %9s %8s %9s %5s  %s\n' N "all idle" failed retried \
		"ctl cpu s" "mem MiB" "max MiB" "+cache" srun measured
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
pihpc_image_ensure >/dev/null || exit 1
rc=0
header
for n in $NODES; do
	scale_run "$n" || { rc=1; pihpc_log "N=$n: failed (see above)"; teardown; }
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# The curve over every N measured so far, and its growth from the first.
echo
echo "pihpc bench-scale: N compute nodes installed at once ($PIHPC_SUITE nodes;" \
	"$(nproc) CPUs; load average $load_start at start, $load_end at end)"
header
find "$RESULTS" -name '*.txt' -exec cat {} + | sort -n |
	awk 'NR == 1 { n0 = $1; t0 = $2; c0 = $5; m0 = $6 } { print }
		END {
			if (NR < 2) exit
			printf "growth from N=%d to N=%d (x%.1f nodes): all idle x%.2f, controller CPU x%.2f, memory per node x%.2f\n",
			       n0, $1, $1 / n0, $2 / t0, (c0 > 0 ? $5 / c0 : 0), (m0 > 0 ? $6 / m0 : 0)
		}'
exit "$rc"
