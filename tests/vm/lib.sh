# shellcheck shell=bash
# tests/vm/lib.sh - pihpc nodes as qemu virtual machines, for what the
# systemd-nspawn nodes of tests/cluster cannot do: the host kernel has no
# NFS, a VM has its own kernel (real NFS server and client, real boot).
#
# Sourced (bash) by tests/vm/*.t.  Needs root, qemu-system-x86 (TCG: no
# KVM here), mmdebstrap, e2fsprogs (mkfs.ext4 -d: no loop mounts), gnupg,
# apt-utils, iproute2 (ss).  No python, socat or qemu-img.
#
# What it builds:
#   * a Debian bookworm image (mmdebstrap, cached under $PIHPC_TEST_CACHE,
#     keyed by a hash of the recipe below): kernel, initramfs, systemd,
#     systemd-networkd; every .deb the pihpc packages pull in
#     (--no-install-recommends) is downloaded into /var/cache/apt/archives
#     with the archive's package lists, so apt works offline in the VMs.
#     The cache holds an ext4 disk image made with `mkfs.ext4 -d` plus the
#     image's kernel and initrd;
#   * per run a state dir $PIHPC_VM_STATE/$PIHPC_RUN: one copy of the disk
#     per VM, a small read-only ext4 disk with build/repo signed by a
#     throwaway key, fifos and logs;
#   * one qemu process per VM.  The VMs' network is qemu's UDP socket
#     netdev between two ports on 127.0.0.1: stateless, so either VM can be
#     powered off and booted again; 10.0.0.x exists only inside the VMs
#     (systemd-networkd, matched on the MAC address).  No user-mode NIC:
#     the VMs reach nothing but each other.
#
# Commands run through a harness-only agent in the image
# (pihpc-vm-agent.service), over a virtio serial port that qemu connects to
# a pair of fifos on the host ($dir/exec.in, $dir/exec.out; root only).
# A request is one line "RUN ID SECS BASE64-SCRIPT"; the agent answers
#     @@OUT ID / base64 of stdout / @@ERR ID / base64 of stderr / @@END ID RC
# and runs each script under `timeout SECS`.  At start it prints
# "@@READY BOOT-ID", which is how the host knows a VM has booted.
#
# Harness-only settings in the image (never part of the packages): dpkg
# force-unsafe-io; update_initramfs=no (qemu boots the cached initrd, and
# regenerating /boot's on a trigger takes ten minutes under TCG); the apt
# timers masked; root without password on the serial console; the agent.
#
# Public functions:
#   vm_image_ensure           build/reuse the cached image, print its dir
#   vms_prepare               state dir, repo disk, network ports
#   vm_start NAME             boot NAME (disk kept across power cycles)
#   vm_wait_ready NAME [SECS] wait for the agent of the current boot
#   vm_wait_booted NAME [SECS] ... and for `systemctl is-system-running`
#   vm_exec NAME CMD...       run CMD (argv) in NAME, stdout/stderr/status back
#   vm_exec_timeout SECS NAME CMD...
#   vm_sh NAME SCRIPT         vm_exec NAME bash -c SCRIPT
#   vm_put NAME FILE < DATA   write stdin to FILE in the VM (small files)
#   vm_apt NAME ARGS...       apt-get -y ARGS (noninteractive, offline)
#   vm_repo_setup NAME        mount the repo disk, add the pihpc source, apt update
#   vm_reboot NAME [SECS]     clean reboot, as a new qemu (then vm_wait_booted)
#   vm_poweroff NAME [SECS]   clean poweroff, wait for qemu to exit
#   vm_running NAME, vm_dump [NAMES...], vms_down, vms_down_stale
#
# Environment: PIHPC_RUN (default v$$), PIHPC_REPO (default build/repo),
# PIHPC_TEST_CACHE (/var/cache/pihpc-test), PIHPC_VM_STATE
# (/var/tmp/pihpc-vm), PIHPC_VM_MEM (1024), PIHPC_VM_CPUS (1),
# PIHPC_VM_BOOT_TIMEOUT (300 s), PIHPC_APT_TIMEOUT (1200 s),
# PIHPC_KEEP_LOGS (dir: keep the consoles and agent logs).

# ---------------------------------------------------------------------------
# The image (everything the recipe uses is part of the cache key).

