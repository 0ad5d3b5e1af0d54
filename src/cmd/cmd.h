/*
 * cmd.h - the pihpc subcommands and the helpers only they may use.
 *
 * Adding a subcommand "foo":
 *  1. write cmd/foo.c exporting cmd_foo() (argv[0] is "foo");
 *  2. declare it below;
 *  3. add { "foo", cmd_foo, "summary" } to commands[] in pihpc.c, sorted;
 *  4. add cmd/foo.o to CMD_OBJS in src/Makefile;
 *  5. write man/pihpc-foo.8 and tests (tests/unit, tests/cli);
 *  6. mark its messages _("...") and its help N_("...") (i18n.h), list
 *     cmd/foo.c in src/po/POTFILES.in, run "make -C src/po update-po" and
 *     translate the new messages in po/ko.po.
 *
 * Exit codes: 0 success, 1 runtime error or invalid configuration,
 * 2 usage error.  Help (-h, --help) goes to stdout with exit 0.
 */
#ifndef PIHPC_CMD_H
#define PIHPC_CMD_H

#include <getopt.h>

#include "i18n.h"
#include "pihpc.h"

#define EXIT_USAGE 2

int cmd_accounting(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_block(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_cmdline(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_config(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_db(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_dirs(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_doctor(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_exports(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_fstab(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_hostlist(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_hosts(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_join(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_munge(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_node(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_render(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_slurmd(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_repo(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_upgrade(int argc, char **argv, const struct pihpc_ctx *ctx);
int cmd_user(int argc, char **argv, const struct pihpc_ctx *ctx);

/* "pihpc: error: MSG" on stderr, then exit 1. */
__attribute__((noreturn, format(printf, 1, 2)))
void die(const char *fmt, ...);

/* "pihpc: error: MSG" on stderr; returns -1. */
__attribute__((format(printf, 1, 2)))
int errorf(const char *fmt, ...);

/* "pihpc: error: MSG" and "usage: USAGE" on stderr, then exit 2. */
__attribute__((noreturn, format(printf, 2, 3)))
void usage_die(const char *usage, const char *fmt, ...);

/* Print "usage: USAGE" and [help] to stdout, then exit 0. */
__attribute__((noreturn))
void help_exit(const char *usage, const char *help);

/*
 * getopt_long() with pihpc's messages: -h/--help print help and exit 0;
 * unknown options and missing values are usage errors.  [shortopts] must
 * start with ":h".  Returns the option, or -1 at the end.
 */
int cmd_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts, const char *usage,
	       const char *help);

/*
 * For "CMD VERB [ARGS]" commands: -h/--help before the verb prints help;
 * a missing verb is a usage error.  Returns the verb.
 */
const char *cmd_verb(int argc, char **argv, const char *usage,
		     const char *help);

/*
 * Parse [argv] (argv[0] is the command or verb) accepting only -h/--help;
 * returns the index of the first operand.
 */
int cmd_no_options(int argc, char **argv, const char *usage,
		   const char *help);

/*
 * Read a join token, one line of at most [toklen] - 1 characters, from
 * [path] ("-": stdin) into [tok], or die.  Tokens never come from argv,
 * where ps(1) would show them.
 */
void read_token_or_die(const char *path, char *tok, size_t toklen);

/* Print each line of [done] to stdout. */
void print_done(const struct strlist *done);

/* Load the cluster configuration (defaults if missing) or die listing
 * every error. */
void load_conf_or_die(const struct pihpc_ctx *ctx, struct pihpc_conf *c);

#endif /* PIHPC_CMD_H */
