#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc config, hosts, block, render, node, dirs in a scratch root'

# The source tree and the binary under test (src/Makefile sets PIHPC).
TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

test_expect_success 'setup scratch root' '
	mkdir -p root/etc/pihpc &&
	printf "127.0.0.1 localhost\n::1 localhost ip6-localhost" >root/etc/hosts &&
	cp root/etc/hosts hosts.orig
'

test_expect_success 'config get without a file gives the default' '
	"$PIHPC" --root root config get slurm_uid >out &&
	echo 151 >expect &&
	test_cmp expect out
'

test_expect_success 'config get unknown key: exit 2' '
	test_expect_code 2 "$PIHPC" --root root config get nope 2>err &&
	grep "^pihpc: error: unknown key '\''nope'\''$" err
'

test_expect_success 'config set creates the file 0644 and get reads it' '
	"$PIHPC" --root root config set slurm_uid=152 "domain=lab.lan" >out &&
	grep "^updated '\''root/etc/pihpc/cluster.conf'\''$" out &&
	test "$(stat -c %a root/etc/pihpc/cluster.conf)" = 644 &&
	test "$("$PIHPC" --root root config get slurm_uid)" = 152 &&
	PIHPC_ROOT=root "$PIHPC" config get domain >out &&
	echo lab.lan >expect &&
	test_cmp expect out
'

test_expect_success 'config set with the same value writes nothing' '
	"$PIHPC" --root root config set slurm_uid=152 >out &&
	test_must_be_empty out
'

test_expect_success 'config set rejects a bad value, file untouched' '
	cp root/etc/pihpc/cluster.conf before &&
	test_expect_code 1 "$PIHPC" --root root config set slurm_uid=abc 2>err &&
	echo "pihpc: error: '\''slurm_uid'\'': not a number: '\''abc'\''" >expect &&
	test_cmp expect err &&
	test_cmp before root/etc/pihpc/cluster.conf
'

test_expect_success 'config set refuses a newline in a value, file untouched' '
	cp root/etc/pihpc/cluster.conf before &&
	test_expect_code 1 "$PIHPC" --root root config set "static_node_params=Sockets=1
slurm_uid=4242" 2>err &&
	echo "pihpc: error: '\''static_node_params'\'': control character 0x0a at position 10 of the value" >expect &&
	test_cmp expect err &&
	test_cmp before root/etc/pihpc/cluster.conf
'

test_expect_success 'config check refuses a NUL byte in a value' '
	printf "slurm_uid = 151\\000garbage\\n" >nul.conf &&
	test_expect_code 1 "$PIHPC" config check nul.conf 2>err &&
	echo "pihpc: error: nul.conf:1: '\''slurm_uid'\'': control character 0x00 at position 4 of the value" >expect &&
	test_cmp expect err
'

test_expect_success 'config check reports every bad line' '
	printf "slurm_uid = x\nfoo = 1\nmax_nodes = 0\n" >bad.conf &&
	test_expect_code 1 "$PIHPC" config check bad.conf 2>err &&
	cat >expect <<-\EOF &&
	pihpc: error: bad.conf:1: '\''slurm_uid'\'': not a number: '\''x'\''
	pihpc: error: bad.conf:2: unknown key '\''foo'\''
	pihpc: error: bad.conf:3: '\''max_nodes'\'': out of range 1..65000: '\''0'\''
	EOF
	test_cmp expect err
'

test_expect_success 'config check of a good file is silent' '
	"$PIHPC" --root root config check >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'config dump lists every key' '
	"$PIHPC" --root root config dump >out &&
	test "$(wc -l <out)" = 23 &&
	grep "^slurm_uid = 152$" out &&
	grep "^nfs_exports = /home(rw,sync,root_squash,no_subtree_check) /nfs(rw,sync,root_squash,no_subtree_check)$" out
'

