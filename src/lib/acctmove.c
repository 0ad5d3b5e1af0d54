/*
 * acctmove.c - export and import of the accounting, for a move to a Slurm
 * release that cannot convert the old database (see acctmove.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acct.h"
#include "acctmove.h"
#include "doctorparse.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "sha256.h"
#include "slurmrel.h"

#define MANIFEST_MAGIC "pihpc-accounting-export 1"
#define MANIFEST_MAX 4096
#define CONF_MAX (1024UL * 1024)
#define ASSOC_MAX (64UL * 1024 * 1024)
#define JOBS_MAX (1024UL * 1024 * 1024)

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* The Slurm version of sacctmgr ("slurm 22.05.8") as "22.05.8". */
static int
_version(const struct pihpc_runner *r, struct strbuf *v, char *err,
	 size_t errlen)
{
	char *argv[] = { "sacctmgr", "--version", NULL };
	struct pihpc_slurm_version sv;
	struct strbuf out = STRBUF_INIT;
	int rc = pihpc_acct_run(r, argv, &out, _("ask sacctmgr its version"),
				err, errlen);

	if (rc == 0 && pihpc_slurm_version_parse(out.buf, &sv) < 0)
		rc = pihpc_err(err, errlen, _("no version in the output of 'sacctmgr --version': '%.60s'"),
			       out.buf);
	if (rc == 0)
		pihpc_slurm_version_add(v, &sv, 1);
	strbuf_release(&out);
	return rc;
}

static int
_sha_of(const char *path, size_t max, char hex[PIHPC_SHA256_HEX], char *err,
	size_t errlen)
{
	struct strbuf data = STRBUF_INIT;
	int rc = pihpc_read_regular(path, max, &data, err, errlen);

	if (rc == 0 && pihpc_sha256_hex(data.buf, data.len, hex) < 0)
		rc = pihpc_err(err, errlen, _("cannot hash '%s'"), path);
	strbuf_release(&data);
	return rc;
}

/* The export's files into the directory [tmp]. */
static int
_fill(const struct pihpc_runner *r, const struct pihpc_ctx *ctx,
      const char *cluster, const char *version, const char *stamp,
      const char *tmp, char *err, size_t errlen)
{
	struct strbuf assoc = STRBUF_INIT, file = STRBUF_INIT, jobs = STRBUF_INIT,
		      path = STRBUF_INIT, text = STRBUF_INIT, conf = STRBUF_INIT;
	char sha_a[PIHPC_SHA256_HEX], sha_j[PIHPC_SHA256_HEX];
	int rc = -1;

	pihpc_path_join(tmp, PIHPC_EXPORT_ASSOC, &assoc);
	strbuf_addf(&file, "file=%s", assoc.buf);
	{
		char *argv[] = { "sacctmgr", "-i", "dump", (char *)cluster,
				 file.buf, NULL };

		strbuf_addf(&text, _("dump the associations of cluster '%s'"),
			    cluster);
		if (pihpc_acct_run(r, argv, &path, text.buf, err, errlen) < 0)
			goto out;
	}
	if (chmod(assoc.buf, 0600) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot change the mode of '%s'"),
				      assoc.buf);
		goto out;
	}
	{
		/*
		 * Without --state, slurmdbd lists only the jobs with an
		 * eligible time before the end, which misses jobs that ran;
		 * with the states, a finished job is chosen by its end time
		 * alone.  CF and CG are flags, not states, there.  A start of
		 * 0 means "today" to sacct: the 2nd of January is the
		 * earliest start that is not 0 in every time zone.
		 */
		char format[] = "--format=" PIHPC_HISTORY_FIELDS;
		char *argv[] = { "sacct", "--allusers", "--duplicates",
				 "--parsable2", "--starttime=1970-01-02T00:00:00",
				 "--endtime=now",
				 "--state=PD,R,S,CA,CD,F,TO,NF,PR,BF,DL,OOM,RQ,RS,RV",
				 format, NULL };

		strbuf_reset(&text);
		strbuf_addstr(&text, _("list the job history"));
		if (pihpc_acct_run(r, argv, &jobs, text.buf, err, errlen) < 0)
			goto out;
	}
	strbuf_reset(&path);
	if (pihpc_write_atomic(pihpc_path_join(tmp, PIHPC_EXPORT_JOBS, &path),
			       jobs.buf, jobs.len, 0644, NULL, err, errlen) < 0)
		goto out;
	strbuf_reset(&path);
	if (pihpc_read_regular(pihpc_path(ctx, PIHPC_CONF_PATH, &path), CONF_MAX,
			       &conf, err, errlen) < 0)
		goto out;
	strbuf_reset(&path);
	if (pihpc_write_atomic(pihpc_path_join(tmp, PIHPC_EXPORT_CONF, &path),
			       conf.buf, conf.len, 0644, NULL, err, errlen) < 0 ||
	    _sha_of(assoc.buf, ASSOC_MAX, sha_a, err, errlen) < 0 ||
	    pihpc_sha256_hex(jobs.buf, jobs.len, sha_j) < 0)
		goto out;
	strbuf_reset(&text);
	strbuf_addf(&text, MANIFEST_MAGIC "\ncluster %s\nslurm %s\ndate %s\n"
		    "sha256 %s " PIHPC_EXPORT_ASSOC "\nsha256 %s " PIHPC_EXPORT_JOBS "\n",
		    cluster, version, stamp, sha_a, sha_j);
	strbuf_reset(&path);
	rc = pihpc_write_atomic(pihpc_path_join(tmp, PIHPC_EXPORT_MANIFEST, &path),
				text.buf, text.len, 0644, NULL, err, errlen);
