#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='src/slurm/fetch-tarball.sh against a local signed mirror

A file: mirror with its own signing key stands in for Debian: the script must
take a tarball only when InRelease is signed by a key of the keyring given,
is for the suite asked for and not expired, Sources.xz has the SHA-256 that
InRelease lists and the tarball the one Sources lists. Offline.'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
FETCH=$TOP/src/slurm/fetch-tarball.sh

. /usr/share/sharness/sharness.sh

if command -v gpg && command -v gpgv && command -v gpgconf && command -v xz &&
	test -x /usr/lib/apt/apt-helper
then
	test_set_prereq TOOLS
fi >/dev/null

GNUPGHOME=$PWD/gnupg
export GNUPGHOME
# Nothing of the host's cache or keyring may be used.
PIHPC_BUILD_CACHE=$PWD/cache
PIHPC_ARCHIVE_KEYRING=$PWD/keyring.gpg
export PIHPC_BUILD_CACHE PIHPC_ARCHIVE_KEYRING
MIRROR=file://$PWD/mirror

# mktarball VERSION CONTENT: pool/.../slurm-wlm_VERSION.orig.tar.gz
mktarball () {
	mkdir -p "src-$1/slurm-$1/debian" mirror/pool/main/s/slurm-wlm &&
	echo "$2" >"src-$1/slurm-$1/debian/control" &&
	tar -C "src-$1" -czf "mirror/pool/main/s/slurm-wlm/slurm-wlm_$1.orig.tar.gz" "slurm-$1"
}

