#!/bin/sh
# What the tests need beyond the build dependencies in debian/control.
#   tests/deps.sh --check     exit 0 when everything is installed
#   tests/deps.sh --install   install what is missing from Debian's archive
set -eu

PACKAGES="apt-utils cppcheck clang-tidy dpkg-dev gnupg iproute2 lintian
mmdebstrap shellcheck sharness systemd-container valgrind libcmocka-dev"

missing() {
	for p in $PACKAGES; do
		dpkg-query -W -f='${db:Status-Abbrev}\n' "$p" 2>/dev/null |
			grep -q '^ii' || printf '%s\n' "$p"
	done
}

case "${1:-}" in
--check)
	[ -z "$(missing)" ]
	;;
--install)
	m=$(missing)
	if [ -n "$m" ]; then
		# shellcheck disable=SC2086 # a list of package names
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
			-y -q install --no-install-recommends $m
	fi
	;;
*)
	echo "usage: tests/deps.sh --check | --install" >&2
	exit 2
	;;
esac
