/*
 * json.h - the few pieces of JSON output pihpc writes itself.
 */
#ifndef PIHPC_JSON_H
#define PIHPC_JSON_H

#include "strbuf.h"

/*
 * Append [s] to [sb] as a JSON string, quotes included: '"' and '\\'
 * escaped, control characters as \n, \t or \u00XX, and every byte that
 * is not part of valid UTF-8 replaced by U+FFFD, so that text read from
 * files and programs always gives valid JSON.
 */
void pihpc_json_str(struct strbuf *sb, const char *s);

/* As pihpc_json_str(), or "null" for a NULL [s]. */
void pihpc_json_str_or_null(struct strbuf *sb, const char *s);

#endif /* PIHPC_JSON_H */
