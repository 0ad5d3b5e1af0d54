/*
 * cmdline.h - the Raspberry Pi kernel command line (cmdline.txt) and the
 * cgroup controllers Slurm's task/cgroup plugin needs.
 */
#ifndef PIHPC_CMDLINE_H
#define PIHPC_CMDLINE_H

#include <stddef.h>

#include "file.h"
#include "path.h"
#include "strbuf.h"

/* Raspberry Pi OS bookworm and later; older releases: /boot. */
#define PIHPC_CMDLINE_PATH "/boot/firmware/cmdline.txt"
#define PIHPC_CMDLINE_OLD_PATH "/boot/cmdline.txt"
/*
 * The words that enable the cpuset and memory controllers.  Raspberry Pi
 * kernels leave memory off unless the command line turns it on with the
 * downstream cgroup_enable=memory; cgroup_memory=1 is the older spelling
 * that kernels before 4.14 knew (newer ones hand it to init, harmlessly).
 */
#define PIHPC_CMDLINE_WORDS \
	"cgroup_enable=cpuset cgroup_memory=1 cgroup_enable=memory"

/*
 * The longest kernel command line ensure writes: COMMAND_LINE_SIZE of
 * 32-bit ARM kernels (arm64 has 2048).  The kernel silently cuts what
 * goes beyond, and the words pihpc adds come last.
 */
#define PIHPC_CMDLINE_MAX 1024

/* The controllers Slurm needs, as bits. */
#define PIHPC_CG_CPU	1u
#define PIHPC_CG_CPUSET	2u
#define PIHPC_CG_MEMORY	4u
#define PIHPC_CG_ALL	(PIHPC_CG_CPU | PIHPC_CG_CPUSET | PIHPC_CG_MEMORY)

/*
 * Set [out] to the one-line kernel command line [text] ([len] bytes,
 * [fname] in messages) with the missing PIHPC_CMDLINE_WORDS added after
 * the last kernel argument (before a "--", whose followers go to init),
 * and the cpu, cpuset and memory controllers taken out of any
 * cgroup_disable= list (the word goes when nothing is left), as well as
 * any cgroup_memory=0.  The line end ("\n", "\r\n" or none) and
 * everything else are kept.  Errors (nothing in [out]): an empty or
 * blank text, more than one line, a NUL byte, an unbalanced double
 * quote, a line longer than PIHPC_CMDLINE_MAX before or after the
 * change.
 */
int pihpc_cmdline_fix_text(const char *fname, const char *text, size_t len,
			   struct strbuf *out, char *err, size_t errlen);

/*
 * What the kernel arguments of the command line [text] ([len] bytes, a
 * final newline allowed) ask of the cpu, cpuset and memory controllers,
 * read in order as the kernel does: [on] gets the PIHPC_CG_* bits of the
 * controllers whose last word enables them, [off] of those whose last
 * word disables them.
 */
void pihpc_cmdline_cgroups(const char *text, size_t len, unsigned *on,
			   unsigned *off);

/*
 * Set [path] to ROOT/boot/firmware/cmdline.txt, or to
 * ROOT/boot/cmdline.txt when the former does not exist but the latter
 * does; -1 when neither exists.
 */
int pihpc_cmdline_path(const struct pihpc_ctx *ctx, struct strbuf *path,
		       char *err, size_t errlen);

/* Fix the file [path] as above, atomically; [res] says if it changed. */
int pihpc_cmdline_ensure(const char *path, enum pihpc_write_result *res,
			 char *err, size_t errlen);

/*
 * Look at ROOT/sys/fs/cgroup and ROOT/proc/cgroups: [version] becomes 2
 * (cgroup.controllers lists the controllers) or 1 (one directory per
 * controller; also systemd's hybrid layout, which Slurm treats as v1),
 * and the controllers among cpu, cpuset and memory that are not usable
 * are appended to [missing].  -1 if there is no cgroup file system at
 * all.
 */
int pihpc_cgroup_check(const struct pihpc_ctx *ctx, int *version,
		       struct strlist *missing, char *err, size_t errlen);

/* The controllers now, and what the command lines ask for. */
struct pihpc_cgroup_state {
	int version;			/* 1 or 2 */
	struct strlist missing;		/* not usable now, by name */
	char *file;			/* the command line file read, or NULL */
	unsigned file_on, file_off;	/* what it asks for (PIHPC_CG_*) */
	int have_run;			/* ROOT/proc/cmdline was read */
	unsigned run_on, run_off;	/* what the running kernel got */
};

#define PIHPC_CGROUP_STATE_INIT { 0, STRLIST_INIT, NULL, 0, 0, 0, 0, 0 }

/*
 * Fill [st] from pihpc_cgroup_check(), the command line file [file]
 * (NULL: none, not a Raspberry Pi) and ROOT/proc/cmdline (skipped when
 * it does not exist).  -1 if a file cannot be read.
 */
int pihpc_cgroup_state_read(const struct pihpc_ctx *ctx, const char *file,
			    struct pihpc_cgroup_state *st, char *err,
			    size_t errlen);

void pihpc_cgroup_state_clear(struct pihpc_cgroup_state *st);

/*
 * Put into [msg] what [st] means for Slurm: 0 when the controllers are
 * usable now and stay so after a reboot, -1 otherwise, the message then
 * saying what to do (run ensure, reboot, or that the kernel itself lacks
 * the controller).
 */
int pihpc_cgroup_verdict(const struct pihpc_cgroup_state *st,
			 struct strbuf *msg);

#endif /* PIHPC_CMDLINE_H */
