/*
 * The initial user stack of a new program (layout in <ferrite/elf.h>):
 * strings, AT_RANDOM bytes, and the argc/argv/envp/auxv table at a 16-byte
 * aligned sp, as the x86-64 psABI and Linux's loader arrange it. Pure: all
 * writes go through a callback, so the host unit tests check the bytes.
 */
#include <ferrite/compiler.h>
#include <ferrite/elf.h>
#include <ferrite/errno.h>
#include <ferrite/string.h>

/* Pointer-table words are staged here and written in chunks. */
#define STAGE_WORDS	64

struct stager {
	const struct exec_stack_desc *d;
	uintptr_t at;		/* next destination address */
	u64 buf[STAGE_WORDS];
	unsigned int n;
	int err;
};

static void stage_flush(struct stager *s)
{
	if (s->n && !s->err)
		s->err = s->d->write(s->d->ctx, s->at, s->buf, s->n * 8);
	s->at += s->n * 8;
	s->n = 0;
}

static void stage_word(struct stager *s, u64 w)
{
	s->buf[s->n++] = w;
	if (s->n == STAGE_WORDS)
		stage_flush(s);
}

/* Each blob must hold exactly count strings filling exactly len bytes. */
static int blobs_check(const struct exec_blob *b, unsigned int nr,
		       unsigned long *count, size_t *bytes)
{
	for (unsigned int i = 0; i < nr; i++) {
		size_t off = 0;
		unsigned long n = 0;

		while (off < b[i].len) {
			const char *nul = memchr(b[i].data + off, 0,
						 b[i].len - off);

			if (!nul)
				return -EINVAL;
			off = (size_t)(nul - b[i].data) + 1;
			n++;
		}
		if (n != b[i].count)
			return -EINVAL;
		*count += n;
		*bytes += b[i].len;
	}
	return 0;
}

/* Write the blobs' bytes at @at; return the address after them. */
static int blobs_write(const struct exec_stack_desc *d,
		       const struct exec_blob *b, unsigned int nr,
		       uintptr_t *at)
{
	for (unsigned int i = 0; i < nr; i++) {
		int err = b[i].len ? d->write(d->ctx, *at, b[i].data, b[i].len)
				   : 0;

		if (err)
			return err;
		*at += b[i].len;
	}
	return 0;
}

/* One pointer per string of the blobs, whose copies start at @at. */
static void blobs_pointers(struct stager *s, const struct exec_blob *b,
			   unsigned int nr, uintptr_t at)
{
	for (unsigned int i = 0; i < nr; i++) {
		size_t off = 0;

		while (off < b[i].len) {
			stage_word(s, at + off);
			off += strlen(b[i].data + off) + 1;
		}
		at += b[i].len;
	}
}

/* Reserve @len bytes below *p without going under floor. */
static int take(uintptr_t *p, size_t len, uintptr_t floor)
{
	if (*p < floor || *p - floor < len)
		return -E2BIG;
	*p -= len;
	return 0;
}

static int final_auxv(const struct exec_stack_desc *d, u64 *out,
		      uintptr_t execfn, uintptr_t platform, uintptr_t random)
{
	unsigned int n = 0;

	if (d->nr_auxv >= EXEC_AUXV_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < d->nr_auxv; i++) {
		u64 type = d->auxv[2 * i], val = d->auxv[2 * i + 1];

		if (type == AT_NULL)
			return -EINVAL;
		if (type == AT_EXECFN)
			val = execfn;
		else if (type == AT_RANDOM)
			val = random;
		else if (type == AT_PLATFORM) {
			if (!d->platform)
				continue;
			val = platform;
		}
		out[2 * n] = type;
		out[2 * n + 1] = val;
		n++;
	}
	out[2 * n] = AT_NULL;
	out[2 * n + 1] = 0;
	return (int)n + 1;
}

int exec_stack_build(const struct exec_stack_desc *d,
		     struct exec_stack_layout *out)
{
	static const u64 zero;
	size_t argv_bytes = 0, env_bytes = 0, fn_len, plat_len = 0;
	uintptr_t p = d->top, strings, execfn, platform = 0, random;
	unsigned long words;
	struct stager s = { .d = d };
	int err, naux;

	out->argc = out->envc = 0;
	err = blobs_check(d->argv, d->nr_argv, &out->argc, &argv_bytes);
	if (!err)
		err = blobs_check(d->envp, d->nr_envp, &out->envc, &env_bytes);
	if (err)
		return err;
	fn_len = strlen(d->execfn) + 1;
	if (d->platform)
		plat_len = strlen(d->platform) + 1;

	/* Strings: the zero word at the very top, then downwards. */
	if ((err = take(&p, 8, d->floor)) ||
	    (err = d->write(d->ctx, p, &zero, 8)))
		return err;
	if (argv_bytes > p || env_bytes > p - argv_bytes)
		return -E2BIG;
	if ((err = take(&p, argv_bytes + env_bytes + fn_len, d->floor)))
		return err;
	strings = p;
	out->arg_start = strings;
	if ((err = blobs_write(d, d->argv, d->nr_argv, &strings)))
		return err;
	out->arg_end = out->env_start = strings;
	if ((err = blobs_write(d, d->envp, d->nr_envp, &strings)))
		return err;
	out->env_end = execfn = strings;
	if ((err = d->write(d->ctx, execfn, d->execfn, fn_len)))
		return err;
	if (d->platform) {
		if ((err = take(&p, plat_len, d->floor)) ||
		    (err = d->write(d->ctx, p, d->platform, plat_len)))
			return err;
		platform = p;
	}
	if ((err = take(&p, 16, d->floor)) ||
	    (err = d->write(d->ctx, p, d->random, 16)))
		return err;
	random = p;
	p = ALIGN_DOWN(p, 16);

	naux = final_auxv(d, out->auxv, execfn, platform, random);
	if (naux < 0)
		return naux;
	/* argc, argv + NULL, envp + NULL, auxv: bounded by the byte counts. */
	words = 1 + out->argc + 1 + out->envc + 1 + 2 * (unsigned long)naux;
	if ((err = take(&p, words * 8, d->floor)))
		return err;
	p = ALIGN_DOWN(p, 16);
	if (p < d->floor)
		return -E2BIG;
	out->sp = p;

	s.at = p;
	stage_word(&s, out->argc);
	blobs_pointers(&s, d->argv, d->nr_argv, out->arg_start);
	stage_word(&s, 0);
	blobs_pointers(&s, d->envp, d->nr_envp, out->env_start);
	stage_word(&s, 0);
	for (int i = 0; i < 2 * naux; i++)
		stage_word(&s, out->auxv[i]);
	stage_flush(&s);
	return s.err;
}