# Installed in the image.  python3 (nfs-common needs it) as on Raspberry Pi
# OS, where it comes preinstalled: byte-compiling it takes a minute in TCG.
PIHPC_VM_INCLUDE=(
	linux-image-amd64 initramfs-tools systemd systemd-sysv udev dbus kmod
	iproute2 iputils-ping procps apt apt-utils debconf adduser passwd
	login less util-linux python3
)
# Downloaded only (closure without Recommends): what pihpc-common,
# pihpc-storage and pihpc-compute depend on.
PIHPC_VM_DOWNLOAD=(
	ucf passwd busybox gnupg nfs-kernel-server reprepro
	chrony libpmix-dev munge nfs-common slurm-client slurmd libsodium23
)
PIHPC_SUITE=bookworm
PIHPC_VM_DISK_SIZE=3G

declare -A PIHPC_VM_IP=([rpnode01]=10.0.0.1 [rpnode02]=10.0.0.2 [filenode01]=10.0.0.3)
declare -A PIHPC_VM_MAC=(
	[rpnode01]=52:54:00:00:00:01 [rpnode02]=52:54:00:00:00:02 [filenode01]=52:54:00:00:00:03
)
PIHPC_VM_PREFIXLEN=24

: "${PIHPC_TEST_CACHE:=/var/cache/pihpc-test}"
: "${PIHPC_VM_STATE:=/var/tmp/pihpc-vm}"
: "${PIHPC_RUN:=v$$}"
: "${PIHPC_VM_MEM:=1024}"
: "${PIHPC_VM_CPUS:=1}"
: "${PIHPC_VM_BOOT_TIMEOUT:=300}"
: "${PIHPC_APT_TIMEOUT:=1200}"
: "${PIHPC_REPO:=}"

PIHPC_VM_LIB=$(readlink -f "${BASH_SOURCE[0]}")
PIHPC_TOP=$(cd "$(dirname "$PIHPC_VM_LIB")/../.." && pwd)

vm_log() { printf '# [%s] %s\n' "$(date +%T)" "$*" >&2; }
vm_die() { vm_log "ERROR: $*"; return 1; }
vm_state() { printf '%s/%s\n' "$PIHPC_VM_STATE" "$PIHPC_RUN"; }
vm_dir() { printf '%s/%s\n' "$(vm_state)" "$1"; }

# The agent (harness only, never part of the packages).
vm_agent_script() {
	cat <<-'EOF'
		#!/bin/bash
		# pihpc TEST HARNESS ONLY: runs the host's commands (tests/vm/lib.sh).
		port=/dev/virtio-ports/pihpc.exec
		for _ in $(seq 300); do [ -c "$port" ] && break; sleep 0.2; done
		exec 3<>"$port" || exit 1
		printf '\n@@READY %s\n' "$(cat /proc/sys/kernel/random/boot_id)" >&3
		w=/run/pihpc-vm-agent
		mkdir -p -m 0700 "$w"
		while :; do
			if ! IFS=' ' read -r verb id secs b64 <&3; then
				sleep 0.2
				continue
			fi
			[ "$verb" = RUN ] || continue
			if printf '%s' "$b64" | base64 -d >"$w/script" 2>"$w/err"; then
				(cd /root && exec timeout -k 5 "$secs" bash "$w/script") \
					</dev/null >"$w/out" 2>"$w/err"
				rc=$?
			else
				: >"$w/out"
				rc=255
			fi
			{
				printf '@@OUT %s\n' "$id"
				base64 -w 76 "$w/out"
				printf '@@ERR %s\n' "$id"
				base64 -w 76 "$w/err"
				printf '@@END %s %s\n' "$id" "$rc"
			} >&3
		done
	EOF
}

