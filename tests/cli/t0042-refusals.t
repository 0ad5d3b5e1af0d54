#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='links and FIFOs where pihpc writes are refused, at once'

# The source tree and the binary under test (src/Makefile sets PIHPC).
TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

test_expect_success 'setup scratch root' '
	mkdir -p root/etc/pihpc &&
	printf "root:x:0:0::/root:/bin/sh\nslurm:x:151:151::/nonexistent:/usr/sbin/nologin\n" >root/etc/passwd &&
	echo "slurm_uid = 151" >elsewhere
'

test_expect_success 'config set through a symbolic link: refused, target kept' '
	ln -s "$PWD/elsewhere" root/etc/pihpc/cluster.conf &&
	test_expect_code 1 "$PIHPC" --root root config set slurm_uid=152 2>err &&
	echo "pihpc: error: refusing '\''root/etc/pihpc/cluster.conf'\'': a symbolic link" >expect &&
	test_cmp expect err &&
	echo "slurm_uid = 151" >expect &&
	test_cmp expect elsewhere &&
	rm root/etc/pihpc/cluster.conf
'

test_expect_success 'hosts apply on a FIFO: refused without waiting for a writer' '
	mkfifo root/etc/hosts &&
	test_expect_code 1 timeout 10 "$PIHPC" --root root hosts apply 2>err &&
	echo "pihpc: error: refusing '\''root/etc/hosts'\'': not a regular file (a FIFO)" >expect &&
	test_cmp expect err &&
	test -p root/etc/hosts &&
	rm root/etc/hosts
'

test_expect_success 'dirs ensure through a symbolic link on the way: refused' '
	mkdir real &&
	ln -s "$PWD/real" root/var &&
	test_expect_code 1 "$PIHPC" --root root dirs ensure --role compute 2>err &&
	echo "pihpc: error: refusing '\''root/var'\'': a symbolic link" >expect &&
	test_cmp expect err &&
	test_must_fail ls real/spool
'

test_done
