#!/bin/bash
# shellcheck disable=SC2012,SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='pihpc on arm64: the Pi'"'"'s architecture under qemu-user

Builds (once, cached) an arm64 bookworm root with mmdebstrap, puts the arm64
pihpc packages (make deb ARCH=arm64: build/repo-arm64) and the locally built
arm64 Slurm (make slurm-debs ARCH=arm64: the newest finished build,
build/slurm/bookworm/arm64/*/, SchedMD'"'"'s slurm-smd-* by default or
Debian'"'"'s slurmd family with SLURM_SOURCE=debian) into a local repository
inside it, installs pihpc-common, the Slurm daemon and the Slurm client
commands there with apt (slurm-smd-slurmd and slurm-smd-client, or slurmd
and slurm-client), checks that the local build is what got installed and
that its slurmd and srun are aarch64 code, and runs pihpc node detect,
slurmd -V, slurmd -C, pihpc render (a compute node'"'"'s slurm.conf in
/etc/slurm) and srun --version (which reads it), all as aarch64 code under
qemu-user. Without local arm64 Slurm .debs the archive'"'"'s slurmd and
slurm-client are used. Needs root, mmdebstrap, qemu-user-static,
binfmt-support (qemu-aarch64 is enabled in binfmt_misc if it is not) and
readelf. Env: PIHPC_REPO_ARM64 (default build/repo-arm64),
PIHPC_SLURM_DEBS_ARM64 (a directory of arm64 Slurm .debs of either family;
default the newest build/slurm/bookworm/arm64/*/ with a build.ok).'

# sharness puts its scratch dir next to the caller; keep it out of the tree
# sharness runs the tests in its trash directory: a relative path is the caller's
for v in PIHPC_REPO_ARM64 PIHPC_SLURM_DEBS_ARM64; do
	case ${!v:-} in /* | '') ;; *) printf -v "$v" '%s/%s' "$PWD" "${!v}" ;; esac
done
root=$(mktemp -d "${TMPDIR:-/tmp}/pihpc-sharness.XXXXXX")
SHARNESS_TEST_DIRECTORY=$root SHARNESS_BUILD_DIRECTORY=$root
verbose=t
# shellcheck disable=SC1091
. /usr/share/sharness/sharness.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SHARNESS_TEST_SRCDIR/lib.sh"

exec 3> >(sed -u 's/^/# /') 4>&3

# The chroot's mounts live in private mount namespaces of each command:
# only the scratch dir is left to remove.
# shellcheck disable=SC2154 # rc is set inside the trap string
trap 'rc=$?; trap - EXIT INT TERM; rm -rf "$root"; (exit "$rc"); die' EXIT
trap 'exit 130' INT TERM

REPO_ARM64=${PIHPC_REPO_ARM64:-$PIHPC_ARM64_TOP/build/repo-arm64}
SLURM_ARM64=${PIHPC_SLURM_DEBS_ARM64:-}
if [ -z "$SLURM_ARM64" ]; then
	# build-debs.sh writes build.ok last: only finished builds count.
	SLURM_ARM64=$(ls -td "$PIHPC_ARM64_TOP/build/slurm/$PIHPC_ARM64_SUITE/arm64"/*/build.ok 2>/dev/null | head -n 1)
	SLURM_ARM64=${SLURM_ARM64%/build.ok}
fi

if [ "$(id -u)" != 0 ]; then
	echo "Bail out! needs root (chroot, overlay mounts, binfmt_misc)"
	exit 1
fi
for c in mmdebstrap apt-ftparchive unshare; do
	if ! command -v "$c" >/dev/null; then
		echo "Bail out! $c is missing"
		exit 1
	fi
done
if [ ! -e /usr/libexec/qemu-binfmt/aarch64-binfmt-P ] && ! command -v qemu-aarch64-static >/dev/null; then
	echo "Bail out! qemu-user-static is missing"
	exit 1
fi
if ! ls "$REPO_ARM64"/pihpc-common_*_arm64.deb >/dev/null 2>&1; then
	echo "Bail out! no arm64 pihpc packages in $REPO_ARM64 (make deb ARCH=arm64)"
	exit 1
fi
SLURMD_DEB=$(find "${SLURM_ARM64:-/nonexistent}" -maxdepth 1 \( -name 'slurmd_*_arm64.deb' -o -name 'slurm-smd-slurmd_*_arm64.deb' \) 2>/dev/null | head -n 1)
# The two families' names for slurmd, the client commands and the plugins
# (SchedMD's conflict with Debian's: apt is told which family to install).
if [ -n "$SLURMD_DEB" ] && [ "$(dpkg-deb -f "$SLURMD_DEB" Package)" = slurm-smd-slurmd ]; then
	SLURMD=slurm-smd-slurmd CLIENT=slurm-smd-client PLUGINS=slurm-smd
else
	SLURMD=slurmd CLIENT=slurm-client PLUGINS=slurm-wlm-basic-plugins
fi
if [ -n "$SLURMD_DEB" ]; then
	test_set_prereq LOCAL_SLURM
	LOCAL_VERSION=$(dpkg-deb -f "$SLURMD_DEB" Version)
	say "local arm64 Slurm: $SLURMD $LOCAL_VERSION from $SLURM_ARM64"
else
	SLURM_ARM64='' LOCAL_VERSION=''
	say "no arm64 Slurm .debs in ${PIHPC_SLURM_DEBS_ARM64:-build/slurm/$PIHPC_ARM64_SUITE/arm64/*/}: using the archive's slurmd and slurm-client"
fi

