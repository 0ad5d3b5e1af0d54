#!/bin/bash
# shellcheck disable=SC2016,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='pihpc cluster with the locally built Slurm (make slurm-debs)

Puts the Slurm .debs of build/slurm/<arch> (PIHPC_SLURM_DEBS, see lib.sh) into
the bootstrap repository, boots filenode01, rpnode01 and rpnode02, installs
pihpc-storage, pihpc-master and pihpc-compute with plain apt, and checks that
the nodes run the local build (+pihpc version), that both compute nodes
become idle, and that an MPI launch through PMIx reaches both nodes
(srun --mpi=pmix -N2). Skipped when there are no local Slurm .debs.
Needs root and build/repo (make deb); PIHPC_REPO=DIR uses another repository.'

# sharness runs the tests in its trash directory: a relative path is the caller's
case ${PIHPC_SLURM_DEBS:-} in /* | '') ;; *) PIHPC_SLURM_DEBS=$PWD/$PIHPC_SLURM_DEBS ;; esac
root=$(mktemp -d "${TMPDIR:-/tmp}/pihpc-sharness.XXXXXX")
SHARNESS_TEST_DIRECTORY=$root SHARNESS_BUILD_DIRECTORY=$root
verbose=t
# shellcheck disable=SC1091
. /usr/share/sharness/sharness.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SHARNESS_TEST_SRCDIR/lib.sh"

exec 3> >(sed -u 's/^/# /') 4>&3

: "${PIHPC_JOIN_TIMEOUT:=120}"
: "${PIHPC_SLURM_DEBS:=$PIHPC_TOP/build/slurm/$(dpkg --print-architecture)}"
export PIHPC_SLURM_DEBS

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
SLURMD_DEB=$(find "$PIHPC_SLURM_DEBS" -maxdepth 1 -name "slurmd_*_$(dpkg --print-architecture).deb" 2>/dev/null | head -n 1)
if [ -z "$SLURMD_DEB" ]; then
	skip_all="no local Slurm .debs in $PIHPC_SLURM_DEBS (make slurm-debs)"
	test_done
fi
LOCAL_VERSION=$(dpkg-deb -f "$SLURMD_DEB" Version)

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

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots with the local Slurm in its repository' '
	cluster_up filenode01 rpnode01 rpnode02
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

test_expect_success UP 'the bootstrap repository offers the local slurmd' '
	node_apt_update rpnode02 &&
	node_exec rpnode02 apt-cache policy slurmd >out &&
	cat out &&
	grep -q "Candidate: $LOCAL_VERSION\$" out
'

installed=0
for r in filenode01:pihpc-storage rpnode01:pihpc-master rpnode02:pihpc-compute; do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: apt install $p" "
		node_apt_update $n && node_apt_install $n $p &&
		installed=\$((installed + 1))
	"
done
[ "$installed" = 3 ] && test_set_prereq INSTALLED

for n in rpnode01 rpnode02; do
	test_expect_success INSTALLED "$n runs the local Slurm build ($LOCAL_VERSION)" "
		node_exec $n dpkg-query -W -f '\${Package} \${Version}\n' slurmd slurm-client slurm-wlm-basic-plugins >out &&
		cat out && sort out >sorted &&
		printf 'slurm-client %s\nslurm-wlm-basic-plugins %s\nslurmd %s\n' \
			'$LOCAL_VERSION' '$LOCAL_VERSION' '$LOCAL_VERSION' >expect &&
		test_cmp expect sorted
	"
done

test_expect_success INSTALLED 'rpnode01 runs the local slurmctld and slurmdbd' '
	node_exec rpnode01 dpkg-query -W -f "\${Version}\n" slurmctld slurmdbd >out &&
	printf "%s\n%s\n" "$LOCAL_VERSION" "$LOCAL_VERSION" >expect &&
	test_cmp expect out
'

test_expect_success INSTALLED 'rpnode01 and rpnode02 join and become idle' '
	wait_idle rpnode01 rpnode02 && test_set_prereq IDLE
'

test_expect_success IDLE 'srun --mpi=list offers pmix' '
	node_exec_timeout 60 rpnode01 srun --mpi=list >out 2>&1 &&
	cat out &&
	grep -q "pmix" out
'

test_expect_success IDLE 'srun --mpi=pmix -N2 hostname prints both hostnames' '
	node_exec_timeout 90 rpnode01 srun --mpi=pmix -N2 hostname >out 2>err;
	rc=$?; cat out err; test "$rc" = 0 &&
	sort out >sorted &&
	printf "rpnode01\nrpnode02\n" >expect &&
	test_cmp expect sorted
'

test_expect_success IDLE 'each PMIx task sees its PMIx rank and the job size' '
	node_exec_timeout 90 rpnode01 srun --mpi=pmix -N2 --ntasks-per-node=1 \
		sh -c "echo \$(hostname) rank=\$PMIX_RANK size=\$SLURM_NTASKS" >out 2>err;
	rc=$?; cat out err; test "$rc" = 0 &&
	sort out >sorted &&
	grep -Eqx "rpnode01 rank=[01] size=2" sorted &&
	grep -Eqx "rpnode02 rank=[01] size=2" sorted &&
	test "$(sed "s/.*rank=\([01]\).*/\1/" sorted | sort | tr -d "\n")" = 01
'

test_done
