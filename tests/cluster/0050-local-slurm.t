#!/bin/bash
# shellcheck disable=SC2016,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='pihpc cluster with the locally built Slurm (make slurm-debs)

Puts the Slurm .debs of make slurm-debs (PIHPC_SLURM_DEBS, see lib.sh;
default: the newest finished build for the nodes'"'"' release,
build/slurm/<PIHPC_SUITE>/<arch>/*/) into the bootstrap repository, boots
filenode01, rpnode01 and rpnode02, installs pihpc-storage, pihpc-master and
pihpc-compute with plain apt (with SchedMD'"'"'s slurm-smd-* family named on
the command line: apt would take the first alternative, Debian'"'"'s), and
checks that the nodes run the local build (+pihpc version), that both compute
nodes become idle, and that an MPI launch through PMIx reaches both nodes
(srun --mpi=pmix -N2). Skipped when there are no local Slurm .debs.
Needs root and build/repo (make deb); PIHPC_REPO=DIR uses another repository.'

# sharness runs the tests in its trash directory: a relative path is the caller's
case ${PIHPC_SLURM_DEBS:-} in /* | '') ;; *) PIHPC_SLURM_DEBS=$PWD/$PIHPC_SLURM_DEBS ;; esac
# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

ARCH=$(dpkg --print-architecture)
if [ -z "${PIHPC_SLURM_DEBS:-}" ]; then
	# build-debs.sh writes build.ok last: only finished builds count. Built
	# for the nodes' release: a trixie build needs trixie's libc.
	# shellcheck disable=SC2012 # our own directory names, no odd characters
	PIHPC_SLURM_DEBS=$(ls -td "$PIHPC_TOP/build/slurm/$PIHPC_SUITE/$ARCH"/*/build.ok 2>/dev/null | head -n 1)
	PIHPC_SLURM_DEBS=${PIHPC_SLURM_DEBS%/build.ok}
fi
export PIHPC_SLURM_DEBS

SLURMD_DEB=$(find "${PIHPC_SLURM_DEBS:-/nonexistent}" -maxdepth 1 \( -name "slurmd_*_$ARCH.deb" -o -name "slurm-smd-slurmd_*_$ARCH.deb" \) 2>/dev/null | head -n 1)
if [ -z "$SLURMD_DEB" ]; then
	echo "Bail out! no local Slurm .debs in ${PIHPC_SLURM_DEBS:-build/slurm/$PIHPC_SUITE/$ARCH/*} (make slurm-debs SLURM_SUITE=$PIHPC_SUITE)"
	exit 1
fi
LOCAL_VERSION=$(dpkg-deb -f "$SLURMD_DEB" Version)
# The two families' names for slurmd, the client commands, the plugins,
# slurmctld and slurmdbd; SMD_* is what apt must be told to install.
if [ "$(dpkg-deb -f "$SLURMD_DEB" Package)" = slurm-smd-slurmd ]; then
	SLURMD=slurm-smd-slurmd CLIENT=slurm-smd-client PLUGINS=slurm-smd
	CTLD=slurm-smd-slurmctld DBD=slurm-smd-slurmdbd
	SMD_COMPUTE="$SLURMD $CLIENT" SMD_MASTER="$CTLD $DBD $SLURMD $CLIENT"
else
	SLURMD=slurmd CLIENT=slurm-client PLUGINS=slurm-wlm-basic-plugins
	CTLD=slurmctld DBD=slurmdbd
	SMD_COMPUTE='' SMD_MASTER=''
fi

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots with the local Slurm in its repository' '
	cluster_up filenode01 rpnode01 rpnode02
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

test_expect_success UP 'the bootstrap repository offers the local slurmd' '
	node_apt_update rpnode02 &&
	node_exec rpnode02 apt-cache policy $SLURMD >out &&
	cat out &&
	grep -q "Candidate: $LOCAL_VERSION\$" out
'

installed=0
for r in filenode01:pihpc-storage "rpnode01:$SMD_MASTER pihpc-master" "rpnode02:$SMD_COMPUTE pihpc-compute"; do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: apt install ${p# }" "
		node_apt_update $n && node_apt_install $n $p &&
		installed=\$((installed + 1))
	"
done
[ "$installed" = 3 ] && test_set_prereq INSTALLED

for n in rpnode01 rpnode02; do
	test_expect_success INSTALLED "$n runs the local Slurm build ($LOCAL_VERSION)" "
		node_exec $n dpkg-query -W -f '\${Package} \${Version}\n' $SLURMD $CLIENT $PLUGINS >out &&
		cat out && sort out >sorted &&
		printf '%s $LOCAL_VERSION\n' $SLURMD $CLIENT $PLUGINS | sort >expect &&
		test_cmp expect sorted
	"
done

test_expect_success INSTALLED 'rpnode01 runs the local slurmctld and slurmdbd' '
	node_exec rpnode01 dpkg-query -W -f "\${Version}\n" $CTLD $DBD >out &&
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
