#!/bin/bash
# tests/qa/piuparts.sh REPO [SUITE...] - piuparts on every pihpc package, as
# Debian checks its own packages: in a clean chroot of each SUITE (default
# bookworm trixie), install and purge, then install the previous build and
# upgrade it to this one, then purge; nothing may be left behind.
#
# Each role package is tested together with pihpc-common, which it needs at
# the same version; pihpc-common is also tested alone.
#
# The previous build comes from tests/qa/previous-build.sh.
#
# In the chroot no daemon starts (piuparts' policy-rc.d) and systemd is not
# PID 1, so the maintainer scripts take their "not booted" paths.  As a
# second guard, the chroot's answers put the cluster on 127.0.1.0/24: the
# chroot shares this machine's network, and the seed's 10.0.0.x addresses
# must never be reached from it.
set -euo pipefail

PROG=piuparts
TOP=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
CACHE=${PIHPC_TEST_CACHE:-/var/cache/pihpc-test}/piuparts
MAX_AGE_DAYS=7

log() { printf '# [%s] %s: %s\n' "$(date +%T)" "$PROG" "$*" >&2; }
die() { log "error: $*"; exit 1; }

REPO=$(readlink -f "${1:?usage: tests/qa/piuparts.sh REPO [SUITE...]}")
shift
[ $# -gt 0 ] || set -- bookworm trixie
[ "$(id -u)" = 0 ] || die "must run as root"
command -v piuparts >/dev/null || die "piuparts is missing (make deps installs it)"

# piuparts makes its chroots in TMPDIR: below WORK, so that the clean-up
# finds what an interrupted piuparts left mounted.
WORK=$(mktemp -d /tmp/pihpc-piuparts.XXXXXX)
mkdir "$WORK/tmp"
PIUPARTS_PID=
cleanup() {
	local m
	if [ -n "$PIUPARTS_PID" ]; then
		# piuparts takes its chroot apart on SIGINT: give it two minutes.
		kill -INT "$PIUPARTS_PID" 2>/dev/null || true
		for _ in $(seq 120); do
			kill -0 "$PIUPARTS_PID" 2>/dev/null || break
			sleep 1
		done
		kill -KILL "$PIUPARTS_PID" 2>/dev/null || true
	fi
	# Nothing mounted is the usual case: grep's "no match" must not
	# become this script's exit status (set -e holds in the trap too).
	findmnt -rn -o TARGET | { grep "^$WORK/" || true; } | sort -r | while read -r m; do
		umount -l "$m" || true
	done
	rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

version() { dpkg-deb -f "$1" Version; }
deb_of() {
	local f
	f=$(find "$2" -maxdepth 1 -name "$1_*.deb" | head -n 1)
	[ -n "$f" ] || die "no $1 package in $2"
	printf '%s\n' "$f"
}

# The base has systemd, as every machine pihpc is for: otherwise it comes
# in as a dependency, and its postinst's systemd-tmpfiles run on trixie
# leaves links and directories (/etc/vconsole.conf, /var/lib/private, ...)
# that its purge does not take back and that piuparts would blame on the
# package under test.  systemd does not run in the chroot all the same.
base_tarball() {
	local suite=$1 tgz=$CACHE/$1-systemd.tar.gz
	mkdir -p "$CACHE"
	if [ -f "$tgz" ] && [ -z "$(find "$tgz" -mtime +"$MAX_AGE_DAYS")" ]; then
		printf '%s\n' "$tgz"
		return 0
	fi
	log "$suite: base chroot (mmdebstrap)"
	mmdebstrap --variant=minbase --include=systemd --format=tar "$suite" - </dev/null 2>"$CACHE/$suite.log" |
		gzip -1 >"$tgz.tmp" || { tail -20 "$CACHE/$suite.log" >&2; die "$suite: mmdebstrap failed"; }
	mv "$tgz.tmp" "$tgz"
	printf '%s\n' "$tgz"
}

# piuparts runs pre_install_* scripts in the chroot before it installs the
# packages under test.
scripts_dir() {
	local d=$WORK/scripts
	mkdir -p "$d"
	cat >"$d/pre_install_pihpc_preseed" <<-'EOF'
		#!/bin/sh
		# Loopback addresses only: the chroot shares the host's network.
		cat <<SEL | debconf-set-selections
		pihpc-common pihpc-common/hosts string 127.0.1.11 rpnode01, 127.0.1.12 rpnode02, 127.0.1.13 filenode01
		pihpc-common pihpc-common/subnet string 127.0.1.0/24
		SEL
	EOF
	# --keep-sources-list leaves out --extra-repo: the previous build's
	# repository is added here, before piuparts' first apt-get update.
	cat >"$d/post_chroot_unpack_pihpc_previous" <<-EOF
		#!/bin/sh
		echo 'deb [trusted=yes] file://$PREV ./' >/etc/apt/sources.list.d/pihpc-previous.list
		# piuparts hands its TMPDIR (below WORK) to the chroot's commands,
		# daemons running as their own users among them.
		mkdir -p "\${TMPDIR:-/tmp}" && chmod 1777 "\${TMPDIR:-/tmp}"
	EOF
	chmod +x "$d/pre_install_pihpc_preseed" "$d/post_chroot_unpack_pihpc_previous"
	printf '%s\n' "$d"
}

# A copy of the previous build for this run alone: piuparts looks for
# processes left in its chroot by their open files, and a directory
# bind-mounted into the chroots of two runs at once would make each see
# (and kill) the other's apt.
PREV=$("$TOP/tests/qa/previous-build.sh") || die "no previous build"
cp -a "$PREV" "$WORK/previous"
PREV=$WORK/previous
SCRIPTS=$(scripts_dir)
log "this build $(version "$(deb_of pihpc-common "$REPO")"), previous $(version "$(deb_of pihpc-common "$PREV")")"
fails=0 runs=0
for suite in "$@"; do
	tgz=$(base_tarball "$suite")
	for set in common storage master compute; do
		debs=("$(deb_of pihpc-common "$REPO")")
		[ "$set" = common ] || debs+=("$(deb_of "pihpc-$set" "$REPO")")
		logf=$TOP/build/piuparts-$suite-$set.log
		runs=$((runs + 1))
		t0=$SECONDS
		# --allow-database: pihpc-master depends on MariaDB.
		# --keep-sources-list: the base's own sources, with the updates
		# and security suites the base was made from.
		# --ignore: trixie's debconf leaves the directory it extracts the
		# templates of every package into (apt-extracttemplates) behind;
		# nothing of pihpc's is in it.  MariaDB, a dependency of
		# pihpc-master, keeps its databases and debian.cnf on purge: its
		# postrm forgets its debconf questions before it asks whether to
		# remove them, so no preseeded answer reaches it.  pihpc's own
		# database goes only when pihpc-master/purge-database says so.
		# The MariaDB that pihpc-master pulls in starts in the chroot,
		# which shares this machine's network: one at a time on port
		# 3306, whatever release lanes run side by side.  The lock is
		# this script's: piuparts and what it starts do not inherit it.
		if [ "$set" = master ]; then
			exec 9>"$CACHE/mariadb.lock"
			flock -w 1800 9 || die "timeout waiting for $CACHE/mariadb.lock"
		fi
		TMPDIR=$WORK/tmp piuparts --basetgz="$tgz" -d "$suite" --keep-sources-list \
			--bindmount="$PREV" --ignore=/var/cache/debconf/tmp.ci/ \
			--ignore=/etc/mysql/ --ignore=/etc/mysql/debian.cnf \
			--ignore-regex='/var/lib/mysql/.*' \
			--scriptsdir="$SCRIPTS" --allow-database \
			"${debs[@]}" >"$logf" 2>&1 9>&- &
		PIUPARTS_PID=$!
		rc=0
		wait "$PIUPARTS_PID" || rc=$?
		PIUPARTS_PID=
		exec 9>&-
		# piuparts passes when the package is not in any repository and
		# skips the upgrade test: that is a failure here.
		if [ "$rc" = 0 ] && ! grep -q 'PASS: Installation, upgrade and purging tests' "$logf"; then
			echo "$suite: pihpc-$set: the previous build was not found: the upgrade test did not run" >>"$logf"
			rc=1
		fi
		if [ "$rc" = 0 ]; then
			log "$suite: pihpc-$set: PASS ($((SECONDS - t0)) s, log $logf)"
		else
			grep -aE ' (ERROR|FAIL):|upgrade test did not run' "$logf" | head -20 >&2 || tail -30 "$logf" >&2
			log "$suite: pihpc-$set: FAIL ($((SECONDS - t0)) s, log $logf)"
			fails=$((fails + 1))
		fi
	done
done
echo "RESULT: piuparts: $((runs - fails)) passed, $fails failed, 0 skipped"
[ "$fails" = 0 ]
