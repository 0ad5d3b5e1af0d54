#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc repo with the real gpg and reprepro in a scratch root'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

if command -v reprepro && command -v gpg && command -v gpgv && command -v gpgconf
then
	test_set_prereq TOOLS
fi >/dev/null

# mkdeb NAME VERSION ARCH: NAME_VERSION_ARCH.deb in the current directory
mkdeb () {
	mkdir -p "pkg-$1-$2/DEBIAN" &&
	printf "Package: %s\nVersion: %s\nArchitecture: %s\nSection: admin\nPriority: optional\nMaintainer: pihpc tests <root@localhost>\nDescription: test package\n" \
		"$1" "$2" "$3" >"pkg-$1-$2/DEBIAN/control" &&
	dpkg-deb -Zgzip --root-owner-group --build "pkg-$1-$2" "$1_$2_$3.deb" >/dev/null
}

for opt in -h --help; do
	test_expect_success "repo $opt prints usage on stdout" '
		"$PIHPC" repo $opt >out 2>err &&
		grep "^usage: pihpc repo init|add FILE.deb...|list|key$" out &&
		test_must_be_empty err
	'
done

test_expect_success 'repo add without files: exit 2' '
	test_expect_code 2 "$PIHPC" repo add 2>err &&
	cat >expect <<-\EOF &&
	pihpc: error: missing FILE
	usage: pihpc repo init|add FILE.deb...|list|key
	EOF
	test_cmp expect err
'

test_expect_success 'repo list with an argument: exit 2' '
	test_expect_code 2 "$PIHPC" repo list x 2>err &&
	grep "^pihpc: error: too many arguments$" err
'

test_expect_success 'repo key before init: exit 1' '
	mkdir r &&
	test_expect_code 1 "$PIHPC" --root r repo key 2>err &&
	echo "pihpc: error: no signing key (run '\''pihpc repo init'\'' first)" >expect &&
	test_cmp expect err
'

test_expect_success TOOLS 'repo add before init: exit 1' '
	mkdeb hello 1.0 all &&
	test_expect_code 1 "$PIHPC" --root r repo add hello_1.0_all.deb 2>err &&
	echo "pihpc: error: repository '\''r/srv/pihpc/repo'\'' is not initialised (run '\''pihpc repo init'\'' first)" >expect &&
	test_cmp expect err
'

