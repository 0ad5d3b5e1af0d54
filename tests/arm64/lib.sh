# shellcheck shell=bash
# tests/arm64/lib.sh - an arm64 (Raspberry Pi) Debian root run with qemu-user.
#
# Sourced by tests/arm64/*.t.  Needs root, mmdebstrap, qemu-user-static and
# binfmt-support (binfmt_misc with qemu-aarch64 enabled), apt-utils.
#
#   arm64_binfmt_ensure     mount binfmt_misc and enable qemu-aarch64 when they
#                           are not (left so afterwards: it changes nothing but
#                           the kernel's list of binary formats, and
#                           binfmt-support enables it at boot anyway)
#   arm64_rootfs_ensure     build/reuse the cached rootfs, print its path.
#                           mmdebstrap --arch=arm64 --variant=minbase bookworm,
#                           with the archive's package lists and, downloaded
#                           only, the dependency closure of pihpc-common, of
#                           Debian's slurmd and slurm-client and of what
#                           SchedMD's slurm-smd, slurm-smd-slurmd and
#                           slurm-smd-client (make slurm-debs ARCH=arm64)
#                           depend on, so the chroot installs either family
#                           offline
#   arm64_run_init DIR ROOTFS   per-test scratch: overlay upper/work in DIR
#   arm64_repo_add DIR...   copy the .debs of each DIR into a flat repo at
#                           /srv/pihpc-arm64-repo of the chroot (Packages made
#                           here with apt-ftparchive) and an apt source
#                           for it (trusted=yes: a local file: repository)
#   arm64_chroot CMD...     CMD in the chroot: the overlay, /proc, /sys (ro)
#                           and /dev are mounted in a private mount namespace
#                           for that command only, so nothing stays mounted
#                           whatever happens; in an empty network namespace
#                           (nothing in the chroot reaches a network) and in
#                           its own PID namespace (the chroot's /proc shows
#                           its own processes, not the host's: pihpc refuses
#                           to move the slurm ids while it sees a slurmd)
#
# Environment: PIHPC_TEST_CACHE (/var/cache/pihpc-test) holds the rootfs
# (arm64-KEY/rootfs, keyed by a hash of the recipe below).

: "${PIHPC_TEST_CACHE:=/var/cache/pihpc-test}"
PIHPC_ARM64_SUITE=bookworm
# Downloaded only into the rootfs' apt cache (with their dependencies).
PIHPC_ARM64_PACKAGES=(
	slurmd slurm-client munge ucf passwd libmunge2 libsodium23 debconf
	# the Depends of SchedMD's slurm-smd, slurm-smd-slurmd and
	# slurm-smd-client, named here so that they do not hang on the closure
	# of Debian's slurmd (libc6, munge and libmunge2 are above)
	bash-completion libcurl4 libdbus-1-3 libfreeipmi17 libhdf5-103-1
	libhdf5-hl-100 libhwloc15 libipmimonitoring6 libjson-c5 libjwt0
	liblua5.3-0 liblz4-1 libmariadb3 libnuma1 libpam0g libpmix2
	librdkafka1 libreadline8 libyaml-0-2
)
PIHPC_ARM64_SOURCES=/etc/apt/sources.list.d/pihpc-arm64.list
PIHPC_ARM64_LIB=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck disable=SC2034 # used by the tests
PIHPC_ARM64_TOP=$(cd "$(dirname "$PIHPC_ARM64_LIB")/../.." && pwd)

arm64_log() { printf '# [%s] %s\n' "$(date +%T)" "$*" >&2; }

arm64_binfmt_ensure() {
	local f=/proc/sys/fs/binfmt_misc
	if [ ! -e "$f/status" ]; then
		arm64_log "mounting binfmt_misc on $f"
		mount -t binfmt_misc binfmt_misc "$f" || return 1
	fi
	if ! grep -qx enabled "$f/qemu-aarch64" 2>/dev/null; then
		command -v update-binfmts >/dev/null || { arm64_log "no update-binfmts (binfmt-support)"; return 1; }
		arm64_log "enabling qemu-aarch64 in binfmt_misc (update-binfmts --enable qemu-aarch64)"
		update-binfmts --enable qemu-aarch64 || return 1
	fi
	grep -qx enabled "$f/qemu-aarch64"
}

# The recipe: everything in this function is part of the cache key.
arm64_rootfs_recipe() {
	# shellcheck disable=SC2016 # $1 is expanded by mmdebstrap's hook shell
	mmdebstrap --arch=arm64 --variant=minbase \
		--skip=cleanup/apt/lists --skip=cleanup/apt/cache \
		--customize-hook='chroot "$1" env -u APT_CONFIG DEBIAN_FRONTEND=noninteractive apt-get -y -q -o APT::Install-Recommends=false --download-only install '"${PIHPC_ARM64_PACKAGES[*]}" \
		--customize-hook='rm -f "$1/etc/resolv.conf"; : >"$1/etc/machine-id"' \
		"$PIHPC_ARM64_SUITE" "$1"
}

