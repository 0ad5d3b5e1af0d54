#!/bin/bash
# Cross-build pihpc's own .debs for another architecture (arm64 for the Pi)
# in a bookworm build chroot, and make a flat apt repository of them.
#
# Why a chroot: libmunge-dev is not Multi-Arch: same, so libmunge-dev:amd64
# (the host's build dependency) and libmunge-dev:arm64 cannot be installed
# side by side on the host. The chroot comes from the same cached mmdebstrap
# tarball as build-debs.sh (PIHPC_BUILD_CACHE/bookworm-<hostarch>-buildd.tar)
# and is kept between builds as PIHPC_BUILD_CACHE/pihpc-<arch> with the cross
# toolchain and the build dependencies installed: the first build takes a few
# minutes, later ones well under one. Delete that directory to start afresh.
#
# Every build copies the working tree (tracked and untracked files that git
# does not ignore; build/ left out) to /build/pihpc in the chroot and runs
#   apt-get -a ARCH -P nocheck build-dep ./
#   DEB_BUILD_OPTIONS="nocheck noautodbgsym" dpkg-buildpackage -b -uc -us -aARCH -Pnocheck
# The unit tests need the target's cmocka and valgrind and are not run (nocheck);
# the built tool's --help is run under qemu-user when binfmt_misc has it.
# Result: OUT (default build/repo-ARCH) with pihpc-common_*_ARCH.deb, the
# Architecture: all packages, Packages and Release, like build/repo.

# shellcheck disable=SC2016 # the in_chroot scripts are expanded inside the chroot
set -euo pipefail

PROG=build-pihpc
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
# shellcheck source=src/slurm/chroot-common.sh
. "$SCRIPT_DIR/chroot-common.sh"

ARCH=${ARCH:-arm64}
OUT=

usage() {
	cat <<EOF
Usage: $0 [--arch ARCH] [--out DIR] [--jobs N]

Cross-build the pihpc .debs for ARCH (default arm64, env ARCH) in a cached
$SUITE build chroot and put them with Packages and Release into DIR
(default build/repo-ARCH). Needs root and mmdebstrap (first run only).

Environment: PIHPC_BUILD_CACHE (default /var/cache/pihpc-build).
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--arch) ARCH=${2:?--arch needs a value}; shift 2 ;;
	--arch=*) ARCH=${1#*=}; shift ;;
	--out) OUT=${2:?--out needs a value}; shift 2 ;;
	--out=*) OUT=${1#*=}; shift ;;
	--jobs) JOBS=${2:?--jobs needs a value}; shift 2 ;;
	--jobs=*) JOBS=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

case $ARCH in
'' | *[!a-z0-9]*) die "bad architecture '$ARCH'" ;;
esac
[ "$ARCH" != "$HOST_ARCH" ] || die "ARCH=$ARCH is the host's architecture: use 'make deb'"
case $JOBS in
'' | *[!0-9]* | 0) die "--jobs: not a positive number: '$JOBS'" ;;
esac
[ "$(id -u)" -eq 0 ] || die "must run as root (it creates and enters a build chroot)"
command -v unshare >/dev/null || die "unshare is missing (util-linux)"
command -v apt-ftparchive >/dev/null || die "apt-ftparchive is missing: apt-get install apt-utils"

OUT=${OUT:-$REPO_DIR/build/repo-$ARCH}
ROOT=$CACHE/pihpc-$ARCH
LOG=$CACHE/log/pihpc-$ARCH.log
mkdir -p "$CACHE/log"
: >"$LOG"
START=$SECONDS

# The persistent chroot is used by one build at a time.
exec 8>"$CACHE/lock-pihpc-$ARCH"
if ! flock -n 8; then
	echo "$PROG: another pihpc $ARCH build holds $CACHE/lock-pihpc-$ARCH; waiting for it"
	flock -w 1800 8 || die "lock timeout"
fi

# phase TITLE COMMAND...: output to the log; on failure its tail and exit 1.
phase() {
	local title=$1 t0=$SECONDS rc=0
	shift
	printf '\n==== %s (%s)\n' "$title" "$(date -u +%FT%TZ)" >>"$LOG"
	"$@" >>"$LOG" 2>&1 </dev/null || rc=$?
	if [ "$rc" != 0 ]; then
		printf '[%s] %s FAILED (exit %d); last lines of %s:\n' "$PROG" "$title" "$rc" "$LOG" >&2
		tail -n 25 "$LOG" | sed 's/^/  | /' >&2
		exit 1
	fi
	printf '[%s] %s: done in %ds\n' "$PROG" "$title" $((SECONDS - t0))
}

# in_chroot SCRIPT: bash SCRIPT as root in the chroot, /proc and /dev mounted
# in a private mount namespace (gone when the command ends, even on failure).
in_chroot() {
	# shellcheck disable=SC2016 # the inner sh expands its own arguments
	unshare --mount --propagation private -- /bin/sh -euc '
		root=$1; shift
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		exec chroot "$root" "$@"' \
		sh "$ROOT" \
		/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive ARCH="$ARCH" JOBS="$JOBS" \
		/bin/bash -c "set -euo pipefail; cd /build/pihpc 2>/dev/null || true; $1"
}

