#!/bin/bash
# tests/qa/previous-build.sh - the previous release of pihpc as a flat apt
# repository; prints its directory.  The previous release is the tree as
# it was before the newest debian/changelog entry (the parent of the commit
# that added it, however often the entry was edited since), built once
# with nocheck and cached by commit under build/prev-COMMIT, for piuparts'
# upgrade test and the cluster's upgrade test.  A shallow clone fetches its
# history first; without it, this fails saying so.
set -euo pipefail

PROG=previous-build
TOP=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)

log() { printf '# [%s] %s: %s\n' "$(date +%T)" "$PROG" "$*" >&2; }
die() { log "error: $*"; exit 1; }

previous_build() {
	local bump="" prev dir cur c v
	cur=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)
	git -C "$TOP" rev-parse --verify -q HEAD >/dev/null ||
		die "not a git clone: no previous build to upgrade from"
	# A shallow clone (as CI systems make) lacks the previous release.
	if [ "$(git -C "$TOP" rev-parse --is-shallow-repository)" = true ]; then
		git -C "$TOP" fetch -q --unshallow ||
			die "a shallow clone, and its origin cannot give the history: no previous build"
	fi
	# The commit that added the newest changelog entry: the oldest one
	# whose changelog already has this version on top.
	for c in $(git -C "$TOP" log --format=%H -- debian/changelog); do
		v=$(git -C "$TOP" show "$c:debian/changelog" | dpkg-parsechangelog -l - -S Version)
		[ "$v" = "$cur" ] || break
		bump=$c
	done
	[ -n "$bump" ] || die "the version $cur of debian/changelog is not committed"
	prev=$(git -C "$TOP" rev-parse --verify -q "$bump^") ||
		die "the history before $bump is missing: no previous build"
	dir=$TOP/build/prev-$(git -C "$TOP" rev-parse --short "$prev")
	mkdir -p "$TOP/build"
	# One build for the lanes of several releases running at once.
	exec 8>"$TOP/build/.prev.lock"
	flock -w 1800 8 || die "timeout waiting for $TOP/build/.prev.lock"
	if [ ! -f "$dir/repo/Release" ]; then
		log "building the previous release ($(git -C "$TOP" show "$prev:debian/changelog" |
			dpkg-parsechangelog -l - -S Version), commit $(git -C "$TOP" rev-parse --short "$prev"))"
		rm -rf "$dir"
		mkdir -p "$dir/src" "$dir/repo"
		git -C "$TOP" archive "$prev" | tar -C "$dir/src" -xf -
		(cd "$dir/src" && DEB_BUILD_OPTIONS="nocheck noautodbgsym" \
			dpkg-buildpackage -b -uc -us -Pnocheck) >"$dir/build.log" 2>&1 ||
			{ tail -30 "$dir/build.log" >&2; die "the previous build failed"; }
		mv "$dir"/pihpc-*.deb "$dir/repo/"
		rm -f "$dir"/repo/*-dbgsym_*.deb
		(cd "$dir/repo" && apt-ftparchive packages . >Packages &&
			apt-ftparchive release . >Release)
		rm -rf "$dir/src"
	fi
	exec 8>&-
	printf '%s\n' "$dir/repo"
}


previous_build
