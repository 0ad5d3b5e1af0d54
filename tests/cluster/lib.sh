# shellcheck shell=bash
# tests/cluster/lib.sh - simulated pihpc cluster nodes on one Debian machine.
#
# Sourced (bash) by tests/cluster/*.t and tests/cluster/demo.sh.  Needs root,
# systemd-nspawn (systemd-container), mmdebstrap, iproute2, gnupg,
# apt-utils.  Works on hosts whose PID 1 is not systemd (no machined).
#
# What it builds:
#   * a Debian image of $PIHPC_SUITE (mmdebstrap, cached under $PIHPC_TEST_CACHE,
#     keyed by a hash of the package lists and of the image recipe below);
#     the image holds every .deb the nodes will later install with apt in
#     /var/cache/apt/archives plus the archive's package lists, so
#     `apt install` works offline inside the nodes;
#   * per run a state dir $PIHPC_TEST_STATE/$PIHPC_RUN holding everything
#     (overlay upper dirs, logs, throwaway GPG key, signed repo copy);
#   * one network namespace with a bridge, one per node, a veth pair per node,
#     addresses 10.0.0.x/24 that exist only inside those namespaces.  Nothing
#     is added to the host's own network namespace;
#   * one systemd-nspawn container per node, booting systemd, with an
#     overlayfs root: upper (per node) : harness layer (per run) : image;
#   * filenode01 serves the pihpc repository (build/repo, signed here with a
#     per-run test key) over HTTP with busybox httpd on port
#     $PIHPC_BOOTSTRAP_PORT (not 80, so that a web server installed by
#     pihpc-storage can take port 80); every node has
#     /etc/apt/sources.list.d/pihpc-bootstrap.sources pointing at it by IP.
#
# Harness-only workarounds (never part of the packages):
#   * /nfs: the host kernel has no NFS, so nodes cannot export or mount NFS.
#     One per-run host directory ($STATE/nfs) is bind-mounted at /nfs in
#     every node and stands in for the storage node's NFS share.  /home is
#     NOT shared.
#   * slurmd drop-in /etc/systemd/system/slurmd.service.d/zz-harness-cgroup.conf
#     (harness layer): remounts the cgroup v1 controllers read-write
#     (`mount -o remount,bind,rw`) before slurmd starts, because nspawn
#     mounts them read-only; slurmstepd is forked by slurmd in the same mount
#     namespace, so it sees the same writable mounts.
#
# Public functions:
#   cluster_up [NODES...]      default filenode01 rpnode01 rpnode02 (+ rpnode03..rpnode99)
#   cluster_down               stop the run's nodes, remove mounts/cgroups/netns/state
#   cluster_down_stale         same for runs whose owner process died
#   cluster_is_up, cluster_nodes, cluster_dump [NODES...] (journal + failed units)
#   node_exec NAME CMD...      run CMD in the node (nsenter), stdin/stdout passed
#   node_exec_timeout SECS NAME CMD...
#   node_shell NAME            interactive login shell in the node
#   node_copy_in NAME DIR FILE...  copy host FILEs into directory DIR of the node
#   node_apt_update NAME       refresh only the pihpc source (the archive is offline)
#   node_apt_install NAME PKG...   apt-get -y install (noninteractive)
#   node_apt NAME ARGS...      apt-get -y ARGS (remove, purge, ...)
#   node_debconf_set NAME "pkg question type value"...
#   pihpc_image_ensure         build/reuse the cached image, print its root
#
# Environment: PIHPC_RUN (run name, default t$$; demo.sh uses "demo"),
# PIHPC_REPO (repo dir, default build/repo), PIHPC_TEST_CACHE
# (/var/cache/pihpc-test), PIHPC_TEST_STATE (/run/pihpc-cluster),
# PIHPC_BOOTSTRAP_PORT (8080), PIHPC_BOOT_TIMEOUT (90 s), PIHPC_STOP_TIMEOUT
# (30 s), PIHPC_APT_TIMEOUT (1200 s), PIHPC_KEEP_LOGS (dir: keep console logs),
# PIHPC_SUITE (bookworm or trixie: the nodes' Debian release).