vm_image_customize() {
	local r=$1 name
	# systemd-networkd: one .network per VM, matched on its MAC address.
	for name in "${!PIHPC_VM_IP[@]}"; do
		cat >"$r/etc/systemd/network/10-pihpc-$name.network" <<-EOF
			[Match]
			MACAddress=${PIHPC_VM_MAC[$name]}
			[Network]
			Address=${PIHPC_VM_IP[$name]}/$PIHPC_VM_PREFIXLEN
			LinkLocalAddressing=no
			IPv6AcceptRA=no
		EOF
	done
	# The agent.
	vm_agent_script >"$r/usr/local/sbin/pihpc-vm-agent"
	chmod 0755 "$r/usr/local/sbin/pihpc-vm-agent"
	cat >"$r/etc/systemd/system/pihpc-vm-agent.service" <<-'EOF'
		# pihpc TEST HARNESS ONLY (tests/vm/lib.sh)
		[Unit]
		Description=pihpc VM test harness command agent
		[Service]
		ExecStart=/usr/local/sbin/pihpc-vm-agent
		Environment=HOME=/root LANG=C.UTF-8 TERM=dumb
		Restart=always
		RestartSec=1
		[Install]
		WantedBy=multi-user.target
	EOF
	chroot "$r" systemctl enable --quiet systemd-networkd.service pihpc-vm-agent.service || return 1
	# No apt timers: they would take the dpkg lock.
	chroot "$r" systemctl mask --quiet apt-daily.timer apt-daily-upgrade.timer || return 1
	printf 'force-unsafe-io\n' >"$r/etc/dpkg/dpkg.cfg.d/pihpc-vm-unsafe-io"
	# qemu boots the initrd kept in the cache: regenerating the one in /boot
	# on a trigger (busybox's hook) would take ten minutes under TCG.
	sed -i 's/^update_initramfs=.*/update_initramfs=no/' "$r/etc/initramfs-tools/update-initramfs.conf"
	printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$r/etc/fstab"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$r/etc/hosts"
	rm -f "$r/etc/hostname" "$r/etc/resolv.conf"
	: >"$r/etc/machine-id"
	# root logs in on the serial console without a password (debugging).
	passwd -R "$r" -d root >/dev/null
}

vm_image_recipe() {
	local out=$1 include
	include=$(IFS=,; echo "${PIHPC_VM_INCLUDE[*]}")
	# shellcheck disable=SC2016 # $1 is expanded by mmdebstrap's hook shell
	mmdebstrap --variant=minbase --include="$include" \
		--skip=cleanup/apt/lists --skip=cleanup/apt/cache \
		--customize-hook='chroot "$1" env -u APT_CONFIG DEBIAN_FRONTEND=noninteractive apt-get -y -q --no-install-recommends --download-only install '"${PIHPC_VM_DOWNLOAD[*]}" \
		"$PIHPC_SUITE" "$out/rootfs" || return 1
	vm_image_customize "$out/rootfs" || return 1
	cp "$(readlink -f "$out"/rootfs/vmlinuz)" "$out/vmlinuz" &&
		cp "$(readlink -f "$out"/rootfs/initrd.img)" "$out/initrd.img" || return 1
	truncate -s "$PIHPC_VM_DISK_SIZE" "$out/disk.img" &&
		mkfs.ext4 -q -F -L pihpc-root -d "$out/rootfs" "$out/disk.img" || return 1
	rm -rf "$out/rootfs"
}

vm_image_key() {
	{
		declare -p PIHPC_VM_INCLUDE PIHPC_VM_DOWNLOAD PIHPC_SUITE PIHPC_VM_DISK_SIZE \
			PIHPC_VM_IP PIHPC_VM_MAC PIHPC_VM_PREFIXLEN
		declare -f vm_image_recipe vm_image_customize vm_agent_script
	} | sha256sum | cut -c1-16
}

# Prints the directory holding disk.img, vmlinuz and initrd.img.
vm_image_ensure() {
	local key dir tmp t0
	key=$(vm_image_key)
	dir=$PIHPC_TEST_CACHE/vm-$key
	mkdir -p "$PIHPC_TEST_CACHE"
	(
		flock -w 1800 9 || { vm_die "cannot lock $PIHPC_TEST_CACHE"; exit 1; }
		[ -f "$dir/.complete" ] && exit 0
		tmp=$PIHPC_TEST_CACHE/.build-vm-$key
		rm -rf "$tmp" "$dir"
		mkdir -p "$tmp"
		t0=$(date +%s)
		vm_log "building VM image $key (mmdebstrap + mkfs.ext4, a few minutes)"
		if ! vm_image_recipe "$tmp" </dev/null >"$tmp/build.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; then
			tail -30 "$tmp/build.log" >&2
			rm -rf "$tmp"
			vm_die "VM image build failed"; exit 1
		fi
		mv "$tmp" "$dir"
		touch "$dir/.complete"
		vm_log "VM image $key built in $(( $(date +%s) - t0 )) s"
		find "$PIHPC_TEST_CACHE" -maxdepth 1 -name 'vm-*' ! -name "vm-$key" \
			-exec rm -rf {} +
	) 9>"$PIHPC_TEST_CACHE/.lock-vm" || return 1
	printf '%s\n' "$dir"
}

