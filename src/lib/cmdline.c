/*
 * cmdline.c - the kernel command line and the cgroup controllers.
 *
 * Raspberry Pi kernels build the memory controller in but switch it off
 * at boot: up to 6.6 in the kernel itself, from 6.12 on with a
 * "cgroup_disable=memory" the firmware puts into the command line from
 * the device tree, before the words of cmdline.txt.  The kernel applies
 * cgroup_enable= and cgroup_disable= in the order they come, so the
 * downstream cgroup_enable=memory in cmdline.txt turns it back on, and a
 * cgroup_disable=memory after it in cmdline.txt turns it off again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmdline.h"
#include "error.h"
#include "i18n.h"

#define BLANKS " \t"
/* /proc/cmdline ends with a newline; the kernel splits on any space. */
#define SPACES " \t\r\n"

static const char *const controllers[] = { "cpu", "cpuset", "memory", NULL };

/* One argument of a command line and the blanks after it. */
struct word {
	const char *s;
	size_t len;
	const char *gap;
	size_t gap_len;
};

/*****************************************************************************
 *  Private Functions
 *****************************************************************************/

/* True if the blank-separated [list] holds the word [w]. */
static int
_has_word(const char *list, const char *w)
{
	size_t wl = strlen(w);
	const char *p = list + strspn(list, SPACES);

	while (*p) {
		size_t n = strcspn(p, SPACES);

		if (n == wl && !memcmp(p, w, n))
			return 1;
		p += n;
		p += strspn(p, SPACES);
	}
	return 0;
}

/*
 * Length of the argument at [s] ([n] bytes left).  As in the kernel's
 * next_arg(), a blank inside double quotes does not end it, so a quoted
 * value (dyndbg="file x.c +p") stays one argument.
 */
static size_t
_arg_len(const char *s, size_t n)
{
	size_t i;
	int quoted = 0;

	for (i = 0; i < n && (quoted || !strchr(SPACES, s[i])); i++)
		if (s[i] == '"')
			quoted = !quoted;
	return i;
}

static size_t
_space_len(const char *s, size_t n)
{
	size_t i = 0;

	/* strchr() finds the NUL too: a stray one counts as a space */
	while (i < n && strchr(SPACES, s[i]))
		i++;
	return i;
}

/*
 * Split [text] into [*words] (allocated, the caller frees it, room for
 * [extra] more); [*lead] gets the length of the blanks before the first.
 * Returns the number of words.
 */
static size_t
_split(const char *text, size_t len, size_t extra, struct word **words,
       size_t *lead)
{
	size_t p, nr = 0;

	/* at most one argument per two bytes, plus one */
	*words = xmalloc((len / 2 + 1 + extra) * sizeof(**words));
	p = *lead = _space_len(text, len);
	while (p < len) {
		struct word *w = &(*words)[nr++];

		w->s = text + p;
		w->len = _arg_len(text + p, len - p);
		p += w->len;
		w->gap = text + p;
		w->gap_len = _space_len(text + p, len - p);
		p += w->gap_len;
	}
	return nr;
}

/* The number of arguments for the kernel: those before a "--". */
static size_t
_kernel_args(const struct word *words, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (words[i].len == 2 && !memcmp(words[i].s, "--", 2))
			break;
	return i;
}

/* If [w] is "[key]VALUE", point [*val] to VALUE and [*vlen] to its length. */
static int
_key(const struct word *w, const char *key, const char **val, size_t *vlen)
{
	size_t kl = strlen(key);

	if (w->len < kl || memcmp(w->s, key, kl))
		return 0;
	*val = w->s + kl;
	*vlen = w->len - kl;
	return 1;
}

/* The PIHPC_CG_* bit of the controller [name] ([n] bytes), or 0. */
static unsigned
_controller_bit(const char *name, size_t n)
{
	unsigned i;

	for (i = 0; controllers[i]; i++)
		if (strlen(controllers[i]) == n && !memcmp(controllers[i], name, n))
			return 1u << i;
	return 0;
}

/*
 * The PIHPC_CG_* bits of the comma-separated controller [list] ([n]
 * bytes); with [keep] set, the other names are appended to it, joined by
 * commas.
 */
