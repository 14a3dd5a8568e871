/*
 * Host tests for lib/inflate.c: vectors made by the host's zlib and gzip
 * (tests/unit/gen/inflate_vectors.py), hand-built corrupt streams, every
 * truncation and many bit flips of real streams, output limits, streaming.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include <ferrite/errno.h>
#include <ferrite/inflate.h>

extern int host_kmalloc_fail_after;

struct vector {
	unsigned int kind;	/* 0 raw, 1 gzip */
	unsigned char *in, *out;
	size_t in_len, out_len;
};

static struct vector *vectors;
static size_t nr_vectors;

static int read_u32(FILE *f, unsigned int *v)
{
	unsigned char b[4];

	if (fread(b, 1, 4, f) != 4)
		return -1;
	*v = b[0] | b[1] << 8 | b[2] << 16 | (unsigned int)b[3] << 24;
	return 0;
}

static unsigned char *read_blob(FILE *f, size_t *len)
{
	unsigned int n;
	unsigned char *p;

	if (read_u32(f, &n))
		return NULL;
	p = malloc(n + 1);
	if (p && fread(p, 1, n, f) != n) {
		free(p);
		return NULL;
	}
	*len = n;
	return p;
}

static size_t load_vectors(void)
{
	FILE *f;
	unsigned int kind;

	if (vectors)
		return nr_vectors;
	f = popen("/usr/bin/python3 tests/unit/gen/inflate_vectors.py", "r");
	if (!f)
		return 0;
	while (!read_u32(f, &kind)) {
		struct vector v = { .kind = kind };

		v.in = read_blob(f, &v.in_len);
		v.out = read_blob(f, &v.out_len);
		if (!v.in || !v.out)
			break;
		vectors = realloc(vectors, (nr_vectors + 1) * sizeof(v));
		vectors[nr_vectors++] = v;
	}
	pclose(f);
	return nr_vectors;
}

static int decode(const struct vector *v, const unsigned char *in,
		  size_t in_len, void *out, size_t cap,
		  struct inflate_result *res)
{
	if (v->kind)
		return gunzip_buf(in, in_len, out, cap, res);
	return inflate_buf(in, in_len, out, cap, res);
}

TEST(host_vectors_decode_exactly)
{
	size_t n = load_vectors();

	ASSERT(n >= 80);
	for (size_t i = 0; i < n; i++) {
		struct vector *v = &vectors[i];
		unsigned char *out = malloc(v->out_len + 1);
		struct inflate_result res;
		int err = decode(v, v->in, v->in_len, out, v->out_len, &res);

		EXPECT_EQ(err, 0);
		EXPECT_EQ(res.out_len, v->out_len);
		EXPECT_EQ(res.in_used, v->in_len);
		EXPECT(memcmp(out, v->out, v->out_len) == 0);
		free(out);
	}
}

TEST(trailing_bytes_are_not_consumed)
{
	ASSERT(load_vectors());
	for (size_t i = 0; i < nr_vectors; i += 7) {
		struct vector *v = &vectors[i];
		unsigned char *in = malloc(v->in_len + 16);
		unsigned char *out = malloc(v->out_len + 1);
		struct inflate_result res;

		memcpy(in, v->in, v->in_len);
		memset(in + v->in_len, 0x5a, 16);
		EXPECT_EQ(decode(v, in, v->in_len + 16, out, v->out_len, &res), 0);
		EXPECT_EQ(res.in_used, v->in_len);
		free(in);
		free(out);
	}
}

TEST(output_limit_is_enforced)
{
	ASSERT(load_vectors());
	for (size_t i = 0; i < nr_vectors; i++) {
		struct vector *v = &vectors[i];
		/* Exactly-sized heap buffer: ASan catches a write past cap. */
		unsigned char *out = malloc(v->out_len ? v->out_len - 1 : 1);
		struct inflate_result res;

		if (!v->out_len) {
			free(out);
			continue;
		}
		EXPECT_EQ(decode(v, v->in, v->in_len, out, v->out_len - 1, &res),
			  -ENOSPC);
		EXPECT(res.out_len <= v->out_len - 1);
		free(out);
	}
}

