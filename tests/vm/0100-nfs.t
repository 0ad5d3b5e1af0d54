#!/bin/bash
# shellcheck disable=SC2016,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='pihpc with real NFS: storage and compute node as qemu VMs

Boots filenode01 (10.0.0.3) and rpnode02 (10.0.0.2) as qemu VMs (TCG, see
lib.sh) on a private socket network, installs pihpc-storage and
pihpc-compute with plain apt from the repository under test, checks the
exports, the mounts and a file shared both ways, that rpnode02 boots while
filenode01 is down, and that purging leaves /etc/exports and /etc/fstab
byte for byte as before.  Slow (minutes): run by "make check-vm".
Needs root, qemu-system-x86 and build/repo (make deb).'

root=$(mktemp -d "${TMPDIR:-/tmp}/pihpc-sharness.XXXXXX")
SHARNESS_TEST_DIRECTORY=$root SHARNESS_BUILD_DIRECTORY=$root
verbose=t
# shellcheck disable=SC1091
. /usr/share/sharness/sharness.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SHARNESS_TEST_SRCDIR/lib.sh"

exec 3> >(sed -u 's/^/# /') 4>&3

S=filenode01 C=rpnode02
# How long rpnode02 may take to boot with the storage node down.
BOOT_BOUND=${PIHPC_VM_DEGRADED_BOOT_BOUND:-240}
TIMINGS=$root/timings
T_START=$(date +%s)

tests_cleanup() {
	# Not when interrupted: the dump waits for the VMs' current commands.
	if [ "${1:-0}" != 130 ] && { [ "${test_failure:-0}" != 0 ] || [ "${1:-0}" != 0 ]; }; then
		vm_dump >&5 2>&1 || true
	fi
	vms_down >&5 2>&1 || echo "# vms_down reported a problem" >&5
	rm -rf "$root"
}
# shellcheck disable=SC2154 # rc is set inside the trap string
trap 'rc=$?; trap - EXIT INT TERM; tests_cleanup "$rc"; (exit "$rc"); die' EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" != 0 ]; then
	echo "Bail out! needs root (qemu disks, image build)"
	exit 1
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "Bail out! needs qemu-system-x86_64 (apt install qemu-system-x86)"
	exit 1
fi

# timed WHAT CMD...: run CMD, note how long it took.
timed() {
	local what=$1 t0 rc
	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	printf '%4d s  %s\n' "$(( $(date +%s) - t0 ))" "$what" >>"$TIMINGS"
	vm_log "$what: $(( $(date +%s) - t0 )) s"
	return "$rc"
}

# The managed blocks the packages must write, for the seed cluster.
cat >exports.block <<'EOF'
# BEGIN pihpc exports
/home 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)
/nfs 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)
# END pihpc exports
EOF
cat >fstab.block <<'EOF'
# BEGIN pihpc fstab
filenode01:/home /home nfs defaults,_netdev,nofail,x-systemd.mount-timeout=30s,timeo=50,retrans=2 0 0
filenode01:/nfs /nfs nfs defaults,_netdev,nofail,x-systemd.mount-timeout=30s,timeo=50,retrans=2 0 0
# END pihpc fstab
EOF

# block FILE NAME: the lines of the managed block NAME in FILE (from stdin).
block() {
	sed -n "/^# BEGIN pihpc $1\$/,/^# END pihpc $1\$/p"
}

nfs_mounts() {
	vm_exec "$1" findmnt -t nfs4 -n -o TARGET,SOURCE | sort
}

test_expect_success 'VM image, signed repository disk, network ports' '
	timed "image and run state" vms_prepare $S $C
'

[ -s "$(vm_state)/vms" ] && test_set_prereq PREPARED

test_expect_success PREPARED "$S and $C boot" '
	timed "both VMs booted" eval "vm_start $S && vm_start $C &&
		vm_wait_booted $S && vm_wait_booted $C"
'
vm_running $S && vm_running $C && test_set_prereq UP

test_expect_success UP "$C reaches $S over the VMs' network" '
	vm_exec $C ping -c 1 -W 10 10.0.0.3
'

test_expect_success UP 'user pi with the same uid on both' '
	vm_exec $S useradd -m -u 1000 -U -s /bin/bash pi &&
	vm_exec $C useradd -M -u 1000 -U -s /bin/bash pi &&
	test "$(vm_exec $S id -u pi)" = "$(vm_exec $C id -u pi)"
