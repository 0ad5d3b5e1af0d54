# shellcheck shell=sh
# Functions shared by the pihpc-* maintainer scripts.
#
# The scripts stay thin: they ask debconf and hand the answers to the pihpc
# command, which validates them and does the real work.  This file maps
# debconf questions to cluster.conf keys, wraps ucf, and puts the pihpc
# commands of each role in the order the daemons need.
# Sourced after /usr/share/debconf/confmodule.

PIHPC_CONF=/etc/pihpc/cluster.conf

# Questions of pihpc-common in the order they are asked, with the
# priority of each.  Each maps to the cluster.conf key of the same name with
# '-' turned into '_'.
# shellcheck disable=SC2034 # used by the maintainer scripts
PIHPC_COMMON_QUESTIONS="high:controller medium:cluster-name medium:storage
medium:domain medium:subnet medium:hosts medium:slurm-uid
low:node-registration low:compute-nodes"

# cluster.conf keys whose question is a debconf boolean (true/false in
# debconf, yes/no in the file).
PIHPC_BOOLEAN_KEYS="master_is_compute"

# shellcheck disable=SC2034 # used by the maintainer scripts
PIHPC_MASTER_QUESTIONS="medium:master-is-compute medium:accounting-users
medium:accounting-user-limits"

pihpc_key_of() {
	printf '%s\n' "${1#*:}" | tr - _
}

_pihpc_is_boolean() {
	case " $PIHPC_BOOLEAN_KEYS " in *" $1 "*) return 0 ;; esac
	return 1
}

# KEY=VALUE arguments for "pihpc config set" from debconf's answers to the
# questions "$2..." of package $1, one per line.
_pihpc_answers() {
	_pkg=$1
	shift
	for _q in "$@"; do
		db_get "$_pkg/${_q#*:}"
		_key=$(pihpc_key_of "$_q")
		_val=$RET
		if _pihpc_is_boolean "$_key"; then
			case "$_val" in true) _val=yes ;; *) _val=no ;; esac
		fi
		printf '%s=%s\n' "$_key" "$_val"
		# One question sets both ids; a gid made different by hand
		# edit is kept unless the uid answer itself changes.
		if [ "$_key" = slurm_uid ] &&
			[ "$(pihpc config get slurm_uid 2>/dev/null)" != "$_val" ]; then
			printf 'slurm_gid=%s\n' "$_val"
		fi
	done
}

# Run "pihpc config set" with the answers to the questions "$3..." of
# package $2; $1 is an extra global option such as "--root DIR" (or "").
# A subshell: the splits below must not glob, and the caller keeps its own
# settings.
_pihpc_set_answers() (
	_root=$1
	_pkg=$2
	shift 2
	_answers=$(_pihpc_answers "$_pkg" "$@")
	# Answers may hold spaces and glob characters ("rpnode[01-02]", which
	# a file of that name in the working directory would replace) but
	# never newlines: split on newlines only, without globbing.
	set -f
	_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2086 # split on newlines, not globbed
	set -- $_answers
	IFS=$_ifs
	# shellcheck disable=SC2086 # _root is empty or "--root DIR"
	pihpc $_root config set "$@"
)

# Write debconf's answers for the questions "$2..." of package $1 into
# cluster.conf.  pihpc validates the whole result first, so a bad answer
# fails here with a message naming it and the file stays as it was.
pihpc_answers_to_conf() {
	_pihpc_set_answers "" "$@" >/dev/null
}

# Keep cluster.conf as it is, to go back to it if a later step fails.
pihpc_conf_save() {
	rm -f "$PIHPC_CONF.pihpc-old"
	if [ -f "$PIHPC_CONF" ]; then
		cp -p "$PIHPC_CONF" "$PIHPC_CONF.pihpc-old"
	fi
}

pihpc_conf_restore() {
	if [ -f "$PIHPC_CONF.pihpc-old" ]; then
		mv -f "$PIHPC_CONF.pihpc-old" "$PIHPC_CONF"
	else
		rm -f "$PIHPC_CONF"
	fi
}

