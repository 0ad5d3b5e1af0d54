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
# ratio pihpc/baseline, the number of runs and the load average.  For each
# pihpc run it also breaks the compute node's join into its steps
# (bench_breakdown): apt's download, apt's unpacking and the other
# packages' scripts, the postinst of pihpc-common and of pihpc-compute
# (with the time of the pihpc commands in them, from PIHPC_TRACE),
# pihpc-join-node.service, the start of munge and of slurmd, and the
# registration until the node is idle; then pihpc's own share, the sum of
# its postinsts and its join service.  Exits
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

# bench_wait_idle: until rpnode02, then rpnode01 too, is idle; sets IDLE2
# and IDLE_BOTH (date +%s%N).
bench_wait_idle() {
	if wait_idle rpnode02 >&2 && IDLE2=$IDLE_AT && wait_idle rpnode01 rpnode02 >&2; then
		IDLE_BOTH=$IDLE_AT
		return 0
	fi
	cluster_dump "${BENCH_NODES[@]}" >&2 2>&1
	return 1
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
	local n t0 tc td ti
	bench_boot p || return 1
	for n in "${BENCH_NODES[@]}"; do
		bench_step "p$run-$n.log" node_apt_update "$n" || return 1
	done
	pihpc_log "pihpc run $run: apt install pihpc-storage, pihpc-master, pihpc-compute"
	t0=$(now)
	bench_step "p$run-filenode01.log" node_apt_install filenode01 pihpc-storage || return 1
	bench_step "p$run-rpnode01.log" node_apt_install rpnode01 pihpc-master || return 1
	tc=$(now)
	bench_step "p$run-rpnode02.log" node_apt rpnode02 install --download-only pihpc-compute || return 1
	td=$(now)
	bench_step "p$run-rpnode02.log" bench_install_traced rpnode02 "$scratch/p$run-status" || return 1
	ti=$(now)
	bench_wait_idle || return 1
	FIG_A=$(secs "$t0" "$IDLE_BOTH") FIG_B=$(secs "$tc" "$IDLE2")
	pihpc_log "pihpc run $run: (a) $FIG_A s, (b) $FIG_B s"
	bench_breakdown rpnode02 "$tc" "$td" "$ti" "$IDLE2" "$scratch/p$run-status" \
		>"$scratch/p$run-breakdown" || return 1
	cat "$scratch/p$run-breakdown"
	SHARE=$(sed -n 's/^pihpc.s own share *\([0-9.]*\) .*/\1/p' "$scratch/p$run-breakdown")
	bench_teardown
}

# bench_install_traced NODE STATUS: apt install pihpc-compute on NODE
# (packages already downloaded) with PIHPC_TRACE=/root/pihpc.trace; each
# line of apt's status (APT::Status-Fd) goes to STATUS with the time it
# came, in nanoseconds.
# shellcheck disable=SC2317 # run through bench_step
bench_install_traced() {
	local node=$1 status=$2
	node_exec_timeout "$PIHPC_APT_TIMEOUT" "$node" env DEBIAN_FRONTEND=noninteractive \
		PIHPC_TRACE=/root/pihpc.trace apt-get -y -q -o DPkg::Lock::Timeout=600 \
		-o APT::Status-Fd=3 install pihpc-compute 3> >(
			while IFS= read -r l; do
				printf '%s000 %s\n' "${EPOCHREALTIME/./}" "$l"
			done >"$status"
		)
}

