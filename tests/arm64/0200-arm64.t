#!/bin/bash
# shellcheck disable=SC2012,SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='pihpc on arm64: the Pi'"'"'s architecture under qemu-user

Builds (once, cached) an arm64 bookworm root with mmdebstrap, puts the arm64
pihpc packages (make deb ARCH=arm64: build/repo-arm64) and the locally built
arm64 Slurm (make slurm-debs ARCH=arm64 SLURM_SOURCE=debian:
build/slurm/bookworm/arm64/debian) into a local
repository inside it, installs pihpc-common and slurmd there with apt and
runs pihpc node detect and slurmd -V, all as aarch64 code under qemu-user.
Without local arm64 Slurm .debs the archive'"'"'s slurmd is used.
Needs root, mmdebstrap, qemu-user-static and binfmt-support (qemu-aarch64
is enabled in binfmt_misc if it is not). Env: PIHPC_REPO_ARM64 (default
build/repo-arm64), PIHPC_SLURM_DEBS_ARM64 (default
build/slurm/bookworm/arm64/debian: Debian'"'"'s slurmd family, which the test
installs).'

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
SLURM_ARM64=${PIHPC_SLURM_DEBS_ARM64:-$PIHPC_ARM64_TOP/build/slurm/bookworm/arm64/debian}

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
if ls "$SLURM_ARM64"/slurmd_*_arm64.deb >/dev/null 2>&1; then
	test_set_prereq LOCAL_SLURM
	SLURM_VERSION=$(dpkg-deb -f "$(ls "$SLURM_ARM64"/slurmd_*_arm64.deb | head -n 1)" Version)
else
	SLURM_ARM64=
	say "no arm64 Slurm .debs in ${PIHPC_SLURM_DEBS_ARM64:-build/slurm/bookworm/arm64/debian}: using the archive's slurmd"
fi

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

test_expect_success ROOTFS 'apt-get install pihpc-common slurmd (offline)' '
	arm64_apt install pihpc-common slurmd >out 2>&1; rc=$?;
	cat out;
	if [ "$rc" != 0 ] && grep -q "^E: Failed to fetch" out; then
		echo "not in the rootfs apt cache: add them to PIHPC_ARM64_PACKAGES in tests/arm64/lib.sh"
	fi;
	test "$rc" = 0 && test_set_prereq INSTALLED
'

test_expect_success INSTALLED 'pihpc-common is the arm64 build from the local repository' '
	arm64_chroot dpkg-query -W -f "\${Architecture} \${Version}\n" pihpc-common >out &&
	echo "arm64 $(dpkg-deb -f "$(ls "$REPO_ARM64"/pihpc-common_*_arm64.deb | head -n 1)" Version)" >expect &&
	test_cmp expect out
'

test_expect_success INSTALLED,LOCAL_SLURM 'slurmd is the local arm64 build (+pihpc)' '
	arm64_chroot dpkg-query -W -f "\${Architecture} \${Version}\n" slurmd slurm-wlm-basic-plugins >out &&
	printf "arm64 %s\narm64 %s\n" "$SLURM_VERSION" "$SLURM_VERSION" >expect &&
	test_cmp expect out &&
	grep -q "+pihpc" out
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

test_expect_success INSTALLED 'slurmd -V says slurm(-wlm) 22.05.8' '
	arm64_chroot slurmd -V >out &&
	cat out &&
	grep -Eqx "slurm(-wlm)? 22\.05\.8" out
'

test_expect_success INSTALLED 'the slurm user has the seed ids (151)' '
	test "$(arm64_chroot id -u slurm):$(arm64_chroot id -g slurm)" = 151:151
'

test_done
