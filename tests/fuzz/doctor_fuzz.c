/*
 * doctor_fuzz.c - the parsers of pihpc doctor, the JSON strings and the
 * drain reason, on hostile text.
 *
 * Input: KEY %% TEXT.  KEY is the path, host or setting looked up in
 * TEXT, which is read as each kind of input pihpc doctor parses
 * (mountinfo, slurm.conf, slurmd.env, vcgencmd, chronyc, slurmd -V,
 * scontrol, /etc/hosts).  Properties:
 *   - a mount found at KEY has KEY as its mount point; no field found
 *     anywhere holds a line break, but for what mountinfo escapes;
 *   - numbers stay within the bounds the parsers promise;
 *   - pihpc_json_str() of TEXT is one valid JSON string (checked by a
 *     small validator below);
 *   - the drain reason for a failure whose finding is TEXT starts with
 *     "pihpc doctor:", has no brackets or control characters, fits
 *     PIHPC_HEALTH_REASON_MAX and, when TEXT is valid UTF-8, is too;
 *   - the report's table and JSON hold one line per result.
 */
#include "fuzz.h"

/* Length of the well-formed UTF-8 sequence at [p], or 0. */
static size_t
_utf8(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int
_valid_utf8(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t l = _utf8((const unsigned char *)s + i, n - i);

		if (!l)
			return 0;
		i += l;
	}
	return 1;
}

/* [s] ([n] bytes) is exactly one JSON string (RFC 8259). */
static int
_json_string(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"' || !_valid_utf8(s, n))
		return 0;
	while (i < n - 1) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"')
			return 0;
		if (c == '\\') {
			if (i + 1 >= n - 1)
				return 0;
			c = (unsigned char)s[i + 1];
			if (c == 'u') {
				if (i + 5 >= n - 1 ||
				    strspn(s + i + 2, "0123456789abcdefABCDEF") < 4)
					return 0;
				i += 6;
				continue;
			}
			if (!strchr("\"\\/bfnrt", c) || !c)
				return 0;
			i += 2;
			continue;
		}
		i++;
	}
	return i == n - 1;
}

static int
_one_line(const struct strbuf *sb)
{
	return !memchr(sb->buf, '\n', sb->len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part part[2];
	struct pihpc_mount m = PIHPC_MOUNT_INIT;
	struct pihpc_slurm_version v;
	struct pihpc_report r = PIHPC_REPORT_INIT;
	struct strbuf sb = STRBUF_INIT;
	unsigned long long usec;
	unsigned long mib, bits;
	long tenths;
	size_t i, lines;
	int synced, drained;
	char *key, *text;

	(void)fuzz_split(data, size, part, 2);
	key = fuzz_str(&part[0]);
	text = fuzz_str(&part[1]);

	if (pihpc_mountinfo_find(text, key, &m)) {
		FUZZ_ASSERT(!strcmp(m.point.buf, key), "mount at '%s' for '%s'",
			    m.point.buf, key);
		/* the source may hold a decoded \012; the rest is raw */
		FUZZ_ASSERT(_one_line(&m.opts) && _one_line(&m.fstype) &&
			    _one_line(&m.super) && m.fstype.len,
			    "a field of the mount spans lines");
	}
	(void)pihpc_mount_has_opt(text, key);
	(void)pihpc_slurmconf_real_memory(text, key, &mib);
	(void)pihpc_slurmd_env_real_memory(text, &mib);
	if (pihpc_throttled_parse(text, &bits) == 0) {
		FUZZ_ASSERT(bits <= 0xffffffffUL, "bits 0x%lx", bits);
		pihpc_throttled_describe(bits, &sb);
		strbuf_reset(&sb);
	}
	if (pihpc_temp_parse(text, &tenths) == 0)
		FUZZ_ASSERT(tenths >= -99999 && tenths <= 99999, "%ld", tenths);
	if (pihpc_chrony_offset(text, &usec, &synced) == 0)
		FUZZ_ASSERT(usec < 1000001ULL * 1000000ULL, "%llu us", usec);
	if (pihpc_slurm_version_parse(text, &v) == 0)
		FUZZ_ASSERT(v.major <= 999999 && v.minor <= 999999 &&
			    v.micro <= 999999, "version %u.%u.%u", v.major,
			    v.minor, v.micro);
	if (pihpc_scontrol_config_value(text, key, &sb))
		FUZZ_ASSERT(_one_line(&sb), "value spans lines");
	if (pihpc_etc_hosts_lookup(text, key, &sb))
		FUZZ_ASSERT(sb.len && _one_line(&sb) && !strpbrk(sb.buf, " \t\r\v\f#"),
			    "address '%s'", sb.buf);
	if (pihpc_node_drain_state(text, &drained, &sb) == 0)
		FUZZ_ASSERT(_one_line(&sb), "reason spans lines");

	strbuf_reset(&sb);
	pihpc_json_str(&sb, text);
	FUZZ_ASSERT(_json_string(sb.buf, sb.len), "not a JSON string: %s",
		    sb.buf);

	pihpc_report_add(&r, "ok", PIHPC_CHECK_OK, key, NULL);
	pihpc_report_add(&r, "fuzz", PIHPC_CHECK_FAIL, text, key);
	pihpc_health_reason(&r, &sb);
	FUZZ_ASSERT(!strncmp(sb.buf, PIHPC_HEALTH_PREFIX,
			     strlen(PIHPC_HEALTH_PREFIX)), "reason '%s'", sb.buf);
	FUZZ_ASSERT(sb.len <= PIHPC_HEALTH_REASON_MAX, "reason of %zu bytes",
		    sb.len);
	for (i = 0; i < sb.len; i++) {
		unsigned char c = (unsigned char)sb.buf[i];

		FUZZ_ASSERT(c >= 0x20 && c != 0x7f && c != '[' && c != ']',
			    "byte 0x%02x in the reason", c);
	}
	if (_valid_utf8(text, strlen(text)) && _valid_utf8(key, strlen(key)))
		FUZZ_ASSERT(_valid_utf8(sb.buf, sb.len), "reason cut inside a character");

	strbuf_reset(&sb);
	pihpc_report_text(&r, &sb);
	for (i = 0, lines = 0; i < sb.len; i++)
		lines += sb.buf[i] == '\n';
	/* two results, a fix under the failure, the count */
	FUZZ_ASSERT(lines == 4, "%zu lines in the table", lines);
	strbuf_reset(&sb);
	pihpc_report_json(&r, key, &sb);
	FUZZ_ASSERT(sb.len && memchr(sb.buf, '\n', sb.len) == sb.buf + sb.len - 1,
		    "JSON not on one line");

	pihpc_report_release(&r);
	pihpc_mount_release(&m);
	strbuf_release(&sb);
	free(key);
	free(text);
	return 0;
}
