#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc doctor: the table, JSON, exit codes and --health (fake nodes, fake commands)'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

# Only the fake programs: a vcgencmd or chronyc of the machine running
# the tests must not answer.
doctor() {
	env PATH="$PWD/bin" STATE="$PWD/state" "$PIHPC" "$@"
}

# In Korean, as t0003-i18n.t does it: a ko_KR.UTF-8 locale compiled
# into a directory of the test's own.
ko() {
	env -u LC_ALL -u LC_MESSAGES -u LC_CTYPE LANG=ko_KR.UTF-8 LANGUAGE=ko \
		LOCPATH="$PWD/locales" PIHPC_LOCALEDIR="$PIHPC_TEST_LOCALEDIR" \
		PATH="$PWD/bin" STATE="$PWD/state" "$PIHPC" "$@"
}

for opt in -h --help; do
	test_expect_success "doctor $opt prints usage on stdout" '
		"$PIHPC" doctor $opt >out 2>err &&
		grep "^usage: pihpc doctor \[--json\] \[--local | --health | --probe\]$" out &&
		grep "^Exit codes: 0 all passed, 1 a check failed" out &&
		test_must_be_empty err
	'
done

test_expect_success 'usage errors: exit 2' '
	test_expect_code 2 "$PIHPC" doctor --frob 2>err &&
	grep "^pihpc: error: unknown option '\''--frob'\''$" err &&
	test_expect_code 2 "$PIHPC" doctor extra 2>err &&
	grep "^pihpc: error: too many arguments$" err &&
	for o in "--local --health" "--health --probe" "--probe --json"; do
		test_expect_code 2 "$PIHPC" doctor $o >out 2>err &&
		grep "^pihpc: error: --local, --health and --probe exclude each other, and --probe --json$" err &&
		test_must_be_empty out || return 1
	done
'

test_expect_success 'setup: a storage node and a compute node' '
	mkdir -p bin state locales &&
	{ localedef -i ko_KR -f UTF-8 locales/ko_KR.UTF-8 || test -f locales/ko_KR.UTF-8/LC_MESSAGES/SYS_LC_MESSAGES; } &&
	for n in fs cn; do
		mkdir -p $n/etc $n/proc/self &&
		echo "slurm:x:151:151::/nonexistent:/usr/sbin/nologin" >$n/etc/passwd &&
		echo "slurm:x:151:" >$n/etc/group &&
		printf "%s\n" "10.0.0.1 rpnode01" "10.0.0.2 rpnode02" "10.0.0.3 filenode01" >$n/etc/hosts &&
		echo "22 1 179:2 / / rw,noatime shared:1 - ext4 /dev/mmcblk0p2 rw" >$n/proc/self/mountinfo || return 1
	done &&
	echo filenode01 >fs/etc/hostname &&
	echo rpnode02 >cn/etc/hostname &&
	echo "MemTotal:        3977256 kB" >cn/proc/meminfo &&
	mkdir -p cn/sys/fs/cgroup cn/etc/pihpc &&
	echo "cpuset cpu io memory pids" >cn/sys/fs/cgroup/cgroup.controllers &&
	echo "SLURMD_OPTIONS=--conf-server rpnode01 -Z --conf \"RealMemory=3680\"" >cn/etc/pihpc/slurmd.env
'

test_expect_success 'storage node, all well: exit 0, skips say why' '
	doctor --root fs doctor >out &&
	cat >expect <<-\EOF &&
	skip  munge          munged is not running: the storage node needs no MUNGE
	ok    slurm-user     user and group '\''slurm'\'' have uid 151 and gid 151 as in cluster.conf
	skip  nfs            this is the storage node: it exports the paths
	skip  cgroup         no slurmd on this node
	skip  realmemory     no slurmd on this node
	ok    rootfs         '\''/'\'' (ext4 from '\''/dev/mmcblk0p2'\'') is mounted read-write
	skip  pi             no vcgencmd: not a Raspberry Pi
	ok    hosts          /etc/hosts gives the 3 hosts of cluster.conf their addresses
	skip  clock          no chronyc: cannot tell the clock'\''s offset
	skip  slurm-version  no slurmd on this node
	3 ok, 0 warn, 0 FAIL, 7 skip
	EOF
	test_cmp expect out
