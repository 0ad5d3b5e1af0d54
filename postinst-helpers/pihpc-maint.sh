# shellcheck shell=sh
# Functions shared by the pihpc-* maintainer scripts.
#
# The scripts stay thin: they ask debconf and hand the answers to the pihpc
# command, which validates them and does the real work.  This file only maps
# debconf questions to cluster.conf keys and wraps ucf.
# Sourced after /usr/share/debconf/confmodule.

PIHPC_CONF=/etc/pihpc/cluster.conf

# Questions of pihpc-common in the order they are asked, with the
# priority of each.  Each maps to the cluster.conf key of the same name with
# '-' turned into '_'.
PIHPC_COMMON_QUESTIONS="high:controller medium:cluster-name medium:storage
medium:domain medium:subnet medium:hosts medium:slurm-uid"

# cluster.conf keys whose question is a debconf boolean (true/false in
# debconf, yes/no in the file).
PIHPC_BOOLEAN_KEYS="master_is_compute"

pihpc_key_of() {
	printf '%s
' "${1#*:}" | tr - _
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
_pihpc_set_answers() {
	_root=$1
	_pkg=$2
	shift 2
	_answers=$(_pihpc_answers "$_pkg" "$@")
	# Answers may hold spaces but never newlines: split on newlines only.
	_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2086 # _root is empty or "--root DIR"
	set -- $_answers
	IFS=$_ifs
	# shellcheck disable=SC2086
	pihpc $_root config set "$@"
}

# Write debconf's answers for the questions "$2..." of package $1 into
# cluster.conf.  pihpc validates the whole result first, so a bad answer
# fails here with a message naming it and the file stays as it was.
pihpc_answers_to_conf() {
	_pihpc_set_answers "" "$@" >/dev/null
}

# debconf is not a registry: the live file wins, so that dpkg-reconfigure
# shows what a hand edit put there.
pihpc_seed_from_conf() {
	_pkg=$1
	shift
	[ -f "$PIHPC_CONF" ] || return 0
	for _q in "$@"; do
		_key=$(pihpc_key_of "$_q")
		_val=$(pihpc config get "$_key" 2>/dev/null) || continue
		if _pihpc_is_boolean "$_key"; then
			case "$_val" in yes) _val=true ;; *) _val=false ;; esac
		fi
		db_set "$_pkg/${_q#*:}" "$_val"
	done
}

# Why the answers to package $2's questions "$3..." are wrong for the
# question $1; empty when they are not.  The answers are tried on a copy of
# cluster.conf, so the checks across keys see the real cluster.
_pihpc_problem_with() {
	_which=$(pihpc_key_of "$1")
	shift
	_tmp=$(mktemp -d)
	mkdir -p "$_tmp/etc/pihpc"
	if [ -f "$PIHPC_CONF" ]; then
		cp "$PIHPC_CONF" "$_tmp/etc/pihpc/cluster.conf"
	fi
	_pihpc_set_answers "--root $_tmp" "$@" 2>&1 >/dev/null |
		sed -n "s/^pihpc: error: .*'$_which': //p" | head -n 1
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
			_reason=$(_pihpc_problem_with "$_aq" "$_apkg" "$@")
			[ -n "$_reason" ] && [ "$_shown" = yes ] || break
			db_subst pihpc-common/invalid reason "$_reason"
			db_input critical pihpc-common/invalid || true
			db_fset "$_apkg/${_aq#*:}" seen false
		done
	done
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
