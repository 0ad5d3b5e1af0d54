#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions and variables used from them
test_description='pihpc-storage: the cluster'"'"'s signed apt repository, and upgrades through it

Boots filenode01, rpnode01 and rpnode02; installs pihpc-storage from the
harness'"'"'s bootstrap repository; publishes the packages into the storage
node'"'"'s own signed repository (pihpc repo add); bootstraps rpnode01 and
rpnode02 from it the way README.md documents (the harness'"'"'s source removed,
the key'"'"'s fingerprint compared); installs pihpc-master and pihpc-compute
from it; then builds a newer version (in a scratch copy of the tree),
publishes it and upgrades every node with apt-get upgrade: a hand edit of
slurm.conf survives and the cluster works again.
Needs root and build/repo (make deb); PIHPC_REPO=DIR uses another repository.'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

STORAGE_IP=${PIHPC_NODE_IP[filenode01]}
# the upgrade: the version under test (in the repository) + "+upgradetest1"
set -- "${PIHPC_REPO:-$PIHPC_TOP/build/repo}"/pihpc-common_*.deb
BASE_VERSION=$(dpkg-deb -f "$1" Version 2>/dev/null) || BASE_VERSION=0.1.0
UPGRADE_VERSION=$BASE_VERSION+upgradetest1
PKGS="pihpc-common pihpc-compute pihpc-master pihpc-storage"
HAND_EDIT=SchedulerParameters=bf_interval=60

# mark WHAT: elapsed time since the start, in the TAP output.
mark() { echo "# [$(($(date +%s) - T0)) s] $*" >&5; }

# fingerprint of the key in the node's /etc/apt/keyrings/pihpc.gpg
node_key_fpr() {
	node_exec "$1" sh -c 'h=$(mktemp -d) &&
		gpg --homedir "$h" --batch --with-colons --show-keys /etc/apt/keyrings/pihpc.gpg |
		awk -F: "/^fpr:/ { print \$10; exit }"; rm -rf "$h"'
}

# started NODE UNIT...: "UNIT MICROSECONDS" per unit, when it last became
# active (monotonic clock of the host, the same for every node).
started() {
	local n=$1 u
	shift
	for u in "$@"; do
		printf '%s %s\n' "$u" "$(node_exec "$n" systemctl show -P ActiveEnterTimestampMonotonic "$u")"
	done
}

test_expect_success 'cluster of filenode01, rpnode01, rpnode02 boots' '
	cluster_up filenode01 rpnode01 rpnode02 && mark booted
'
cluster_is_up && node_leader rpnode02 >/dev/null 2>&1 && test_set_prereq UP

# --- 1. the storage node ----------------------------------------------------

test_expect_success UP 'filenode01: apt install pihpc-storage (bootstrap repository)' '
	node_apt_update filenode01 && node_apt_install filenode01 pihpc-storage &&
	test_set_prereq STORAGE && mark storage installed
'

test_expect_success STORAGE 'pihpc repo key prints a fingerprint' '
	node_exec filenode01 pihpc repo key >fpr &&
	cat fpr && grep -Eqx "[0-9A-F]{40}" fpr
'

test_expect_success STORAGE 'the GnuPG home is 0700 and nothing in it is readable by others' '
	test "$(node_exec filenode01 stat -c "%a %U" /var/lib/pihpc/gnupg)" = "700 root" &&
	node_exec filenode01 find /var/lib/pihpc/gnupg -perm /o=rwx >world &&
	test_must_be_empty world &&
	node_exec filenode01 find /var/lib/pihpc/gnupg/private-keys-v1.d -type f -name "*.key" >keys &&
	test -s keys &&
	node_exec filenode01 find /var/lib/pihpc/gnupg/private-keys-v1.d -type f -perm /077 >open &&
	test_must_be_empty open
'

test_expect_success STORAGE 'pihpc-repo.service is active' '
	node_exec filenode01 systemctl is-active pihpc-repo.service
'

test_expect_success STORAGE 'the public key and sources are served to the cluster subnet' '
	node_exec_timeout 30 rpnode01 busybox wget -q -O- http://$STORAGE_IP/pihpc.sources >sources &&
	cat sources &&
	grep -qx "URIs: http://filenode01/" sources &&
	grep -qx "Signed-By: /etc/apt/keyrings/pihpc.gpg" sources &&
	node_exec_timeout 30 rpnode01 busybox wget -q -O- http://$STORAGE_IP/pihpc.gpg >key.gpg &&
	test "$(gpg --homedir "$(mktemp -d "$root/gpg.XXXXXX")" --batch --with-colons \
		--show-keys key.gpg | awk -F: "/^fpr:/ { print \$10; exit }")" = "$(cat fpr)"
'

test_expect_success STORAGE 'the repository is not served outside the subnet (127.0.0.1 is refused)' '
	test_must_fail node_exec_timeout 30 filenode01 busybox wget -q -O- http://127.0.0.1/pihpc.sources
'

test_expect_success STORAGE 'the repository web server serves only the published tree' '
	test_must_fail node_exec_timeout 30 rpnode01 busybox wget -q -O- http://$STORAGE_IP/../../var/lib/pihpc/gnupg/pubring.kbx >/dev/null &&
	node_exec filenode01 find /srv/pihpc/www -name "*.key" -o -name "private-keys*" -o -name "db" >leak &&
	test_must_be_empty leak
'

test_expect_success STORAGE '/etc/exports: the block exports to the subnet, /home with root_squash' '
	node_exec filenode01 sed -n "/^# BEGIN pihpc exports/,/^# END pihpc exports/p" /etc/exports >exports &&
	cat exports &&
	grep -q "^/home 10\.0\.0\.0/24(.*\broot_squash\b" exports &&
	! grep -q "^/home .*no_root_squash" exports &&
	grep -q "^/nfs 10\.0\.0\.0/24(" exports &&
	! grep -q "\*" exports
'

# --- 2. publishing ----------------------------------------------------------

test_expect_success STORAGE 'pihpc repo add publishes the four packages' '
	node_copy_in filenode01 /root/debs "$(pihpc_state)"/repo/*.deb &&
	node_exec filenode01 sh -c "pihpc repo add /root/debs/*.deb" >added &&
	cat added &&
	test "$(grep -c "^added " added)" = 4 &&
	node_exec filenode01 pihpc repo list >list &&
	cat list &&
	cut -d" " -f1 list | sort -u | tr "\n" " " >names &&
	test "$(cat names)" = "$PKGS " &&
	test "$(wc -l <list)" = 4 &&
	test_set_prereq PUBLISHED
'

test_expect_success PUBLISHED 'pihpc repo add of a file that is not a package fails and changes nothing' '
	test_must_fail node_exec filenode01 pihpc repo add /etc/hostname 2>err &&
	cat err &&
	echo "pihpc: error: '"'"'/etc/hostname'"'"' is not a Debian package" >expect &&
	test_cmp expect err &&
	node_exec filenode01 pihpc repo list >list2 &&
	test_cmp list list2
'

# --- 3. the other nodes use the storage node's repository -------------------

test_expect_success PUBLISHED 'the harness bootstrap repository is switched off' '
	node_exec filenode01 systemctl stop pihpc-bootstrap-httpd.service &&
	test_must_fail node_exec_timeout 30 rpnode01 busybox wget -q -O- \
		http://$STORAGE_IP:$PIHPC_BOOTSTRAP_PORT/Release >/dev/null
'

for n in rpnode01 rpnode02; do
	test_expect_success PUBLISHED "$n: bootstrap from the storage node as README.md says" "
		node_exec $n rm -f /etc/apt/sources.list.d/pihpc-bootstrap.sources \
			/etc/apt/keyrings/pihpc-bootstrap.gpg &&
		readme_bootstrap $n &&
		node_exec $n cat /etc/apt/sources.list.d/pihpc.sources >$n.sources &&
		test_cmp sources $n.sources &&
		node_exec $n cat /etc/apt/preferences.d/pihpc.pref >$n.pref &&
		grep -q 'holds no Slurm' $n.pref
	"

	test_expect_success PUBLISHED "$n: the fetched key has the fingerprint pihpc repo key printed" "
		node_key_fpr $n >$n.fpr &&
		test_cmp fpr $n.fpr
	"

	test_expect_success PUBLISHED "$n: no trusted=yes, no other pihpc source in /etc/apt" "
		node_exec $n grep -rliE 'trusted *[=:] *yes' /etc/apt >trusted;
		test_must_be_empty trusted &&
		node_exec $n grep -rl '$STORAGE_IP\|pihpc-bootstrap' /etc/apt >others;
		test_must_be_empty others
	"

	test_expect_success PUBLISHED "$n: apt-get update checks the repository's signature" "
		apt_update_pihpc $n >$n.update 2>&1 &&
		cat $n.update &&
		grep -q '^Get:[0-9]* http://filenode01 pihpc InRelease' $n.update &&
		node_exec $n apt-cache policy pihpc-common >$n.policy &&
		cat $n.policy &&
		grep -q 'http://filenode01 pihpc/main' $n.policy &&
		test_set_prereq SOURCED_$n
	"
done

test_expect_success SOURCED_rpnode02 'the same repository checked against another key is refused' '
	node_copy_in rpnode02 /tmp/otherkey "$(pihpc_state)/pihpc-bootstrap.gpg" &&
	node_exec rpnode02 sed "s,/etc/apt/keyrings/pihpc.gpg,/tmp/otherkey/pihpc-bootstrap.gpg," \
		/etc/apt/sources.list.d/pihpc.sources >other.sources &&
	node_copy_in rpnode02 /tmp/otherkey other.sources &&
	test_must_fail apt_update_pihpc rpnode02 /tmp/otherkey/other.sources >other 2>&1 &&
	cat other &&
	# apt of bookworm (gpgv) says NO_PUBKEY, apt of trixie (sqv) says Missing key.
	grep -q "NO_PUBKEY\|is not signed\|Missing key" other &&
	node_exec rpnode02 rm -rf /tmp/otherkey &&
	apt_update_pihpc rpnode02 >/dev/null 2>&1
'

test_expect_success SOURCED_rpnode01,SOURCED_rpnode02 'pihpc-master on rpnode01, pihpc-compute on rpnode02 from the storage repository' '
	node_apt_install rpnode01 pihpc-master &&
	mark master installed &&
	node_apt_install rpnode02 pihpc-compute &&
	mark compute installed &&
	test_set_prereq INSTALLED
'

test_expect_success INSTALLED 'rpnode01 and rpnode02 join and become idle' '
	wait_idle rpnode01 rpnode02 && test_set_prereq IDLE && mark idle
'

# --- 5. upgrade -------------------------------------------------------------

test_expect_success IDLE "build $UPGRADE_VERSION in a scratch copy of the tree" '
	mkdir -p "$root/upgrade/src" &&
	git -C "$PIHPC_TOP" ls-files -z |
		tar -C "$PIHPC_TOP" --null -T - -cf - |
		tar -C "$root/upgrade/src" -xf - &&
	(
		cd "$root/upgrade/src" &&
		DEBEMAIL=pihpc-test@invalid DEBFULLNAME="pihpc cluster test" \
			dch --force-bad-version --newversion "$UPGRADE_VERSION" \
			--distribution bookworm --force-distribution "Test upgrade." &&
		DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -b -uc -us >../build.log 2>&1 ||
			{ tail -30 ../build.log; exit 1; }
	) &&
	rm -f "$root"/upgrade/*-dbgsym_*.deb &&
	ls "$root"/upgrade/*.deb >debs && cat debs &&
	test "$(wc -l <debs)" = 4 &&
	mark upgrade built
'

test_expect_success IDLE 'a hand edit of slurm.conf on rpnode01 is live' '
	node_exec rpnode01 sh -c "echo $HAND_EDIT >>/etc/slurm/slurm.conf" &&
	node_exec_timeout 30 rpnode01 scontrol reconfigure &&
	node_exec_timeout 30 rpnode01 scontrol show config >config &&
	grep -q "^SchedulerParameters *= *bf_interval=60$" config
'

test_expect_success IDLE "pihpc repo add publishes $UPGRADE_VERSION" '
	node_copy_in filenode01 /root/debs-new "$root"/upgrade/*.deb &&
	node_exec filenode01 sh -c "pihpc repo add /root/debs-new/*.deb" >added &&
	cat added &&
	test "$(grep -c "^added .* $UPGRADE_VERSION " added)" = 4 &&
	node_exec filenode01 pihpc repo list >list &&
	cat list &&
	test "$(grep -c " $UPGRADE_VERSION " list)" = 4 &&
	test_set_prereq UPGRADE_PUBLISHED
'

test_expect_success UPGRADE_PUBLISHED 'the same version again is refused with reprepro'"'"'s reason' '
	f=$(node_exec filenode01 sh -c "ls /root/debs-new/pihpc-storage_*.deb") &&
	test_must_fail node_exec filenode01 pihpc repo add "$f" 2>err &&
	cat err &&
	grep -q "^pihpc: error: cannot add .*Skipping inclusion of '"'"'pihpc-storage'"'"'" err
'

test_expect_success UPGRADE_PUBLISHED 'the daemons'"'"' start times before the upgrade' '
	started rpnode01 slurmdbd slurmctld slurmd >before.rpnode01 &&
	started rpnode02 slurmd >before.rpnode02 &&
	cat before.rpnode01 before.rpnode02
'

# As "apt upgrade" (the command the README gives) does, a new version may bring a
# new dependency with it: --with-new-pkgs.
for n in rpnode01 rpnode02; do
	test_expect_success UPGRADE_PUBLISHED "$n: apt-get update && apt-get upgrade" "
		apt_update_pihpc $n &&
		node_apt $n --with-new-pkgs upgrade >$n.upgrade 2>&1; rc=\$?;
		cat $n.upgrade; test \$rc = 0 &&
		mark $n upgraded &&
		test \"\$(node_exec $n dpkg-query -W -f='\${Version}' pihpc-common)\" = $UPGRADE_VERSION &&
		test_set_prereq UPGRADED_$n
	"
done

test_expect_success UPGRADE_PUBLISHED 'filenode01 upgrades itself from its own repository' '
	node_exec filenode01 rm -f /etc/apt/sources.list.d/pihpc-bootstrap.sources \
		/etc/apt/keyrings/pihpc-bootstrap.gpg &&
	readme_bootstrap filenode01 &&
	apt_update_pihpc filenode01 &&
	node_apt filenode01 --with-new-pkgs upgrade &&
	test "$(node_exec filenode01 dpkg-query -W -f="\${Version}" pihpc-storage)" = $UPGRADE_VERSION &&
	node_exec filenode01 pihpc repo key >fpr2 &&
	test_cmp fpr fpr2 &&
	node_exec filenode01 systemctl is-active pihpc-repo.service &&
	node_exec filenode01 pihpc repo list >list2 &&
	test_cmp list list2
'

test_expect_success UPGRADED_rpnode01 'the hand edit is still in slurm.conf (ucf kept it)' '
	node_exec rpnode01 grep -x "$HAND_EDIT" /etc/slurm/slurm.conf &&
	node_exec rpnode01 sh -c "ls /etc/slurm/*.ucf-* /etc/slurm/*.dpkg-* 2>/dev/null" >leftover;
	test_must_be_empty leftover
'

test_expect_success UPGRADED_rpnode01 'scontrol show config still has bf_interval=60' '
	node_exec_timeout 30 rpnode01 scontrol show config >config &&
	grep "^SchedulerParameters" config &&
	grep -q "^SchedulerParameters *= *bf_interval=60$" config
'

# The maintainer scripts restart a daemon only when something it reads
# changed; whatever they restart keeps Slurm's order.
test_expect_success UPGRADED_rpnode01,UPGRADED_rpnode02 'after the upgrade the daemons run, started in the order slurmdbd, slurmctld, slurmd' '
	node_exec rpnode01 systemctl is-active slurmdbd slurmctld slurmd &&
	node_exec rpnode02 systemctl is-active slurmd &&
	started rpnode01 slurmdbd slurmctld slurmd >after.rpnode01 &&
	started rpnode02 slurmd >after.rpnode02 &&
	cat after.rpnode01 after.rpnode02 >after &&
	cat before.rpnode01 before.rpnode02 | paste -d" " - after |
		awk "{ print \$1, (\$4 == \$2 ? \"kept running\" : \"restarted\") }" &&
	awk "{ t[NR] = \$2 } END { exit !(t[1] < t[2] && t[2] < t[3]) }" after.rpnode01
'

test_expect_success UPGRADED_rpnode01,UPGRADED_rpnode02 'after the upgrade both nodes are idle again' '
	wait_idle rpnode01 rpnode02 && test_set_prereq IDLE_AGAIN && mark idle again
'

test_expect_success IDLE_AGAIN 'srun -N2 hostname runs on both nodes' '
	node_exec_timeout 60 rpnode01 srun -N2 hostname | sort >out &&
	printf "rpnode01\nrpnode02\n" >expect &&
	test_cmp expect out
'

test_done
