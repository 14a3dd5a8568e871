/* ChaCha20 (drivers/char/chacha20.c) against the RFC 8439 test vectors. */
#include <string.h>

#include "unit.h"
#include <ferrite/random.h>

static void rfc_key(u32 key[8])
{
	u8 k[32];

	for (int i = 0; i < 32; i++)
		k[i] = (u8)i;
	memcpy(key, k, 32);	/* words are little-endian, as on x86 */
}

TEST(rfc8439_2_3_2_block)
{
	static const u8 expect[64] = {
		0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd,
		0x1f, 0xa3, 0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0,
		0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2,
		0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05,
		0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e,
		0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
	};
	static const u8 nonce_b[12] = { 0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	u32 key[8], nonce[3];
	u8 out[64];

	rfc_key(key);
	memcpy(nonce, nonce_b, 12);
	chacha20_block(key, 1, nonce, out);
	EXPECT(!memcmp(out, expect, 64));
	chacha20_block(key, 2, nonce, out);
	EXPECT(memcmp(out, expect, 64) != 0);
}

TEST(rfc8439_a1_zero_key)
{
	static const u8 expect[16] = {
		0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90,
		0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28,
	};
	u32 key[8] = { 0 }, nonce[3] = { 0 };
	u8 out[64];

	chacha20_block(key, 0, nonce, out);
	EXPECT(!memcmp(out, expect, 16));
}

TEST(rfc8439_2_4_2_sunscreen)
{
	static const char plain[] = "Ladies and Gentlemen of the class of '99: "
		"If I could offer you only one tip for the future, sunscreen "
		"would be it.";
	static const u8 head[16] = {
		0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80,
		0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69, 0x81,
	};
	static const u8 tail[8] = {
		0xed, 0xf2, 0x78, 0x5e, 0x42, 0x87, 0x4d, 0x00,
	};
	static const u8 nonce_b[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	u32 key[8], nonce[3];
	u8 buf[sizeof(plain)];
	size_t n = sizeof(plain) - 1;

	ASSERT(n == 114);
	rfc_key(key);
	memcpy(nonce, nonce_b, 12);
	memcpy(buf, plain, sizeof(plain));
	chacha20_xor(key, 1, nonce, buf, n);
	EXPECT(!memcmp(buf, head, 16));
	EXPECT(!memcmp(buf + n - 7, tail, 7));
	EXPECT_EQ(buf[n], 0);		/* nothing past the length touched */
	chacha20_xor(key, 1, nonce, buf, n);
	EXPECT(!memcmp(buf, plain, n));
}
