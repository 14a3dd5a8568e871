/*
 * libFuzzer harness for DEFLATE/gzip (lib/inflate.c) with bounded
 * output: raw DEFLATE and gzip into a fixed buffer, and gzip through the
 * streaming window with a cap on the total it may produce.
 */
#include <stdlib.h>
#include <string.h>
#include <ferrite/errno.h>
#include <ferrite/inflate.h>

#define FUZZ_OUT_CAP	(256 * 1024)
#define FUZZ_STREAM_CAP	(4u << 20)	/* stop a bomb after 4 MiB */

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static u8 out[FUZZ_OUT_CAP];
static u8 window[INFLATE_MIN_WINDOW];

static int fz_flush(void *ctx, const u8 *buf, size_t len)
{
	size_t *total = ctx;

	if (len > sizeof(window))
		__builtin_trap();
	*total += len;
	return *total > FUZZ_STREAM_CAP ? -ENOSPC : 0;
}

static void check(int r, const struct inflate_result *res, size_t size,
		  u64 cap)
{
	if (!r && (res->in_used > size || res->out_len > cap))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct inflate_result res;
	size_t total = 0;
	int r;

	/* A small output cap on odd sizes reaches the -ENOSPC path. */
	size_t cap = (size & 1) ? 1024 : FUZZ_OUT_CAP;

	if (gzip_magic(data, size)) {
		memset(&res, 0, sizeof(res));
		r = gunzip_buf(data, size, out, cap, &res);
		check(r, &res, size, cap);
		memset(&res, 0, sizeof(res));
		r = gunzip_stream(data, size, window, sizeof(window),
				  fz_flush, &total, &res);
		check(r, &res, size, ~0ULL);
		if (!r && res.out_len != total)
			__builtin_trap();
	} else {
		memset(&res, 0, sizeof(res));
		r = inflate_buf(data, size, out, cap, &res);
		check(r, &res, size, cap);
	}
	return 0;
}
