/*
 * aptpin.c - apt preferences that make the nodes take the Slurm of the
 * cluster's repository.
 */
#include <string.h>

#include "aptpin.h"

/* Debian's packages that the pihpc packages' dependencies name first:
 * what apt would take instead of SchedMD's. */
static const char *const debian_names[] = {
	"slurmd", "slurmctld", "slurmdbd", "slurm-client", NULL
};

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

enum pihpc_slurm_family
pihpc_aptpin_family(const struct strlist *names)
{
	enum pihpc_slurm_family fam = PIHPC_SLURM_NONE;
	size_t i, j;

	for (i = 0; i < names->nr; i++) {
		if (!strncmp(names->v[i], "slurm-smd", 9))
			return PIHPC_SLURM_SMD;
		for (j = 0; debian_names[j]; j++)
			if (!strcmp(names->v[i], debian_names[j]))
				fam = PIHPC_SLURM_DEBIAN;
	}
	return fam;
}

void
pihpc_aptpin_render(const struct strlist *names, struct strbuf *out)
{
	size_t j;

	strbuf_addstr(out,
		      "# Which Slurm the cluster's nodes install.  Written by 'pihpc repo init'\n"
		      "# and 'pihpc repo add' on the storage node from what its repository\n"
		      "# holds; each node keeps it as " PIHPC_APTPIN_NODE_PATH ".\n"
		      "# See pihpc-repo(8) and apt_preferences(5).\n");
	switch (pihpc_aptpin_family(names)) {
	case PIHPC_SLURM_NONE:
		strbuf_addstr(out,
			      "#\n"
			      "# The repository holds no Slurm: each node installs its release's own.\n");
		break;
	case PIHPC_SLURM_DEBIAN:
		strbuf_addstr(out,
			      "\n"
			      "Explanation: Slurm built for the cluster, before the release's own\n"
			      "Package: src:slurm-wlm\n"
			      "Pin: release o=pihpc\n"
			      "Pin-Priority: 990\n");
		break;
	case PIHPC_SLURM_SMD:
		strbuf_addstr(out,
			      "\n"
			      "Explanation: SchedMD's Slurm built for the cluster (slurm-smd-*)\n"
			      "Package: src:slurm-smd\n"
			      "Pin: release o=pihpc\n"
			      "Pin-Priority: 990\n"
			      "\n"
			      "Explanation: never the release's own Slurm, which conflicts with it\n"
			      "Package:");
		for (j = 0; debian_names[j]; j++)
			strbuf_addf(out, " %s", debian_names[j]);
		strbuf_addstr(out,
			      "\n"
			      "Pin: version *\n"
			      "Pin-Priority: -1\n");
		break;
	}
}