# ---------------------------------------------------------------------------
# Package lists (the lead may extend them; any change rebuilds the image).
# Installed in the image:
PIHPC_IMAGE_INCLUDE=(
	systemd systemd-sysv dbus iproute2 iputils-ping apt ca-certificates
	procps less gnupg busybox apt-utils debconf adduser passwd
)
# Downloaded only (with their whole dependency closure, Recommends included
# since the nodes' apt installs Recommends): what the pihpc packages pull in.
PIHPC_NODE_PACKAGES=(
	slurmctld slurmd slurmdbd slurm-client munge libmunge2
	default-mysql-server mariadb-server nfs-kernel-server nfs-common
	ucf debconf adduser passwd busybox reprepro gnupg chrony
	libpmix-dev man-db autopkgtest libsodium23
	# what SchedMD's packages from make slurm-debs need beyond those
	bash-completion liblua5.3-0 librdkafka1
	# an MPI program for the tests (OpenMPI, through mpi4py)
	python3-mpi4py
	# a node's clock off by minutes for one daemon (the nodes share the
	# host's kernel clock)
	libfaketime
)
# The Debian release of the nodes (bookworm or trixie), each with its own
# Slurm from the archive.  One build of the packages serves both.
: "${PIHPC_SUITE:=bookworm}"
case "$PIHPC_SUITE" in
bookworm | trixie) ;;
*) echo "PIHPC_SUITE: '$PIHPC_SUITE' is not a supported release (bookworm, trixie)" >&2; exit 2 ;;
esac

# Seed addresses (only inside the harness' network namespaces); rpnode03
# and up, for the tests with more nodes and the scale runs, follow on:
# rpnodeNN is 10.0.0.(NN+1).
declare -A PIHPC_NODE_IP=(
	[rpnode01]=10.0.0.1 [rpnode02]=10.0.0.2 [filenode01]=10.0.0.3
)
for _i in $(seq 3 99); do
	PIHPC_NODE_IP[$(printf 'rpnode%02d' "$_i")]=10.0.0.$((_i + 1))
done
unset _i
PIHPC_PREFIXLEN=24
PIHPC_DEFAULT_NODES=(filenode01 rpnode01 rpnode02)
PIHPC_STORAGE_NODE=filenode01

: "${PIHPC_TEST_CACHE:=/var/cache/pihpc-test}"
: "${PIHPC_TEST_STATE:=/run/pihpc-cluster}"
: "${PIHPC_RUN:=t$$}"
: "${PIHPC_BOOTSTRAP_PORT:=8080}"
: "${PIHPC_BOOT_TIMEOUT:=90}"
: "${PIHPC_STOP_TIMEOUT:=30}"
: "${PIHPC_APT_TIMEOUT:=1200}"
: "${PIHPC_REPO:=}"      # dir with *.deb + Packages + Release (default build/repo)

PIHPC_CGROUP_CTRLS=(cpu cpuacct cpuset memory devices freezer blkio pids systemd unified)
PIHPC_NODE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PIHPC_HARNESS_LIB=$(readlink -f "${BASH_SOURCE[0]}")
PIHPC_TOP=$(cd "$(dirname "$PIHPC_HARNESS_LIB")/../.." && pwd)

pihpc_state() { printf '%s/%s\n' "$PIHPC_TEST_STATE" "$PIHPC_RUN"; }
pihpc_log() { printf '# [%s] %s\n' "$(date +%T)" "$*" >&2; }
pihpc_die() { pihpc_log "ERROR: $*"; return 1; }
pihpc_elapsed() { local d=$(( ($(date +%s%N) - $1) / 100000000 )); printf '%d.%d\n' $((d / 10)) $((d % 10)); }
pihpc_ns() { printf 'pihpc-%s-%s\n' "$PIHPC_RUN" "$1"; }

# ---------------------------------------------------------------------------
# Image