TEST(every_truncation_fails)
{
	ASSERT(load_vectors());
	for (size_t i = 0; i < nr_vectors; i++) {
		struct vector *v = &vectors[i];
		unsigned char *out = malloc(v->out_len + 1);
		size_t step = v->in_len > 4000 ? v->in_len / 300 : 1;

		for (size_t len = 0; len < v->in_len; len += step) {
			/* A copy of exactly @len bytes: reading past it is a bug. */
			unsigned char *in = malloc(len ? len : 1);
			struct inflate_result res;
			int err;

			memcpy(in, v->in, len);
			err = decode(v, in, len, out, v->out_len, &res);
			EXPECT(err == -ENODATA || err == -EINVAL || err == -EBADMSG);
			free(in);
		}
		free(out);
	}
}

TEST(bit_flips_never_escape_bounds)
{
	unsigned int seed = 8439;

	ASSERT(load_vectors());
	for (size_t i = 0; i < nr_vectors; i++) {
		struct vector *v = &vectors[i];
		size_t cap = v->out_len + 64;
		unsigned char *in = malloc(v->in_len + 1);
		unsigned char *out = malloc(cap);

		if (v->in_len > 20000)
			goto next;
		for (int round = 0; round < 60 && v->in_len; round++) {
			struct inflate_result res;
			int err;

			memcpy(in, v->in, v->in_len);
			for (int k = 0; k < 1 + round % 3; k++) {
				seed = seed * 1103515245 + 12345;
				in[(seed >> 8) % v->in_len] ^= 1 << (seed % 8);
			}
			err = decode(v, in, v->in_len, out, cap, &res);
			EXPECT(err <= 0);
			EXPECT(res.out_len <= cap);
			EXPECT(res.in_used <= v->in_len);
			/* gzip's CRC catches any change that still decodes. */
			if (v->kind && !err)
				EXPECT(res.out_len == v->out_len &&
				       !memcmp(out, v->out, v->out_len));
		}
next:
		free(in);
		free(out);
	}
}

struct sink {
	unsigned char *buf;
	size_t len, cap, calls, max_piece;
	int fail_at_call;	/* return -EIO on this call (1-based), 0 never */
};

static int sink_flush(void *ctx, const u8 *data, size_t len)
{
	struct sink *s = ctx;

	s->calls++;
	if (s->fail_at_call && s->calls == (size_t)s->fail_at_call)
		return -EIO;
	if (len > s->max_piece)
		s->max_piece = len;
	if (s->len + len > s->cap)
		return -ENOSPC;
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	return 0;
}

TEST(streaming_matches_one_buffer)
{
	unsigned char *window = malloc(INFLATE_MIN_WINDOW);
	size_t tested = 0;

	ASSERT(load_vectors());
	for (size_t i = 0; i < nr_vectors; i++) {
		struct vector *v = &vectors[i];
		struct sink s = { .buf = malloc(v->out_len + 1), .cap = v->out_len };
		struct inflate_result res;

		if (!v->kind)
			goto next;
		tested++;
		EXPECT_EQ(gunzip_stream(v->in, v->in_len, window,
					INFLATE_MIN_WINDOW, sink_flush, &s, &res), 0);
		EXPECT_EQ(s.len, v->out_len);
		EXPECT_EQ(res.out_len, v->out_len);
		EXPECT_EQ(res.in_used, v->in_len);
		EXPECT(s.max_piece <= INFLATE_MIN_WINDOW);
		EXPECT(!memcmp(s.buf, v->out, v->out_len));
next:
		free(s.buf);
	}
	EXPECT(tested >= 10);
	free(window);
}

