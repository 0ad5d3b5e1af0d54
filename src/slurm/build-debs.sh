#!/bin/bash
# Build Slurm .debs for pihpc in a clean build chroot (bookworm unless --suite).
#
# The build never touches the host's packages: the build dependencies are
# installed in a throw-away chroot extracted from a cached mmdebstrap tarball.
# Results go to OUT (default build/slurm/<suite>/<arch>/<smd-VERSION|debian>/
# in the repo), so builds of other versions, suites or architectures do not
# replace each other; a finished build there is reused unless --force. The full
# log is written under the cache (so a "make clean" during the build cannot
# take it) and copied to OUT/build.log at the end. The terminal only gets one
# line per phase plus a progress line while a phase runs.
#
# Sources:
#   default (smd)       SchedMD's release --version V (default DEFAULT_VERSION):
#                       its tarball from Debian's archive, checked against the
#                       signed index by fetch-tarball.sh; built with the
#                       debian/ it carries (source slurm-smd, packages slurm-smd-*)
#   --tarball FILE      a local upstream release tarball (>= 23.11), same packaging
#   --source debian     Debian's slurm-wlm of the suite (apt-get source slurm-wlm)
# Every build gets a local version suffix: +pihpc, the revision of this
# recipe (REV below) and the Debian release it is built for, for example
# 24.11.5-1+pihpc2~deb12 or 22.05.8-4+deb12u3+pihpc2~deb13.  apt prefers it
# to a package of the same version from elsewhere, a build of a changed
# recipe to an older one, and the trixie build to the bookworm build (as
# for backports' ~bpo12): the two never share a version, and a node that
# moves to trixie moves to trixie's build.
#
# Cross build (--arch arm64 on an amd64 host): dpkg-buildpackage -a arm64 with
# the arm64 build dependencies installed by apt-get -a arm64 build-dep. The
# known cross problems of the 22.05 packaging are patched in the chroot's copy
# of the source (see patch_cross below); the Perl API packages are left out of
# cross builds with the build profile pkg.pihpc.noperl.

set -euo pipefail

PROG=slurm-debs
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
# shellcheck source=src/slurm/chroot-common.sh
. "$SCRIPT_DIR/chroot-common.sh"

# The newest SchedMD release whose tarball Debian's archive serves and that
# builds on bookworm (sid lists 26.05.5, but its tarball is not served).
DEFAULT_VERSION=24.11.5
ARCH=${ARCH:-$HOST_ARCH}
TARBALL=${SLURM_TARBALL:-}
SOURCE=${SLURM_SOURCE:-smd}
VERSION=${SLURM_VERSION:-}
SUITE=${SLURM_SUITE:-$SUITE}
SUFFIX=pihpc
# Raised whenever a change here changes the packages built: 2 gave
# slurm-smd its Conflicts with Debian's slurm-client.
REV=2
KEEP=${PIHPC_KEEP_CHROOT:-0}
FORCE=0
OUT=

usage() {
	cat <<EOF
Usage: $0 [--version V | --tarball FILE | --source debian] [--suite SUITE]
          [--arch ARCH] [--out DIR] [--jobs N] [--keep] [--force]

Build Slurm .debs with PMIx and PAM in a clean build chroot (needs root and
mmdebstrap). By default SchedMD's release $DEFAULT_VERSION with SchedMD's packaging
(slurm-smd-* packages), its tarball fetched from Debian's archive and checked
against the signed index (src/slurm/fetch-tarball.sh).

  --version V      SchedMD's release V (env SLURM_VERSION; default $DEFAULT_VERSION)
  --tarball FILE   build a local upstream slurm-*.tar.* instead (env SLURM_TARBALL;
                   not checked: it is yours)
  --source KIND    smd (default) or debian: Debian's own slurm-wlm source
                   package of the suite, slurm-wlm packages (env SLURM_SOURCE)
  --suite SUITE    Debian release of the build chroot and so of the packages'
                   dependencies (default: $SUITE, env SLURM_SUITE)
  --arch ARCH      architecture to build for (default: $HOST_ARCH, env ARCH);
                   another architecture means a cross build (tested: arm64)
  --out DIR        where the .debs and build.log go (default:
                   build/slurm/SUITE/ARCH/smd-V or .../debian in the repository)
  --jobs N         parallel build jobs (default: 2, env JOBS)
  --keep           keep the work chroot after a successful build
                   (env PIHPC_KEEP_CHROOT=1; a failed build always keeps it)
  --force          build even if OUT already holds a finished build of the
                   same source (env SLURM_REBUILD=1)

Environment: PIHPC_BUILD_CACHE (default /var/cache/pihpc-build) holds the
cached base chroot tarball, the apt package cache and the work chroots.
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--arch) ARCH=${2:?--arch needs a value}; shift 2 ;;
	--arch=*) ARCH=${1#*=}; shift ;;
	--tarball) TARBALL=${2:?--tarball needs a value}; shift 2 ;;
	--tarball=*) TARBALL=${1#*=}; shift ;;
	--version) VERSION=${2:?--version needs a value}; shift 2 ;;
	--version=*) VERSION=${1#*=}; shift ;;
	--source) SOURCE=${2:?--source needs a value}; shift 2 ;;
	--source=*) SOURCE=${1#*=}; shift ;;
	--suite) SUITE=${2:?--suite needs a value}; shift 2 ;;
	--suite=*) SUITE=${1#*=}; shift ;;
	--force) FORCE=1; shift ;;
	--out) OUT=${2:?--out needs a value}; shift 2 ;;
	--out=*) OUT=${1#*=}; shift ;;
	--jobs) JOBS=${2:?--jobs needs a value}; shift 2 ;;
	--jobs=*) JOBS=${1#*=}; shift ;;
	--keep) KEEP=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