# The recipe: everything in this function is part of the cache key.
pihpc_image_recipe() {
	local out=$1 include
	include=$(IFS=,; echo "${PIHPC_IMAGE_INCLUDE[*]}")
	# shellcheck disable=SC2016 # $1 is expanded by mmdebstrap's hook shell
	mmdebstrap --variant=minbase --include="$include" \
		--skip=cleanup/apt/lists --skip=cleanup/apt/cache \
		--customize-hook='chroot "$1" env -u APT_CONFIG DEBIAN_FRONTEND=noninteractive apt-get -y -q -o APT::Install-Recommends=true --download-only install '"${PIHPC_NODE_PACKAGES[*]}" \
		--customize-hook='rm -f "$1/etc/hostname" "$1/etc/resolv.conf"; : > "$1/etc/machine-id"' \
		--customize-hook='printf "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" > "$1/etc/hosts"' \
		"$PIHPC_SUITE" "$out"
}

pihpc_image_key() {
	{
		# Values only: whether PIHPC_SUITE came exported must not
		# make another image.
		printf '%s\n' "${PIHPC_IMAGE_INCLUDE[*]}" "${PIHPC_NODE_PACKAGES[*]}" "$PIHPC_SUITE"
		declare -f pihpc_image_recipe
	} | sha256sum | cut -c1-16
}

# Prints the path of the extracted image root; builds it if missing.
pihpc_image_ensure() {
	local key dir tmp t0 old
	key=$(pihpc_image_key)
	dir=$PIHPC_TEST_CACHE/image-$PIHPC_SUITE-$key
	mkdir -p "$PIHPC_TEST_CACHE"
	(
		flock -w 1800 9 || { pihpc_die "cannot lock $PIHPC_TEST_CACHE"; exit 1; }
		[ -f "$dir/.complete" ] && exit 0
		tmp=$PIHPC_TEST_CACHE/.build-$key
		rm -rf "$tmp" "$dir"
		mkdir -p "$tmp"
		t0=$(date +%s)
		pihpc_log "building image $key (mmdebstrap, a few minutes)"
		if ! pihpc_image_recipe "$tmp/rootfs" </dev/null >"$tmp/build.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; then
			tail -30 "$tmp/build.log" >&2
			rm -rf "$tmp"
			pihpc_die "image build failed"; exit 1
		fi
		mv "$tmp" "$dir"
		touch "$dir/.complete"
		pihpc_log "image $key built in $(( $(date +%s) - t0 )) s"
		# drop this release's older images, but none that nodes of
		# another run (another checkout's package list) still boot from
		for old in "$PIHPC_TEST_CACHE"/image-"$PIHPC_SUITE"-*; do
			[ "$old" != "$dir" ] && [ -d "$old" ] || continue
			grep -qF "$old/" /proc/mounts || rm -rf "$old"
		done
	) 9>"$PIHPC_TEST_CACHE/.lock" || return 1
	printf '%s/rootfs\n' "$dir"
}

# ---------------------------------------------------------------------------
# Repository and test key

pihpc_gpg() { GNUPGHOME="$(pihpc_state)/gnupg" gpg --batch --quiet --no-tty "$@"; }

# Copy the flat repo to the state dir and sign it with a throwaway key.
pihpc_repo_prepare() {
	local src=${PIHPC_REPO:-$PIHPC_TOP/build/repo} st
	st=$(pihpc_state)
	if [ ! -f "$src/Packages" ] || [ ! -f "$src/Release" ]; then
		pihpc_die "no apt repository in $src (run 'make deb')"; return 1
	fi
	mkdir -p "$st/gnupg" "$st/repo" && chmod 700 "$st/gnupg"
	cp -a "$src"/. "$st/repo/"
	rm -f "$st/repo/InRelease" "$st/repo/Release.gpg"
	pihpc_gpg --passphrase '' --pinentry-mode loopback \
		--quick-gen-key 'pihpc cluster test key (throwaway) <pihpc-test@invalid>' \
		ed25519 sign 2d || return 1
	pihpc_gpg --export >"$st/pihpc-bootstrap.gpg" || return 1
	pihpc_gpg --clearsign -o "$st/repo/InRelease" "$st/repo/Release" || return 1
	pihpc_gpg --armor --detach-sign -o "$st/repo/Release.gpg" "$st/repo/Release" || return 1
	GNUPGHOME="$st/gnupg" gpgconf --kill all 2>/dev/null || true
}

