# shellcheck shell=bash
# Sourced by every tests/cluster/*.t right after its test_description:
# sharness, the harness (lib.sh), command output as TAP comments, a
# clean-up that tears the cluster down also when a test fails, the root
# check, and the waits the tests share.

# sharness puts its scratch dir (and test-results/) next to the caller by
# default; keep it out of the tree.
root=$(mktemp -d "${TMPDIR:-/tmp}/pihpc-sharness.XXXXXX")
SHARNESS_TEST_DIRECTORY=$root SHARNESS_BUILD_DIRECTORY=$root
verbose=t
# shellcheck disable=SC1091
. /usr/share/sharness/sharness.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SHARNESS_TEST_SRCDIR/lib.sh"

# Command output (sharness verbose fd 3/4) becomes TAP comments.
exec 3> >(sed -u 's/^/# /') 4>&3

T0=$(date +%s)

tests_cleanup() {
	if [ "${test_failure:-0}" != 0 ] || [ "${1:-0}" != 0 ]; then
		cluster_dump >&5 2>&1 || true
	fi
	cluster_down >&5 2>&1 || echo "# cluster_down reported a problem" >&5
	echo "# total $(($(date +%s) - T0)) s" >&5
	rm -rf "$root"
}
# shellcheck disable=SC2154 # rc is set inside the trap string
trap 'rc=$?; trap - EXIT INT TERM; tests_cleanup "$rc"; (exit "$rc"); die' EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" != 0 ]; then
	echo "Bail out! needs root (network namespaces, overlay mounts, systemd-nspawn)"
	exit 1
fi

# key_sum NODE: the SHA-256 of NODE's munge key (the key is never shown).
key_sum() {
	node_exec "$1" sha256sum /etc/munge/munge.key | cut -d" " -f1
}
