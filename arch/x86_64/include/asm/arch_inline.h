/*
 * Inline halves of <ferrite/arch.h> for x86_64. Included only through
 * that header; nothing outside arch/ names this file.
 */
#ifndef ASM_ARCH_INLINE_H
#define ASM_ARCH_INLINE_H

#include <ferrite/types.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

/* Virtual layout (docs/memory.md). */
#define DIRECT_MAP_BASE	0xffff888000000000UL	/* all RAM, 2 MiB pages */
#define VMAP_BASE	0xffffc90000000000UL	/* stacks, MMIO: 4 KiB pages */
#define VMAP_SIZE	(1UL << 40)
#define KERNEL_VMA	0xffffffff80000000UL	/* image: phys + KERNEL_VMA */
#define USER_TOP	0x00007ffffffff000UL	/* first byte above user space */

#define X86_EFLAGS_IF	0x200UL

static __always_inline unsigned long arch_save_flags(void)
{
	unsigned long f;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(f) : : "memory");
	return f;
}

static __always_inline void arch_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static __always_inline void arch_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static __always_inline unsigned long arch_irq_save(void)
{
	unsigned long f = arch_save_flags();

	arch_irq_disable();
	return f;
}

static __always_inline void arch_irq_restore(unsigned long f)
{
	if (f & X86_EFLAGS_IF)
		arch_irq_enable();
}

static __always_inline bool arch_irqs_enabled(void)
{
	return (arch_save_flags() & X86_EFLAGS_IF) != 0;
}

static __always_inline void arch_cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

/* sti; hlt is atomic: an interrupt arriving in between still wakes us. */
static __always_inline void arch_wait_for_interrupt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

static __always_inline u64 arch_cycles(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/*
 * Registers saved on entry to the kernel (interrupt, exception or system
 * call), lowest address first; arch/x86_64/entry.S builds it. For a system
 * call, vector is TRAP_SYSCALL and error_code holds the call number.
 * Generic code uses the accessors below, never the field names.
 */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code;		/* 0 when the CPU pushes none */
	/* pushed by the CPU (or by the syscall entry, in the same shape) */
	u64 rip, cs, rflags, rsp, ss;
};

#define TRAP_SYSCALL	0x100	/* vector value of a system-call frame */

/* The six syscall arguments in the Linux x86-64 convention. */
static __always_inline u64 regs_syscall_arg(const struct trap_frame *tf, int i)
{
	switch (i) {
	case 0: return tf->rdi;
	case 1: return tf->rsi;
	case 2: return tf->rdx;
	case 3: return tf->r10;
	case 4: return tf->r8;
	default: return tf->r9;
	}
}

static __always_inline u64 regs_syscall_nr(const struct trap_frame *tf)
{
	return tf->error_code;
}

static __always_inline void regs_set_return(struct trap_frame *tf, long v)
{
	tf->rax = (u64)v;
}

static __always_inline u64 regs_ip(const struct trap_frame *tf)
{
	return tf->rip;
}

static __always_inline u64 regs_sp(const struct trap_frame *tf)
{
	return tf->rsp;
}

static __always_inline bool regs_user_mode(const struct trap_frame *tf)
{
	return (tf->cs & 3) == 3;
}

/*
 * Per-thread user CPU state that the kernel keeps while the thread is
 * switched out: TLS bases and the FPU/SSE/AVX registers (xsave area).
 */
struct arch_mm;

struct arch_thread {
	u64 fs_base;		/* arch_prctl(ARCH_SET_FS) */
	u64 gs_base;		/* user GS base (ARCH_SET_GS) */
	void *fpu;		/* xsave/fxsave area, NULL for kernel threads */
	/* A kernel thread running user code without a process (self-tests). */
	struct arch_mm *borrowed_mm;
};

/* A user address space's page-table root (see <ferrite/pgtable.h>). */
struct arch_mm {
	phys_addr_t root;	/* PML4 physical address, for CR3 */
	u64 *pml4;		/* the same through the direct map */
};

/* Callee-saved registers of a kernel thread that is switched out. */
struct arch_context {
	u64 rsp;
};

#endif
