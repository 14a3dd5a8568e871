/*
 * The ChaCha20 block function (RFC 8439): the core of the random number
 * generator. Pure integer code, shared with the host unit tests.
 */
#include <ferrite/random.h>
#include <ferrite/string.h>

static inline u32 rotl32(u32 v, int n)
{
	return v << n | v >> (32 - n);
}

#define QUARTER_ROUND(a, b, c, d) do {				\
		a += b; d ^= a; d = rotl32(d, 16);		\
		c += d; b ^= c; b = rotl32(b, 12);		\
		a += b; d ^= a; d = rotl32(d, 8);		\
		c += d; b ^= c; b = rotl32(b, 7);		\
	} while (0)

void chacha20_block(const u32 key[CHACHA20_KEY_WORDS], u32 counter,
		    const u32 nonce[CHACHA20_NONCE_WORDS],
		    u8 out[CHACHA20_BLOCK_SIZE])
{
	/* "expand 32-byte k" */
	u32 in[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	u32 x[16];

	memcpy(&in[4], key, 32);
	in[12] = counter;
	memcpy(&in[13], nonce, 12);
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QUARTER_ROUND(x[0], x[4], x[8], x[12]);
		QUARTER_ROUND(x[1], x[5], x[9], x[13]);
		QUARTER_ROUND(x[2], x[6], x[10], x[14]);
		QUARTER_ROUND(x[3], x[7], x[11], x[15]);
		QUARTER_ROUND(x[0], x[5], x[10], x[15]);
		QUARTER_ROUND(x[1], x[6], x[11], x[12]);
		QUARTER_ROUND(x[2], x[7], x[8], x[13]);
		QUARTER_ROUND(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++) {
		u32 v = x[i] + in[i];

		out[4 * i] = (u8)v;
		out[4 * i + 1] = (u8)(v >> 8);
		out[4 * i + 2] = (u8)(v >> 16);
		out[4 * i + 3] = (u8)(v >> 24);
	}
	/* The state is the key: leave none of it on the stack. */
	random_wipe(x, sizeof(x));
	random_wipe(in, sizeof(in));
}

void chacha20_xor(const u32 key[CHACHA20_KEY_WORDS], u32 counter,
		  const u32 nonce[CHACHA20_NONCE_WORDS], u8 *buf, size_t len)
{
	u8 ks[CHACHA20_BLOCK_SIZE];

	while (len) {
		size_t n = len < sizeof(ks) ? len : sizeof(ks);

		chacha20_block(key, counter++, nonce, ks);
		for (size_t i = 0; i < n; i++)
			buf[i] ^= ks[i];
		buf += n;
		len -= n;
	}
	random_wipe(ks, sizeof(ks));
}
