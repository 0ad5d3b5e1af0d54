/*
 * apthook_fuzz.c - APT's Pre-Install-Pkgs hook input (protocol versions 2
 * and 3), as "pihpc upgrade guard" reads it, and the Slurm rules over it.
 *
 * Input: the bytes APT would write on the hook's stdin.  Properties:
 *   - the parser accepts the input or says why, never both;
 *   - what it accepts has version 2 or 3, and each package action a
 *     package name and versions without blanks, a new version unless it
 *     is a removal, a line number past the header;
 *   - the rules (as on the controller, where they ask dpkg-query, and as
 *     on a node of unknown role) report each problem on one line that
 *     says what is refused, and count them.
 */
#include "fuzz.h"

/* A runner that answers dpkg-query with an installed slurmdbd. */
static int
_run(void *data, char *const argv[], const char *in, size_t inlen,
     struct strbuf *out, struct strbuf *errout, char *err, size_t errlen)
{
	(void)data;
	(void)in;
	(void)inlen;
	(void)errout;
	FUZZ_ASSERT(!strcmp(argv[0], "dpkg-query"), "ran '%s'", argv[0]);
	strbuf_addstr(out, "slurmdbd install ok installed 23.11.4-1\n");
	(void)err;
	(void)errlen;
	return 0;
}

static void
_no_blank(const char *s)
{
	FUZZ_ASSERT(!s || (*s && !strpbrk(s, " \t\n")), "field '%s'", s);
}

static void
_rules(const struct pihpc_apthook *h, const struct pihpc_conf *conf,
       const char *host)
{
	struct pihpc_runner r = { _run, fuzz_no_sleep, fuzz_no_clock, NULL };
	struct pihpc_ctx ctx = PIHPC_CTX_INIT;
	struct pihpc_guard_env env = { &ctx, &r, conf, host };
	struct strlist problems = STRLIST_INIT, warnings = STRLIST_INIT;
	size_t n, i;

	n = pihpc_guard_check(&env, h, &problems, &warnings);
	FUZZ_ASSERT(n == problems.nr, "%zu problems counted, %zu listed", n,
		    problems.nr);
	for (i = 0; i < problems.nr; i++)
		FUZZ_ASSERT(!strncmp(problems.v[i], "refusing to install ", 20) &&
			    !strchr(problems.v[i], '\n'),
			    "problem '%s'", problems.v[i]);
	strlist_clear(&problems);
	strlist_clear(&warnings);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pihpc_apthook h = PIHPC_APTHOOK_INIT;
	struct pihpc_conf conf;
	char err[512];
	int rc;

	err[0] = '\0';
	rc = pihpc_apthook_parse((const char *)data, size, &h, err, sizeof(err));
	FUZZ_ASSERT(rc == 0 || rc == -1, "rc %d", rc);
	FUZZ_ASSERT((rc == 0) == (err[0] == '\0'), "rc %d, err '%s'", rc, err);
	if (rc == 0) {
		size_t i;

		FUZZ_ASSERT(h.version == 2 || h.version == 3, "version %u",
			    h.version);
		for (i = 0; i < h.nr; i++) {
			const struct pihpc_apt_action *a = &h.v[i];

			_no_blank(a->pkg);
			_no_blank(a->oldver);
			_no_blank(a->newver);
			FUZZ_ASSERT(a->op == PIHPC_APT_REMOVE || a->newver,
				    "'%s' without a new version", a->pkg);
			FUZZ_ASSERT(a->line > 2, "line %d", a->line);
		}
		pihpc_conf_init(&conf);
		_rules(&h, &conf, "rpnode01");
		_rules(&h, NULL, NULL);
		pihpc_conf_release(&conf);
	}
	pihpc_apthook_release(&h);
	return 0;
}
