#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc join: tokens, and a node joining a controller over loopback'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

if test "$(id -u)" = 0; then test_set_prereq ROOT; fi

# The service on 127.0.0.1 at any free port; its log in serve.log.
start_server() {
	"$PIHPC" --root ctl join serve --listen 127.0.0.1:0 >/dev/null 2>serve.log &
	echo $! >serve.pid
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		port=$(sed -n "s/^pihpc: join: listening on 127.0.0.1:\([0-9]*\)$/\1/p" serve.log)
		test -n "$port" && echo "$port" >port && return 0
		sleep 0.1
	done
	return 1
}

stop_server() {
	test -f serve.pid && kill "$(cat serve.pid)" && rm -f serve.pid
}

for opt in -h --help; do
	test_expect_success "join $opt prints usage on stdout" '
		"$PIHPC" join $opt >out 2>err &&
		grep "^usage: pihpc join token " out &&
		test_must_be_empty err
	'
done

test_expect_success 'join without a subcommand or with a bad one: exit 2' '
	test_expect_code 2 "$PIHPC" join 2>err &&
	grep "^pihpc: error: missing subcommand$" err &&
	test_expect_code 2 "$PIHPC" join frob 2>err &&
	grep "^pihpc: error: unknown subcommand '\''frob'\''$" err &&
	test_expect_code 2 "$PIHPC" join list --ttl 1h 2>err &&
	grep "^pihpc: error: option '\''--ttl'\'' is not for '\''list'\''$" err &&
	test_expect_code 2 "$PIHPC" join token --ttl 1w 2>err &&
	grep "^pihpc: error: invalid duration '\''1w'\'' (N\[smhd\] or '\''never'\'')$" err
'

test_expect_success 'setup controller and node roots' '
	for r in ctl cn; do
		mkdir -p $r/etc/munge $r/etc/pihpc &&
		printf "root:x:0:0::/root:/bin/sh\nmunge:x:105:107::/nonexistent:/usr/sbin/nologin\n" >$r/etc/passwd &&
		printf "root:x:0:\nmunge:x:107:\n" >$r/etc/group &&
		printf "subnet = 127.0.0.0/8\nhosts = 127.0.0.1 rpnode01\n" >$r/etc/pihpc/cluster.conf || return 1
	done &&
	head -c 1024 /dev/urandom >ctl/etc/munge/munge.key
'

test_expect_success 'token prints the token alone on stdout; the store has only a hash' '
	"$PIHPC" --root ctl join token --ttl 1h --uses 1 >tok 2>err &&
	test "$(wc -l <tok)" = 1 &&
	grep -E "^pihpc1\.[0-9a-f]{8}\.[0-9a-f]{64}$" tok &&
	id=$(cut -d. -f2 tok) &&
	grep "^pihpc: join token $id created: expires .*, 1 use$" err &&
	test "$(stat -c %a ctl/var/lib/pihpc/join)" = 700 &&
	test "$(stat -c %a ctl/var/lib/pihpc/join/tokens)" = 600 &&
	! grep -F "$(cut -d. -f3 tok)" ctl/var/lib/pihpc/join/tokens &&
	"$PIHPC" --root ctl join list >out &&
	grep "^$id  generated  .*  0/1  *valid$" out
'

test_expect_success '--set refuses weak tokens and tokens on the command line' '
	echo hunter2 | test_expect_code 1 "$PIHPC" --root ctl join token --set 2>err &&
	grep "^pihpc: error: the join token is too weak: 7 characters give about 35 bits, 128 are needed" err &&
	test_expect_code 2 "$PIHPC" --root ctl join token --set 0123456789abcdef0123456789abcdef 2>err &&
	grep "^pihpc: error: too many arguments (the token is read from stdin or --file, never from the command line)$" err
'

test_expect_success '--set takes openssl rand -hex 32 from a file, quietly on stdout' '
	echo 3f9a0c27e1d4b58a6c0f2e9d7b1a4c3e5f60718293a4b5c6d7e8f90a1b2c3d4e >admin.tok &&
	"$PIHPC" --root ctl join token --set --file admin.tok >out 2>err &&
	test_must_be_empty out &&
	grep "^pihpc: join token [0-9a-f]\{8\} set: expires never, unlimited uses$" err
