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

/* Callee-saved registers of a kernel thread that is switched out. */
struct arch_context {
	u64 rsp;
};

#endif