'

# "cannot run" is translated: a missing program must still count as
# missing, not as one that failed.
test_expect_success 'storage node in Korean: a missing vcgencmd is still a skip' '
	ko --root fs doctor >out &&
	grep "^skip  pi             vcgencmd가 없습니다: 라즈베리 파이가 아닙니다$" out &&
	grep "^skip  clock  " out
'

test_expect_success 'only warnings: exit 3, each with its fix' '
	echo "10.0.0.3 filenode01" >fs/etc/hosts &&
	test_expect_code 3 doctor --root fs doctor >out &&
	grep "^warn  hosts          not in /etc/hosts: rpnode01, rpnode02$" out &&
	grep "^      fix: run '\''pihpc hosts apply'\'', unless DNS" out &&
	tail -n 1 out >last &&
	echo "2 ok, 1 warn, 0 FAIL, 7 skip" >expect &&
	test_cmp expect last
'

test_expect_success 'setup: fake vcgencmd, chronyc, slurmd, sinfo, scontrol' '
	cat >bin/vcgencmd <<-\EOF &&
	#!/bin/sh
	case "$1" in
	get_throttled) echo "throttled=0x50005" ;;
	measure_temp) echo "temp=81.2'\''C" ;;
	esac
	EOF
	cat >bin/chronyc <<-\EOF &&
	#!/bin/sh
	echo "System time     : 0.000012345 seconds slow of NTP time"
	echo "Leap status     : Normal"
	EOF
	printf "#!/bin/sh\necho \"slurm-wlm 22.05.8\"\n" >bin/slurmd &&
	printf "#!/bin/sh\necho \"slurm-wlm 22.05.8\"\n" >bin/sinfo &&
	cat >bin/scontrol <<-\EOF &&
	#!/bin/sh
	PATH=/usr/bin:/bin
	echo "$*" >>"$STATE/log"
	case "$*" in
	"show config") echo "SLURM_VERSION           = 22.05.8" ;;
	"-o show node "*)
		if test -e "$STATE/reason"; then
			echo "NodeName=$4 State=IDLE+DRAIN Reason=$(cat "$STATE/reason") [root@2026-12-02T08:00:00]"
		else
			echo "NodeName=$4 State=IDLE"
		fi ;;
	"update nodename="*" state=drain reason="*)
		printf "%s\n" "${4#reason=}" >"$STATE/reason" ;;
	"update nodename="*" state=resume") rm "$STATE/reason" ;;
	esac
	EOF
	chmod +x bin/*
'

test_expect_success 'compute node: failures exit 1, warnings and fixes in the table' '
	test_expect_code 1 doctor --root cn doctor >out &&
	grep "^FAIL  munge          munged is not running$" out &&
	grep "^FAIL  nfs            '\''/home'\'' is not a mount point; '\''/nfs'\'' is not a mount point$" out &&
	grep "^ok    cgroup         cgroup v2: controllers cpu, cpuset and memory available$" out &&
	grep "^ok    realmemory     RealMemory=3680 in '\''/etc/pihpc/slurmd.env'\'', MemTotal 3884 MiB$" out &&
	grep "^skip  space          '\''/var/spool/slurm/d'\'' does not exist$" out &&
	grep "^FAIL  pi-power       throttled=0x50005: under-voltage now, throttled now, under-voltage since boot, throttled since boot$" out &&
	grep "^warn  pi-temp        81.2 °C$" out &&
	grep "^ok    clock          the clock is 0.000012 s off its time source$" out &&
	grep "^ok    slurm-version  slurmd 22.05.8, client commands 22.05.8, controller 22.05.8$" out &&
	grep "^7 ok, 1 warn, 3 FAIL, 1 skip$" out &&
	test $(grep -c "^      fix: " out) = 4
'

test_expect_success '--probe: what the controller reads, its checks that did not pass with their fixes' '
	doctor --root cn doctor --probe >out &&
	head -n 3 out >head &&
	sed -n 1,2p head >got &&
	printf "%s\n" "pihpc-probe 1" "host rpnode02" >expect &&
	test_cmp expect got &&
	grep -E "^time [0-9]+\.[0-9]{6}$" head &&
	grep "^munge-error cannot encode a munge credential: " out &&
	grep "^slurmd 22.05.8$" out &&
	grep "^user slurm 151 151$" out &&
	grep "^user pi -$" out &&
	test $(grep -c "^resolve " out) = 3 &&
	grep "^check fail nfs '\''/home'\'' is not a mount point; '\''/nfs'\'' is not a mount point$" out &&
	grep "^check warn pi-temp 81.2 °C$" out &&
	grep "^fix " out &&
	test "$(tail -n 1 out)" = end
'

test_expect_success '--json: the same report as one object' '
	test_expect_code 1 doctor --root cn doctor --json >out &&
	test $(wc -l <out) = 1 &&
	grep "^{\"node\":\"rpnode02\",\"status\":\"fail\",\"counts\":{\"ok\":7,\"skip\":1,\"warn\":1,\"fail\":3},\"checks\":\[{\"name\":\"munge\",\"status\":\"fail\",\"found\":\"munged is not running\",\"fix\":\"start it: " out &&
	grep -F "{\"name\":\"pi-temp\",\"status\":\"warn\",\"found\":\"81.2 °C\",\"fix\":\"cool the Pi" out &&
	grep -F "{\"name\":\"clock\",\"status\":\"ok\",\"found\":\"the clock is 0.000012 s off its time source\",\"fix\":null}" out
'

test_expect_success '--health drains the node for its first failure' '
	test_expect_code 1 doctor --root cn doctor --health >out 2>err &&
	grep "^FAIL  munge" out &&
	echo "pihpc: drained node '\''rpnode02'\'': pihpc doctor: munge: munged is not running" >expect &&
	test_cmp expect err &&
	echo "pihpc doctor: munge: munged is not running" >expect &&
	test_cmp expect state/reason &&
	: >state/log &&
	test_expect_code 1 doctor --root cn doctor --health >out 2>err &&
	test_must_be_empty err &&
	printf "%s\n" "show config" "-o show node rpnode02" >expect &&
	test_cmp expect state/log
'

test_expect_success '--health in another language: the drain reason stays English' '
	rm state/reason &&
	test_expect_code 1 ko --root cn doctor --health >out 2>err &&
	echo "pihpc doctor: munge: munged is not running" >expect &&
	test_cmp expect state/reason
'

# munged cannot answer under --root: the node where all passes is a
# storage node (the decision does not depend on the role).
test_expect_success '--health resumes its own drain once all passes' '
	cp -r cn ok &&
	echo "filenode01" >ok/etc/hostname &&
	rm bin/vcgencmd &&
	echo "pihpc doctor: munge: munged is not running" >state/reason &&
	doctor --root ok doctor --health >out 2>err &&
	echo "pihpc: resumed node '\''filenode01'\'' (was: pihpc doctor: munge: munged is not running)" >expect &&
	test_cmp expect err &&
	! test -e state/reason
'

test_expect_success '--health never resumes a drain of someone else' '
	echo "new fan, back Monday" >state/reason &&
	: >state/log &&
	doctor --root ok doctor --health >out 2>err &&
	test_must_be_empty err &&
	echo "new fan, back Monday" >expect &&
	test_cmp expect state/reason &&
	echo "-o show node filenode01" >expect &&
	test_cmp expect state/log
'

test_expect_success '--health without a controller: exit 1, the report still printed' '
	printf "#!/bin/sh\necho \"slurm_load_node error: Unable to contact slurm controller (connect failure)\" >&2\nexit 1\n" >bin/scontrol &&
	test_expect_code 1 doctor --root ok doctor --health >out 2>err &&
	grep "^skip  munge" out &&
	echo "pihpc: error: cannot read the state of node '\''filenode01'\'': slurm_load_node error: Unable to contact slurm controller (connect failure)" >expect &&
	test_cmp expect err
'

test_done