# upstream_version VERSION: 24.11.5 of 24.11.5-1+pihpc2~deb12 (what slurmd -V and
# srun --version print, after "slurm " or Debian's "slurm-wlm ").
upstream_version() {
	local v=${1#*:}
	printf '%s\n' "${v%-*}"
}

# is_aarch64 FILE: an ELF executable for AArch64, by the host's readelf.
is_aarch64() {
	readelf -h "$1" >elf &&
		grep -Eq '^ *Class: +ELF64$' elf &&
		grep -Eq '^ *Machine: +AArch64$' elf
}

test_expect_success 'qemu-aarch64 is enabled in binfmt_misc' '
	arm64_binfmt_ensure
'

test_expect_success 'the arm64 rootfs is built or reused' '
	rootfs=$(arm64_rootfs_ensure) &&
	test -x "$rootfs/usr/bin/apt-get" &&
	arm64_run_init "$root/run" "$rootfs" &&
	test_set_prereq ROOTFS
'

test_expect_success ROOTFS 'uname -m in the chroot is aarch64, dpkg says arm64' '
	test "$(arm64_chroot uname -m)" = aarch64 &&
	test "$(arm64_chroot dpkg --print-architecture)" = arm64
'

test_expect_success ROOTFS 'apt sees the local repository' '
	arm64_repo_add "$REPO_ARM64" ${SLURM_ARM64:+"$SLURM_ARM64"} &&
	arm64_apt_update
'

test_expect_success ROOTFS "apt-get install pihpc-common $SLURMD $CLIENT (offline)" '
	arm64_apt install pihpc-common $SLURMD $CLIENT >out 2>&1; rc=$?;
	cat out;
	if [ "$rc" != 0 ] && grep -q "^E: Failed to fetch" out; then
		echo "not in the rootfs apt cache: add them to PIHPC_ARM64_PACKAGES in tests/arm64/lib.sh"
	fi;
	test "$rc" = 0 &&
	installed=$(arm64_chroot dpkg-query -W -f "\${Version}" $SLURMD) &&
	SLURM_UPSTREAM=$(upstream_version "${LOCAL_VERSION:-$installed}") &&
	say "installed $SLURMD $installed: expecting Slurm $SLURM_UPSTREAM" &&
	test_set_prereq INSTALLED
'

test_expect_success INSTALLED 'pihpc-common is the arm64 build from the local repository' '
	arm64_chroot dpkg-query -W -f "\${Architecture} \${Version}\n" pihpc-common >out &&
	echo "arm64 $(dpkg-deb -f "$(ls "$REPO_ARM64"/pihpc-common_*_arm64.deb | head -n 1)" Version)" >expect &&
	test_cmp expect out
'

test_expect_success INSTALLED,LOCAL_SLURM "$SLURMD, $CLIENT and $PLUGINS are the local arm64 build${LOCAL_VERSION:+ ($LOCAL_VERSION)}" '
	arm64_chroot dpkg-query -W -f "\${Package} \${Architecture} \${Version}\n" $SLURMD $CLIENT $PLUGINS >out &&
	cat out && sort out >sorted &&
	printf "%s arm64 $LOCAL_VERSION\n" $SLURMD $CLIENT $PLUGINS | sort >expect &&
	test_cmp expect sorted &&
	grep -q "+pihpc" out
'

# (Debian's /usr/sbin/slurmd is an alternative: the chroot resolves the
# link, the file itself is in the overlay's upper layer, where apt put it.)
test_expect_success INSTALLED 'slurmd and srun are aarch64 executables' '
	for f in /usr/sbin/slurmd /usr/bin/srun; do
		p=$(arm64_chroot readlink -e "$f") &&
		is_aarch64 "$root/run/upper$p" || { cat elf; echo "$f ($p) is not aarch64"; return 1; }
	done
'

test_expect_success INSTALLED 'pihpc node detect prints the slurmd node line' '
	arm64_chroot pihpc node detect >out &&
	cat out &&
	grep -Eq "^CPUs=[1-9][0-9]* .*RealMemory=[1-9][0-9]*$" out
'

test_expect_success INSTALLED 'pihpc config dump works (the seed defaults)' '
	arm64_chroot pihpc config dump >out &&
	grep -qx "cluster_name = raspi-hpc-cluster" out
'

test_expect_success INSTALLED 'slurmd -V prints the installed Slurm version' '
	arm64_chroot slurmd -V >out &&
	cat out &&
	grep -Fqx -e "slurm $SLURM_UPSTREAM" -e "slurm-wlm $SLURM_UPSTREAM" out
'

test_expect_success INSTALLED 'slurmd -C prints the node line (CPUs=, RealMemory=)' '
	arm64_chroot slurmd -C >out &&
	cat out &&
	grep -Eq "^NodeName=[^ ]+ CPUs=[1-9][0-9]* .*RealMemory=[1-9][0-9]*$" out
'

# srun reads slurm.conf before it looks at its options: the one pihpc
# renders for a compute node from the seed cluster.conf.
test_expect_success INSTALLED 'pihpc render writes a compute node'"'"'s slurm.conf and cgroup.conf to /etc/slurm' '
	arm64_chroot sh -c "mkdir -p /etc/slurm && pihpc render --role compute --out /etc/slurm" &&
	grep -qx "ClusterName=raspi-hpc-cluster" "$root/run/upper/etc/slurm/slurm.conf" &&
	test -s "$root/run/upper/etc/slurm/cgroup.conf" &&
	test_set_prereq SLURM_CONF
'

test_expect_success SLURM_CONF 'srun --version prints the installed Slurm version' '
	arm64_chroot srun --version >out &&
	cat out &&
	grep -Fqx -e "slurm $SLURM_UPSTREAM" -e "slurm-wlm $SLURM_UPSTREAM" out
'

test_expect_success INSTALLED 'the slurm user has the seed ids (151)' '
	test "$(arm64_chroot id -u slurm):$(arm64_chroot id -g slurm)" = 151:151
'

test_done