case $ARCH in
'' | *[!a-z0-9]*) die "bad architecture '$ARCH'" ;;
esac
case $SUITE in
'' | *[!a-z0-9-]*) die "bad suite '$SUITE'" ;;
esac
[ "${SLURM_REBUILD:-0}" = 0 ] || FORCE=1
case $SOURCE in
smd) ;;
debian)
	[ -z "$TARBALL" ] || die "--tarball and --source debian exclude each other"
	[ -z "$VERSION" ] || die "--version and --source debian exclude each other (Debian's version is the suite's)"
	;;
*) die "--source: smd or debian, not '$SOURCE'" ;;
esac
[ -z "$TARBALL" ] || [ -z "$VERSION" ] || die "--tarball and --version exclude each other"
[ "$SOURCE" = debian ] || [ -n "$TARBALL" ] || VERSION=${VERSION:-$DEFAULT_VERSION}
BASE=$CACHE/$SUITE-$HOST_ARCH-buildd.tar
case $JOBS in
'' | *[!0-9]* | 0) die "--jobs: not a positive number: '$JOBS'" ;;
esac
[ "$(id -u)" -eq 0 ] || die "must run as root (it creates and enters a build chroot)"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: apt-get install mmdebstrap"
command -v unshare >/dev/null || die "unshare is missing (util-linux)"
if [ -n "$TARBALL" ]; then
	[ -f "$TARBALL" ] || die "cannot read tarball '$TARBALL'"
	TARBALL=$(cd "$(dirname "$TARBALL")" && pwd)/$(basename "$TARBALL")
fi

CROSS=0
[ "$ARCH" = "$HOST_ARCH" ] || CROSS=1
if [ "$SOURCE" = debian ]; then
	LABEL=debian
elif [ -n "$VERSION" ]; then
	LABEL=smd-$VERSION
else
	LABEL=smd-$(basename "$TARBALL" | sed 's/\.tar\..*$//')
fi
OUT=${OUT:-$REPO_DIR/build/slurm/$SUITE/$ARCH/$LABEL}
mkdir -p "$OUT" "$CACHE/apt-archives/partial" "$CACHE/log"
OUT=$(cd "$OUT" && pwd)
# What OUT holds when it is complete: a rebuild of the same thing is skipped.
case $SUITE in
bookworm) DEBREL=deb12 ;;
trixie) DEBREL=deb13 ;;
*) die "no Debian release number for suite '$SUITE'" ;;
esac
LOCAL="+$SUFFIX$REV~$DEBREL"
STAMP="source=$LABEL suite=$SUITE arch=$ARCH version=$LOCAL"
if [ "$FORCE" = 0 ] && [ -f "$OUT/build.ok" ] && [ "$(cat "$OUT/build.ok")" = "$STAMP" ] &&
	[ -n "$(find "$OUT" -maxdepth 1 -name '*.deb' | head -n 1)" ]; then
	echo "[$PROG] already built ($STAMP): $OUT; --force (SLURM_REBUILD=1) builds again"
	exit 0