pihpc_conf_forget() {
	rm -f "$PIHPC_CONF.pihpc-old"
}

# debconf is not a registry: the live file wins, so that dpkg-reconfigure
# shows what a hand edit put there.  Only keys the file sets: a default
# from "config get" would override a preseeded answer (pihpc-master
# installed where pihpc-common already wrote the file).
pihpc_seed_from_conf() {
	_pkg=$1
	shift
	[ -f "$PIHPC_CONF" ] || return 0
	for _q in "$@"; do
		_key=$(pihpc_key_of "$_q")
		grep -q "^[[:space:]]*${_key}[[:space:]]*=" "$PIHPC_CONF" || continue
		_val=$(pihpc config get "$_key" 2>/dev/null) || continue
		if _pihpc_is_boolean "$_key"; then
			case "$_val" in yes) _val=true ;; *) _val=false ;; esac
		fi
		db_set "$_pkg/${_q#*:}" "$_val"
	done
}

# Why the answers to package $2's questions "$3..." are wrong for the
# question $1; empty when they are not.  The answers are tried on a copy of
# cluster.conf, so the checks across keys see the real cluster.  The reason
# follows "'KEY': " on pihpc's error line; it and the word "error" come in
# the user's language.
_pihpc_problem_with() {
	_which=$(pihpc_key_of "$1")
	shift
	_tmp=$(mktemp -d)
	mkdir -p "$_tmp/etc/pihpc"
	if [ -f "$PIHPC_CONF" ]; then
		cp "$PIHPC_CONF" "$_tmp/etc/pihpc/cluster.conf"
	fi
	_pihpc_set_answers "--root $_tmp" "$@" 2>&1 >/dev/null |
		sed -n "s/^pihpc: [^:]*: .*'$_which': //p" | head -n 1
	rm -rf "$_tmp"
}

# Ask the questions "$2..." (PRIORITY:NAME) of package $1.  A bad answer is
# asked again with the reason where debconf can show the question; where
# it cannot (preseeded, noninteractive), the postinst fails naming it.
pihpc_config_ask() {
	_apkg=$1
	shift
	pihpc_seed_from_conf "$_apkg" "$@"
	for _aq in "$@"; do
		while :; do
			_shown=yes
			db_input "${_aq%%:*}" "$_apkg/${_aq#*:}" || _shown=no
			db_go || true
			# An answer nobody saw cannot be asked again: the
			# postinst checks it and fails, naming it.  Checking
			# it here as well would only slow every install.
			[ "$_shown" = yes ] || break
			_reason=$(_pihpc_problem_with "$_aq" "$_apkg" "$@")
			[ -n "$_reason" ] || break
			db_subst pihpc-common/invalid reason "$_reason"
			db_input critical pihpc-common/invalid || true
			db_fset "$_apkg/${_aq#*:}" seen false
		done
	done
}

# Hand package $1's join-token answer to "pihpc $2...", which reads it on
# stdin (never on a command line, where ps shows it), then forget it:
# debconf's database is no place for a secret, and an empty answer keeps
# the token given before.
pihpc_join_token_answer() {
	_tpkg=$1
	shift
	db_get "$_tpkg/join-token" || RET=""
	[ -n "$RET" ] || return 0
	printf '%s\n' "$RET" | pihpc "$@" >&2
	db_set "$_tpkg/join-token" ""
}

# Install a rendered candidate file at its place through ucf, so a local
# edit is kept and offered as a three-way merge instead of overwritten.
pihpc_ucf_install() {
	_new=$1
	_dest=$2
	_pkg=$3
	ucf --three-way --debconf-ok "$_new" "$_dest"
	ucfr "$_pkg" "$_dest"
}

# True when systemd runs this machine; false in a chroot, an image build
# or a piuparts run, where no daemon may be started or reached: the
# configuration is written all the same, and what needs the running
# services waits for "dpkg-reconfigure" on the booted machine.
pihpc_booted() {
	[ -d /run/systemd/system ]
}

