#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2317 # single-quoted bodies are eval'd by sharness; functions run from them
test_description='compute nodes installed at the same moment all join, none has to retry

Boots filenode01, rpnode01 and SCALE_NODES (default 4) compute nodes from
rpnode02 on, every node listed in the preseeded hosts table, and runs
"apt install pihpc-compute" on all compute nodes at once, as a parallel
shell would (tests/cluster/scale.sh; make bench-scale is the same with 8 to
32 nodes).  Every node joins without a retry of its join service, gets the
cluster key, registers with its own address, and a job runs on all of them.
Needs root and build/repo (make deb).'

# shellcheck source-path=SCRIPTDIR source=test-lib.sh
. "$(dirname "$0")/test-lib.sh"
# shellcheck source-path=SCRIPTDIR source=scale.sh
. "$SHARNESS_TEST_SRCDIR/scale.sh"

: "${SCALE_NODES:=4}"
mapfile -t COMPUTES < <(scale_computes "$SCALE_NODES")

test_expect_success "cluster of filenode01, rpnode01 and $SCALE_NODES compute nodes, storage and controller installed" '
	scale_up "$SCALE_NODES"
'
cluster_is_up && node_leader rpnode01 >/dev/null 2>&1 &&
	node_exec rpnode01 systemctl is-active --quiet slurmctld && test_set_prereq UP

test_expect_success UP "apt install pihpc-compute on ${COMPUTES[*]} at once" '
	scale_join "${COMPUTES[@]}" &&
	test -z "$SCALE_FAILED"
'

test_expect_success UP 'all are idle' '
	PIHPC_JOIN_TIMEOUT=$((120 + 30 * SCALE_NODES)) wait_idle rpnode01 "${COMPUTES[@]}"
'

test_expect_success UP 'no join service had to try again' '
	scale_retries "${COMPUTES[@]}" >retries &&
	cat retries &&
	test_must_be_empty retries
'

test_expect_success UP 'each node has the cluster key and registered with its own address' '
	want=$(key_sum rpnode01) &&
	node_exec rpnode01 scontrol show node -o >nodes &&
	for n in "${COMPUTES[@]}"; do
		test "$(key_sum "$n")" = "$want" || { echo "$n: another key"; return 1; }
		grep "^NodeName=$n .* NodeAddr=${PIHPC_NODE_IP[$n]} " nodes ||
			{ echo "$n: not registered with ${PIHPC_NODE_IP[$n]}"; return 1; }
	done
'

test_expect_success UP 'the hosts table reaches /etc/hosts on the controller and the nodes' '
	for n in rpnode01 "${COMPUTES[@]}"; do
		node_exec "$n" cat /etc/hosts >hosts &&
		for m in "${COMPUTES[@]}"; do
			grep -q "^${PIHPC_NODE_IP[$m]} $m\\.home\\.local $m\$" hosts ||
				{ echo "$n: no line for $m in /etc/hosts"; cat hosts; return 1; }
		done
	done
'

test_expect_success UP "a job runs on all $((SCALE_NODES + 1)) nodes" '
	node_exec_timeout 120 rpnode01 srun -N $((SCALE_NODES + 1)) hostname | sort >got &&
	printf "%s\n" rpnode01 "${COMPUTES[@]}" | sort >expect &&
	test_cmp expect got
'

test_done
