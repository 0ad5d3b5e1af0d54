/*
 * fakerun.h - a struct pihpc_runner that plays back canned answers.
 *
 * Each expected call gives the command line (argv joined by spaces), how
 * many times in a row it comes (0 = once), the return code (0 ok, 1
 * failed, -1 could not run), stdout and stderr.  Time is fake: sleep()
 * advances the clock that now() reads.  Include after testutil.h.
 */
#ifndef PIHPC_FAKERUN_H
#define PIHPC_FAKERUN_H

struct fake_call {
	const char *cmd;
	unsigned times;
	int rc;
	const char *out;
	const char *err;
};

struct fake {
	const struct fake_call *calls;
	size_t ncalls;
	size_t i;		/* current entry */
	unsigned used;		/* uses of the current entry */
	unsigned nrun;		/* calls made */
	long clock;
	unsigned slept;
	struct strbuf in;	/* stdin of the last call */
};

static int
fake_run(void *data, char *const argv[], const char *in, size_t inlen,
	 struct strbuf *out, struct strbuf *errout, char *err, size_t errlen)
{
	struct fake *f = data;
	struct strbuf cmd = STRBUF_INIT;
	const struct fake_call *c;
	size_t i;

	for (i = 0; argv[i]; i++)
		strbuf_addf(&cmd, "%s%s", i ? " " : "", argv[i]);
	if (f->i >= f->ncalls)
		fail_msg("unexpected call: %s", cmd.buf);
	c = &f->calls[f->i];
	if (strcmp(cmd.buf, c->cmd))
		fail_msg("call %u: want '%s', got '%s'", f->nrun, c->cmd,
			 cmd.buf);
	strbuf_release(&cmd);
	strbuf_reset(&f->in);
	if (in)
		strbuf_add(&f->in, in, inlen);
	if (out && c->out)
		strbuf_addstr(out, c->out);
	if (errout && c->err)
		strbuf_addstr(errout, c->err);
	f->nrun++;
	if (++f->used >= (c->times ? c->times : 1)) {
		f->i++;
		f->used = 0;
	}
	if (c->rc < 0)
		return pihpc_err(err, errlen, "cannot run '%s': %s", argv[0],
				 "No such file or directory");
	if (c->rc > 0)
		(void)pihpc_err(err, errlen, "'%s' failed with exit status 1",
				argv[0]);
	return c->rc;
}

static void
fake_sleep(void *data, unsigned seconds)
{
	struct fake *f = data;

	f->clock += seconds;
	f->slept += seconds;
}

static long
fake_now(void *data)
{
	return ((struct fake *)data)->clock;
}

/* Set up [r] to play [calls] with [f]. */
static inline void
fake_init(struct pihpc_runner *r, struct fake *f,
	  const struct fake_call *calls, size_t ncalls)
{
	memset(f, 0, sizeof(*f));
	f->calls = calls;
	f->ncalls = ncalls;
	f->clock = 1000;
	strbuf_init(&f->in, 0);
	r->run = fake_run;
	r->sleep = fake_sleep;
	r->now = fake_now;
	r->data = f;
}

/* Every expected call was made; releases [f]. */
static inline void
fake_done(struct fake *f)
{
	if (f->i != f->ncalls)
		fail_msg("only %zu of %zu expected calls made", f->i,
			 f->ncalls);
	strbuf_release(&f->in);
}

#define FAKE_N(a) (sizeof(a) / sizeof((a)[0]))

#endif /* PIHPC_FAKERUN_H */