_pihpc_not_booted_note() {
	pihpc_warn "systemd is not running (a chroot or an image build): $1 once the machine runs: dpkg-reconfigure $2"
}

pihpc_systemd_reload() {
	if pihpc_booted; then
		systemctl --system daemon-reload >/dev/null || true
	fi
}

pihpc_warn() {
	echo "pihpc: warning: $*" >&2
}

pihpc_role_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "pihpc-$1" 2>/dev/null)" = "ii " ]
}

# Restart unit $1 when systemd runs (not in a chroot or image build).
_pihpc_restart() {
	if pihpc_booted; then
		deb-systemd-invoke restart "$1"
	fi
}

# Restart unit $1 without waiting until it is ready: a configless slurmd of
# Slurm 23.11 and later is "activating" until the controller answers,
# which may be long after this install.  policy-rc.d is asked first, as
# deb-systemd-invoke does.
_pihpc_restart_nowait() {
	pihpc_booted || return 0
	if [ -x /usr/sbin/policy-rc.d ]; then
		_prc=0
		/usr/sbin/policy-rc.d "$1" restart || _prc=$?
		[ "$_prc" != 101 ] || return 0
	fi
	systemctl --no-block restart "$1"
}

_pihpc_this_host_is_controller() {
	[ "$(pihpc config get controller)" = "$(hostname -s 2>/dev/null || hostname)" ]
}

# Run "pihpc ARGS"; true when it reported a change (it prints one line per
# change, nothing otherwise).  Its report goes on to stderr; its failure
# fails the maintainer script, with its own message.
_pihpc_changes() {
	_out=$(pihpc "$@") || exit 1
	[ -n "$_out" ] || return 1
	printf '%s\n' "$_out" >&2
}

_pihpc_active() {
	systemctl is-active --quiet "$1"
}

# Unit $1 is masked until the next boot: "pihpc upgrade" holds slurmctld
# and slurmd so while Slurm's packages, which move together, are upgraded,
# so that slurmdbd comes first (pihpc-upgrade(8)); it starts them itself.
# Starting it here would fail, and fail the upgrade.
_pihpc_held() {
	[ "$(systemctl is-enabled "$1" 2>/dev/null)" = masked-runtime ]
}

# Render slurm.conf and cgroup.conf and hand them to ucf: a local edit is
# kept and offered as a three-way merge, never silently overwritten.
# True when either file changed.
_pihpc_render_slurm() {
	_rdir=$(mktemp -d)
	_before=$(cat /etc/slurm/slurm.conf /etc/slurm/cgroup.conf 2>/dev/null | md5sum)
	pihpc render --role "$1" --out "$_rdir"
	for _f in slurm.conf cgroup.conf; do
		pihpc_ucf_install "$_rdir/$_f" "/etc/slurm/$_f" "pihpc-$1"
	done
	rm -rf "$_rdir"
	[ "$(cat /etc/slurm/slurm.conf /etc/slurm/cgroup.conf | md5sum)" != "$_before" ]
}

# Directories that do not exist yet and that pihpc is about to make (the
# exported directories, the mount points) are noted for package $1, so
# that its purge takes them away again if they are still empty.  A
# directory that was there before stays.
_pihpc_note_new_dirs() {
	_npkg=$1
	shift
	for _d in "$@"; do
		[ -e "$_d" ] || _pihpc_note_dir "$_npkg" "$_d"
	done
}

# Note directory $2 for the purge of package $1, once.
_pihpc_note_dir() {
	mkdir -p /var/lib/pihpc
	grep -qxF "$2" "/var/lib/pihpc/created-dirs.$1" 2>/dev/null ||
		printf '%s\n' "$2" >>"/var/lib/pihpc/created-dirs.$1"
}

# The paths of cluster.conf's nfs_exports, separated by blanks.
_pihpc_export_paths() {
	pihpc config get nfs_exports | sed 's/([^)]*)//g'
}

