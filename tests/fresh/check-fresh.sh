#!/bin/bash
# tests/fresh/check-fresh.sh SUITE... - the README's set-up on a machine that
# has nothing installed.
#
# For each SUITE (bookworm, trixie): a pristine Debian root file system
# (mmdebstrap --variant=minbase: only what every Debian system has; no build
# dependencies, no test tools, no devscripts, not even make), a clone of this
# repository's HEAD in it, and, in a systemd-nspawn container that shares the
# host's network (it reaches Debian's archive the way the host does):
#   1. the README's set-up prefix, exactly as the README writes it, followed
#      by "make deb" and "make check-unit" (the build and every unit suite);
#   2. the set-up of every other target (make deps-slurm deps-arm64
#      deps-vm deps-bench), then the tools each one starts its work with.
# Any install step missing from the project's own files fails here, whatever
# the machine running this already has.
#
# Cached between runs (PIHPC_TEST_CACHE, default /var/cache/pihpc-test): the
# pristine tarball per suite (rebuilt after a week) and downloaded .debs (the
# apt archive cache only: nothing is installed from a cache).  Each run starts
# from a new copy of the tarball and removes it afterwards.
set -euo pipefail

PROG=check-fresh
TOP=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
CACHE=${PIHPC_TEST_CACHE:-/var/cache/pihpc-test}/fresh
STATE=${PIHPC_TEST_STATE:-/run/pihpc-cluster}/fresh-$$
MAX_AGE_DAYS=7

log() { printf '# [%s] %s: %s\n' "$(date +%T)" "$PROG" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (it boots containers)"
[ $# -gt 0 ] || set -- bookworm trixie
for s in "$@"; do
	case $s in bookworm | trixie) ;; *) die "unsupported suite '$s' (bookworm, trixie)" ;; esac
done
for c in mmdebstrap systemd-nspawn git; do
	command -v "$c" >/dev/null || die "$c is missing (make deps installs it)"
done

# The README's line, taken from the README itself so that the two cannot
# drift apart: everything before "make check" on the test command's line.
readme_prefix() {
	local line
	line=$(grep -E '^[[:space:]]+apt-get .*&& make check([[:space:]]|$)' "$TOP/README.md" | head -n 1)
	[ -n "$line" ] || die "README.md has no 'apt-get ... && make check' line"
	line=${line%%make check*}
	line=${line#"${line%%[![:space:]]*}"}
	case $line in *'&& ') ;; *) die "README's test line does not end its set-up with '&& ': '$line'" ;; esac
	printf '%s\n' "$line"
}

cleanup() {
	local rc=$?
	if [ -n "${NSPAWN_PID:-}" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
		kill "$NSPAWN_PID" 2>/dev/null || true
		wait "$NSPAWN_PID" 2>/dev/null || true
	fi
	rm -rf "$STATE"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

base_ensure() {
	local suite=$1 tar=$CACHE/$1-minbase.tar
	mkdir -p "$CACHE"
	if [ -f "$tar" ] && [ -z "$(find "$tar" -mtime +"$MAX_AGE_DAYS")" ]; then
		printf '%s\n' "$tar"
		return 0
	fi
	log "$suite: building a pristine minbase root file system (mmdebstrap)"
	rm -f "$tar.tmp"
	mmdebstrap --variant=minbase --format=tar "$suite" "$tar.tmp" \
		</dev/null >"$CACHE/$suite-mmdebstrap.log" 2>&1 ||
		{ tail -20 "$CACHE/$suite-mmdebstrap.log" >&2; die "$suite: mmdebstrap failed"; }
	mv "$tar.tmp" "$tar"
	printf '%s\n' "$tar"
}

# in_container ROOT SCRIPT: bash -c SCRIPT as root in the container, from
# /root/pihpc, with the host's network.  The container is stopped by its PID
# if this script is interrupted.
in_container() {
	local root=$1 script=$2 rc=0
	systemd-nspawn --quiet --register=no --keep-unit -D "$root" \
		--resolv-conf=copy-host --timezone=off \
		--bind="$CACHE/archives-$SUITE:/var/cache/apt/archives" \
		--chdir=/root/pihpc --setenv=HOME=/root --setenv=LANG=C.UTF-8 \
		--setenv=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "set -e; $script" </dev/null &
	NSPAWN_PID=$!
	wait "$NSPAWN_PID" || rc=$?
	NSPAWN_PID=
	return "$rc"
}

# step TITLE ROOT SCRIPT: one timed step; its output goes to a log whose tail
# is shown on failure, after what the tests of the clone kept of their
# failures (the build log's end has only their summary).
step() {
	local title=$1 t0=$SECONDS logf
	logf=$STATE/$SUITE-$(printf '%s' "$title" | tr -c 'a-z0-9' '-').log
	if ! in_container "$2" "$3" >"$logf" 2>&1; then
		{ "$TOP/tests/show-failures.sh" "$2/root/pihpc" || true; } | sed 's/^/  | /' >&2
		tail -40 "$logf" | sed 's/^/  | /' >&2
		log "$SUITE: FAILED: $title ($((SECONDS - t0)) s)"
		return 1
	fi
	log "$SUITE: ok: $title ($((SECONDS - t0)) s)"
}

PREFIX=$(readme_prefix)
log "the README's set-up: $PREFIX"
if [ -n "$(git -C "$TOP" status --porcelain --untracked-files=no)" ]; then
	log "note: uncommitted changes are not in the clone under test (HEAD $(git -C "$TOP" rev-parse --short HEAD))"
fi

fails=0
for SUITE in "$@"; do
	t0=$SECONDS
	tar=$(base_ensure "$SUITE")
	root=$STATE/$SUITE
	mkdir -p "$root" "$CACHE/archives-$SUITE/partial"
	tar -C "$root" -xf "$tar"
	git clone --quiet --no-hardlinks "$TOP" "$root/root/pihpc"
	# What a fresh machine lacks must be missing here too.
	for c in make gcc dpkg-buildpackage mk-build-deps; do
		if chroot "$root" sh -c "command -v $c" >/dev/null 2>&1; then
			die "$SUITE: the pristine root already has '$c'"
		fi
	done
	ok=yes
	step "README set-up, make deb, make check-unit" "$root" \
		"${PREFIX}make deb && make check-unit" || ok=no
	if [ "$ok" = yes ]; then
		# Up to where each target starts its real work: its packages,
		# then the commands it starts with.
		# shellcheck disable=SC2016 # expanded in the container
		step "set-up of slurm-debs, check-arm64, check-vm, bench" "$root" '
			make deps-slurm deps-arm64 deps-vm deps-bench
			for c in mmdebstrap arch-test unshare apt-ftparchive qemu-aarch64-static \
				update-binfmts qemu-system-x86_64 mkfs.ext4 systemd-nspawn ip gpg; do
				command -v "$c" >/dev/null || { echo "missing command: $c" >&2; exit 1; }
			done
			mmdebstrap --version' || ok=no
	fi
	rm -rf "$root"
	if [ "$ok" = yes ]; then
		log "$SUITE: passed in $((SECONDS - t0)) s"
	else
		fails=$((fails + 1))
	fi
done
echo "RESULT: check-fresh: $(($# - fails)) passed, $fails failed, 0 skipped"
[ "$fails" = 0 ] || die "$fails of $# suites failed"