# ---------------------------------------------------------------------------
# Per run: repository disk, network ports.

vm_gpg() { GNUPGHOME="$(vm_state)/gnupg" gpg --batch --quiet --no-tty "$@"; }

# build/repo signed with a throwaway key, on a small read-only ext4 disk
# that the VMs mount at /srv/pihpc-test-repo.
vm_repo_disk() {
	local src=${PIHPC_REPO:-$PIHPC_TOP/build/repo} st r
	st=$(vm_state)
	r=$st/repo-root
	if [ ! -f "$src/Packages" ] || [ ! -f "$src/Release" ]; then
		vm_die "no apt repository in $src (run 'make deb')"; return 1
	fi
	mkdir -p "$st/gnupg" "$r/repo" && chmod 700 "$st/gnupg"
	cp -a "$src"/. "$r/repo/"
	rm -f "$r/repo/InRelease" "$r/repo/Release.gpg"
	vm_gpg --passphrase '' --pinentry-mode loopback \
		--quick-gen-key 'pihpc VM test key (throwaway) <pihpc-test@invalid>' \
		ed25519 sign 1d || return 1
	vm_gpg --export >"$r/pihpc-test.gpg" || return 1
	vm_gpg --clearsign -o "$r/repo/InRelease" "$r/repo/Release" || return 1
	vm_gpg --armor --detach-sign -o "$r/repo/Release.gpg" "$r/repo/Release" || return 1
	GNUPGHOME="$st/gnupg" gpgconf --kill all 2>/dev/null || true
	rm -rf "$st/gnupg"
	chmod -R a+rX "$r"
	truncate -s 64M "$st/repo.img" &&
		mkfs.ext4 -q -F -L pihpc-repo -d "$r" "$st/repo.img" || return 1
	rm -rf "$r"
}

# A free UDP port on 127.0.0.1 (not bound now, not handed out before).
vm_free_port() {
	local p
	for _ in $(seq 50); do
		p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
		grep -qx "$p" "$(vm_state)/ports" 2>/dev/null && continue
		[ -z "$(ss -Hnua "sport = :$p" 2>/dev/null)" ] || continue
		echo "$p" >>"$(vm_state)/ports"
		printf '%s\n' "$p"
		return 0
	done
	vm_die "no free UDP port"
}

# vms_prepare NAME...: state dir, image, repo disk, one UDP port per VM.
vms_prepare() {
	local st name image
	[ "$(id -u)" = 0 ] || { vm_die "must run as root"; return 1; }
	command -v qemu-system-x86_64 >/dev/null ||
		{ vm_die "qemu-system-x86_64 missing (apt install qemu-system-x86)"; return 1; }
	st=$(vm_state)
	[ ! -e "$st" ] || { vm_die "run '$PIHPC_RUN' already exists ($st)"; return 1; }
	image=$(vm_image_ensure) || return 1
	mkdir -p "$st"
	echo "$$" >"$st/owner"
	echo "$image" >"$st/image"
	: >"$st/vms"
	vm_repo_disk || return 1
	for name in "$@"; do
		[ -n "${PIHPC_VM_IP[$name]:-}" ] || { vm_die "unknown VM $name"; return 1; }
		mkdir -p "$st/$name"
		vm_free_port >"$st/$name/port" || return 1
		echo "$name" >>"$st/vms"
	done
}

vms_list() { cat "$(vm_state)/vms" 2>/dev/null; }

# ---------------------------------------------------------------------------
# VMs

vm_pid() {
	local f pid
	f="$(vm_dir "$1")/qemu.pid"
	[ -s "$f" ] || return 1
	pid=$(cat "$f")
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = qemu-system-x86 ] || return 1
	printf '%s\n' "$pid"
}

vm_running() { vm_pid "$1" >/dev/null; }

