/*
 * path.c - the run context and root-prefixed paths.
 */
#include <string.h>

#include "path.h"

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_ctx_is_real_root(const struct pihpc_ctx *ctx)
{
	const char *r = ctx ? ctx->root : NULL;

	if (!r)
		return 1;
	while (*r == '/')
		r++;
	return *r == '\0';
}

const char *
pihpc_path(const struct pihpc_ctx *ctx, const char *path, struct strbuf *sb)
{
	strbuf_reset(sb);
	if (pihpc_ctx_is_real_root(ctx)) {
		strbuf_addstr(sb, path);
		return sb->buf;
	}
	return pihpc_path_join(ctx->root, path, sb);
}

const char *
pihpc_path_join(const char *dir, const char *name, struct strbuf *sb)
{
	size_t n = strlen(dir);

	strbuf_reset(sb);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	strbuf_add(sb, dir, n);
	while (*name == '/')
		name++;
	if (!sb->len || sb->buf[sb->len - 1] != '/')
		strbuf_addch(sb, '/');
	strbuf_addstr(sb, name);
	return sb->buf;
}
