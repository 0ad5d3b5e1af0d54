#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='pihpc doctor on the controller checks the whole cluster

Boots filenode01, rpnode01 (controller, also a compute node) and rpnode02,
installs the three packages, and runs pihpc doctor on rpnode01: no check
fails on the healthy cluster, and each fault below, made on rpnode02, is
named on rpnode01 with its fix and gone once repaired: a stopped munged,
munged 10 minutes behind, a user with another uid, a missing mount, a RealMemory above what the node
has, slurmd'"'"'s port blocked.  Then the health check: rpnode02 drains
itself with a reason naming the failed check, and resumes once it passes.
The nodes have no NFS (the kernel of the test host has none): a bind mount
of /home stands for the NFS mount, which doctor warns about.
Needs root and build/repo (make deb); PIHPC_REPO=DIR uses another repository.'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

# doctor_on_controller: pihpc doctor on rpnode01 into "out", its exit code
# into "rc"; the output is kept in the test log.
doctor() {
	rc=0
	node_exec_timeout 180 rpnode01 pihpc doctor "$@" >out 2>err || rc=$?
	cat out err
	echo "exit $rc"
}

# fails NAME TEXT: a FAIL line for check NAME saying TEXT, then a fix line.
fails() {
	grep -A1 -E "^FAIL +$1 .*$2" out >line &&
	grep -q "^      fix: " line
}

# No check failed; every warning is one this harness cannot avoid (the
# bind mounts that stand for NFS, cgroup v1, the host's clock).
no_failure() {
	! grep "^FAIL" out &&
	! grep "^warn" out | grep -Ev "^warn +(nfs|cgroup|clock)(@rpnode0[12])? " &&
	{ [ "$rc" = 0 ] || [ "$rc" = 3 ]; }
}

# the bind mount standing for the NFS mount of /home
home_mount() { node_exec "$1" mount --bind /home /home; }

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots' '
	cluster_up filenode01 rpnode01 rpnode02
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

test_expect_success UP 'user pi on every node; apt install of the three roles' '
	users_and_roles && test_set_prereq INSTALLED
'

test_expect_success INSTALLED 'rpnode01 and rpnode02 become idle; /home mounted on both' '
	wait_idle rpnode01 rpnode02 &&
	home_mount rpnode01 && home_mount rpnode02 &&
	test_set_prereq IDLE
'

test_expect_success IDLE 'healthy cluster: no check fails, each node has its ok line' '
	doctor &&
	no_failure &&
	grep -E "^ok +node@rpnode01 +idle, slurmd [0-9.]+, clock [-+][0-9.]+ s, MUNGE both ways" out &&
	grep -E "^ok +node@rpnode02 +idle, slurmd [0-9.]+, clock [-+][0-9.]+ s, MUNGE both ways" out
'

test_expect_success IDLE '--json: one JSON object with the node checks' '
	node_exec_timeout 180 rpnode01 pihpc doctor --json >json || test $? = 3 &&
	python3 -c "
