#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='maintainer library: debconf answers reach cluster.conf as given'

# The source tree and the binary under test (src/Makefile sets PIHPC).
TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

# The library runs "pihpc" from PATH: here the one under test, in a
# scratch root unless the caller gives its own --root.
mkdir -p bin root/etc/pihpc
cat >bin/pihpc <<EOF
#!/bin/sh
[ "\$1" = --root ] || set -- --root "$PWD/root" "\$@"
exec "$PIHPC" "\$@"
EOF
chmod +x bin/pihpc
PATH="$PWD/bin:$PATH"

# debconf, as far as the library uses it here: the templates' defaults.
db_get() {
	case "$1" in
	pihpc-common/controller) RET=rpnode01 ;;
	pihpc-common/cluster-name) RET=raspi-hpc-cluster ;;
	pihpc-common/storage) RET=filenode01 ;;
	pihpc-common/domain) RET=home.local ;;
	pihpc-common/subnet) RET=10.0.0.0/24 ;;
	pihpc-common/hosts) RET="10.0.0.1 rpnode01, 10.0.0.2 rpnode02, 10.0.0.3 filenode01" ;;
	pihpc-common/slurm-uid) RET=151 ;;
	pihpc-common/node-registration) RET=static ;;
	pihpc-common/compute-nodes) RET="rpnode[01-02]" ;;
	*) return 10 ;;
	esac
}

# shellcheck source=postinst-helpers/pihpc-maint.sh
. "$TOP/postinst-helpers/pihpc-maint.sh"
PIHPC_CONF="$PWD/root/etc/pihpc/cluster.conf"

# Files in the working directory that a glob in an answer matches: with
# globbing on, word splitting puts their names in the answer's place.
test_expect_success 'setup: files named like the answer' '
	: >"compute_nodes=rpnode0" &&
	: >"compute_nodes=rpnode1"
'

test_expect_success 'answers are written as given, not as a glob of files' '
	pihpc_answers_to_conf pihpc-common $PIHPC_COMMON_QUESTIONS &&
	echo "rpnode[01-02]" >expect &&
	pihpc config get compute_nodes >out &&
	test_cmp expect out
'

test_expect_success 'the caller keeps its own globbing setting' '
	test "$(echo compute_nodes=rpnode[01])" = "compute_nodes=rpnode0 compute_nodes=rpnode1" &&
	set -f &&
	pihpc_answers_to_conf pihpc-common $PIHPC_COMMON_QUESTIONS &&
	case $- in *f*) ;; *) false ;; esac &&
	set +f
'

test_done
