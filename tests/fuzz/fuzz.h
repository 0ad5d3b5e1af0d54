/*
 * fuzz.h - helpers shared by the libFuzzer harnesses (*_fuzz.c).
 *
 * A harness gets arbitrary bytes.  Where a function wants several inputs,
 * the bytes are cut into parts at lines "%%" (FUZZ_SEP), so that seed
 * files stay readable and the dictionaries can hold the separator.
 * A property that does not hold is reported on stderr, then abort()
 * makes libFuzzer keep the input as a crash.
 */
#ifndef PIHPC_FUZZ_H
#define PIHPC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pihpc.h"

#define FUZZ_SEP "\n%%\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() with a message when [cond] is false. */
#define FUZZ_ASSERT(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: property failed: %s: ", \
				__FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/* A runner's sleep and clock for harnesses that never wait. */
static inline void
fuzz_no_sleep(void *data, unsigned seconds)
{
	(void)data;
	(void)seconds;
}

static inline long
fuzz_no_clock(void *data)
{
	(void)data;
	return 0;
}

/* One part of the input: [p, p+n), not NUL-terminated. */
struct fuzz_part {
	const char *p;
	size_t n;
};

/*
 * Cut [data] at FUZZ_SEP into at most [max] parts; the last part takes
 * the rest.  Missing parts are empty.  Returns how many were present.
 */
static inline size_t
fuzz_split(const uint8_t *data, size_t size, struct fuzz_part *parts,
	   size_t max)
{
	const char *p = (const char *)data, *end = p + size;
	size_t i, have = 0;

	for (i = 0; i < max; i++) {
		parts[i].p = "";
		parts[i].n = 0;
	}
	for (i = 0; i < max; i++) {
		const char *sep = i + 1 < max ?
			memmem(p, (size_t)(end - p), FUZZ_SEP, strlen(FUZZ_SEP)) :
			NULL;

		parts[i].p = p;
		parts[i].n = sep ? (size_t)(sep - p) : (size_t)(end - p);
		have++;
		if (!sep)
			break;
		p = sep + strlen(FUZZ_SEP);
	}
	return have;
}

/* A NUL-terminated copy of [part] (cut at its first NUL, as C sees it). */
static inline char *
fuzz_str(const struct fuzz_part *part)
{
	return xstrndup(part->p, part->n);
}

/* Sort callback for strlist entries. */
static inline int
fuzz_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort [sl] and drop duplicates. */
static inline void
fuzz_sort_unique(struct strlist *sl)
{
	size_t i, j = 0;

	if (!sl->nr)
		return;
	qsort(sl->v, sl->nr, sizeof(*sl->v), fuzz_strcmp);
	for (i = 1; i < sl->nr; i++) {
		if (!strcmp(sl->v[j], sl->v[i]))
			free(sl->v[i]);
		else
			sl->v[++j] = sl->v[i];
	}
	sl->nr = j + 1;
}

/* True if [a] and [b] hold the same strings in the same order. */
static inline int
fuzz_strlist_equal(const struct strlist *a, const struct strlist *b)
{
	size_t i;

	if (a->nr != b->nr)
		return 0;
	for (i = 0; i < a->nr; i++)
		if (strcmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

#endif /* PIHPC_FUZZ_H */
