# shellcheck shell=bash
# tests/cluster/baseline.sh - the seed's by-hand Slurm set-up, scripted.
#
# Sourced by tests/cluster/bench.sh after lib.sh.  The reference that pihpc
# is measured against: Debian's own Slurm packages, configured the way the
# seed blog post does it (storage node, controller with accounting, one
# more compute node), on the harness' nodes, with apt working offline from
# the image's cache exactly like the pihpc runs.
#
# Where the seed cannot be followed word for word:
#   * Slurm comes from Debian's archive (slurmctld, slurmd, slurmdbd,
#     slurm-client) instead of a source build packaged with fpm; the seed's
#     build-only libraries are not installed, libpmix-dev is (Debian's PMIx
#     plugin needs it at run time), nfs-common too (mount.nfs);
#   * one apt-get install per node instead of one per section of the post,
#     so that the baseline is not slowed down by apt's fixed costs;
#   * the slurm user (uid 151) is made before the apt install, otherwise
#     Debian's package makes it with uid 64030;
#   * Debian's own systemd units instead of the seed's hand-written ones;
#     no PluginDir (Debian's plugins are not in /usr/lib/slurm);
#     SelectType=select/cons_tres, the default of the seed's Slurm 23.11
#     (22.05's select/linear rejects the seed's SelectTypeParameters);
#   * NodeName lines with the hardware `slurmd -C` reports and
#     State=UNKNOWN (the seed's State=idle would be a lie before slurmd
#     registers), so no `scontrol update ... state=idle` is needed;
#   * the accounting registration (sacctmgr) before slurmctld starts:
#     slurmctld exits without it ("we have no TRES");
#   * the NFS steps run (exports, fstab, mount -av) but cannot mount: the
#     harness' host kernel has no NFS (the harness' /nfs stands in);
#   * the database password is random instead of 'slurmdbpass', and is
#     never printed.
#
# Functions (each prints its steps' output; the caller keeps it in a log):
#   baseline_storage NODE
#   baseline_controller NODE COMPUTE_NODE...
#   baseline_compute NODE CONTROLLER

BASELINE_APT='apt-get -y -q -o DPkg::Lock::Timeout=600'

# The seed's /etc/hosts lines and the NFS client step, shared by the
# controller and the compute nodes (bash code run inside a node).
# shellcheck disable=SC2016 # expanded inside the node
BASELINE_COMMON='
hosts_step() {
	cat >>/etc/hosts <<-EOF
		10.0.0.1 rpnode01 rpnode01.home.local
		10.0.0.2 rpnode02 rpnode02.home.local
		10.0.0.3 filenode01 filenode01.home.local
	EOF
}
nfs_client_step() {
	mkdir -p /home /nfs
	cat >>/etc/fstab <<-EOF
		filenode01:/home /home nfs defaults 0 0
		filenode01:/nfs /nfs nfs defaults 0 0
	EOF
	# The harness kernel has no NFS: this fails, as pihpc'"'"'s mount does.
	timeout 30 mount -av || echo "baseline: NFS mounts failed (no NFS in the harness)"
}
slurm_user_step() {
	adduser --quiet --system --group --uid 151 slurm
}
slurm_dirs_step() {
	mkdir -p /etc/slurm /var/spool/slurm/ctld /var/spool/slurm/d /var/log/slurm
	chown slurm: /var/spool/slurm/ctld /var/spool/slurm/d /var/log/slurm
}
'

# baseline_storage NODE: the seed's storage node (NFS server, exports).
baseline_storage() {
	# shellcheck disable=SC2016 # expanded inside the node
	node_exec_timeout "$PIHPC_APT_TIMEOUT" "$1" env DEBIAN_FRONTEND=noninteractive \
		bash -euc "$BASELINE_COMMON"'
		'"$BASELINE_APT"' install nfs-kernel-server
		hosts_step
		mkdir -p /home /nfs
		cat >>/etc/exports <<-EOF
			/home  *(rw,sync,no_root_squash,no_subtree_check)
			/nfs  *(rw,sync,no_root_squash,no_subtree_check)
		EOF
		exportfs -ra || echo "baseline: exportfs failed (no NFS in the harness)"
	' </dev/null
}

