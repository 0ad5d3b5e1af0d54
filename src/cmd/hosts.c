/*
 * hosts.c - "pihpc hosts apply|remove": the cluster's names in /etc/hosts.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define HOSTS_USAGE "pihpc hosts apply|remove"
#define HOSTS_BLOCK "hosts"

static const char hosts_help[] =
	N_("Keep the managed block 'hosts' in /etc/hosts in line with the 'hosts'\n"
	   "and 'domain' keys of /etc/pihpc/cluster.conf, one line per host:\n"
	   "  10.0.0.1 rpnode01.home.local rpnode01\n"
	   "\n"
	   "  apply    write or update the block (nothing is written if unchanged)\n"
	   "  remove   remove the block, leaving the rest of the file as it was\n");

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
cmd_hosts(int argc, char **argv, const struct pihpc_ctx *ctx)
{
	const char *verb = cmd_verb(argc, argv, HOSTS_USAGE, _(hosts_help));
	struct strbuf path = STRBUF_INIT, content = STRBUF_INIT;
	enum pihpc_write_result res = PIHPC_UNCHANGED;
	char err[1024];
	int i, rc;

	i = cmd_no_options(argc - 1, argv + 1, HOSTS_USAGE, _(hosts_help));
	if (strcmp(verb, "apply") && strcmp(verb, "remove"))
		usage_die(HOSTS_USAGE, _("unknown subcommand '%s'"), verb);
	if (i < argc - 1)
		usage_die(HOSTS_USAGE, _("too many arguments"));
	pihpc_path(ctx, "/etc/hosts", &path);
	if (!strcmp(verb, "apply")) {
		struct strlist addrs = STRLIST_INIT, names = STRLIST_INIT;
		struct pihpc_conf c;
		const char *domain;
		size_t k;

		load_conf_or_die(ctx, &c);
		domain = pihpc_conf_get(&c, PIHPC_DOMAIN);
		pihpc_conf_hosts(&c, &addrs, &names);
		for (k = 0; k < addrs.nr; k++) {
			strbuf_addf(&content, "%s", addrs.v[k]);
			if (*domain)
				strbuf_addf(&content, " %s.%s", names.v[k], domain);
			strbuf_addf(&content, " %s\n", names.v[k]);
		}
		strlist_clear(&addrs);
		strlist_clear(&names);
		pihpc_conf_release(&c);
		rc = pihpc_block_set_file(path.buf, HOSTS_BLOCK, content.buf,
					  &res, err, sizeof(err));
	} else {
		rc = pihpc_block_remove_file(path.buf, HOSTS_BLOCK, &res, err,
					     sizeof(err));
	}
	if (rc < 0)
		die("%s", err);
	if (res == PIHPC_WRITTEN)
		(void)printf(_("updated '%s'\n"), path.buf);
	strbuf_release(&path);
	strbuf_release(&content);
	return 0;
}
