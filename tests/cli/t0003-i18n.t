#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='messages in the language of LANG and LANGUAGE (Korean)'

# The source tree, the binary and the catalogs under test (src/Makefile
# sets PIHPC and PIHPC_TEST_LOCALEDIR).
TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"
: "${PIHPC_TEST_LOCALEDIR:=$TOP/src/po/locale}"

. /usr/share/sharness/sharness.sh

# sharness exports LC_ALL=C, which would hide LANG and LANGUAGE.  The
# ko_KR.UTF-8 locale is compiled for the test (localedef, from the locales
# package) into a directory of its own that LOCPATH names: the build machine
# need not have it generated, and from glibc 2.41 on LANGUAGE alone no
# longer selects a catalog under the C.UTF-8 fallback.
ko() {
	env -u LC_ALL -u LC_MESSAGES -u LC_CTYPE LANG=ko_KR.UTF-8 LANGUAGE=ko \
		LOCPATH="$PWD/locales" \
		PIHPC_LOCALEDIR="$PIHPC_TEST_LOCALEDIR" "$PIHPC" "$@"
}

test_expect_success 'setup scratch root, the Korean catalog and locale' '
	test -f "$PIHPC_TEST_LOCALEDIR/ko/LC_MESSAGES/pihpc.mo" &&
	mkdir -p root/etc/pihpc locales &&
	{ localedef -i ko_KR -f UTF-8 locales/ko_KR.UTF-8 || test -f locales/ko_KR.UTF-8/LC_MESSAGES/SYS_LC_MESSAGES; } &&
	test -d locales/ko_KR.UTF-8
'

# The reason debconf shows again when an answer is refused.
test_expect_success 'config set: the reason in Korean, exit 1, nothing written' '
	test_expect_code 1 ko --root root config set slurm_uid=abc 2>err &&
	echo "pihpc: 오류: '\''slurm_uid'\'': 숫자가 아닙니다: '\''abc'\''" >expect &&
	test_cmp expect err &&
	test ! -e root/etc/pihpc/cluster.conf
'

# The maintainer scripts take the reason after "'KEY': " on that line.
test_expect_success 'config set: the key stays quoted in a cross-key error' '
	test_expect_code 1 ko --root root config set "hosts=10.9.0.1 a" 2>err &&
	grep "^pihpc: 오류: root/etc/pihpc/cluster.conf:[0-9]*: '\''hosts'\'': 주소 '\''10.9.0.1'\''이(가) 서브넷 '\''10.0.0.0/24'\'' 밖에 있습니다$" err
'

test_expect_success 'config set: the done line in Korean' '
	ko --root root config set slurm_uid=152 >out &&
	echo "'\''root/etc/pihpc/cluster.conf'\'' 갱신함" >expect &&
	test_cmp expect out
'

test_expect_success '--help in Korean' '
	ko --help >out &&
	grep "^사용법: pihpc \[--root DIR\] COMMAND \[ARGS\]$" out &&
	grep "^  config       /etc/pihpc/cluster.conf를 검사, 조회, 설정, 출력합니다$" out &&
	grep "^명령의 사용법은 '\''pihpc COMMAND --help'\''로 보십시오.$" out
'

test_expect_success 'a command'\''s --help in Korean, with its constants filled in' '
	ko cmdline --help >out &&
	grep "^사용법: pihpc cmdline ensure" out &&
	grep "^  ensure   라즈베리 파이 커널 명령줄의 '\''--'\'' 앞에 빠진 단어$" out &&
	grep "^             cgroup_enable=cpuset cgroup_memory=1 cgroup_enable=memory$" out
'

test_expect_success 'usage error in Korean, exit 2' '
	test_expect_code 2 ko config get nope 2>err &&
	grep "^pihpc: 오류: 알 수 없는 키 '\''nope'\''$" err &&
	grep "^사용법: pihpc config check" err
'

test_expect_success 'LC_ALL=C keeps English: the C locale ignores LANGUAGE' '
	test_expect_code 1 env LC_ALL=C LANGUAGE=ko \
		PIHPC_LOCALEDIR="$PIHPC_TEST_LOCALEDIR" \
		"$PIHPC" --root root config set slurm_uid=abc 2>err &&
	grep "^pihpc: error: '\''slurm_uid'\'': not a number: '\''abc'\''$" err
'

test_expect_success 'a language without a catalog gives English' '
	test_expect_code 1 env -u LC_ALL LANG=C.UTF-8 LANGUAGE=xx \
		PIHPC_LOCALEDIR="$PIHPC_TEST_LOCALEDIR" \
		"$PIHPC" --root root config set slurm_uid=abc 2>err &&
	grep "^pihpc: error: '\''slurm_uid'\'': not a number: '\''abc'\''$" err
'

test_done