fi
rm -f "$OUT/build.ok"
LOG=$CACHE/log/slurm-$SUITE-$ARCH.log
WORK=$CACHE/work/$SUITE-$ARCH
SRC_KIND=debian
[ "$SOURCE" = debian ] || SRC_KIND=tarball

# Build profiles: nocheck always; cross and the Perl API skip for cross builds.
PROFILES=nocheck
[ "$CROSS" = 0 ] || PROFILES=cross,nocheck,pkg.pihpc.noperl

# One heavy build at a time on this machine.
exec 9>"$CACHE/lock"
if ! flock -n 9; then
	echo "$PROG: another Slurm build holds $CACHE/lock; waiting for it"
	flock 9
fi

: >"$LOG"
START=$SECONDS
PHASE_NO=0
PHASES=7
[ -z "$VERSION" ] || PHASES=$((PHASES + 1))
[ "$SRC_KIND" = debian ] || PHASES=$((PHASES + 1))
[ -f "$BASE" ] || PHASES=$((PHASES + 1))
[ "$CROSS" = 0 ] || PHASES=$((PHASES + 1))
QEMU_ARCH=
if [ "$CROSS" = 1 ]; then
	case $ARCH in
	arm64) QEMU_ARCH=aarch64 ;;
	armhf | armel) QEMU_ARCH=arm ;;
	*) QEMU_ARCH=$ARCH ;;
	esac
	if grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-$QEMU_ARCH" 2>/dev/null; then
		PHASES=$((PHASES + 1))
	else
		QEMU_ARCH=
	fi
fi

fmt_time() {
	printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

# phase TITLE COMMAND...: run COMMAND with all output going to the log, show
# progress on the terminal, stop the build with the log's tail if it fails.
phase() {
	local title=$1 pid rc=0 t0=$SECONDS now last=0
	shift
	PHASE_NO=$((PHASE_NO + 1))
	printf '\n==== phase %d/%d: %s (%s)\n' "$PHASE_NO" "$PHASES" "$title" "$(date -u +%FT%TZ)" >>"$LOG"
	"$@" >>"$LOG" 2>&1 </dev/null &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		now=$SECONDS
		if [ -t 1 ]; then
			printf '\r[%s] %d/%d %s ... %s (total %s)  ' "$PROG" "$PHASE_NO" "$PHASES" "$title" \
				"$(fmt_time $((now - t0)))" "$(fmt_time $((now - START)))"
		elif [ $((now - last)) -ge 60 ]; then
			# Not a terminal (CI, make | tee): one line a minute.
			[ "$last" = 0 ] || printf '[%s] %d/%d %s ... %s (total %s)\n' "$PROG" "$PHASE_NO" "$PHASES" \
				"$title" "$(fmt_time $((now - t0)))" "$(fmt_time $((now - START)))"
			last=$now
		fi
	done
	wait "$pid" || rc=$?
	[ ! -t 1 ] || printf '\r\033[K'
	if [ "$rc" -ne 0 ]; then
		printf '[%s] %d/%d %s FAILED after %s (exit %d); last lines of %s:\n' "$PROG" "$PHASE_NO" \
			"$PHASES" "$title" "$(fmt_time $((SECONDS - t0)))" "$rc" "$LOG" >&2
		tail -n 25 "$LOG" | sed 's/^/  | /' >&2
		{ mkdir -p "$OUT" && cp "$LOG" "$OUT/build.log"; } || true
		printf '[%s] full log: %s (copy: %s)\n' "$PROG" "$LOG" "$OUT/build.log" >&2
		[ ! -d "$WORK" ] || printf '[%s] work chroot kept for inspection: %s\n' "$PROG" "$WORK" >&2
		exit 1
	fi
	printf '[%s] %d/%d %s: done in %s\n' "$PROG" "$PHASE_NO" "$PHASES" "$title" "$(fmt_time $((SECONDS - t0)))"
}

# in_chroot SCRIPT: run the bash SCRIPT as root in the work chroot with /proc,
# /dev and the shared apt package cache mounted. The mounts live in a private
# mount namespace, so they vanish when the command ends, even on failure.
in_chroot() {
	# shellcheck disable=SC2016 # the inner sh expands its own arguments
	unshare --mount --propagation private -- /bin/sh -euc '
		root=$1 archives=$2
		shift 2
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount --bind "$archives" "$root/var/cache/apt/archives"
		exec chroot "$root" "$@"' \
		sh "$WORK" "$CACHE/apt-archives" \
		/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive DEBFULLNAME="pihpc build" DEBEMAIL=pihpc@localhost \
		ARCH="$ARCH" CROSS="$CROSS" JOBS="$JOBS" LOCAL="$LOCAL" SUITE="$SUITE" PROFILES="$PROFILES" \
		SRC_KIND="$SRC_KIND" TARBALL_NAME="$(basename "${TARBALL:-none}")" \
		/bin/bash -c "set -euo pipefail; cd /build 2>/dev/null || true; $1"
}

prepare_chroot() {
	rm -rf "$WORK"
	mkdir -p "$WORK"
	tar -C "$WORK" -xf "$BASE"
	cp /etc/resolv.conf "$WORK/etc/resolv.conf"
	mkdir -p "$WORK/build"
	if [ -n "$TARBALL" ]; then
		cp "$TARBALL" "$WORK/build/"
	fi
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_chroot '
		if [ "$CROSS" = 1 ]; then dpkg --add-architecture "$ARCH"; fi
		'"$APT"' update
		'"$APT"' dist-upgrade
		if [ "$CROSS" = 1 ]; then '"$APT"' install crossbuild-essential-"$ARCH"; fi
		dpkg --print-architecture; dpkg --print-foreign-architectures'
}

get_source() {
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_chroot '
		if [ "$SRC_KIND" = debian ]; then
			apt-get -q source slurm-wlm
		else
			tar -xf "$TARBALL_NAME"
			rm -f "$TARBALL_NAME"
		fi
		src=$(find /build -mindepth 1 -maxdepth 1 -type d | head -n 1)
		[ -f "$src/debian/control" ] || { echo "no debian/control in $src" >&2; exit 1; }
		ln -sfn "$src" /build/src
		cd /build/src
		echo "source: $(dpkg-parsechangelog -S Source) $(dpkg-parsechangelog -S Version)"'
}

local_version() {
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_chroot '
		cd /build/src
		dch --newversion "$(dpkg-parsechangelog -S Version)$LOCAL" \
			"Local build for pihpc ($ARCH, Debian $SUITE): PMIx and PAM enabled."
		v=$(dpkg-parsechangelog -S Version)
		case $v in *"$LOCAL") ;; *) echo "version $v does not end in $LOCAL" >&2; exit 1 ;; esac
		echo "version: $v"'
}

