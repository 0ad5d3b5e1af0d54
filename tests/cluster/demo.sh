#!/bin/bash
# tests/cluster/demo.sh - the simulated three-node pihpc cluster, left running.
#
#   demo.sh up            boot filenode01, rpnode01, rpnode02; install
#                         pihpc-storage, pihpc-master, pihpc-compute from build/repo
#   demo.sh status        show the nodes and their state
#   demo.sh shell NODE    interactive root login shell inside NODE
#   demo.sh down          stop the nodes and remove every trace
#   demo.sh clean         also tear down clusters left by killed test runs
#
# Needs root.  Uses tests/cluster/lib.sh; the run is called "demo" (state in
# /run/pihpc-cluster/demo), so `down` works from any other process.
set -u

export PIHPC_RUN=demo
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

DEMO_ROLES="filenode01:pihpc-storage rpnode01:pihpc-master rpnode02:pihpc-compute"

usage() {
	echo "usage: $0 up | down | status | shell NODE | clean" >&2
	exit 2
}

demo_up() {
	local r n p t0
	if cluster_is_up; then
		echo "The demo cluster is already up ($(cluster_nodes | tr '\n' ' ')). 'make demo-down' stops it."
		return 0
	fi
	if [ -e "$(pihpc_state)" ]; then
		echo "Leftovers of an earlier demo found; cleaning them up first."
		cluster_down || return 1
	fi
	t0=$(date +%s%N)
	# Stop half-started nodes on failure or Ctrl-C; keep them on success.
	trap 'echo "demo: bring-up failed, tearing down" >&2; cluster_dump >&2; cluster_down' EXIT
	trap 'exit 130' INT TERM
	cluster_up filenode01 rpnode01 rpnode02 || return 1
	for r in $DEMO_ROLES; do
		n=${r%%:*} p=${r#*:}
		node_apt_update "$n" >/dev/null || return 1
		pihpc_log "$n: apt install $p"
		node_apt_install "$n" "$p" >"$(pihpc_state)/install-$n.log" 2>&1 || {
			tail -40 "$(pihpc_state)/install-$n.log" >&2
			pihpc_die "$n: installing $p failed (log above)"
			return 1
		}
	done
	# rpnode02 gets the cluster's key from its join service, which the
	# install starts without waiting: the demo is up once both nodes are.
	wait_idle rpnode01 rpnode02 >&2 || return 1
	trap - EXIT INT TERM
	cat <<-EOF

		The pihpc demo cluster is up (in $(pihpc_elapsed "$t0") s):
		  filenode01 10.0.0.3  pihpc-storage   (/nfs is a shared host directory: the
		                                        host kernel has no NFS)
		  rpnode01   10.0.0.1  pihpc-master
		  rpnode02   10.0.0.2  pihpc-compute

		Try:
		  make shell NODE=rpnode01
		    sinfo
		    srun -N2 hostname
		    sbatch --wrap 'hostname; sleep 5' && squeue
		    sacct
		  make shell NODE=rpnode02
		    systemctl status slurmd
		Install logs: $(pihpc_state)/install-*.log

		Stop it with: make demo-down
	EOF
}

demo_status() {
	local n
	if ! cluster_is_up; then
		echo "The demo cluster is not running."
		return 0
	fi
	for n in $(cluster_nodes); do
		if node_leader "$n" >/dev/null 2>&1; then
			printf '%-11s %-9s %s\n' "$n" "${PIHPC_NODE_IP[$n]}" \
				"$(node_exec_timeout 10 "$n" systemctl is-system-running 2>/dev/null)"
		else
			printf '%-11s %-9s %s\n' "$n" "${PIHPC_NODE_IP[$n]}" "not running"
		fi
	done
}

case "${1:-}" in
up) demo_up ;;
down)
	cluster_down && echo "The demo cluster is down."
	;;
status) demo_status ;;
clean) cluster_down_stale ;;
shell)
	[ -n "${2:-}" ] || usage
	cluster_is_up || { echo "The demo cluster is not running ('make demo')." >&2; exit 1; }
	node_shell "$2"
	;;
*) usage ;;
esac
