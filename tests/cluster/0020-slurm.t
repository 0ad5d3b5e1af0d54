#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='pihpc cluster works: three apt installs give a Slurm cluster

Boots filenode01, rpnode01, rpnode02 and rpnode03, installs pihpc-storage,
pihpc-master and pihpc-compute (one apt install each, debconf defaults = the
seed cluster) and checks what the seed checks by hand: munge, sinfo, srun
across nodes, the accounting registration, the seed'"'"'s submit.sh as user pi,
sacct; then that a compute node started before the controller joins once the
controller is up, and that a third compute node joins the same way.
Needs root and build/repo (make deb); PIHPC_REPO=DIR uses another repository.'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

# The seed's job script, verbatim.
SUBMIT_SH='#!/usr/bin/sh

#SBATCH --job-name=testjob
#SBATCH --mem=10mb
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --time=00:01:00

srun sleep 10'

# wait_job NODE JOBID: sacct on NODE shows the job COMPLETED (bounded).
wait_job() {
	local i=0 state
	while [ "$i" -lt 60 ]; do
		state=$(node_exec "$1" sacct -n -X -P -o State -j "$2" 2>/dev/null) || true
		[ "$state" = COMPLETED ] && return 0
		i=$((i + 1))
		sleep 2
	done
	echo "job $2: sacct says '$state'"
	return 1
}

test_expect_success 'cluster of filenode01, rpnode01, rpnode02, rpnode03 boots' '
	cluster_up filenode01 rpnode01 rpnode02 rpnode03
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

# Users come from the site (LDAP, or the same useradd everywhere), not
# from pihpc: the seed's user pi, with one uid on every node.
test_expect_success UP 'user pi exists on every node' '
	for n in filenode01 rpnode01 rpnode02 rpnode03; do
		node_exec $n useradd -m -u 1000 -s /bin/sh pi || return 1
	done
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

test_expect_success INSTALLED 'rpnode01 and rpnode02 join and become idle' '
	wait_idle rpnode01 rpnode02 && test_set_prereq IDLE
'

test_expect_success IDLE 'rpnode02 joined with the preseeded token; its join service is done' '
	node_exec rpnode02 pihpc node status >out &&
	grep -x "state=joined" out &&
	grep -x "mode=token" out &&
	node_exec rpnode02 systemctl show -P Result pihpc-join-node.service >out &&
	echo success >expect &&
	test_cmp expect out
'

test_expect_success IDLE 'munge credential from rpnode01 is accepted on rpnode02' '
	node_exec rpnode01 munge -n >cred &&
	node_exec rpnode02 unmunge <cred
'

test_expect_success IDLE 'sinfo: partition batch* up, rpnode[01-02] idle' '
	node_exec rpnode01 sinfo -h -o "%P %a %t %N" >out &&
	echo "batch* up idle rpnode[01-02]" >expect &&
	test_cmp expect out
'

test_expect_success IDLE 'batch has the seed'"'"'s limits' '
	node_exec rpnode01 scontrol -o show partition batch >out &&
	grep -q "Default=YES" out &&
	grep -q "DefaultTime=1-00:00:00" out &&
	grep -q "MaxTime=30-00:00:00" out &&
	grep -q "DefMemPerCPU=200" out
'

test_expect_success IDLE 'srun -w rpnode01 hostname prints rpnode01' '
	test "$(node_exec_timeout 60 rpnode01 srun -w rpnode01 hostname)" = rpnode01
'

test_expect_success IDLE 'srun -w rpnode02 hostname prints rpnode02' '
	test "$(node_exec_timeout 60 rpnode01 srun -w rpnode02 hostname)" = rpnode02
'

test_expect_success IDLE 'srun -N2 hostname runs on both nodes' '
	node_exec_timeout 60 rpnode01 srun -N2 hostname | sort >out &&
	printf "rpnode01\nrpnode02\n" >expect &&
	test_cmp expect out
'

test_expect_success IDLE 'slurm.conf starts PMIx by default (MpiDefault=pmix)' '
	node_exec_timeout 60 rpnode01 scontrol show config >config &&
	grep -Ex "MpiDefault +=  *pmix" config
'

test_expect_success IDLE 'an MPI program on both nodes: ranks report their hosts, a message goes 0 -> 1 -> 0' '
	mpi_pingpong rpnode01 rpnode02
'

test_expect_success IDLE 'client commands work on the compute node from its cache' '
	node_exec rpnode02 sinfo -h -o "%P %N" >out &&
	echo "batch* rpnode[01-02]" >expect &&
	test_cmp expect out
'

test_expect_success INSTALLED 'sacctmgr lists the accounts compute and root' '
	node_exec rpnode01 sacctmgr -n -P show account format=account,descr,org >out &&
	cat out &&
	# Slurm 22.05 stores descriptions in lower case (23.11 keeps them).
	grep -qix "compute|Compute account|home" out &&
	grep -q "^root|" out
