/*
 * Host tests for the mult/shift clock conversion (arch/x86_64/clock_conv.c):
 * the hand-written 128/64 division and the conversion error against exact
 * 128-bit arithmetic, over years of cycles.
 */
#include <ferrite/errno.h>
#include "unit.h"
#include "../../arch/x86_64/platform_logic.h"

typedef unsigned __int128 u128;

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

TEST(div128_matches_host_division)
{
	for (int i = 0; i < 20000; i++) {
		u64 d = rng() >> (rng() % 64);
		u64 hi, lo = rng(), rem;

		if (!d)
			d = 1;
		hi = rng() % d;		/* the quotient must fit 64 bits */
		u128 n = ((u128)hi << 64) | lo;
		u64 q = div_u128_u64(hi, lo, d, &rem);

		EXPECT(q == (u64)(n / d));
		EXPECT(rem == (u64)(n % d));
	}
}

TEST(div128_large_divisor_top_bit)
{
	u64 d = 0xffffffffffffffffULL, rem;
	u64 q = div_u128_u64(d - 1, 0xffffffffffffffffULL, d, &rem);

	/* (2^128 - 2^64 - 1) / (2^64 - 1) = 2^64 - 1 rem 2^64 - 2 */
	EXPECT(q == 0xffffffffffffffffULL);
	EXPECT(rem == 0xfffffffffffffffeULL);
}

TEST(conv_rejects_zero_rates)
{
	struct clock_conv c;

	EXPECT_EQ(clock_conv_init(&c, 0, 1000000000), -EINVAL);
	EXPECT_EQ(clock_conv_init(&c, 1000000000, 0), -EINVAL);
}

/* The result is within 1 unit of the exact floor(v * to / from). */
static void check_rate(u64 from, u64 to, u64 max_v)
{
	struct clock_conv c;

	ASSERT(clock_conv_init(&c, from, to) == 0);
	/* mult is normalised: the top bit is set unless shift is 0. */
	EXPECT(c.shift == 0 || (c.mult >> 63));
	for (int i = 0; i < 2000; i++) {
		u64 v = i < 3 ? (u64[]){ 0, 1, max_v }[i] : rng() % max_v;
		u64 exact = (u64)((u128)v * to / from);
		u64 got = clock_conv_apply(&c, v);

		EXPECT(got <= exact && exact - got <= 1);
	}
}

TEST(conv_tsc_to_ns_accurate_for_ten_years)
{
	static const u64 freqs[] = { 50000000ULL, 1193182ULL * 1000,
				     2099999000ULL, 2400000000ULL,
				     3579545ULL * 1000, 4999999999ULL,
				     20000000000ULL };

	for (unsigned int i = 0; i < ARRAY_SIZE(freqs); i++) {
		/* ten years of cycles at this rate */
		u64 ten_years = freqs[i] * 86400ULL * 3653;

		check_rate(freqs[i], 1000000000ULL, ten_years);
	}
}

TEST(conv_ns_to_slow_ticks)
{
	/* ns to LAPIC ticks (62.5 MHz) and to the PIT rate. */
	check_rate(1000000000ULL, 62500000ULL, 1ULL << 62);
	check_rate(1000000000ULL, 1193182ULL, 1ULL << 62);
	check_rate(1000000000000ULL, 1, ~0ULL);
}

TEST(conv_ten_years_does_not_wrap)
{
	struct clock_conv c;
	u64 hz = 5000000000ULL;
	u64 secs = 10ULL * 365 * 86400;

	ASSERT(clock_conv_init(&c, hz, 1000000000ULL) == 0);
	/*
	 * 10 years at 5 GHz is 1.6e18 cycles; a 64-bit product would wrap.
	 * mult is rounded down, so the result may be 1 ns short.
	 */
	u64 ns = clock_conv_apply(&c, hz * secs);

	EXPECT(ns <= secs * 1000000000ULL && secs * 1000000000ULL - ns <= 1);
}

TEST(conv_identity_and_scale_up)
{
	struct clock_conv c;

	ASSERT(clock_conv_init(&c, 1000, 1000) == 0);
	EXPECT(clock_conv_apply(&c, 123456789) == 123456789);
	ASSERT(clock_conv_init(&c, 1, 1000000000ULL) == 0);
	EXPECT(clock_conv_apply(&c, 5) == 5000000000ULL);
}
