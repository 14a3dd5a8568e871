/*
 * The stack protector's canary and its failure path. The kernel is built
 * with -fstack-protector-strong -mstack-protector-guard=global (see
 * mk/kernel/hardening.mk): every protected frame copies __stack_chk_guard
 * on entry and compares it on return. The value is random per boot.
 */
#include <ferrite/printk.h>
#include <ferrite/types.h>
#include <asm/arch_inline.h>
#include <asm/x86.h>

/*
 * A global guard, not %fs:0x28 or %gs:0x28: FS belongs to user space and
 * GS to the per-CPU area, neither valid everywhere. Not zero before
 * stackprot_init() runs, so even the first frames get a non-trivial
 * canary; its low byte stays zero, so a runaway string copy stops short
 * of reproducing it.
 */
unsigned long __stack_chk_guard = 0x595e9fbd94fda700UL;

void stackprot_init(void);
__noreturn void __stack_chk_fail(void);

#define CPUID1_ECX_RDRAND	(1U << 30)
#define CPUID7_EBX_RDSEED	(1U << 18)

static __attribute__((no_stack_protector)) bool early_rdrand(u64 *v)
{
	bool ok;

	for (int i = 0; i < 10; i++) {
		__asm__ __volatile__("rdrand %0" : "=r"(*v), "=@ccc"(ok));
		if (ok)
			return true;
	}
	return false;
}

static __attribute__((no_stack_protector)) bool early_rdseed(u64 *v)
{
	bool ok;

	for (int i = 0; i < 10; i++) {
		__asm__ __volatile__("rdseed %0" : "=r"(*v), "=@ccc"(ok));
		if (ok)
			return true;
	}
	return false;
}

/*
 * Pick this boot's canary. Called first thing in x86_64_start(), before
 * any protected function has a frame live (x86_64_start itself never
 * returns, and is not protected). The CPU's generator when it has one,
 * mixed with the cycle counter, which alone is only weakly unpredictable
 * (the time the firmware and loader took).
 */
__attribute__((no_stack_protector)) void stackprot_init(void)
{
	u64 v = 0, r, tsc = arch_cycles();

	if (cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & CPUID7_EBX_RDSEED) &&
	    early_rdseed(&r))
		v ^= r;
	if ((cpuid(1, 0).ecx & CPUID1_ECX_RDRAND) && early_rdrand(&r))
		v ^= r * 0x9e3779b97f4a7c15ULL;
	/* Spread the counter's changing low bits over the whole word. */
	tsc *= 0xbf58476d1ce4e5b9ULL;
	tsc ^= tsc >> 31;
	v ^= tsc;
	v &= ~0xffUL;
	if (!v)
		v = 0x595e9fbd94fda700UL;
	__stack_chk_guard = v;
}

/* A protected function found its canary overwritten on the way out. */
__attribute__((no_stack_protector)) __noreturn void __stack_chk_fail(void)
{
	panic("stack-protector: Kernel stack is corrupted in: %pS",
	      __builtin_return_address(0));
}
