/*
 * libFuzzer harness for the newc cpio push parser (lib/cpio.c): the
 * input is fed in chunks whose sizes come from a PRNG seeded by the
 * input itself, so every crash reproduces from its file alone.
 */
#include <stdlib.h>
#include <string.h>
#include <ferrite/cpio.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static char clean[256];

static int fz_entry(void *ctx, const struct cpio_entry *e)
{
	size_t n = strnlen(e->name, CPIO_PATH_MAX);
	long r;

	if (n >= CPIO_PATH_MAX)
		__builtin_trap();
	if (e->link_target && strnlen(e->link_target, CPIO_PATH_MAX) >=
	    CPIO_PATH_MAX)
		__builtin_trap();
	/* A small buffer exercises the -ENAMETOOLONG edge too. */
	r = cpio_clean_path(e->name, clean, sizeof(clean));
	if (r >= (long)sizeof(clean) || (r >= 0 && clean[0] != '/'))
		__builtin_trap();
	if (r >= 0 && strstr(clean, "/../"))
		__builtin_trap();
	return 0;
}

static int fz_data(void *ctx, const u8 *buf, size_t len)
{
	volatile u8 sink = 0;

	/* Touch every byte so ASan sees an over-long span. */
	for (size_t i = 0; i < len; i++)
		sink ^= buf[i];
	(void)sink;
	return 0;
}

static void fz_end(void *ctx, int status) { }
static void fz_error(void *ctx, int err, const char *name) { }

static const struct cpio_ops fz_ops = {
	.entry = fz_entry, .data = fz_data,
	.entry_end = fz_end, .error = fz_error,
};

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct cpio_parser p;	/* 8 KiB of name buffers */
	u64 rng = 0x9e3779b97f4a7c15ULL ^ size;
	size_t off = 0;

	for (size_t i = 0; i < size; i++)
		rng = (rng ^ data[i]) * 0x100000001b3ULL;
	cpio_init(&p, &fz_ops, NULL);
	while (off < size) {
		size_t want, used;

		rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
		/* Mostly small pieces (split headers), sometimes big ones. */
		want = (rng & 3) ? 1 + (rng >> 8) % 16 : 1 + (rng >> 8) % 4096;
		if (want > size - off)
			want = size - off;
		used = cpio_feed(&p, data + off, want);
		if (used > want)
			__builtin_trap();
		off += used;
		if (used < want)
			break;	/* fatal, or junk between archives */
	}
	cpio_finish(&p);
	return 0;
}
