#!/bin/bash
# Fetch SchedMD's Slurm release tarball from Debian's archive and verify it.
#
# Debian ships SchedMD's release tarballs unchanged as the .orig.tar.* of its
# slurm-wlm source packages, and Debian's archive is the one place we can
# reach. The tarball carries SchedMD's own debian/ (source slurm-smd), which
# build-debs.sh builds. Nothing is built from a file whose SHA-256 does not
# match the suite's signed index:
#
#   InRelease  --gpgv, Debian archive keyring-->  SHA-256 of main/source/Sources.xz
#   Sources.xz --Checksums-Sha256 of slurm-wlm-->  SHA-256 of slurm-wlm_V.orig.tar.*
#
# The verified tarball is cached per version under the build cache with the
# SHA-256 taken from the signed index, so later builds need no network and
# still re-check the file.

set -euo pipefail

PROG=fetch-tarball
CACHE=${PIHPC_BUILD_CACHE:-/var/cache/pihpc-build}
MIRROR=${PIHPC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=${PIHPC_ARCHIVE_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# trixie first: a stable suite's index has no Valid-Until, and its files stay.
SUITES=${SLURM_TARBALL_SUITES:-trixie forky sid}
ALLOW_EXPIRED=0
VERSION=

usage() {
	cat <<EOF
Usage: $0 [--suites "S1 S2..."] [--mirror URL] [--allow-expired] VERSION

Download SchedMD's Slurm VERSION release tarball (the slurm-wlm_VERSION.orig
tarball of Debian's slurm-wlm source package) and verify it against the signed
index of the first suite that lists it. Prints its path as the last line.

  --suites LIST    suites to look in, in order (default: "$SUITES",
                   env SLURM_TARBALL_SUITES)
  --mirror URL     Debian mirror (default: $MIRROR, env PIHPC_DEBIAN_MIRROR)
  --allow-expired  accept an InRelease past its Valid-Until (apt refuses it)

Checks, in order (any failure: error, nothing is kept):
  1. SUITE/InRelease: gpgv with $KEYRING
     (env PIHPC_ARCHIVE_KEYRING), its Suite or Codename is SUITE, not expired;
  2. main/source/Sources.xz: SHA-256 and size as listed in InRelease;
  3. the slurm-wlm stanza of upstream VERSION in Sources: SHA-256 of the tarball
     from its Checksums-Sha256, checked after the download.

Cache: \$PIHPC_BUILD_CACHE/slurm-tarballs/VERSION/ (default cache
/var/cache/pihpc-build) holds the tarball, SHA256SUMS and source.txt (where the
checksum came from). A cached tarball is checked against SHA256SUMS again.
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--suites) SUITES=${2:?--suites needs a value}; shift 2 ;;
	--suites=*) SUITES=${1#*=}; shift ;;
	--mirror) MIRROR=${2:?--mirror needs a value}; shift 2 ;;
	--mirror=*) MIRROR=${1#*=}; shift ;;
	--allow-expired) ALLOW_EXPIRED=1; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) [ -z "$VERSION" ] || { usage >&2; exit 2; }; VERSION=$1; shift ;;
	esac
done

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}
say() {
	printf '[%s] %s\n' "$PROG" "$*" >&2
}

[ -n "$VERSION" ] || { usage >&2; exit 2; }
# Only a plain upstream version: it becomes part of file names and patterns.
case $VERSION in
*[!0-9.]* | .* | *. | *..*) die "not an upstream Slurm version (e.g. 24.11.5): '$VERSION'" ;;
esac
[ -r "$KEYRING" ] || die "cannot read the archive keyring $KEYRING (apt-get install debian-archive-keyring)"
for c in gpgv xz sha256sum /usr/lib/apt/apt-helper; do
	command -v "$c" >/dev/null || die "$c is missing (gpgv, xz-utils, coreutils, apt)"
done

DEST=$CACHE/slurm-tarballs/$VERSION
MIRROR=${MIRROR%/}