test_expect_success 'hosts apply adds the block, keeps the rest' '
	"$PIHPC" --root root hosts apply &&
	cat >expect <<-\EOF &&
	127.0.0.1 localhost
	::1 localhost ip6-localhost
	# BEGIN pihpc hosts
	10.0.0.1 rpnode01.lab.lan rpnode01
	10.0.0.2 rpnode02.lab.lan rpnode02
	10.0.0.3 filenode01.lab.lan filenode01
	EOF
	printf "# END pihpc hosts" >>expect &&
	test_cmp expect root/etc/hosts
'

test_expect_success 'hosts apply again is silent' '
	"$PIHPC" --root root hosts apply >out &&
	test_must_be_empty out
'

test_expect_success 'hosts remove restores the file byte for byte' '
	"$PIHPC" --root root hosts remove &&
	cmp hosts.orig root/etc/hosts
'

test_expect_success 'block set from stdin and remove' '
	printf "/home 10.0.0.0/24(rw)\n" >exports &&
	echo "/nfs 10.0.0.0/24(rw)" | "$PIHPC" block set exports nfs &&
	printf "/home 10.0.0.0/24(rw)\n# BEGIN pihpc nfs\n/nfs 10.0.0.0/24(rw)\n# END pihpc nfs\n" >expect &&
	test_cmp expect exports &&
	"$PIHPC" block remove exports nfs &&
	printf "/home 10.0.0.0/24(rw)\n" >expect &&
	test_cmp expect exports
'

test_expect_success 'block set on a malformed file: exit 1, untouched' '
	printf "# BEGIN pihpc nfs\nx\n" >broken &&
	cp broken broken.orig &&
	echo y | test_expect_code 1 "$PIHPC" block set broken nfs 2>err &&
	echo "pihpc: error: broken:1: managed block '\''nfs'\'' has no end marker" >expect &&
	test_cmp expect err &&
	test_cmp broken.orig broken
'

test_expect_success 'render writes slurm.conf and cgroup.conf' '
	mkdir rendered &&
	"$PIHPC" --root root render --role master --out rendered --templates "$TOP/conf" &&
	grep "^ClusterName=raspi-hpc-cluster$" rendered/slurm.conf &&
	grep "^PartitionName=batch Nodes=pihpc Default=YES" rendered/slurm.conf &&
	grep "^ConstrainRAMSpace=yes$" rendered/cgroup.conf
'

test_expect_success 'render without --out: exit 2' '
	test_expect_code 2 "$PIHPC" render --role master 2>err &&
	grep "^pihpc: error: missing option '\''--out'\''$" err
'

test_expect_success 'node detect on a fake sysfs' '
	mkdir -p root/proc &&
	echo "MemTotal:        3977256 kB" >root/proc/meminfo &&
	for i in 0 1 2 3; do
		d=root/sys/devices/system/cpu/cpu$i/topology &&
		mkdir -p $d && echo 0 >$d/physical_package_id && echo $i >$d/core_id || return 1
	done &&
	echo 0-3 >root/sys/devices/system/cpu/online &&
	"$PIHPC" --root root node detect >out &&
	echo "CPUs=4 Boards=1 SocketsPerBoard=1 CoresPerSocket=4 ThreadsPerCore=1 RealMemory=3680" >expect &&
	test_cmp expect out &&
	"$PIHPC" --root root node detect --conf >out &&
	echo "Sockets=1 CoresPerSocket=4 ThreadsPerCore=1 RealMemory=3680 Feature=pihpc" >expect &&
	test_cmp expect out
'

test_expect_success 'dirs ensure without the slurm user: exit 1' '
	echo "root:x:0:0:root:/root:/bin/bash" >root/etc/passwd &&
	test_expect_code 1 "$PIHPC" --root root dirs ensure --role compute 2>err &&
	echo "pihpc: error: user '\''slurm'\'' does not exist (run '\''pihpc user ensure'\'' first)" >expect &&
	test_cmp expect err
'

test_expect_success 'munge check without munged: exit 1 with a hint' '
	test_expect_code 1 "$PIHPC" munge check --socket "$PWD/no.socket" 2>err &&
	grep "^pihpc: error: cannot encode a munge credential: .*(Did you start munged?)" err
'

test_done
