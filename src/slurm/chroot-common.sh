# shellcheck shell=bash
# Shared by build-debs.sh and build-pihpc.sh: the cached bookworm build
# chroot both start from.  Set PROG before sourcing.

CACHE=${PIHPC_BUILD_CACHE:-/var/cache/pihpc-build}
JOBS=${JOBS:-2}
SUITE=bookworm
HOST_ARCH=$(dpkg --print-architecture)
BASE=$CACHE/$SUITE-$HOST_ARCH-buildd.tar
# shellcheck disable=SC2034 # used by the sourcing scripts
APT='apt-get -y -q -o APT::Install-Recommends=false -o DPkg::Lock::Timeout=600'

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

# The base tarball: no mirror argument, so mmdebstrap uses deb.debian.org
# with the updates and security suites; the hook adds the matching deb-src
# lines.
create_base() {
	rm -f "$BASE.tmp"
	# shellcheck disable=SC2016 # mmdebstrap's hook shell expands $1
	mmdebstrap --variant=buildd --format=tar \
		--aptopt='APT::Install-Recommends "false"' \
		--include=devscripts,equivs,fakeroot \
		--customize-hook='sed -n "s/^deb /deb-src /p" "$1/etc/apt/sources.list" >"$1/etc/apt/sources.list.d/deb-src.list"' \
		"$SUITE" "$BASE.tmp"
	mv "$BASE.tmp" "$BASE"
}
