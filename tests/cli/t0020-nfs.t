#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc exports and fstab in a scratch root'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

OPTS=defaults,_netdev,nofail,x-systemd.mount-timeout=30s,timeo=50,retrans=2

for cmd in exports fstab; do
	for opt in -h --help; do
		test_expect_success "$cmd $opt prints usage on stdout" '
			"$PIHPC" $cmd $opt >out 2>err &&
			grep "^usage: pihpc $cmd apply|remove" out &&
			test_must_be_empty err
		'
	done
	test_expect_success "$cmd without a verb: exit 2" '
		test_expect_code 2 "$PIHPC" $cmd 2>err &&
		grep "^pihpc: error: missing subcommand$" err
	'
	test_expect_success "$cmd with an unknown verb: exit 2" '
		test_expect_code 2 "$PIHPC" $cmd frob 2>err &&
		grep "^pihpc: error: unknown subcommand '\''frob'\''$" err
	'
	test_expect_success "$cmd apply with an extra argument: exit 2" '
		test_expect_code 2 "$PIHPC" $cmd apply x 2>err &&
		grep "^pihpc: error: too many arguments$" err
	'
done

test_expect_success 'setup storage root' '
	mkdir -p st/etc/pihpc st/home &&
	printf "# /etc/exports: the access control list for filesystems which may be exported\n#\t\tto NFS clients.  See exports(5).\n" >st/etc/exports &&
	cp st/etc/exports exports.orig
'

test_expect_success 'exports apply: /nfs created, block written' '
	"$PIHPC" --root st exports apply --no-reload >out &&
	cat >expect <<-\EOF &&
	created directory '\''st/nfs'\''
	updated '\''st/etc/exports'\''
	EOF
	test_cmp expect out &&
	test "$(stat -c %a st/nfs)" = 755 &&
	cp exports.orig expect &&
	cat >>expect <<-\EOF &&
	# BEGIN pihpc exports
	/home 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)
	/nfs 10.0.0.0/24(rw,sync,root_squash,no_subtree_check)
	# END pihpc exports
	EOF
	test_cmp expect st/etc/exports
'

test_expect_success 'exports apply again is silent (no exportfs in a scratch root)' '
	"$PIHPC" --root st exports apply >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'exports apply with a missing path: exit 1, nothing changed' '
	"$PIHPC" --root st config set "nfs_exports=/home(rw,sync) /data(ro)" >/dev/null &&
	cp st/etc/exports before &&
	test_expect_code 1 "$PIHPC" --root st exports apply --no-reload >out 2>err &&
	test_must_be_empty out &&
	echo "pihpc: error: export path '\''/data'\'' does not exist" >expect &&
	test_cmp expect err &&
	test_cmp before st/etc/exports
'

test_expect_success 'exports apply follows the config' '
	mkdir st/data &&
	"$PIHPC" --root st config set subnet=192.168.1.0/24 hosts= >/dev/null &&
	"$PIHPC" --root st exports apply --no-reload >out &&
	echo "updated '\''st/etc/exports'\''" >expect &&
	test_cmp expect out &&
	grep -x "/home 192.168.1.0/24(rw,sync)" st/etc/exports &&
	grep -x "/data 192.168.1.0/24(ro)" st/etc/exports &&
	! grep "^/nfs" st/etc/exports
'

test_expect_success 'an invalid nfs_exports is refused by config set' '
	test_expect_code 1 "$PIHPC" --root st config set "nfs_exports=/home *(rw)" 2>err &&
	echo "pihpc: error: '\''nfs_exports'\'': invalid export (want /PATH(OPTIONS)): '\''/home'\''" >expect &&
	test_cmp expect err
'

test_expect_success 'exports remove restores the file byte for byte' '
	"$PIHPC" --root st exports remove --no-reload >out &&
	echo "updated '\''st/etc/exports'\''" >expect &&
	test_cmp expect out &&
	test_cmp exports.orig st/etc/exports &&
	"$PIHPC" --root st exports remove >out &&
	test_must_be_empty out
'

test_expect_success 'setup compute root (Raspberry Pi OS fstab)' '
	mkdir -p cn/etc &&
	cat >cn/etc/fstab <<-\EOF &&
	proc            /proc           proc    defaults          0       0
	PARTUUID=xxxxxxxx-01  /boot/firmware  vfat    defaults          0       2
	PARTUUID=xxxxxxxx-02  /               ext4    defaults,noatime  0       1
	# a swapfile is not a swap partition, no line here
	#   use  dphys-swapfile swap[on|off]  for that
	EOF
	cp cn/etc/fstab fstab.orig
'

test_expect_success 'fstab apply: mount points and block' '
	"$PIHPC" --root cn fstab apply >out &&
	cat >expect <<-\EOF &&
	created directory '\''cn/home'\''
	created directory '\''cn/nfs'\''
	updated '\''cn/etc/fstab'\''
	EOF
	test_cmp expect out &&
	test "$(stat -c %a cn/home)" = 755 &&
	cp fstab.orig expect &&
	cat >>expect <<-EOF &&
	# BEGIN pihpc fstab
	filenode01:/home /home nfs $OPTS 0 0
	filenode01:/nfs /nfs nfs $OPTS 0 0
	# END pihpc fstab
	EOF
	test_cmp expect cn/etc/fstab
'

test_expect_success 'fstab apply again is silent' '
	"$PIHPC" --root cn fstab apply >out &&
	test_must_be_empty out
'

test_expect_success 'fstab apply without a storage node removes the block' '
	mkdir -p cn/etc/pihpc &&
	"$PIHPC" --root cn config set storage= >/dev/null &&
	"$PIHPC" --root cn fstab apply >out &&
	echo "updated '\''cn/etc/fstab'\''" >expect &&
	test_cmp expect out &&
	test_cmp fstab.orig cn/etc/fstab
'

test_expect_success 'fstab remove restores the file byte for byte' '
	"$PIHPC" --root cn config set storage=nas >/dev/null &&
	"$PIHPC" --root cn fstab apply >/dev/null &&
	grep -x "nas:/home /home nfs $OPTS 0 0" cn/etc/fstab &&
	"$PIHPC" --root cn fstab remove >out &&
	echo "updated '\''cn/etc/fstab'\''" >expect &&
	test_cmp expect out &&
	test_cmp fstab.orig cn/etc/fstab
'

test_expect_success 'fstab apply with an invalid config: exit 1' '
	echo "nfs_exports = /home" >>cn/etc/pihpc/cluster.conf &&
	test_expect_code 1 "$PIHPC" --root cn fstab apply 2>err &&
	grep "^pihpc: error: cn/etc/pihpc/cluster.conf:[0-9]*: '\''nfs_exports'\'': invalid export (want /PATH(OPTIONS)): '\''/home'\''$" err &&
	test_cmp fstab.orig cn/etc/fstab
'

test_done
