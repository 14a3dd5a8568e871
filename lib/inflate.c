/*
 * DEFLATE and gzip decoding (RFC 1951, RFC 1952) for the initramfs. The
 * input is a complete buffer: every read is bounds-checked against it,
 * and every output write against the output buffer or window.
 */
#include <ferrite/errno.h>
#include <ferrite/inflate.h>
#include <ferrite/mm.h>
#include <ferrite/string.h>

#define MAX_BITS	15	/* longest Huffman code */
#define MAX_LCODES	286	/* literal/length codes a block may use */
#define MAX_DCODES	30	/* distance codes a block may use */
#define FIX_LCODES	288	/* the fixed code defines 288 (two unusable) */
#define FAST_BITS	9	/* codes this short decode with one lookup */
#define MAX_MATCH	258

/*
 * A canonical Huffman code. count/symbol drive the bit-at-a-time decoder
 * (after Mark Adler's puff); fast[] maps the next FAST_BITS input bits to
 * (symbol << 4 | length) for the common short codes, 0 meaning "longer or
 * unassigned: take the slow path".
 */
struct huffman {
	u16 count[MAX_BITS + 1];
	u16 symbol[FIX_LCODES];
	u16 fast[1 << FAST_BITS];
};

struct inflate_state {
	const u8 *in;
	size_t in_len;
	size_t in_pos;			/* next byte to load into bitbuf */
	u64 bitbuf;			/* bits above bitcnt are zero */
	unsigned int bitcnt;

	u8 *out;
	size_t cap;
	size_t pos;			/* next output byte in out[] */
	size_t flushed;			/* out[flushed..pos) not yet flushed */
	u64 total;			/* bytes that slid out of the window */
	inflate_flush_t flush;		/* NULL: out[] is the whole output */
	void *ctx;
	bool want_crc;
	u32 crc;

	struct huffman lencode, distcode;
};

static const u16 len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const u8 len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const u16 dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577
};
static const u8 dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
};

/* ---- CRC-32 ----------------------------------------------------------- */

static u32 crc_table[256];
static bool crc_table_ready;