TEST(streaming_stops_on_flush_error_and_small_window)
{
	unsigned char *window = malloc(INFLATE_MIN_WINDOW);
	struct inflate_result res;
	struct vector *big = NULL;

	ASSERT(load_vectors());
	for (size_t i = 0; i < nr_vectors; i++)
		if (vectors[i].kind && vectors[i].out_len > 150000)
			big = &vectors[i];
	ASSERT(big);
	{
		struct sink s = { .buf = malloc(big->out_len), .cap = big->out_len,
				  .fail_at_call = 2 };

		EXPECT_EQ(gunzip_stream(big->in, big->in_len, window,
					INFLATE_MIN_WINDOW, sink_flush, &s, &res),
			  -EIO);
		EXPECT_EQ(s.calls, 2);
		free(s.buf);
	}
	EXPECT_EQ(gunzip_stream(big->in, big->in_len, window,
				INFLATE_MIN_WINDOW - 1, sink_flush, NULL, &res),
		  -EINVAL);
	free(window);
}

TEST(allocation_failure_is_enomem)
{
	unsigned char out[16];
	static const unsigned char empty_fixed[] = { 0x03, 0x00 };
	struct inflate_result res;

	host_kmalloc_fail_after = 0;
	EXPECT_EQ(inflate_buf(empty_fixed, 2, out, sizeof(out), &res), -ENOMEM);
	host_kmalloc_fail_after = -1;
	EXPECT_EQ(inflate_buf(empty_fixed, 2, out, sizeof(out), &res), 0);
	EXPECT_EQ(res.out_len, 0);
	EXPECT_EQ(res.in_used, 2);
}

/* ---- hand-built streams --------------------------------------------------- */

struct bitw {
	unsigned char buf[256];
	size_t bits;
};

static void put_bits(struct bitw *w, unsigned int v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, w->bits++)
		if (v >> i & 1)
			w->buf[w->bits / 8] |= 1 << (w->bits % 8);
}

/* Huffman codes go most-significant bit first. */
static void put_code(struct bitw *w, unsigned int code, unsigned int len)
{
	while (len--)
		put_bits(w, code >> len & 1, 1);
}

static void put_fixed_lit(struct bitw *w, unsigned int sym)
{
	if (sym < 144)
		put_code(w, 0x30 + sym, 8);
	else if (sym < 256)
		put_code(w, 0x190 + sym - 144, 9);
	else if (sym < 280)
		put_code(w, sym - 256, 7);
	else
		put_code(w, 0xc0 + sym - 280, 8);
}

static int run(struct bitw *w, unsigned char *out, size_t cap, size_t *olen)
{
	struct inflate_result res;
	int err = inflate_buf(w->buf, (w->bits + 7) / 8, out, cap, &res);

	if (olen)
		*olen = res.out_len;
	return err;
}

TEST(fixed_block_literals_and_overlapping_match)
{
	struct bitw w = { 0 };
	unsigned char out[32];
	size_t n;

	put_bits(&w, 1, 1);		/* final */
	put_bits(&w, 1, 2);		/* fixed */
	put_fixed_lit(&w, 'a');
	put_fixed_lit(&w, 'b');
	put_fixed_lit(&w, 259);		/* length 5 */
	put_code(&w, 1, 5);		/* distance 2: overlaps itself */
	put_fixed_lit(&w, 256);
	EXPECT_EQ(run(&w, out, sizeof(out), &n), 0);
	EXPECT_EQ(n, 7);
	EXPECT(!memcmp(out, "abababa", 7));
}

TEST(distance_before_start_is_einval)
{
	struct bitw w = { 0 };
	unsigned char out[32];

	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed_lit(&w, 'a');
	put_fixed_lit(&w, 257);		/* length 3 */
	put_code(&w, 1, 5);		/* distance 2 > 1 byte of output */
	put_fixed_lit(&w, 256);
	EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);
}

TEST(invalid_fixed_symbols_are_einval)
{
	unsigned char out[32];

	for (unsigned int sym = 286; sym <= 287; sym++) {
		struct bitw w = { 0 };

		put_bits(&w, 1, 1);
		put_bits(&w, 1, 2);
		put_fixed_lit(&w, 'a');
		put_fixed_lit(&w, sym);
		put_code(&w, 0, 5);
		put_fixed_lit(&w, 256);
		EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);
	}
	for (unsigned int d = 30; d <= 31; d++) {
		struct bitw w = { 0 };

		put_bits(&w, 1, 1);
		put_bits(&w, 1, 2);
		put_fixed_lit(&w, 'a');
		put_fixed_lit(&w, 257);
		put_code(&w, d, 5);
		put_fixed_lit(&w, 256);
		EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);
	}
}

