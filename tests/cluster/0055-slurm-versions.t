#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions and variables used from them
test_description='Slurm'"'"'s upgrade rules enforced by apt (pihpc upgrade guard)

The cluster runs the Slurm of the nodes'"'"' release (Debian 12: 22.05); a
job runs.  Then the storage node publishes the locally built SchedMD Slurm
(make slurm-debs: 24.11 for bookworm), which its pihpc.pref pins before
the release'"'"'s own.  apt on the compute node is refused, before dpkg
touches anything, because 24.11 is newer than the controller and does not
read the records of 22.05; on the controller because 24.11 does not read
22.05'"'"'s state and database (upgrade through 23.11 first).  Nothing
changes: the Slurm packages are those of before, the daemons run, jobs
run.  Needs root, build/repo (make deb) and the local Slurm build for
bookworm (PIHPC_SLURM_DEBS, default the newest in build/slurm/bookworm/).'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

if [ "$PIHPC_SUITE" != bookworm ]; then
	skip_all="the rules are shown with Debian 12's Slurm 22.05 (PIHPC_SUITE=bookworm)"
	test_done
fi
local_slurm_debs bookworm "smd-24.11*"
LOCAL_VERSION=$(dpkg-deb -f "$SLURMD_DEB" Version)
case $LOCAL_VERSION in
24.11.*) ;;
*)
	skip_all="the messages checked here are those of Slurm 24.11, not $LOCAL_VERSION"
	test_done
	;;
esac
STORAGE_IP=${PIHPC_NODE_IP[filenode01]}

# slurm_pkgs NODE: the Slurm packages dpkg knows on NODE, with state and version
slurm_pkgs() {
	node_exec "$1" dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\n' \
		'slurm*' 'libslurm*' 'libpmi*' 2>/dev/null | grep -v '^un ' | sort
}

# capture_hook NODE: an apt hook before pihpc's that keeps what apt tells
# the hooks (protocol version 3) in /root/hook.in, to show it here
capture_hook() {
	node_exec "$1" sh -c 'cat >/etc/apt/apt.conf.d/10test-capture <<EOF
DPkg::Pre-Install-Pkgs { "tee /root/hook.in >/dev/null"; };
DPkg::Tools::Options::tee::Version "3";
EOF'
}

# show_hook NODE: the package lines of the last apt run
show_hook() {
	node_exec "$1" sed '1,/^$/d' /root/hook.in
}

# job NODE: a job on NODE prints its host name
job() {
	node_exec_timeout 120 rpnode01 srun -w "$1" -t 1 hostname >job.out 2>&1
	local rc=$?
	cat job.out
	[ "$rc" = 0 ] && grep -qx "$1" job.out
}

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots' '
	cluster_up filenode01 rpnode01 rpnode02
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

test_expect_success UP 'filenode01: apt install pihpc-storage; its repository publishes the pihpc packages, no Slurm' '
	node_apt_update filenode01 && node_apt_install filenode01 pihpc-storage &&
	node_copy_in filenode01 /root/debs "$(pihpc_state)"/repo/pihpc-*.deb &&
	node_exec filenode01 sh -c "pihpc repo add /root/debs/*.deb" &&
	node_exec filenode01 systemctl stop pihpc-bootstrap-httpd.service &&
	test_set_prereq STORAGE
'

for n in rpnode01 rpnode02; do
	test_expect_success STORAGE "$n: bootstrap from the storage node as README.md says" "
		node_exec $n rm -f /etc/apt/sources.list.d/pihpc-bootstrap.sources \
			/etc/apt/keyrings/pihpc-bootstrap.gpg &&
		readme_bootstrap $n &&
		apt_update_pihpc $n &&
		capture_hook $n
	"
done

