#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc command line: help, usage errors, exit codes'

. /usr/share/sharness/sharness.sh

: "${PIHPC:=$(cd "$SHARNESS_TEST_DIRECTORY/../.." && pwd)/src/pihpc}"

test_expect_success 'binary is built' '
	test -x "$PIHPC"
'

# --help lists every command on stdout and exits 0
test_expect_success '--help lists the commands' '
	"$PIHPC" --help >out &&
	grep "^usage: pihpc \[--root DIR\] COMMAND \[ARGS\]$" out &&
	for c in block config dirs doctor hostlist hosts munge node render user; do
		grep "^  $c " out || return 1
	done
'

test_expect_success '--version prints the version' '
	"$PIHPC" --version >out &&
	grep "^pihpc [0-9]" out
'

test_expect_success 'unknown global option: exit 2 and usage' '
	test_expect_code 2 "$PIHPC" --x 2>err &&
	cat >expect <<-\EOF &&
	pihpc: error: unknown option '\''--x'\''
	usage: pihpc [--root DIR] COMMAND [ARGS]
	EOF
	test_cmp expect err
'

test_expect_success 'unknown command: exit 2' '
	test_expect_code 2 "$PIHPC" frobnicate 2>err &&
	grep "^pihpc: error: unknown command '\''frobnicate'\''$" err
'

test_expect_success 'no command: exit 2' '
	test_expect_code 2 "$PIHPC" 2>err &&
	grep "^pihpc: error: missing command$" err
'

for cmd in block config dirs doctor hostlist hosts munge node render user; do
	for opt in -h --help; do
		test_expect_success "$cmd $opt prints usage on stdout" '
			"$PIHPC" $cmd $opt >out 2>err &&
			grep "^usage: pihpc $cmd" out &&
			test_must_be_empty err
		'
	done
done

test_expect_success 'unknown subcommand option: exit 2 with usage' '
	test_expect_code 2 "$PIHPC" dirs ensure --x 2>err &&
	cat >expect <<-\EOF &&
	pihpc: error: unknown option '\''--x'\''
	usage: pihpc dirs ensure|list --role master|compute|storage
	EOF
	test_cmp expect err
'

test_expect_success 'dirs list: the role'"'"'s directories, parents first, nothing made' '
	"$PIHPC" --root "$PWD/empty-root" dirs list --role compute >out &&
	cat >expect <<-\EOF &&
	/etc/slurm
	/var/spool/slurm
	/var/spool/slurm/d
	/var/log/slurm
	EOF
	test_cmp expect out &&
	! test -e empty-root &&
	test_expect_code 2 "$PIHPC" dirs list --role nfs
'

test_expect_success 'unknown short option: exit 2' '
	test_expect_code 2 "$PIHPC" hostlist expand -q n1 2>err &&
	grep "^pihpc: error: unknown option '\''-q'\''$" err
'

test_expect_success 'missing option value: exit 2' '
	test_expect_code 2 "$PIHPC" render --role 2>err &&
	grep "^pihpc: error: option '\''--role'\'' requires a value$" err
'

test_expect_success 'unknown verb: exit 2' '
	test_expect_code 2 "$PIHPC" hosts frob 2>err &&
	grep "^pihpc: error: unknown subcommand '\''frob'\''$" err
'

test_expect_success 'hostlist expand' '
	"$PIHPC" hostlist expand "rpnode[01-02],a[1-2]b[3-4]" >out &&
	printf "%s\n" rpnode01 rpnode02 a1b3 a1b4 a2b3 a2b4 >expect &&
	test_cmp expect out
'

test_expect_success 'hostlist expand error: exit 1 with position' '
	test_expect_code 1 "$PIHPC" hostlist expand "n[1-" 2>err &&
	echo "pihpc: error: hostlist '\''n[1-'\'': unterminated '\''['\'' at position 2" >expect &&
	test_cmp expect err
'

test_expect_success 'hostlist compress' '
	"$PIHPC" hostlist compress n1 n2,n3 n7 >out &&
	echo "n[1-3,7]" >expect &&
	test_cmp expect out
'

test_expect_success 'hostlist expand refuses a huge product before making names' '
	e=n && i=0 &&
	while [ $i -lt 3000 ]; do e="$e[0-65534]"; i=$((i + 1)); done &&
	test_expect_code 1 "$PIHPC" hostlist expand "$e" >out 2>err &&
	test_must_be_empty out &&
	echo "pihpc: error: hostlist '\''n[0-65534][0-65534][0-65534][0-65534][0-65534][0-65534][0-65...'\'': more than 65536 names" >expect &&
	test_cmp expect err
'
test_expect_success 'PIHPC_TRACE: one line per run; the output is unchanged' '
	PIHPC_TRACE="$PWD/trace" "$PIHPC" hostlist compress n1 n2 >out &&
	echo "n[1-2]" >expect &&
	test_cmp expect out &&
	PIHPC_TRACE="$PWD/trace" "$PIHPC" hostlist expand "n[1-2]" >/dev/null &&
	cut -d" " -f3- trace >got &&
	printf "%s\n" "0 hostlist compress n1 n2" "0 hostlist expand n[1-2]" >expect &&
	test_cmp expect got &&
	grep -Eq "^[0-9]+\.[0-9]{9} [0-9]+\.[0-9]{3} " trace &&
	test "$(stat -c %a trace)" = 600
'

test_expect_success 'PIHPC_TRACE at a link: a warning, the command still works' '
	ln -s trace link &&
	PIHPC_TRACE="$PWD/link" "$PIHPC" hostlist compress n1 >out 2>err &&
	echo n1 >expect &&
	test_cmp expect out &&
	echo "pihpc: warning: PIHPC_TRACE: refusing '\''$PWD/link'\'': a symbolic link" >expect &&
	test_cmp expect err &&
	test "$(wc -l <trace)" = 2
'
test_done