# Files shared by all nodes of a run (a read-only overlay lower layer).
pihpc_harness_layer() {
	local st l
	st=$(pihpc_state)
	l=$st/layer
	mkdir -p "$l/etc/apt/sources.list.d" "$l/etc/apt/keyrings" \
		"$l/etc/systemd/system/slurmd.service.d" "$l/nfs"
	install -m 0644 "$st/pihpc-bootstrap.gpg" "$l/etc/apt/keyrings/pihpc-bootstrap.gpg"
	cat >"$l/etc/apt/sources.list.d/pihpc-bootstrap.sources" <<-EOF
		# pihpc test harness: packages under test, served by ${PIHPC_STORAGE_NODE}
		Types: deb
		URIs: http://${PIHPC_NODE_IP[$PIHPC_STORAGE_NODE]}:${PIHPC_BOOTSTRAP_PORT}/
		Suites: ./
		Signed-By: /etc/apt/keyrings/pihpc-bootstrap.gpg
	EOF
	cat >"$l/etc/systemd/system/slurmd.service.d/zz-harness-cgroup.conf" <<-'EOF'
		# pihpc TEST HARNESS ONLY (systemd-nspawn on a cgroup v1 host mounts the
		# controllers read-only). Never shipped by the packages.
		[Service]
		ExecStartPre=+/bin/sh -c 'for c in cpu cpuacct cpuset memory devices freezer blkio pids; do [ -d /sys/fs/cgroup/$c ] && mount -o remount,bind,rw /sys/fs/cgroup/$c; done; true'
	EOF
}

# ---------------------------------------------------------------------------
# Nodes

cluster_nodes() { cat "$(pihpc_state)/nodes" 2>/dev/null; }

pihpc_nspawn_pid() {
	local f pid
	f="$(pihpc_state)/node/$1/nspawn.pid"
	[ -f "$f" ] || return 1
	pid=$(cat "$f")
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd-nspawn ] || return 1
	printf '%s\n' "$pid"
}

# The container's PID 1 (seen from the host): a child of nspawn whose
# innermost namespace pid is 1.
node_leader() {
	local npid c
	npid=$(pihpc_nspawn_pid "$1") || return 1
	for c in $(pgrep -P "$npid"); do
		if awk '/^NSpid:/ { exit ($NF == 1 && NF > 2) ? 0 : 1 }' "/proc/$c/status" 2>/dev/null; then
			printf '%s\n' "$c"
			return 0
		fi
	done
	return 1
}

# node_exec NAME CMD... : run CMD inside the node (stdin/stdout/stderr passed).
node_exec() { node_exec_timeout 0 "$@"; }

# node_exec_timeout SECS NAME CMD... : same, killed after SECS (0: no limit).
node_exec_timeout() {
	local secs=$1 name=$2 leader
	shift 2
	leader=$(node_leader "$name") || { pihpc_die "node $name is not running"; return 1; }
	timeout -k 5 "$secs" nsenter -t "$leader" -m -u -i -n -p -C -r -w -- /usr/bin/env -i \
		PATH="$PIHPC_NODE_PATH" HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 \
		TERM="${PIHPC_TERM:-dumb}" "$@"
}

# node_copy_in NAME DIR FILE... : copy host FILEs into directory DIR of the
# node (created if missing), keeping their base names.
node_copy_in() {
	local name=$1 dir=$2 f
	shift 2
	node_exec "$name" mkdir -p "$dir" || return 1
	for f in "$@"; do
		# shellcheck disable=SC2016 # expanded by the node's shell
		node_exec "$name" sh -c 'cat >"$1"' sh "$dir/${f##*/}" <"$f" || return 1
	done
}