installed=0
for r in rpnode01:pihpc-master rpnode02:pihpc-compute; do
	n=${r%%:*} p=${r#*:}
	test_expect_success STORAGE "$n: apt install $p takes Debian 12's Slurm 22.05" "
		node_apt_install $n $p &&
		node_exec $n dpkg-query -W -f '\${Version}\n' slurmd >v &&
		grep -q '^22\.05\.' v &&
		installed=\$((installed + 1))
	"
done
[ "$installed" = 2 ] && test_set_prereq INSTALLED

test_expect_success INSTALLED 'the apt hook is installed and was told the package actions' '
	node_exec rpnode02 cat /etc/apt/apt.conf.d/50pihpc-slurm-guard &&
	node_exec rpnode02 head -n 1 /root/hook.in >head &&
	echo "VERSION 3" >expect &&
	test_cmp expect head &&
	show_hook rpnode02 | grep "^slurmd - - none < 22\.05\."
'

test_expect_success INSTALLED 'rpnode01 and rpnode02 join and become idle; a job runs on rpnode02' '
	wait_idle rpnode01 rpnode02 &&
	job rpnode02 &&
	test_set_prereq IDLE
'

test_expect_success IDLE 'pihpc repo add publishes SchedMD'"'"'s Slurm 24.11; the nodes take the new pihpc.pref' '
	node_copy_in filenode01 /root/slurm "$SLURM_DEBS"/*_"$ARCH".deb "$SLURM_DEBS"/*_all.deb &&
	node_exec filenode01 sh -c "pihpc repo add /root/slurm/*.deb" >added &&
	grep -q "^added slurm-smd-slurmd $LOCAL_VERSION $ARCH" added &&
	for n in rpnode01 rpnode02; do
		readme_bootstrap $n && apt_update_pihpc $n &&
		node_exec $n apt-cache policy slurm-smd-slurmd >policy &&
		cat policy &&
		grep -q "Candidate: $LOCAL_VERSION\$" policy || return 1
	done &&
	test_set_prereq PUBLISHED
'

# pihpc.pref pins SchedMD's family at 990 and Debian's daemons at -1, but
# neither upgrade replaces an installed package by another: whatever apt
# makes of it (nothing, or the change-over, which the guard refuses),
# Slurm stays as it is.
for verb in upgrade dist-upgrade; do
	test_expect_success PUBLISHED "rpnode02: apt-get $verb leaves Slurm as it is" "
		slurm_pkgs rpnode02 >before &&
		{ node_apt rpnode02 $verb >out; rc=\$?; } &&
		cat out && echo \"exit status \$rc\" &&
		slurm_pkgs rpnode02 >after &&
		test_cmp before after
	"
done

test_expect_success PUBLISHED 'rpnode02: apt-get install slurm-smd-slurmd is refused: newer than the controller, and too far from 22.05' '
	slurm_pkgs rpnode02 >before &&
	test_must_fail node_apt_install rpnode02 slurm-smd-slurmd >out &&
	cat out &&
	show_hook rpnode02 &&
	show_hook rpnode02 | grep -q "^slurm-smd-slurmd - - none < $LOCAL_VERSION " &&
	grep -q "^pihpc: error: refusing to install .*slurm-smd-slurmd.*: Slurm 24\.11\.[0-9]* is newer than the controller'"'"'s 22\.05\.[0-9]*, .*upgrade slurmdbd, then slurmctld on the controller first (see pihpc-upgrade(8))\$" out &&
	grep -q "^pihpc: error: refusing to install .*slurm-smd-slurmd.*: Slurm 24\.11 accepts state and database records only from 23\.02, 23\.11 and 24\.05; 22\.05 is older: upgrade through 23\.11 first (see pihpc-upgrade(8))\$" out &&
	grep -q "^E: Sub-process .*apt-slurm-guard.* returned an error code" out &&
	slurm_pkgs rpnode02 >after &&
	test_cmp before after &&
	node_exec rpnode02 systemctl is-active slurmd &&
	node_exec rpnode02 cat /var/lib/pihpc/controller-slurm-version >ctl &&
	grep -qx "22\.05\.[0-9]*" ctl
'

test_expect_success PUBLISHED 'rpnode01: the controller'"'"'s jump from 22.05 to 24.11 is refused the same way' '
	slurm_pkgs rpnode01 >before &&
	test_must_fail node_apt_install rpnode01 slurm-smd-slurmdbd slurm-smd-slurmctld \
		slurm-smd-slurmd slurm-smd-client >out &&
	cat out &&
	show_hook rpnode01 &&
	grep -q "^pihpc: error: refusing to install .*slurm-smd-slurmctld.*: Slurm 24\.11 accepts state and database records only from 23\.02, 23\.11 and 24\.05; 22\.05 is older: upgrade through 23\.11 first (see pihpc-upgrade(8))\$" out &&
	grep -c "^pihpc: error: refusing" out >count &&
	echo 1 >expect && test_cmp expect count &&
	slurm_pkgs rpnode01 >after &&
	test_cmp before after &&
	node_exec rpnode01 systemctl is-active slurmdbd slurmctld
'

test_expect_success PUBLISHED 'rpnode01: slurm-smd-slurmctld alone is refused too' '
	slurm_pkgs rpnode01 >before &&
	test_must_fail node_apt_install rpnode01 slurm-smd-slurmctld >out &&
	cat out &&
	grep -q "^pihpc: error: refusing to install .*slurm-smd-slurmctld.*: Slurm 24\.11 accepts" out &&
	slurm_pkgs rpnode01 >after &&
	test_cmp before after
'

test_expect_success PUBLISHED 'the cluster still runs 22.05: both nodes idle, a job runs on rpnode02' '
	wait_idle rpnode01 rpnode02 &&
	job rpnode02
'

test_expect_success STORAGE 'filenode01: with the hook'"'"'s program gone (pihpc-common removed, its conffile left) apt goes on' '
	node_exec filenode01 mv /usr/libexec/pihpc/apt-slurm-guard /root/ &&
	{ node_apt filenode01 install --reinstall busybox >out; rc=$?; } &&
	node_exec filenode01 mv /root/apt-slurm-guard /usr/libexec/pihpc/ &&
	cat out &&
	test "$rc" = 0 &&
	grep -q "^Setting up busybox" out
'

# What the guard prevents, forced past it: pihpc doctor names it on the
# node and on the controller.
test_expect_success PUBLISHED 'rpnode02 forced to 24.11 past the guard: pihpc doctor names the newer slurmd' '
	# the role applied again after it may fail: this slurmd cannot join
	node_exec_timeout 600 rpnode02 env DEBIAN_FRONTEND=noninteractive apt-get -y -q \
		-o Pihpc::Upgrade::Guard=off install slurm-smd-slurmd slurm-smd-client pihpc-compute >out 2>&1 ||
		tail -n 20 out &&
	node_exec rpnode02 slurmd -V | grep "^slurm 24\.11\." &&
	rc=0 && node_exec_timeout 120 rpnode02 pihpc doctor >out || rc=$? &&
	cat out &&
	test "$rc" = 1 &&
	grep -E "^FAIL +slurm-version +slurmd 24\.11\.[0-9]+, .*22\.05\.[0-9]+.*: slurmd is newer than the controller$" out &&
	rc=0 && node_exec_timeout 300 rpnode01 pihpc doctor >out || rc=$? &&
	cat out &&
	test "$rc" = 1 &&
	grep -A1 -E "^FAIL +(srun|state|version)@rpnode02 " out | grep -q "^      fix: .*Slurm"
'

test_done
