#!/bin/bash
# shellcheck disable=SC2016,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='pihpc cluster works: three apt installs give a Slurm cluster

Boots filenode01, rpnode01 and rpnode02, installs pihpc-storage, pihpc-master and
pihpc-compute (one apt install each, debconf defaults = the seed cluster) and
checks that munge, sinfo, srun across nodes, sbatch and sacct work.
Needs root and build/repo (make deb); PIHPC_REPO=DIR uses another repository.'

root=$(mktemp -d "${TMPDIR:-/tmp}/pihpc-sharness.XXXXXX")
# (also its test-results/ when run without prove, and its PATH entry)
SHARNESS_TEST_DIRECTORY=$root SHARNESS_BUILD_DIRECTORY=$root
verbose=t
# shellcheck disable=SC1091
. /usr/share/sharness/sharness.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SHARNESS_TEST_SRCDIR/lib.sh"

exec 3> >(sed -u 's/^/# /') 4>&3

: "${PIHPC_JOIN_TIMEOUT:=120}"

tests_cleanup() {
	if [ "${test_failure:-0}" != 0 ] || [ "${1:-0}" != 0 ]; then
		cluster_dump >&5 2>&1 || true
	fi
	cluster_down >&5 2>&1 || echo "# cluster_down reported a problem" >&5
	rm -rf "$root"
}
# shellcheck disable=SC2154 # rc is set inside the trap string
trap 'rc=$?; trap - EXIT INT TERM; tests_cleanup "$rc"; (exit "$rc"); die' EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" != 0 ]; then
	skip_all='needs root (network namespaces, overlay mounts, systemd-nspawn)'
	test_done
fi

# wait_idle NODE...: every NODE is idle in sinfo seen from rpnode01.
wait_idle() {
	local end state n ok
	end=$(( $(date +%s) + PIHPC_JOIN_TIMEOUT ))
	while :; do
		state=$(node_exec_timeout 20 rpnode01 sinfo -h -N -o '%N %t' 2>&1) || true
		ok=1
		for n in "$@"; do
			printf '%s\n' "$state" | grep -qx "$n idle" || ok=0
		done
		[ "$ok" = 1 ] && return 0
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "nodes not idle after ${PIHPC_JOIN_TIMEOUT}s; sinfo says:"
			printf '%s\n' "$state"
			return 1
		fi
		sleep 2
	done
}

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots' '
	cluster_up filenode01 rpnode01 rpnode02
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

installed=0
for r in filenode01:pihpc-storage rpnode01:pihpc-master rpnode02:pihpc-compute; do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: apt install $p" "
		node_apt_update $n && node_apt_install $n $p &&
		installed=\$((installed + 1))
	"
done
[ "$installed" = 3 ] && test_set_prereq INSTALLED

test_expect_success INSTALLED 'munge credential from rpnode01 is accepted on rpnode02' '
	node_exec rpnode01 munge -n >cred &&
	node_exec rpnode02 unmunge <cred
'

test_expect_success INSTALLED 'rpnode01 and rpnode02 join and become idle' '
	wait_idle rpnode01 rpnode02 && test_set_prereq IDLE
'

test_expect_success IDLE 'srun -N2 hostname runs on both nodes' '
	node_exec_timeout 60 rpnode01 srun -N2 hostname | sort >out &&
	printf "rpnode01\nrpnode02\n" >expect &&
	test_cmp expect out
'

test_expect_success IDLE 'sbatch job on rpnode02 completes and writes to /nfs' '
	node_exec_timeout 90 rpnode01 sbatch --parsable --wait -w rpnode02 \
		-o /nfs/job-%j.out --wrap "hostname" >jobid &&
	test "$(cat "$(pihpc_state)/nfs/job-$(cat jobid).out")" = rpnode02
'

test_expect_success IDLE 'sacct records the job as COMPLETED' '
	i=0 &&
	until node_exec rpnode01 sacct -n -X -P -o State -j "$(cat jobid)" >state &&
		grep -qx COMPLETED state
	do
		i=$((i + 1)) && test $i -lt 30 || break
		sleep 1
	done &&
	cat state && grep -qx COMPLETED state
'

test_done
