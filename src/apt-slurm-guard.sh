#!/bin/sh
# /usr/libexec/pihpc/apt-slurm-guard - APT's DPkg::Pre-Install-Pkgs hook
# (/etc/apt/apt.conf.d/50pihpc-slurm-guard): APT writes the package
# actions of the run on stdin and aborts the run, before dpkg changes
# anything, when this exits non-zero.  pihpc upgrade guard checks them
# against Slurm's upgrade rules; see pihpc-upgrade(8).  Without pihpc, or
# with a pihpc that has no guard (this file left behind by a downgrade),
# the input is read and the run goes on.
if [ ! -x /usr/sbin/pihpc ] || ! /usr/sbin/pihpc upgrade --help >/dev/null 2>&1; then
	cat >/dev/null
	exit 0
fi
exec /usr/sbin/pihpc upgrade guard
