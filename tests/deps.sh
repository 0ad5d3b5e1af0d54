#!/bin/sh
# What each make target needs beyond the build dependencies in
# debian/control, by set:
#   test    make check: unit, lint, cluster and QA tests (the default)
#   slurm   make slurm-debs: Slurm built in a clean chroot
#   arm64   make deb ARCH=arm64, make check-arm64: a foreign-architecture
#           chroot run under qemu-user
#   vm      make check-vm: qemu virtual machines with real NFS
#   bench   make bench: the cluster harness and the baseline
#
#   tests/deps.sh --check [SET...]     exit 0 when every package is installed
#   tests/deps.sh --install [SET...]   install what is missing from Debian's archive
#   tests/deps.sh --list [SET...]      print the packages
set -eu

# The cluster harness: nodes are systemd-nspawn containers built by mmdebstrap.
HARNESS="apt-utils gnupg iproute2 mmdebstrap nftables systemd-container"

set_packages() {
	case $1 in
	test)
		echo "$HARNESS cppcheck clang-tidy dpkg-dev lintian shellcheck sharness
			valgrind libcmocka-dev reprepro fakeroot piuparts autopkgtest
			clang libclang-rt-dev gpgv xz-utils"
		;;
	# gpgv, the archive keyring and xz: fetch-tarball.sh checks the Slurm
	# tarball against the suite's signed Sources index.
	slurm) echo "apt-utils mmdebstrap arch-test util-linux gpgv debian-archive-keyring xz-utils" ;;
	# arch-test: mmdebstrap asks it whether the kernel runs the foreign
	# architecture; binfmt-support registers qemu-user with the kernel.
	arm64) echo "apt-utils mmdebstrap arch-test qemu-user-static binfmt-support" ;;
	vm) echo "apt-utils gnupg iproute2 mmdebstrap qemu-system-x86 e2fsprogs" ;;
	bench) echo "$HARNESS" ;;
	*)
		echo "tests/deps.sh: unknown set '$1' (test, slurm, arm64, vm, bench)" >&2
		exit 2
		;;
	esac
}

packages() {
	[ $# -gt 0 ] || set -- test
	for s in "$@"; do
		set_packages "$s"
	done | tr -s ' \t' '\n' | sed '/^$/d' | sort -u
}

missing() {
	for p in $(packages "$@"); do
		dpkg-query -W -f='${db:Status-Abbrev}\n' "$p" 2>/dev/null |
			grep -q '^ii' || printf '%s\n' "$p"
	done
}

action=${1:-}
[ $# -eq 0 ] || shift
case $action in
--check)
	m=$(missing "$@")
	[ -z "$m" ]
	;;
--list)
	packages "$@"
	;;
--install)
	m=$(missing "$@")
	if [ -n "$m" ]; then
		# shellcheck disable=SC2086 # a list of package names
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
			-y -q install --no-install-recommends $m
	fi
	;;
*)
	echo "usage: tests/deps.sh --check | --install | --list [SET...]" >&2
	exit 2
	;;
esac