'

test_expect_success UP 'the pihpc source (test repository) on both' '
	vm_repo_setup $S && vm_repo_setup $C
'

# Meanwhile (two VMs, two host threads) rpnode02 installs what
# pihpc-compute depends on, as tests/cluster/0010 does; pihpc-compute
# itself is installed once the exports are there.
compute_deps() {
	vm_exec "$C" apt-get -s -q --no-install-recommends install pihpc-compute |
		awk '/^Inst / && $2 !~ /^pihpc-/ { print $2 }'
}
test_expect_success UP "$C: dependencies of pihpc-compute install in the background" '
	deps=$(compute_deps) &&
	test -n "$deps" &&
	echo "deps:" $deps &&
	{
		timed "$C: dependencies of pihpc-compute (background)" \
			vm_apt $C install --no-install-recommends $deps >deps.log 2>&1
		echo $? >deps.rc
	} &
	echo $! >deps.pid
'

# The storage node already serves NFS, with an export of its own; the
# compute node has a local fstab.  pihpc must leave both as they were.
test_expect_success UP "$S: nfs-kernel-server installed and used before pihpc" '
	timed "$S: apt install nfs-kernel-server" vm_apt $S install --no-install-recommends nfs-kernel-server &&
	vm_sh $S "mkdir -p /srv/local && echo \"/srv/local 10.0.0.3(ro,no_subtree_check)\" >>/etc/exports && exportfs -ra" &&
	vm_exec $S cat /etc/exports >exports.before &&
	vm_sh $C "echo \"# a line of the admin, kept\" >>/etc/fstab" &&
	vm_exec $C cat /etc/fstab >fstab.before &&
	test -s exports.before && test -s fstab.before
'

test_expect_success UP "$S: apt install pihpc-storage" '
	timed "$S: apt install pihpc-storage" vm_apt $S install --no-install-recommends pihpc-storage
'

test_expect_success UP "$S: /etc/exports has the managed block for the cluster subnet" '
	vm_exec $S cat /etc/exports >exports.after &&
	block exports <exports.after >exports.got &&
	test_cmp exports.block exports.got &&
	! grep -v "^#" exports.after | grep -F "*" &&
	grep -qx "/srv/local 10.0.0.3(ro,no_subtree_check)" exports.after
'

test_expect_success UP "$S: exportfs -v lists /home and /nfs for 10.0.0.0/24, both root_squash" '
	vm_exec $S exportfs -v >exportfs.out &&
	cat exportfs.out &&
	tr -s " \t\n" " " <exportfs.out | sed "s| /|\n/|g" >exportfs.lines &&
	grep -E "^/home 10\.0\.0\.0/24\(.*[(,]rw,.*[,]root_squash" exportfs.lines &&
	grep -E "^/nfs 10\.0\.0\.0/24\(.*[(,]rw,.*[,]root_squash" exportfs.lines
'

test_expect_success UP "$C: dependencies of pihpc-compute installed offline" '
	timed "$C: waiting for its dependencies" wait "$(cat deps.pid)"
	cat deps.log &&
	test "$(cat deps.rc)" = 0
'

test_expect_success UP "$C: apt install pihpc-compute succeeds with no controller (warnings)" '
	timed "$C: apt install pihpc-compute" vm_apt $C install --no-install-recommends pihpc-compute >apt-compute.out 2>&1
	rc=$?
	cat apt-compute.out
	test $rc = 0 &&
	grep "pihpc: warning:" apt-compute.out
'

test_expect_success UP "$C: /etc/fstab has the managed block" '
	vm_exec $C cat /etc/fstab >fstab.after &&
	block fstab <fstab.after >fstab.got &&
	test_cmp fstab.block fstab.got
'

test_expect_success UP "$C: /home and /nfs are NFSv4 mounts from $S" '
	nfs_mounts $C >mounts &&
	printf "%s\n" "/home filenode01:/home" "/nfs  filenode01:/nfs" >mounts.expected &&
	tr -s " " <mounts >mounts.got && tr -s " " <mounts.expected >mounts.want &&
	test_cmp mounts.want mounts.got
'

test_expect_success UP "a file pi writes on $C is read on $S" '
	vm_exec $C runuser -u pi -- sh -c "echo written-on-rpnode02 >/home/pi/from-c" &&
	test "$(vm_exec $S cat /home/pi/from-c)" = written-on-rpnode02 &&
	test "$(vm_exec $S stat -c %U /home/pi/from-c)" = pi
