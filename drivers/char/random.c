/*
 * The kernel's random number generator. One ChaCha20 key is the pool:
 * every request takes a block under the lock whose first half becomes
 * the next key (fast key erasure, so past output cannot be recomputed
 * from a later state) and whose second half keys that request's own
 * stream. Seeded at boot from RDSEED/RDRAND and cycle-counter jitter;
 * /dev/random, /dev/urandom and getrandom(2) read from it.
 */
#include <ferrite/arch.h>
#include <ferrite/devices.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/printk.h>
#include <ferrite/random.h>
#include <ferrite/spinlock.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/uaccess.h>

static struct {
	spinlock_t lock;
	u32 key[CHACHA20_KEY_WORDS];	/* [lock] */
	u64 requests;			/* [lock] nonce: no two blocks alike */
	bool seeded;			/* [lock] random_init() has run */
} crng = { .lock = SPINLOCK_INIT };

/* Nonce spaces of the two uses of the pool key. */
#define NONCE_EXTRACT	0x45585452u	/* "EXTR" */
#define NONCE_ABSORB	0x41425352u	/* "ABSR" */

/* Hand out a fresh key for one request and move the pool key on. */
static void crng_fork(u32 out[CHACHA20_KEY_WORDS])
{
	u8 block[CHACHA20_BLOCK_SIZE];
	u32 nonce[CHACHA20_NONCE_WORDS];
	unsigned long flags = spin_lock_irqsave(&crng.lock);

	nonce[0] = (u32)crng.requests;
	nonce[1] = (u32)(crng.requests >> 32);
	nonce[2] = NONCE_EXTRACT;
	crng.requests++;
	chacha20_block(crng.key, 0, nonce, block);
	memcpy(crng.key, block, 32);
	spin_unlock_irqrestore(&crng.lock, flags);
	memcpy(out, block + 32, 32);
	random_wipe(block, sizeof(block));
}

void get_random_bytes(void *buf, size_t len)
{
	static const u32 zero_nonce[CHACHA20_NONCE_WORDS];
	u32 key[CHACHA20_KEY_WORDS];
	u8 block[CHACHA20_BLOCK_SIZE];
	u8 *p = buf;
	u32 counter = 0;

	crng_fork(key);
	while (len) {
		size_t n = MIN(len, sizeof(block));

		/* A request key is used for at most 2^32 blocks: rekey then. */
		if (counter == 0xffffffffu) {
			crng_fork(key);
			counter = 0;
		}
		chacha20_block(key, counter++, zero_nonce, block);
		memcpy(p, block, n);
		p += n;
		len -= n;
	}
	random_wipe(block, sizeof(block));
	random_wipe(key, sizeof(key));
}

