/*
 * manifest_fuzz.c - the MANIFEST of an accounting export, read by
 * "pihpc accounting import" from a directory that came from elsewhere.
 *
 * Input: the manifest text.  Properties: pihpc_export_manifest_parse()
 * either fails with a message and an empty result, or fills every field,
 * each of the characters that may go into a path or a command line
 * (a cluster name, a version, a stamp, two SHA-256 in hex).
 */
#include "fuzz.h"

static int
_only(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pihpc_export_manifest m;
	char err[512];

	err[0] = '\0';
	if (pihpc_export_manifest_parse((const char *)data, size, &m, err,
					sizeof(err)) < 0) {
		FUZZ_ASSERT(err[0] && !m.cluster[0] && !m.slurm[0] && !m.date[0],
			    "failed without a message or left '%s'", m.cluster);
		return 0;
	}
	FUZZ_ASSERT(_only(m.cluster, "abcdefghijklmnopqrstuvwxyz0123456789-_"),
		    "cluster '%s'", m.cluster);
	FUZZ_ASSERT(_only(m.slurm, "0123456789."), "slurm '%s'", m.slurm);
	FUZZ_ASSERT(_only(m.date, "0123456789T"), "date '%s'", m.date);
	FUZZ_ASSERT(strlen(m.assoc_sha) == 64 && _only(m.assoc_sha, "0123456789abcdef"),
		    "sha '%s'", m.assoc_sha);
	FUZZ_ASSERT(strlen(m.jobs_sha) == 64 && _only(m.jobs_sha, "0123456789abcdef"),
		    "sha '%s'", m.jobs_sha);
	return 0;
}
