/*
 * Host stand-in for arch/x86_64/include/asm/arch_inline.h, so pure kernel
 * logic (allocators, parsers) builds and runs as a normal host program in
 * the unit tests. The "direct map" is an arena the test allocates.
 */
#ifndef ASM_ARCH_INLINE_H
#define ASM_ARCH_INLINE_H

#include <ferrite/types.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

/* Tests point this at a PAGE_SIZE-aligned arena standing for physical 0. */
extern uintptr_t host_direct_map_base;
#define DIRECT_MAP_BASE	host_direct_map_base
#define VMAP_BASE	0x100000000000UL
#define VMAP_SIZE	(1UL << 30)
#define KERNEL_VMA	0UL
#define USER_TOP	0x00007ffffffff000UL

extern int host_irq_depth;	/* counts save/restore pairs for tests */

static inline unsigned long arch_irq_save(void) { host_irq_depth++; return 1; }
static inline void arch_irq_restore(unsigned long f) { (void)f; host_irq_depth--; }
static inline void arch_irq_disable(void) { }
static inline void arch_irq_enable(void) { }
static inline bool arch_irqs_enabled(void) { return host_irq_depth == 0; }
static inline void arch_cpu_relax(void) { }
static inline void arch_wait_for_interrupt(void) { }
static inline u64 arch_cycles(void) { return 0; }

struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};

struct arch_thread {
	u64 fs_base, gs_base;
	void *fpu;
};

struct arch_mm {
	phys_addr_t root;
	u64 *pml4;
};

struct arch_context {
	u64 rsp;
};

#endif