u64 get_random_u64(void)
{
	u64 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

/*
 * Fold @len bytes into the key: XOR them in 32 bytes at a time, each
 * time replacing the key by a ChaCha20 block under itself, so the new key
 * depends on the old one and on all the input.
 */
void add_device_randomness(const void *buf, size_t len)
{
	static const u32 nonce[CHACHA20_NONCE_WORDS] = { 0, 0, NONCE_ABSORB };
	const u8 *p = buf;
	u8 block[CHACHA20_BLOCK_SIZE];
	unsigned long flags = spin_lock_irqsave(&crng.lock);

	while (len) {
		size_t n = MIN(len, (size_t)32);
		u8 *k = (u8 *)crng.key;

		for (size_t i = 0; i < n; i++)
			k[i] ^= p[i];
		chacha20_block(crng.key, (u32)len, nonce, block);
		memcpy(crng.key, block, 32);
		p += n;
		len -= n;
	}
	spin_unlock_irqrestore(&crng.lock, flags);
	random_wipe(block, sizeof(block));
}

/*
 * Timing jitter: the low bits of the cycle counter across a little
 * memory work vary with caches, interrupts and the host. Under emulation
 * there is little of it, which is why the CPU's generator comes first.
 */
static void gather_jitter(u64 *out, unsigned int words)
{
	static volatile u64 scratch[64];

	for (unsigned int w = 0; w < words; w++) {
		u64 acc = 0;

		for (int i = 0; i < 64; i++) {
			u64 t0 = arch_cycles();

			scratch[(t0 >> 3) & 63] += t0;
			acc = (acc << 7 | acc >> 57) ^ (arch_cycles() - t0);
		}
		out[w] = acc;
	}
}

void random_init(void)
{
	u64 seed[40];
	unsigned int hw = 0;
	const char *src = "jitter only";

	for (unsigned int i = 0; i < 16; i++) {
		if (arch_random_seed_u64(&seed[i])) {
			hw++;
			src = "rdseed";
		} else if (arch_random_u64(&seed[i])) {
			hw++;
			if (src[0] == 'j')
				src = "rdrand";
		} else {
			seed[i] = 0;
		}
	}
	gather_jitter(seed + 16, 20);
	seed[36] = arch_cycles();
	seed[37] = arch_clock_ns();
	seed[38] = arch_boot_realtime_ns();
	seed[39] = arch_boot_cycles();
	add_device_randomness(seed, sizeof(seed));
	random_wipe(seed, sizeof(seed));
	WRITE_ONCE(crng.seeded, true);
	pr_info("random: seeded (%s, %u words from the CPU)\n", src, hw);
}

/* ---- /dev/random, /dev/urandom ------------------------------------------- */

/* Fill @to from the generator; bytes copied, or -EFAULT if none were. */
static ssize_t random_to_iter(struct iov_iter *to)
{
	u8 buf[256];
	ssize_t done = 0;

	while (to->count) {
		size_t n = MIN(to->count, sizeof(buf));
		size_t got;

		get_random_bytes(buf, n);
		got = copy_to_iter(buf, n, to);
		done += (ssize_t)got;
		if (got < n)
			break;
	}
	random_wipe(buf, sizeof(buf));
	return done ? done : (to->count ? -EFAULT : 0);
}

static ssize_t random_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	return random_to_iter(to);
}

/* Anyone may write: the data is mixed in, never trusted as entropy. */
static ssize_t random_write(struct file *f, struct iov_iter *from, u64 *pos)
{
	u8 buf[256];
	ssize_t done = 0;

	while (from->count) {
		size_t n = MIN(from->count, sizeof(buf));
		size_t got = copy_from_iter(buf, n, from);

		add_device_randomness(buf, got);
		done += (ssize_t)got;
		if (got < n)
			break;
	}
	return done ? done : (from->count ? -EFAULT : 0);
}

/* Linux's noop_llseek: the position means nothing here. */
static s64 random_llseek(struct file *f, s64 off, int whence)
{
	return (s64)READ_ONCE(f->pos);
}

#define RNDGETENTCNT	0x80045200	/* _IOR('R', 0, int) */

static long random_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	int bits = 256;		/* the generator is always fully seeded */

	switch (cmd) {
	case RNDGETENTCNT:
		return put_user(bits, UADDR(arg));
	default:
		/* RNDADDENTROPY and friends need privileges we do not model. */
		return -EINVAL;
	}
}

static const struct file_operations random_fops = {
	.read = random_read,
	.write = random_write,
	.llseek = random_llseek,
	.ioctl = random_ioctl,
};

/* mem major 1: 8 random, 9 urandom (one generator, as on Linux 5.18+). */
int random_register_devices(void)
{
	return chrdev_register(1, 8, 2, "random", &random_fops);
}

/* ---- getrandom(2) ---------------------------------------------------------- */

#define GETRANDOM_MAX	0x7ffff000	/* Linux's MAX_RW_COUNT */

SYSCALL_DEFINE3(getrandom, user_addr_t, buf, size_t, count, unsigned int, flags)
{
	struct iov_iter it;

	if (flags & ~(unsigned int)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) ==
	    (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	/* Seeded before user space exists, so neither flag can block. */
	if (count > GETRANDOM_MAX)
		count = GETRANDOM_MAX;
	if (!count)
		return 0;
	iov_iter_user_buf(&it, buf, count);
	return random_to_iter(&it);
}
