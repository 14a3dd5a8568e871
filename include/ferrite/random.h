/*
 * Randomness: a ChaCha20-based generator (drivers/char/random.c) seeded
 * at boot from the CPU's RDSEED/RDRAND and cycle-counter jitter, serving
 * the kernel (get_random_bytes), /dev/random, /dev/urandom and getrandom.
 */
#ifndef FERRITE_RANDOM_H
#define FERRITE_RANDOM_H

#include <ferrite/types.h>

#define CHACHA20_KEY_WORDS	8
#define CHACHA20_NONCE_WORDS	3
#define CHACHA20_BLOCK_SIZE	64

/* getrandom(2) flags. */
#define GRND_NONBLOCK	0x0001
#define GRND_RANDOM	0x0002
#define GRND_INSECURE	0x0004

/*
 * One ChaCha20 block (RFC 8439 section 2.3): the keystream for @key,
 * block @counter and @nonce, serialized little-endian into @out.
 * drivers/char/chacha20.c; pure, host-tested.
 */
void chacha20_block(const u32 key[CHACHA20_KEY_WORDS], u32 counter,
		    const u32 nonce[CHACHA20_NONCE_WORDS],
		    u8 out[CHACHA20_BLOCK_SIZE]);

/* XOR @len bytes of keystream starting at block @counter into @buf. */
void chacha20_xor(const u32 key[CHACHA20_KEY_WORDS], u32 counter,
		  const u32 nonce[CHACHA20_NONCE_WORDS], u8 *buf, size_t len);

/* Clear key material so the compiler cannot drop the stores as dead. */
static inline void random_wipe(void *p, size_t len)
{
	__builtin_memset(p, 0, len);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* Fill @buf with random bytes. Any context; never blocks. */
void get_random_bytes(void *buf, size_t len);
u64 get_random_u64(void);

/* Stir in data that may hold some unpredictability (input timing, ...). */
void add_device_randomness(const void *buf, size_t len);

/* Seed the generator; called once from devices_init(). */
void random_init(void);

/*
 * The CPU's own generator (arch/x86_64/random_x86.c): one 64-bit value
 * from RDSEED (seed) or RDRAND, false when absent or exhausted.
 */
bool arch_random_seed_u64(u64 *v);
bool arch_random_u64(u64 *v);

#endif