# baseline_controller NODE COMPUTE_NODE...: the seed's master node, which is
# also a compute node: munge, MariaDB, slurmdbd, slurmctld, slurmd,
# accounting.  The NodeName lines of the other compute nodes get the same
# hardware as NODE (the seed's nodes are identical; so are the harness').
baseline_controller() {
	local node=$1
	shift
	# shellcheck disable=SC2016 # expanded inside the node
	node_exec_timeout "$PIHPC_APT_TIMEOUT" "$node" env DEBIAN_FRONTEND=noninteractive \
		bash -euc "$BASELINE_COMMON"'
		slurm_user_step
		'"$BASELINE_APT"' install munge libpmix-dev mariadb-server \
			slurmctld slurmdbd slurmd slurm-client nfs-common
		hosts_step
		nfs_client_step
		slurm_dirs_step

		# MariaDB: database, user, grants (password never printed).
		pass=$(head -c 18 /dev/urandom | base64 | tr -d "/+=")
		mysql -u root <<-EOF
			create database slurm_acct_db;
			create user '"'"'slurm'"'"'@'"'"'localhost'"'"';
			set password for '"'"'slurm'"'"'@'"'"'localhost'"'"' = password('"'"'$pass'"'"');
			grant usage on *.* to '"'"'slurm'"'"'@'"'"'localhost'"'"';
			grant all privileges on slurm_acct_db.* to '"'"'slurm'"'"'@'"'"'localhost'"'"';
			flush privileges;
		EOF
		(umask 077; cat >/etc/slurm/slurmdbd.conf <<-EOF
			AuthType=auth/munge
			DbdAddr=localhost
			DbdHost=localhost
			SlurmUser=slurm
			DebugLevel=3
			LogFile=/var/log/slurm/slurmdbd.log
			PidFile=/run/slurmdbd.pid
			StorageType=accounting_storage/mysql
			StorageUser=slurm
			StoragePass=$pass
			StorageLoc=slurm_acct_db
		EOF
		)
		unset pass
		chown slurm: /etc/slurm/slurmdbd.conf
		chmod 0600 /etc/slurm/slurmdbd.conf

		# slurm.conf: the seed'"'"'s, with this machine'"'"'s hardware.
		hw=$(slurmd -C | head -n 1 | sed "s/^NodeName=[^ ]* //")
		{
			cat <<-EOF
				ClusterName=raspi-hpc-cluster
				ControlMachine='"$node"'
				SlurmUser=slurm
				AuthType=auth/munge
				StateSaveLocation=/var/spool/slurm/ctld
				SlurmdSpoolDir=/var/spool/slurm/d
				SwitchType=switch/none
				MpiDefault=pmi2
				SlurmctldPidFile=/run/slurmctld.pid
				SlurmdPidFile=/run/slurmd.pid
				ProctrackType=proctrack/cgroup
				ReturnToService=1
				TaskPlugin=task/cgroup
				SchedulerType=sched/backfill
				SelectType=select/cons_tres
				SelectTypeParameters=CR_Core_Memory,CR_CORE_DEFAULT_DIST_BLOCK,CR_ONE_TASK_PER_CORE
				SlurmctldDebug=3
				SlurmctldLogFile=/var/log/slurm/slurmctld.log
				SlurmdDebug=3
				SlurmdLogFile=/var/log/slurm/slurmd.log
				JobCompType=jobcomp/none
				JobAcctGatherType=jobacct_gather/cgroup
				AccountingStorageTRES=gres/gpu
				DebugFlags=CPU_Bind,gres
				AccountingStorageType=accounting_storage/slurmdbd
				AccountingStorageHost=localhost
				AccountingStoragePass=/run/munge/munge.socket.2
				AccountingStorageUser=slurm
				AccountingStorageEnforce=limits
			EOF
			for n in '"$node $*"'; do
				echo "NodeName=$n $hw State=UNKNOWN"
			done
			echo "PartitionName=batch Nodes=ALL Default=YES State=UP DefaultTime=1-00:00:00 DefMemPerCPU=200 MaxTime=30-00:00:00 DefCpuPerGPU=1"
		} >/etc/slurm/slurm.conf
		cat >/etc/slurm/cgroup.conf <<-EOF
			ConstrainCores=yes
			ConstrainDevices=yes
			ConstrainRAMSpace=yes
		EOF
		cat >/etc/slurm/cgroup_allowed_devices_file.conf <<-EOF
			/dev/null
			/dev/urandom
			/dev/zero
			/dev/sda*
			/dev/cpu/*/*
			/dev/pts/*
			/dev/nvidia*
		EOF

		systemctl enable --now slurmdbd
		i=0
		until sacctmgr -n show cluster >/dev/null 2>&1; do
			i=$((i + 1))
			[ "$i" -lt 120 ] || { echo "baseline: slurmdbd not answering"; exit 1; }
			sleep 0.5
		done
		sacctmgr -i add cluster raspi-hpc-cluster
		sacctmgr -i add account compute description="Compute account" Organization=home
		sacctmgr -i add user pi account=compute
		sacctmgr -i modify user pi set GrpTRES=cpu=4,mem=1gb
		systemctl enable --now slurmctld
		systemctl enable slurmd
		systemctl restart slurmd
	' </dev/null
}

# baseline_compute NODE CONTROLLER: the seed's "compute node" section:
# packages, the controller's munge key and Slurm files, slurmd.
baseline_compute() {
	local node=$1 ctl=$2 f
	# shellcheck disable=SC2016 # expanded inside the node
	node_exec_timeout "$PIHPC_APT_TIMEOUT" "$node" env DEBIAN_FRONTEND=noninteractive \
		bash -euc "$BASELINE_COMMON"'
		slurm_user_step
		'"$BASELINE_APT"' install munge libpmix-dev slurmd slurm-client nfs-common
		hosts_step
		nfs_client_step
		slurm_dirs_step
	' </dev/null || return 1
	# What scp from the controller does in the seed.  The key goes from
	# node to node through a pipe: never on the host's disk, never printed.
	node_exec "$ctl" cat /etc/munge/munge.key |
		node_exec "$node" sh -c 'umask 077; cat >/etc/munge/munge.key.new &&
			mv /etc/munge/munge.key.new /etc/munge/munge.key' || return 1
	for f in slurm.conf cgroup.conf cgroup_allowed_devices_file.conf; do
		# shellcheck disable=SC2016 # expanded inside the node
		node_exec "$ctl" cat "/etc/slurm/$f" |
			node_exec "$node" sh -c 'cat >"$1"' sh "/etc/slurm/$f" || return 1
	done
	# shellcheck disable=SC2016 # expanded inside the node
	node_exec_timeout 120 "$node" bash -euc '
		chown munge:munge /etc/munge/munge.key
		chmod 0400 /etc/munge/munge.key
		systemctl restart munge
		systemctl enable slurmd
		systemctl restart slurmd
	' </dev/null
}