# bench_unit_times NODE UNIT...: "UNIT PROPERTY NANOSECONDS" for the start
# and end of each unit's last activation.
bench_unit_times() {
	local node=$1 unit k v
	shift
	for unit in "$@"; do
		node_exec "$node" systemctl show --timestamp=us+utc \
			-p InactiveExitTimestamp -p ActiveEnterTimestamp \
			-p ExecMainStartTimestamp -p ExecMainExitTimestamp "$unit" |
			while IFS='=' read -r k v; do
				[ -n "$v" ] || continue
				# "Wed 2026-12-02 13:36:48.448463 UTC"
				printf '%s %s %s\n' "$unit" "$k" "$(date -d "${v#* }" +%s%N)"
			done
	done
}

# bench_breakdown NODE T0 TDOWNLOADED TINSTALLED TIDLE STATUS: where the
# compute node's join went, in seconds from T0 (the start of its apt
# download): one line per step with its start and its length.
bench_breakdown() {
	local node=$1 t0=$2 td=$3 ti=$4 tidle=$5 status=$6 trace units
	trace=$scratch/trace units=$scratch/units
	node_exec "$node" cat /root/pihpc.trace >"$trace" || return 1
	bench_unit_times "$node" pihpc-join-node.service munge.service slurmd.service >"$units" || return 1
	awk -v node="$node" -v t0="$t0" -v td="$td" -v ti="$ti" -v tidle="$tidle" \
		-v trace="$trace" -v units="$units" '
	function s(ns) { return (ns - t0) / 1e9 }
	function row(name, a, b) {
		printf "%-44s %7.2f %7.2f\n", name, s(a), (b - a) / 1e9
	}
	# The pihpc steps of postinst [w] (milliseconds), then the rest of
	# its [len] nanoseconds: debconf, ucf, systemctl, debhelper'"'"'s lines.
	function steps(w, len,   i, k) {
		for (i = 1; i <= nsteps[w]; i++) {
			k = order[w, i]
			printf "  %-42s %7s %7.3f  (%d run%s)\n", k, "", ms_of[w, k] / 1000,
			       runs[w, k], (runs[w, k] > 1 ? "s" : "")
		}
		printf "  %-42s %7s %7.2f\n", "the rest: debconf, ucf, systemctl, debhelper", "",
		       len / 1e9 - cmd[w]
	}
	BEGIN {
		# The units of the node join service, then the restarts of munge
		# and slurmd that it asks for.
		while ((getline l < units) > 0) {
			split(l, f, " ")
			u[f[1], f[2]] = f[3]
		}
	}
	# "NS pmstatus:PKG:PERCENT:Configuring PKG (ARCH)"
	{
		split($2, f, ":")
		if (f[1] != "pmstatus") next
		if (f[4] == "Configuring" && !(f[2] in conf)) conf[f[2]] = $1
		if (f[4] == "Installed" && (f[2] in conf)) done[f[2]] = $1
	}
	END {
		pc = conf["pihpc-common"]; pce = done["pihpc-common"]
		pm = conf["pihpc-compute"]; pme = done["pihpc-compute"]
		if (!pc || !pce || !pm || !pme) {
			print "bench: no pihpc postinst in the status of apt" > "/dev/stderr"
			exit 1
		}
		# pihpc commands inside each postinst, from the trace:
		# "START.NS MILLISECONDS RC WORDS..."
		# Each step, "pihpc COMMAND SUBCOMMAND", in the order of its
		# first run, with its runs added up.
		while ((getline l < trace) > 0) {
			n = split(l, f, " ")
			split(f[1], st, ".")
			t = st[1] * 1e9 + st[2]
			if (t >= pc && t < pce) w = "c"
			else if (t >= pm && t < pme) w = "m"
			else continue
			step = "pihpc " f[4] (n > 4 && f[5] !~ /^-/ ? " " f[5] : "")
			if (!((w, step) in ms_of)) order[w, ++nsteps[w]] = step
			ms_of[w, step] += f[2]
			runs[w, step]++
			cmd[w] += f[2] / 1000
		}
		js = u["pihpc-join-node.service", "ExecMainStartTimestamp"]
		je = u["pihpc-join-node.service", "ExecMainExitTimestamp"]
		ms = u["munge.service", "InactiveExitTimestamp"]
		me = u["munge.service", "ActiveEnterTimestamp"]
		ss = u["slurmd.service", "InactiveExitTimestamp"]
		se = u["slurmd.service", "ActiveEnterTimestamp"]
		other = (ti - td) - (pce - pc) - (pme - pm)
		printf "join breakdown of %s (seconds from the start of its apt install):\n", node
		printf "%-44s %7s %7s\n", "step", "start", "length"
		row("apt download", t0, td)
		printf "%-44s %7.2f %7.2f\n", "apt unpack, other packages'"'"' scripts", s(td), other / 1e9
		row("pihpc-common postinst", pc, pce)
		steps("c", pce - pc)
		row("pihpc-compute postinst", pm, pme)
		steps("m", pme - pm)
		if (js && je) row("pihpc-join-node.service (gets the key)", js, je)
		if (ms && me) row("munge start", ms, me)
		if (ss && se) row("slurmd start", ss, se)
		if (se) row("registration until idle in sinfo", se, tidle)
		row("total: apt download -> idle", t0, tidle)
		share = (pce - pc) + (pme - pm) + (js && je ? je - js : 0)
		printf "%-44s %7.2f s (goal: under 2 s)\n", "pihpc'"'"'s own share", share / 1e9
	}' "$status"
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

PA=() PB=() PS=() BA=() BB=()
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
			PA+=("$FIG_A") PB+=("$FIG_B") PS+=("$SHARE")
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
	printf '%-52s %8s\n' "(c) pihpc's own share of (b): its postinsts, its join" \
		"$(median "${PS[@]}")"
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
