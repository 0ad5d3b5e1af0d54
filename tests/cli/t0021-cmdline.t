#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc cmdline ensure and check'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

WORDS="cgroup_enable=cpuset cgroup_memory=1 cgroup_enable=memory"
BOOKWORM="console=serial0,115200 console=tty1 root=PARTUUID=xxxxxxxx-02 rootfstype=ext4 fsck.repair=yes rootwait quiet splash plymouth.ignore-udev"

for opt in -h --help; do
	test_expect_success "cmdline $opt prints usage on stdout" '
		"$PIHPC" cmdline $opt >out 2>err &&
		grep "^usage: pihpc cmdline ensure \[--file PATH\] | pihpc cmdline check \[--file PATH\]$" out &&
		test_must_be_empty err
	'
done

test_expect_success 'cmdline with an unknown verb: exit 2' '
	test_expect_code 2 "$PIHPC" cmdline frob 2>err &&
	cat >expect <<-\EOF &&
	pihpc: error: unknown subcommand '\''frob'\''
	usage: pihpc cmdline ensure [--file PATH] | pihpc cmdline check [--file PATH]
	EOF
	test_cmp expect err
'

test_expect_success 'cmdline ensure --file without a value: exit 2' '
	test_expect_code 2 "$PIHPC" cmdline ensure --file 2>err &&
	grep "^pihpc: error: option '\''--file'\'' requires a value$" err
'

test_expect_success 'ensure on bookworm: words appended, one line' '
	mkdir -p pi/boot/firmware &&
	echo "$BOOKWORM" >pi/boot/firmware/cmdline.txt &&
	"$PIHPC" --root pi cmdline ensure >out &&
	echo "updated '\''pi/boot/firmware/cmdline.txt'\'': reboot to enable the memory cgroup" >expect &&
	test_cmp expect out &&
	echo "$BOOKWORM $WORDS" >expect &&
	test_cmp expect pi/boot/firmware/cmdline.txt
'

test_expect_success 'ensure again is silent' '
	"$PIHPC" --root pi cmdline ensure >out &&
	test_must_be_empty out
'

test_expect_success 'ensure on an older release uses /boot/cmdline.txt' '
	mkdir -p old/boot &&
	printf "%s" "$BOOKWORM cgroup_disable=memory" >old/boot/cmdline.txt &&
	PIHPC_ROOT=old "$PIHPC" cmdline ensure >out &&
	echo "updated '\''old/boot/cmdline.txt'\'': reboot to enable the memory cgroup" >expect &&
	test_cmp expect out &&
	printf "%s" "$BOOKWORM $WORDS" >expect &&
	test_cmp expect old/boot/cmdline.txt
'

test_expect_success 'ensure --file is used as given' '
	echo "root=/dev/sda2 cgroup_memory=1" >my.txt &&
	"$PIHPC" --root /nonexistent cmdline ensure --file my.txt >out &&
	echo "updated '\''my.txt'\'': reboot to enable the memory cgroup" >expect &&
	test_cmp expect out &&
	echo "root=/dev/sda2 cgroup_memory=1 cgroup_enable=cpuset cgroup_enable=memory" >expect &&
	test_cmp expect my.txt
'

test_expect_success 'ensure on a file with two lines: exit 1, untouched' '
	printf "a\nb\n" >two.txt &&
	cp two.txt two.orig &&
	test_expect_code 1 "$PIHPC" cmdline ensure --file two.txt 2>err &&
	echo "pihpc: error: '\''two.txt'\'' has more than one line (the kernel command line must be a single line)" >expect &&
	test_cmp expect err &&
	test_cmp two.orig two.txt
'

test_expect_success 'ensure without any cmdline.txt: exit 1' '
	mkdir empty &&
	test_expect_code 1 "$PIHPC" --root empty cmdline ensure 2>err &&
	echo "pihpc: error: neither '\''empty/boot/firmware/cmdline.txt'\'' nor '\''empty/boot/cmdline.txt'\'' exists (not a Raspberry Pi?)" >expect &&
	test_cmp expect err
'

test_expect_success 'ensure on a missing --file: exit 1' '
	test_expect_code 1 "$PIHPC" cmdline ensure --file none.txt 2>err &&
	echo "pihpc: error: cannot open '\''none.txt'\'': No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'check: cgroup v2 without memory: exit 1 with the fix' '
	mkdir -p v2/sys/fs/cgroup v2/proc &&
	echo "cpuset cpu io pids" >v2/sys/fs/cgroup/cgroup.controllers &&
	printf "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t0\t71\t1\ncpu\t0\t71\t1\nmemory\t0\t71\t0\n" >v2/proc/cgroups &&
	test_expect_code 1 "$PIHPC" --root v2 cmdline check >out 2>err &&
	test_must_be_empty out &&
	echo "pihpc: error: cgroup v2: controller '\''memory'\'' not available; add '\''$WORDS'\'' to the kernel command line ('\''pihpc cmdline ensure'\'') and reboot" >expect &&
	test_cmp expect err
'

test_expect_success 'check: cgroup v2 with memory: exit 0' '
	echo "cpuset cpu io memory pids" >v2/sys/fs/cgroup/cgroup.controllers &&
	printf "#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t0\t71\t1\n" >v2/proc/cgroups &&
	"$PIHPC" --root v2 cmdline check >out &&
	echo "cgroup v2: controllers cpu, cpuset and memory available" >expect &&
	test_cmp expect out