# The UDP ports of the other VMs of the run (this netdev sends to one peer:
# with more than two VMs a hub would be needed).
vm_peer_port() {
	local name=$1 other
	for other in $(vms_list); do
		[ "$other" != "$name" ] || continue
		cat "$(vm_dir "$other")/port"
		return 0
	done
	vm_die "$name: no peer VM"
}

vm_start() {
	local name=$1 d image peer t0
	d=$(vm_dir "$name")
	image=$(cat "$(vm_state)/image")
	[ -d "$d" ] || { vm_die "$name is not part of this run"; return 1; }
	! vm_running "$name" || { vm_die "$name is already running"; return 1; }
	peer=$(vm_peer_port "$name") || return 1
	if [ ! -f "$d/disk.img" ]; then
		t0=$(date +%s%N)
		cp --sparse=always "$image/disk.img" "$d/disk.img" || return 1
		vm_log "$name: disk copied in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	fi
	rm -f "$d/exec.in" "$d/exec.out" "$d/qemu.pid"
	mkfifo -m 0600 "$d/exec.in" "$d/exec.out" || return 1
	touch "$d/exec.log"
	stat -c %s "$d/exec.log" >"$d/boot.offset"
	# The reader drains the agent's output into exec.log; it ends when qemu
	# closes the fifo.
	cat "$d/exec.out" >>"$d/exec.log" 2>>"$d/reader.log" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	echo "$!" >"$d/reader.pid"
	qemu-system-x86_64 -name "$name" -nodefaults -no-user-config -display none \
		-accel tcg,thread=multi -cpu max -m "$PIHPC_VM_MEM" -smp "$PIHPC_VM_CPUS" \
		-kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
		-append "console=ttyS0 root=/dev/vda rw systemd.hostname=$name net.ifnames=0" \
		-drive "file=$d/disk.img,format=raw,if=virtio,cache=unsafe,discard=unmap" \
		-drive "file=$(vm_state)/repo.img,format=raw,if=virtio,readonly=on" \
		-netdev "socket,id=n0,udp=127.0.0.1:$peer,localaddr=127.0.0.1:$(cat "$d/port")" \
		-device "virtio-net-pci,netdev=n0,mac=${PIHPC_VM_MAC[$name]}" \
		-device virtio-rng-pci \
		-device virtio-serial-pci \
		-chardev "pipe,id=exec,path=$d/exec" \
		-device virtserialport,chardev=exec,name=pihpc.exec \
		-chardev "file,id=con,path=$d/console.log,append=on" -serial chardev:con \
		-monitor none -no-reboot -pidfile "$d/qemu.pid" \
		</dev/null >>"$d/qemu.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	echo "$!" >"$d/qemu.bgpid"
	vm_log "$name: qemu started"
}

# The agent's log lines of the current boot.
vm_log_since_boot() {
	local d off
	d=$(vm_dir "$1")
	off=$(cat "$d/boot.offset" 2>/dev/null || echo 0)
	tail -c "+$((off + 1))" "$d/exec.log"
}

vm_wait_ready() {
	local name=$1 secs=${2:-$PIHPC_VM_BOOT_TIMEOUT} d deadline t0
	d=$(vm_dir "$name")
	t0=$(date +%s)
	deadline=$(( t0 + secs ))
	while ! vm_log_since_boot "$name" | grep -q '^@@READY '; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			tail -20 "$d/console.log" >&2
			vm_die "$name: no agent after $secs s"; return 1
		fi
		if ! kill -0 "$(cat "$d/qemu.bgpid")" 2>/dev/null; then
			cat "$d/qemu.log" >&2
			tail -20 "$d/console.log" >&2
			vm_die "$name: qemu exited"; return 1
		fi
		sleep 0.5
	done
	vm_log "$name: agent up $(( $(date +%s) - t0 )) s after the wait began"
}

# vm_wait_booted NAME [SECS]: agent up and the boot finished (running or
# degraded); prints the state.
vm_wait_booted() {
	local name=$1 secs=${2:-$PIHPC_VM_BOOT_TIMEOUT} t0 state
	t0=$(date +%s)
	vm_wait_ready "$name" "$secs" || return 1
	state=$(vm_exec_timeout $(( secs - ($(date +%s) - t0) + 1 )) "$name" \
		systemctl is-system-running --wait) || true
	vm_log "$name: system '$state' $(( $(date +%s) - t0 )) s after the wait began"
	case "$state" in
	running | degraded) printf '%s\n' "$state" ;;
	*)
		vm_die "$name: system state '$state'"; return 1 ;;
	esac
}

