/*
 * db.c - the MariaDB accounting database of slurmdbd.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "db.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "render.h"
#include "user.h"

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* 'slurm'@'localhost' */
#define DB_ACCOUNT "'" PIHPC_DB_USER "'@'localhost'"

/* What the first statements of a session print: which objects exist. */
#define SQL_WHAT_EXISTS \
	"SELECT 'database' FROM information_schema.SCHEMATA" \
	" WHERE SCHEMA_NAME = '" PIHPC_DB_NAME "';\n" \
	"SELECT 'user' FROM mysql.user" \
	" WHERE User = '" PIHPC_DB_USER "' AND Host = 'localhost';\n"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* Wipe and release [sb], which held a secret. */
static void
_release_secret(struct strbuf *sb)
{
	explicit_bzero(sb->buf, sb->alloc);
	strbuf_release(sb);
}

/*
 * Run [sql] through mysql, waiting up to [timeout] s for the server.
 * [what] names the job for messages ("set up", "drop").
 */
static int
_mysql(const struct pihpc_runner *r, const char *sql, unsigned timeout,
       const char *what, struct strbuf *out, char *err, size_t errlen)
{
	char *argv[] = { "mysql", "--batch", "--skip-column-names", NULL };
	struct strbuf errout = STRBUF_INIT, msg = STRBUF_INIT;
	long deadline = r->now(r->data) + (long)timeout;
	int rc;

	for (;;) {
		strbuf_reset(out);
		strbuf_reset(&errout);
		rc = r->run(r->data, argv, sql, strlen(sql), out, &errout, err,
			    errlen);
		if (rc <= 0)
			break;
		if (!pihpc_mysql_unreachable(errout.buf) ||
		    r->now(r->data) + 1 > deadline)
			break;
		r->sleep(r->data, 1);
	}
	if (rc < 0) {
		size_t n = strlen(err);

		(void)pihpc_err(err + n, errlen - n,
				_(" (is mariadb-client installed?)"));
	} else if (rc > 0) {
		pihpc_oneline(errout.buf, &msg);
		if (!msg.len)
			strbuf_addstr(&msg, err);
		if (pihpc_mysql_unreachable(errout.buf))
			/* TRANSLATORS: %s is "set up" or "drop" */
			(void)pihpc_err(err, errlen,
					_("cannot %s the accounting database: MariaDB did not answer within %u s: %s"),
					what, timeout, msg.buf);
		else
			/* TRANSLATORS: %s is "set up" or "drop" */
			(void)pihpc_err(err, errlen,
					_("cannot %s the accounting database: %s"),
					what, msg.buf);
	}
	strbuf_release(&errout);
	strbuf_release(&msg);
	return rc == 0 ? 0 : -1;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_dbd_conf_password(const char *fname, const char *text,
			struct strbuf *pass, char *err, size_t errlen)
{
	static const char key[] = "StoragePass";
	const char *p = text;
	int line = 0, found = 0;

	strbuf_reset(pass);
	while (*p) {
		size_t len = strcspn(p, "\n");
		const char *v, *end = p + len;

		line++;
		v = p + strspn(p, " \t");
		if (!strncasecmp(v, key, sizeof(key) - 1)) {
			v += sizeof(key) - 1;
			v += strspn(v, " \t");
			if (v < end && *v == '=') {
				const char *hash = memchr(v, '#', (size_t)(end - v));
				size_t i;

				v++;
				if (hash)
					end = hash;
				v += strspn(v, " \t");
				while (end > v && strchr(" \t\r", end[-1]))
					end--;
				for (i = 0; v + i < end; i++) {
					unsigned char ch = (unsigned char)v[i];

					if (ch <= ' ' || ch >= 0x7f || strchr("'\"`\\", ch))
						return pihpc_err(err, errlen,
							_("%s:%d: 'StoragePass' may hold no quotes, backslashes or blanks; use letters and digits, or delete the line to get a new password"),
							fname, line);
				}
				strbuf_reset(pass);
				strbuf_add(pass, v, (size_t)(end - v));
				found = pass->len > 0;
			}
		}
		p += len;
		if (*p)
			p++;
	}
	return found;
}

int
pihpc_db_password_new(struct strbuf *pass, char *err, size_t errlen)
{
	unsigned char buf[64];
	size_t i;

	strbuf_reset(pass);
	while (pass->len < PIHPC_DB_PASS_LEN) {
		ssize_t n = getrandom(buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pihpc_err_errno(err, errlen,
					       _("cannot get random bytes"));
		/* 248 = 4 * 62: keep the letters and digits uniform */
		for (i = 0; i < (size_t)n && pass->len < PIHPC_DB_PASS_LEN; i++)
			if (buf[i] < 248)
				strbuf_addch(pass, ALNUM[buf[i] % 62]);
	}
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

int
pihpc_dbd_conf_ensure(const struct pihpc_ctx *ctx, const struct pihpc_conf *c,
		      const char *tmpldir, struct strbuf *pass, int *is_new,
		      struct strlist *done, char *err, size_t errlen)
{
	struct strbuf path = STRBUF_INIT, old = STRBUF_INIT, in = STRBUF_INIT;
	struct strbuf tmpl = STRBUF_INIT, text = STRBUF_INIT;
	struct pihpc_vars v = PIHPC_VARS_INIT;
	struct pihpc_file_mode fm = { 0600, 0, 0, 1 };
	enum pihpc_write_result res;
	int found, rc = -1;

	*is_new = 0;
	found = pihpc_user_lookup(ctx, PIHPC_DB_USER, &fm.uid, &fm.gid, err,
				  errlen);
	if (found <= 0) {
		if (found == 0)
			(void)pihpc_err(err, errlen,
					_("user 'slurm' does not exist (run 'pihpc user ensure' first)"));
		goto out;
	}
	pihpc_path(ctx, PIHPC_SLURMDBD_CONF, &path);
	if (pihpc_read_file(path.buf, &old, err, errlen) < 0) {
		if (errno != ENOENT)
			goto out;
		found = 0;
	} else {
		found = pihpc_dbd_conf_password(path.buf, old.buf, pass, err,
						errlen);
		if (found < 0)
			goto out;
	}
	if (!found) {
		if (pihpc_db_password_new(pass, err, errlen) < 0)
			goto out;
		*is_new = 1;
	}

	pihpc_path_join(tmpldir, "slurmdbd.conf.in", &in);
	if (pihpc_read_file(in.buf, &tmpl, err, errlen) < 0)
		goto out;
	pihpc_render_vars(c, &v);
	pihpc_vars_set(&v, "PASSWORD", pass->buf);
	/* room for it all at once: no copies of the password left behind */
	strbuf_grow(&text, tmpl.len + 4096);
	if (pihpc_render_text(in.buf, tmpl.buf, tmpl.len, &v, &text, err,
			      errlen) < 0)
		goto out;
	if (pihpc_make_parents(path.buf, 0755, err, errlen) < 0 ||
	    pihpc_write_atomic_mode(path.buf, text.buf, text.len, &fm, &res,
				    err, errlen) < 0)
		goto out;
	if (res == PIHPC_WRITTEN)
		strlist_pushf(done, _("updated '%s'"), path.buf);
	rc = 0;
out:
	if (v.values.nr)
		explicit_bzero(v.values.v[v.values.nr - 1],
			       strlen(v.values.v[v.values.nr - 1]));
	pihpc_vars_clear(&v);
	_release_secret(&old);
	_release_secret(&text);
	strbuf_release(&path);
	strbuf_release(&in);
	strbuf_release(&tmpl);
	return rc;
}

void
pihpc_sql_quote(struct strbuf *sql, const char *s)
{
	strbuf_addch(sql, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			strbuf_addch(sql, *s);	/* '' and \\ */
		strbuf_addch(sql, *s);
	}
	strbuf_addch(sql, '\'');
}

int
pihpc_mysql_unreachable(const char *errtext)
{
	const char *p = errtext;

	/* client errors 2000-2099: CR_CONNECTION_ERROR (2002), CR_CONN_HOST_ERROR
	 * (2003), CR_SERVER_GONE_ERROR (2006), CR_SERVER_LOST (2013), ... */
	while ((p = strstr(p, "ERROR 20")) != NULL) {
		if (isdigit((unsigned char)p[8]) && isdigit((unsigned char)p[9]))
			return 1;
		p += 8;
	}
	return strstr(errtext, "Can't connect") != NULL;
}

int
pihpc_db_ensure(const struct pihpc_runner *r, const char *pass,
		int pass_is_new, unsigned timeout, struct strlist *done,
		char *err, size_t errlen)
{
	struct strbuf sql = STRBUF_INIT, out = STRBUF_INIT;
	int rc;

	strbuf_grow(&sql, 1024);
	strbuf_addstr(&sql, SQL_WHAT_EXISTS
		      "CREATE DATABASE IF NOT EXISTS " PIHPC_DB_NAME ";\n"
		      "CREATE USER IF NOT EXISTS " DB_ACCOUNT " IDENTIFIED BY ");
	pihpc_sql_quote(&sql, pass);
	strbuf_addstr(&sql, ";\nALTER USER " DB_ACCOUNT " IDENTIFIED BY ");
	pihpc_sql_quote(&sql, pass);
	strbuf_addstr(&sql, ";\n"
		      "GRANT ALL PRIVILEGES ON " PIHPC_DB_NAME ".* TO " DB_ACCOUNT ";\n"
		      "FLUSH PRIVILEGES;\n");
	/* TRANSLATORS: completes "cannot %s the accounting database" */
	rc = _mysql(r, sql.buf, timeout, _("set up"), &out, err, errlen);
	if (rc < 0 && *pass) {
		/* MariaDB quotes SQL near a syntax error: never show [pass] */
		char *at;

		while ((at = strstr(err, pass)) != NULL)
			memset(at, '*', strlen(pass));
	}
	if (rc == 0) {
		if (!pihpc_has_line(out.buf, "database"))
			strlist_pushf(done, _("created database '%s'"),
				      PIHPC_DB_NAME);
		if (!pihpc_has_line(out.buf, "user"))
			strlist_pushf(done, _("created database user %s"),
				      DB_ACCOUNT);
		else if (pass_is_new)
			strlist_pushf(done,
				      _("set a new password for database user %s"),
				      DB_ACCOUNT);
	}
	_release_secret(&sql);
	strbuf_release(&out);
	return rc;
}

int
pihpc_db_drop(const struct pihpc_runner *r, unsigned timeout,
	      struct strlist *done, char *err, size_t errlen)
{
	struct strbuf out = STRBUF_INIT;
	int rc;

	rc = _mysql(r, SQL_WHAT_EXISTS
		    "DROP DATABASE IF EXISTS " PIHPC_DB_NAME ";\n"
		    "DROP USER IF EXISTS " DB_ACCOUNT ";\n",
		    /* TRANSLATORS: completes "cannot %s the accounting database" */
		    timeout, _("drop"), &out, err, errlen);
	if (rc == 0) {
		if (pihpc_has_line(out.buf, "database"))
			strlist_pushf(done, _("dropped database '%s'"),
				      PIHPC_DB_NAME);
		if (pihpc_has_line(out.buf, "user"))
			strlist_pushf(done, _("dropped database user %s"),
				      DB_ACCOUNT);
	}
	strbuf_release(&out);
	return rc;
}