# The known problems of Debian's 22.05 packaging (and SchedMD's debian/rules)
# when cross-building, fixed in the chroot's copy of the source:
#  1. debian/rules runs make in obj-$(DEB_BUILD_GNU_TYPE) where the build
#     directory is obj-$(DEB_HOST_GNU_TYPE);
#  2. configure links its -lhdf5_hl test with the native compiler: the result
#     is given (ac_cv_lib_hdf5_hl_main=yes);
#  3. configure leaves OBJCOPY empty ("rename-section: command not found"):
#     it is set to the cross objcopy;
#  4. the Perl API is built with the build machine's perl configuration and
#     would install arm64 objects under the x86_64 perl path: libslurm-perl and
#     libslurmdb-perl (any package named *perl*) get the build profile
#     <!pkg.pihpc.noperl>, and the rules' perl steps are skipped under it;
#  5. SchedMD's debian/control build-depends on plain python3, which a cross
#     build-dep resolves to python3:arm64, whose postinst cannot run on the
#     build machine ("Exec format error"): python3:native is what the build
#     runs;
#  6. SchedMD's rules configure --with-mysql_config, which makes a failed
#     MySQL check fatal, and the only mariadb_config is the arm64 program
#     (the check then finds no mysql.h): configure gets a stand-in script
#     (HAVEMYSQLCONFIG) that gives the same answers from the target's
#     pkg-config and mariadb_version.h.
patch_cross() {
	# shellcheck disable=SC2016 # expanded inside the chroot / by make
	in_chroot '
		cd /build/src
		rules=debian/rules
		grep -q "obj-\$(DEB_BUILD_GNU_TYPE)" $rules && sed -i "s/obj-\$(DEB_BUILD_GNU_TYPE)/obj-\$(DEB_HOST_GNU_TYPE)/g" $rules
		cat >debian/rules.pihpc <<"EOF"
# Added by pihpc src/slurm/build-debs.sh for cross builds.
include /usr/share/dpkg/architecture.mk
export ac_cv_lib_hdf5_hl_main = yes
export OBJCOPY = $(DEB_HOST_GNU_TYPE)-objcopy
export HAVEMYSQLCONFIG = $(CURDIR)/debian/pihpc-mariadb_config
ifneq (,$(filter pkg.pihpc.noperl,$(DEB_BUILD_PROFILES)))
PIHPC_SKIP := true ||
endif
EOF
		cat >debian/pihpc-mariadb_config <<"EOF"
#!/bin/sh
# Added by pihpc src/slurm/build-debs.sh: mariadb_config for the cross target.
pc=${DEB_HOST_GNU_TYPE:?}-pkg-config
case $1 in
--version) sed -n "s/^#define MARIADB_CLIENT_VERSION_STR[[:space:]]*\"\(.*\)\"/\1/p" /usr/include/mariadb/mariadb_version.h ;;
--include | --cflags) $pc --cflags libmariadb ;;
--libs | --libs_r) $pc --libs libmariadb ;;
*) exit 1 ;;
esac
EOF
		chmod +x debian/pihpc-mariadb_config
		# (it cannot answer yet: the build dependencies come next)
		echo "--- debian/pihpc-mariadb_config written (HAVEMYSQLCONFIG)"
		# include it right after the shebang line
		sed -i "1a include debian/rules.pihpc" $rules
		# skip the perl steps under the profile ("true || cmd | cmd" runs nothing)
		sed -i "/^\t.*\(contribs\/perlapi\|PERL_ARCHLIB\|-plibslurm\(db\)\?-perl\)/ s/^\t/\t\$(PIHPC_SKIP) /" $rules
		awk "
			/^Package:/ { perl = (\$2 ~ /perl/) }
			/^Build-Profiles:/ && perl { next }
			{ print }
			/^Package:/ && perl { print \"Build-Profiles: <!pkg.pihpc.noperl>\" }
		" debian/control >debian/control.new
		mv debian/control.new debian/control
		echo "--- patched debian/rules:"; grep -n "pihpc\|PIHPC\|DEB_HOST_GNU_TYPE" $rules
		echo "--- perl packages with a build profile:"; grep -B1 "pkg.pihpc.noperl" debian/control
		sed -E -i "/^Build-Depends/,/^[^ ]/ s/(^|[ ,:])python3( *,| *\$)/\1python3:native\2/" debian/control
		echo "--- build dependencies:"; sed -n "/^Build-Depends/,/^[^ ]/p" debian/control'
}

