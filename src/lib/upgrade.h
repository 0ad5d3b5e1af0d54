/*
 * upgrade.h - a cluster-wide Slurm upgrade in the order Slurm documents
 * (accounting database backed up, slurmdbd, slurmctld, then the slurmd of
 * each compute node), and the node side that follows the controller.
 *
 * Every program runs through a struct pihpc_runner, so the sequence can
 * be tested with canned answers; nothing here prints: progress goes to
 * the caller's say() callback.
 */
#ifndef PIHPC_UPGRADE_H
#define PIHPC_UPGRADE_H

#include <stddef.h>

#include "path.h"
#include "runner.h"
#include "strbuf.h"

/* Where "pihpc upgrade" keeps its progress and its database backups. */
#define PIHPC_UPGRADE_STATE_PATH "/var/lib/pihpc/upgrade/state"
#define PIHPC_UPGRADE_BACKUP_DIR "/var/backups/pihpc"
/* The runtime drop-in that lets slurmdbd's first start convert the
 * database for as long as it takes. */
#define PIHPC_UPGRADE_DBD_DROPIN \
	"/run/systemd/system/slurmdbd.service.d/pihpc-upgrade.conf"
#define PIHPC_SLURMDBD_CONF_PATH "/etc/slurm/slurmdbd.conf"
/* The unit that "pihpc upgrade follow" runs on a compute node. */
#define PIHPC_FOLLOW_UNIT "pihpc-slurm-follow.service"
/* Drain reason of a node being upgraded, followed by the version. */
#define PIHPC_UPGRADE_REASON "pihpc upgrade: to "

/* One installed Slurm package. */
struct pihpc_upgrade_pkg {
	char *name;
	char *installed;
	char *candidate;	/* NULL until known */
};

struct pihpc_upgrade_pkgs {
	struct pihpc_upgrade_pkg *v;
	size_t nr;
	size_t alloc;
};

#define PIHPC_UPGRADE_PKGS_INIT { NULL, 0, 0 }

void pihpc_upgrade_pkgs_release(struct pihpc_upgrade_pkgs *p);

/* The package named [name] in [p], or NULL. */
struct pihpc_upgrade_pkg *pihpc_upgrade_pkgs_find(const struct pihpc_upgrade_pkgs *p,
					      const char *name);

/*
 * Add the installed packages of dpkg-query's
 * "${db:Status-Abbrev} ${Package} ${Version}" lines [out] to [p]
 * (lines not starting with "ii" are packages known but not installed),
 * keeping the Slurm packages of pihpc_slurm_pkg_kind().
 */
void pihpc_dpkg_installed_parse(const char *out, struct pihpc_upgrade_pkgs *p);

/*
 * Set the candidates of [p] from "apt-cache show --no-all-versions"
 * output [out] (stanzas with Package: and Version:).
 */
void pihpc_apt_candidates_parse(const char *out, struct pihpc_upgrade_pkgs *p);

/* Debian version comparison (deb-version(7)): <0, 0, >0. */
int pihpc_debver_cmp(const char *a, const char *b);

/* StorageLoc= of slurmdbd.conf [text] into [db], else "slurm_acct_db". */
void pihpc_slurmdbd_storageloc(const char *text, struct strbuf *db);

/*
 * The value of KEY=VALUE in one "scontrol -o show node" line [line]; the
 * value of Reason= runs to the end of the line.  1 if found, else 0.
 */
int pihpc_node_field(const char *line, const char *key, struct strbuf *val);

/* Progress of an upgrade, kept in PIHPC_UPGRADE_STATE_PATH. */
struct pihpc_upgrade_state {
	struct strbuf from;	/* controller's version before */
	struct strbuf target;	/* version being installed */
	struct strlist done;	/* steps done: backup, slurmdbd, ... */
};

#define PIHPC_UPGRADE_STATE_INIT { STRBUF_INIT, STRBUF_INIT, STRLIST_INIT }

void pihpc_upgrade_state_release(struct pihpc_upgrade_state *st);
/* Parse [text] ("from V", "target V", "done STEP" lines); 0 or -1. */
int pihpc_upgrade_state_parse(const char *text,
			      struct pihpc_upgrade_state *st);
void pihpc_upgrade_state_render(const struct pihpc_upgrade_state *st,
				struct strbuf *out);

/*
 * The backup file name "<db>-<from>-to-<to>.sql" after "<date>-", with
 * anything but letters, digits and ".+~-" in the three names made "_".
 * [date] NULL: only the part after the date (to find an earlier one).
 */
void pihpc_upgrade_backup_name(const char *db, const char *date,
			       const char *from, const char *to,
			       struct strbuf *out);

/* What to do and how; see pihpc-upgrade(8). */
struct pihpc_upgrade_opts {
	const struct pihpc_ctx *ctx;
	const struct pihpc_runner *r;
	const char *host;	/* this host's short name */
	const char *date;	/* today, YYYYMMDD, for the backup's name */
	int dry_run;
	unsigned dbd_timeout;	/* s for slurmdbd to answer */
	unsigned ctld_timeout;	/* s for slurmctld to answer */
	unsigned node_timeout;	/* s for a node's slurmd to restart */
	unsigned poll;		/* s between checks */
	/* One line of progress, without a newline. */
	void (*say)(void *data, const char *line);
	void *say_data;
};

/*
 * "pihpc upgrade": on the controller, upgrade the whole cluster's Slurm
 * to the candidate version, resuming an interrupted run.  0 done (or
 * nothing to do), 1 some nodes were skipped or late ([err] lists them),
 * -1 error in [err].
 */
int pihpc_upgrade_cluster(const struct pihpc_upgrade_opts *o, char *err,
			  size_t errlen);

/*
 * "pihpc upgrade follow": on a compute node, install the candidate Slurm
 * if it is newer than the installed one and not newer than the
 * controller's.  0 (also when nothing was to do) or -1.
 */
int pihpc_upgrade_follow(const struct pihpc_upgrade_opts *o, char *err,
			 size_t errlen);

#endif /* PIHPC_UPGRADE_H */