out:
	strbuf_release(&assoc);
	strbuf_release(&file);
	strbuf_release(&jobs);
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&conf);
	return rc;
}

/* Remove the half-made export [tmp] and what is in it. */
static void
_discard(const char *tmp)
{
	static const char *const files[] = {
		PIHPC_EXPORT_ASSOC, PIHPC_EXPORT_JOBS, PIHPC_EXPORT_CONF,
		PIHPC_EXPORT_MANIFEST
	};
	struct strbuf p = STRBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		strbuf_reset(&p);
		(void)unlink(pihpc_path_join(tmp, files[i], &p));
	}
	(void)rmdir(tmp);
	strbuf_release(&p);
}

/* "KEY VALUE" of a manifest into [dst] of [size], once. */
static int
_field(const char *value, char *dst, size_t size, int (*ok)(const char *))
{
	if (*dst || strlen(value) >= size || !ok(value))
		return -1;
	(void)snprintf(dst, size, "%s", value);
	return 0;
}

/* What cluster.conf accepts as cluster_name, and nothing else. */
static int
_is_cluster(const char *s)
{
	char err[128];

	return pihpc_conf_check_value("cluster_name", s, err, sizeof(err)) == 0;
}

static int
_is_version(const char *s)
{
	struct pihpc_slurm_version v;

	return pihpc_slurm_version_parse(s, &v) == 0 && strspn(s, "0123456789.") == strlen(s);
}

static int
_is_stamp(const char *s)
{
	return *s && strspn(s, "0123456789T") == strlen(s);
}