static unsigned
_list_bits(const char *list, size_t n, struct strbuf *keep)
{
	unsigned bits = 0;
	size_t p = 0;

	while (p <= n) {
		const char *c = memchr(list + p, ',', n - p);
		size_t e = c ? (size_t)(c - list) : n;
		unsigned bit = _controller_bit(list + p, e - p);

		bits |= bit;
		if (keep && !bit && e > p) {
			if (keep->len)
				strbuf_addch(keep, ',');
			strbuf_add(keep, list + p, e - p);
		}
		p = e + 1;
	}
	return bits;
}

/*
 * If [w] disables a controller Slurm needs, set [w] to the word without
 * it (a string kept in [owned]) and return 1, or return 2 when nothing
 * is left of the word.  0: [w] stays as it is.
 */
static int
_edit_disable(struct word *w, struct strlist *owned)
{
	struct strbuf keep = STRBUF_INIT;
	const char *v;
	size_t vl;
	int rc = 0;

	if (_key(w, "cgroup_disable=", &v, &vl) && _list_bits(v, vl, &keep)) {
		rc = 2;
		if (keep.len) {
			strlist_pushf(owned, "cgroup_disable=%s", keep.buf);
			w->s = owned->v[owned->nr - 1];
			w->len = strlen(w->s);
			rc = 1;
		}
	}
	strbuf_release(&keep);
	return rc;
}

/*
 * True if the first [nr] of [words] hold [want]; a cgroup_enable=X is
 * there when any cgroup_enable= list names X.
 */
static int
_has_arg(const struct word *words, size_t nr, const char *want)
{
	const char *key = "cgroup_enable=";
	size_t i, kl = strlen(key), vl;
	unsigned bit = 0;
	const char *v;

	if (!strncmp(want, key, kl))
		bit = _controller_bit(want + kl, strlen(want + kl));
	for (i = 0; i < nr; i++) {
		if (bit && _key(&words[i], key, &v, &vl)) {
			if (_list_bits(v, vl, NULL) & bit)
				return 1;
		} else if (words[i].len == strlen(want) &&
			   !memcmp(words[i].s, want, words[i].len)) {
			return 1;
		}
	}
	return 0;
}

static int
_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Controller directories of a cgroup v1 hierarchy at [base]. */
static void
_check_v1(const char *base, struct strlist *missing)
{
	static const char *const cpu_dirs[] = {
		"cpu", "cpu,cpuacct", "cpuacct,cpu", NULL
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int found = 0;

	for (i = 0; cpu_dirs[i] && !found; i++)
		found = _is_dir(pihpc_path_join(base, cpu_dirs[i], &sb));
	if (!found)
		strlist_push(missing, "cpu");
	for (i = 1; controllers[i]; i++)
		if (!_is_dir(pihpc_path_join(base, controllers[i], &sb)))
			strlist_push(missing, controllers[i]);
	strbuf_release(&sb);
}

/*
 * The "enabled" column of the memory line of ROOT/proc/cgroups, if there
 * is one.  The file lists only what cgroup v1 could mount: kernels from
 * 6.12 built without CONFIG_MEMCG_V1 (Raspberry Pi's) have no memory
 * line even when cgroup v2 has the controller, so only a 0 counts.
 */
static void
_check_proc_cgroups(const struct pihpc_ctx *ctx, struct strlist *missing)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	char err[512];
	const char *p;
	int enabled = 1;

	if (pihpc_read_file(pihpc_path(ctx, "/proc/cgroups", &path), &text,
			    err, sizeof(err)) < 0)
		goto out;
	/* "#subsys_name hierarchy num_cgroups enabled" */
	for (p = text.buf; *p; ) {
		size_t n = strcspn(p, "\n");

		if (n > 7 && !strncmp(p, "memory", 6) && strchr(BLANKS, p[6])) {
			const char *f = p + 6, *e = p + n;
			int col;

			for (col = 0; col < 3 && f < e; col++) {
				f += strspn(f, BLANKS);
				if (col < 2)
					f += strcspn(f, BLANKS "\n");
			}
			enabled = f < e && *f == '1';
		}
		p += n;
		if (*p)
			p++;
	}
	if (!enabled && !strlist_has(missing, "memory"))
		strlist_push(missing, "memory");
out:
	strbuf_release(&path);
	strbuf_release(&text);
}

/* Append "'a', 'b'" for the names in [sl] to [sb]. */
static void
_quoted_names(const struct strlist *sl, struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < sl->nr; i++)
		strbuf_addf(sb, "%s'%s'", i ? ", " : "", sl->v[i]);
}