test_expect_success TOOLS 'repo init creates key, config, indexes' '
	"$PIHPC" --root r repo init >out &&
	fpr=$("$PIHPC" --root r repo key) &&
	test ${#fpr} = 40 &&
	cat >expect <<-EOF &&
	created directory '\''r/var/lib/pihpc/gnupg'\''
	created signing key $fpr
	created directory '\''r/srv/pihpc/repo/conf'\''
	created directory '\''r/srv/pihpc/www'\''
	updated '\''r/srv/pihpc/repo/conf/distributions'\''
	updated '\''r/srv/pihpc/repo/conf/options'\''
	exported '\''r/srv/pihpc/www/dists/pihpc'\''
	updated '\''r/srv/pihpc/www/pihpc.gpg'\''
	updated '\''r/srv/pihpc/www/pihpc.sources'\''
	updated '\''r/srv/pihpc/www/pihpc.pref'\''
	EOF
	test_cmp expect out &&
	grep -x "SignWith: $fpr" r/srv/pihpc/repo/conf/distributions &&
	test "$(stat -c %a r/var/lib/pihpc/gnupg)" = 700 &&
	test "$(stat -c %a r/srv/pihpc/www/pihpc.gpg)" = 644 &&
	gpgv --keyring r/srv/pihpc/www/pihpc.gpg r/srv/pihpc/www/dists/pihpc/InRelease
'

test_expect_success TOOLS 'repo init again is silent' '
	"$PIHPC" --root r repo init >out &&
	test_must_be_empty out
'

test_expect_success TOOLS 'repo add checks every file first' '
	echo text >x.txt &&
	test_expect_code 1 "$PIHPC" --root r repo add hello_1.0_all.deb x.txt >out 2>err &&
	test_must_be_empty out &&
	echo "pihpc: error: '\''x.txt'\'' is not a Debian package" >expect &&
	test_cmp expect err &&
	"$PIHPC" --root r repo list >out &&
	test_must_be_empty out
'

test_expect_success TOOLS 'repo add a missing file: exit 1' '
	test_expect_code 1 "$PIHPC" --root r repo add nope.deb 2>err &&
	echo "pihpc: error: cannot read '\''nope.deb'\'': No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success TOOLS 'repo add and list' '
	mkdeb tool 2.1-1 arm64 &&
	"$PIHPC" --root r repo add hello_1.0_all.deb tool_2.1-1_arm64.deb >out &&
	cat >expect <<-\EOF &&
	added hello 1.0 all
	added tool 2.1-1 arm64
	EOF
	test_cmp expect out &&
	"$PIHPC" --root r repo list >out &&
	cat >expect <<-\EOF &&
	hello 1.0 all
	tool 2.1-1 arm64
	EOF
	test_cmp expect out &&
	gpgv --keyring r/srv/pihpc/www/pihpc.gpg r/srv/pihpc/www/dists/pihpc/InRelease &&
	grep -x "Package: tool" r/srv/pihpc/www/dists/pihpc/main/binary-arm64/Packages &&
	grep -x "Package: hello" r/srv/pihpc/www/dists/pihpc/main/binary-amd64/Packages
'

test_expect_success TOOLS 'repo add an older version: exit 1 with reprepro'\''s reason' '
	mkdeb hello 0.9 all &&
	test_expect_code 1 "$PIHPC" --root r repo add hello_0.9_all.deb >out 2>err &&
	test_must_be_empty out &&
	echo "pihpc: error: cannot add '\''hello_0.9_all.deb'\'': Skipping inclusion of '\''hello'\'' '\''0.9'\'' in '\''pihpc|main|amd64'\'', as it has already '\''1.0'\''." >expect &&
	test_cmp expect err
'

# apt_prefs_ok FILE: apt reads FILE as its only preferences without a word
apt_prefs_ok () {
	mkdir -p empty.d &&
	apt-cache -o Dir::Etc::preferences="$PWD/$1" -o Dir::Etc::preferencesparts="$PWD/empty.d" \
		policy >apt.out 2>apt.err &&
	test_must_be_empty apt.err
}

test_expect_success TOOLS 'without Slurm in the repository, pihpc.pref pins nothing and apt reads it' '
	! grep -q "^Pin" r/srv/pihpc/www/pihpc.pref &&
	apt_prefs_ok r/srv/pihpc/www/pihpc.pref
'

test_expect_success TOOLS 'repo add of SchedMD'\''s slurmd: pihpc.pref follows, apt reads it' '
	mkdeb slurm-smd-slurmd 24.11.5-1+pihpc1 amd64 &&
	"$PIHPC" --root r repo add slurm-smd-slurmd_24.11.5-1+pihpc1_amd64.deb >out &&
	cat >expect <<-\EOF &&
	added slurm-smd-slurmd 24.11.5-1+pihpc1 amd64
	updated '\''r/srv/pihpc/www/pihpc.pref'\''
	EOF
	test_cmp expect out &&
	grep -x "Package: src:slurm-smd" r/srv/pihpc/www/pihpc.pref &&
	grep -x "Package: slurmd slurmctld slurmdbd slurm-client" r/srv/pihpc/www/pihpc.pref &&
	apt_prefs_ok r/srv/pihpc/www/pihpc.pref &&
	"$PIHPC" --root r repo init >out &&
	test_must_be_empty out
'

test_expect_success TOOLS 'no secret key material outside the GnuPG home' '
	! grep -rqa "PRIVATE KEY" r/srv &&
	test -z "$(find r/var/lib/pihpc/gnupg/private-keys-v1.d -type f ! -perm 0600)"
'

test_done
