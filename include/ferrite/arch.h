/*
 * The one narrow interface between the portable kernel and the machine.
 * Everything outside arch/ reaches the hardware only through these names;
 * arch/x86_64/include/asm/ holds their inline bodies and is private to it.
 */
#ifndef FERRITE_ARCH_H
#define FERRITE_ARCH_H

#include <ferrite/compiler.h>
#include <asm/arch_inline.h>	/* arch_irq_*, arch_cpu_relax, PAGE_SIZE, ... */

/*
 * Provided by asm/arch_inline.h:
 *   PAGE_SHIFT, PAGE_SIZE, DIRECT_MAP_BASE, KERNEL_VMA
 *   unsigned long arch_irq_save(void);        disable, return old state
 *   void arch_irq_restore(unsigned long);
 *   void arch_irq_enable(void), arch_irq_disable(void);
 *   bool arch_irqs_enabled(void);
 *   void arch_cpu_relax(void);                 spin-wait hint
 *   void arch_wait_for_interrupt(void);        enable irqs and halt once
 *   u64 arch_cycles(void);                     raw cycle counter (TSC)
 *   struct arch_context;                       saved kernel registers
 */

/* Physical <-> direct-map virtual. Valid for RAM only (not MMIO). */
static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

static inline phys_addr_t virt_to_phys(const void *va)
{
	return (phys_addr_t)((uintptr_t)va - DIRECT_MAP_BASE);
}

/* Kernel mappings outside the direct map (vmap area, MMIO). */
#define KMAP_READ	0x1
#define KMAP_WRITE	0x2
#define KMAP_EXEC	0x4
#define KMAP_UNCACHED	0x8	/* device memory */

/* Map one 4 KiB page at @va (in the vmap area). 0 or -ENOMEM/-EEXIST. */
int arch_kmap_page(uintptr_t va, phys_addr_t pa, unsigned int prot);
/* Unmap one page and flush its TLB entry; returns the physical address. */
phys_addr_t arch_kunmap_page(uintptr_t va);
/* Map device registers uncached; NULL on failure. Never unmapped today. */
void *ioremap(phys_addr_t pa, size_t len);

/* Time: monotonic nanoseconds since boot, and the wall clock at boot. */
u64 arch_clock_ns(void);
u64 arch_cycles_to_ns(u64 cycles);
u64 arch_boot_realtime_ns(void);	/* Unix epoch ns, read from the RTC */
u64 arch_tsc_khz(void);

/* Periodic tick: the arch calls timer_tick() (kernel/) at CONFIG_HZ. */
void arch_timer_start(unsigned int hz);
void timer_tick(void);			/* implemented by kernel/ */

/*
 * Kernel threads' register state. arch_context_init() prepares @ctx so
 * that the first arch_context_switch() into it calls fn(arg) on the stack
 * that ends at @stack_top; fn must never return.
 */
void arch_context_init(struct arch_context *ctx, void *stack_top,
		       void (*fn)(void *), void *arg);
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/* Power. These never return. */
/* Print the registers of the caller (panic reports). */
void arch_dump_regs(void);
__noreturn void arch_poweroff(void);
__noreturn void arch_reboot(void);
/* Report a test result to the VMM (isa-debug-exit) if enabled, then stop. */
__noreturn void arch_test_exit(int code);

/* Boot. */
u64 arch_boot_cycles(void);		/* cycle counter at the first instruction */
struct cmdline;
void arch_parse_cmdline(const struct cmdline *cl);	/* console=, debug_exit */
void arch_platform_init(void);		/* firmware tables, interrupts, clocks */

/* Fault-tolerant byte access to kernel addresses: 0 or -EFAULT. */
int arch_probe_write_u8(void *p, u8 v);
int arch_probe_read_u8(const void *p, u8 *out);

/*
 * User mode (arch/x86_64/user.c, fpu.c; docs/user-mode.md). Every task's
 * kernel stack keeps its top for the user register frame; an entry from
 * user mode saves the registers there.
 */
struct task;
struct trap_frame *task_user_regs(struct task *t);	/* not the boot task */
struct trap_frame *current_user_regs(void);

/* Scheduler hook, interrupts off, right before arch_context_switch(). */
void arch_task_switch(struct task *prev, struct task *next);

/*
 * User thread state: allocate t->arch.fpu as a copy of @parent's state
 * (a clean one when @parent is NULL or has none) and copy its FS/GS
 * bases. 0 or -ENOMEM. arch_thread_free() releases it.
 */
int arch_thread_init(struct task *t, const struct task *parent);
void arch_thread_free(struct task *t);
/* exec: clean FPU state (needs arch_thread_init first), FS/GS base 0. */
void arch_thread_exec_reset(struct task *t);
u64 arch_elf_hwcap(void);		/* AT_HWCAP */
const char *arch_elf_platform(void);	/* AT_PLATFORM */

/*
 * fork/clone: @child's user frame becomes a copy of @parent_regs with the
 * return value 0, the stack @new_sp unless 0, and FS base @tls if
 * @set_tls; its first switch runs sched_finish_switch() and returns to
 * user mode. Call after arch_thread_init(child, parent). 0 or -EPERM
 * (@tls not a user address).
 */
int arch_task_fork(struct task *child, const struct trap_frame *parent_regs,
		   uintptr_t new_sp, bool set_tls, uintptr_t tls);
/* exec: registers zeroed as Linux's start_thread, user CS/SS, IF set. */
void arch_exec_set_regs(struct trap_frame *regs, uintptr_t ip, uintptr_t sp);
/* Enter user mode through current_user_regs() (init's first entry). */
__noreturn void arch_return_to_user(void);

/*
 * Implemented by kernel/: the work due before any return to user mode
 * (reschedule, later signals). Called with interrupts off; may enable
 * them to do the work; returns with them off and nothing left pending.
 * arch/x86_64/user.c has a weak default that only reschedules.
 */
void exit_to_user_mode(struct trap_frame *regs);

/* Debugging. */
void arch_dump_stack(void);		/* symbolized backtrace of the caller */
__noreturn void arch_halt_forever(void);

#endif