'

test_expect_success UP "a file pi writes on $S is read on $C" '
	vm_exec $S runuser -u pi -- sh -c "echo written-on-filenode01 >/home/pi/from-s" &&
	test "$(vm_exec $C runuser -u pi -- cat /home/pi/from-s)" = written-on-filenode01
'

test_expect_success UP "$C: /home and /nfs are root_squash: root of a client cannot write there" '
	vm_exec $S chmod 0700 /home/pi &&
	test_must_fail vm_exec $C touch /home/pi/by-root &&
	test_must_fail vm_exec $C sh -c "echo root >/nfs/by-root" &&
	test_must_fail vm_exec $S test -e /nfs/by-root
'

test_expect_success UP "$S powers off" '
	con=$(vm_dir $S)/console.log &&
	off=$(stat -c %s "$con") &&
	timed "$S: poweroff" vm_poweroff $S 180 &&
	! vm_running $S &&
	echo "slow to stop, from the console:" &&
	tail -c "+$((off + 1))" "$con" | grep -aiE "stop job|timed out" | tail -n 10
'

test_expect_success UP "$C reboots while $S is down: running or degraded within $BOOT_BOUND s" '
	con=$(vm_dir $C)/console.log &&
	off=$(stat -c %s "$con") &&
	timed "$C: shutdown for the reboot, $S down" vm_reboot $C $BOOT_BOUND &&
	echo "shutdown, from the console:" &&
	tail -c "+$((off + 1))" "$con" |
		grep -aiE "unmount|timed out|stop job|not responding" | tail -n 20 &&
	timed "$C: boot with $S down" vm_wait_booted $C $BOOT_BOUND >state &&
	grep -E "^(running|degraded)\$" state &&
	vm_exec $C systemd-analyze
'

test_expect_success UP "$C: no NFS mounts, the boot went on without them (nofail)" '
	nfs_mounts $C >mounts-down &&
	test_must_be_empty mounts-down &&
	vm_exec $C systemctl is-active multi-user.target &&
	vm_exec $C systemctl --failed --no-legend --plain --no-pager
'

test_expect_success UP "$C: login shells work with /home unavailable" '
	test "$(vm_exec_timeout 60 $C runuser -l pi -c "id -un")" = pi &&
	test "$(vm_exec_timeout 60 $C runuser -l root -c "id -un")" = root &&
	vm_exec $C systemctl is-active serial-getty@ttyS0.service
'

test_expect_success UP "$S boots again" '
	timed "$S: boot again" eval "vm_start $S && vm_wait_booted $S"
'

test_expect_success UP "$C: mount -a -t nfs brings the mounts back, data kept" '
	timed "$C: mount -a -t nfs" vm_exec_timeout 120 $C mount -a -t nfs &&
	nfs_mounts $C >mounts-back &&
	tr -s " " <mounts-back >mounts-back.got &&
	test_cmp mounts.want mounts-back.got &&
	test "$(vm_exec $C runuser -u pi -- cat /home/pi/from-s)" = written-on-filenode01
'

test_expect_success UP "$C: apt purge pihpc-compute pihpc-common" '
	timed "$C: apt purge" vm_apt $C purge pihpc-compute pihpc-common
'

test_expect_success UP "$C: /etc/fstab is byte for byte as before the install" '
	vm_exec $C cat /etc/fstab >fstab.purged &&
	cmp fstab.before fstab.purged
'

test_expect_success UP "$S: apt purge pihpc-storage pihpc-common" '
	timed "$S: apt purge" vm_apt $S purge pihpc-storage pihpc-common
'

test_expect_success UP "$S: /etc/exports is byte for byte as before the install" '
	vm_exec $S cat /etc/exports >exports.purged &&
	cmp exports.before exports.purged
'

test_expect_success UP "$S: exportfs -v no longer lists /home or /nfs" '
	vm_exec $S exportfs -v >exportfs.purged &&
	cat exportfs.purged &&
	! grep -E "^/(home|nfs)([[:space:]]|\$)" exportfs.purged
'

{
	echo "timings:"
	cat "$TIMINGS" 2>/dev/null
	printf '%4d s  total\n' "$(( $(date +%s) - T_START ))"
} | sed 's/^/# /'

test_done
