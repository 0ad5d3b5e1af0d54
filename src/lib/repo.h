/*
 * repo.h - the storage node's signed apt repository.
 *
 * reprepro keeps the repository: its configuration and database under
 * ROOT/srv/pihpc/repo (conf/, db/; never served), the published tree
 * (dists/, pool/, the public key and a deb822 sources file) under
 * ROOT/srv/pihpc/www, which the web server serves as http://STORAGE/.
 * The signing key lives in the GnuPG home ROOT/var/lib/pihpc/gnupg (0700).
 * pihpc never writes apt indexes itself.
 */
#ifndef PIHPC_REPO_H
#define PIHPC_REPO_H

#include <stddef.h>

#include "path.h"
#include "strbuf.h"

#define PIHPC_REPO_BASEDIR "/srv/pihpc/repo"
#define PIHPC_REPO_OUTDIR "/srv/pihpc/www"
#define PIHPC_REPO_GNUPGHOME "/var/lib/pihpc/gnupg"
#define PIHPC_REPO_CODENAME "pihpc"
#define PIHPC_REPO_ARCHS "amd64 arm64 armhf"
/* Where the nodes keep the public key (Signed-By in pihpc.sources). */
#define PIHPC_REPO_KEYRING "/etc/apt/keyrings/pihpc.gpg"

/*
 * The fingerprint of the signing key (the first secret key in the GnuPG
 * home) into [fpr]: 1 if there is one, 0 if not, -1 on error.
 */
int pihpc_repo_fingerprint(const struct pihpc_ctx *ctx, struct strbuf *fpr,
			   char *err, size_t errlen);

/*
 * Create or bring up to date the repository (idempotent): the GnuPG home
 * (0700), a signing key for 'pihpc cluster repository <root@[storage]>'
 * when there is none, conf/distributions and conf/options, the exported
 * (empty) indexes, www/pihpc.gpg (the public key) and www/pihpc.sources
 * pointing at http://[storage]/.  One line per change goes to [done].
 */
int pihpc_repo_init(const struct pihpc_ctx *ctx, const char *storage,
		    struct strlist *done, char *err, size_t errlen);

/*
 * Read the Package, Version and Architecture of the Debian binary
 * package [file] (dpkg-deb); -1 "'x.txt' is not a Debian package".
 */
int pihpc_deb_fields(const char *file, struct strbuf *name,
		     struct strbuf *version, struct strbuf *arch,
		     char *err, size_t errlen);

/*
 * Add the [n] package [files] (all checked first, nothing changes if one
 * is bad) with reprepro includedeb.  "added NAME VERSION ARCH" goes to
 * [done] for each one added; a package whose version is not newer than
 * the one in the repository is an error with reprepro's message.
 */
int pihpc_repo_add(const struct pihpc_ctx *ctx, char *const *files, size_t n,
		   struct strlist *done, char *err, size_t errlen);

/* One "NAME VERSION ARCH" per package in the repository into [out]. */
int pihpc_repo_list(const struct pihpc_ctx *ctx, struct strlist *out,
		    char *err, size_t errlen);

#endif /* PIHPC_REPO_H */
