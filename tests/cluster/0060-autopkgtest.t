#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='autopkgtest: debian/tests on a booted node

Boots one node whose name and address are not the seed'"'"'s defaults
(rpnode05, 10.0.0.6), copies the built packages and debian/ into it and runs
autopkgtest there with the null virtualisation server: the node is the
testbed, with its own systemd, and its apt works offline from the image.
Needs root and build/repo (make deb).'

# The node is a whole machine of its own (its own systemd), which trixie's
# autopkgtest cannot tell from the null server: --ignore-restrictions
# isolation-machine says so.

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

REPO=${PIHPC_REPO:-$PIHPC_TOP/build/repo}

test_expect_success 'one node, rpnode05, boots' '
	cluster_up rpnode05
'
cluster_is_up && node_leader rpnode05 >/dev/null 2>&1 && test_set_prereq UP

test_expect_success UP 'autopkgtest installs offline in the node' '
	node_apt_install rpnode05 autopkgtest >/dev/null
'

test_expect_success UP 'the packages and the source tree are copied in' '
	node_copy_in rpnode05 /root/debs "$REPO"/pihpc-*.deb &&
	tar -C "$PIHPC_TOP" -cf src.tar debian &&
	node_copy_in rpnode05 /root src.tar &&
	node_exec rpnode05 sh -c "mkdir -p /root/pihpc && tar -C /root/pihpc -xf /root/src.tar"
'

test_expect_success UP 'autopkgtest: every test of debian/tests passes' '
	node_exec_timeout 1200 rpnode05 sh -c "autopkgtest --no-built-binaries \
		--ignore-restrictions isolation-machine \
		--output-dir /root/out /root/pihpc/ /root/debs/*.deb -- null" >out 2>&1;
	rc=$?
	cat out &&
	test "$rc" = 0 &&
	grep -Eq "^smoke +PASS" out
'

test_done
