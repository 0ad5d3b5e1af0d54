/*
 * upgrade_fuzz.c - what "pihpc upgrade" reads from other programs and
 * from its state file: dpkg-query's and apt-cache's answers (versions
 * come from the repository), a line of "scontrol -o show node", the
 * state file and slurmdbd.conf.
 *
 * Input, cut at "%%" lines: dpkg-query output, apt-cache output, the
 * state file, a node line, slurmdbd.conf.  Properties:
 *   - every package kept is a Slurm package with an installed version;
 *   - the Debian version order is antisymmetric and reflexive;
 *   - a state that parses renders to text that parses to the same state;
 *   - the backup's name holds only letters, digits and "._+~-", whatever
 *     the versions and the database's name;
 *   - the database's name is never empty.
 */
#include "fuzz.h"

static int
_sign(int v)
{
	return (v > 0) - (v < 0);
}

static void
_packages(const char *installed, const char *candidates)
{
	struct pihpc_upgrade_pkgs p = PIHPC_UPGRADE_PKGS_INIT;
	size_t i, j;

	pihpc_dpkg_installed_parse(installed, &p);
	pihpc_apt_candidates_parse(candidates, &p);
	for (i = 0; i < p.nr; i++) {
		const struct pihpc_upgrade_pkg *a = &p.v[i];

		FUZZ_ASSERT(pihpc_slurm_pkg_kind(a->name) != PIHPC_SLURM_PKG_NONE,
			    "kept '%s'", a->name);
		FUZZ_ASSERT(a->installed[0], "'%s' without a version", a->name);
		FUZZ_ASSERT(!pihpc_debver_cmp(a->installed, a->installed),
			    "'%s' differs from itself", a->installed);
		for (j = 0; j < p.nr; j++) {
			const char *b = p.v[j].candidate ? p.v[j].candidate :
				p.v[j].installed;

			FUZZ_ASSERT(_sign(pihpc_debver_cmp(a->installed, b)) ==
				    -_sign(pihpc_debver_cmp(b, a->installed)),
				    "'%s' and '%s' not antisymmetric",
				    a->installed, b);
		}
	}
	pihpc_upgrade_pkgs_release(&p);
}

static void
_state(const char *text, const char *db)
{
	struct pihpc_upgrade_state a = PIHPC_UPGRADE_STATE_INIT,
				   b = PIHPC_UPGRADE_STATE_INIT;
	struct strbuf out = STRBUF_INIT, name = STRBUF_INIT;

	if (!pihpc_upgrade_state_parse(text, &a)) {
		pihpc_upgrade_state_render(&a, &out);
		FUZZ_ASSERT(!pihpc_upgrade_state_parse(out.buf, &b),
			    "rendered state does not parse: '%s'", out.buf);
		FUZZ_ASSERT(!strcmp(a.from.buf, b.from.buf) &&
			    !strcmp(a.target.buf, b.target.buf) &&
			    fuzz_strlist_equal(&a.done, &b.done),
			    "state changed through render: '%s'", out.buf);
		pihpc_upgrade_backup_name(db, "20261202",
					  a.from.buf, a.target.buf, &name);
		FUZZ_ASSERT(strspn(name.buf, "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+~-") ==
			    name.len, "backup name '%s'", name.buf);
	}
	pihpc_upgrade_state_release(&a);
	pihpc_upgrade_state_release(&b);
	strbuf_release(&out);
	strbuf_release(&name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part[5];
	struct strbuf v = STRBUF_INIT;
	char *s[5];
	size_t i;

	(void)fuzz_split(data, size, part, 5);
	for (i = 0; i < 5; i++)
		s[i] = fuzz_str(&part[i]);
	_packages(s[0], s[1]);
	(void)pihpc_node_field(s[3], "SlurmdStartTime", &v);
	(void)pihpc_node_field(s[3], "Reason", &v);
	pihpc_slurmdbd_storageloc(s[4], &v);
	FUZZ_ASSERT(v.len, "empty database name from '%s'", s[4]);
	_state(s[2], v.buf);
	strbuf_release(&v);
	for (i = 0; i < 5; i++)
		free(s[i]);
	return 0;
}