node_shell() {
	local name=$1 leader
	leader=$(node_leader "$name") || { pihpc_die "node $name is not running"; return 1; }
	exec nsenter -t "$leader" -m -u -i -n -p -C -r -w -- /usr/bin/env -i \
		PATH="$PIHPC_NODE_PATH" HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 \
		TERM="${TERM:-xterm}" /bin/bash -c 'cd /root; exec /bin/bash --login'
}

node_apt_update() {
	node_exec_timeout 120 "$1" apt-get -q -o DPkg::Lock::Timeout=100 update \
		-o Dir::Etc::sourcelist=/etc/apt/sources.list.d/pihpc-bootstrap.sources \
		-o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0
}

node_apt_install() {
	local name=$1
	shift
	node_apt "$name" install "$@"
}

# node_apt NAME ARGS...: apt-get -y ARGS in the node (stderr merged into
# stdout); explains a fetch from the (unreachable) Debian archive.
node_apt() {
	local name=$1 log rc
	shift
	log=$(mktemp)
	node_exec_timeout "$PIHPC_APT_TIMEOUT" "$name" env DEBIAN_FRONTEND=noninteractive \
		apt-get -y -q -o DPkg::Lock::Timeout=600 "$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] && grep -q '^E: Failed to fetch http://\(deb\|security\)\.debian\.org' "$log"; then
		pihpc_log "$name: apt wanted packages that are not in the image's cache:" \
			"$(sed -n 's|^E: Failed to fetch .*/\([^/_]*\)_[^/]*\.deb .*|\1|p' "$log" | sort -u | tr '\n' ' ')" \
			"- add them to PIHPC_NODE_PACKAGES in tests/cluster/lib.sh"
	fi
	rm -f "$log"
	return "$rc"
}

# node_debconf_set NAME "pkg question type value" ...
node_debconf_set() {
	local name=$1
	shift
	printf '%s\n' "$@" | node_exec "$name" debconf-set-selections
}

pihpc_net_setup() {
	local br name ns
	br=$(pihpc_ns br)
	ip netns add "$br" || return 1
	echo "$br" >>"$(pihpc_state)/netns"
	ip -n "$br" link set lo up
	ip -n "$br" link add br0 type bridge
	ip -n "$br" link set br0 up
	for name in "$@"; do
		ns=$(pihpc_ns "$name")
		ip netns add "$ns" || return 1
		echo "$ns" >>"$(pihpc_state)/netns"
		ip -n "$ns" link set lo up
		ip -n "$br" link add "v-$name" type veth peer name eth0 netns "$ns" || return 1
		ip -n "$br" link set "v-$name" master br0 up
		ip -n "$ns" addr add "${PIHPC_NODE_IP[$name]}/$PIHPC_PREFIXLEN" dev eth0
		ip -n "$ns" link set eth0 up
	done
}

