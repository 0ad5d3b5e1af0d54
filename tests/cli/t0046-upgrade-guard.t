#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='pihpc upgrade guard: the apt hook of Slurm'"'"'s upgrade rules (fake scontrol)'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PIHPC:=$TOP/src/pihpc}"

. /usr/share/sharness/sharness.sh

for opt in -h --help; do
	test_expect_success "upgrade $opt and upgrade guard $opt print usage on stdout" '
		"$PIHPC" upgrade $opt >out 2>err &&
		grep "^usage: pihpc upgrade \[--dry-run\]" out &&
		grep "pihpc upgrade guard" out &&
		test_must_be_empty err &&
		"$PIHPC" upgrade guard $opt >out 2>err &&
		grep "^usage: pihpc upgrade guard" out &&
		grep "Pihpc::Upgrade::Guard=off" out &&
		test_must_be_empty err
	'
done

test_expect_success 'usage errors: exit 2' '
	test_expect_code 2 "$PIHPC" upgrade frob 2>err &&
	grep "^pihpc: error: unknown subcommand '\''frob'\''$" err &&
	test_expect_code 2 "$PIHPC" upgrade --frob 2>err &&
	test_expect_code 2 "$PIHPC" upgrade follow x 2>err &&
	test_expect_code 2 "$PIHPC" upgrade guard x 2>err &&
	grep "^pihpc: error: '\''guard'\'' takes no arguments$" err
'

test_expect_success 'without cluster.conf anything passes, read to its end' '
	mkdir -p empty &&
	head -c 200000 /dev/urandom | "$PIHPC" --root empty upgrade guard >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'setup a compute node root and a fake scontrol' '
	mkdir -p cn/etc/pihpc bin &&
	echo "controller = rpnode01" >cn/etc/pihpc/cluster.conf &&
	echo rpnode02 >cn/etc/hostname &&
	cat >bin/scontrol <<-\EOF &&
	#!/bin/sh
	if [ -n "$FAKE_CTL" ]; then
		printf "Configuration data as of 2026-01-01T00:00:00\nSLURM_VERSION           = %s\n" "$FAKE_CTL"
	else
		echo "slurm_load_ctl_conf error: Unable to contact slurm controller (connect failure)" >&2
		exit 1
	fi
	EOF
	chmod +x bin/scontrol &&
	cat >family <<-\EOF
	VERSION 3
	APT::Architecture=amd64
	DPkg::Pre-Install-Pkgs::=/usr/libexec/pihpc/apt-slurm-guard || { [ $? -eq 127 ] && cat >/dev/null; }

	slurmd 22.05.8-4+deb12u3 amd64 none > - - none **REMOVE**
	slurm-client 22.05.8-4+deb12u3 amd64 none > - - none **REMOVE**
	slurm-smd - - none < 24.11.5-1 amd64 none /var/cache/apt/archives/slurm-smd_24.11.5-1_amd64.deb
	slurm-smd-slurmd - - none < 24.11.5-1 amd64 none /var/cache/apt/archives/slurm-smd-slurmd_24.11.5-1_amd64.deb
	slurm-smd - - none < 24.11.5-1 amd64 none **CONFIGURE**
	slurm-smd-slurmd - - none < 24.11.5-1 amd64 none **CONFIGURE**
	EOF
'

test_expect_success 'garbage is refused with the line and the reason' '
	echo "/var/cache/apt/archives/slurmd_24.11.5-1_amd64.deb" |
		test_expect_code 1 "$PIHPC" --root cn upgrade guard 2>err &&
	echo "pihpc: error: APT'\''s hook input: line 1: not APT'\''s hook protocol version 2 or 3: '\''/var/cache/apt/archives/slurmd_2'\''; refusing the apt run (see pihpc-upgrade(8))" >expect &&
	test_cmp expect err &&
	printf "VERSION 3\n\nslurmd 1 amd64 none < 2 amd64 none\n" |
		test_expect_code 1 "$PIHPC" --root cn upgrade guard 2>err &&
	grep "line 3: 8 fields where APT'\''s protocol version 3 has 9" err
'

test_expect_success 'a compute node: SchedMD 24.11 over Debian 12 22.05 under a 22.05 controller is refused twice' '
	FAKE_CTL=22.05.8 PATH="$PWD/bin:$PATH" test_expect_code 1 \
		"$PIHPC" --root cn upgrade guard <family >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOF &&
	pihpc: error: refusing to install slurm-smd, slurm-smd-slurmd: Slurm 24.11 accepts state and database records only from 23.02, 23.11 and 24.05; 22.05 is older: upgrade through 23.11 first (see pihpc-upgrade(8))
	pihpc: error: refusing to install slurm-smd, slurm-smd-slurmd: Slurm 24.11.5 is newer than the controller'"'"'s 22.05.8, and slurmctld refuses a newer slurmd or client command: upgrade slurmdbd, then slurmctld on the controller first (see pihpc-upgrade(8))
	pihpc: hint: nothing was installed or removed; '"'"'apt-get -o Pihpc::Upgrade::Guard=off ...'"'"' would force it
	EOF
	test_cmp expect err &&
	echo 22.05.8 >expect &&
	test_cmp expect cn/var/lib/pihpc/controller-slurm-version
'

test_expect_success 'the controller does not answer: the version remembered counts' '
	printf "VERSION 3\n\nslurm-smd-slurmd 24.05.1-1 amd64 none < 24.11.5-1 amd64 none /a/d.deb\n" >upgrade &&
	PATH="$PWD/bin:$PATH" test_expect_code 1 \
		"$PIHPC" --root cn upgrade guard <upgrade 2>err &&
	grep "^pihpc: warning: the controller does not answer (.*Unable to contact slurm controller.*); its Slurm version as last seen, in '\''cn/var/lib/pihpc/controller-slurm-version'\'': 22.05.8$" err &&
	grep "^pihpc: error: refusing to install slurm-smd-slurmd: Slurm 24.11.5 is newer than the controller'\''s 22.05.8" err
'

test_expect_success 'neither tells: allowed with a warning' '
	rm cn/var/lib/pihpc/controller-slurm-version &&
	PATH="$PWD/bin:$PATH" "$PIHPC" --root cn upgrade guard <upgrade >out 2>err &&
	test_must_be_empty out &&
	grep "^pihpc: warning: cannot tell the controller'\''s Slurm version (.*): allowing this node'\''s Slurm packages$" err
'

test_expect_success 'the controller at 24.11: allowed, silently' '
	printf "VERSION 3\n\nslurm-smd-slurmd 24.05.1-1 amd64 none < 24.11.5-1 amd64 none /a/d.deb\n" >upgrade &&
	FAKE_CTL=24.11.5 PATH="$PWD/bin:$PATH" "$PIHPC" --root cn upgrade guard <upgrade >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'other packages and removals pass without asking scontrol' '
	printf "VERSION 3\n\nhello 2.10-2 amd64 foreign < 2.10-3 amd64 foreign /a/hello.deb\nslurmd 22.05.8-4 amd64 none > - - none **REMOVE**\n" |
		"$PIHPC" --root cn upgrade guard >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'apt-get -o Pihpc::Upgrade::Guard=off lets one run through, with a warning' '
	sed "2a\\
Pihpc::Upgrade::Guard=off" family >off &&
	FAKE_CTL=22.05.8 PATH="$PWD/bin:$PATH" "$PIHPC" --root cn upgrade guard <off >out 2>err &&
	echo "pihpc: warning: Pihpc::Upgrade::Guard is off: Slurm'\''s upgrade rules are not checked" >expect &&
	test_cmp expect err
'

test_done
