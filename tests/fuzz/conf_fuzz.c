/*
 * conf_fuzz.c - cluster.conf parsing and checking, and the slurm.conf
 * rendered from a valid one.
 *
 * Input: the bytes of cluster.conf.  Properties:
 *   - a file is valid exactly when no error is reported, and each of its
 *     values then passes the check of its key alone;
 *   - the slurm.conf rendered from conf/slurm.conf.in, read back with
 *     Slurm's syntax ("#" comments, "\" continuations, Key=Value words),
 *     says ClusterName, SlurmctldHost, the NodeName lines (static: their
 *     hostlists name each compute node once, with static_node_params) or
 *     the node set (dynamic) and the PartitionName line the values it
 *     came from.
 */
#include <strings.h>

#include "fuzz.h"

static struct strbuf tmpl = STRBUF_INIT;

/* One logical slurm.conf line: its Key=Value words. */
struct record {
	struct strlist keys;
	struct strlist vals;
};

struct records {
	struct record *v;
	size_t nr;
};

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];

	(void)argc;
	(void)argv;
	if (pihpc_read_file(TOP_SRCDIR "/conf/slurm.conf.in", &tmpl, err,
			    sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	return 0;
}

/* Read [text] as slurm.conf into [r]; abort() on a word without "=". */
static void
_read_slurm_conf(const char *text, struct records *r)
{
	struct strbuf line = STRBUF_INIT;
	const char *p = text;

	r->v = NULL;
	r->nr = 0;
	while (*p) {
		char *save = NULL, *w;
		struct record *rec;

		strbuf_reset(&line);
		for (;;) {
			size_t n = strcspn(p, "\n");
			const char *hash = memchr(p, '#', n);

			strbuf_add(&line, p, hash ? (size_t)(hash - p) : n);
			p += n;
			if (*p)
				p++;
			if (!hash && line.len && line.buf[line.len - 1] == '\\' &&
			    *p) {
				strbuf_setlen(&line, line.len - 1);
				continue;
			}
			break;
		}
		w = strtok_r(line.buf, " \t", &save);
		if (!w)
			continue;
		r->v = xrealloc(r->v, (r->nr + 1) * sizeof(*r->v));
		rec = &r->v[r->nr++];
		memset(rec, 0, sizeof(*rec));
		for (; w; w = strtok_r(NULL, " \t", &save)) {
			char *eq = strchr(w, '=');

			FUZZ_ASSERT(eq && eq != w,
				    "slurm.conf word without 'Key=': '%s'", w);
			*eq = '\0';
			strlist_push(&rec->keys, w);
			strlist_push(&rec->vals, eq + 1);
		}
	}
	strbuf_release(&line);
}

static void
_records_free(struct records *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		strlist_clear(&r->v[i].keys);
		strlist_clear(&r->v[i].vals);
	}
	free(r->v);
}

/* Value of [key] in [rec], or NULL. */
static const char *
_get(const struct record *rec, const char *key)
{
	size_t i;

	for (i = 0; i < rec->keys.nr; i++)
		if (!strcasecmp(rec->keys.v[i], key))
			return rec->vals.v[i];
	return NULL;
}

/* The records whose first key is [key], and how many there are. */
static size_t
_find(const struct records *r, const char *key, const struct record **first)
{
	size_t i, n = 0;

	*first = NULL;
	for (i = 0; i < r->nr; i++) {
		if (strcasecmp(r->v[i].keys.v[0], key))
			continue;
		if (!n++)
			*first = &r->v[i];
	}
	return n;
}

/* Abort unless exactly one record starts with [key] and its value is [want]. */
static const struct record *
_one(const struct records *r, const char *key, const char *want)
{
	const struct record *rec;
	size_t n = _find(r, key, &rec);

	FUZZ_ASSERT(n == 1, "%zu '%s' lines in slurm.conf", n, key);
	FUZZ_ASSERT(!strcmp(rec->vals.v[0], want),
		    "slurm.conf says %s=%s, cluster.conf '%s'", key,
		    rec->vals.v[0], want);
	return rec;
}

/* Abort unless [rec] says [key]=[want]. */
static void
_has(const struct record *rec, const char *key, const char *want)
{
	const char *got = _get(rec, key);

	FUZZ_ASSERT(got && !strcmp(got, want),
		    "slurm.conf %s=%s has %s=%s, cluster.conf '%s'",
		    rec->keys.v[0], rec->vals.v[0], key, got ? got : "(none)",
		    want);
}