pihpc_node_start() {
	local name=$1 image=$2 st d cg c
	st=$(pihpc_state)
	d=$st/node/$name
	mkdir -p "$d/upper/etc" "$d/work" "$d/root"
	printf '%s\n' "$name" >"$d/upper/etc/hostname"
	mount -t overlay "overlay-$PIHPC_RUN-$name" \
		-o "lowerdir=$st/layer:$image,upperdir=$d/upper,workdir=$d/work" "$d/root" || return 1
	echo "$d/root" >>"$st/mounts"
	if [ "$name" = "$PIHPC_STORAGE_NODE" ]; then
		mkdir -p "$d/root/srv/pihpc-bootstrap"
		cp -a "$st/repo/." "$d/root/srv/pihpc-bootstrap/"
	fi
	# One cgroup per node in every hierarchy, so that nspawn's payload/ and
	# supervisor/ do not collide and Slurm's cgroup plugins can work.
	cg=pihpc-$PIHPC_RUN-$name
	for c in "${PIHPC_CGROUP_CTRLS[@]}"; do
		[ -d "/sys/fs/cgroup/$c" ] || continue
		mkdir -p "/sys/fs/cgroup/$c/$cg"
		echo "/sys/fs/cgroup/$c/$cg" >>"$st/cgroups"
		if [ "$c" = cpuset ]; then
			cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/$cg/cpuset.cpus"
			cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/$cg/cpuset.mems"
		fi
	done
	# The machine name is the run's own (nspawn keeps per-machine state in
	# /run/systemd/nspawn, which runs side by side would share); the host
	# name inside is the node's.
	# shellcheck disable=SC2016 # expanded by the launcher shell
	setsid bash -c '
		pidfile=$1 cg=$2; shift 2
		for c in '"${PIHPC_CGROUP_CTRLS[*]}"'; do
			[ -d "/sys/fs/cgroup/$c/$cg" ] && echo $$ >"/sys/fs/cgroup/$c/$cg/cgroup.procs"
		done
		echo $$ >"$pidfile"
		exec "$@"' launcher "$d/nspawn.pid" "$cg" \
		systemd-nspawn -q -D "$d/root" -b --register=no --keep-unit \
		--machine="pihpc-$PIHPC_RUN-$name" --hostname="$name" \
		--network-namespace-path="/run/netns/$(pihpc_ns "$name")" \
		--console=read-only --link-journal=no --resolv-conf=off --timezone=off \
		--bind="$st/nfs:/nfs" \
		</dev/null >"$d/console.log" 2>&1 &
}

pihpc_node_wait() {
	local name=$1 deadline state
	deadline=$(( $(date +%s) + PIHPC_BOOT_TIMEOUT ))
	while :; do
		if node_leader "$name" >/dev/null 2>&1; then
			state=$(timeout 30 nsenter -t "$(node_leader "$name")" -m -u -i -n -p -C -r -w \
				systemctl is-system-running --wait 2>/dev/null) || true
			case "$state" in
			running) return 0 ;;
			degraded)
				pihpc_log "$name: degraded; failed units:"
				node_exec "$name" systemctl --failed --no-pager --plain --no-legend >&2 || true
				return 0 ;;
			esac
		elif [ ! -s "$(pihpc_state)/node/$name/nspawn.pid" ] || ! pihpc_nspawn_pid "$name" >/dev/null; then
			# not started yet, or nspawn died
			if [ -s "$(pihpc_state)/node/$name/nspawn.pid" ]; then
				tail -20 "$(pihpc_state)/node/$name/console.log" >&2
				pihpc_die "$name: systemd-nspawn exited"; return 1
			fi
		fi
		[ "$(date +%s)" -lt "$deadline" ] || { pihpc_die "$name: boot timeout (state '$state')"; return 1; }
		sleep 0.2
	done
}

cluster_is_up() { [ -f "$(pihpc_state)/nodes" ]; }

# How long wait_idle waits for the nodes, in seconds.
: "${PIHPC_JOIN_TIMEOUT:=120}"

# wait_idle NODE...: every NODE is idle in sinfo seen from rpnode01 within
# PIHPC_JOIN_TIMEOUT seconds.  Sets IDLE_AT (date +%s%N) when they are;
# else prints sinfo and sets NOT_IDLE, the nodes that were not.
wait_idle() {
	local end state n
	end=$(($(date +%s) + PIHPC_JOIN_TIMEOUT))
	while :; do
		state=$(node_exec_timeout 20 rpnode01 sinfo -h -N -o '%N %t' 2>&1) || true
		NOT_IDLE=
		for n in "$@"; do
			printf '%s\n' "$state" | grep -qx "$n idle" || NOT_IDLE="$NOT_IDLE $n"
		done
		if [ -z "$NOT_IDLE" ]; then
			# shellcheck disable=SC2034 # the caller's
			IDLE_AT=$(date +%s%N)
			return 0
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "not idle after ${PIHPC_JOIN_TIMEOUT}s:$NOT_IDLE; sinfo says:"
			printf '%s\n' "$state"
			return 1
		fi
		sleep 0.5
	done
}

# The run's join token, as an admin chooses one ahead of time (never
# printed: only a file of the run's state, 0600).
pihpc_join_token() {
	local f
	f=$(pihpc_state)/join.token
	[ -s "$f" ] || (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d " \n" >"$f") || return 1
	cat "$f"
}