/* Append "'a', 'b'" for the controllers of [bits] to [sb]. */
static void
_quoted_bits(unsigned bits, struct strbuf *sb)
{
	size_t i;
	int n = 0;

	for (i = 0; controllers[i]; i++)
		if (bits & (1u << i))
			strbuf_addf(sb, "%s'%s'", n++ ? ", " : "", controllers[i]);
}

/*
 * The controllers of [bits] that the command line [on]/[off] does not
 * give: memory needs a cgroup_enable (Raspberry Pi kernels start with
 * it off), cpu and cpuset only need no cgroup_disable.
 */
static unsigned
_not_given(unsigned bits, unsigned on, unsigned off)
{
	return bits & ((PIHPC_CG_MEMORY & ~on) | off);
}

/*****************************************************************************
 *  Public Functions
 *****************************************************************************/

int
pihpc_cmdline_fix_text(const char *fname, const char *text, size_t len,
		       struct strbuf *out, char *err, size_t errlen)
{
	struct strlist owned = STRLIST_INIT;
	struct strbuf want = STRBUF_INIT;
	struct word *w = NULL;
	const char *eol = "";
	size_t n = len, lead, nr, nk, i, ni = 0, pos = 0, quotes = 0;
	int rc = -1;

	strbuf_reset(out);
	if (n && text[n - 1] == '\n') {
		eol = n > 1 && text[n - 2] == '\r' ? "\r\n" : "\n";
		n -= strlen(eol);
	}
	if (memchr(text, '\0', len))
		return pihpc_err(err, errlen, _("'%s' has a NUL byte (not a text file)"),
				 fname);
	if (memchr(text, '\n', n) || memchr(text, '\r', n))
		return pihpc_err(err, errlen,
				 _("'%s' has more than one line (the kernel command line must be a single line)"),
				 fname);
	if (n > PIHPC_CMDLINE_MAX)
		return pihpc_err(err, errlen,
				 _("'%s' has a line of %zu bytes, more than the %d of a kernel command line"),
				 fname, n, PIHPC_CMDLINE_MAX);
	if (_space_len(text, n) == n)
		return pihpc_err(err, errlen, _("'%s' is empty"), fname);
	/* an open quote would take the words added at the end into it */
	for (i = 0; i < n; i++)
		quotes += text[i] == '"';
	if (quotes % 2)
		return pihpc_err(err, errlen,
				 _("'%s' has an unbalanced double quote"), fname);

	nr = _split(text, n, 3, &w, &lead);
	nk = _kernel_args(w, nr);
	/* w[0..ni) becomes the words kept; pos: after the last kernel one */
	for (i = 0; i < nr; i++) {
		struct word x = w[i];
		int edit = i < nk ? _edit_disable(&x, &owned) : 0;

		if (edit == 2) {
			/* the trailing blanks of the line stay */
			if (i == nr - 1 && ni) {
				w[ni - 1].gap = x.gap;
				w[ni - 1].gap_len = x.gap_len;
			}
			continue;
		}
		w[ni++] = x;
		if (i < nk)
			pos = ni;
	}
	/* the missing words go after the last kernel argument */
	strbuf_addstr(&want, PIHPC_CMDLINE_WORDS);
	for (i = 0; i < want.len; ) {
		size_t l = strcspn(want.buf + i, " ");
		struct word add;

		want.buf[i + l] = '\0';
		add.s = want.buf + i;
		add.len = l;
		i += l + 1;
		if (_has_arg(w, pos, add.s))
			continue;
		if (pos) {
			add.gap = w[pos - 1].gap;
			add.gap_len = w[pos - 1].gap_len;
			w[pos - 1].gap = " ";
			w[pos - 1].gap_len = 1;
		} else {
			add.gap = " ";
			add.gap_len = ni ? 1 : 0;
		}
		memmove(w + pos + 1, w + pos, (ni - pos) * sizeof(*w));
		w[pos++] = add;
		ni++;
	}
	strbuf_add(out, text, lead);
	for (i = 0; i < ni; i++) {
		strbuf_add(out, w[i].s, w[i].len);
		strbuf_add(out, w[i].gap, w[i].gap_len);
	}
	if (out->len > PIHPC_CMDLINE_MAX) {
		(void)pihpc_err(err, errlen,
				_("'%s' would have a line of %zu bytes with '%s', more than the %d of a kernel command line"),
				fname, out->len, PIHPC_CMDLINE_WORDS,
				PIHPC_CMDLINE_MAX);
		strbuf_reset(out);
		goto out;
	}
	strbuf_addstr(out, eol);
	rc = 0;
out:
	free(w);
	strlist_clear(&owned);
	strbuf_release(&want);
	return rc;
}

