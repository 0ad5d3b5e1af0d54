#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='a bookworm cluster (Slurm 22.05) moves to trixie (Slurm 24.11)

Slurm 24.11 converts the database and state of 23.02 and later only, so
the accounting moves as pihpc-accounting(8) says: on the bookworm
controller "pihpc accounting export", then a trixie controller installed
fresh, "pihpc accounting import".  Boots filenode01, rpnode01 and rpnode02
on bookworm, with user pi (cluster.conf'"'"'s limits), an account and a user
of the admin'"'"'s own with limits, and finished jobs; exports; boots the
three again on trixie, imports, and checks that the associations and
limits are kept, jobs run, and the old job history is readable by every
user where the man page says.  Runs in the trixie lane of make check
whatever PIHPC_SUITE says.  Needs root and build/repo (make deb).'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

HISTORY=/var/lib/pihpc/history/raspi-hpc-cluster-slurm-22.05.8.psv

# assoc: the associations of the cluster, as "account|user|maxjobs|grptres"
assoc() {
	node_exec rpnode01 sacctmgr -n -P show association \
		format=account,user,maxjobs,grptres | sort
}

# job_done USER ACCOUNT: a job of USER in ACCOUNT runs; its id in "jobid"
job_done() {
	node_exec_timeout 120 rpnode01 su "$1" -c "sbatch --parsable -A $2 -w rpnode02 --chdir=/tmp -o /dev/null -J hostname --wrap hostname" >jobid &&
	for i in $(seq 60); do
		state=$(node_exec rpnode01 sacct -n -X -P -o State -j "$(cat jobid)") || true
		test "$state" = COMPLETED && return 0
		sleep 2
	done
	echo "job $(cat jobid): $state"
	return 1
}

PIHPC_SUITE=bookworm
test_expect_success 'bookworm: the cluster boots, users pi and bob, three apt installs' '
	cluster_up filenode01 rpnode01 rpnode02 &&
	users_and_roles bob=1001 && wait_idle rpnode01 rpnode02 &&
	node_exec rpnode01 sinfo -V | grep -E "^slurm(-wlm)? 22\.05\." &&
	test_set_prereq OLD
'

test_expect_success OLD 'bookworm: the admin'"'"'s account physics and user bob with limits; finished jobs' '
	node_exec rpnode01 sacctmgr -i add account physics Description=physics Organization=lab &&
	node_exec rpnode01 sacctmgr -i add user bob Account=physics MaxJobs=3 GrpTRES=cpu=2 &&
	job_done pi compute && cp jobid pi.job &&
	job_done bob physics && cp jobid bob.job &&
	assoc >old.assoc &&
	cat old.assoc &&
	grep -x "physics|bob|3|cpu=2" old.assoc &&
	grep -x "compute|pi||cpu=4,mem=1G" old.assoc
'

test_expect_success OLD 'bookworm: pihpc accounting export makes a directory of its own, 0700' '
	# sacct lists a job without an eligible time (Slurm 22.05 records some
	# as "allocation" when their start reached slurmdbd late) only by its
	# id: the export must have it all the same
	node_exec rpnode01 sacct -X -P -o JobID,JobName,User,Eligible,State -j "$(cat pi.job),$(cat bob.job)" &&
	node_exec rpnode01 pihpc accounting export /root/export >made &&
	test $(wc -l <made) = 1 &&
	grep -x "/root/export/raspi-hpc-cluster-slurm-22\.05\.[0-9]*-[0-9T]*" made &&
	test "$(node_exec rpnode01 stat -c %a "$(cat made)")" = 700 &&
	test "$(node_exec rpnode01 stat -c %a "$(cat made)/associations.cfg")" = 600 &&
	node_exec rpnode01 grep -q "bob" "$(cat made)/associations.cfg" &&
	node_exec rpnode01 cat "$(cat made)/jobs.psv" &&
	node_exec rpnode01 grep -q "^$(cat pi.job)|hostname|pi|" "$(cat made)/jobs.psv" &&
	node_exec rpnode01 grep -q "^$(cat bob.job)|[^|]*|bob|" "$(cat made)/jobs.psv" &&
	node_exec rpnode01 tar -C /root/export -cf - . >export.tar &&
	test_set_prereq EXPORTED
'

test_expect_success OLD 'bookworm: the cluster is taken down' '
	cluster_down
'

PIHPC_SUITE=trixie
test_expect_success EXPORTED 'trixie: the cluster boots afresh, users pi and bob, three apt installs' '
	cluster_up filenode01 rpnode01 rpnode02 &&
	users_and_roles bob=1001 && wait_idle rpnode01 rpnode02 &&
	node_exec rpnode01 sinfo -V | grep -E "^slurm(-wlm)? 24\.11\." &&
	test_set_prereq NEW
'

test_expect_success NEW 'trixie: pihpc accounting import loads the associations and installs the history' '
	node_exec rpnode01 mkdir -m 0700 /root/import &&
	node_exec rpnode01 tar -C /root/import -xf - <export.tar &&
	dir=/root/import/$(basename "$(cat made)") &&
	node_exec rpnode01 pihpc accounting import "$dir" >out &&
	cat out &&
	grep -x "loaded the associations of Slurm 22\.05\.[0-9]* from '\''$dir/associations.cfg'\''" out &&
	grep -x "installed the job history of Slurm 22\.05\.[0-9]* as '\''$HISTORY'\''" out
'

test_expect_success NEW 'trixie: the associations and their limits are those of bookworm' '
	assoc >new.assoc &&
	cat new.assoc &&
	grep -x "physics|bob|3|cpu=2" new.assoc &&
	grep -x "compute|pi||cpu=4,mem=1G" new.assoc
'

test_expect_success NEW 'trixie: importing again changes nothing' '
	dir=/root/import/$(basename "$(cat made)") &&
	node_exec rpnode01 pihpc accounting import "$dir" >out &&
	test_must_be_empty out
'

test_expect_success NEW 'trixie: a changed export is refused, and changes nothing' '
	node_exec rpnode01 cp -a "/root/import/$(basename "$(cat made)")" /root/bad &&
	node_exec rpnode01 sh -c "echo 1\|evil >>/root/bad/jobs.psv" &&
	test_expect_code 1 node_exec rpnode01 pihpc accounting import /root/bad 2>err &&
	grep "^pihpc: error: '\''/root/bad/jobs.psv'\'' is not the file that was exported (its SHA-256 differs)$" err
'

test_expect_success NEW 'trixie: bob and pi run jobs in their accounts' '
	job_done bob physics && job_done pi compute
'

test_expect_success NEW 'trixie: every user reads the old job history in '"$HISTORY" '
	test "$(node_exec rpnode01 stat -c %a "$HISTORY")" = 644 &&
	node_exec rpnode01 su pi -c "cat $HISTORY" >history &&
	head -n 1 history | grep "^JobID|JobName|User|" &&
	grep "^$(cat bob.job)|[^|]*|bob|[^|]*|physics|" history &&
	grep "^$(cat pi.job)|hostname|pi|pi|compute|" history
'

test_done