# mkindex SUITE [EXTRA-RELEASE-FIELD]: Sources.xz listing every tarball of
# the pool, and InRelease for it signed with the key of gnupg/
mkindex () {
	d=mirror/dists/$1 &&
	mkdir -p "$d/main/source" &&
	for t in mirror/pool/main/s/slurm-wlm/*.orig.tar.gz; do
		f=$(basename "$t") v=${f#slurm-wlm_} v=${v%.orig.tar.gz} &&
		printf "Package: slurm-wlm\nVersion: %s-1\nDirectory: pool/main/s/slurm-wlm\nChecksums-Sha256:\n %s %s %s\n\n" \
			"$v" "$(sha256sum <"$t" | cut -d" " -f1)" "$(stat -c %s "$t")" "$f" || return 1
	done >"$d/main/source/Sources" &&
	xz -kf "$d/main/source/Sources" &&
	{
		printf "Origin: Test\nSuite: stable\nCodename: %s\nDate: %s\n" "$1" "$(date -uR)" &&
		if test -n "${2:-}"; then echo "$2"; fi &&
		echo "SHA256:" &&
		for f in main/source/Sources main/source/Sources.xz; do
			printf " %s %s %s\n" "$(sha256sum <"$d/$f" | cut -d" " -f1)" "$(stat -c %s "$d/$f")" "$f" || return 1
		done
	} >"$d/Release" &&
	gpg -q --batch --yes --clearsign -o "$d/InRelease" "$d/Release"
}

test_expect_success '--help prints the usage on stdout' '
	"$FETCH" --help >out 2>err &&
	grep "^Usage: .*fetch-tarball.sh .*VERSION$" out &&
	test_must_be_empty err
'

test_expect_success 'no version: usage on stderr, exit 2' '
	test_expect_code 2 "$FETCH" 2>err &&
	grep "^Usage:" err
'

test_expect_success 'a version that is not a plain upstream version is refused' '
	test_expect_code 1 "$FETCH" "24.11.5/../x" 2>err &&
	grep "not an upstream Slurm version" err
'

test_expect_success TOOLS 'set-up: a signing key and a trixie mirror with 24.11.5' '
	mkdir -m 700 gnupg &&
	gpg -q --batch --passphrase "" --quick-gen-key "fetch-tarball test <test@invalid>" ed25519 sign 1d &&
	gpg -q --export >keyring.gpg &&
	mktarball 24.11.5 "Source: slurm-smd" &&
	mkindex trixie
'

test_expect_success TOOLS 'a good tarball is verified in three phases and cached' '
	"$FETCH" --mirror "$MIRROR" --suites trixie 24.11.5 >out 2>err &&
	cat err &&
	echo "$PIHPC_BUILD_CACHE/slurm-tarballs/24.11.5/slurm-wlm_24.11.5.orig.tar.gz" >expect &&
	test_cmp expect out &&
	grep "phase 1/3: InRelease, signature" err &&
	grep "SHA-256 OK: Sources.xz " err &&
	grep "SHA-256 OK: slurm-wlm_24.11.5.orig.tar.gz " err &&
	cmp mirror/pool/main/s/slurm-wlm/slurm-wlm_24.11.5.orig.tar.gz "$(cat out)" &&
	test ! -L "$(cat out)" &&
	grep "^checksum from: $MIRROR trixie main/source/Sources.xz" cache/slurm-tarballs/24.11.5/source.txt
'

test_expect_success TOOLS 'the cached tarball is checked again, without the mirror' '
	"$FETCH" --mirror file:///nonexistent --suites trixie 24.11.5 >out 2>err &&
	test_cmp expect out &&
	grep "cached:" err &&
	grep "slurm-wlm_24.11.5.orig.tar.gz: OK" err
'

test_expect_success TOOLS 'a changed cached tarball is an error naming it' '
	echo x >>cache/slurm-tarballs/24.11.5/slurm-wlm_24.11.5.orig.tar.gz &&
	test_expect_code 1 "$FETCH" --mirror "$MIRROR" --suites trixie 24.11.5 >out 2>err &&
	test_must_be_empty out &&
	grep "error: .*slurm-wlm_24.11.5.orig.tar.gz does not match .*SHA256SUMS" err &&
	rm -r cache
'

test_expect_success TOOLS 'a tarball that differs from Sources: error naming it, nothing cached' '
	cp mirror/pool/main/s/slurm-wlm/slurm-wlm_24.11.5.orig.tar.gz good.tar.gz &&
	mktarball 24.11.5 "Source: tampered" &&
	test_expect_code 1 "$FETCH" --mirror "$MIRROR" --suites trixie 24.11.5 >out 2>err &&
	test_must_be_empty out &&
	grep "error: SHA-256 mismatch for slurm-wlm_24.11.5.orig.tar.gz:" err &&
	test ! -e cache/slurm-tarballs/24.11.5 &&
	cp good.tar.gz mirror/pool/main/s/slurm-wlm/slurm-wlm_24.11.5.orig.tar.gz
'

test_expect_success TOOLS 'a Sources.xz that differs from InRelease: error naming it' '
	cp mirror/dists/trixie/main/source/Sources.xz good-Sources.xz &&
	echo x | xz >mirror/dists/trixie/main/source/Sources.xz &&
	test_expect_code 1 "$FETCH" --mirror "$MIRROR" --suites trixie 24.11.5 >out 2>err &&
	grep "error: SHA-256 mismatch for Sources.xz:" err &&
	test ! -e cache/slurm-tarballs/24.11.5 &&
	cp good-Sources.xz mirror/dists/trixie/main/source/Sources.xz
'

# The other key lives in a GnuPG home of its own, in a subshell: the home
# of the mirror's key is never swapped, since a gpg-agent still serving a
# home that is replaced under it made the next gpg fail under load.
test_expect_success TOOLS 'an InRelease signed by a key not in the keyring is refused' '
	(
		GNUPGHOME=$PWD/gnupg-other && export GNUPGHOME &&
		mkdir -m 700 "$GNUPGHOME" &&
		gpg -q --batch --passphrase "" --quick-gen-key "other <other@invalid>" ed25519 sign 1d &&
		mkindex trixie &&
		gpgconf --kill all
	) &&
	test_expect_code 1 "$FETCH" --mirror "$MIRROR" --suites trixie 24.11.5 >out 2>err &&
	grep "error: trixie/InRelease: no valid signature by a key in $PIHPC_ARCHIVE_KEYRING" err &&
	test ! -e cache/slurm-tarballs/24.11.5 &&
	mkindex trixie
'

test_expect_success TOOLS 'an InRelease of another suite is refused' '
	mkdir -p mirror/dists/forky &&
	cp -r mirror/dists/trixie/* mirror/dists/forky/ &&
	test_expect_code 1 "$FETCH" --mirror "$MIRROR" --suites forky 24.11.5 2>err &&
	grep "error: forky/InRelease is signed for Suite .stable., Codename .trixie." err
'

test_expect_success TOOLS 'an expired InRelease is skipped unless --allow-expired' '
	mkindex sid "Valid-Until: Thu, 01 Jan 2015 00:00:00 UTC" &&
	test_expect_code 1 "$FETCH" --mirror "$MIRROR" --suites sid 24.11.5 2>err &&
	grep "sid: InRelease expired" err &&
	grep "error: no suite of (sid) had a verifiable slurm-wlm_24.11.5.orig tarball" err &&
	"$FETCH" --mirror "$MIRROR" --suites sid --allow-expired 24.11.5 >out 2>err &&
	test_cmp expect out &&
	rm -r cache
'

test_expect_success TOOLS 'the first suite that lists the version is taken' '
	mktarball 26.05.5 "Source: slurm-smd" &&
	mkindex sid &&
	"$FETCH" --mirror "$MIRROR" --suites "trixie sid" 26.05.5 >out 2>err &&
	grep "trixie: no slurm-wlm 26.05.5 (it has: 24.11.5-1 )" err &&
	grep "sid lists slurm-wlm_26.05.5.orig.tar.gz" err &&
	test -f cache/slurm-tarballs/26.05.5/slurm-wlm_26.05.5.orig.tar.gz
'

test_expect_success TOOLS 'a version no suite lists: error' '
	test_expect_code 1 "$FETCH" --mirror "$MIRROR" --suites trixie 23.02.1 >out 2>err &&
	grep "error: no suite of (trixie) had a verifiable slurm-wlm_23.02.1.orig tarball" err
'

test_expect_success TOOLS 'clean-up: gpg-agent stopped' '
	gpgconf --kill all
'

test_done
