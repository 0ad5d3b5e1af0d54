# shellcheck shell=bash disable=SC2034 # the SCALE_* results are the caller's
# tests/cluster/scale.sh - many compute nodes joining at once.
#
# Sourced after lib.sh by tests/cluster/bench-scale.sh (make bench-scale)
# and tests/cluster/0100-scale.t (make check).  The cluster is the seed's:
# filenode01 (storage), rpnode01 (controller, also a compute node) and N
# compute nodes rpnode02..; the admin lists every node in the hosts table
# ahead of time, preseeded on each node, as for a rack of Pis.  Every
# compute node gets "apt install pihpc-compute" at the same moment, as
# from a parallel shell.
#
# Functions:
#   scale_computes N          the names of the N compute nodes
#   scale_up N                boot, user pi, preseed, apt update, install
#                             pihpc-storage and pihpc-master
#   scale_join NODE...        apt install pihpc-compute on all at once;
#                             sets SCALE_FAILED (as scale_parallel) and
#                             SCALE_T0 (date +%s%N at the start)
#   scale_retries NODE...     "NODE COUNT" for each NODE whose join
#                             service tried more than once
#   scale_cpu_ns NODE         CPU time used so far by NODE (nanoseconds)
#   scale_mem_kib NODE        memory NODE uses now (KiB): "RESIDENT ALL",
#                             resident without the page cache (anonymous,
#                             shared and mapped file pages), then all it
#                             is charged with, page cache included

scale_computes() {
	local i
	for i in $(seq 2 $(($1 + 1))); do
		printf 'rpnode%02d\n' "$i"
	done
}

# The hosts table of every node of the run, as the admin writes it.
scale_hosts() {
	local n hosts=
	for n in $(cluster_nodes); do
		hosts="${hosts:+$hosts, }${PIHPC_NODE_IP[$n]} $n"
	done
	printf '%s\n' "$hosts"
}

# scale_parallel CMD NODE...: "CMD NODE" on every NODE at once, the output
# of each in $(pihpc_state)/NODE.CMD.log; sets SCALE_FAILED, the nodes
# where it failed, and fails naming them.
scale_parallel() {
	local cmd=$1 n
	shift
	local -A pid=()
	SCALE_FAILED=
	for n in "$@"; do
		"$cmd" "$n" >"$(pihpc_state)/$n.$cmd.log" 2>&1 &
		pid[$n]=$!
	done
	for n in "$@"; do
		wait "${pid[$n]}" || SCALE_FAILED="$SCALE_FAILED $n"
	done
	[ -z "$SCALE_FAILED" ] || { pihpc_log "$cmd failed on:$SCALE_FAILED"; return 1; }
}

_scale_prepare() {
	node_exec "$1" useradd -m -u 1000 -s /bin/sh pi &&
		node_debconf_set "$1" "pihpc-common pihpc-common/hosts string $SCALE_HOSTS" &&
		node_apt_update "$1"
}

_scale_install() { node_apt_install "$1" pihpc-compute; }

scale_up() {
	local computes all r log
	mapfile -t computes < <(scale_computes "$1")
	cluster_up filenode01 rpnode01 "${computes[@]}" || return 1
	SCALE_HOSTS=$(scale_hosts)
	mapfile -t all < <(cluster_nodes)
	scale_parallel _scale_prepare "${all[@]}" || return 1
	for r in filenode01:pihpc-storage rpnode01:pihpc-master; do
		log=$(pihpc_state)/${r%%:*}.install.log
		node_apt_install "${r%%:*}" "${r#*:}" >"$log" 2>&1 ||
			{ tail -n 30 "$log" >&2; return 1; }
	done
}

scale_join() {
	local n
	SCALE_T0=$(date +%s%N)
	scale_parallel _scale_install "$@"
	for n in $SCALE_FAILED; do
		pihpc_log "$n: apt install pihpc-compute failed; its last lines:"
		tail -n 20 "$(pihpc_state)/$n._scale_install.log" | sed 's/^/#   /' >&2
	done
}

# Each pause of the join service is one "trying again" or "asking again"
# line in its journal.
scale_retries() {
	local n c
	for n in "$@"; do
		c=$(node_exec_timeout 20 "$n" journalctl -b -q --no-pager -u pihpc-join-node.service |
			grep -c -e 'trying again in' -e 'asking again in') || true
		[ "${c:-0}" = 0 ] || printf '%s %s\n' "$n" "$c"
	done
}

scale_cpu_ns() {
	cat "/sys/fs/cgroup/cpuacct/pihpc-$PIHPC_RUN-$1/cpuacct.usage"
}

scale_mem_kib() {
	local cg=/sys/fs/cgroup/memory/pihpc-$PIHPC_RUN-$1
	awk -v all="$(cat "$cg/memory.usage_in_bytes")" '
		$1 == "total_rss" || $1 == "total_shmem" || $1 == "total_mapped_file" { b += $2 }
		END { printf "%d %d\n", b / 1024, all / 1024 }' "$cg/memory.stat"
}
