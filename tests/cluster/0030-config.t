#!/bin/bash
# shellcheck disable=SC2016,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='pihpc-common: one cluster model, debconf questions, the slurm user

Boots filenode01 (bootstrap repository only), rpnode01 and rpnode02.
rpnode01: pihpc-master installed noninteractively with preseeded answers that
differ from the defaults; cluster.conf, /etc/hosts, slurm.conf, the running
controller and accounting follow them; a new partition_max_time reaches the
running controller through dpkg-reconfigure; the teletype frontend driven from
a pipe (an invalid answer is asked again); bad answers and bad hand edits
are refused with the key and the reason; purge gives /etc/hosts back.
rpnode02: Debian slurmd first (slurm uid 64030), then pihpc-compute: an
invalid preseed and a foreign owner of uid 151 stop it with nothing changed;
once fixed, the slurm user is moved to 151 with its files.
Needs root and build/repo (make deb); PIHPC_REPO=DIR uses another repository.'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

# The answers that differ from the templates' defaults.
LAB_HOSTS='10.0.0.1 rpnode01, 10.0.0.2 rpnode02, 10.0.0.3 filenode01, 10.0.0.20 login01'
preseed_lab() {
	node_debconf_set "$1" \
		"pihpc-common pihpc-common/cluster-name string lab-cluster" \
		"pihpc-common pihpc-common/domain string lab.example" \
		"pihpc-common pihpc-common/hosts string $LAB_HOSTS"
}

# snap NODE FILE...: a checksum (or "absent") per file.
snap() {
	local n=$1
	shift
	node_exec "$n" sh -c 'for f; do
		if [ -e "$f" ]; then sha256sum "$f"; else echo "absent $f"; fi
	done' sh "$@"
}

conf_is() {
	local v
	v=$(node_exec "$1" pihpc config get "$2") || return 1
	[ "$v" = "$3" ] || { echo "$1: $2 = '$v', want '$3'"; return 1; }
}

# retry SECS CMD...: CMD until it succeeds, for at most SECS seconds.
retry() {
	local end=$(( $(date +%s) + $1 ))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 1
	done
}

partition_max_time_is() {
	node_exec_timeout 20 rpnode01 scontrol show partition batch >part 2>&1 &&
		grep -q "MaxTime=$1 " part
}

node_idle() {
	node_exec_timeout 20 rpnode01 sinfo -h -N -o '%N %t' >sinfo.out 2>&1 &&
		grep -qx "$1 idle" sinfo.out
}

elapsed() { echo "$(( $(date +%s) - T0 )) s since start"; }

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots' '
	cluster_up filenode01 rpnode01 rpnode02
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

# --- 1. install with preseeded answers ------------------------------------

test_expect_success UP 'rpnode01: /etc/hosts saved, user alice, answers preseeded' '
	node_exec rpnode01 sha256sum /etc/hosts >hosts.orig &&
	node_exec rpnode01 useradd -m alice &&
	preseed_lab rpnode01 &&
	node_debconf_set rpnode01 "pihpc-master pihpc-master/accounting-users string alice"
'

test_expect_success UP 'rpnode01: apt install pihpc-master (noninteractive)' '
	node_apt_update rpnode01 && node_apt_install rpnode01 pihpc-master &&
	test_set_prereq MASTER && elapsed
'

test_expect_success MASTER 'cluster.conf carries the preseeded answers' '
	conf_is rpnode01 cluster_name lab-cluster &&
	conf_is rpnode01 domain lab.example &&
	conf_is rpnode01 hosts "$LAB_HOSTS" &&
	conf_is rpnode01 accounting_users alice
'

test_expect_success MASTER '/etc/hosts: managed block with login01.lab.example' '
	node_exec rpnode01 cat /etc/hosts >hosts &&
	grep -x "# BEGIN pihpc hosts" hosts &&
	grep -x "10.0.0.20 login01.lab.example login01" hosts &&
	grep -x "10.0.0.1 rpnode01.lab.example rpnode01" hosts &&
	grep -x "# END pihpc hosts" hosts
'

test_expect_success MASTER 'slurm.conf: ClusterName=lab-cluster' '
	node_exec rpnode01 grep -x ClusterName=lab-cluster /etc/slurm/slurm.conf
'

test_expect_success MASTER 'the running slurmctld: ClusterName = lab-cluster' '
	node_exec_timeout 20 rpnode01 scontrol show config >config &&
	grep -E "^ClusterName += lab-cluster$" config
'

test_expect_success MASTER 'accounting lists alice (and not the default user pi)' '
	node_exec_timeout 20 rpnode01 sacctmgr -n -P show user format=user >users &&
	cat users && grep -x alice users && ! grep -x pi users
'

# --- 2. reconfigure ----------------------------------------------------------

