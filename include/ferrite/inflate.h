/*
 * DEFLATE (RFC 1951) and gzip (RFC 1952) decompression: lib/inflate.c.
 * Input is one complete buffer; output goes either into one bounded
 * buffer or through a caller's window buffer that is flushed as it fills.
 * Corrupt or truncated input is an error, never an out-of-bounds access.
 */
#ifndef FERRITE_INFLATE_H
#define FERRITE_INFLATE_H

#include <ferrite/types.h>

/* Back-references reach at most this far into the output. */
#define INFLATE_HISTORY		32768
/* A streaming window must hold the history plus room to make progress. */
#define INFLATE_MIN_WINDOW	(2 * INFLATE_HISTORY)

/*
 * Results: 0, or
 *  -EINVAL   corrupt stream (bad block type, bad code, distance too far);
 *  -ENODATA  the input ended inside the stream;
 *  -ENOSPC   the output would exceed the buffer given (one-buffer mode);
 *  -EBADMSG  gzip trailer CRC-32 or length mismatch;
 *  or whatever a flush callback returned.
 */

/* Receives output in order; 0 to go on, -errno to stop decoding. */
typedef int (*inflate_flush_t)(void *ctx, const u8 *data, size_t len);

struct inflate_result {
	size_t in_used;		/* bytes of input the stream occupied */
	u64 out_len;		/* bytes produced */
};

/* Raw DEFLATE into out[0..out_cap). */
int inflate_buf(const void *in, size_t in_len, void *out, size_t out_cap,
		struct inflate_result *res);

/* One gzip member (header, DEFLATE data, trailer) into out[0..out_cap). */
int gunzip_buf(const void *in, size_t in_len, void *out, size_t out_cap,
	       struct inflate_result *res);

/*
 * One gzip member with output of any size: @window (at least
 * INFLATE_MIN_WINDOW bytes) holds recent output, and @flush receives
 * every byte once, in order, in pieces of at most @window_len bytes.
 */
int gunzip_stream(const void *in, size_t in_len, void *window,
		  size_t window_len, inflate_flush_t flush, void *ctx,
		  struct inflate_result *res);

/* Does the buffer start with the gzip magic (1f 8b)? */
bool gzip_magic(const void *in, size_t len);

/* CRC-32 (IEEE 802.3, reflected, as gzip and zlib compute it). */
u32 crc32_le(u32 crc, const void *buf, size_t len);

#endif