TEST(block_type_3_is_einval)
{
	struct bitw w = { 0 };
	unsigned char out[4];

	put_bits(&w, 1, 1);
	put_bits(&w, 3, 2);
	put_bits(&w, 0, 13);
	EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);
}

TEST(stored_block_checks_nlen_and_length)
{
	unsigned char out[8];
	struct inflate_result res;
	static const unsigned char good[] = { 1, 3, 0, 0xfc, 0xff, 'x', 'y', 'z' };
	static const unsigned char bad_nlen[] = { 1, 3, 0, 0xfc, 0xfe, 'x', 'y', 'z' };
	static const unsigned char short_data[] = { 1, 3, 0, 0xfc, 0xff, 'x', 'y' };

	EXPECT_EQ(inflate_buf(good, sizeof(good), out, sizeof(out), &res), 0);
	EXPECT_EQ(res.out_len, 3);
	EXPECT(!memcmp(out, "xyz", 3));
	EXPECT_EQ(inflate_buf(bad_nlen, sizeof(bad_nlen), out, sizeof(out), &res),
		  -EINVAL);
	EXPECT_EQ(inflate_buf(short_data, sizeof(short_data), out, sizeof(out),
			      &res), -ENODATA);
	EXPECT_EQ(inflate_buf(good, sizeof(good), out, 2, &res), -ENOSPC);
}

/* Dynamic header with @hlit/@hdist/@hclen raw field values and a code-length
 * code giving symbols 0..18 length 5 (32 patterns: complete is 2^5). */
static void dyn_header(struct bitw *w, unsigned int hlit, unsigned int hdist,
		       unsigned int hclen)
{
	put_bits(w, 1, 1);
	put_bits(w, 2, 2);
	put_bits(w, hlit, 5);
	put_bits(w, hdist, 5);
	put_bits(w, hclen, 4);
}

TEST(dynamic_header_limits_are_einval)
{
	unsigned char out[8];
	struct bitw w = { 0 };

	dyn_header(&w, 30, 0, 15);	/* HLIT 287 > 286 */
	for (int i = 0; i < 19; i++)
		put_bits(&w, 5, 3);
	EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);

	memset(&w, 0, sizeof(w));
	dyn_header(&w, 0, 30, 15);	/* HDIST 31 > 30 */
	for (int i = 0; i < 19; i++)
		put_bits(&w, 5, 3);
	EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);
}

TEST(dynamic_incomplete_or_oversubscribed_clen_is_einval)
{
	unsigned char out[8];
	struct bitw w = { 0 };

	/* Four code-length codes of length 1: over-subscribed. */
	dyn_header(&w, 0, 0, 0);
	for (int i = 0; i < 4; i++)
		put_bits(&w, 1, 3);
	put_bits(&w, 0, 32);
	EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);

	/* One length-2 code only: incomplete. */
	memset(&w, 0, sizeof(w));
	dyn_header(&w, 0, 0, 0);
	put_bits(&w, 2, 3);
	put_bits(&w, 0, 9);
	put_bits(&w, 0, 32);
	EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);
}

/*
 * Code-length code: symbols 16, 17, 18, 0 (the first four in the
 * permuted order) each with length 2, a complete code whose canonical
 * codes (in symbol order) are 0=00 16=01 17=10 18=11.
 */
static void dyn_four_clen(struct bitw *w, unsigned int hlit, unsigned int hdist)
{
	dyn_header(w, hlit, hdist, 0);
	for (int i = 0; i < 4; i++)
		put_bits(w, 2, 3);
}

TEST(dynamic_repeat_without_previous_is_einval)
{
	unsigned char out[8];
	struct bitw w = { 0 };

	dyn_four_clen(&w, 0, 0);
	put_code(&w, 1, 2);		/* 16: repeat previous, but none */
	put_bits(&w, 0, 2);
	put_bits(&w, 0, 32);
	EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);
}