static void
_check_render(const struct pihpc_conf *c)
{
	struct pihpc_vars v = PIHPC_VARS_INIT;
	struct strbuf out = STRBUF_INIT;
	struct strlist nodes = STRLIST_INIT, in_part = STRLIST_INIT;
	struct strlist params = STRLIST_INIT, named = STRLIST_INIT;
	const struct record *rec, *part;
	struct records r;
	char err[512], *copy, *save = NULL, *w;
	size_t i, n;

	pihpc_render_vars(c, &v);
	FUZZ_ASSERT(pihpc_render_text("slurm.conf.in", tmpl.buf, tmpl.len, &v,
				      &out, err, sizeof(err)) == 0,
		    "cannot render slurm.conf: %s", err);
	_read_slurm_conf(out.buf, &r);

	_one(&r, "ClusterName", pihpc_conf_get(c, PIHPC_CLUSTER_NAME));
	_one(&r, "SlurmctldHost", pihpc_conf_get(c, PIHPC_CONTROLLER));
	part = _one(&r, "PartitionName", pihpc_conf_get(c, PIHPC_PARTITION));
	_has(part, "DefaultTime",
	     pihpc_conf_get(c, PIHPC_PARTITION_DEFAULT_TIME));
	_has(part, "MaxTime", pihpc_conf_get(c, PIHPC_PARTITION_MAX_TIME));
	_has(part, "DefMemPerCPU",
	     pihpc_conf_get(c, PIHPC_PARTITION_DEF_MEM_PER_CPU));

	if (pihpc_conf_yes(c, PIHPC_NODE_REGISTRATION)) {
		n = _find(&r, "NodeName", &rec);
		FUZZ_ASSERT(n == 0, "%zu NodeName lines with dynamic nodes", n);
		_one(&r, "MaxNodeCount", pihpc_conf_get(c, PIHPC_MAX_NODES));
		rec = _one(&r, "Nodeset", "pihpc");
		_has(rec, "Feature", pihpc_conf_get(c, PIHPC_NODE_FEATURE));
		_has(part, "Nodes", "pihpc");
		goto out;
	}

	/* static: NodeName lines (hostlists) name each node once, with
	 * the params */
	pihpc_conf_compute_nodes(c, &nodes);
	copy = xstrdup(pihpc_conf_get(c, PIHPC_STATIC_NODE_PARAMS));
	for (w = strtok_r(copy, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save))
		strlist_push(&params, w);
	free(copy);
	for (i = 0; i < r.nr; i++) {
		const struct record *nr = &r.v[i];
		size_t j;

		if (strcasecmp(nr->keys.v[0], "NodeName"))
			continue;
		FUZZ_ASSERT(pihpc_hostlist_expand(nr->vals.v[0], &named, err,
						  sizeof(err)) == 0,
			    "NodeName=%s does not expand: %s", nr->vals.v[0],
			    err);
		FUZZ_ASSERT(nr->keys.nr == params.nr + 1,
			    "NodeName=%s has %zu parameters, want %zu",
			    nr->vals.v[0], nr->keys.nr - 1, params.nr);
		for (j = 0; j < params.nr; j++) {
			struct strbuf kv = STRBUF_INIT;

			strbuf_addf(&kv, "%s=%s", nr->keys.v[j + 1],
				    nr->vals.v[j + 1]);
			FUZZ_ASSERT(!strcmp(kv.buf, params.v[j]),
				    "NodeName=%s says '%s', want '%s'",
				    nr->vals.v[0], kv.buf, params.v[j]);
			strbuf_release(&kv);
		}
	}
	n = named.nr;
	fuzz_sort_unique(&named);
	FUZZ_ASSERT(named.nr == n, "a node has two NodeName lines");
	fuzz_sort_unique(&nodes);
	FUZZ_ASSERT(fuzz_strlist_equal(&nodes, &named),
		    "the NodeName lines are not compute_nodes");
	/* the partition's hostlist names the same nodes */
	FUZZ_ASSERT(pihpc_hostlist_expand(_get(part, "Nodes"), &in_part, err,
					  sizeof(err)) == 0,
		    "partition Nodes=%s does not expand: %s",
		    _get(part, "Nodes"), err);
	fuzz_sort_unique(&in_part);
	FUZZ_ASSERT(fuzz_strlist_equal(&nodes, &in_part),
		    "partition Nodes=%s is not compute_nodes",
		    _get(part, "Nodes"));
out:
	_records_free(&r);
	pihpc_vars_clear(&v);
	strbuf_release(&out);
	strlist_clear(&nodes);
	strlist_clear(&in_part);
	strlist_clear(&params);
	strlist_clear(&named);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist errs = STRLIST_INIT;
	struct pihpc_conf c;
	int rc;

	pihpc_conf_init(&c);
	rc = pihpc_conf_parse(&c, "cluster.conf", (const char *)data, size,
			      &errs);
	FUZZ_ASSERT((rc == 0) == (errs.nr == 0), "parse returned %d with %zu errors",
		    rc, errs.nr);
	if (rc == 0) {
		char err[1024];
		int k;

		for (k = 0; k < PIHPC_NKEYS; k++)
			FUZZ_ASSERT(pihpc_conf_check_value(
					pihpc_conf_key_name((enum pihpc_key)k),
					pihpc_conf_get(&c, (enum pihpc_key)k),
					err, sizeof(err)) == 0,
				    "valid file, invalid value: %s", err);
		_check_render(&c);
	}
	pihpc_conf_release(&c);
	strlist_clear(&errs);
	return 0;
}