void
pihpc_cmdline_cgroups(const char *text, size_t len, unsigned *on,
		      unsigned *off)
{
	struct word *w;
	size_t lead, nr, nk, i, vl;
	const char *v;

	*on = *off = 0;
	nr = _split(text, len, 0, &w, &lead);
	nk = _kernel_args(w, nr);
	for (i = 0; i < nk; i++) {
		if (_key(&w[i], "cgroup_enable=", &v, &vl)) {
			unsigned b = _list_bits(v, vl, NULL);

			*on |= b;
			*off &= ~b;
		} else if (_key(&w[i], "cgroup_disable=", &v, &vl)) {
			unsigned b = _list_bits(v, vl, NULL);

			*off |= b;
			*on &= ~b;
		}
	}
	free(w);
}

int
pihpc_cmdline_path(const struct pihpc_ctx *ctx, struct strbuf *path,
		   char *err, size_t errlen)
{
	struct strbuf old = STRBUF_INIT;
	struct stat st;
	int rc = 0;

	pihpc_path(ctx, PIHPC_CMDLINE_PATH, path);
	pihpc_path(ctx, PIHPC_CMDLINE_OLD_PATH, &old);
	if (stat(path->buf, &st) < 0 && errno == ENOENT) {
		if (stat(old.buf, &st) == 0) {
			strbuf_reset(path);
			strbuf_addbuf(path, &old);
		} else {
			rc = pihpc_err(err, errlen,
				       _("neither '%s' nor '%s' exists (not a Raspberry Pi?)"),
				       path->buf, old.buf);
		}
	}
	strbuf_release(&old);
	return rc;
}

int
pihpc_cmdline_ensure(const char *path, enum pihpc_write_result *res,
		     char *err, size_t errlen)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	int rc = -1;

	if (res)
		*res = PIHPC_UNCHANGED;
	if (pihpc_read_file(path, &in, err, errlen) < 0 ||
	    pihpc_cmdline_fix_text(path, in.buf, in.len, &out, err, errlen) < 0)
		goto out;
	/* the mode and owner of the existing file are kept */
	rc = pihpc_write_atomic(path, out.buf, out.len, 0644, res, err,
				errlen);
out:
	strbuf_release(&in);
	strbuf_release(&out);
	return rc;
}

int
pihpc_cgroup_check(const struct pihpc_ctx *ctx, int *version,
		   struct strlist *missing, char *err, size_t errlen)
{
	struct strbuf base = STRBUF_INIT, file = STRBUF_INIT,
		      text = STRBUF_INIT;
	int rc = 0;

	*version = 0;
	pihpc_path(ctx, "/sys/fs/cgroup", &base);
	/* only v2 has it at the top; hybrid has it in unified/ */
	pihpc_path_join(base.buf, "cgroup.controllers", &file);
	if (pihpc_read_file(file.buf, &text, err, errlen) == 0) {
		size_t i;

		*version = 2;
		for (i = 0; controllers[i]; i++)
			if (!_has_word(text.buf, controllers[i]))
				strlist_push(missing, controllers[i]);
	} else if (errno != ENOENT) {
		rc = -1;
	} else if (_is_dir(base.buf)) {
		*version = 1;
		_check_v1(base.buf, missing);
	} else {
		rc = pihpc_err(err, errlen, _("no cgroup file system at '%s'"),
			       base.buf);
	}
	if (rc == 0)
		_check_proc_cgroups(ctx, missing);
	strbuf_release(&base);
	strbuf_release(&file);
	strbuf_release(&text);
	return rc;
}