static void crc_table_init(void)
{
	for (u32 n = 0; n < 256; n++) {
		u32 c = n;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
	/* Idempotent: a racing second initializer writes the same values. */
	WRITE_ONCE(crc_table_ready, true);
}

u32 crc32_le(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	if (!READ_ONCE(crc_table_ready))
		crc_table_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- bit input ----------------------------------------------------------- */

static inline void refill(struct inflate_state *s)
{
	while (s->bitcnt <= 56 && s->in_pos < s->in_len) {
		s->bitbuf |= (u64)s->in[s->in_pos++] << s->bitcnt;
		s->bitcnt += 8;
	}
}

static inline void consume(struct inflate_state *s, unsigned int n)
{
	s->bitbuf >>= n;
	s->bitcnt -= n;
}

/* The next @n (<= 16) bits, or -ENODATA if the input ends first. */
static inline long getbits(struct inflate_state *s, unsigned int n)
{
	long v;

	if (s->bitcnt < n) {
		refill(s);
		if (s->bitcnt < n)
			return -ENODATA;
	}
	v = (long)(s->bitbuf & ((1UL << n) - 1));
	consume(s, n);
	return v;
}

/* Give back the whole bytes still buffered (after byte alignment). */
static void unread_bytes(struct inflate_state *s)
{
	consume(s, s->bitcnt & 7);
	s->in_pos -= s->bitcnt / 8;
	s->bitbuf = 0;
	s->bitcnt = 0;
}

/* ---- Huffman codes ------------------------------------------------------- */

static unsigned int reverse_bits(unsigned int code, unsigned int len)
{
	unsigned int r = 0;

	while (len--) {
		r = (r << 1) | (code & 1);
		code >>= 1;
	}
	return r;
}

/*
 * Build @h from @n code lengths. Returns 0 for a complete code, a positive
 * number for an incomplete one (some bit patterns unassigned), negative
 * for an over-subscribed one (not a prefix code at all).
 */
static int huffman_build(struct huffman *h, const u8 *lengths, unsigned int n)
{
	u16 offs[MAX_BITS + 2];
	unsigned int code = 0, idx = 0;
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (unsigned int sym = 0; sym < n; sym++)
		h->count[lengths[sym]]++;
	for (unsigned int len = 1; len <= MAX_BITS; len++) {
		left <<= 1;
		left -= h->count[len];
		if (left < 0)
			return left;
	}
	offs[1] = 0;
	for (unsigned int len = 1; len <= MAX_BITS; len++)
		offs[len + 1] = offs[len] + h->count[len];
	for (unsigned int sym = 0; sym < n; sym++)
		if (lengths[sym])
			h->symbol[offs[lengths[sym]]++] = (u16)sym;

	/* Codes of one length are consecutive, in symbol order. */
	memset(h->fast, 0, sizeof(h->fast));
	for (unsigned int len = 1; len <= FAST_BITS; len++) {
		for (unsigned int i = 0; i < h->count[len]; i++, code++, idx++) {
			unsigned int rev = reverse_bits(code, len);

			for (unsigned int k = rev; k < (1u << FAST_BITS); k += 1u << len)
				h->fast[k] = (u16)(h->symbol[idx] << 4 | len);
		}
		code <<= 1;
	}
	return left;
}

/* The next symbol, -EINVAL for an unassigned code, -ENODATA at the end. */
static int huffman_decode(struct inflate_state *s, const struct huffman *h)
{
	int code = 0, first = 0, index = 0;
	u16 e;

	if (s->bitcnt < MAX_BITS)
		refill(s);
	e = h->fast[s->bitbuf & ((1u << FAST_BITS) - 1)];
	if (e && (e & 15u) <= s->bitcnt) {
		consume(s, e & 15u);
		return e >> 4;
	}
	/* Slow path: walk the code one bit at a time (codes are MSB-first). */
	for (unsigned int len = 1; len <= MAX_BITS; len++) {
		int count;

		if (len > s->bitcnt)
			return -ENODATA;
		code |= (int)((s->bitbuf >> (len - 1)) & 1);
		count = h->count[len];
		if (code - count < first) {
			consume(s, len);
			return h->symbol[index + (code - first)];
		}
		index += count;
		first += count;
		first <<= 1;
		code <<= 1;
	}
	return -EINVAL;
}

/* ---- output ---------------------------------------------------------------- */

/* Hand out[flushed..pos) to the consumer (and the CRC). */
static int emit_pending(struct inflate_state *s)
{
	size_t n = s->pos - s->flushed;
	int err = 0;

	if (!n)
		return 0;
	if (s->want_crc)
		s->crc = crc32_le(s->crc, s->out + s->flushed, n);
	if (s->flush)
		err = s->flush(s->ctx, s->out + s->flushed, n);
	s->flushed = s->pos;
	return err;
}

/* Make room for @need more output bytes (need <= INFLATE_HISTORY). */
static int out_reserve(struct inflate_state *s, size_t need)
{
	size_t keep;
	int err;

	if (s->cap - s->pos >= need)
		return 0;
	if (!s->flush)
		return -ENOSPC;
	err = emit_pending(s);
	if (err)
		return err;
	/* Slide: only the last INFLATE_HISTORY bytes can be referenced. */
	keep = MIN(s->pos, (size_t)INFLATE_HISTORY);
	memmove(s->out, s->out + s->pos - keep, keep);
	s->total += s->pos - keep;
	s->pos = keep;
	s->flushed = keep;
	return 0;
}

/* ---- blocks -------------------------------------------------------------- */

static int inflate_stored(struct inflate_state *s)
{
	long len, nlen;

	unread_bytes(s);
	if (s->in_len - s->in_pos < 4)
		return -ENODATA;
	len = s->in[s->in_pos] | s->in[s->in_pos + 1] << 8;
	nlen = s->in[s->in_pos + 2] | s->in[s->in_pos + 3] << 8;
	s->in_pos += 4;
	if (len != (~nlen & 0xffff))
		return -EINVAL;
	if (s->in_len - s->in_pos < (size_t)len)
		return -ENODATA;
	while (len) {
		size_t chunk = MIN((size_t)len, (size_t)INFLATE_HISTORY);
		int err = out_reserve(s, chunk);

		if (err)
			return err;
		memcpy(s->out + s->pos, s->in + s->in_pos, chunk);
		s->pos += chunk;
		s->in_pos += chunk;
		len -= (long)chunk;
	}
	return 0;
}

/* Byte by byte: source and destination may overlap (a run of one byte). */
static void copy_match(u8 *dst, size_t dist, size_t len)
{
	const u8 *src = dst - dist;

	while (len--)
		*dst++ = *src++;
}

/* Decode literals and matches until the end-of-block symbol. */
static int inflate_codes(struct inflate_state *s)
{
	for (;;) {
		int sym = huffman_decode(s, &s->lencode);
		long extra, dist;
		size_t len;
		int err;

		if (sym < 0)
			return sym;
		if (sym < 256) {
			err = out_reserve(s, 1);
			if (err)
				return err;
			s->out[s->pos++] = (u8)sym;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return -EINVAL;		/* 286, 287: never valid */
		extra = getbits(s, len_extra[sym]);
		if (extra < 0)
			return (int)extra;
		len = len_base[sym] + (size_t)extra;

		sym = huffman_decode(s, &s->distcode);
		if (sym < 0)
			return sym;
		if (sym >= 30)
			return -EINVAL;		/* 30, 31: never valid */
		extra = getbits(s, dist_extra[sym]);
		if (extra < 0)
			return (int)extra;
		dist = dist_base[sym] + extra;

		err = out_reserve(s, len);
		if (err)
			return err;
		if ((size_t)dist > s->pos)
			return -EINVAL;		/* before the start of output */
		copy_match(s->out + s->pos, (size_t)dist, len);
		s->pos += len;
	}
}

static int build_fixed(struct inflate_state *s)
{
	u8 lengths[FIX_LCODES];
	unsigned int sym = 0;

	while (sym < 144)
		lengths[sym++] = 8;
	while (sym < 256)
		lengths[sym++] = 9;
	while (sym < 280)
		lengths[sym++] = 7;
	while (sym < FIX_LCODES)
		lengths[sym++] = 8;
	huffman_build(&s->lencode, lengths, FIX_LCODES);
	/* 32 five-bit codes, of which 30 and 31 are invalid when used. */
	for (sym = 0; sym < 32; sym++)
		lengths[sym] = 5;
	huffman_build(&s->distcode, lengths, 32);
	return 0;
}

/*
 * An incomplete literal/length or distance code is allowed only when it
 * has a single code (of length 1): a lone distance code is common. Any
 * other incomplete code could make a valid-looking stream decode into
 * unassigned patterns.
 */
static bool code_ok(const struct huffman *h, int built, unsigned int n)
{
	if (built < 0)
		return false;
	return built == 0 || n - h->count[0] - h->count[1] == 0;
}

static const u8 clen_order[19] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

/* Read the code-length sequence of a dynamic block into @lengths. */
static int read_lengths(struct inflate_state *s, u8 *lengths,
			unsigned int total)
{
	unsigned int i = 0;

	while (i < total) {
		int sym = huffman_decode(s, &s->distcode);
		unsigned int rep;
		long n;
		u8 val = 0;

		if (sym < 0)
			return sym;
		if (sym < 16) {
			lengths[i++] = (u8)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return -EINVAL;	/* nothing to repeat */
			val = lengths[i - 1];
			n = getbits(s, 2);
			rep = 3;
		} else if (sym == 17) {
			n = getbits(s, 3);
			rep = 3;
		} else {
			n = getbits(s, 7);
			rep = 11;
		}
		if (n < 0)
			return (int)n;
		rep += (unsigned int)n;
		if (rep > total - i)
			return -EINVAL;
		while (rep--)
			lengths[i++] = val;
	}
	return 0;
}

static int build_dynamic(struct inflate_state *s)
{
	u8 lengths[MAX_LCODES + MAX_DCODES];
	long nlen, ndist, ncode;
	int err;

	nlen = getbits(s, 5);
	ndist = getbits(s, 5);
	ncode = getbits(s, 4);
	if (nlen < 0 || ndist < 0 || ncode < 0)
		return -ENODATA;
	nlen += 257;
	ndist += 1;
	ncode += 4;
	if (nlen > MAX_LCODES || ndist > MAX_DCODES)
		return -EINVAL;

	memset(lengths, 0, 19);
	for (long i = 0; i < ncode; i++) {
		long v = getbits(s, 3);

		if (v < 0)
			return (int)v;
		lengths[clen_order[i]] = (u8)v;
	}
	/* The code-length code must be complete; distcode is scratch here. */
	if (huffman_build(&s->distcode, lengths, 19) != 0)
		return -EINVAL;
	err = read_lengths(s, lengths, (unsigned int)(nlen + ndist));
	if (err)
		return err;
	if (lengths[256] == 0)
		return -EINVAL;		/* no end-of-block code */
	if (!code_ok(&s->lencode, huffman_build(&s->lencode, lengths,
						(unsigned int)nlen),
		     (unsigned int)nlen))
		return -EINVAL;
	if (!code_ok(&s->distcode, huffman_build(&s->distcode, lengths + nlen,
						 (unsigned int)ndist),
		     (unsigned int)ndist))
		return -EINVAL;
	return 0;
}

static int inflate_blocks(struct inflate_state *s)
{
	long last, type;
	int err;

	do {
		last = getbits(s, 1);
		type = getbits(s, 2);
		if (last < 0 || type < 0)
			return -ENODATA;
		switch (type) {
		case 0:
			err = inflate_stored(s);
			break;
		case 1:
			err = build_fixed(s);
			if (!err)
				err = inflate_codes(s);
			break;
		case 2:
			err = build_dynamic(s);
			if (!err)
				err = inflate_codes(s);
			break;
		default:
			err = -EINVAL;
		}
		if (err)
			return err;
	} while (!last);
	err = emit_pending(s);
	/* The stream ends at a byte boundary; give back what we read ahead. */
	unread_bytes(s);
	return err;
}

static struct inflate_state *state_new(const void *in, size_t in_len,
				       void *out, size_t cap)
{
	struct inflate_state *s = kmalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	memset(s, 0, offsetof(struct inflate_state, lencode));
	s->in = in;
	s->in_len = in_len;
	s->out = out;
	s->cap = cap;
	return s;
}

int inflate_buf(const void *in, size_t in_len, void *out, size_t out_cap,
		struct inflate_result *res)
{
	struct inflate_state *s = state_new(in, in_len, out, out_cap);
	int err;

	if (!s)
		return -ENOMEM;
	err = inflate_blocks(s);
	res->in_used = s->in_pos;
	res->out_len = s->pos;
	kfree(s);
	return err;
}

bool gzip_magic(const void *in, size_t len)
{
	const u8 *p = in;

	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

#define GZ_FHCRC	0x02
#define GZ_FEXTRA	0x04
#define GZ_FNAME	0x08
#define GZ_FCOMMENT	0x10
#define GZ_FRESERVED	0xe0

static u32 get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/* Skip a NUL-terminated header field from *pos: 0 or -ENODATA. */
static int skip_string(const u8 *p, size_t len, size_t *pos)
{
	const u8 *nul = memchr(p + *pos, 0, len - *pos);

	if (!nul)
		return -ENODATA;
	*pos = (size_t)(nul - p) + 1;
	return 0;
}

/* Parse the member header: the offset of the DEFLATE data, or -errno. */
static long gzip_header(const u8 *p, size_t len)
{
	size_t pos = 10;
	u8 flags;

	if (len < 10)
		return gzip_magic(p, len) || len < 2 ? -ENODATA : -EINVAL;
	if (!gzip_magic(p, len) || p[2] != 8)
		return -EINVAL;		/* not gzip, or not DEFLATE */
	flags = p[3];
	if (flags & GZ_FRESERVED)
		return -EINVAL;
	if (flags & GZ_FEXTRA) {
		size_t xlen;

		if (len - pos < 2)
			return -ENODATA;
		xlen = p[pos] | p[pos + 1] << 8;
		pos += 2;
		if (len - pos < xlen)
			return -ENODATA;
		pos += xlen;
	}
	if ((flags & GZ_FNAME) && skip_string(p, len, &pos))
		return -ENODATA;
	if ((flags & GZ_FCOMMENT) && skip_string(p, len, &pos))
		return -ENODATA;
	if (flags & GZ_FHCRC) {
		if (len - pos < 2)
			return -ENODATA;
		if ((crc32_le(0, p, pos) & 0xffff) !=
		    (u32)(p[pos] | p[pos + 1] << 8))
			return -EBADMSG;
		pos += 2;
	}
	return (long)pos;
}

static int gunzip_run(struct inflate_state *s, struct inflate_result *res)
{
	long start = gzip_header(s->in, s->in_len);
	const u8 *trailer;
	int err;

	res->in_used = 0;
	res->out_len = 0;
	if (start < 0)
		return (int)start;
	s->in_pos = (size_t)start;
	s->want_crc = true;
	err = inflate_blocks(s);
	res->out_len = s->total + s->pos;
	res->in_used = s->in_pos;
	if (err)
		return err;
	if (s->in_len - s->in_pos < 8)
		return -ENODATA;
	trailer = s->in + s->in_pos;
	res->in_used += 8;
	if (get_le32(trailer) != s->crc ||
	    get_le32(trailer + 4) != (u32)res->out_len)
		return -EBADMSG;
	return 0;
}

int gunzip_buf(const void *in, size_t in_len, void *out, size_t out_cap,
	       struct inflate_result *res)
{
	struct inflate_state *s = state_new(in, in_len, out, out_cap);
	int err;

	if (!s)
		return -ENOMEM;
	err = gunzip_run(s, res);
	kfree(s);
	return err;
}

int gunzip_stream(const void *in, size_t in_len, void *window,
		  size_t window_len, inflate_flush_t flush, void *ctx,
		  struct inflate_result *res)
{
	struct inflate_state *s;
	int err;

	if (window_len < INFLATE_MIN_WINDOW || !flush)
		return -EINVAL;
	s = state_new(in, in_len, window, window_len);
	if (!s)
		return -ENOMEM;
	s->flush = flush;
	s->ctx = ctx;
	err = gunzip_run(s, res);
	kfree(s);
	return err;
}