# pihpc_join_token_preseed NODE...: the run's token preseeded for
# pihpc-master and pihpc-compute, on stdin (not on a command line).
pihpc_join_token_preseed() {
	local tok name
	tok=$(pihpc_join_token) || return 1
	for name in "$@"; do
		node_debconf_set "$name" \
			"pihpc-master pihpc-master/join-token password $tok" \
			"pihpc-compute pihpc-compute/join-token password $tok" || return 1
	done
}

# pihpc_inotify_check N: room for N more nodes in root's inotify instances.
# Each booted node holds 8 (systemd, dbus, logind, getty) and a node that
# finds none left fails to boot with no word of why.
PIHPC_INOTIFY_PER_NODE=8
pihpc_inotify_check() {
	local used max
	max=$(cat /proc/sys/fs/inotify/max_user_instances) || return 1
	used=$(find /proc/[0-9]*/fd -lname 'anon_inode:inotify' 2>/dev/null | wc -l)
	[ $((used + $1 * PIHPC_INOTIFY_PER_NODE)) -gt "$max" ] || return 0
	pihpc_die "$1 more nodes need about $(($1 * PIHPC_INOTIFY_PER_NODE)) inotify instances;" \
		"$used of fs.inotify.max_user_instances=$max are taken:" \
		"sysctl -w fs.inotify.max_user_instances=$((used + $1 * PIHPC_INOTIFY_PER_NODE + 128))"
}