'

test_expect_success INSTALLED 'sacctmgr lists user pi in account compute, with its limits' '
	node_exec rpnode01 sacctmgr -n -P show user format=user,defaultaccount >out &&
	grep -qx "pi|compute" out &&
	node_exec rpnode01 sacctmgr -n -P show assoc where user=pi format=grptres >out &&
	grep -qx "cpu=4,mem=1G" out
'

test_expect_success IDLE 'the seed'"'"'s submit.sh runs as pi on rpnode01 and on rpnode02' '
	printf "%s\n" "$SUBMIT_SH" | node_exec rpnode01 runuser -u pi -- tee /home/pi/submit.sh >/dev/null &&
	for n in rpnode01 rpnode02; do
		node_exec rpnode01 runuser -u pi -- sh -c \
			"cd && sbatch --parsable -w $n submit.sh" >jobid.$n || return 1
	done &&
	wait_job rpnode01 "$(cat jobid.rpnode01)" &&
	wait_job rpnode01 "$(cat jobid.rpnode02)" &&
	node_exec rpnode01 sacct -n -X -P -o User,NodeList -j "$(cat jobid.rpnode02)" >out &&
	echo "pi|rpnode02" >expect &&
	test_cmp expect out
'

test_expect_success INSTALLED 'secrets are not readable by other users' '
	node_exec rpnode01 stat -c "%a %U" /etc/slurm/slurmdbd.conf /etc/munge/munge.key >out &&
	printf "600 slurm\n400 munge\n" >expect &&
	test_cmp expect out &&
	test_must_fail node_exec rpnode01 runuser -u pi -- cat /etc/slurm/slurmdbd.conf &&
	node_exec rpnode01 stat -c "%a %U" /etc/pihpc/cluster.conf /var/lib/pihpc/join >out &&
	printf "644 root\n700 root\n" >expect &&
	test_cmp expect out
'

test_expect_success INSTALLED 'no munge key on the share; /nfs is exported root_squash' '
	node_exec filenode01 find /nfs -name "munge*" >out &&
	test_must_be_empty out &&
	node_exec filenode01 grep "^/nfs " /etc/exports >out &&
	grep -q "[(,]root_squash[,)]" out &&
	! grep -q no_root_squash out
'

# Everything pihpc writes, with modification times: a reconfigure that
# changes nothing must not rewrite anything.
state_of_master() {
	node_exec rpnode01 sh -c "find /etc/pihpc /etc/slurm /etc/munge /etc/hosts \
		/etc/fstab /var/lib/pihpc /etc/systemd/system/pihpc-join.socket.d \
		-printf \"%p %m %u %T@\n\" | sort &&
		find /etc/pihpc /etc/slurm /etc/munge /etc/systemd/system/pihpc-join.socket.d \
			-type f \
			-exec sha256sum {} + | sort"
}

test_expect_success INSTALLED 'dpkg-reconfigure pihpc-master twice in a row changes nothing' '
	node_exec rpnode01 dpkg-reconfigure -fnoninteractive pihpc-master &&
	state_of_master >before &&
	node_exec rpnode01 dpkg-reconfigure -fnoninteractive pihpc-master 2>err &&
	state_of_master >after &&
	test_cmp before after &&
	node_exec rpnode01 dpkg-reconfigure -fnoninteractive pihpc-master &&
	state_of_master >again &&
	test_cmp before again
'

test_expect_success IDLE 'sbatch job on rpnode02 completes and writes to /nfs' '
	node_exec_timeout 90 rpnode01 sbatch --parsable --wait -w rpnode02 \
		-o /nfs/job-%j.out --wrap "hostname" >jobid &&
	test "$(cat "$(pihpc_state)/nfs/job-$(cat jobid).out")" = rpnode02
'

test_expect_success IDLE 'sacct records the job as COMPLETED' '
	wait_job rpnode01 "$(cat jobid)"
'

test_expect_success IDLE 'a compute node started before the controller joins once it is up' '
	node_exec rpnode01 systemctl stop slurmctld &&
	node_exec rpnode02 systemctl --no-block restart slurmd &&
	sleep 15 &&
	node_exec rpnode01 systemctl start slurmctld &&
	wait_idle rpnode01 rpnode02
'

test_expect_success UP 'a third compute node joins by apt install alone' '
	node_apt_update rpnode03 && node_apt_install rpnode03 pihpc-compute &&
	wait_idle rpnode01 rpnode02 rpnode03 &&
	test "$(node_exec_timeout 60 rpnode01 srun -w rpnode03 hostname)" = rpnode03
'

test_done
