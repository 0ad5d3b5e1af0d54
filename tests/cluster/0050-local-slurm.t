#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions and variables used from them
test_description='pihpc cluster with the locally built Slurm (make slurm-debs)

The Slurm .debs of make slurm-debs (PIHPC_SLURM_DEBS; default: the newest
finished build for the nodes'"'"' release, build/slurm/<PIHPC_SUITE>/<arch>/*/)
reach the nodes the way README.md and pihpc-repo(8) say: published with
pihpc repo add on filenode01, whose pihpc.pref the nodes fetch with its
sources and key.  Boots filenode01, rpnode01 and rpnode02.

When the nodes'"'"' release has the same Slurm release (x.y) as the local
build, the cluster first runs the release'"'"'s own Slurm with a job running,
then the local build is published and the nodes change over to it with
apt (controller first); the job completes.  Otherwise the local build is
published first and plain "apt install pihpc-master" / "pihpc-compute"
take it, through pihpc.pref alone.

Either way: the nodes run the local build (+pihpc version), its daemons
are enabled and none is masked, both compute nodes become idle, and an MPI
program runs across both nodes with a plain srun.  Needs root and
build/repo (make deb); PIHPC_REPO=DIR uses another repository.'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

local_slurm_debs "$PIHPC_SUITE" "*"
LOCAL_VERSION=$(dpkg-deb -f "$SLURMD_DEB" Version)
# The two families' names for slurmd, the client commands, the plugins,
# slurmctld and slurmdbd.
if [ "$(dpkg-deb -f "$SLURMD_DEB" Package)" = slurm-smd-slurmd ]; then
	SLURMD=slurm-smd-slurmd CLIENT=slurm-smd-client PLUGINS=slurm-smd
	CTLD=slurm-smd-slurmctld DBD=slurm-smd-slurmdbd
else
	SLURMD=slurmd CLIENT=slurm-client PLUGINS=slurm-wlm-basic-plugins
	CTLD=slurmctld DBD=slurmdbd
fi
STORAGE_IP=${PIHPC_NODE_IP[filenode01]}

# x.y of a Slurm version
slurm_release() { echo "$1" | sed -E 's/^([0-9]+\.[0-9]+)\..*/\1/'; }

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots' '
	cluster_up filenode01 rpnode01 rpnode02
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

test_expect_success UP 'filenode01: apt install pihpc-storage; its repository publishes the pihpc packages' '
	node_apt_update filenode01 && node_apt_install filenode01 pihpc-storage &&
	node_copy_in filenode01 /root/debs "$(pihpc_state)"/repo/pihpc-*.deb &&
	node_exec filenode01 sh -c "pihpc repo add /root/debs/*.deb" &&
	node_exec filenode01 systemctl stop pihpc-bootstrap-httpd.service &&
	test_set_prereq STORAGE
'

# Debian's Slurm of the nodes' release, from the images' package lists.
RELEASE_VERSION=
if test_have_prereq STORAGE; then
	RELEASE_VERSION=$(node_exec rpnode01 apt-cache show --no-all-versions slurmd 2>/dev/null |
		sed -n "s/^Version: //p" | head -n 1)
	say "Slurm of the nodes' release: $RELEASE_VERSION; local build: $LOCAL_VERSION"
	if [ "$SLURMD" = slurm-smd-slurmd ] &&
		[ "$(slurm_release "$RELEASE_VERSION")" = "$(slurm_release "$LOCAL_VERSION")" ]; then
		test_set_prereq SWITCH
	else
		test_set_prereq PUBLISH_FIRST
	fi
fi

# publish_slurm: the local build into filenode01's repository
publish_slurm() {
	node_copy_in filenode01 /root/slurm "$SLURM_DEBS"/*_"$ARCH".deb "$SLURM_DEBS"/*_all.deb &&
		node_exec filenode01 sh -c "pihpc repo add /root/slurm/*.deb" >added &&
		cat added &&
		grep -q "^added $SLURMD $LOCAL_VERSION $ARCH" added
}

test_expect_success PUBLISH_FIRST 'pihpc repo add publishes the local Slurm; pihpc.pref pins it' '
	publish_slurm &&
	node_exec_timeout 30 rpnode01 busybox wget -q -O- http://$STORAGE_IP/pihpc.pref >pref &&
	cat pref &&
	if [ "$SLURMD" = slurm-smd-slurmd ]; then
		grep -qx "Package: src:slurm-smd" pref
	else
		grep -qx "Package: src:slurm-wlm" pref
	fi
'

for n in rpnode01 rpnode02; do
	test_expect_success STORAGE "$n: bootstrap from the storage node as README.md says" "
		node_exec $n rm -f /etc/apt/sources.list.d/pihpc-bootstrap.sources \
			/etc/apt/keyrings/pihpc-bootstrap.gpg &&
		readme_bootstrap $n &&
		apt_update_pihpc $n
	"
done

installed=0
for r in rpnode01:pihpc-master rpnode02:pihpc-compute; do
	n=${r%%:*} p=${r#*:}
	test_expect_success STORAGE "$n: apt install $p" "
		node_apt_install $n $p &&
		installed=\$((installed + 1))
	"
done
[ "$installed" = 2 ] && test_set_prereq INSTALLED

test_expect_success INSTALLED 'rpnode01 and rpnode02 join and become idle' '
	wait_idle rpnode01 rpnode02
'

# --- the change-over from the release's Slurm (SWITCH) ----------------------

test_expect_success SWITCH,INSTALLED 'the nodes first run the release'"'"'s own Slurm; a job runs on rpnode02' '
	node_exec rpnode02 dpkg-query -W -f "\${Version}\n" slurmd >out &&
	test "$(cat out)" = "$RELEASE_VERSION" &&
	node_exec_timeout 60 rpnode01 sbatch --parsable -w rpnode02 -o /dev/null \
		--wrap "sleep 120" >jobid &&
	for i in $(seq 60); do
		node_exec rpnode01 squeue -h -j "$(cat jobid)" -o %T >state
		grep -qx RUNNING state && break
		sleep 1
	done &&
	grep -qx RUNNING state
'

test_expect_success SWITCH,INSTALLED 'pihpc repo add publishes the local Slurm; the nodes fetch the new pihpc.pref' '
	publish_slurm &&
	for n in rpnode01 rpnode02; do
		readme_bootstrap $n && apt_update_pihpc $n &&
		node_exec $n apt-cache policy slurmd $SLURMD >policy.$n &&
		cat policy.$n &&
		grep -q "Candidate: $LOCAL_VERSION\$" policy.$n || return 1
	done
'

test_expect_success SWITCH,INSTALLED 'rpnode01 changes over to the local build with apt (controller first)' '
	node_apt_install rpnode01 $CTLD $DBD $SLURMD $CLIENT &&
	node_exec rpnode01 systemctl is-active slurmdbd slurmctld slurmd
'

test_expect_success SWITCH,INSTALLED 'rpnode02 changes over with apt while its job runs' '
	node_apt_install rpnode02 $SLURMD $CLIENT &&
	node_exec rpnode02 systemctl is-active slurmd
'

test_expect_success SWITCH,INSTALLED 'the job that ran across the change-over completes' '
	for i in $(seq 180); do
		node_exec rpnode01 sacct -n -X -P -j "$(cat jobid)" -o State,ExitCode >acct
		grep -q "^COMPLETED|0:0" acct && break
		sleep 1
	done &&
	cat acct &&
	grep -qx "COMPLETED|0:0" acct
'

# --- either way ---------------------------------------------------------

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

test_expect_success INSTALLED 'the Slurm daemons are enabled, and none is masked' '
	node_exec rpnode01 systemctl is-enabled slurmdbd slurmctld slurmd >out &&
	node_exec rpnode02 systemctl is-enabled slurmd >>out &&
	cat out &&
	printf "enabled\n%.0s" 1 2 3 4 >expect &&
	test_cmp expect out
'

test_expect_success INSTALLED 'rpnode01 and rpnode02 are idle on the local build' '
	wait_idle rpnode01 rpnode02 &&
	node_exec_timeout 30 rpnode01 scontrol show node rpnode02 >node &&
	grep -q "Version=$(slurm_release "$LOCAL_VERSION")" node &&
	test_set_prereq IDLE
'

test_expect_success IDLE 'srun --mpi=list offers pmix' '
	node_exec_timeout 60 rpnode01 srun --mpi=list >out 2>&1 &&
	cat out &&
	grep -q "pmix" out
'

test_expect_success IDLE 'an MPI program on both nodes: ranks report their hosts, a message goes 0 -> 1 -> 0' '
	mpi_pingpong rpnode01 rpnode02
'

test_expect_success IDLE 'each PMIx task sees its PMIx rank and the job size' '
	node_exec_timeout 90 rpnode01 srun -N2 --ntasks-per-node=1 \
		sh -c "echo \$(hostname) rank=\$PMIX_RANK size=\$SLURM_NTASKS" >out 2>err;
	rc=$?; cat out err; test "$rc" = 0 &&
	sort out >sorted &&
	grep -Eqx "rpnode01 rank=[01] size=2" sorted &&
	grep -Eqx "rpnode02 rank=[01] size=2" sorted &&
	test "$(sed "s/.*rank=\([01]\).*/\1/" sorted | sort | tr -d "\n")" = 01
'

test_done