vm_exec() { vm_exec_timeout 600 "$@"; }

# vm_exec_timeout SECS NAME CMD...: CMD's argv is kept as it is.
vm_exec_timeout() {
	local secs=$1 name=$2 d id b64 deadline line rc err
	shift 2
	d=$(vm_dir "$name")
	vm_running "$name" || { vm_die "$name is not running"; return 1; }
	id="$BASHPID.$RANDOM.$(date +%s%N)"
	b64=$(printf '%q ' "$@" | base64 -w 0)
	(
		flock -w 30 8 || exit 1
		printf 'RUN %s %s %s\n' "$id" "$secs" "$b64" | timeout 10 tee -a "$d/exec.in" >/dev/null
	) 8>"$d/exec.lock" || { vm_die "$name: cannot send the command"; return 1; }
	deadline=$(( $(date +%s) + secs + 15 ))
	while :; do
		line=$(grep -a -m 1 "^@@END $id " "$d/exec.log") && break
		if [ "$(date +%s)" -ge "$deadline" ]; then
			vm_die "$name: no answer within $secs s to: $*"; return 124
		fi
		vm_running "$name" || { vm_die "$name stopped while running: $*"; return 1; }
		sleep 0.3
	done
	rc=${line##* }
	err=$(mktemp)
	awk -v id="$id" -v err="$err" '
		$0 == "@@OUT " id { m = 1; next }
		$0 == "@@ERR " id { m = 2; next }
		$0 ~ "^@@END " && $2 == id { exit }
		m == 1 { print }
		m == 2 { print > err }' "$d/exec.log" | base64 -d
	base64 -d "$err" >&2
	rm -f "$err"
	return "$rc"
}

vm_sh() { vm_exec "$1" bash -c "$2"; }

# vm_put NAME PATH [MODE] < DATA
vm_put() {
	local data
	data=$(base64 -w 0)
	# shellcheck disable=SC2016 # expanded by the VM's shell
	vm_exec "$1" bash -c 'printf %s "$1" | base64 -d >"$2" && chmod "$3" "$2"' \
		put "$data" "$2" "${3:-0644}"
}

# vm_apt NAME ARGS...: apt-get -y ARGS; explains a fetch from the
# (unreachable) archive.
vm_apt() {
	local name=$1 log rc
	shift
	log=$(mktemp)
	vm_exec_timeout "$PIHPC_APT_TIMEOUT" "$name" env DEBIAN_FRONTEND=noninteractive \
		apt-get -y -q -o DPkg::Lock::Timeout=600 "$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	if [ "$rc" != 0 ] && grep -q '^E: Failed to fetch http://\(deb\|security\)\.debian\.org' "$log"; then
		vm_log "$name: apt wanted packages that are not in the image's cache:" \
			"$(sed -n 's|^E: Failed to fetch .*/\([^/_]*\)_[^/]*\.deb .*|\1|p' "$log" | sort -u | tr '\n' ' ')" \
			"- add them to PIHPC_VM_DOWNLOAD in tests/vm/lib.sh"
	fi
	rm -f "$log"
	return "$rc"
}

# The pihpc source: the repo disk, signed by the run's throwaway key.
vm_repo_setup() {
	vm_sh "$1" '
		mkdir -p /srv/pihpc-test-repo /etc/apt/keyrings &&
		{ mountpoint -q /srv/pihpc-test-repo || mount -o ro /dev/vdb /srv/pihpc-test-repo; } &&
		install -m 0644 /srv/pihpc-test-repo/pihpc-test.gpg /etc/apt/keyrings/pihpc-test.gpg &&
		cat >/etc/apt/sources.list.d/pihpc-test.sources <<-EOF
		# pihpc VM test harness: packages under test (tests/vm/lib.sh)
		Types: deb
		URIs: file:/srv/pihpc-test-repo/repo/
		Suites: ./
		Signed-By: /etc/apt/keyrings/pihpc-test.gpg
		EOF
		apt-get -q update -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/pihpc-test.sources \
			-o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0'
}

# vm_reboot NAME [SECS]: `systemctl reboot` in the VM.  qemu runs with
# -no-reboot, so the reset at the end of the shutdown ends it; a new qemu
# then boots from the same disk, as a cold reboot (a warm reset under TCG
# was seen to take minutes in the kernel).  Returns when the new qemu is
# started: vm_wait_booted next.  Fails when the shutdown takes over SECS.
vm_reboot() {
	vm_shutdown "$1" reboot "${2:-240}" && vm_start "$1"
}

vm_poweroff() {
	vm_shutdown "$1" poweroff "${2:-120}"
}

vm_shutdown() {
	local name=$1 how=$2 secs=$3 pid end
	pid=$(vm_pid "$name") || return 0
	# from a timer: the agent answers before systemd stops it
	vm_exec_timeout 30 "$name" systemd-run --quiet --on-active=1 systemctl "$how" || true
	end=$(( $(date +%s) + secs ))
	while [ -d "/proc/$pid" ]; do
		if [ "$(date +%s)" -ge "$end" ]; then
			vm_log "$name: no clean $how within $secs s, killing qemu"
			vm_kill "$name"
			return 1
		fi
		sleep 0.5
	done
	vm_reap "$name"
}

vm_reap() {
	local d pid
	d=$(vm_dir "$1")
	while read -r pid; do
		wait "$pid" 2>/dev/null
	done < <(cat "$d/qemu.bgpid" "$d/reader.pid" 2>/dev/null)
	return 0
}

vm_kill() {
	local name=$1 d pid
	d=$(vm_dir "$name")
	if pid=$(vm_pid "$name"); then
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do
			[ -d "/proc/$pid" ] || break
			sleep 0.2
		done
		[ ! -d "/proc/$pid" ] || kill -KILL "$pid" 2>/dev/null
	fi
	# the reader ends with qemu; make sure
	pid=$(cat "$d/reader.pid" 2>/dev/null) &&
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = cat ] &&
		kill "$pid" 2>/dev/null
	vm_reap "$name"
	return 0
}

