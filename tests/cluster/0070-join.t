#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='the join service: a compute node installed first, an intruder, bad and good tokens

Boots filenode01, rpnode01, rpnode02 and rpnode04.  The run'"'"'s join token is
preseeded on every node, as an admin chooses one ahead of time.  rpnode02 gets
pihpc-compute before the storage node and the controller exist, and joins by
itself once they are installed, with no further command on it; it gets
the new key of a reinstalled controller, and of a key rotation with a
job running, the same way.  rpnode04 is
root on the cluster network without the token: it finds no key on the share,
is refused by the join service, and its credentials are refused.  Tokens the
controller makes travel from node to node through pipes, never through the
test log.
Needs root and build/repo (make deb).'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

# The compute node retries with a pause of up to a minute.
PIHPC_JOIN_TIMEOUT=240

# new_token OPTIONS...: a token made on rpnode01, handed to rpnode04's
# /root/token (0600) through a pipe.
new_token() {
	node_exec rpnode01 pihpc join token "$@" 2>/dev/null |
		node_exec rpnode04 sh -c "umask 077 && cat >/root/token"
}

# refused_with WORD: rpnode04's join with /root/token is refused (exit 3)
# saying WORD, and its key stays the one it had.
refused_with() {
	test_expect_code 3 node_exec rpnode04 pihpc node join --token-file /root/token \
		--server 10.0.0.1 2>err &&
	cat err &&
	grep "^pihpc: error: .*$1" err &&
	test "$(key_sum rpnode04)" = "$(cat before)"
}

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 and rpnode04 boots' '
	cluster_up filenode01 rpnode01 rpnode02 rpnode04
'
cluster_is_up && node_leader rpnode04 >/dev/null 2>&1 && test_set_prereq UP

test_expect_success UP 'rpnode02: apt install pihpc-compute before any controller exists' '
	node_apt_update rpnode02 && node_apt_install rpnode02 pihpc-compute
'

test_expect_success UP 'rpnode02: the join service keeps trying, and says why' '
	for _ in $(seq 60); do
		node_exec rpnode02 pihpc node status >out &&
		grep -qx "state=unreachable" out && break
		sleep 1
	done &&
	cat out &&
	grep -x "state=unreachable" out &&
	grep -x "mode=token" out &&
	grep "^reason=.*rpnode01" out &&
	node_exec rpnode02 systemctl is-active pihpc-join-node.service >out || true &&
	echo activating >expect &&
	test_cmp expect out &&
	test_must_fail node_exec rpnode02 test -e /var/lib/pihpc/munge.key.orig
'

for r in filenode01:pihpc-storage rpnode01:pihpc-master; do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: apt install $p" "
		node_apt_update $n && node_apt_install $n $p
	"
done

test_expect_success UP 'rpnode02 joins by itself once the controller is up' '
	wait_idle rpnode01 rpnode02 &&
	node_exec rpnode02 pihpc node status >out &&
	grep -x "state=joined" out &&
	test "$(key_sum rpnode02)" = "$(key_sum rpnode01)" &&
	test "$(node_exec_timeout 60 rpnode01 srun -w rpnode02 hostname)" = rpnode02
'

test_expect_success UP 'the controller logged the join, without the token' '
	node_exec rpnode01 journalctl -q -o cat -u "pihpc-join@*" >log &&
	cat log &&
	grep -q "rpnode02.*joined" log &&
	! grep -qF "$(pihpc_join_token)" log
'

test_expect_success UP 'intruder: root on its own machine, with pihpc-common, munge and Slurm, not the token' '
	node_debconf_set rpnode04 \
		"pihpc-master pihpc-master/join-token password " \
		"pihpc-compute pihpc-compute/join-token password " &&
	node_apt_update rpnode04 &&
	node_apt_install rpnode04 pihpc-common munge slurm-client &&
	node_exec rpnode04 systemctl is-active munge.service
'

test_expect_success UP 'intruder: no munge key on the share' '
	node_exec rpnode04 find /nfs -name "munge*" >out &&
	test_must_be_empty out &&
	key_sum rpnode04 >before
'

test_expect_success UP 'intruder: a wrong token is refused (exit 3) and nothing changes' '
	od -An -tx1 -N32 /dev/urandom | tr -d " \n" |
		node_exec rpnode04 sh -c "umask 077 && cat >/root/token" &&
	refused_with token
'

