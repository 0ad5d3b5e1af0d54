#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc db: slurmdbd.conf and its password in a scratch root'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

if test "$(id -u)" = 0; then test_set_prereq ROOT; fi

for opt in -h --help; do
	test_expect_success "db $opt prints usage on stdout" '
		"$PIHPC" db $opt >out 2>err &&
		grep "^usage: pihpc db ensure \[--no-sql\] \[--timeout SEC\] \[--templates DIR\] | drop" out &&
		test_must_be_empty err
	'
done

test_expect_success 'db usage errors: exit 2' '
	test_expect_code 2 "$PIHPC" db 2>err &&
	grep "^pihpc: error: missing subcommand$" err &&
	test_expect_code 2 "$PIHPC" db frob 2>err &&
	grep "^pihpc: error: unknown subcommand '\''frob'\''$" err &&
	test_expect_code 2 "$PIHPC" db ensure --timeout x 2>err &&
	grep "^pihpc: error: invalid timeout '\''x'\''$" err &&
	test_expect_code 2 "$PIHPC" db drop --templates t 2>err &&
	grep "^pihpc: error: option '\''--templates'\'' is for '\''ensure'\'' only$" err &&
	test_expect_code 2 "$PIHPC" db ensure x 2>err &&
	grep "^pihpc: error: too many arguments$" err
'

test_expect_success 'ensure without the slurm user: exit 1' '
	mkdir -p root/etc &&
	echo "root:x:0:0::/root:/bin/sh" >root/etc/passwd &&
	test_expect_code 1 "$PIHPC" --root root db ensure --templates "$TOP/conf" 2>err &&
	echo "pihpc: error: user '\''slurm'\'' does not exist (run '\''pihpc user ensure'\'' first)" >expect &&
	test_cmp expect err
'

test_expect_success ROOT 'ensure writes slurmdbd.conf 0600 slurm:slurm with a new password' '
	printf "root:x:0:0::/root:/bin/sh\nslurm:x:151:151::/nonexistent:/usr/sbin/nologin\n" >root/etc/passwd &&
	"$PIHPC" --root root db ensure --templates "$TOP/conf" >out &&
	echo "updated '\''root/etc/slurm/slurmdbd.conf'\''" >expect &&
	test_cmp expect out &&
	test "$(stat -c "%a %u %g" root/etc/slurm/slurmdbd.conf)" = "600 151 151" &&
	grep -E "^StoragePass=[A-Za-z0-9]{32}$" root/etc/slurm/slurmdbd.conf &&
	grep "^StorageLoc=slurm_acct_db$" root/etc/slurm/slurmdbd.conf &&
	grep "^AuthType=auth/munge$" root/etc/slurm/slurmdbd.conf
'

test_expect_success ROOT 'ensure again keeps the password and writes nothing' '
	cp root/etc/slurm/slurmdbd.conf before &&
	"$PIHPC" --root root db ensure --templates "$TOP/conf" >out &&
	test_must_be_empty out &&
	test_cmp before root/etc/slurm/slurmdbd.conf
'

test_expect_success ROOT 'a hand-edited password with a quote is refused' '
	sed -i "s/^StoragePass=.*/StoragePass=it'\''s/" root/etc/slurm/slurmdbd.conf &&
	cp root/etc/slurm/slurmdbd.conf before &&
	test_expect_code 1 "$PIHPC" --root root db ensure --templates "$TOP/conf" 2>err &&
	echo "pihpc: error: root/etc/slurm/slurmdbd.conf:20: '\''StoragePass'\'' may hold no quotes, backslashes or blanks; use letters and digits, or delete the line to get a new password" >expect &&
	test_cmp expect err &&
	test_cmp before root/etc/slurm/slurmdbd.conf
'

test_expect_success ROOT 'drop removes slurmdbd.conf (no SQL under --root)' '
	"$PIHPC" --root root db drop >out &&
	echo "removed '\''root/etc/slurm/slurmdbd.conf'\''" >expect &&
	test_cmp expect out &&
	"$PIHPC" --root root db drop >out &&
	test_must_be_empty out
'

test_done
