#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions and variables used from them
test_description='pihpc upgrade: the cluster'"'"'s Slurm upgraded in Slurm'"'"'s order

The cluster runs the locally built SchedMD Slurm (make slurm-debs, as in
0050-local-slurm.t) with a job running on rpnode02.  A second build of
the same Slurm with a higher version (the .debs repacked, +pihpc3) is
published with pihpc repo add; pihpc upgrade --dry-run prints the plan
and changes nothing; pihpc upgrade backs up the accounting database
(0600), upgrades slurmdbd, then slurmctld, then rpnode02 through its
pihpc-slurm-follow.service; rpnode02 is back with the new version and
the job completes.  Then a third build (+pihpc4): pihpc upgrade is killed
with SIGKILL once its state file says slurmdbd is done, and a second run
resumes and finishes.  Needs root, build/repo (make deb) and the local
Slurm build (PIHPC_SLURM_DEBS or the newest of build/slurm/<suite>/<arch>/).'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

local_slurm_debs "$PIHPC_SUITE" "smd-*"
V1=$(dpkg-deb -f "$SLURMD_DEB" Version)
# the repacked builds: the same Slurm, a higher package version
V2=$(echo "$V1" | sed -E 's/\+pihpc[0-9]+/+pihpc3/')
V3=$(echo "$V1" | sed -E 's/\+pihpc[0-9]+/+pihpc4/')
STATE=/var/lib/pihpc/upgrade/state

# repack VERSION: the local build's .debs with Version VERSION, and the
# exact dependencies between them (= V1) moved along, into ./VERSION/
repack() {
	local v=$1 f d
	mkdir -p "$v" && rm -f "$v"/*.deb &&
		for f in "$SLURM_DEBS"/*_"$ARCH".deb "$SLURM_DEBS"/*_all.deb; do
			d=$(mktemp -d repack.XXXXXX) &&
				dpkg-deb -R "$f" "$d" &&
				sed -i -e "s/^Version: .*/Version: $v/" -e "s/(= $V1)/(= $v)/g" \
					"$d/DEBIAN/control" &&
				dpkg-deb -Zgzip -z1 -b "$d" "$v/" >/dev/null &&
				rm -rf "$d" || return 1
		done
}

