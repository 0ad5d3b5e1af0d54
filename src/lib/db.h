/*
 * db.h - the MariaDB accounting database of slurmdbd.
 *
 * The database password lives only in /etc/slurm/slurmdbd.conf
 * (StoragePass=, file 0600 slurm:slurm).  SQL goes to "mysql --batch" on
 * its standard input, run as root through MariaDB's unix socket, so the
 * password never appears on a command line.
 */
#ifndef PIHPC_DB_H
#define PIHPC_DB_H

#include <stddef.h>

#include "conf.h"
#include "path.h"
#include "runner.h"
#include "strbuf.h"

#define PIHPC_SLURMDBD_CONF "/etc/slurm/slurmdbd.conf"
#define PIHPC_DB_NAME "slurm_acct_db"	/* StorageLoc */
#define PIHPC_DB_USER "slurm"		/* StorageUser, @localhost */
#define PIHPC_DB_PASS_LEN 32

/*
 * Find "StoragePass=" in slurmdbd.conf [text] ([fname] for messages).
 * Returns 1 with the value in [pass], 0 if there is none (or it is
 * empty), -1 if it holds characters that are unsafe in SQL or in
 * slurmdbd.conf (quotes, backslashes, blanks, control characters).
 */
int pihpc_dbd_conf_password(const char *fname, const char *text,
			    struct strbuf *pass, char *err, size_t errlen);

/* Set [pass] to PIHPC_DB_PASS_LEN random letters and digits. */
int pihpc_db_password_new(struct strbuf *pass, char *err, size_t errlen);

/*
 * Render [tmpldir]/slurmdbd.conf.in (cluster.conf placeholders and
 * @PASSWORD@) into ROOT/etc/slurm/slurmdbd.conf, 0600 slurm:slurm,
 * keeping the StoragePass= it already has or making a new one.  [pass]
 * receives the password, [*is_new] whether it was made now; "updated
 * 'PATH'" goes to [done] when the file changed.
 */
int pihpc_dbd_conf_ensure(const struct pihpc_ctx *ctx,
			  const struct pihpc_conf *c, const char *tmpldir,
			  struct strbuf *pass, int *is_new,
			  struct strlist *done, char *err, size_t errlen);

/* Append [s] to [sql] as a quoted SQL string literal. */
void pihpc_sql_quote(struct strbuf *sql, const char *s);

/* 1 if mysql's [errtext] says it could not reach the server (yet). */
int pihpc_mysql_unreachable(const char *errtext);

/*
 * Create the database and its user with [pass] (set again each time),
 * granting it all on the database.  Waits up to [timeout] seconds, 1 s
 * apart, for MariaDB to accept connections.  [pass_is_new]: report a
 * changed password for an existing user.  One line per change to [done].
 */
int pihpc_db_ensure(const struct pihpc_runner *r, const char *pass,
		    int pass_is_new, unsigned timeout, struct strlist *done,
		    char *err, size_t errlen);

/* Drop the database and its user, if they exist. */
int pihpc_db_drop(const struct pihpc_runner *r, unsigned timeout,
		  struct strlist *done, char *err, size_t errlen);

#endif /* PIHPC_DB_H */
