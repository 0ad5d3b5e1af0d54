# shellcheck shell=sh
# Functions shared by the pihpc-* maintainer scripts.
#
# The scripts stay thin: they ask debconf and hand the answers to the pihpc
# command, which validates them and does the real work.  This file only maps
# debconf questions to cluster.conf keys and wraps ucf.
# Sourced after /usr/share/debconf/confmodule.

PIHPC_CONF=/etc/pihpc/cluster.conf

# Questions of pihpc-common, in the order they are asked.  Each maps to the
# cluster.conf key of the same name with '-' turned into '_'.
PIHPC_COMMON_QUESTIONS="controller cluster-name storage domain subnet hosts slurm-uid"

pihpc_key_of() {
	printf '%s\n' "$1" | tr - _
}

# Write debconf's answers for the questions "$@" of package $1 into
# cluster.conf.  pihpc validates the whole result first, so a bad answer
# fails here with a message naming it and the file stays as it was.
pihpc_answers_to_conf() {
	_pkg=$1
	shift
	_questions="$*"
	set --
	for _q in $_questions; do
		db_get "$_pkg/$_q"
		_key=$(pihpc_key_of "$_q")
		set -- "$@" "$_key=$RET"
		# One question sets both ids; a gid made different by hand
		# edit is kept unless the uid answer itself changes.
		if [ "$_key" = slurm_uid ] &&
			[ "$(pihpc config get slurm_uid 2>/dev/null)" != "$RET" ]; then
			set -- "$@" "slurm_gid=$RET"
		fi
	done
	pihpc config set "$@"
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

# Forget a ucf-managed file on purge, with ucf's backup copies.
pihpc_ucf_purge() {
	_dest=$1
	_pkg=$2
	for _ext in .ucf-new .ucf-old .ucf-dist ""; do
		rm -f "$_dest$_ext"
	done
	if command -v ucf >/dev/null 2>&1; then
		ucf --purge "$_dest"
	fi
	if command -v ucfr >/dev/null 2>&1; then
		ucfr --purge "$_pkg" "$_dest"
	fi
}

pihpc_systemd_reload() {
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
	fi
}

pihpc_role_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "pihpc-$1" 2>/dev/null)" = "ii " ]
}

# Bring the node's files and daemons in line with cluster.conf for role $1.
pihpc_apply_role() {
	case "$1" in
	storage | master | compute) ;;
	*)
		echo "pihpc: unknown role '$1'" >&2
		return 1
		;;
	esac
	pihpc_systemd_reload
}

# Take back what pihpc_apply_role added to files other packages own.
pihpc_unapply_role() {
	:
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