test_expect_success MASTER 'config set partition_max_time, dpkg-reconfigure: slurm.conf MaxTime=7-00:00:00' '
	node_exec rpnode01 pihpc config set partition_max_time=7-00:00:00 &&
	node_exec_timeout 180 rpnode01 dpkg-reconfigure -fnoninteractive pihpc-common &&
	node_exec rpnode01 grep "^PartitionName=batch .*MaxTime=7-00:00:00" /etc/slurm/slurm.conf &&
	elapsed
'

test_expect_success MASTER 'the running controller was told: partition batch MaxTime=7-00:00:00' '
	retry 30 partition_max_time_is 7-00:00:00 || { cat part; false; }
'

# The teletype frontend shows no default and takes an empty line as an
# empty answer, so every answer is given in full.  Order: controller,
# cluster-name, storage, domain, subnet, hosts, slurm-uid (abc is refused
# and asked again).  trixie's debconf wants a controlling terminal for it:
# script(1) gives one, fed from the pipe.
test_expect_success MASTER 'dpkg-reconfigure -fteletype -plow on a terminal: new domain' '
	rc=0 &&
	{ printf "%s\n" rpnode01 lab-cluster filenode01 cluster.example 10.0.0.0/24 \
		"$LAB_HOSTS" abc 151 |
		node_exec_timeout 180 rpnode01 script -qec \
			"dpkg-reconfigure -fteletype -plow pihpc-common" /dev/null \
		>tty.raw 2>&1 || rc=$?; } &&
	tr -d "\r" <tty.raw >tty.out &&
	cat tty.out && test "$rc" = 0 &&
	test "$(grep -c "^User and group ID of the slurm account:" tty.out)" = 2 &&
	grep -F "not a number: '\''abc'\''" tty.out &&
	conf_is rpnode01 domain cluster.example &&
	conf_is rpnode01 slurm_uid 151 &&
	elapsed
'

test_expect_success MASTER '/etc/hosts now uses cluster.example' '
	node_exec rpnode01 cat /etc/hosts >hosts &&
	grep -x "10.0.0.20 login01.cluster.example login01" hosts &&
	! grep lab.example hosts
'

# --- 3. invalid answers ----------------------------------------------------

# Debconf is not a registry: the config script seeds the questions from
# cluster.conf, so a preseed given to dpkg-reconfigure cannot bring a bad
# value in; a bad preseed can only bite on a fresh install (rpnode02 below).
test_expect_success MASTER 'preseeded bad slurm-uid on dpkg-reconfigure: cluster.conf wins, nothing changes' '
	snap rpnode01 /etc/pihpc/cluster.conf /etc/hosts /etc/slurm/slurm.conf >before &&
	node_debconf_set rpnode01 "pihpc-common pihpc-common/slurm-uid string abc" &&
	node_exec_timeout 180 rpnode01 dpkg-reconfigure -fnoninteractive pihpc-common &&
	snap rpnode01 /etc/pihpc/cluster.conf /etc/hosts /etc/slurm/slurm.conf >after &&
	test_cmp before after &&
	node_exec rpnode01 debconf-show pihpc-common >answers &&
	grep -x "\* pihpc-common/slurm-uid: 151" answers
'

test_expect_success MASTER 'bad hand edit (subnet 10.0.0.0/33): config check names line and reason, exit 1' '
	node_exec rpnode01 cp -p /etc/pihpc/cluster.conf /root/cluster.conf.good &&
	node_exec rpnode01 sh -c "echo \"subnet = 10.0.0.0/33\" >/etc/pihpc/cluster.conf.bad &&
		grep -v \"^subnet\" /etc/pihpc/cluster.conf >>/etc/pihpc/cluster.conf.bad &&
		mv /etc/pihpc/cluster.conf.bad /etc/pihpc/cluster.conf" &&
	rc=0 && { node_exec rpnode01 pihpc config check >check.out 2>&1 || rc=$?; } &&
	cat check.out &&
	test "$rc" = 1 &&
	grep -F "pihpc: error: /etc/pihpc/cluster.conf:1: '\''subnet'\'': " check.out &&
	grep -F "10.0.0.0/33" check.out &&
	node_exec rpnode01 mv /root/cluster.conf.good /etc/pihpc/cluster.conf &&
	node_exec rpnode01 pihpc config check
'

# A key no question asks keeps its bad value through the config script, so
# the postinst refuses the whole file before it writes anything.
test_expect_success MASTER 'bad hand edit (partition_max_time): dpkg-reconfigure fails naming it, nothing changes' '
	node_exec rpnode01 cp -p /etc/pihpc/cluster.conf /root/cluster.conf.good &&
	node_exec rpnode01 sed -i "s/^partition_max_time = .*/partition_max_time = forever/" \
		/etc/pihpc/cluster.conf &&
	snap rpnode01 /etc/pihpc/cluster.conf /etc/hosts /etc/slurm/slurm.conf >before &&
	! node_exec_timeout 180 rpnode01 dpkg-reconfigure -fnoninteractive pihpc-common >rec.out 2>&1 &&
	cat rec.out &&
	grep -E "^pihpc: error: /etc/pihpc/cluster.conf:[0-9]+: '\''partition_max_time'\'': invalid time .*: '\''forever'\''$" rec.out &&
	snap rpnode01 /etc/pihpc/cluster.conf /etc/hosts /etc/slurm/slurm.conf >after &&
	test_cmp before after