'

test_expect_success ROOT 'serve: controller has the cluster key; server started' '
	"$PIHPC" --root ctl munge key generate &&
	start_server
'

test_expect_success ROOT 'node join with the right token installs the key' '
	"$PIHPC" --root cn node join --token-file tok --server 127.0.0.1:$(cat port) --name cn1 >out &&
	cat >expect <<-\EOF &&
	updated '\''cn/etc/munge/munge.key'\''
	joined cluster '\''raspi-hpc-cluster'\'' (controller '\''rpnode01'\'')
	EOF
	test_cmp expect out &&
	cmp ctl/etc/munge/munge.key cn/etc/munge/munge.key &&
	test "$(stat -c "%a %u %g" cn/etc/munge/munge.key)" = "400 105 107" &&
	"$PIHPC" --root cn node status >out &&
	grep "^state=joined$" out &&
	grep "^pihpc: join: request from 127.0.0.1, node .cn1., token [0-9a-f]*: joined: munge key sent$" serve.log
'

test_expect_success ROOT 'the one-use token is used up: exit 3, nothing written' '
	rm cn/etc/munge/munge.key &&
	test_expect_code 3 "$PIHPC" --root cn node join --token-file tok --server 127.0.0.1:$(cat port) --name cn1 2>err &&
	echo "pihpc: error: 127.0.0.1:$(cat port): token used up" >expect &&
	test_cmp expect err &&
	test ! -e cn/etc/munge/munge.key &&
	"$PIHPC" --root cn node status >out &&
	grep "^state=refused$" out
'

test_expect_success ROOT 'a wrong token is refused: exit 3, nothing written' '
	echo 0000000000000000000000000000000000000000000000000000000000000001 | test_expect_code 3 "$PIHPC" --root cn node join --token-file - --server 127.0.0.1:$(cat port) --name cn1 2>err &&
	echo "pihpc: error: 127.0.0.1:$(cat port): token refused (unknown or wrong): unknown token id" >expect &&
	test_cmp expect err &&
	test ! -e cn/etc/munge/munge.key &&
	grep "node .cn1., token [0-9a-f]*: refused: unknown token$" serve.log
'

test_expect_success ROOT 'the admin token from the environment joins' '
	PIHPC_JOIN_TOKEN=$(cat admin.tok) "$PIHPC" --root cn node join --server 127.0.0.1:$(cat port) --name cn1 >out &&
	cmp ctl/etc/munge/munge.key cn/etc/munge/munge.key
'

test_expect_success ROOT 'no token: waiting for approval (exit 5), approve, joined' '
	test_expect_code 5 "$PIHPC" --root cn node join --request --server 127.0.0.1:$(cat port) --name cn2 2>err &&
	fp=$(sed -n "s/^pihpc: waiting for approval: this node.s key fingerprint is //p" err) &&
	test -n "$fp" &&
	"$PIHPC" --root ctl node pending >out &&
	grep "^cn2  *127.0.0.1  *$fp  .*pending$" out &&
	"$PIHPC" --root ctl node approve cn2 &&
	"$PIHPC" --root cn node join --request --server 127.0.0.1:$(cat port) --name cn2 >out &&
	grep "^joined cluster" out
'

test_expect_success ROOT 'a revoked token no longer joins' '
	id=$(cut -d. -f2 tok) &&
	"$PIHPC" --root ctl join revoke "$id" >out &&
	echo "revoked join token '\''$id'\''" >expect &&
	test_cmp expect out &&
	test_expect_code 1 "$PIHPC" --root ctl join revoke "$id" 2>err &&
	echo "pihpc: error: no join token '\''$id'\''" >expect &&
	test_cmp expect err
'

