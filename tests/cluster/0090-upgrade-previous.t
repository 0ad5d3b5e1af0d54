#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='upgrade from the previous release: a working cluster stays one, on the new scheme

Boots filenode01, rpnode01 and rpnode02 and installs the previous release
of pihpc (tests/qa/previous-build.sh: the tree before the newest
debian/changelog entry).  Then each node upgrades to the packages under
test with apt, in the order storage, controller, compute node: the
cluster keeps the key it uses, no key is on the share, /nfs is exported
root_squash, the join socket runs, and jobs run.
Needs root, git history and build/repo (make deb).'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

NEW=${PIHPC_REPO:-$PIHPC_TOP/build/repo}
ROLES="filenode01:pihpc-storage rpnode01:pihpc-master rpnode02:pihpc-compute"

test_expect_success 'the previous release is built' '
	"$PIHPC_TOP/tests/qa/previous-build.sh" >prev &&
	test -s "$(cat prev)/Packages"
'

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots with the previous release' '
	PIHPC_REPO=$(cat prev) cluster_up filenode01 rpnode01 rpnode02
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

for r in $ROLES; do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: apt install $p of the previous release" "
		node_apt_update $n && node_apt_install $n $p
	"
done

test_expect_success UP 'the previous release works: rpnode02 is idle, with the controller'"'"'s key' '
	wait_idle rpnode01 rpnode02 &&
	test "$(node_exec_timeout 60 rpnode01 srun -w rpnode02 hostname)" = rpnode02 &&
	node_exec rpnode01 dpkg-query -W -f="\${Version}" pihpc-master >old.version &&
	test "$(cat old.version)" != "$(dpkg-deb -f "$NEW"/pihpc-master_*.deb Version)" &&
	key_sum rpnode01 >key.before &&
	test "$(key_sum rpnode02)" = "$(cat key.before)"
'

# upgrade NODE PACKAGE: apt installs pihpc-common and PACKAGE under test
# over the previous release, as files copied into the node.
upgrade() {
	local c p
	c=$(basename "$NEW"/pihpc-common_*.deb) p=$(basename "$NEW"/"$2"_*.deb)
	node_copy_in "$1" /root/new "$NEW/$c" "$NEW/$p" &&
		node_apt "$1" install "/root/new/$c" "/root/new/$p" &&
		test "$(node_exec "$1" dpkg-query -W -f='${Version}' "$2")" = \
			"$(dpkg-deb -f "$NEW/$p" Version)"
}

for r in $ROLES; do
	n=${r%%:*} p=${r#*:}
	test_expect_success UP "$n: upgrade to the packages under test" "
		upgrade $n $p
	"
done

test_expect_success UP 'no key on the share; /nfs is exported root_squash' '
	node_exec filenode01 find /nfs -name "munge*" >out &&
	test_must_be_empty out &&
	node_exec filenode01 grep "^/nfs " /etc/exports >out &&
	cat out &&
	grep -q "[(,]root_squash[,)]" out &&
	! grep -q no_root_squash out
'

# The harness preseeds a join token everywhere, so rpnode02 joins once
# more with it: the key it gets is the one it has.
test_expect_success UP 'the join socket runs; rpnode02 joins again and keeps the key the cluster uses' '
	node_exec rpnode01 systemctl is-active pihpc-join.socket &&
	for _ in $(seq 60); do
		state=$(node_exec rpnode02 systemctl is-active pihpc-join-node.service) || true
		test "$state" = activating || break
		sleep 2
	done &&
	node_exec rpnode02 systemctl show -P Result pihpc-join-node.service >out &&
	echo success >expect &&
	test_cmp expect out &&
	node_exec rpnode02 pihpc node status >out &&
	grep -x "state=joined" out &&
	test "$(key_sum rpnode01)" = "$(cat key.before)" &&
	test "$(key_sum rpnode02)" = "$(cat key.before)"
'

test_expect_success UP 'after the upgrade rpnode02 is idle and runs jobs' '
	wait_idle rpnode01 rpnode02 &&
	test "$(node_exec_timeout 60 rpnode01 srun -w rpnode02 hostname)" = rpnode02
'

test_done
