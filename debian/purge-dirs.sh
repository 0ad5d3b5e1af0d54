# shellcheck shell=sh
# pihpc_purge_dirs: on purge, what pihpc made for this package goes
# again: the directories the maintainer library noted in
# created-dirs.PACKAGE, and the Slurm units it enabled (noted in
# enabled-units.PACKAGE), which are disabled.  Slurm's spool state goes
# whole; the other directories (exported directories, mount points) only
# if nothing was put in them.  While another pihpc role is still on the
# machine a note passes to it, since it may use the same directories and
# daemons; the last role purged takes them away.
# debian/rules puts this file into each role's postrm, so that the purge
# needs nothing from pihpc-common, which may already be gone.
pihpc_purge_dirs() {
	for _kind in created-dirs enabled-units; do
		_l=/var/lib/pihpc/$_kind.$DPKG_MAINTSCRIPT_PACKAGE
		[ -f "$_l" ] || continue
		_passed=no
		for _p in pihpc-storage pihpc-master pihpc-compute; do
			[ "$_p" != "$DPKG_MAINTSCRIPT_PACKAGE" ] || continue
			case $(dpkg-query -W -f='${Status}' "$_p" 2>/dev/null) in
			*" installed" | *" unpacked" | *" half-configured" | *" triggers-"*)
				cat "$_l" >>"/var/lib/pihpc/$_kind.$_p"
				_passed=yes
				break
				;;
			esac
		done
		if [ "$_passed" = no ] && [ "$_kind" = created-dirs ]; then
			# Children before their parents.
			sort -r "$_l" | while IFS= read -r _d; do
				case $_d in
				/var/spool/slurm/?*) rm -rf "$_d" ;;
				*) rmdir "$_d" 2>/dev/null || true ;;
				esac
			done
		elif [ "$_passed" = no ]; then
			while IFS= read -r _u; do
				deb-systemd-helper purge "$_u" >/dev/null || true
			done <"$_l"
		fi
		rm -f "$_l"
	done
	[ ! -d /var/lib/pihpc ] || rmdir --ignore-fail-on-non-empty /var/lib/pihpc
}
