#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc slurmd env, node join and leave (fake scontrol)'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

for cmd in slurmd node; do
	for opt in -h --help; do
		test_expect_success "$cmd $opt prints usage on stdout" '
			"$PIHPC" $cmd $opt >out 2>err &&
			grep "^usage: pihpc $cmd " out &&
			test_must_be_empty err
		'
	done
done

test_expect_success 'usage errors: exit 2' '
	test_expect_code 2 "$PIHPC" slurmd frob 2>err &&
	grep "^pihpc: error: unknown subcommand '\''frob'\''$" err &&
	test_expect_code 2 "$PIHPC" slurmd env x 2>err &&
	grep "^pihpc: error: too many arguments$" err &&
	test_expect_code 2 "$PIHPC" node join --conf 2>err &&
	grep "^pihpc: error: option '\''--conf'\'' is not for '\''join'\''$" err &&
	test_expect_code 2 "$PIHPC" node leave --timeout 5 2>err &&
	grep "^pihpc: error: option '\''--timeout'\'' is not for '\''leave'\''$" err &&
	test_expect_code 2 "$PIHPC" node join --timeout 1x 2>err &&
	grep "^pihpc: error: invalid timeout '\''1x'\''$" err
'

test_expect_success 'setup a compute node root' '
	mkdir -p cn/etc/pihpc cn/proc bin &&
	echo "MemTotal:        3977256 kB" >cn/proc/meminfo &&
	for i in 0 1 2 3; do
		d=cn/sys/devices/system/cpu/cpu$i/topology &&
		mkdir -p $d && echo 0 >$d/physical_package_id && echo $i >$d/core_id || return 1
	done &&
	echo 0-3 >cn/sys/devices/system/cpu/online &&
	echo rpnode02 >cn/etc/hostname
'

test_expect_success 'slurmd env: dynamic registration' '
	"$PIHPC" --root cn slurmd env >out &&
	echo "updated '\''cn/etc/pihpc/slurmd.env'\''" >expect &&
	test_cmp expect out &&
	cat >expect <<-\EOF &&
	# Written by pihpc from /etc/pihpc/cluster.conf; local changes are overwritten.
	SLURMD_OPTIONS=--conf-server rpnode01 -Z --conf "Sockets=1 CoresPerSocket=4 ThreadsPerCore=1 RealMemory=3680 Feature=pihpc"
	EOF
	test_cmp expect cn/etc/pihpc/slurmd.env &&
	test "$(stat -c %a cn/etc/pihpc/slurmd.env)" = 644 &&
	"$PIHPC" --root cn slurmd env >out &&
	test_must_be_empty out &&
	"$PIHPC" --root cn node detect --conf >out &&
	grep -F "$(cat out)" cn/etc/pihpc/slurmd.env
'

test_expect_success 'slurmd env: static registration' '
	printf "node_registration = static\n" >cn/etc/pihpc/cluster.conf &&
	"$PIHPC" --root cn slurmd env >out &&
	tail -n 1 cn/etc/pihpc/slurmd.env >last &&
	echo "SLURMD_OPTIONS=--conf-server rpnode01" >expect &&
	test_cmp expect last &&
	rm cn/etc/pihpc/cluster.conf
'

# A fake scontrol: the node is listed once $STATE/joined exists.
test_expect_success 'setup fake scontrol' '
	mkdir -p state &&
	cat >bin/scontrol <<-\EOF &&
	#!/bin/sh
	echo "$*" >>"$STATE/log"
	case "$*" in
	"-o show node "*)
		if test -e "$STATE/down"; then
			echo "slurm_load_node error: Unable to contact slurm controller (connect failure)" >&2
			exit 1
		fi
		if test -e "$STATE/joined"; then
			echo "NodeName=$4 Arch=aarch64 NodeAddr=$(cat "$STATE/joined") NodeHostName=$4 State=IDLE+DYNAMIC_NORM"
			exit 0
		fi
		echo "Node $4 not found" >&2; exit 1 ;;
	"update nodename=rpnode02 nodeaddr=10.0.0.2") echo 10.0.0.2 >"$STATE/joined" ;;
	"delete nodename="*)
		test -e "$STATE/down" && { echo "delete_node error: Unable to contact slurm controller (connect failure)" >&2; exit 1; }
		test -e "$STATE/busy" && { echo "delete_node error: Requested nodes are busy" >&2; exit 1; }
		rm -f "$STATE/joined" ;;
	esac
	exit 0
	EOF
	chmod +x bin/scontrol
'

test_expect_success 'node join times out with the likely causes' '
	test_expect_code 1 env PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root cn node join --timeout 0 >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOF &&
	pihpc: error: node '\''rpnode02'\'' did not register with the controller within 0 s (scontrol: Node rpnode02 not found)
	pihpc: hint: likely causes:
	pihpc: hint:  - the controller '\''rpnode01'\'' is down or cannot be reached from this node
	pihpc: hint:  - this node'\''s munge key differs from the controller'\''s: run '\''pihpc munge check'\'' here and compare '\''pihpc munge key status'\'' on both nodes
	pihpc: hint:  - the controller'\''s node table is full (MaxNodeCount=64): raise max_nodes in /etc/pihpc/cluster.conf on the controller
	pihpc: hint: see '\''journalctl -u slurmd'\'' here and '\''journalctl -u slurmctld'\'' on the controller
	EOF
	test_cmp expect err
'

test_expect_success 'node join fixes a stale NodeAddr, then is silent' '
	echo 10.0.0.77 >state/joined &&
	PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root cn node join >out &&
	echo "changed NodeAddr of node '\''rpnode02'\'' from '\''10.0.0.77'\'' to '\''10.0.0.2'\''" >expect &&
	test_cmp expect out &&
	PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root cn node join >out &&
	test_must_be_empty out &&
	PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root cn node join --name other >out &&
	test_must_be_empty out
'

test_expect_success 'node leave refuses a busy node' '
	touch state/busy &&
	test_expect_code 1 env PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root cn node leave 2>err &&
	echo "pihpc: error: node '\''rpnode02'\'' still runs jobs; drain it first: scontrol update nodename=rpnode02 state=drain reason=..." >expect &&
	test_cmp expect err &&
	rm state/busy
'

test_expect_success 'node leave with the controller down: warning, exit 0' '
	touch state/down &&
	PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root cn node leave >out 2>err &&
	test_must_be_empty out &&
	echo "pihpc: warning: cannot reach the controller to delete node '\''rpnode02'\'' (delete_node error: Unable to contact slurm controller (connect failure)); nothing to clean" >expect &&
	test_cmp expect err &&
	rm state/down
'

test_expect_success 'node leave deletes the node' '
	PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root cn node leave >out &&
	echo "deleted node '\''rpnode02'\'' from the controller" >expect &&
	test_cmp expect out &&
	test ! -e state/joined
'

test_expect_success 'node leave in static mode does nothing' '
	printf "node_registration = static\n" >cn/etc/pihpc/cluster.conf &&
	: >state/log &&
	PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root cn node leave >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	test_must_be_empty state/log
'

test_expect_success 'invalid node name: exit 1' '
	test_expect_code 1 "$PIHPC" --root cn node leave --name "a b" 2>err &&
	echo "pihpc: error: invalid node name '\''a b'\''" >expect &&
	test_cmp expect err
'

test_done
