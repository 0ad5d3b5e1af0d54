#!/bin/bash
# shellcheck disable=SC2016,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='pihpc packages: install, dpkg-reconfigure, remove and purge on booted nodes

Boots filenode01, rpnode01 and rpnode02 (systemd-nspawn, see lib.sh), installs
pihpc-storage, pihpc-master and pihpc-compute with plain apt from the repository
served by filenode01, reconfigures, removes and purges them, and checks that the
purge leaves /etc exactly as it was before (dependencies were installed first).
Needs root and build/repo (make deb); PIHPC_REPO=DIR uses another repository.'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

# node:role-package, in installation order
ROLES="filenode01:pihpc-storage rpnode01:pihpc-master rpnode02:pihpc-compute"
# Paths compared before install / after purge: content of /etc, the file
# list of the others.  Files that change for reasons unrelated to pihpc:
# The slurm account stays on purge, as Debian packages keep the system
# users they made: files on NFS and in backups still belong to its uid.
SNAP_IGNORE='^(etc/ld\.so\.cache|etc/machine-id|etc/adjtime|etc/resolv\.conf|etc/(passwd|group|shadow|gshadow)-?)( |$)'

# snapshot NODE FILE: state of /etc (mode, owner, content) and the file
# lists of pihpc's other places, in the node, written to FILE on the host.
snapshot() {
	node_exec "$1" sh -c '
		cd / && {
			find etc usr/share/pihpc usr/lib/systemd/system \
				var/lib/pihpc srv -xdev \
				-printf "%p %y %m %u:%g %l\n" 2>/dev/null
			find etc -xdev -type f -print0 | xargs -0 sha256sum | sed "s/^\([0-9a-f]*\)  \(.*\)/\2 sha256=\1/"
		} | LC_ALL=C sort' | grep -Ev "$SNAP_IGNORE" >"$2"
}

role_deps() {
	# what apt would install for PKG, minus pihpc's own packages
	node_exec "$1" apt-get -s -q -o APT::Install-Recommends=true install "$2" |
		awk '/^Inst / && $2 !~ /^pihpc-/ { print $2 }'
}

status_is() {
	# status_is NODE PKG ABBREV ("ii ", "rc "; "" or "un " = not installed)
	local got
	got=$(node_exec "$1" dpkg-query -W -f='${db:Status-Abbrev}' "$2" 2>/dev/null) || got=""
	case "$3" in
	gone) [ -z "$got" ] || [ "$got" = "un " ] ;;
	*) [ "$got" = "$3" ] ;;
	esac || { echo "$1: $2 status '$got', expected '$3'"; return 1; }
}

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots' '
	cluster_up filenode01 rpnode01 rpnode02
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

for r in $ROLES; do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: apt-get update of the pihpc source" "
		node_apt_update $n
	"
	test_expect_success UP "$n: dependencies of $p install offline" "
		deps=\"\$(role_deps $n $p) man-db\" &&
		echo \"deps: \$deps\" &&
		if [ -n \"\$deps\" ]; then node_apt_install $n \$deps; fi
	"
	test_expect_success UP "$n: snapshot before installing $p" "
		snapshot $n before-$n &&
		test -s before-$n
	"
done

for r in $ROLES; do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: apt install $p" "
		node_apt_install $n $p
	"
	test_expect_success UP "$n: $p is installed" "
		status_is $n $p 'ii ' && status_is $n pihpc-common 'ii '
	"
done

test_expect_success UP 'pihpc --help works on an installed node' '
	node_exec rpnode02 pihpc --help >out &&
	grep -q "^usage: pihpc" out && grep -q "^  node " out
'

# man-db went in with the dependencies, before the snapshot.
test_expect_success UP 'man pihpc and man pihpc-cluster.conf work on an installed node' '
	node_exec rpnode02 env MANPAGER=cat man pihpc >out &&
	grep -q "pihpc-cluster.conf" out &&
	node_exec rpnode02 env MANPAGER=cat man 5 pihpc-cluster.conf >out &&
	grep -q "slurm_uid" out
'

for r in $ROLES; do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: dpkg-reconfigure pihpc-common and $p" "
		node_exec_timeout 600 $n dpkg-reconfigure -fnoninteractive pihpc-common &&
		node_exec_timeout 600 $n dpkg-reconfigure -fnoninteractive $p
	"
	test_expect_success UP "$n: $p still installed after reconfigure" "
		status_is $n $p 'ii '
	"
done

for r in $(echo "$ROLES" | tr ' ' '\n' | tac); do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: apt remove $p pihpc-common" "
		node_apt $n remove $p pihpc-common
	"
	test_expect_success UP "$n: $p and pihpc-common are removed, config kept" "
		status_is $n $p 'rc ' && status_is $n pihpc-common 'rc '
	"
done

for r in $(echo "$ROLES" | tr ' ' '\n' | tac); do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: apt purge $p pihpc-common" "
		node_apt $n purge $p pihpc-common
	"
	test_expect_success UP "$n: $p and pihpc-common are purged" "
		status_is $n $p gone && status_is $n pihpc-common gone
	"
	test_expect_success UP "$n: purge leaves /etc as before the install" "
		snapshot $n after-$n &&
		diff -u before-$n after-$n
	"
	test_expect_success UP "$n: no pihpc question left in the debconf database" "
		! node_exec $n grep -E '^Name: pihpc-' /var/cache/debconf/config.dat
	"
done

test_done