test_expect_success ROOT 'node join --service: the token file joins, then nothing to do' '
	mkdir -p sv/etc/munge sv/etc/pihpc &&
	cp cn/etc/passwd cn/etc/group cn/etc/pihpc/cluster.conf sv/etc/ &&
	mv sv/etc/cluster.conf sv/etc/pihpc/ &&
	cp admin.tok sv/etc/pihpc/join.token &&
	"$PIHPC" --root sv node join --service --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "^joined cluster " out &&
	cmp ctl/etc/munge/munge.key sv/etc/munge/munge.key &&
	"$PIHPC" --root sv node join --service --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "nothing to do" out &&
	touch -d "+1 minute" sv/etc/pihpc/join.token &&
	"$PIHPC" --root sv node join --service --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "nothing to do" out
'

# Each address may ask 10 times a minute: a new minute for 127.0.0.1.
# File times tie within a clock tick and run backwards with the clock:
# only the token tells.
test_expect_success ROOT 'node join --service: a new token joins, whatever the file times' '
	rm ctl/var/lib/pihpc/join/rate &&
	"$PIHPC" --root ctl join token >tok2 2>/dev/null &&
	cp tok2 sv/etc/pihpc/join.token &&
	touch -r sv/var/lib/pihpc/join/status sv/etc/pihpc/join.token &&
	"$PIHPC" --root sv node join --service --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "^joined cluster " out &&
	grep "^token=$(cut -d. -f2 tok2)$" sv/var/lib/pihpc/join/status &&
	cp admin.tok sv/etc/pihpc/join.token &&
	touch -d "-1 hour" sv/etc/pihpc/join.token &&
	"$PIHPC" --root sv node join --service --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "^joined cluster " out &&
	! grep "^token=$(cut -d. -f2 tok2)$" sv/var/lib/pihpc/join/status
'

test_expect_success ROOT 'node join --service: a status without a token id goes by the file times, or by the mode' '
	sed -i "/^token=/d" sv/var/lib/pihpc/join/status &&
	touch -d "-1 minute" sv/etc/pihpc/join.token &&
	"$PIHPC" --root sv node join --service --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "nothing to do" out &&
	touch -d "+1 minute" sv/etc/pihpc/join.token &&
	"$PIHPC" --root sv node join --service --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "^joined cluster " out &&
	grep "^token=" sv/var/lib/pihpc/join/status &&
	sed -i "/^token=/d; s/^mode=token$/mode=request/" sv/var/lib/pihpc/join/status &&
	touch -d "-1 minute" sv/etc/pihpc/join.token &&
	"$PIHPC" --root sv node join --service --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "^joined cluster " out
'

test_expect_success ROOT 'node join --service: a refused token ends it at once (exit 3)' '
	echo 0000000000000000000000000000000000000000000000000000000000000001 >sv/etc/pihpc/join.token &&
	test_expect_code 3 "$PIHPC" --root sv node join --service --server 127.0.0.1:$(cat port) --name sv1 2>err &&
	grep "^pihpc: error: " err &&
	! grep "trying again" err
'

# The tests from here on start a new minute for 127.0.0.1.
test_expect_success ROOT 'node join --recheck: a new key of the controller reaches the node' '
	rm ctl/var/lib/pihpc/join/rate &&
	cp admin.tok sv/etc/pihpc/join.token &&
	"$PIHPC" --root sv node join --service --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "^joined cluster " out &&
	rm ctl/var/lib/pihpc/munge.key.sha256 &&
	"$PIHPC" --root ctl munge key generate &&
	! cmp -s ctl/etc/munge/munge.key sv/etc/munge/munge.key &&
	"$PIHPC" --root sv node join --recheck --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "^updated .*munge.key" out &&
	cmp ctl/etc/munge/munge.key sv/etc/munge/munge.key
'

test_expect_success ROOT 'node join --recheck: a refused token or no token changes nothing (exit 0)' '
	cp sv/var/lib/pihpc/join/status status.before &&
	echo 0000000000000000000000000000000000000000000000000000000000000001 >sv/etc/pihpc/join.token &&
	"$PIHPC" --root sv node join --recheck --server 127.0.0.1:$(cat port) --name sv1 >out 2>err &&
	grep "^pihpc: warning: .*; this node keeps its munge key$" err &&
	cmp status.before sv/var/lib/pihpc/join/status &&
	cmp ctl/etc/munge/munge.key sv/etc/munge/munge.key &&
	rm sv/etc/pihpc/join.token &&
	"$PIHPC" --root sv node join --recheck --server 127.0.0.1:$(cat port) --name sv1 >out &&
	grep "nothing to check" out
