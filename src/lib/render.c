/*
 * render.c - Slurm configuration files from conf/NAME.in templates.
 */
#include <ctype.h>
#include <string.h>

#include "error.h"
#include "file.h"
#include "hostlist.h"
#include "i18n.h"
#include "path.h"
#include "render.h"

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* [A-Z0-9_]; not strchr(), which also matches the NUL byte. */
static int
_is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int
_count_lines(const char *p, size_t n)
{
	const char *e = p + n;
	int lines = 0;

	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		lines++;
		p++;
	}
	return lines;
}

static const char *
_lookup(const struct pihpc_vars *v, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < v->names.nr; i++)
		if (strlen(v->names.v[i]) == n && !strncmp(v->names.v[i], name, n))
			return v->values.v[i];
	return NULL;
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

void
pihpc_vars_set(struct pihpc_vars *v, const char *name, const char *value)
{
	strlist_push(&v->names, name);
	strlist_push(&v->values, value);
}

void
pihpc_vars_clear(struct pihpc_vars *v)
{
	strlist_clear(&v->names);
	strlist_clear(&v->values);
}

void
pihpc_render_vars(const struct pihpc_conf *c, struct pihpc_vars *v)
{
	struct strbuf name = STRBUF_INIT, sb = STRBUF_INIT, hl = STRBUF_INIT;
	struct strlist nodes = STRLIST_INIT;
	char err[256];
	int k;

	for (k = 0; k < PIHPC_NKEYS; k++) {
		const char *p;

		strbuf_reset(&name);
		for (p = pihpc_conf_key_name((enum pihpc_key)k); *p; p++)
			strbuf_addch(&name, toupper((unsigned char)*p));
		pihpc_vars_set(v, name.buf, pihpc_conf_get(c, (enum pihpc_key)k));
	}
	pihpc_conf_compute_nodes(c, &nodes);
	if (pihpc_hostlist_compress(nodes.v, nodes.nr, &hl, err, sizeof(err)) < 0)
		strbuf_reset(&hl);
	pihpc_vars_set(v, "NODE_HOSTLIST", hl.buf);

	if (pihpc_conf_yes(c, PIHPC_NODE_REGISTRATION)) {
		strbuf_addf(&sb,
			    "# Nodes register themselves (slurmd -Z) with feature '%s'.\n"
			    "MaxNodeCount=%s\n"
			    "TreeWidth=65533\n"
			    "Nodeset=pihpc Feature=%s",
			    pihpc_conf_get(c, PIHPC_NODE_FEATURE),
			    pihpc_conf_get(c, PIHPC_MAX_NODES),
			    pihpc_conf_get(c, PIHPC_NODE_FEATURE));
	} else {
		const char *params = pihpc_conf_get(c, PIHPC_STATIC_NODE_PARAMS);

		/* every node has static_node_params: one line for them all */
		strbuf_addstr(&sb, "# Nodes listed in cluster.conf (compute_nodes).");
		if (hl.len)
			strbuf_addf(&sb, "\nNodeName=%s%s%s", hl.buf,
				    *params ? " " : "", params);
	}
	pihpc_vars_set(v, "NODES", sb.buf);

	strbuf_reset(&sb);
	strbuf_addf(&sb,
		    "PartitionName=%s Nodes=%s Default=YES State=UP DefaultTime=%s MaxTime=%s DefMemPerCPU=%s",
		    pihpc_conf_get(c, PIHPC_PARTITION),
		    pihpc_conf_yes(c, PIHPC_NODE_REGISTRATION) ? "pihpc" : hl.buf,
		    pihpc_conf_get(c, PIHPC_PARTITION_DEFAULT_TIME),
		    pihpc_conf_get(c, PIHPC_PARTITION_MAX_TIME),
		    pihpc_conf_get(c, PIHPC_PARTITION_DEF_MEM_PER_CPU));
	pihpc_vars_set(v, "PARTITIONS", sb.buf);

	strbuf_reset(&sb);
	if (pihpc_conf_yes(c, PIHPC_HEALTH_CHECK))
		strbuf_addf(&sb,
			    "HealthCheckProgram=%s\n"
			    "HealthCheckInterval=300\n"
			    "HealthCheckNodeState=ANY",
			    PIHPC_HEALTHCHECK_PROGRAM);
	else
		strbuf_addstr(&sb, "# Off: health_check = no in cluster.conf.");
	pihpc_vars_set(v, "HEALTH_CHECK_LINES", sb.buf);

	strlist_clear(&nodes);
	strbuf_release(&name);
	strbuf_release(&sb);
	strbuf_release(&hl);
}

int
pihpc_render_text(const char *fname, const char *text, size_t len,
		  const struct pihpc_vars *v, struct strbuf *out,
		  char *err, size_t errlen)
{
	size_t i = 0;
	int line = 1;

	strbuf_reset(out);
	while (i < len) {
		const char *at = memchr(text + i, '@', len - i);
		size_t s, n = 0;
		const char *val;

		if (!at) {
			strbuf_add(out, text + i, len - i);
			break;
		}
		s = (size_t)(at - text);
		line += _count_lines(text + i, s - i);
		strbuf_add(out, text + i, s - i);
		/* [text] need not end in a NUL: never look past [len] */
		while (s + 1 + n < len && _is_name_char(text[s + 1 + n]))
			n++;
		if (!n || s + 1 + n >= len || text[s + 1 + n] != '@') {
			strbuf_addch(out, '@');	/* not a placeholder */
			i = s + 1;
			continue;
		}
		val = _lookup(v, at + 1, n);
		if (!val)
			return pihpc_err(err, errlen,
				_("%s:%d: unknown placeholder '@%.*s@'"), fname,
				line, (int)n, at + 1);
		strbuf_addstr(out, val);
		i = s + n + 2;
	}
	return 0;
}

int
pihpc_render(const struct pihpc_conf *c, const char *role,
	     const char *tmpldir, const char *outdir,
	     struct strlist *done, char *err, size_t errlen)
{
	static const char *const files[] = { "slurm.conf", "cgroup.conf", NULL };
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf name = STRBUF_INIT;
	struct pihpc_vars v = PIHPC_VARS_INIT;
	int i, rc = -1;

	if (strcmp(role, "master") && strcmp(role, "compute"))
		return pihpc_err(err, errlen,
				 _("invalid role '%s' (want master or compute)"), role);
	pihpc_render_vars(c, &v);
	for (i = 0; files[i]; i++) {
		enum pihpc_write_result res;

		strbuf_reset(&name);
		strbuf_addf(&name, "%s.in", files[i]);
		pihpc_path_join(tmpldir, name.buf, &in);
		strbuf_reset(&text);
		if (pihpc_read_file(in.buf, &text, err, errlen) < 0 ||
		    pihpc_render_text(in.buf, text.buf, text.len, &v, &name,
				      err, errlen) < 0)
			goto out;
		pihpc_path_join(outdir, files[i], &out);
		if (pihpc_write_atomic(out.buf, name.buf, name.len, 0644, &res,
				       err, errlen) < 0)
			goto out;
		if (res == PIHPC_WRITTEN)
			strlist_pushf(done, _("wrote '%s'"), out.buf);
	}
	rc = 0;
out:
	pihpc_vars_clear(&v);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&text);
	strbuf_release(&name);
	return rc;
}
