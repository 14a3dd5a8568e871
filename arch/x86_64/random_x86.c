/*
 * The CPU's random number instructions: RDSEED (conditioned entropy) and
 * RDRAND (a DRBG output), when CPUID advertises them. Both may fail
 * transiently (CF=0); a few retries are what Intel recommends.
 */
#include <ferrite/random.h>
#include <asm/x86.h>

#define RDRAND_RETRIES	10

static int have_rdrand = -1, have_rdseed = -1;	/* -1: not probed yet */

static void probe(void)
{
	u32 max = cpuid(0, 0).eax;

	have_rdrand = !!(cpuid(1, 0).ecx & (1u << 30));
	have_rdseed = max >= 7 && (cpuid(7, 0).ebx & (1u << 18));
}

static bool rdseed(u64 *v)
{
	bool ok;

	__asm__ __volatile__("rdseed %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

static bool rdrand(u64 *v)
{
	bool ok;

	__asm__ __volatile__("rdrand %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

bool arch_random_seed_u64(u64 *v)
{
	if (have_rdseed < 0)
		probe();
	if (!have_rdseed)
		return false;
	for (int i = 0; i < RDRAND_RETRIES; i++)
		if (rdseed(v))
			return true;
	return false;
}

bool arch_random_u64(u64 *v)
{
	if (have_rdrand < 0)
		probe();
	if (!have_rdrand)
		return false;
	for (int i = 0; i < RDRAND_RETRIES; i++)
		if (rdrand(v))
			return true;
	return false;
}