# cluster_up [NODES...]: image, repo, network, boot, repo server.
cluster_up() {
	local nodes=("$@") image st name t0
	[ ${#nodes[@]} -gt 0 ] || nodes=("${PIHPC_DEFAULT_NODES[@]}")
	for name in "${nodes[@]}"; do
		[ -n "${PIHPC_NODE_IP[$name]:-}" ] || { pihpc_die "unknown node $name"; return 1; }
	done
	[ "$(id -u)" = 0 ] || { pihpc_die "must run as root"; return 1; }
	st=$(pihpc_state)
	[ ! -e "$st" ] || { pihpc_die "run '$PIHPC_RUN' already exists ($st)"; return 1; }
	pihpc_inotify_check "${#nodes[@]}" || return 1
	image=$(pihpc_image_ensure) || return 1
	t0=$(date +%s%N)
	mkdir -p "$st/node" "$st/nfs"
	echo "$$" >"$st/owner"
	printf '%s\n' "${nodes[@]}" >"$st/nodes"
	pihpc_repo_prepare || return 1
	pihpc_harness_layer || return 1
	pihpc_net_setup "${nodes[@]}" || return 1
	for name in "${nodes[@]}"; do
		pihpc_node_start "$name" "$image" || return 1
	done
	for name in "${nodes[@]}"; do
		pihpc_node_wait "$name" || return 1
	done
	pihpc_join_token_preseed "${nodes[@]}" || return 1
	if printf '%s\n' "${nodes[@]}" | grep -qx "$PIHPC_STORAGE_NODE"; then
		node_exec "$PIHPC_STORAGE_NODE" systemd-run --quiet --unit=pihpc-bootstrap-httpd \
			busybox httpd -f -p "$PIHPC_BOOTSTRAP_PORT" -h /srv/pihpc-bootstrap || return 1
	fi
	pihpc_log "cluster '$PIHPC_RUN' up (${nodes[*]}) in $(pihpc_elapsed "$t0") s"
}

pihpc_kill_pid() {
	# kill PID only if it is still the process named COMM
	local pid=$1 comm=$2 sig=$3
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] && kill "-$sig" "$pid" 2>/dev/null
}

pihpc_wait_gone() {
	local pid=$1 comm=$2 timeout=$3 end
	end=$(( $(date +%s) + timeout ))
	while [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# cluster_down: stop every node of the run and remove all its traces.
cluster_down() {
	local st name pid leader m c ns
	st=$(pihpc_state)
	[ -d "$st" ] || return 0
	for name in $(cluster_nodes); do
		pid=$(pihpc_nspawn_pid "$name") || continue
		leader=$(node_leader "$name") &&
			timeout 10 nsenter -t "$leader" -m -u -i -n -p -C -r -w \
				systemctl poweroff --no-block >/dev/null 2>&1
	done
	for name in $(cluster_nodes); do
		pid=$(pihpc_nspawn_pid "$name") || continue
		if ! pihpc_wait_gone "$pid" systemd-nspawn "$PIHPC_STOP_TIMEOUT"; then
			pihpc_log "$name: no clean poweroff, terminating nspawn $pid"
			pihpc_kill_pid "$pid" systemd-nspawn TERM
			if ! pihpc_wait_gone "$pid" systemd-nspawn 10; then
				leader=$(node_leader "$name") && kill -KILL "$leader" 2>/dev/null
				pihpc_kill_pid "$pid" systemd-nspawn KILL
				pihpc_wait_gone "$pid" systemd-nspawn 10 || pihpc_log "$name: nspawn $pid survives"
			fi
		fi
	done
	if [ -f "$st/mounts" ]; then
		tac "$st/mounts" | while read -r m; do
			mountpoint -q "$m" || continue
			umount "$m" 2>/dev/null || umount -l "$m" || pihpc_log "cannot unmount $m"
		done
	fi
	if [ -f "$st/cgroups" ]; then
		while read -r c; do
			[ -d "$c" ] || continue
			find "$c" -depth -type d -exec rmdir {} + 2>/dev/null ||
				find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null ||
				pihpc_log "cannot remove cgroup $c"
		done <"$st/cgroups"
	fi
	if [ -f "$st/netns" ]; then
		tac "$st/netns" | while read -r ns; do
			[ -e "/run/netns/$ns" ] && { ip netns delete "$ns" || pihpc_log "cannot delete netns $ns"; }
		done
	fi
	[ -d "$st/gnupg" ] && GNUPGHOME="$st/gnupg" gpgconf --kill all 2>/dev/null
	if [ -n "${PIHPC_KEEP_LOGS:-}" ]; then
		mkdir -p "$PIHPC_KEEP_LOGS"
		for name in $(cluster_nodes); do
			cp "$st/node/$name/console.log" "$PIHPC_KEEP_LOGS/$name.console.log" 2>/dev/null
		done
	fi
	if grep -qs " $st/" /proc/mounts; then
		pihpc_log "mounts remain under $st; not removing it"
		return 1
	fi
	rm -rf "$st"
	rmdir "$PIHPC_TEST_STATE" 2>/dev/null
	return 0
}

# cluster_down_stale: tear down runs whose owning process is gone (a test
# killed with SIGKILL cannot clean up after itself).  The demo run is kept.
cluster_down_stale() {
	local d run owner rc=0
	for d in "$PIHPC_TEST_STATE"/*/; do
		[ -d "$d" ] || continue
		run=$(basename "$d")
		[ "$run" != demo ] || continue
		owner=$(cat "$d/owner" 2>/dev/null)
		if [ -n "$owner" ] && [ -d "/proc/$owner" ]; then
			continue
		fi
		pihpc_log "tearing down stale run $run"
		PIHPC_RUN=$run cluster_down || rc=1
	done
	return "$rc"
}

# cluster_dump [NODES...]: journal tail and failed units, for failures.
cluster_dump() {
	local name
	# shellcheck disable=SC2046 # node names have no blanks
	[ $# -gt 0 ] || set -- $(cluster_nodes)
	for name in "$@"; do
		node_leader "$name" >/dev/null 2>&1 || { echo "# === $name: not running"; continue; }
		echo "# === $name: failed units"
		node_exec_timeout 20 "$name" systemctl --failed --no-pager --plain --no-legend 2>&1 | sed 's/^/# /'
		echo "# === $name: journalctl -b -n 200"
		node_exec_timeout 20 "$name" journalctl -b --no-pager -n 200 2>&1 | sed 's/^/# /'
	done
}
