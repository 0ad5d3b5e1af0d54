/*
 * nfs.c - the storage node's /etc/exports and the nodes' /etc/fstab.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "block.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "nfs.h"
#include "run.h"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* The export paths and options of (valid) [c]. */
static void
_exports(const struct pihpc_conf *c, struct strlist *paths,
	 struct strlist *opts)
{
	char err[512];

	(void)pihpc_nfs_exports_parse(pihpc_conf_get(c, PIHPC_NFS_EXPORTS),
				      paths, opts, err, sizeof(err));
}

/* Set or remove block [name] in ROOT[file]; "updated" goes to [done]. */
static int
_block(const struct pihpc_ctx *ctx, const char *file, const char *name,
       const char *content, struct strlist *done, int *changed,
       char *err, size_t errlen)
{
	enum pihpc_write_result res = PIHPC_UNCHANGED;
	struct strbuf path = STRBUF_INIT;
	int rc;

	pihpc_path(ctx, file, &path);
	if (content)
		rc = pihpc_block_set_file(path.buf, name, content, &res, err,
					  errlen);
	else
		rc = pihpc_block_remove_file(path.buf, name, &res, err,
					     errlen);
	if (rc == 0 && res == PIHPC_WRITTEN)
		strlist_pushf(done, _("updated '%s'"), path.buf);
	if (changed)
		*changed = rc == 0 && res == PIHPC_WRITTEN;
	strbuf_release(&path);
	return rc;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_exports_content(const struct pihpc_conf *c, struct strbuf *out)
{
	struct strlist paths = STRLIST_INIT, opts = STRLIST_INIT;
	size_t i;

	_exports(c, &paths, &opts);
	for (i = 0; i < paths.nr; i++)
		strbuf_addf(out, "%s %s(%s)\n", paths.v[i],
			    pihpc_conf_get(c, PIHPC_SUBNET), opts.v[i]);
	strlist_clear(&paths);
	strlist_clear(&opts);
}

int
pihpc_exports_apply(const struct pihpc_ctx *ctx, const struct pihpc_conf *c,
		    struct strlist *done, int *changed, char *err,
		    size_t errlen)
{
	struct strlist paths = STRLIST_INIT, opts = STRLIST_INIT;
	struct strbuf path = STRBUF_INIT, content = STRBUF_INIT;
	int rc = -1, make_nfs = 0;
	size_t i;

	if (changed)
		*changed = 0;
	_exports(c, &paths, &opts);
	/* every check first: a missing path changes nothing */
	for (i = 0; i < paths.nr; i++) {
		struct stat st;

		pihpc_path(ctx, paths.v[i], &path);
		if (stat(path.buf, &st) == 0) {
			if (!S_ISDIR(st.st_mode)) {
				(void)pihpc_err(err, errlen,
						_("export path '%s' is not a directory"),
						paths.v[i]);
				goto out;
			}
		} else if (errno == ENOENT && !strcmp(paths.v[i], PIHPC_NFS_DIR)) {
			make_nfs = 1;
		} else if (errno == ENOENT) {
			(void)pihpc_err(err, errlen,
					_("export path '%s' does not exist"),
					paths.v[i]);
			goto out;
		} else {
			(void)pihpc_err_errno(err, errlen, _("cannot stat '%s'"),
					      path.buf);
			goto out;
		}
	}
	if (make_nfs) {
		pihpc_path(ctx, PIHPC_NFS_DIR, &path);
		if (pihpc_dir_ensure(path.buf, 0755, (uid_t)-1, (gid_t)-1,
				     NULL, err, errlen) < 0)
			goto out;
		strlist_pushf(done, _("created directory '%s'"), path.buf);
	}
	pihpc_exports_content(c, &content);
	rc = _block(ctx, PIHPC_EXPORTS_PATH, PIHPC_EXPORTS_BLOCK, content.buf,
		    done, changed, err, errlen);
out:
	strlist_clear(&paths);
	strlist_clear(&opts);
	strbuf_release(&path);
	strbuf_release(&content);
	return rc;
}

int
pihpc_exports_remove(const struct pihpc_ctx *ctx, struct strlist *done,
		     int *changed, char *err, size_t errlen)
{
	return _block(ctx, PIHPC_EXPORTS_PATH, PIHPC_EXPORTS_BLOCK, NULL,
		      done, changed, err, errlen);
}

int
pihpc_exports_reload(const char *exportfs, char *err, size_t errlen)
{
	char *argv[] = { (char *)(exportfs ? exportfs : "exportfs"),
			 (char *)"-ra", NULL };
	struct strbuf errout = STRBUF_INIT;
	char why[768];
	int rc;

	rc = pihpc_run_capture(argv, NULL, 0, NULL, &errout, why, sizeof(why));
	if (rc < 0)
		(void)pihpc_err(err, errlen, _("cannot reload the NFS exports: %s"),
				why);
	strbuf_release(&errout);
	return rc;
}

void
pihpc_fstab_content(const struct pihpc_conf *c, struct strbuf *out)
{
	struct strlist paths = STRLIST_INIT, opts = STRLIST_INIT;
	const char *storage = pihpc_conf_get(c, PIHPC_STORAGE);
	size_t i;

	if (*storage)
		_exports(c, &paths, &opts);
	for (i = 0; i < paths.nr; i++)
		strbuf_addf(out, "%s:%s %s nfs %s 0 0\n", storage, paths.v[i],
			    paths.v[i], PIHPC_FSTAB_OPTIONS);
	strlist_clear(&paths);
	strlist_clear(&opts);
}

int
pihpc_fstab_apply(const struct pihpc_ctx *ctx, const struct pihpc_conf *c,
		  struct strlist *done, char *err, size_t errlen)
{
	struct strlist paths = STRLIST_INIT, opts = STRLIST_INIT;
	struct strbuf path = STRBUF_INIT, content = STRBUF_INIT;
	int rc = 0;
	size_t i;

	if (!*pihpc_conf_get(c, PIHPC_STORAGE))
		return pihpc_fstab_remove(ctx, done, err, errlen);
	_exports(c, &paths, &opts);
	for (i = 0; i < paths.nr && rc == 0; i++) {
		struct stat st;

		pihpc_path(ctx, paths.v[i], &path);
		if (stat(path.buf, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				rc = pihpc_err(err, errlen,
					       _("mount point '%s' is not a directory"),
					       paths.v[i]);
		} else if (errno != ENOENT) {
			rc = pihpc_err_errno(err, errlen, _("cannot stat '%s'"),
					     path.buf);
		} else if (pihpc_dir_ensure(path.buf, 0755, (uid_t)-1,
					    (gid_t)-1, NULL, err, errlen) == 0) {
			strlist_pushf(done, _("created directory '%s'"), path.buf);
		} else {
			rc = -1;
		}
	}
	if (rc == 0) {
		pihpc_fstab_content(c, &content);
		rc = _block(ctx, PIHPC_FSTAB_PATH, PIHPC_FSTAB_BLOCK,
			    content.buf, done, NULL, err, errlen);
	}
	strlist_clear(&paths);
	strlist_clear(&opts);
	strbuf_release(&path);
	strbuf_release(&content);
	return rc;
}

int
pihpc_fstab_remove(const struct pihpc_ctx *ctx, struct strlist *done,
		   char *err, size_t errlen)
{
	return _block(ctx, PIHPC_FSTAB_PATH, PIHPC_FSTAB_BLOCK, NULL, done,
		      NULL, err, errlen);
}