'

test_expect_success 'check: cgroup v1 without cpu and memory: exit 1' '
	mkdir -p v1/sys/fs/cgroup/cpuset &&
	test_expect_code 1 "$PIHPC" --root v1 cmdline check 2>err &&
	echo "pihpc: error: cgroup v1: controllers '\''cpu'\'', '\''memory'\'' not available; add '\''$WORDS'\'' to the kernel command line ('\''pihpc cmdline ensure'\'') and reboot" >expect &&
	test_cmp expect err
'

test_expect_success 'check: cgroup v1 complete: exit 0' '
	mkdir -p v1/sys/fs/cgroup/cpu,cpuacct v1/sys/fs/cgroup/memory &&
	"$PIHPC" --root v1 cmdline check >out &&
	echo "cgroup v1: controllers cpu, cpuset and memory available" >expect &&
	test_cmp expect out
'

test_expect_success 'check without a cgroup file system: exit 1' '
	test_expect_code 1 "$PIHPC" --root empty cmdline check 2>err &&
	echo "pihpc: error: no cgroup file system at '\''empty/sys/fs/cgroup'\''" >expect &&
	test_cmp expect err
'

# Raspberry Pi 5 on trixie: the firmware puts cgroup_disable=memory before
# the words of cmdline.txt; /proc/cgroups has no memory line on 6.12.
test_expect_success 'check on a Pi 5: ensure, then a reboot is needed' '
	mkdir -p pi5/boot/firmware pi5/proc pi5/sys/fs/cgroup &&
	echo "$BOOKWORM" >pi5/boot/firmware/cmdline.txt &&
	echo "reboot=w coherent_pool=1M cgroup_disable=memory numa_policy=interleave $BOOKWORM" >pi5/proc/cmdline &&
	printf "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t0\t70\t1\ncpu\t0\t70\t1\npids\t0\t70\t1\n" >pi5/proc/cgroups &&
	echo "cpuset cpu io pids" >pi5/sys/fs/cgroup/cgroup.controllers &&
	test_expect_code 1 "$PIHPC" --root pi5 cmdline check 2>err &&
	echo "pihpc: error: cgroup v2: controller '\''memory'\'' not available; add '\''$WORDS'\'' to the kernel command line ('\''pihpc cmdline ensure'\'') and reboot" >expect &&
	test_cmp expect err &&
	"$PIHPC" --root pi5 cmdline ensure >out &&
	test_expect_code 1 "$PIHPC" --root pi5 cmdline check 2>err &&
	echo "pihpc: error: cgroup v2: controller '\''memory'\'' not available until the next boot: '\''pi5/boot/firmware/cmdline.txt'\'' enables it, the running kernel started without: reboot" >expect &&
	test_cmp expect err
'

test_expect_success 'check on a Pi 5 after the reboot: exit 0' '
	echo "reboot=w coherent_pool=1M cgroup_disable=memory numa_policy=interleave $BOOKWORM $WORDS" >pi5/proc/cmdline &&
	echo "cpuset cpu io memory pids" >pi5/sys/fs/cgroup/cgroup.controllers &&
	"$PIHPC" --root pi5 cmdline check >out &&
	echo "cgroup v2: controllers cpu, cpuset and memory available" >expect &&
	test_cmp expect out
'

test_expect_success 'check --file compares the given file' '
	echo "$BOOKWORM cgroup_enable=memory cgroup_disable=memory" >other.txt &&
	test_expect_code 1 "$PIHPC" --root pi5 cmdline check --file other.txt 2>err &&
	echo "pihpc: error: cgroup v2: controllers cpu, cpuset and memory available, but not after the next boot: '\''other.txt'\'' does not enable '\''memory'\''; run '\''pihpc cmdline ensure'\''" >expect &&
	test_cmp expect err
'

test_expect_success 'ensure keeps CRLF and puts the words before --' '
	printf "root=/dev/sda2 cgroup_disable=cpuset,memory rootwait -- single\r\n" >crlf.txt &&
	"$PIHPC" cmdline ensure --file crlf.txt >out &&
	printf "root=/dev/sda2 rootwait $WORDS -- single\r\n" >expect &&
	test_cmp expect crlf.txt
'

test_expect_success 'ensure keeps the mode of the file' '
	echo "root=/dev/sda2" >mode.txt &&
	chmod 0755 mode.txt &&
	"$PIHPC" cmdline ensure --file mode.txt >out &&
	test "$(stat -c %a mode.txt)" = 755
'

test_expect_success 'ensure on an empty file: exit 1, untouched' '
	: >empty.txt &&
	test_expect_code 1 "$PIHPC" cmdline ensure --file empty.txt 2>err &&
	echo "pihpc: error: '\''empty.txt'\'' is empty" >expect &&
	test_cmp expect err &&
	test_must_be_empty empty.txt
'

test_expect_success 'ensure on an overlong line: exit 1, untouched' '
	printf "%01100d\n" 0 >long.txt &&
	cp long.txt long.orig &&
	test_expect_code 1 "$PIHPC" cmdline ensure --file long.txt 2>err &&
	echo "pihpc: error: '\''long.txt'\'' has a line of 1100 bytes, more than the 1024 of a kernel command line" >expect &&
	test_cmp expect err &&
	test_cmp long.orig long.txt
'

test_done
