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
/* The words that enable the cpuset and memory controllers. */
#define PIHPC_CMDLINE_WORDS \
	"cgroup_enable=cpuset cgroup_memory=1 cgroup_enable=memory"
/* A word that contradicts them and is removed. */
#define PIHPC_CMDLINE_BAD_WORD "cgroup_disable=memory"

/*
 * Set [out] to the one-line kernel command line [text] ([len] bytes,
 * [fname] in messages) with the missing PIHPC_CMDLINE_WORDS appended and
 * any PIHPC_CMDLINE_BAD_WORD removed; a final newline is kept if there
 * was one, nothing else changes.  Errors: empty text, more than one line.
 */
int pihpc_cmdline_fix_text(const char *fname, const char *text, size_t len,
			   struct strbuf *out, char *err, size_t errlen);

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
 * controller), and the controllers among cpu, cpuset and memory that are
 * not usable are appended to [missing].  -1 if there is no cgroup file
 * system at all.
 */
int pihpc_cgroup_check(const struct pihpc_ctx *ctx, int *version,
		       struct strlist *missing, char *err, size_t errlen);

#endif /* PIHPC_CMDLINE_H */