TEST(dynamic_repeat_past_end_and_missing_eob_are_einval)
{
	unsigned char out[8];
	struct bitw w = { 0 };

	/* 257 + 1 lengths; 18 with 11+127 zeros twice overruns 258. */
	dyn_four_clen(&w, 0, 0);
	put_code(&w, 3, 2);
	put_bits(&w, 127, 7);
	put_code(&w, 3, 2);
	put_bits(&w, 127, 7);
	put_bits(&w, 0, 32);
	EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);

	/* All 258 lengths zero: no end-of-block code. */
	memset(&w, 0, sizeof(w));
	dyn_four_clen(&w, 0, 0);
	put_code(&w, 3, 2);
	put_bits(&w, 127, 7);		/* 138 zeros */
	put_code(&w, 3, 2);
	put_bits(&w, 109, 7);		/* 120 zeros: 258 in all */
	put_bits(&w, 0, 32);
	EXPECT_EQ(run(&w, out, sizeof(out), NULL), -EINVAL);
}

/* ---- gzip framing ---------------------------------------------------------- */

static const unsigned char gz_empty[] = {
	0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3,
	0x03, 0x00,				/* empty fixed block */
	0, 0, 0, 0, 0, 0, 0, 0			/* CRC 0, size 0 */
};

TEST(gzip_empty_member)
{
	struct inflate_result res;
	unsigned char out[1];

	EXPECT(gzip_magic(gz_empty, sizeof(gz_empty)));
	EXPECT_EQ(gunzip_buf(gz_empty, sizeof(gz_empty), out, 0, &res), 0);
	EXPECT_EQ(res.in_used, sizeof(gz_empty));
	EXPECT_EQ(res.out_len, 0);
}

TEST(gzip_bad_framing)
{
	unsigned char g[sizeof(gz_empty)], out[4];
	struct inflate_result res;

	memcpy(g, gz_empty, sizeof(g));
	g[1] = 0x8c;
	EXPECT(!gzip_magic(g, sizeof(g)));
	EXPECT_EQ(gunzip_buf(g, sizeof(g), out, 4, &res), -EINVAL);
	memcpy(g, gz_empty, sizeof(g));
	g[2] = 7;			/* not DEFLATE */
	EXPECT_EQ(gunzip_buf(g, sizeof(g), out, 4, &res), -EINVAL);
	memcpy(g, gz_empty, sizeof(g));
	g[3] = 0x20;			/* reserved flag */
	EXPECT_EQ(gunzip_buf(g, sizeof(g), out, 4, &res), -EINVAL);
	memcpy(g, gz_empty, sizeof(g));
	g[12] = 1;			/* CRC */
	EXPECT_EQ(gunzip_buf(g, sizeof(g), out, 4, &res), -EBADMSG);
	memcpy(g, gz_empty, sizeof(g));
	g[16] = 1;			/* ISIZE */
	EXPECT_EQ(gunzip_buf(g, sizeof(g), out, 4, &res), -EBADMSG);
	memcpy(g, gz_empty, sizeof(g));
	g[3] = 0x08;			/* FNAME with no NUL anywhere after */
	memset(g + 10, 'n', sizeof(g) - 10);
	EXPECT_EQ(gunzip_buf(g, sizeof(g), out, 4, &res), -ENODATA);
	memcpy(g, gz_empty, sizeof(g));
	g[3] = 0x04;			/* FEXTRA longer than the input */
	g[10] = 0xff;
	EXPECT_EQ(gunzip_buf(g, sizeof(g), out, 4, &res), -ENODATA);
	memcpy(g, gz_empty, sizeof(g));
	g[3] = 0x02;			/* FHCRC with a wrong header CRC */
	EXPECT_EQ(gunzip_buf(g, sizeof(g), out, 4, &res), -EBADMSG);
	EXPECT_EQ(gunzip_buf(g, 1, out, 4, &res), -ENODATA);
}

TEST(crc32_known_values)
{
	EXPECT_EQ(crc32_le(0, "", 0), 0);
	EXPECT_EQ(crc32_le(0, "123456789", 9), 0xcbf43926u);
	EXPECT_EQ(crc32_le(crc32_le(0, "1234", 4), "56789", 5), 0xcbf43926u);
}
