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
#include <ferrite/uaccess.h>
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
static u32 mxcsr_mask;			/* [I] MXCSR bits FXRSTOR accepts */
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

/*
 * The MXCSR bits this CPU implements (FXSAVE's MXCSR_MASK, 0 meaning the
 * old default 0xffbf). A signal frame with any other bit set would make
 * FXRSTOR/XRSTOR fault in the kernel, so sigreturn refuses it.
 */
static void fpu_probe_mxcsr_mask(void)
{
	static u8 area[512] __aligned(64);
	u32 mask;

	__asm__ __volatile__("fxsave64 (%0)" : : "r"(area) : "memory");
	memcpy(&mask, area + 28, sizeof(mask));
	mxcsr_mask = mask ? mask : 0xffbf;
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
	fpu_probe_mxcsr_mask();
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

/* --- signal frames ---------------------------------------------------------- */

/*
 * Linux's software-reserved bytes at offset 464 of the legacy area tell
 * a sigreturn that an XSAVE image (and how much of it) follows, and a
 * second magic word right after the image confirms its size.
 */
#define FP_XSTATE_MAGIC1	0x46505853U
#define FP_XSTATE_MAGIC2	0x46505845U
#define FP_SW_BYTES_OFFSET	464
#define XSAVE_HEADER_OFFSET	512
#define XSAVE_HEADER_SIZE	64

struct fpx_sw_bytes {
	u32 magic1;
	u32 extended_size;	/* image + MAGIC2 */
	u64 xfeatures;
	u32 xstate_size;
	u32 padding[7];
};
_Static_assert(sizeof(struct fpx_sw_bytes) == 48, "fpx_sw_bytes layout");

size_t fpu_sigframe_size(void)
{
	return have_xsave ? state_size + sizeof(u32) : state_size;
}

int fpu_save_to_user(user_addr_t buf)
{
	struct task *t = current();
	struct fpx_sw_bytes sw = { 0 };
	u32 magic2 = FP_XSTATE_MAGIC2;
	unsigned long irq;

	/*
	 * A switch during the copy saves the same registers into the area
	 * again (the kernel does not touch them), so it stays consistent.
	 */
	irq = arch_irq_save();
	fpu_save(t->arch.fpu);
	arch_irq_restore(irq);
	if (copy_to_user(buf, t->arch.fpu, state_size))
		return -EFAULT;
	if (!have_xsave)
		return 0;
	sw.magic1 = FP_XSTATE_MAGIC1;
	sw.extended_size = state_size + sizeof(u32);
	sw.xfeatures = xcr0;
	sw.xstate_size = state_size;
	if (copy_to_user(uaddr_add(buf, FP_SW_BYTES_OFFSET), &sw, sizeof(sw)) ||
	    copy_to_user(uaddr_add(buf, state_size), &magic2, sizeof(magic2)))
		return -EFAULT;
	return 0;
}

void fpu_reset_current(void)
{
	struct task *t = current();
	unsigned long irq = arch_irq_save();

	fpu_init_state(t->arch.fpu);
	fpu_restore(t->arch.fpu);
	arch_irq_restore(irq);
}

/* Does the image carry a full XSAVE area (Linux's check_xstate_in_sigframe)? */
static bool sigframe_has_xstate(user_addr_t buf, const u8 *img)
{
	struct fpx_sw_bytes sw;
	u32 magic2;

	memcpy(&sw, img + FP_SW_BYTES_OFFSET, sizeof(sw));
	if (sw.magic1 != FP_XSTATE_MAGIC1 || sw.xstate_size != state_size ||
	    sw.extended_size != state_size + sizeof(u32))
		return false;
	if (copy_from_user(&magic2, uaddr_add(buf, state_size), sizeof(magic2)))
		return false;
	return magic2 == FP_XSTATE_MAGIC2;
}

/*
 * Check a user image so that the restore cannot fault in the kernel:
 * MXCSR only with implemented bits; in XSAVE form a standard-format
 * header with only enabled features and zero reserved bytes.
 */
static int fpu_image_check(u8 *img, bool xstate)
{
	u32 mxcsr;
	u64 hdr[XSAVE_HEADER_SIZE / 8];

	memcpy(&mxcsr, img + FXSAVE_MXCSR, sizeof(mxcsr));
	if (mxcsr & ~mxcsr_mask)
		return -EINVAL;
	if (!have_xsave)
		return 0;
	if (!xstate) {
		/* Legacy image: x87 and SSE from it, the rest initialised. */
		memset(img + XSAVE_HEADER_OFFSET, 0, XSAVE_HEADER_SIZE);
		hdr[0] = XFEATURE_X87 | XFEATURE_SSE;
		memcpy(img + XSAVE_HEADER_OFFSET, hdr, sizeof(u64));
		return 0;
	}
	memcpy(hdr, img + XSAVE_HEADER_OFFSET, sizeof(hdr));
	if (hdr[0] & ~xcr0)
		return -EINVAL;
	for (unsigned int i = 1; i < ARRAY_SIZE(hdr); i++)
		if (hdr[i])
			return -EINVAL;
	return 0;
}

int fpu_restore_from_user(user_addr_t buf)
{
	struct task *t = current();
	struct kmem_cache *c = fpu_cache_get();
	u8 *img;
	bool xstate = false;
	unsigned long irq;
	int err = -EFAULT;

	if (uaddr_is_null(buf)) {
		fpu_reset_current();	/* Linux: no fpstate, clean registers */
		return 0;
	}
	img = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;
	if (!img)
		return -ENOMEM;
	memset(img, 0, state_size);
	if (copy_from_user(img, buf, 512))
		goto out;
	if (have_xsave && sigframe_has_xstate(buf, img)) {
		xstate = true;
		if (copy_from_user(img + 512, uaddr_add(buf, 512), state_size - 512))
			goto out;
	}
	err = fpu_image_check(img, xstate);
	if (err)
		goto out;
	irq = arch_irq_save();
	memcpy(t->arch.fpu, img, state_size);
	fpu_restore(t->arch.fpu);
	arch_irq_restore(irq);
out:
	kmem_cache_free(c, img);
	return err;
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