# _pihpc_note_new_dirs for package $1 and the exported paths.  A subshell:
# the paths are split on blanks but never globbed.
_pihpc_note_export_dirs() (
	_paths=$(_pihpc_export_paths)
	set -f
	# shellcheck disable=SC2086 # paths without blanks, not globbed
	_pihpc_note_new_dirs "$1" $_paths
)

# Releases before 0.3.0 made Slurm's directories for role $2 without a
# note: on the upgrade from one, those that no package ships are noted for
# package $1 now.
pihpc_note_old_dirs() (
	_dirs=$(pihpc dirs list --role "$2")
	set -f
	for _d in $_dirs; do
		[ -d "$_d" ] || continue
		dpkg-query -S "$_d" >/dev/null 2>&1 || _pihpc_note_dir "$1" "$_d"
	done
)

# Slurm's directories for role $2, noted for package $1 first.  A
# subshell: the paths are split on blanks but never globbed.
_pihpc_dirs_ensure() (
	_dirs=$(pihpc dirs list --role "$2")
	set -f
	# shellcheck disable=SC2086 # paths without blanks, not globbed
	_pihpc_note_new_dirs "$1" $_dirs
	pihpc dirs ensure --role "$2"
)

# The NFS mounts of /home and /nfs from the storage node in /etc/fstab,
# then the role's one daemon-reload: it shows systemd the fstab and the
# units and drop-ins of the packages just unpacked (each reload costs a
# good part of a second on a Pi).  $1: the package.
_pihpc_fstab_reload() {
	_pihpc_note_export_dirs "$1"
	pihpc fstab apply
	pihpc_systemd_reload
}

# Mount them now (after _pihpc_fstab_reload).  A storage node that is
# down must not fail the installation: the mounts are nofail and are
# tried again at boot.
_pihpc_nfs_mount() {
	# No storage node: the cluster has no shared file systems.
	[ -n "$(pihpc config get storage)" ] || return 0
	pihpc_booted || return 0
	_exports=$(_pihpc_export_paths)
	# Split on blanks, never globbed: a subshell keeps set -f here.
	(
		set -f
		for _p in $_exports; do
			mountpoint -q "$_p" || mount "$_p" ||
				pihpc_warn "cannot mount '$_p' from the storage node now; it is mounted at boot"
		done
	)
}

# slurmd in configless mode, with this node's hardware, joining the
# controller by itself (dynamic registration).  $1 = yes when the munge
# key just changed; $2: the package (for what to run later); $3 = wait to
# wait here until the controller lists the node (on the controller; a
# compute node's pihpc-join-node.service waits instead).  The caller has
# run the daemon-reload that shows systemd slurmd's drop-in.
_pihpc_slurmd() {
	# slurmd's options describe this machine's hardware, which a chroot
	# or an image build is not: they wait for the booted machine.
	if ! pihpc_booted; then
		_pihpc_not_booted_note "slurmd is set up for this machine's hardware" "$2"
		return 0
	fi
	_env_changed=no
	if _pihpc_changes slurmd env; then
		_env_changed=yes
	fi
	! _pihpc_held slurmd.service || return 0
	if [ "$_env_changed" = yes ] || [ "$1" = yes ] || ! _pihpc_active slurmd.service; then
		_pihpc_restart_nowait slurmd.service
	fi
	[ "${3:-}" = wait ] || return 0
	pihpc node join ||
		pihpc_warn "slurmd has not joined yet; it keeps trying (journalctl -u slurmd)"
}

# Munge credentials fail on clock skew: the controller serves time to the
# cluster network (also with no upstream source), the nodes follow it.
# Only chrony is configured; another time-daemon is left to the admin.
PIHPC_CHRONY_SERVE=/etc/chrony/conf.d/pihpc.conf
PIHPC_CHRONY_FOLLOW=/etc/chrony/sources.d/pihpc.sources

