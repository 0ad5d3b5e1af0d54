#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc munge key: one key for the cluster, in scratch roots'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

if test "$(id -u)" = 0; then test_set_prereq ROOT; fi

for opt in -h --help; do
	test_expect_success "munge key $opt prints usage on stdout" '
		"$PIHPC" munge key $opt >out 2>err &&
		grep -F "usage: pihpc munge key generate|rotate [--yes]|status" out &&
		test_must_be_empty err
	'
done

test_expect_success 'munge key without an action: exit 2' '
	test_expect_code 2 "$PIHPC" munge key 2>err &&
	cat >expect <<-\EOF &&
	pihpc: error: missing subcommand
	usage: pihpc munge key generate|rotate [--yes]|status
	EOF
	test_cmp expect err
'

test_expect_success 'munge key with an unknown action or extra argument: exit 2' '
	test_expect_code 2 "$PIHPC" munge key frob 2>err &&
	grep "^pihpc: error: unknown subcommand '\''frob'\''$" err &&
	test_expect_code 2 "$PIHPC" munge key status x 2>err &&
	grep "^pihpc: error: too many arguments$" err &&
	test_expect_code 2 "$PIHPC" munge key status --x 2>err &&
	grep "^pihpc: error: unknown option '\''--x'\''$" err
'

test_expect_success 'setup controller and compute roots' '
	for r in ctl cn; do
		mkdir -p $r/etc/munge &&
		printf "root:x:0:0::/root:/bin/sh\nmunge:x:105:107::/nonexistent:/usr/sbin/nologin\n" >$r/etc/passwd &&
		printf "root:x:0:\nmunge:x:107:\n" >$r/etc/group &&
		head -c 1024 /dev/urandom >$r/etc/munge/munge.key || return 1
	done
'

test_expect_success ROOT 'generate replaces the host key once' '
	"$PIHPC" --root ctl munge key generate >out &&
	echo "updated '\''ctl/etc/munge/munge.key'\''" >expect &&
	test_cmp expect out &&
	test "$(stat -c "%a %u %g %s" ctl/etc/munge/munge.key)" = "400 105 107 1024" &&
	test "$(stat -c "%a %u" ctl/var/lib/pihpc/munge.key.sha256)" = "600 0" &&
	"$PIHPC" --root ctl munge key generate >out &&
	test_must_be_empty out
'

test_expect_success ROOT 'status: the same fingerprint where the key is the same' '
	cp -p ctl/etc/munge/munge.key cn/etc/munge/munge.key &&
	"$PIHPC" --root ctl munge key status >ctl.out &&
	"$PIHPC" --root cn munge key status >cn.out &&
	fp=$(sha256sum <ctl/etc/munge/munge.key | cut -c1-16) &&
	echo "$fp  ctl/etc/munge/munge.key" >expect &&
	test_cmp expect ctl.out &&
	echo "$fp  cn/etc/munge/munge.key" >expect &&
	test_cmp expect cn.out
'

test_expect_success ROOT 'rotate without a go-ahead: says what it interrupts, changes nothing' '
	cp -p ctl/etc/munge/munge.key key.before &&
	test_expect_code 1 "$PIHPC" --root ctl munge key rotate </dev/null >out 2>err &&
	grep "no new job starts on it" err &&
	grep "^pihpc: error: not replacing the munge key without a go-ahead: run with --yes$" err &&
	cmp key.before ctl/etc/munge/munge.key
'

test_expect_success ROOT 'rotate --yes: a new cluster key, recorded; the host key kept aside stays' '
	cp ctl/var/lib/pihpc/munge.key.orig orig.before &&
	"$PIHPC" --root ctl munge key rotate --yes >out 2>err &&
	echo "updated '\''ctl/etc/munge/munge.key'\''" >expect &&
	test_cmp expect out &&
	! cmp -s key.before ctl/etc/munge/munge.key &&
	test "$(stat -c "%a %u %g %s" ctl/etc/munge/munge.key)" = "400 105 107 1024" &&
	test "$(cut -c1-64 ctl/var/lib/pihpc/munge.key.sha256)" = "$(sha256sum <ctl/etc/munge/munge.key | cut -c1-64)" &&
	cmp orig.before ctl/var/lib/pihpc/munge.key.orig &&
	"$PIHPC" --root ctl munge key generate >out &&
	test_must_be_empty out
'

test_expect_success 'the key is no longer published on a share: publish and install are gone' '
	test_expect_code 2 "$PIHPC" --root ctl munge key publish 2>err &&
	grep "^pihpc: error: unknown subcommand '\''publish'\''$" err &&
	test_expect_code 2 "$PIHPC" --root cn munge key install 2>err &&
	grep "^pihpc: error: unknown subcommand '\''install'\''$" err
'

test_expect_success 'status without a key: exit 1' '
	test_expect_code 1 "$PIHPC" --root nowhere munge key status 2>err &&
	echo "pihpc: error: cannot read '\''nowhere/etc/munge/munge.key'\'': No such file or directory" >expect &&
	test_cmp expect err
'

test_done
