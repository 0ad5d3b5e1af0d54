#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='install orders: storage, controller and compute node in any order make a cluster

With the run'"'"'s join token preseeded everywhere, each order installs
pihpc-storage on filenode01, pihpc-master on rpnode01 and pihpc-compute on
rpnode02 by plain apt, one after the other, and then nothing else: the
compute node must end idle in sinfo and run a job.  Of the six orders,
0020 tests storage-controller-compute and 0070 compute-storage-controller;
the other four are shared between the releases (PIHPC_ORDERS overrides:
words such as "scm mcs", s storage, m controller, c compute).
Needs root and build/repo (make deb).'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"

# The compute node retries with a pause of up to a minute.
PIHPC_JOIN_TIMEOUT=240

case "${PIHPC_ORDERS:-}:${PIHPC_SUITE:-bookworm}" in
:trixie) ORDERS="mcs cms" ;;
:*) ORDERS="scm msc" ;;
*) ORDERS=$PIHPC_ORDERS ;;
esac

declare -A NODE_OF=([s]=filenode01 [m]=rpnode01 [c]=rpnode02)
declare -A PKG_OF=([s]=pihpc-storage [m]=pihpc-master [c]=pihpc-compute)

for order in $ORDERS; do
	case "$order" in
	[smc][smc][smc]) ;;
	*) echo "Bail out! bad order '$order' in PIHPC_ORDERS"; exit 1 ;;
	esac
	test_expect_success "$order: the cluster boots" '
		cluster_up filenode01 rpnode01 rpnode02
	'
	for step in $(echo "$order" | fold -w1); do
		n=${NODE_OF[$step]} p=${PKG_OF[$step]}
		test_expect_success "$order: $n: apt install $p" "
			node_apt_update $n && node_apt_install $n $p
		"
	done
	test_expect_success "$order: the compute node joins by itself and runs a job" '
		wait_idle rpnode01 rpnode02 &&
		test "$(node_exec_timeout 60 rpnode01 srun -w rpnode02 hostname)" = rpnode02 &&
		node_exec rpnode02 pihpc node status >out &&
		grep -x "state=joined" out
	'
	test_expect_success "$order: the cluster is taken down" '
		cluster_down
	'
done

test_done