'

test_expect_success MASTER 'file restored: dpkg-reconfigure succeeds again' '
	node_exec rpnode01 mv /root/cluster.conf.good /etc/pihpc/cluster.conf &&
	node_exec_timeout 180 rpnode01 dpkg-reconfigure -fnoninteractive pihpc-common &&
	retry 30 partition_max_time_is 7-00:00:00 || { cat part; false; }
'

# --- 4. the slurm user on rpnode02 -----------------------------------------

test_expect_success UP 'rpnode02: Debian slurmd first creates slurm with uid 64030' '
	node_exec rpnode02 sha256sum /etc/hosts >hosts2.orig &&
	node_apt_update rpnode02 && node_apt_install rpnode02 slurmd &&
	test "$(node_exec rpnode02 id -u slurm):$(node_exec rpnode02 id -g slurm)" = 64030:64030 &&
	test_set_prereq SLURMD && elapsed
'

slurm_state2() {
	node_exec rpnode02 sh -c 'getent passwd slurm 151; getent group slurm 151;
		stat -c "%n %u:%g" /var/log/slurm /var/lib/slurm; sha256sum /etc/hosts'
}

test_expect_success SLURMD 'rpnode02: preseeded slurm-uid abc: install fails naming slurm_uid, nothing changed' '
	slurm_state2 >state.before &&
	preseed_lab rpnode02 &&
	node_debconf_set rpnode02 "pihpc-common pihpc-common/slurm-uid string abc" &&
	! node_apt_install rpnode02 pihpc-compute >apt.out 2>&1 &&
	{ grep -F "pihpc: error: '\''slurm_uid'\'': not a number: '\''abc'\''" apt.out ||
		{ tail -40 apt.out; false; }; } &&
	slurm_state2 >state.after && test_cmp state.before state.after &&
	snap rpnode02 /etc/pihpc/cluster.conf >conf2 &&
	grep -x "absent /etc/pihpc/cluster.conf" conf2 &&
	node_exec rpnode02 sha256sum /etc/hosts | test_cmp hosts2.orig -
'

test_expect_success SLURMD 'rpnode02: uid 151 held by another account: configure fails naming it, slurm untouched' '
	node_debconf_set rpnode02 "pihpc-common pihpc-common/slurm-uid string 151" &&
	node_exec rpnode02 useradd -u 151 other &&
	slurm_state2 >state.before &&
	! node_exec_timeout 300 rpnode02 env DEBIAN_FRONTEND=noninteractive dpkg --configure -a >dpkg.out 2>&1 &&
	cat dpkg.out &&
	grep -F "uid 151 is already used by user '\''other'\''" dpkg.out &&
	slurm_state2 >state.after && test_cmp state.before state.after
'

test_expect_success SLURMD 'rpnode02: with uid 151 free, the install completes' '
	node_exec rpnode02 userdel other &&
	node_exec_timeout 300 rpnode02 env DEBIAN_FRONTEND=noninteractive dpkg --configure -a &&
	test_set_prereq COMPUTE && elapsed
'

test_expect_success COMPUTE 'rpnode02: slurm user and group moved to 151' '
	test "$(node_exec rpnode02 id -u slurm):$(node_exec rpnode02 id -g slurm)" = 151:151 &&
	node_exec rpnode02 getent group slurm | grep "^slurm:x:151:"
'

test_expect_success COMPUTE 'rpnode02: Slurm files belong to slurm (151), none to 64030' '
	node_exec rpnode02 stat -c "%n %u:%g" /var/log/slurm /var/lib/slurm \
		/var/lib/slurm/slurmd /var/spool/slurm /var/spool/slurm/d >owners &&
	cat owners &&
	! grep -v " 151:151$" owners &&
	node_exec rpnode02 find /etc/slurm /var/log/slurm /var/lib/slurm /var/spool/slurm \
		\( -uid 64030 -o -gid 64030 \) >left &&
	test_must_be_empty left
'

test_expect_success COMPUTE 'rpnode02 joins the cluster (idle)' '
	retry "$PIHPC_JOIN_TIMEOUT" node_idle rpnode02 || { cat sinfo.out; false; }
'

# --- 5. purge -----------------------------------------------------------------

test_expect_success MASTER 'rpnode01: purge pihpc-master pihpc-common gives /etc/hosts back byte for byte' '
	node_apt rpnode01 purge pihpc-master pihpc-common &&
	node_exec rpnode01 sha256sum /etc/hosts | test_cmp hosts.orig - &&
	snap rpnode01 /etc/pihpc >left &&
	grep -x "absent /etc/pihpc" left &&
	elapsed
'

test_done
