/*
 * doctorcheck.h - the checks "pihpc doctor" runs on this node.
 *
 * Each check appends one result (more for the file systems) to a report
 * and never fails itself: what it cannot find out becomes "skip" or
 * "FAIL" with the reason.  Everything it reads goes through the
 * environment: files under the context's root, programs through the
 * runner, free space and the munge round trip through replaceable
 * functions, so the tests give each check the node they want.
 */
#ifndef PIHPC_DOCTORCHECK_H
#define PIHPC_DOCTORCHECK_H

#include <stddef.h>

#include "conf.h"
#include "doctor.h"
#include "path.h"
#include "runner.h"

/* Free space below which a file system warns or fails (either limit). */
#define PIHPC_SPACE_WARN_PCT 10
#define PIHPC_SPACE_WARN_MIB 1024ULL
#define PIHPC_SPACE_FAIL_PCT 2
#define PIHPC_SPACE_FAIL_MIB 100ULL

/* Clock offset to the time source, in seconds. */
#define PIHPC_CLOCK_WARN_SEC 1
#define PIHPC_CLOCK_FAIL_SEC 60

/* SoC temperature, in tenths of a degree Celsius. */
#define PIHPC_TEMP_WARN 800
#define PIHPC_TEMP_FAIL 850

/* The directories whose file systems are checked. */
#define PIHPC_STATE_SAVE_DIR "/var/spool/slurm/ctld"
#define PIHPC_SLURMD_SPOOL_DIR "/var/spool/slurm/d"
#define PIHPC_MYSQL_DIR "/var/lib/mysql"

/* munged's socket, below the root. */
#define PIHPC_MUNGE_SOCKET "/run/munge/munge.socket.2"

struct pihpc_space {
	unsigned long long total;	/* bytes */
	unsigned long long avail;	/* bytes free for unprivileged users */
};

struct pihpc_doctor_env {
	const struct pihpc_ctx *ctx;
	const struct pihpc_runner *run;
	const struct pihpc_conf *conf;
	const char *host;		/* this node's short name */
	/* statvfs(2) of [path]; -1 with [err] filled */
	int (*space)(void *data, const char *path, struct pihpc_space *sp,
		     char *err, size_t errlen);
	/* a credential round trip through munged at [socket] */
	int (*munge)(void *data, const char *socket, char *err, size_t errlen);
	void *data;
};

/* [env] with the real statvfs(2) and pihpc_munge_check(). */
void pihpc_doctor_env_init(struct pihpc_doctor_env *env,
			   const struct pihpc_ctx *ctx,
			   const struct pihpc_runner *run,
			   const struct pihpc_conf *conf, const char *host);

/*
 * Run [argv] through the environment's runner; its output in [out], its
 * errors on one line in [why].  The runner's code: 0 ok, 1 failed, -1 not
 * run (not installed).
 */
int pihpc_doctor_cmd(const struct pihpc_doctor_env *env, char *const argv[],
		     struct strbuf *out, struct strbuf *why);

/* Every check below, in this order. */
void pihpc_doctor_run(const struct pihpc_doctor_env *env,
		      struct pihpc_report *r);

/* munged runs (ROOT/proc) and a credential it makes decodes. */
void pihpc_check_munge(const struct pihpc_doctor_env *env,
		       struct pihpc_report *r);
/* The slurm user and group have cluster.conf's slurm_uid and slurm_gid. */
void pihpc_check_slurm_user(const struct pihpc_doctor_env *env,
			    struct pihpc_report *r);
/* Every path of nfs_exports is a mount point (not on the storage node). */
void pihpc_check_nfs(const struct pihpc_doctor_env *env,
		     struct pihpc_report *r);
/* cgroup v2 (or v1) with the cpu, cpuset and memory controllers. */
void pihpc_check_cgroup(const struct pihpc_doctor_env *env,
			struct pihpc_report *r);
/* The configured RealMemory is no more than MemTotal. */
void pihpc_check_real_memory(const struct pihpc_doctor_env *env,
			     struct pihpc_report *r);
/* Free space of StateSaveLocation, SlurmdSpoolDir and MariaDB's data. */
void pihpc_check_space(const struct pihpc_doctor_env *env,
		       struct pihpc_report *r);
/* / is not mounted read-only. */
void pihpc_check_rootfs(const struct pihpc_doctor_env *env,
			struct pihpc_report *r);
/* Raspberry Pi: vcgencmd get_throttled and measure_temp. */
void pihpc_check_pi(const struct pihpc_doctor_env *env,
		    struct pihpc_report *r);
/* Each host of cluster.conf has its address in ROOT/etc/hosts. */
void pihpc_check_hosts(const struct pihpc_doctor_env *env,
		       struct pihpc_report *r);
/* chronyc tracking: the offset to the time source. */
void pihpc_check_clock(const struct pihpc_doctor_env *env,
		       struct pihpc_report *r);
/* slurmd is not newer than the client commands and the controller. */
void pihpc_check_slurm_version(const struct pihpc_doctor_env *env,
			       struct pihpc_report *r);

#endif /* PIHPC_DOCTORCHECK_H */