# vm_dump [NAMES...]: failed units, journal tail, console tail.
vm_dump() {
	local name d
	# shellcheck disable=SC2046 # VM names have no blanks
	[ $# -gt 0 ] || set -- $(vms_list)
	for name in "$@"; do
		d=$(vm_dir "$name")
		if vm_running "$name"; then
			echo "# === $name: failed units"
			vm_exec_timeout 15 "$name" systemctl --failed --no-pager --plain --no-legend 2>&1 | sed 's/^/# /'
			echo "# === $name: journalctl -b -n 150"
			vm_exec_timeout 15 "$name" journalctl -b --no-pager -n 150 2>&1 | sed 's/^/# /'
		else
			echo "# === $name: not running"
		fi
		echo "# === $name: console (last 40 lines)"
		tail -40 "$d/console.log" 2>/dev/null | sed 's/^/# /'
	done
}

# vms_down: kill every VM of the run, remove its state (disks included).
vms_down() {
	local st name
	st=$(vm_state)
	[ -d "$st" ] || return 0
	for name in $(vms_list); do
		vm_kill "$name"
	done
	if [ -n "${PIHPC_KEEP_LOGS:-}" ]; then
		mkdir -p "$PIHPC_KEEP_LOGS"
		for name in $(vms_list); do
			cp "$st/$name/console.log" "$PIHPC_KEEP_LOGS/$name.console.log" 2>/dev/null
			cp "$st/$name/exec.log" "$PIHPC_KEEP_LOGS/$name.exec.log" 2>/dev/null
		done
	fi
	for name in $(vms_list); do
		if vm_running "$name"; then
			vm_log "$name: qemu survives; not removing $st"
			return 1
		fi
	done
	rm -rf "$st"
	rmdir "$PIHPC_VM_STATE" 2>/dev/null
	return 0
}

# vms_down_stale: runs whose owning process is gone (killed with SIGKILL).
vms_down_stale() {
	local d owner rc=0
	for d in "$PIHPC_VM_STATE"/*/; do
		[ -d "$d" ] || continue
		owner=$(cat "$d/owner" 2>/dev/null)
		if [ -n "$owner" ] && [ -d "/proc/$owner" ]; then
			continue
		fi
		vm_log "tearing down stale VM run $(basename "$d")"
		PIHPC_RUN=$(basename "$d") vms_down || rc=1
	done
	return "$rc"
}