build_deps() {
	# apt-get build-dep on the unpacked source does what mk-build-deps -i -r
	# does, and also for a cross build (-a ARCH) and with build profiles.
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_chroot '
		cd /build/src
		if [ "$CROSS" = 1 ]; then
			'"$APT"' -a "$ARCH" -P "$PROFILES" build-dep ./
		else
			'"$APT"' -P "$PROFILES" build-dep ./
		fi'
}

# SchedMD's mpi_pmix.so dlopens libpmix.so.2 instead of linking it, so
# dh_shlibdeps cannot see the library and no package depends on it: a node
# without it loses srun --mpi=pmix at run time, silently at install time. The
# package that ships the plugins (slurm-smd, which slurmd and the client
# depend on) gets the dependency dpkg-shlibdeps would have written, taken
# from the shlibs of the build's own libpmix (libpmix2 on bookworm,
# libpmix2t64 on trixie). verify checks that the plugin's package has it.
# slurm-smd also ships files of Debian's slurm-client (man pages, ...)
# without a Conflicts, so dpkg refused to unpack it on a node changing over
# from Debian's family: it now conflicts, and apt removes slurm-client first.
patch_smd() {
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_chroot '
		cd /build/src
		ma=$(dpkg-architecture -a"$ARCH" -qDEB_HOST_MULTIARCH)
		pkg=$(dpkg-query -S "/usr/lib/$ma/libpmix.so.2" | cut -d: -f1)
		[ -n "$pkg" ] || { echo "no package has /usr/lib/$ma/libpmix.so.2" >&2; exit 1; }
		dep=$(dpkg-query --control-show "$pkg:$ARCH" shlibs 2>/dev/null |
			awk "\$1 == \"libpmix\" && \$2 == 2 { \$1 = \$2 = \"\"; sub(/^ +/, \"\"); print; exit }") || true
		dep=${dep:-$pkg}
		grep -qx "Package: slurm-smd" debian/control || { echo "debian/control has no slurm-smd package" >&2; exit 1; }
		awk -v dep="$dep" "
			/^Package:/ { smd = (\$2 == \"slurm-smd\") }
			smd && /^Depends:/ { sub(/^Depends:/, \"Depends: \" dep \",\") }
			smd && /^Conflicts:/ { sub(/^Conflicts:/, \"Conflicts: slurm-client,\"); conflicts = 1 }
			smd && /^Description:/ && !conflicts { print \"Conflicts: slurm-client\" }
			{ print }
		" debian/control >debian/control.new
		mv debian/control.new debian/control
		awk "/^Package: slurm-smd\$/,/^Description/" debian/control | grep -q "^Conflicts: slurm-client" ||
			{ echo "slurm-smd does not conflict with slurm-client" >&2; exit 1; }
		echo "slurm-smd now depends on: $dep"
		awk "/^Package: slurm-smd\$/,/^Description/" debian/control'
}

build() {
	# dpkg-buildpackage (not debuild, which would clean the environment).
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_chroot '
		cd /build/src
		export DEB_BUILD_OPTIONS="parallel=$JOBS nocheck noautodbgsym"
		if [ "$CROSS" = 1 ]; then
			dpkg-buildpackage -b -uc -us -a "$ARCH" -P"$PROFILES"
		else
			dpkg-buildpackage -b -uc -us -P"$PROFILES"
		fi'
}

# Fail unless configure ran with --with-pmix and --enable-pam and the PMIx
# MPI plugin and the PAM module were built. Also log what the PMIx plugin
# needs at run time (DT_NEEDED and the names it dlopens).
verify() {
	local line found
	line=$(grep -E '(^|[ /])configure .*--enable-pam' "$LOG" | grep -- '--with-pmix' | head -n 1) ||
		{ echo "configure was not run with both --with-pmix and --enable-pam" >&2; return 1; }
	echo "configure line: $line"
	# configure's own findings (Slurm's wording). Read through a pipe: stdout
	# is the log itself, and grep refuses to read its own output file.
	found=$(grep -E '^checking (whether to enable PAM support|for pmix installation)\.\.\.' "$LOG" | sort -u) || true
	printf '%s\n' "$found"
	case $found in
	*'... no'* | *'installation... '$'\n'* | *'installation... ') echo "configure did not enable PAM or PMIx" >&2; return 1 ;;
	esac
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_chroot '
		ok=1
		for d in /build/*.deb; do dpkg-deb -c "$d" | sed "s|^|$(basename "$d"): |"; done >/build/contents.txt
		grep -E "/mpi_pmix[^/]*\.so( |$)" /build/contents.txt || { echo "no mpi_pmix plugin in the .debs" >&2; ok=0; }
		grep -E "/pam_slurm[^/]*\.so( |$)" /build/contents.txt || { echo "no pam_slurm module in the .debs" >&2; ok=0; }
		[ "$ok" = 1 ]
		deb=$(grep -E "/mpi_pmix[^/]*\.so( |$)" /build/contents.txt | head -n 1 | cut -d: -f1)
		if [ "$SRC_KIND" != debian ]; then
			echo "$deb Depends: $(dpkg-deb -f "/build/$deb" Depends)"
			dpkg-deb -f "/build/$deb" Depends | grep -q "libpmix" ||
				{ echo "$deb, which has mpi_pmix, does not depend on libpmix" >&2; exit 1; }
		fi
		rm -rf /tmp/pmix && mkdir /tmp/pmix && dpkg-deb -x "/build/$deb" /tmp/pmix
		for so in $(find /tmp/pmix -name "mpi_pmix*.so"); do
			echo "== ${so#/tmp/pmix} (from $deb)"
			readelf -d "$so" | grep -E "NEEDED|RUNPATH|RPATH" || true
			echo "libpmix names in its strings:"; strings "$so" | grep -E "libpmix|pmix2" || true
		done'
}

# Cross builds: run the built slurmd -V under qemu-user (binfmt_misc) in the
# work chroot, which has the target's shared libraries from the build deps.
smoke_qemu() {
	# shellcheck disable=SC2016 # expanded inside the chroot
	in_chroot '
		rm -rf /tmp/smoke && mkdir /tmp/smoke
		# Debian: slurmd + slurm-wlm-basic-plugins; SchedMD: slurm-smd-slurmd + slurm-smd
		for p in slurmd slurm-wlm-basic-plugins slurm-smd-slurmd slurm-smd; do
			for d in /build/${p}_*_"$ARCH".deb; do
				[ ! -f "$d" ] || dpkg-deb -x "$d" /tmp/smoke
			done
		done
		LD_LIBRARY_PATH=$(find /tmp/smoke -name "libslurm*.so*" -printf "%h\n" | sort -u | paste -sd:)
		export LD_LIBRARY_PATH
		bin=/tmp/smoke/usr/sbin/slurmd-wlm
		[ -e "$bin" ] || bin=/tmp/smoke/usr/sbin/slurmd
		if command -v file >/dev/null; then file "$bin"; fi
		"$bin" -V'
}

collect() {
	mkdir -p "$OUT"
	rm -f "$OUT"/*.deb "$OUT"/*.changes "$OUT"/*.buildinfo "$OUT"/contents.txt
	cp "$WORK"/build/*.deb "$WORK"/build/contents.txt "$OUT"/
	cp "$WORK"/build/*.changes "$WORK"/build/*.buildinfo "$OUT"/ 2>/dev/null || true
	ls -l "$OUT"/*.deb
}

echo "[$PROG] building Slurm ($LABEL) on $SUITE for $ARCH; full log: $LOG"
if [ -n "$VERSION" ]; then
	# Before anything is built: the tarball must have passed the checks.
	phase "fetch and verify SchedMD's $VERSION tarball (fetch-tarball.sh)" \
		"$SCRIPT_DIR/fetch-tarball.sh" "$VERSION"
	TARBALL=$(find "$CACHE/slurm-tarballs/$VERSION" -maxdepth 1 -name "slurm-wlm_$VERSION.orig.tar.*" | head -n 1)
	[ -n "$TARBALL" ] || die "fetch-tarball.sh left no tarball in $CACHE/slurm-tarballs/$VERSION"
	sed -n '/^\[fetch-tarball\].*SHA-256 OK\|^\[fetch-tarball\] cached\|: OK$/p' "$LOG" | sed 's/^/  /'
fi
if [ ! -f "$BASE" ]; then
	phase "create base chroot $BASE (mmdebstrap, once)" create_base
fi
phase "prepare work chroot $WORK" prepare_chroot
phase "get source" get_source
phase "add local version suffix $LOCAL" local_version
if [ "$CROSS" = 1 ]; then
	phase "patch the packaging for the $ARCH cross build" patch_cross
fi
phase "install build dependencies" build_deps
if [ "$SRC_KIND" != debian ]; then
	phase "slurm-smd: depend on the libpmix the PMIx plugin loads, conflict with slurm-client" patch_smd
fi
phase "build (dpkg-buildpackage, parallel=$JOBS)" build
phase "verify PMIx and PAM" verify
if [ -n "$QEMU_ARCH" ]; then
	phase "run $ARCH slurmd -V under qemu-user" smoke_qemu
elif [ "$CROSS" = 1 ]; then
	echo "[$PROG] no qemu-user binfmt for $ARCH: $ARCH binaries not run (apt-get install qemu-user-static binfmt-support; see src/slurm/README)"
fi
phase "collect .debs" collect

cp "$LOG" "$OUT/build.log"
echo "$STAMP" >"$OUT/build.ok"
if [ "$KEEP" = 1 ]; then
	echo "[$PROG] work chroot kept: $WORK"
else
	rm -rf "$WORK"
fi
version=$(dpkg-deb -f "$(find "$OUT" -maxdepth 1 -name '*.deb' | head -n 1)" Version)
printf '[%s] %d .debs, version %s, in %s (total %s)\n' "$PROG" \
	"$(find "$OUT" -maxdepth 1 -name '*.deb' | wc -l)" "$version" "$OUT" "$(fmt_time $((SECONDS - START)))"
grep -oE -- '--(enable-pam|with-pmix[^ ]*)' "$LOG" | sort -u | sed 's/^/  configure flag: /'
[ -z "$QEMU_ARCH" ] || sed -n '/run .* under qemu-user/,/^====/p' "$LOG" | grep -E '^slurm [0-9]' | sed 's/^/  under qemu-user: /'
printf '  full log: %s\n' "$OUT/build.log"