test_expect_success UP 'intruder: a request without approval waits (exit 5) and gets nothing' '
	test_expect_code 5 node_exec rpnode04 pihpc node join --request --server 10.0.0.1 2>err &&
	cat err &&
	node_exec rpnode01 pihpc node pending >out &&
	cat out &&
	grep "^rpnode04 .* pending$" out &&
	test "$(key_sum rpnode04)" = "$(cat before)"
'

test_expect_success UP 'intruder: its forged credentials are refused by the cluster' '
	node_exec rpnode04 munge -n >cred &&
	test_must_fail node_exec rpnode01 unmunge <cred &&
	test_must_fail node_exec rpnode02 unmunge <cred &&
	printf "ClusterName=raspi-hpc-cluster\nSlurmctldHost=rpnode01(10.0.0.1)\nAuthType=auth/munge\n" |
		node_exec rpnode04 sh -c "mkdir -p /etc/slurm && cat >/etc/slurm/slurm.conf" &&
	test_must_fail node_exec_timeout 60 rpnode04 sinfo -h -N >out 2>&1 &&
	cat out &&
	! grep -q "rpnode0[12]" out
'

test_expect_success UP 'an expired token is refused (exit 3), saying so' '
	new_token --ttl 1s &&
	sleep 2 &&
	refused_with expired
'

test_expect_success UP 'a right token joins; used once, it is used up' '
	new_token --uses 1 &&
	node_exec rpnode04 pihpc node join --token-file /root/token --server 10.0.0.1 >out &&
	cat out &&
	grep "^joined cluster " out &&
	test "$(key_sum rpnode04)" = "$(key_sum rpnode01)" &&
	key_sum rpnode04 >before &&
	refused_with "used up"
'

# The harness' clock for pihpc-join-check.timer: seconds, not minutes
# (one empty assignment resets all the timer's lists).
test_expect_success UP 'rpnode02: the key check runs every 20 s (test harness only)' '
	node_exec rpnode02 mkdir -p /etc/systemd/system/pihpc-join-check.timer.d &&
	printf "[Timer]\nOnActiveSec=\nOnActiveSec=20s\nOnUnitInactiveSec=20s\nRandomizedDelaySec=0\nAccuracySec=1s\n" |
		node_exec rpnode02 sh -c "cat >/etc/systemd/system/pihpc-join-check.timer.d/zz-harness.conf" &&
	node_exec rpnode02 systemctl daemon-reload &&
	node_exec rpnode02 systemctl restart pihpc-join-check.timer
'

test_expect_success UP 'the controller is reinstalled from scratch, with a new munge key' '
	key_sum rpnode01 >old.key &&
	node_apt rpnode01 purge pihpc-master pihpc-common &&
	pihpc_join_token_preseed rpnode01 &&
	node_apt_install rpnode01 pihpc-master &&
	test "$(key_sum rpnode01)" != "$(cat old.key)"
'

# wait_key_of NODE: NODE has the controller's key (within two minutes).
wait_key_of() {
	for _ in $(seq 60); do
		test "$(key_sum "$1")" = "$(key_sum rpnode01)" && return 0
		sleep 2
	done
	echo "$1 does not have the controller's key"
	return 1
}

test_expect_success UP 'rpnode02 gets the new key by itself and runs jobs again' '
	wait_key_of rpnode02 &&
	wait_idle rpnode01 rpnode02 &&
	test "$(node_exec_timeout 60 rpnode01 srun -w rpnode02 hostname)" = rpnode02
'

test_expect_success UP 'key rotation with a job running: the job finishes, new jobs run' '
	node_exec rpnode01 sbatch --parsable -w rpnode02 --wrap "sleep 40" >jobid &&
	for _ in $(seq 30); do
		state=$(node_exec rpnode01 squeue -h -j "$(cat jobid)" -o %T) &&
		test "$state" = RUNNING && break
		sleep 1
	done &&
	test "$state" = RUNNING &&
	key_sum rpnode01 >old.key &&
	node_exec rpnode01 pihpc munge key rotate --yes 2>err &&
	cat err &&
	test "$(key_sum rpnode01)" != "$(cat old.key)" &&
	wait_key_of rpnode02 &&
	for _ in $(seq 60); do
		state=$(node_exec rpnode01 sacct -n -X -P -o State -j "$(cat jobid)") &&
		test "$state" = COMPLETED && break
		sleep 2
	done &&
	test "$state" = COMPLETED &&
	wait_idle rpnode01 rpnode02 &&
	test "$(node_exec_timeout 60 rpnode01 srun -w rpnode02 hostname)" = rpnode02 &&
	test "$(node_exec_timeout 60 rpnode01 srun -w rpnode01 hostname)" = rpnode01
'

test_done