# A cached tarball: its checksum was taken from a signed index when it was
# fetched; check the file again, since the cache is only a directory.
cached=$(find "$DEST" -maxdepth 1 -name "slurm-wlm_$VERSION.orig.tar.*" 2>/dev/null | head -n 1) || true
if [ -n "$cached" ] && [ -f "$DEST/SHA256SUMS" ]; then
	say "cached: $cached ($(sed -n 's/^checksum from: //p' "$DEST/source.txt" 2>/dev/null))"
	(cd "$DEST" && sha256sum --strict -c SHA256SUMS) >&2 ||
		die "$cached does not match $DEST/SHA256SUMS: remove $DEST to fetch it again"
	echo "$cached"
	exit 0
fi

mkdir -p "$CACHE/slurm-tarballs"
TMP=$(mktemp -d "$CACHE/slurm-tarballs/.fetch.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# download URL FILE: apt's own HTTP method, so apt's proxy settings apply. As
# root it cannot drop to _apt for a file in our private temporary directory;
# the sandbox warning says only that.
download() {
	/usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$1" "$2" >"$TMP/download.log" 2>&1 || {
		sed 's/^/  | /' "$TMP/download.log" >&2
		return 1
	}
	# apt's file: method (a local mirror) gives a symbolic link; the cache
	# must hold the file itself.
	if [ -L "$2" ]; then cp --remove-destination "$(readlink -f "$2")" "$2"; fi
}

# sha256_of_release FILE PATH: "SHA256 SIZE" of PATH in the SHA256 list of the
# Release FILE.
sha256_of_release() {
	awk -v p="$2" '
		/^[^ ]/ { in_sha = ($1 == "SHA256:") ; next }
		in_sha && $3 == p { print $1, $2; exit }' "$1"
}

# check_file FILE SHA256 [SIZE]: die naming FILE unless it has that checksum.
check_file() {
	local got size
	got=$(sha256sum "$1" | cut -d' ' -f1)
	if [ "$got" != "$2" ]; then
		printf '%s: error: SHA-256 mismatch for %s:\n  expected %s (signed index)\n  got      %s\n' \
			"$PROG" "$(basename "$1")" "$2" "$got" >&2
		exit 1
	fi
	if [ -n "${3:-}" ]; then
		size=$(stat -c %s "$1")
		[ "$size" = "$3" ] || die "size mismatch for $(basename "$1"): expected $3, got $size"
	fi
	say "  SHA-256 OK: $(basename "$1") $got"
}