static int
_is_hex(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_export_manifest_parse(const char *text, size_t len,
			    struct pihpc_export_manifest *m, char *err,
			    size_t errlen)
{
	struct strbuf copy = STRBUF_INIT;
	char *line, *save = NULL, *sp, *file;
	unsigned n = 0;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (len > MANIFEST_MAX || memchr(text, '\0', len))
		return pihpc_err(err, errlen, _("not a pihpc export manifest"));
	strbuf_add(&copy, text, len);
	for (line = strtok_r(copy.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int bad = 0;

		n++;
		if (n == 1) {
			if (strcmp(line, MANIFEST_MAGIC))
				goto bad;
			continue;
		}
		sp = strchr(line, ' ');
		if (!sp)
			goto bad;
		*sp++ = '\0';
		if (!strcmp(line, "cluster"))
			bad = _field(sp, m->cluster, sizeof(m->cluster), _is_cluster);
		else if (!strcmp(line, "slurm"))
			bad = _field(sp, m->slurm, sizeof(m->slurm), _is_version);
		else if (!strcmp(line, "date"))
			bad = _field(sp, m->date, sizeof(m->date), _is_stamp);
		else if (!strcmp(line, "sha256") && (file = strchr(sp, ' '))) {
			*file++ = '\0';
			if (!strcmp(file, PIHPC_EXPORT_ASSOC))
				bad = _field(sp, m->assoc_sha, sizeof(m->assoc_sha), _is_hex);
			else if (!strcmp(file, PIHPC_EXPORT_JOBS))
				bad = _field(sp, m->jobs_sha, sizeof(m->jobs_sha), _is_hex);
			else
				bad = 1;
		} else {
			bad = 1;
		}
		if (bad)
			goto bad;
	}
	if (!n)
		goto bad;
	if (!*m->cluster || !*m->slurm || !*m->date || !*m->assoc_sha || !*m->jobs_sha) {
		(void)pihpc_err(err, errlen, _("the manifest lacks a line"));
		goto out;
	}
	rc = 0;
	goto out;
bad:
	(void)pihpc_err(err, errlen, _("manifest line %u is not understood"), n);
out:
	if (rc < 0)
		memset(m, 0, sizeof(*m));
	strbuf_release(&copy);
	return rc;
}

int
pihpc_acct_export(const struct pihpc_runner *r, const struct pihpc_ctx *ctx,
		  const struct pihpc_conf *c, const char *dir, time_t now,
		  struct strbuf *made, char *err, size_t errlen)
{
	const char *cluster = pihpc_conf_get(c, PIHPC_CLUSTER_NAME);
	struct strbuf version = STRBUF_INIT, name = STRBUF_INIT,
		      tmp = STRBUF_INIT;
	char stamp[32];
	struct tm tm;
	int rc = -1;

	if (!gmtime_r(&now, &tm) ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm) == 0)
		return pihpc_err(err, errlen, _("cannot format the time"));
	if (_version(r, &version, err, errlen) < 0 ||
	    pihpc_dir_ensure(dir, 0700, (uid_t)-1, (gid_t)-1, NULL, err, errlen) < 0)
		goto out;
	strbuf_addf(&name, "%s-slurm-%s-%s", cluster, version.buf, stamp);
	pihpc_path_join(dir, name.buf, made);
	strbuf_addf(&tmp, "%s.part", made->buf);
	if (mkdir(tmp.buf, 0700) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot create '%s'"), tmp.buf);
		goto out;
	}
	if (_fill(r, ctx, cluster, version.buf, stamp, tmp.buf, err, errlen) < 0) {
		_discard(tmp.buf);
		goto out;
	}
	if (rename(tmp.buf, made->buf) < 0) {
		(void)pihpc_err_errno(err, errlen, _("cannot rename '%s' to '%s'"),
				      tmp.buf, made->buf);
		_discard(tmp.buf);
		goto out;
	}
	rc = 0;
out:
	strbuf_release(&version);
	strbuf_release(&name);
	strbuf_release(&tmp);
	return rc;
}

int
pihpc_acct_import(const struct pihpc_runner *r, const struct pihpc_ctx *ctx,
		  const struct pihpc_conf *c, const char *from,
		  unsigned timeout, struct strlist *done, char *err,
		  size_t errlen)
{
	const char *cluster = pihpc_conf_get(c, PIHPC_CLUSTER_NAME);
	struct pihpc_export_manifest m;
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT, jobs = STRBUF_INIT,
		      assoc = STRBUF_INIT, file = STRBUF_INIT, out = STRBUF_INIT,
		      name = STRBUF_INIT, hist = STRBUF_INIT;
	char sha[PIHPC_SHA256_HEX];
	int rc = -1, done_before;

	if (pihpc_read_regular(pihpc_path_join(from, PIHPC_EXPORT_MANIFEST, &path),
			       MANIFEST_MAX, &text, err, errlen) < 0 ||
	    pihpc_export_manifest_parse(text.buf, text.len, &m, err, errlen) < 0)
		goto out;
	if (strcmp(m.cluster, cluster)) {
		(void)pihpc_err(err, errlen, _("'%s' is an export of cluster '%s', and this is cluster '%s' (cluster_name in cluster.conf)"),
				from, m.cluster, cluster);
		goto out;
	}
	pihpc_path_join(from, PIHPC_EXPORT_ASSOC, &assoc);
	if (_sha_of(assoc.buf, ASSOC_MAX, sha, err, errlen) < 0)
		goto out;
	if (strcmp(sha, m.assoc_sha)) {
		(void)pihpc_err(err, errlen, _("'%s' is not the file that was exported (its SHA-256 differs)"),
				assoc.buf);
		goto out;
	}
	strbuf_reset(&path);
	if (pihpc_read_regular(pihpc_path_join(from, PIHPC_EXPORT_JOBS, &path), JOBS_MAX,
			       &jobs, err, errlen) < 0 ||
	    pihpc_sha256_hex(jobs.buf, jobs.len, sha) < 0)
		goto out;
	if (strcmp(sha, m.jobs_sha)) {
		(void)pihpc_err(err, errlen, _("'%s' is not the file that was exported (its SHA-256 differs)"),
				path.buf);
		goto out;
	}
	/* the history, written last, says the import is done */
	strbuf_addf(&name, "%s/%s-slurm-%s.psv", PIHPC_HISTORY_DIR, m.cluster,
		    m.slurm);
	pihpc_path(ctx, name.buf, &hist);
	strbuf_reset(&text);
	done_before = pihpc_read_regular(hist.buf, JOBS_MAX, &text, err, errlen) == 0 &&
		      text.len == jobs.len && !memcmp(text.buf, jobs.buf, jobs.len);
	/* slurmdbd up and the cluster in it before its associations */
	if (pihpc_acct_register(r, c, timeout, done, err, errlen) < 0)
		goto out;
	strbuf_addf(&file, "file=%s", assoc.buf);
	if (!done_before) {
		char *argv[] = { "sacctmgr", "-i", "load", file.buf, NULL };

		strbuf_reset(&text);
		strbuf_addf(&text, _("load the associations of '%s'"), assoc.buf);
		if (pihpc_acct_run(r, argv, &out, text.buf, err, errlen) < 0)
			goto out;
		strlist_pushf(done, _("loaded the associations of Slurm %s from '%s'"),
			      m.slurm, assoc.buf);
		/* cluster.conf has the last word on its own account and users */
		if (pihpc_acct_register(r, c, timeout, done, err, errlen) < 0)
			goto out;
		if (pihpc_make_parents(hist.buf, 0755, err, errlen) < 0 ||
		    pihpc_write_atomic(hist.buf, jobs.buf, jobs.len, 0644, NULL,
				       err, errlen) < 0)
			goto out;
		strlist_pushf(done, _("installed the job history of Slurm %s as '%s'"),
			      m.slurm, hist.buf);
	}
	rc = 0;
out:
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&jobs);
	strbuf_release(&assoc);
	strbuf_release(&file);
	strbuf_release(&out);
	strbuf_release(&name);
	strbuf_release(&hist);
	return rc;
}
