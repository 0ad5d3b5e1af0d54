# shellcheck shell=bash
# Sourced by every tests/cluster/*.t right after its test_description:
# sharness, the harness (lib.sh), command output as TAP comments, a
# clean-up that tears the cluster down also when a test fails, the root
# check, and the waits the tests share.

# sharness runs the tests in its trash directory: a relative
# PIHPC_SLURM_DEBS is the caller's (local_slurm_debs below).
case ${PIHPC_SLURM_DEBS:-} in /* | '') ;; *) PIHPC_SLURM_DEBS=$PWD/$PIHPC_SLURM_DEBS ;; esac
SLURM_DEBS=${PIHPC_SLURM_DEBS:-}

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

# mpi_pingpong A B: tests/cluster/mpi-pingpong.py (OpenMPI from the nodes'
# release, through mpi4py) on nodes A and B, one rank each, launched from
# rpnode01 by a plain srun: no --mpi flag, so slurm.conf's MpiDefault must
# start PMIx.  Each rank reports its host; rank 0's message reaches rank 1
# and comes back.
mpi_pingpong() {
	local n
	for n in "$1" "$2"; do
		node_apt_install "$n" python3-mpi4py >/dev/null &&
			node_copy_in "$n" /opt/pihpc-test "$PIHPC_TOP/tests/cluster/mpi-pingpong.py" ||
			return 1
	done
	node_exec_timeout 180 rpnode01 srun -N2 --ntasks-per-node=1 -w "$1,$2" \
		python3 /opt/pihpc-test/mpi-pingpong.py >mpi.out 2>mpi.err
	n=$?
	cat mpi.out mpi.err
	[ "$n" = 0 ] || return 1
	grep -v '^rank 0: ' mpi.out | sort >mpi.ranks
	printf 'rank 0 of 2 on %s\nrank 1 of 2 on %s\n' "$1" "$2" >mpi.expect
	test_cmp mpi.expect mpi.ranks &&
		grep -qx "rank 0: message came back from $2 after 2 hops" mpi.out
}

# apt_update_pihpc NODE [SOURCES]: refresh only the storage node's source
# (the Debian archive is offline in the nodes); any warning is an error.
apt_update_pihpc() {
	# the lock: a compute node's pihpc-slurm-follow.timer may run apt
	node_exec_timeout 120 "$1" apt-get -q -o DPkg::Lock::Timeout=100 update --error-on=any \
		-o Dir::Etc::sourcelist="${2:-/etc/apt/sources.list.d/pihpc.sources}" \
		-o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0
}

# The step README.md documents for a node that has no pihpc yet, or that
# fetches the files again (keep the two in sync).  apt-helper would
# resume into a file that is already there, not replace it.
readme_bootstrap() {
	node_exec_timeout 60 "$1" sh -exc '
		rm -f /etc/apt/keyrings/pihpc.gpg /etc/apt/sources.list.d/pihpc.sources /etc/apt/preferences.d/pihpc.pref
		grep -qw filenode01 /etc/hosts || echo "'"${PIHPC_NODE_IP[filenode01]}"' filenode01" >>/etc/hosts
		/usr/lib/apt/apt-helper download-file http://'"${PIHPC_NODE_IP[filenode01]}"'/pihpc.gpg /etc/apt/keyrings/pihpc.gpg
		/usr/lib/apt/apt-helper download-file http://'"${PIHPC_NODE_IP[filenode01]}"'/pihpc.sources /etc/apt/sources.list.d/pihpc.sources
		/usr/lib/apt/apt-helper download-file http://'"${PIHPC_NODE_IP[filenode01]}"'/pihpc.pref /etc/apt/preferences.d/pihpc.pref
	'
}

# users_and_roles: user pi (uid 1000, cluster.conf's accounting user) and
# USER=UID... on filenode01, rpnode01 and rpnode02, then the three roles
# installed there, each with one apt install of its package.
users_and_roles() {
	local n u
	for n in filenode01 rpnode01 rpnode02; do
		for u in pi=1000 "$@"; do
			node_exec "$n" useradd -m -u "${u#*=}" -s /bin/sh "${u%%=*}" || return 1
		done
	done
	for u in filenode01:pihpc-storage rpnode01:pihpc-master rpnode02:pihpc-compute; do
		node_apt_update "${u%%:*}" && node_apt_install "${u%%:*}" "${u#*:}" || return 1
	done
}

# local_slurm_debs SUITE GLOB: the local Slurm build's .debs for the test,
# PIHPC_SLURM_DEBS or else the newest finished build/slurm/SUITE/ARCH/GLOB, into
# SLURM_DEBS; its slurmd .deb into SLURMD_DEB, ARCH set.  Bails out
# without one.
local_slurm_debs() {
	ARCH=$(dpkg --print-architecture)
	if [ -z "$SLURM_DEBS" ]; then
		# build-debs.sh writes build.ok last: only finished builds count.
		# Built for the nodes' release: a trixie build needs trixie's libc.
		# shellcheck disable=SC2012,SC2086 # our own directory names; GLOB
		SLURM_DEBS=$(ls -td "$PIHPC_TOP/build/slurm/$1/$ARCH"/$2/build.ok 2>/dev/null | head -n 1)
		SLURM_DEBS=${SLURM_DEBS%/build.ok}
	fi
	SLURMD_DEB=$(find "${SLURM_DEBS:-/nonexistent}" -maxdepth 1 \( -name "slurmd_*_$ARCH.deb" -o -name "slurm-smd-slurmd_*_$ARCH.deb" \) 2>/dev/null | head -n 1)
	if [ -z "$SLURMD_DEB" ]; then
		echo "Bail out! no local Slurm .debs in ${SLURM_DEBS:-build/slurm/$1/$ARCH/$2} (make slurm-debs SLURM_SUITE=$1)"
		exit 1
	fi
}