_pihpc_time_sync() {
	[ -d /etc/chrony ] || return 0
	if [ "$1" = serve ]; then
		_file=$PIHPC_CHRONY_SERVE
		_text=$(printf 'allow %s\nlocal stratum 10' "$(pihpc config get subnet)")
	else
		_file=$PIHPC_CHRONY_FOLLOW
		_text="server $(pihpc config get controller) iburst"
	fi
	mkdir -p "$(dirname "$_file")"
	# A here-document, not a pipe: a failure must reach set -e.
	if _pihpc_changes block set "$_file" chrony <<EOF && _pihpc_active chrony.service; then
$_text
EOF
		deb-systemd-invoke restart chrony.service
	fi
}

# nfs-server reads /etc/exports when it starts; where it cannot run (a
# container, a kernel without nfsd) the exports wait for it.
_pihpc_reload_exports() {
	pihpc_booted || return 0
	exportfs -ra ||
		pihpc_warn "the NFS server did not take the exports now; it reads /etc/exports when it starts"
}

_pihpc_apply_storage() {
	# The munge key that releases before 0.3.0 published on the share.
	rm -f /nfs/pihpc/munge.key
	[ ! -d /nfs/pihpc ] || rmdir --ignore-fail-on-non-empty /nfs/pihpc
	_pihpc_note_export_dirs pihpc-storage
	pihpc exports apply --no-reload
	_pihpc_reload_exports
	pihpc repo init
	printf 'A:%s\nD:*\n' "$(pihpc config get subnet)" |
		pihpc block set /etc/pihpc/repo-httpd.conf access >/dev/null
}

# The controller's join service (pihpc-join(8)): answers the cluster
# subnet only, enabled now that the cluster's key exists.
PIHPC_JOIN_DROPIN=/etc/systemd/system/pihpc-join.socket.d/pihpc.conf

_pihpc_join_socket() {
	# Releases before 0.3.0 put the key on the share, which every root of
	# the network could read: it goes (the storage node, where root is
	# not squashed, removes it too).
	rm -f /nfs/pihpc/munge.key 2>/dev/null || true
	rmdir /nfs/pihpc 2>/dev/null || true
	mkdir -p "${PIHPC_JOIN_DROPIN%/*}"
	_changed=no
	if _pihpc_changes block set "$PIHPC_JOIN_DROPIN" subnet <<EOF; then
[Socket]
IPAddressAllow=
IPAddressAllow=localhost $(pihpc config get subnet)
EOF
		_changed=yes
	fi
	deb-systemd-helper enable pihpc-join.socket >/dev/null
	pihpc_booted || return 0
	if [ "$_changed" = yes ]; then
		pihpc_systemd_reload
	fi
	if [ "$_changed" = yes ] || ! _pihpc_active pihpc-join.socket; then
		deb-systemd-invoke restart pihpc-join.socket
	fi
}

_pihpc_apply_master() {
	_pihpc_dirs_ensure pihpc-master master
	_pihpc_time_sync serve
	_pihpc_fstab_reload pihpc-master
	_pihpc_nfs_mount
	_conf=no _munge=no _dbd=no
	if _pihpc_render_slurm master; then
		_conf=yes
	fi
	if _pihpc_changes munge key generate; then
		_munge=yes
		_pihpc_restart munge.service
	fi
	_pihpc_join_socket
	if ! pihpc_booted; then
		_pihpc_not_booted_note "the accounting database and the daemons are set up" pihpc-master
	elif _pihpc_changes db ensure; then
		_dbd=yes
	fi
	if pihpc_booted; then
		# The start order Slurm needs: MariaDB (a dependency, already
		# up), slurmdbd, the cluster registered, then slurmctld.
		if [ "$_dbd$_munge" != nono ] || ! _pihpc_active slurmdbd.service; then
			deb-systemd-invoke restart slurmdbd.service
		fi
		pihpc accounting register
		if _pihpc_held slurmctld.service; then
			:
		elif [ "$_munge" = yes ] || ! _pihpc_active slurmctld.service; then
			deb-systemd-invoke restart slurmctld.service
		elif [ "$_conf" = yes ]; then
			# Also pushes the new configuration to configless slurmds.
			scontrol reconfigure
		fi
	fi
	if [ "$(pihpc config get master_is_compute)" = yes ]; then
		_pihpc_slurmd "$_munge" pihpc-master wait
	else
		rm -f /etc/pihpc/slurmd.env
		if pihpc_booted; then
			deb-systemd-invoke stop slurmd.service
		fi
	fi
}