create_chroot() {
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	tar -C "$ROOT" -xf "$BASE"
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
	mkdir -p "$ROOT/build"
	in_chroot '
		dpkg --add-architecture "$ARCH"
		'"$APT"' update
		'"$APT"' dist-upgrade
		'"$APT"' install crossbuild-essential-"$ARCH" file
		'"$APT"' clean'
	touch "$ROOT/.pihpc-ready"
}

copy_source() {
	local dst=$ROOT/build/pihpc
	rm -rf "$ROOT/build"
	mkdir -p "$dst"
	if git -C "$REPO_DIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		# tracked and untracked-but-not-ignored files that exist; not build/
		git -C "$REPO_DIR" ls-files -z -c -o --exclude-standard |
			while IFS= read -r -d '' f; do
				case $f in build/*) continue ;; esac
				[ -e "$REPO_DIR/$f" ] || [ -L "$REPO_DIR/$f" ] || continue
				printf '%s\0' "$f"
			done |
			tar -C "$REPO_DIR" --null -T - -cf - | tar -C "$dst" -xf -
	else
		tar -C "$REPO_DIR" --exclude=./build --exclude=./.git -cf - . | tar -C "$dst" -xf -
	fi
	echo "source: $(cd "$dst" && dpkg-parsechangelog -S Source) $(cd "$dst" && dpkg-parsechangelog -S Version)," \
		"$(find "$dst" -type f | wc -l) files"
}

build_deps() {
	# Offline when everything is installed already; refresh the lists and
	# retry when apt cannot satisfy them.
	in_chroot '
		if ! '"$APT"' -a "$ARCH" -P nocheck build-dep ./; then
			'"$APT"' update
			'"$APT"' -a "$ARCH" -P nocheck build-dep ./
		fi
		'"$APT"' clean'
}

build() {
	in_chroot '
		export DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=$JOBS"
		dpkg-buildpackage -b -uc -us -a"$ARCH" -Pnocheck
		ls -l /build/*.deb'
}

# The tool is an ARCH executable; run its --help under qemu-user if the
# kernel can (the chroot has the ARCH libmunge from the build dependencies).
smoke() {
	in_chroot '
		rm -rf /tmp/smoke && mkdir /tmp/smoke
		dpkg-deb -x /build/pihpc-common_*_"$ARCH".deb /tmp/smoke
		file /tmp/smoke/usr/sbin/pihpc
		want=$(dpkg-architecture -a"$ARCH" -qDEB_HOST_GNU_CPU)
		case $want in aarch64) want="ARM aarch64" ;; esac
		file /tmp/smoke/usr/sbin/pihpc | grep -q "$want" || { echo "not a $ARCH executable" >&2; exit 1; }
		if /tmp/smoke/usr/sbin/pihpc --help >/tmp/smoke.out 2>&1; then
			head -n 3 /tmp/smoke.out; echo "ran under qemu-user"
		else
			echo "could not run the $ARCH binary (no qemu-user binfmt?); not run"
		fi'
}

collect() {
	local v
	rm -rf "$OUT.tmp"
	mkdir -p "$OUT.tmp"
	cp "$ROOT"/build/pihpc-*_"$ARCH".deb "$ROOT"/build/pihpc-*_all.deb "$OUT.tmp"/
	(
		cd "$OUT.tmp"
		apt-ftparchive packages . >Packages
		apt-ftparchive -o APT::FTPArchive::Release::Origin=pihpc \
			-o APT::FTPArchive::Release::Label=pihpc release . >Release
	)
	rm -rf "$OUT"
	mv "$OUT.tmp" "$OUT"
	v=$(dpkg-deb -f "$(find "$OUT" -name "pihpc-common_*_$ARCH.deb")" Version)
	echo "version $v"
	ls -l "$OUT"
}

echo "[$PROG] building pihpc for $ARCH; log: $LOG"
if [ ! -f "$ROOT/.pihpc-ready" ]; then
	if [ ! -f "$BASE" ]; then
		command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: apt-get install mmdebstrap"
		exec 9>"$CACHE/lock"
		flock -w 3600 9 || die "timeout waiting for $CACHE/lock"
		[ -f "$BASE" ] || phase "create base chroot $BASE (mmdebstrap, once)" create_base
		exec 9>&-
	fi
	phase "create the $ARCH cross chroot $ROOT (once)" create_chroot
fi
phase "copy the source tree" copy_source
phase "install $ARCH build dependencies" build_deps
phase "dpkg-buildpackage -a$ARCH" build
phase "check the $ARCH binary" smoke
phase "collect into $OUT" collect
rm -rf "$ROOT/build"
printf '[%s] %s: %s (total %ds)\n' "$PROG" "$OUT" \
	"$(find "$OUT" -maxdepth 1 -name '*.deb' -printf '%f ')" $((SECONDS - START))
