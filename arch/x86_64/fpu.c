/*
 * User FPU/SSE/AVX state. The kernel is built without FPU code, so a user
 * thread's registers stay live across system calls and interrupts and are
 * only saved and restored when the CPU switches threads (eagerly: every
 * switch saves the outgoing thread's state and loads the incoming one's).
 * XSAVE with XCR0 = x87|SSE|AVX where the CPU has it, FXSAVE otherwise.
 */
#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/string.h>
#include <asm/user.h>
#include <asm/x86.h>

#define CR0_MP		(1UL << 1)
#define CR0_EM		(1UL << 2)
#define CR0_TS		(1UL << 3)
#define CR0_NE		(1UL << 5)

#define XFEATURE_X87	0x1
#define XFEATURE_SSE	0x2
#define XFEATURE_AVX	0x4

#define CPUID1_ECX_XSAVE	(1U << 26)
#define CPUID1_ECX_AVX		(1U << 28)

/* Offsets in the legacy (FXSAVE) region, shared by both formats. */
#define FXSAVE_FCW	0
#define FXSAVE_MXCSR	24
#define FCW_DEFAULT	0x037f	/* all exceptions masked, extended precision */
#define MXCSR_DEFAULT	0x1f80	/* all exceptions masked, round to nearest */

static bool have_xsave;			/* [I] after fpu_init */
static u64 xcr0;			/* [I] */
static u32 state_size;			/* [I] bytes of one save area */
static struct kmem_cache *fpu_cache;	/* created on first use, then [I] */

static __always_inline void write_cr0(u64 v)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory");
}

static __always_inline void xsetbv(u32 index, u64 v)
{
	__asm__ __volatile__("xsetbv" : : "c"(index), "a"((u32)v),
			     "d"((u32)(v >> 32)) : "memory");
}

/* Enable the FPU and SSE for user programs; pick the save format. */
void fpu_init(void)
{
	struct cpuid_regs r1 = cpuid(1, 0);
	u64 cr0 = read_cr0();
	u64 cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	cr0 &= ~(CR0_EM | CR0_TS);	/* no emulation, no lazy-switch traps */
	cr0 |= CR0_MP | CR0_NE;		/* x87 errors as #MF, not IRQ 13 */
	write_cr0(cr0);
	have_xsave = (r1.ecx & CPUID1_ECX_XSAVE) != 0;
	if (have_xsave)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);

	if (have_xsave) {
		u32 supported = cpuid(0xd, 0).eax;

		xcr0 = XFEATURE_X87 | XFEATURE_SSE;
		if ((r1.ecx & CPUID1_ECX_AVX) && (supported & XFEATURE_AVX))
			xcr0 |= XFEATURE_AVX;
		xsetbv(0, xcr0);
		/* EBX: size needed for the features enabled in XCR0 now. */
		state_size = cpuid(0xd, 0).ebx;
	} else {
		state_size = 512;
	}
	__asm__ __volatile__("fninit");
	pr_info("fpu: %s, %u-byte state, xcr0 %#llx\n",
		have_xsave ? "xsave" : "fxsave", state_size,
		(unsigned long long)xcr0);
}

bool fpu_has_xsave(void)
{
	return have_xsave;
}

size_t fpu_state_size(void)
{
	return state_size;
}

void fpu_save(void *area)
{
	if (have_xsave)
		__asm__ __volatile__("xsave64 (%0)"
				     : : "r"(area), "a"(~0U), "d"(~0U) : "memory");
	else
		__asm__ __volatile__("fxsave64 (%0)" : : "r"(area) : "memory");
}

void fpu_restore(const void *area)
{
	if (have_xsave)
		__asm__ __volatile__("xrstor64 (%0)"
				     : : "r"(area), "a"(~0U), "d"(~0U) : "memory");
	else
		__asm__ __volatile__("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/*
 * The state a new program starts with, as Linux gives it: x87 control
 * word 0x37f, MXCSR 0x1f80, everything else zero. In XSAVE format the
 * header's XSTATE_BV is 0, so XRSTOR puts every component in its initial
 * state (MXCSR is still read from the image).
 */
static void fpu_init_state(void *area)
{
	u8 *p = area;
	u16 fcw = FCW_DEFAULT;
	u32 mxcsr = MXCSR_DEFAULT;

	memset(p, 0, state_size);
	memcpy(p + FXSAVE_FCW, &fcw, sizeof(fcw));
	memcpy(p + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}

/* XSAVE wants 64-byte alignment: a cache of our own guarantees it. */
static struct kmem_cache *fpu_cache_get(void)
{
	struct kmem_cache *c = READ_ONCE(fpu_cache);

	if (c)
		return c;
	preempt_disable();	/* one CPU: no other creator can run now */
	if (!fpu_cache)
		fpu_cache = kmem_cache_create("fpu_state", state_size, 64);
	c = fpu_cache;
	preempt_enable();
	return c;
}

int arch_thread_init(struct task *t, const struct task *parent)
{
	struct kmem_cache *c = fpu_cache_get();
	void *area = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;

	if (!area)
		return -ENOMEM;
	if (parent && parent->arch.fpu) {
		/* A running parent's registers are newer than its save area. */
		if (parent == current())
			fpu_save(parent->arch.fpu);
		memcpy(area, parent->arch.fpu, state_size);
	} else {
		fpu_init_state(area);
	}
	t->arch.fpu = area;
	t->arch.fs_base = parent ? parent->arch.fs_base : 0;
	t->arch.gs_base = parent ? parent->arch.gs_base : 0;
	return 0;
}

void arch_thread_free(struct task *t)
{
	unsigned long irq = arch_irq_save();
	void *area = t->arch.fpu;

	/* Cleared first: a switch away from @t must not save into it. */
	t->arch.fpu = NULL;
	arch_irq_restore(irq);
	if (area)
		kmem_cache_free(fpu_cache, area);
}

void arch_thread_exec_reset(struct task *t)
{
	unsigned long irq = arch_irq_save();

	if (t->arch.fpu) {
		fpu_init_state(t->arch.fpu);
		if (t == current())
			fpu_restore(t->arch.fpu);
	}
	t->arch.fs_base = 0;
	t->arch.gs_base = 0;
	if (t == current())
		x86_load_user_tls(t);
	arch_irq_restore(irq);
}

/* Called by arch_task_switch with interrupts off. */
void fpu_switch(struct task *prev, struct task *next)
{
	if (prev->arch.fpu)
		fpu_save(prev->arch.fpu);
	if (next->arch.fpu)
		fpu_restore(next->arch.fpu);
}

/* AT_HWCAP: CPUID.1:EDX, as Linux reports it on x86. */
u64 arch_elf_hwcap(void)
{
	return cpuid(1, 0).edx;
}

const char *arch_elf_platform(void)
{
	return "x86_64";
}
