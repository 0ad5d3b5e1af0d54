/*
 * block.h - managed blocks in text files.
 *
 * A managed block is the run of lines
 *     # BEGIN pihpc NAME
 *     ...content...
 *     # END pihpc NAME
 * Setting replaces it in place or appends it at the end; removing deletes
 * exactly those lines.  Every byte outside the block is kept.
 *
 * Files without a final newline: the block is appended as "\n" + block
 * with no newline after its END line, so the file still ends without one.
 * An END line at end of file without a newline therefore records that the
 * separator newline before BEGIN belongs to the block; removal strips it
 * too and restores the original bytes.
 */
#ifndef PIHPC_BLOCK_H
#define PIHPC_BLOCK_H

#include <stddef.h>

#include "file.h"
#include "strbuf.h"

/* 0 if [name] is a valid block name ([A-Za-z0-9_.-], 1..64 chars). */
int pihpc_block_check_name(const char *name, char *err, size_t errlen);

/*
 * Set [out] to [text] ([len] bytes, named [fname] in messages) with block
 * [name] set to [content] (a final newline is added if missing).
 */
int pihpc_block_set_text(const char *fname, const char *text, size_t len,
			 const char *name, const char *content,
			 struct strbuf *out, char *err, size_t errlen);

/* Set [out] to [text] without block [name]; [found] (may be NULL) = 0/1. */
int pihpc_block_remove_text(const char *fname, const char *text, size_t len,
			    const char *name, struct strbuf *out, int *found,
			    char *err, size_t errlen);

/* The same on a file, written atomically; a missing file is created 0644. */
int pihpc_block_set_file(const char *path, const char *name,
			 const char *content, enum pihpc_write_result *res,
			 char *err, size_t errlen);

/* Remove block [name] from [path]; a missing file or block is no error. */
int pihpc_block_remove_file(const char *path, const char *name,
			    enum pihpc_write_result *res,
			    char *err, size_t errlen);

#endif /* PIHPC_BLOCK_H */