arm64_rootfs_key() {
	{
		declare -p PIHPC_ARM64_PACKAGES PIHPC_ARM64_SUITE
		declare -f arm64_rootfs_recipe
	} | sha256sum | cut -c1-16
}

# Prints the path of the cached rootfs; builds it if missing (~2 min).
arm64_rootfs_ensure() {
	local key dir tmp t0
	key=$(arm64_rootfs_key)
	dir=$PIHPC_TEST_CACHE/arm64-$key
	mkdir -p "$PIHPC_TEST_CACHE"
	(
		flock -w 1800 9 || { arm64_log "cannot lock $PIHPC_TEST_CACHE/.lock-arm64"; exit 1; }
		[ -f "$dir/.complete" ] && exit 0
		tmp=$PIHPC_TEST_CACHE/.build-arm64-$key
		rm -rf "$tmp" "$dir"
		mkdir -p "$tmp"
		t0=$(date +%s)
		# (descriptors above 2 closed: mmdebstrap hands its pipe's number
		# to dash, which cannot redirect to descriptors above 9)
		arm64_log "building the arm64 rootfs $key (mmdebstrap under qemu-user, a few minutes)"
		if ! timeout 1200 bash -c "$(declare -p PIHPC_ARM64_PACKAGES PIHPC_ARM64_SUITE; declare -f arm64_rootfs_recipe); arm64_rootfs_recipe \"\$1\"" \
			sh "$tmp/rootfs" </dev/null >"$tmp/build.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; then
			tail -30 "$tmp/build.log" >&2
			rm -rf "$tmp"
			arm64_log "arm64 rootfs build failed"; exit 1
		fi
		mv "$tmp" "$dir"
		touch "$dir/.complete"
		arm64_log "arm64 rootfs $key built in $(( $(date +%s) - t0 )) s"
		find "$PIHPC_TEST_CACHE" -maxdepth 1 -name 'arm64-*' ! -name "arm64-$key" -exec rm -rf {} +
	) 9>"$PIHPC_TEST_CACHE/.lock-arm64" || return 1
	printf '%s/rootfs\n' "$dir"
}

# arm64_run_init DIR ROOTFS: DIR (empty or missing) gets upper/ work/ root/;
# a policy-rc.d in the upper layer keeps daemons from starting (mmdebstrap
# removes its own at the end, so it cannot be part of the rootfs).
arm64_run_init() {
	ARM64_RUN=$1 ARM64_LOWER=$2
	mkdir -p "$ARM64_RUN/upper/usr/sbin" "$ARM64_RUN/work" "$ARM64_RUN/root"
	printf '#!/bin/sh\n# pihpc arm64 test: no daemons in the chroot\nexit 101\n' \
		>"$ARM64_RUN/upper/usr/sbin/policy-rc.d"
	chmod 0755 "$ARM64_RUN/upper/usr/sbin/policy-rc.d"
}

# arm64_repo_add DIR...: a flat file: repository of the .debs in the DIRs.
arm64_repo_add() {
	local r=$ARM64_RUN/upper/srv/pihpc-arm64-repo d
	mkdir -p "$r" "$ARM64_RUN/upper/etc/apt/sources.list.d"
	for d in "$@"; do
		cp "$d"/*.deb "$r"/ || return 1
	done
	(cd "$r" && apt-ftparchive packages . >Packages) || return 1
	echo "deb [trusted=yes] file:/srv/pihpc-arm64-repo ./" >"$ARM64_RUN/upper$PIHPC_ARM64_SOURCES"
}

# arm64_chroot CMD...: run CMD in the arm64 root (see the header).
arm64_chroot() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	timeout -k 10 "${PIHPC_ARM64_TIMEOUT:-900}" unshare --mount --propagation private --net --pid --fork -- /bin/sh -euc '
		run=$1 lower=$2; shift 2
		mount -t overlay pihpc-arm64 -o "lowerdir=$lower,upperdir=$run/upper,workdir=$run/work" "$run/root"
		mount -t proc proc "$run/root/proc"
		mount -t sysfs -o ro sysfs "$run/root/sys"
		mount --rbind /dev "$run/root/dev"
		exec chroot "$run/root" "$@"' \
		sh "$ARM64_RUN" "$ARM64_LOWER" \
		/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

# apt-get in the chroot, only the local repository refreshed (the archive's
# lists come from the rootfs; there is no network use here).
arm64_apt_update() {
	arm64_chroot apt-get -q update -o Dir::Etc::sourcelist="$PIHPC_ARM64_SOURCES" \
		-o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0
}

arm64_apt() {
	arm64_chroot apt-get -y -q -o APT::Install-Recommends=false "$@"
}