import json, sys
d = json.load(open(\"json\"))
names = [c[\"name\"] for c in d[\"checks\"]]
assert \"node@rpnode02\" in names, names
assert d[\"status\"] in (\"ok\", \"warn\"), d[\"status\"]
"
'

test_expect_success IDLE '--local on the controller checks rpnode01 alone' '
	doctor --local &&
	! grep "@rpnode02" out
'

test_expect_success IDLE 'a stopped munged on rpnode02 is named, with its fix' '
	node_exec rpnode02 systemctl stop munge &&
	doctor &&
	test "$rc" = 1 &&
	fails "srun@rpnode02" "cannot run the probe there" &&
	grep -q "MUNGE" line
'

test_expect_success IDLE 'munged started again: rpnode02 passes' '
	node_exec rpnode02 systemctl start munge &&
	wait_idle rpnode02 &&
	doctor && no_failure
'

# The nodes share the host's kernel clock: rpnode02's munged alone runs
# 10 minutes behind (libfaketime), as a node whose clock is off does.
test_expect_success IDLE 'munged of rpnode02 10 minutes behind: named, with the clock in its fix' '
	node_apt_install rpnode02 libfaketime &&
	lib=$(node_exec rpnode02 dpkg -L libfaketime | grep "/libfaketime\.so\.1$") &&
	printf "[Service]\nEnvironment=LD_PRELOAD=%s FAKETIME=-10m DONT_FAKE_MONOTONIC=1\n" "$lib" >clock.conf &&
	node_copy_in rpnode02 /run/systemd/system/munge.service.d clock.conf &&
	node_exec rpnode02 systemctl daemon-reload &&
	node_exec rpnode02 systemctl restart munge &&
	doctor &&
	test "$rc" = 1 &&
	grep -A1 -E "^FAIL +(srun|state)@rpnode02 " out >line &&
	grep -q "^      fix: .*clock" line
'

test_expect_success IDLE 'munged of rpnode02 on time again: rpnode02 passes' '
	node_exec rpnode02 rm /run/systemd/system/munge.service.d/clock.conf &&
	node_exec rpnode02 systemctl daemon-reload &&
	node_exec rpnode02 systemctl restart munge &&
	{ wait_idle rpnode02 ||
	  { node_exec rpnode01 scontrol update nodename=rpnode02 state=resume && wait_idle rpnode02; }; } &&
	doctor && no_failure
'

test_expect_success IDLE 'user pi with uid 1001 on rpnode02 is named, with its fix' '
	node_exec rpnode02 usermod -u 1001 pi &&
	doctor &&
	test "$rc" = 1 &&
	fails "uid@rpnode02" "user pi is 1001:1000 there, 1000:1000 here"
'

test_expect_success IDLE 'uid 1000 again: no failure' '
	node_exec rpnode02 usermod -u 1000 pi &&
	doctor && no_failure
'

test_expect_success IDLE '/home not mounted on rpnode02 is named, with its fix' '
	node_exec rpnode02 umount /home &&
	doctor &&
	test "$rc" = 1 &&
	fails "nfs@rpnode02" "/home"
'

test_expect_success IDLE '/home mounted again: no failure' '
	home_mount rpnode02 &&
	doctor && no_failure
'

test_expect_success IDLE 'slurmd port of rpnode02 blocked: named, with its fix' '
	ip netns exec "$(pihpc_ns rpnode02)" nft -f - <<-\NFT &&
	table inet pihpc_test {
		chain input {
			type filter hook input priority 0;
			tcp dport 6818 drop
		}
	}
	NFT
	doctor &&
	test "$rc" = 1 &&
	fails "port@rpnode02" "6818: no answer"
'

test_expect_success IDLE 'port open again: no failure' '
	ip netns exec "$(pihpc_ns rpnode02)" nft delete table inet pihpc_test &&
	wait_idle rpnode02 &&
	doctor && no_failure
'

test_expect_success IDLE 'RealMemory above what rpnode02 has: named, with its fix' '
	node_exec rpnode02 cp /etc/pihpc/slurmd.env /root/slurmd.env &&
	node_exec rpnode02 sed -i "s/RealMemory=[0-9]*/RealMemory=99999999/" /etc/pihpc/slurmd.env &&
	node_exec rpnode02 systemctl restart slurmd &&
	sleep 5 &&
	doctor &&
	test "$rc" = 1 &&
	grep -iE "^FAIL +[a-z]+@rpnode02 .*realmemory" out
'

test_expect_success IDLE 'RealMemory right again: rpnode02 back, no failure' '
	node_exec rpnode02 cp /root/slurmd.env /etc/pihpc/slurmd.env &&
	node_exec rpnode02 systemctl restart slurmd &&
	{ wait_idle rpnode02 ||
	  { node_exec rpnode01 scontrol update nodename=rpnode02 state=resume && wait_idle rpnode02; }; } &&
	doctor && no_failure
'

test_expect_success IDLE 'health check: rpnode02 without /home drains itself, with the reason' '
	node_exec rpnode02 umount /home &&
	test_expect_code 1 node_exec rpnode02 /usr/libexec/pihpc/healthcheck &&
	node_exec rpnode01 sinfo -h -R -o "%n|%E" >reasons &&
	cat reasons &&
	grep -E "^rpnode02\|pihpc doctor: nfs: .*/home" reasons &&
	doctor &&
	fails "state@rpnode02" "pihpc doctor: nfs"
'

test_expect_success IDLE 'health check: /home back, rpnode02 resumes itself' '
	home_mount rpnode02 &&
	node_exec rpnode02 /usr/libexec/pihpc/healthcheck ||
	test $? = 3 &&
	wait_idle rpnode02 &&
	doctor && no_failure
'

test_done