_pihpc_apply_compute() {
	_pihpc_dirs_ensure pihpc-compute compute
	if ! _pihpc_this_host_is_controller; then
		_pihpc_time_sync follow
	fi
	_pihpc_fstab_reload pihpc-compute
	_pihpc_nfs_mount
	if [ -f /boot/firmware/cmdline.txt ] || [ -f /boot/cmdline.txt ]; then
		db_get pihpc-compute/cgroup-cmdline
		# A cmdline.txt pihpc cannot safely edit is left as it is,
		# with the reason: the node works without memory limits.
		if [ "$RET" = true ] && ! pihpc cmdline ensure; then
			pihpc_warn "the kernel command line was not changed (see above)"
		fi
	fi
	pihpc cmdline check ||
		pihpc_warn "Slurm cannot confine jobs on this node until the cgroups above are enabled"
	if pihpc_booted; then
		pihpc munge check
	fi
	_pihpc_slurmd no pihpc-compute
	# The cluster's key comes from the controller's join service.  The
	# service tries until the controller answers (it may not exist yet),
	# then restarts munge and slurmd; the postinst does not wait for it.
	if pihpc_booted; then
		_pihpc_restart_nowait pihpc-join-node.service
		# Now and then: a new key of the controller reaches the node.
		deb-systemd-invoke start pihpc-join-check.timer
		# Now and then: the controller's Slurm, once it was upgraded
		# (pihpc-upgrade(8)), if pihpc upgrade could not reach the node.
		deb-systemd-invoke start pihpc-slurm-follow.timer
	fi
}

# Bring the node's files and daemons in line with cluster.conf for role $1.
# What the commands report goes to stderr: stdout belongs to debconf.
pihpc_apply_role() {
	_pihpc_apply_role "$@" >&2
}

_pihpc_apply_role() {
	case "$1" in
	storage) _pihpc_apply_storage ;;
	master) _pihpc_apply_master ;;
	compute) _pihpc_apply_compute ;;
	*)
		echo "pihpc: unknown role '$1'" >&2
		return 1
		;;
	esac
}

# Take back what pihpc_apply_role added to files other packages own; the
# data (exported directories, accounting database, keys) stays.
pihpc_unapply_role() {
	_pihpc_unapply_role "$@" >&2
}

_pihpc_unapply_role() {
	case "$1" in
	storage)
		pihpc exports remove --no-reload
		_pihpc_reload_exports
		;;
	master | compute)
		if [ "$1" = master ]; then
			rm -f "$PIHPC_CHRONY_SERVE"
		else
			rm -f "$PIHPC_CHRONY_FOLLOW"
		fi
		if pihpc_booted; then
			# scontrol on a configless node needs slurmd's cached
			# configuration: leave first, then stop.  A node that
			# still runs jobs stops the removal, with the reason.
			pihpc node leave
			deb-systemd-invoke stop slurmd.service || true
		fi
		if ! pihpc_role_installed compute || ! pihpc_role_installed master; then
			pihpc fstab remove
		fi
		;;
	esac
}

# After "dpkg-reconfigure pihpc-common", re-apply every configured role.
# On install and upgrade the roles are not configured yet at this point
# and their own postinst applies them.
pihpc_reconfigure_roles() {
	for _role in storage master compute; do
		if pihpc_role_installed "$_role"; then
			pihpc_apply_role "$_role"
		fi
	done
}