'

test_expect_success ROOT 'node join --service: an unreachable controller is tried again, with a pause' '
	cp tok2 sv/etc/pihpc/join.token &&
	test_expect_code 124 timeout 4 "$PIHPC" --root sv node join --service --server 127.0.0.1:1 --name sv1 2>err &&
	grep "^pihpc: .*; trying again in [5-7] s$" err
'

test_expect_success ROOT 'stop the server' '
	stop_server
'

# As pihpc-join.socket runs it (Accept=yes): one process per connection,
# the connection on stdin.
test_expect_success ROOT 'serve on a socket-activated connection' '
	rm ctl/var/lib/pihpc/join/rate &&
	"$PIHPC" --root ctl join token >tok3 2>/dev/null &&
	for _ in 1 2 3 4 5; do
		sport=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		PIHPC_ROOT=ctl systemd-socket-activate -l 127.0.0.1:$sport --accept --inetd \
			-E PIHPC_ROOT "$PIHPC" join serve >/dev/null 2>sa.log &
		echo $! >sa.pid &&
		sleep 0.3 &&
		grep -q "^Listening on 127.0.0.1:$sport" sa.log && break
		kill "$(cat sa.pid)" 2>/dev/null
	done &&
	rm -f cn/etc/munge/munge.key &&
	"$PIHPC" --root cn node join --token-file tok3 --server 127.0.0.1:$sport --name cn3 >out &&
	kill "$(cat sa.pid)" &&
	cmp ctl/etc/munge/munge.key cn/etc/munge/munge.key &&
	grep "^pihpc: join: request from 127.0.0.1, node .cn3., token [0-9a-f]*: joined: munge key sent$" sa.log
'

test_expect_success ROOT 'a node outside the cluster subnet is turned away' '
	cp -a ctl ctl2 &&
	echo "subnet = 10.0.0.0/24" >ctl2/etc/pihpc/cluster.conf &&
	"$PIHPC" --root ctl2 join serve --listen 127.0.0.1:0 >/dev/null 2>serve2.log &
	echo $! >serve2.pid &&
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		grep -q "listening on" serve2.log && break
		sleep 0.1
	done &&
	port2=$(sed -n "s/^pihpc: join: listening on 127.0.0.1:\([0-9]*\)$/\1/p" serve2.log) &&
	test_expect_code 4 "$PIHPC" --root cn node join --token-file admin.tok --server 127.0.0.1:$port2 --name cn1 2>err &&
	kill "$(cat serve2.pid)" &&
	grep -E "^pihpc: error: (the peer closed the connection|cannot read from the peer: Connection reset by peer)$" err &&
	grep "^pihpc: join: refused: connection from 127.0.0.1: outside the cluster subnet 10.0.0.0/24$" serve2.log
'

test_expect_success 'node join: --server needs a token or --request; not both' '
	test_expect_code 2 "$PIHPC" --root cn node join --server 127.0.0.1 2>err &&
	grep "^pihpc: error: option '\''--server'\'' needs '\''--token-file'\'' or '\''--request'\''$" err &&
	test_expect_code 2 "$PIHPC" --root cn node join --token-file admin.tok --request 2>err &&
	grep "^pihpc: error: options '\''--token-file'\'', '\''--request'\'', '\''--service'\'' and '\''--recheck'\'' exclude each other$" err
'

test_expect_success 'an unreachable controller: exit 4' '
	test_expect_code 4 "$PIHPC" --root cn node join --token-file admin.tok --server 127.0.0.1:1 --name cn1 2>err &&
	grep "^pihpc: error: cannot connect to '\''127.0.0.1:1'\'': Connection refused$" err &&
	"$PIHPC" --root cn node status >out &&
	grep "^state=unreachable$" out
'

test_done