int
pihpc_cgroup_state_read(const struct pihpc_ctx *ctx, const char *file,
			struct pihpc_cgroup_state *st, char *err,
			size_t errlen)
{
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;
	int rc = -1;

	if (pihpc_cgroup_check(ctx, &st->version, &st->missing, err,
			       errlen) < 0)
		goto out;
	if (file) {
		if (pihpc_read_file(file, &text, err, errlen) < 0)
			goto out;
		st->file = xstrdup(file);
		pihpc_cmdline_cgroups(text.buf, text.len, &st->file_on,
				      &st->file_off);
	}
	strbuf_reset(&text);
	if (pihpc_read_file(pihpc_path(ctx, "/proc/cmdline", &path), &text,
			    err, errlen) == 0) {
		st->have_run = 1;
		pihpc_cmdline_cgroups(text.buf, text.len, &st->run_on,
				      &st->run_off);
	} else if (errno != ENOENT) {
		goto out;
	}
	rc = 0;
out:
	strbuf_release(&text);
	strbuf_release(&path);
	return rc;
}

void
pihpc_cgroup_state_clear(struct pihpc_cgroup_state *st)
{
	strlist_clear(&st->missing);
	free(st->file);
	st->file = NULL;
}

int
pihpc_cgroup_verdict(const struct pihpc_cgroup_state *st,
		     struct strbuf *msg)
{
	struct strbuf names = STRBUF_INIT;
	unsigned long n = st->missing.nr;
	unsigned missing = 0;
	size_t i;

	strbuf_reset(msg);
	for (i = 0; i < st->missing.nr; i++)
		missing |= _controller_bit(st->missing.v[i],
					   strlen(st->missing.v[i]));
	/* whole sentences, each with its plural, so they can be translated */
	if (!st->missing.nr) {
		unsigned lost = 0;

		/* what the running kernel got and the file no longer gives */
		if (st->file)
			lost = _not_given(PIHPC_CG_ALL, st->file_on,
					  st->file_off) &
			       ~_not_given(PIHPC_CG_ALL, st->run_on,
					   st->run_off);
		if (st->file && st->have_run && lost) {
			_quoted_bits(lost, &names);
			strbuf_addf(msg, _("cgroup v%d: controllers cpu, cpuset and memory available, but not after the next boot: '%s' does not enable %s; run 'pihpc cmdline ensure'"),
				    st->version, st->file, names.buf);
			strbuf_release(&names);
			return -1;
		}
		strbuf_addf(msg, _("cgroup v%d: controllers cpu, cpuset and memory available"),
			    st->version);
		return 0;
	}
	_quoted_names(&st->missing, &names);
	if (!st->file ||
	    _not_given(missing, st->file_on, st->file_off)) {
		strbuf_addf(msg, P_("cgroup v%d: controller %s not available; add '%s' to the kernel command line ('pihpc cmdline ensure') and reboot",
				    "cgroup v%d: controllers %s not available; add '%s' to the kernel command line ('pihpc cmdline ensure') and reboot",
				    n),
			    st->version, names.buf, PIHPC_CMDLINE_WORDS);
	} else if (!st->have_run) {
		strbuf_addf(msg, P_("cgroup v%d: controller %s not available; '%s' enables it: reboot to apply it",
				    "cgroup v%d: controllers %s not available; '%s' enables them: reboot to apply it",
				    n),
			    st->version, names.buf, st->file);
	} else if (_not_given(missing, st->run_on, st->run_off)) {
		strbuf_addf(msg, P_("cgroup v%d: controller %s not available until the next boot: '%s' enables it, the running kernel started without: reboot",
				    "cgroup v%d: controllers %s not available until the next boot: '%s' enables them, the running kernel started without: reboot",
				    n),
			    st->version, names.buf, st->file);
	} else if (st->version == 1 && (missing & PIHPC_CG_MEMORY)) {
		strbuf_addf(msg, P_("cgroup v%d: controller %s not available although the kernel command line enables it: kernels from 6.12 built without CONFIG_MEMCG_V1 have no memory controller for cgroup v1; boot with cgroup v2",
				    "cgroup v%d: controllers %s not available although the kernel command line enables them: kernels from 6.12 built without CONFIG_MEMCG_V1 have no memory controller for cgroup v1; boot with cgroup v2",
				    n),
			    st->version, names.buf);
	} else {
		strbuf_addf(msg, P_("cgroup v%d: controller %s not available although the kernel command line enables it: the running kernel does not provide it",
				    "cgroup v%d: controllers %s not available although the kernel command line enables them: the running kernel does not provide them",
				    n),
			    st->version, names.buf);
	}
	strbuf_release(&names);
	return -1;
}
