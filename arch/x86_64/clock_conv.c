/*
 * Rate conversion by multiply and shift (TSC cycles to nanoseconds, ns to
 * LAPIC ticks). The setup needs a 128-by-64 division, done here bit by bit
 * because the kernel does not link libgcc's __udivti3.
 */
#include <ferrite/errno.h>
#include "platform_logic.h"

u64 div_u128_u64(u64 hi, u64 lo, u64 d, u64 *rem)
{
	u64 q = 0;

	/* Restoring division; hi < d keeps the quotient within 64 bits. */
	for (int i = 63; i >= 0; i--) {
		bool carry = hi >> 63;

		hi = (hi << 1) | (lo >> 63);
		lo <<= 1;
		if (carry || hi >= d) {
			hi -= d;
			q |= 1ULL << i;
		}
	}
	if (rem)
		*rem = hi;
	return q;
}

/* to_hz << shift as a 128-bit hi:lo pair; false if it does not fit. */
static bool shifted(u64 v, unsigned int shift, u64 *hi, u64 *lo)
{
	if (shift == 0) {
		*hi = 0;
		*lo = v;
	} else if (shift < 64) {
		*hi = v >> (64 - shift);
		*lo = v << shift;
	} else {
		if (shift - 64 > (unsigned int)__builtin_clzll(v))
			return false;
		*hi = v << (shift - 64);
		*lo = 0;
	}
	return true;
}

int clock_conv_init(struct clock_conv *c, u64 from_hz, u64 to_hz)
{
	unsigned int best = 0;
	u64 hi, lo;

	if (!from_hz || !to_hz)
		return -EINVAL;
	/*
	 * The largest shift whose quotient still fits 64 bits gives the
	 * finest mult; the quotient grows with the shift, so stop at the
	 * first that does not fit. Shift 0 always fits: to_hz < 2^64.
	 */
	for (unsigned int s = 1; s < 128; s++) {
		if (!shifted(to_hz, s, &hi, &lo) || hi >= from_hz)
			break;
		best = s;
	}
	shifted(to_hz, best, &hi, &lo);
	c->mult = div_u128_u64(hi, lo, from_hz, NULL);
	c->shift = best;
	return 0;
}
