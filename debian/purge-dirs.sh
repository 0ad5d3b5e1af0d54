# shellcheck shell=sh
# pihpc_purge_dirs: on purge, the directories pihpc made for this package
# (the maintainer library noted them in created-dirs.PACKAGE) go again.
# Slurm's spool state goes whole; the others (exported directories, mount
# points) only if nothing was put in them.  While another pihpc role is
# still on the machine the note passes to it, since it may use the same
# directories; the last role purged takes them away.
# debian/rules puts this file into each role's postrm, so that the purge
# needs nothing from pihpc-common, which may already be gone.
pihpc_purge_dirs() {
	_l=/var/lib/pihpc/created-dirs.$DPKG_MAINTSCRIPT_PACKAGE
	if [ -f "$_l" ]; then
		for _p in pihpc-storage pihpc-master pihpc-compute; do
			[ "$_p" != "$DPKG_MAINTSCRIPT_PACKAGE" ] || continue
			case $(dpkg-query -W -f='${Status}' "$_p" 2>/dev/null) in
			*" installed" | *" unpacked" | *" half-configured" | *" triggers-"*)
				cat "$_l" >>"/var/lib/pihpc/created-dirs.$_p"
				rm -f "$_l"
				return 0
				;;
			esac
		done
		# Children before their parents.
		sort -r "$_l" | while IFS= read -r _d; do
			case $_d in
			/var/spool/slurm/?*) rm -rf "$_d" ;;
			*) rmdir "$_d" 2>/dev/null || true ;;
			esac
		done
		rm -f "$_l"
	fi
	[ ! -d /var/lib/pihpc ] || rmdir --ignore-fail-on-non-empty /var/lib/pihpc
}
