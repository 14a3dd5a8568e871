/*
 * Per-CPU data reached through the GS base. In the kernel MSR_GS_BASE
 * points at this CPU's struct x86_percpu and MSR_KERNEL_GS_BASE holds the
 * user's GS base; every entry from and exit to ring 3 swaps them (swapgs).
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

/* Offsets used by the entry code; checked against the struct below. */
#define PERCPU_SELF		0
#define PERCPU_KSTACK_TOP	8
#define PERCPU_USER_RSP		16

#ifndef __ASSEMBLY__

#include <ferrite/types.h>
#include <ferrite/compiler.h>

struct arch_mm;
struct task;

/*
 * One per CPU. Legend: [I] immutable after percpu_init, [cpu] touched only
 * by code on this CPU with interrupts disabled (the switch path) or by the
 * entry code before interrupts are enabled.
 */
struct x86_percpu {
	struct x86_percpu *self;	/* [I] %gs:0, to find the struct */
	u64 kernel_stack_top;		/* [cpu] running task's stack top (= TSS rsp0) */
	u64 user_rsp;			/* [cpu] scratch: user rsp during syscall entry */
	struct arch_mm *loaded_mm;	/* [cpu] whose root is in CR3; NULL: kernel's */
	u64 fs_base;			/* [cpu] value in MSR_FS_BASE */
	u64 user_gs_base;		/* [cpu] value in MSR_KERNEL_GS_BASE */
};

_Static_assert(__builtin_offsetof(struct x86_percpu, self) == PERCPU_SELF,
	       "percpu self offset");
_Static_assert(__builtin_offsetof(struct x86_percpu, kernel_stack_top) ==
	       PERCPU_KSTACK_TOP, "percpu kernel stack offset");
_Static_assert(__builtin_offsetof(struct x86_percpu, user_rsp) ==
	       PERCPU_USER_RSP, "percpu user rsp offset");

/* One CPU today; SMP turns this into a %gs:0 load. */
extern struct x86_percpu x86_cpu0;

static inline struct x86_percpu *x86_this_cpu(void)
{
	return &x86_cpu0;
}

void percpu_init(void);

#endif /* __ASSEMBLY__ */
#endif
