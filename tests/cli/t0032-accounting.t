#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc accounting register against a fake sacctmgr'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

for opt in -h --help; do
	test_expect_success "accounting $opt prints usage on stdout" '
		"$PIHPC" accounting $opt >out 2>err &&
		grep "^usage: pihpc accounting register \[--timeout SEC\]$" out &&
		test_must_be_empty err
	'
done

test_expect_success 'accounting usage errors: exit 2' '
	test_expect_code 2 "$PIHPC" accounting 2>err &&
	grep "^pihpc: error: missing subcommand$" err &&
	test_expect_code 2 "$PIHPC" accounting frob 2>err &&
	grep "^pihpc: error: unknown subcommand '\''frob'\''$" err &&
	test_expect_code 2 "$PIHPC" accounting register --timeout -1 2>err &&
	grep "^pihpc: error: invalid timeout '\''-1'\''$" err
'

# A fake sacctmgr: answers from files in $STATE, logs its arguments.
test_expect_success 'setup fake sacctmgr' '
	mkdir -p bin state root/etc/pihpc &&
	cat >bin/sacctmgr <<-\EOF &&
	#!/bin/sh
	echo "$*" >>"$STATE/log"
	case "$*" in
	"-n -P show cluster format=cluster")
		if test -e "$STATE/down"; then
			echo "sacctmgr: error: Sending PersistInit msg: Connection refused" >&2
			exit 1
		fi
		cat "$STATE/clusters" 2>/dev/null ;;
	"-n -P show association "*) cat "$STATE/assoc" 2>/dev/null ;;
	"-i add cluster bad") echo " Problem adding clusters: Unknown error" >&2; exit 1 ;;
	esac
	exit 0
	EOF
	chmod +x bin/sacctmgr &&
	printf "cluster_name = lab\naccounting_users = pi, bob\n" >root/etc/pihpc/cluster.conf
'

test_expect_success 'register on an empty database adds everything' '
	PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root root accounting register >out &&
	cat >expect <<-\EOF &&
	added cluster '\''lab'\''
	added account '\''compute'\''
	added user '\''pi'\'' to account '\''compute'\''
	set GrpTRES of user '\''pi'\'' to '\''cpu=4,mem=1gb'\''
	added user '\''bob'\'' to account '\''compute'\''
	set GrpTRES of user '\''bob'\'' to '\''cpu=4,mem=1gb'\''
	EOF
	test_cmp expect out &&
	grep -x "\-i add account compute clusters=lab Description=Compute account Organization=home" state/log &&
	grep -x "\-i modify user where names=bob accounts=compute clusters=lab set GrpTRES=cpu=4,mem=1gb" state/log
'

test_expect_success 'register when all exists prints nothing' '
	echo lab >state/clusters &&
	printf "compute|||\ncompute|pi||cpu=4,mem=1G\ncompute|bob||mem=1024M,cpu=4\n" >state/assoc &&
	: >state/log &&
	PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root root accounting register >out &&
	test_must_be_empty out &&
	test "$(wc -l <state/log)" = 2
'

test_expect_success 'slurmdbd down: exit 1 after the timeout' '
	touch state/down &&
	test_expect_code 1 env PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root root accounting register --timeout 0 2>err &&
	echo "pihpc: error: slurmdbd did not answer within 0 s: sacctmgr: error: Sending PersistInit msg: Connection refused (is slurmdbd running? see '\''journalctl -u slurmdbd'\'')" >expect &&
	test_cmp expect err &&
	rm state/down
'

test_expect_success 'a failing change: exit 1 with sacctmgr'\''s message' '
	printf "cluster_name = bad\n" >root/etc/pihpc/cluster.conf &&
	test_expect_code 1 env PATH="$PWD/bin:$PATH" STATE="$PWD/state" "$PIHPC" --root root accounting register 2>err &&
	echo "pihpc: error: cannot add cluster '\''bad'\'': Problem adding clusters: Unknown error" >expect &&
	test_cmp expect err
'

test_done
