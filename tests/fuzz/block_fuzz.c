/*
 * block_fuzz.c - managed blocks: set and remove on arbitrary file text.
 *
 * Input: NAME %% CONTENT %% FILE TEXT.  Properties:
 *   - set and remove agree on whether the text is valid;
 *   - removing the block that was set gives back what removing it from
 *     the original gives, which is the original itself when it had none;
 *   - setting is idempotent, and the result has the block exactly once.
 */
#include "fuzz.h"

/* Lines of [sb] that are exactly [marker]. */
static size_t
_count_lines(const struct strbuf *sb, const char *marker)
{
	const char *p = sb->buf, *end = sb->buf + sb->len;
	size_t n = 0, ml = strlen(marker);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		if ((size_t)(e - p) == ml && !memcmp(p, marker, ml))
			n++;
		p = e + 1;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part[3];
	struct strbuf set = STRBUF_INIT, again = STRBUF_INIT;
	struct strbuf rm = STRBUF_INIT, rm_set = STRBUF_INIT;
	struct strbuf marker = STRBUF_INIT;
	char *name, *content, err[512];
	int rc_set, rc_rm, found = 0, found_set = 0;

	(void)fuzz_split(data, size, part, 3);
	name = fuzz_str(&part[0]);
	content = fuzz_str(&part[1]);

	err[0] = '\0';
	rc_set = pihpc_block_set_text("f", part[2].p, part[2].n, name, content,
				      &set, err, sizeof(err));
	FUZZ_ASSERT(rc_set == 0 || err[0], "set failed without a message");
	err[0] = '\0';
	rc_rm = pihpc_block_remove_text("f", part[2].p, part[2].n, name, &rm,
					&found, err, sizeof(err));
	FUZZ_ASSERT(rc_rm == 0 || err[0], "remove failed without a message");
	/* a valid file and name can be set unless the content is refused */
	if (rc_rm < 0)
		FUZZ_ASSERT(rc_set < 0, "set accepted what remove refused: %s",
			    err);
	if (rc_set == 0) {
		FUZZ_ASSERT(rc_rm == 0, "remove refused what set accepted: %s",
			    err);
		FUZZ_ASSERT(pihpc_block_remove_text("f", set.buf, set.len, name,
						    &rm_set, &found_set, err,
						    sizeof(err)) == 0,
			    "cannot remove the block just set: %s", err);
		FUZZ_ASSERT(found_set, "the block just set is not found");
		FUZZ_ASSERT(rm_set.len == rm.len &&
			    !memcmp(rm_set.buf, rm.buf, rm.len),
			    "set then remove differs from remove alone");
		if (!found)
			FUZZ_ASSERT(rm_set.len == part[2].n &&
				    !memcmp(rm_set.buf, part[2].p, part[2].n),
				    "set then remove does not restore the bytes");
		FUZZ_ASSERT(pihpc_block_set_text("f", set.buf, set.len, name,
						 content, &again, err,
						 sizeof(err)) == 0,
			    "cannot set the block again: %s", err);
		FUZZ_ASSERT(again.len == set.len &&
			    !memcmp(again.buf, set.buf, set.len),
			    "setting the block twice changes the file");
		strbuf_addf(&marker, "# BEGIN pihpc %s", name);
		FUZZ_ASSERT(_count_lines(&set, marker.buf) == 1,
			    "the block is not there exactly once");
	}

	free(name);
	free(content);
	strbuf_release(&set);
	strbuf_release(&again);
	strbuf_release(&rm);
	strbuf_release(&rm_set);
	strbuf_release(&marker);
	return 0;
}
