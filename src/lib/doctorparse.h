/*
 * doctorparse.h - reading what "pihpc doctor" looks at: kernel files,
 * configuration files and the output of vcgencmd, chronyc and Slurm's
 * commands.  All of it is untrusted text: the functions take any bytes
 * up to a NUL, never read past it, and say "not found" or -1 for what
 * they do not understand rather than guess.
 */
#ifndef PIHPC_DOCTORPARSE_H
#define PIHPC_DOCTORPARSE_H

#include <stddef.h>

#include "strbuf.h"

/* One line of /proc/self/mountinfo, see proc_pid_mountinfo(5). */
struct pihpc_mount {
	struct strbuf point;	/* mount point, \ooo escapes decoded */
	struct strbuf opts;	/* per-mount options ("rw,relatime") */
	struct strbuf fstype;	/* "nfs4", "ext4" */
	struct strbuf source;	/* "filenode01:/home" */
	struct strbuf super;	/* per-superblock options */
};

#define PIHPC_MOUNT_INIT \
	{ STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT }

void pihpc_mount_release(struct pihpc_mount *m);

/*
 * Find the mount at [path] in the mountinfo [text]: the last of its
 * lines whose mount point is exactly [path] (a later mount hides an
 * earlier one there).  The path is compared as written, so a symbolic
 * link is never followed to a mount point elsewhere.  1 and [m] filled
 * when found, 0 when not; malformed lines are skipped.
 */
int pihpc_mountinfo_find(const char *text, const char *path,
			 struct pihpc_mount *m);

/* True if the comma-separated [opts] hold the option [opt]. */
int pihpc_mount_has_opt(const char *opts, const char *opt);

/*
 * RealMemory of node [host] in the slurm.conf [text]: from its NodeName
 * line (a hostlist such as rpnode[01-04] counts), else from the last
 * "NodeName=DEFAULT" before it.  1 and [mib] set if configured, else 0.
 */
int pihpc_slurmconf_real_memory(const char *text, const char *host,
				unsigned long *mib);

/* RealMemory=N in the SLURMD_OPTIONS of slurmd.env [text]: 1 or 0. */
int pihpc_slurmd_env_real_memory(const char *text, unsigned long *mib);

/* The bits of "vcgencmd get_throttled" ("throttled=0x50005"); 0 or -1. */
int pihpc_throttled_parse(const char *out, unsigned long *bits);

/* The bits of get_throttled that mean something happening now. */
#define PIHPC_THROTTLED_NOW 0xfUL
#define PIHPC_THROTTLED_UNDERVOLT 0x1UL

/*
 * The meaning of each set bit of [bits] appended to [sb], joined by ", "
 * ("under-voltage now, throttled since boot"); unknown bits by number.
 */
void pihpc_throttled_describe(unsigned long bits, struct strbuf *sb);

/*
 * Tenths of a degree Celsius of "vcgencmd measure_temp" ("temp=48.3'C")
 * into [tenths]; 0 or -1.
 */
int pihpc_temp_parse(const char *out, long *tenths);

/*
 * The "System time" line of "chronyc tracking" ("System time : 0.000012
 * seconds slow of NTP time") into [usec], the absolute offset in
 * microseconds (capped at 10^12), and [synced] to 0 when "Leap status"
 * says "Not synchronised", else 1.  0 or -1 without such a line.
 */
int pihpc_chrony_offset(const char *out, unsigned long long *usec,
			int *synced);

struct pihpc_slurm_version {
	unsigned major, minor, micro;
};

/*
 * The first version "MAJOR.MINOR[.MICRO]" in [s] ("slurm-wlm 22.05.8",
 * "slurm 24.11.5-1"), numbers of at most 6 digits each; 0 or -1.
 */
int pihpc_slurm_version_parse(const char *s, struct pihpc_slurm_version *v);

/* <0, 0, >0 as [a] is older than, the same as, newer than [b]. */
int pihpc_slurm_version_cmp(const struct pihpc_slurm_version *a,
			    const struct pihpc_slurm_version *b, int micro);

/*
 * The value of "KEY = VALUE" in "scontrol show config" output [out]
 * into [val] (trimmed); 1 if found, else 0.
 */
int pihpc_scontrol_config_value(const char *out, const char *key,
				struct strbuf *val);

/*
 * The address of [name] in the /etc/hosts [text] as the files resolver
 * gives it: the first line naming it (case-insensitively) wins; comments
 * and lines without a name are skipped.  1 and [addr] set, else 0.
 */
int pihpc_etc_hosts_lookup(const char *text, const char *name,
			   struct strbuf *addr);

/*
 * From one "scontrol -o show node" line: [drained] is 1 when State=
 * has DRAIN (DRAINED, DRAINING, IDLE+DRAIN...), and [reason] is Reason=
 * up to the " [user@time]" Slurm appends (empty when there is none).
 * 0, or -1 when the line has no State=.
 */
int pihpc_node_drain_state(const char *line, int *drained,
			   struct strbuf *reason);

#endif /* PIHPC_DOCTORPARSE_H */