found=
for suite in $SUITES; do
	say "$suite: phase 1/3: InRelease, signature"
	download "$MIRROR/dists/$suite/InRelease" "$TMP/InRelease" ||
		{ say "  $suite: no InRelease, next suite"; continue; }
	# Only the signed part is read further: gpgv writes it to Release.
	if ! gpgv --status-fd 3 --keyring "$KEYRING" --output "$TMP/Release" "$TMP/InRelease" \
		3>"$TMP/gpgv.status" 2>"$TMP/gpgv.log"; then
		# A signature by a key the keyring does not have (a newer release's)
		# fails gpgv, yet another signature may be good: judge by the status
		# (a bad signature is refused below).
		grep -q '^\[GNUPG:\] VALIDSIG ' "$TMP/gpgv.status" || {
			sed 's/^/  | /' "$TMP/gpgv.log" >&2
			die "$suite/InRelease: no valid signature by a key in $KEYRING"
		}
	fi
	grep -q '^\[GNUPG:\] BADSIG ' "$TMP/gpgv.status" && die "$suite/InRelease: bad signature"
	grep '^gpgv: Good signature' "$TMP/gpgv.log" | sed 's/^/  /' >&2
	# A correctly signed InRelease of another suite must not stand in for this one.
	codename=$(sed -n 's/^Codename: //p' "$TMP/Release")
	suitename=$(sed -n 's/^Suite: //p' "$TMP/Release")
	[ "$suite" = "$codename" ] || [ "$suite" = "$suitename" ] ||
		die "$suite/InRelease is signed for Suite '$suitename', Codename '$codename'"
	valid=$(sed -n 's/^Valid-Until: //p' "$TMP/Release")
	if [ -n "$valid" ] && [ "$(date -u -d "$valid" +%s)" -lt "$(date -u +%s)" ]; then
		# An expired index may be a replayed old one (apt refuses it too).
		[ "$ALLOW_EXPIRED" = 1 ] || {
			say "  $suite: InRelease expired (Valid-Until: $valid), skipped (--allow-expired takes it)"
			continue
		}
		say "  $suite: InRelease expired (Valid-Until: $valid), taken (--allow-expired)"
	fi
	say "  $suite: $(sed -n 's/^Date: //p' "$TMP/Release")"

	say "$suite: phase 2/3: main/source/Sources.xz against InRelease"
	read -r sum size < <(sha256_of_release "$TMP/Release" main/source/Sources.xz) ||
		die "$suite/InRelease lists no SHA-256 for main/source/Sources.xz"
	download "$MIRROR/dists/$suite/main/source/Sources.xz" "$TMP/Sources.xz" ||
		die "cannot download $suite/main/source/Sources.xz"
	check_file "$TMP/Sources.xz" "$sum" "$size"
	xz -dc "$TMP/Sources.xz" >"$TMP/Sources"

	say "$suite: phase 3/3: slurm-wlm $VERSION tarball against Sources"
	# The stanza(s) of source slurm-wlm with upstream VERSION (any Debian
	# revision, any epoch): "DIRECTORY SHA256 SIZE FILE" of its orig tarball.
	line=$(awk -v v="$VERSION" '
		function flush() {
			if (pkg == "slurm-wlm" && up == v && sha != "") print dir, sha
			pkg = up = dir = sha = ""; in_sum = 0
		}
		/^$/ { flush(); next }
		/^Package: / { pkg = $2 }
		/^Version: / { up = $2; sub(/^[0-9]+:/, "", up); sub(/-[^-]*$/, "", up) }
		/^Directory: / { dir = $2 }
		/^[^ ]/ { in_sum = ($1 == "Checksums-Sha256:"); next }
		in_sum && $3 ~ ("^slurm-wlm_" v "\\.orig\\.tar\\.(gz|bz2|xz)$") { sha = $1 " " $2 " " $3 }
		END { flush() }' "$TMP/Sources" | head -n 1)
	if [ -z "$line" ]; then
		say "  $suite: no slurm-wlm $VERSION (it has: $(awk '/^Package: slurm-wlm$/ { p = 1 } p && /^Version: / { print $2; p = 0 }' "$TMP/Sources" | tr '\n' ' '))"
		continue
	fi
	read -r dir sum size file <<<"$line"
	say "  $suite lists $file: $sum ($size bytes)"
	download "$MIRROR/$dir/$file" "$TMP/$file" || {
		say "  $suite: $MIRROR/$dir/$file could not be downloaded, next suite"
		continue
	}
	check_file "$TMP/$file" "$sum" "$size"
	found=$file
	break
done

[ -n "$found" ] || die "no suite of ($SUITES) had a verifiable slurm-wlm_$VERSION.orig tarball"

mkdir -p "$DEST"
(cd "$TMP" && sha256sum "$found") >"$TMP/SHA256SUMS"
{
	echo "version: $VERSION"
	echo "checksum from: $MIRROR $suite main/source/Sources.xz (InRelease $(sed -n 's/^Date: //p' "$TMP/Release"))"
	echo "fetched: $(date -u +%FT%TZ)"
} >"$TMP/source.txt"
# Moved in last: a tarball in the cache has always passed the checks.
mv "$TMP/SHA256SUMS" "$TMP/source.txt" "$DEST/"
mv "$TMP/$found" "$DEST/$found"
say "verified and cached: $DEST/$found"
echo "$DEST/$found"