# publish DIR VERSION: pihpc repo add of DIR's .debs on filenode01
publish() {
	node_exec filenode01 rm -rf /root/slurm &&
		node_copy_in filenode01 /root/slurm "$1"/*_"$ARCH".deb "$1"/*_all.deb &&
		node_exec filenode01 sh -c "pihpc repo add /root/slurm/*.deb" >added &&
		cat added &&
		grep -q "^added slurm-smd-slurmd $2 $ARCH" added
}

# versions NODE: the node's installed slurm-smd* packages and versions
versions() {
	node_exec "$1" dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\n' 'slurm-smd*' |
		awk '$1 == "ii" { print $2, $3 }'
}

# all_at NODE VERSION: every installed Slurm package of NODE is at VERSION
all_at() {
	versions "$1" >"v.$1" && cat "v.$1" &&
		test -s "v.$1" && ! awk -v v="$2" '$2 != v' "v.$1" | grep -q .
}

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots' '
	cluster_up filenode01 rpnode01 rpnode02
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

test_expect_success UP 'filenode01 publishes the pihpc packages and the local Slurm build' '
	node_apt_update filenode01 && node_apt_install filenode01 pihpc-storage &&
	node_copy_in filenode01 /root/debs "$(pihpc_state)"/repo/pihpc-*.deb &&
	node_exec filenode01 sh -c "pihpc repo add /root/debs/*.deb" &&
	node_exec filenode01 systemctl stop pihpc-bootstrap-httpd.service &&
	publish "$SLURM_DEBS" "$V1" &&
	test_set_prereq STORAGE
'

installed=0
for r in rpnode01:pihpc-master rpnode02:pihpc-compute; do
	n=${r%%:*} p=${r#*:}
	test_expect_success STORAGE "$n: bootstrap and apt install $p" "
		node_exec $n rm -f /etc/apt/sources.list.d/pihpc-bootstrap.sources \
			/etc/apt/keyrings/pihpc-bootstrap.gpg &&
		readme_bootstrap $n && apt_update_pihpc $n &&
		node_apt_install $n $p &&
		installed=\$((installed + 1))
	"
done
[ "$installed" = 2 ] && test_set_prereq INSTALLED

test_expect_success INSTALLED "the cluster runs $V1, idle, and a job runs on rpnode02" '
	wait_idle rpnode01 rpnode02 &&
	all_at rpnode01 "$V1" && all_at rpnode02 "$V1" &&
	node_exec rpnode02 systemctl is-enabled pihpc-slurm-follow.timer &&
	node_exec_timeout 60 rpnode01 sbatch --parsable -w rpnode02 --mem=64M -o /dev/null \
		--wrap "sleep 150" >jobid &&
	for i in $(seq 60); do
		node_exec rpnode01 squeue -h -j "$(cat jobid)" -o %T >state
		grep -qx RUNNING state && break
		sleep 1
	done &&
	grep -qx RUNNING state &&
	test_set_prereq RUNNING
'

test_expect_success RUNNING "a second build ($V2) is published" '
	repack "$V2" && ls "$V2" &&
	publish "$V2" "$V2" &&
	for n in rpnode01 rpnode02; do
		readme_bootstrap $n && apt_update_pihpc $n || return 1
	done
'

test_expect_success RUNNING 'pihpc upgrade --dry-run prints the plan and changes nothing' '
	node_exec_timeout 300 rpnode01 pihpc upgrade --dry-run >plan 2>&1; rc=$?
	cat plan && test "$rc" = 0 &&
	grep -q "^1\. back up the database slurm_acct_db to /var/backups/pihpc/[0-9]*-slurm_acct_db-$V1-to-$V2\.sql" plan &&
	grep -q "^2\. slurmdbd: " plan &&
	grep -q "^ *slurm-smd-slurmdbd $V1 -> $V2\$" plan &&
	grep -q "^3\. slurmctld: " plan &&
	grep -q "^4\. rpnode02: " plan &&
	! grep -q "rpnode01: " plan &&
	grep -q "dry run: nothing changed" plan &&
	all_at rpnode01 "$V1" && all_at rpnode02 "$V1" &&
	! node_exec rpnode01 test -e $STATE &&
	! node_exec rpnode01 sh -c "ls /var/backups/pihpc/*.sql" 2>/dev/null
'

test_expect_success RUNNING 'pihpc upgrade: the backup, slurmdbd, slurmctld, then rpnode02' '
	start=$(date +%s) &&
	node_exec_timeout 1800 rpnode01 pihpc upgrade >run 2>&1; rc=$?
	cat run && say "pihpc upgrade took $(($(date +%s) - start)) s" &&
	if [ "$rc" != 0 ] || grep -q "nothing to do" run; then
		node_exec rpnode01 apt-cache policy slurm-smd-slurmctld
		node_exec rpnode01 sh -c "ls -l --full-time /var/lib/apt/lists/; cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/preferences.d/*" 2>&1
		node_exec rpnode01 journalctl -n 30 --no-pager
	fi &&
	test "$rc" = 0 &&
	dbd=$(grep -n "^slurmdbd: upgraded to $V2" run | cut -d: -f1) &&
	ctld=$(grep -n "^slurmctld: upgraded to $V2" run | cut -d: -f1) &&
	node=$(grep -n "^rpnode02: upgraded to $V2" run | cut -d: -f1) &&
	test -n "$dbd" && test -n "$ctld" && test -n "$node" &&
	test "$dbd" -lt "$ctld" && test "$ctld" -lt "$node" &&
	node_exec rpnode01 sh -c "stat -c \"%a %U %s %n\" /var/backups/pihpc/*-slurm_acct_db-$V1-to-$V2.sql" >backup &&
	cat backup &&
	grep -q "^600 root [1-9][0-9]* " backup &&
	all_at rpnode01 "$V2" && all_at rpnode02 "$V2" &&
	node_exec rpnode01 grep -x "done complete" $STATE &&
	test_set_prereq UPGRADED
'

test_expect_success UPGRADED 'the job that ran across the upgrade completes; rpnode02 is idle on the new build' '
	for i in $(seq 240); do
		node_exec rpnode01 sacct -n -X -P -j "$(cat jobid)" -o State,ExitCode >acct
		grep -q "^COMPLETED|0:0" acct && break
		sleep 1
	done &&
	cat acct &&
	grep -qx "COMPLETED|0:0" acct &&
	wait_idle rpnode01 rpnode02 &&
	node_exec_timeout 30 rpnode01 sinfo -h -N -n rpnode02 -o "%N %t %v" >sinfo &&
	cat sinfo &&
	grep -qx "rpnode02 idle $(echo "$V2" | sed "s/-.*//")" sinfo &&
	node_exec_timeout 30 rpnode01 scontrol -o show node rpnode02 >node &&
	! grep -q "Reason=" node
'

test_expect_success UPGRADED "a third build ($V3): pihpc upgrade killed after slurmdbd, then run again" '
	repack "$V3" && publish "$V3" "$V3" &&
	for n in rpnode01 rpnode02; do
		readme_bootstrap $n && apt_update_pihpc $n || return 1
	done &&
	node_exec rpnode01 sh -c "pihpc upgrade >/root/upgrade.out 2>&1 & echo \$! >/root/upgrade.pid" &&
	for i in $(seq 1200); do
		node_exec rpnode01 sh -c "grep -qx \"target $V3\" $STATE && grep -qx \"done slurmdbd\" $STATE" 2>/dev/null && break
		sleep 0.5
	done &&
	node_exec rpnode01 sh -c "kill -9 \$(cat /root/upgrade.pid)" &&
	node_exec rpnode01 cat /root/upgrade.out $STATE &&
	node_exec rpnode01 grep -qx "target $V3" $STATE &&
	! node_exec rpnode01 grep -qx "done complete" $STATE &&
	node_exec_timeout 1800 rpnode01 pihpc upgrade >rerun 2>&1; rc=$?
	cat rerun && test "$rc" = 0 &&
	grep -q "^resuming the upgrade to $V3" rerun &&
	! grep -q "^slurmdbd: upgrading" rerun &&
	grep -q "^rpnode02: upgraded to $V3" rerun &&
	all_at rpnode01 "$V3" && all_at rpnode02 "$V3" &&
	node_exec rpnode01 systemctl is-active slurmdbd slurmctld slurmd &&
	wait_idle rpnode01 rpnode02
'

test_done
