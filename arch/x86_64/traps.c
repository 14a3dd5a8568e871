/*
 * The IDT, exception reporting and interrupt dispatch. Exceptions in the
 * kernel print the registers, the faulting address and a symbolized
 * backtrace, then panic, unless a user-copy routine faulted (then the page
 * may be supplied by mm_handle_fault, or the copy fails with -EFAULT).
 * Exceptions in user mode resolve page faults or end the program with the
 * signal Linux would send. Device interrupts go to handlers registered
 * with x86_set_irq_handler(); on the way out the scheduler may preempt,
 * and returns to user mode do the exit work first.
 */
#include <ferrite/printk.h>
#include <ferrite/printk_ctl.h>
#include <ferrite/errno.h>
#include <ferrite/ksyms.h>
#include <ferrite/sched.h>
#include <ferrite/mm.h>
#include <ferrite/process.h>
#include <ferrite/signal.h>
#include <ferrite/vm.h>
#include <asm/user.h>
#include <asm/x86.h>
#include <asm/setup.h>
#include <asm/traps.h>

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __packed;

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

#define GATE_INTERRUPT	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3	0x60	/* also reachable by int/int3 from ring 3 */

#define X86_TRAP_OF	4
#define X86_TRAP_BR	5
#define X86_TRAP_NM	7
#define X86_TRAP_TS	10
#define X86_TRAP_NP	11
#define X86_TRAP_SS	12
#define X86_TRAP_MF	16
#define X86_TRAP_AC	17
#define X86_TRAP_XM	19

#define PF_ERR_PRESENT	0x1
#define PF_ERR_WRITE	0x2
#define PF_ERR_FETCH	0x10

extern char isr_stubs[];	/* entry.S: 256 stubs, 16 bytes apart */

static struct idt_gate idt[256] __aligned(16);

/* [irq_lock] handlers are installed rarely and read in interrupt context. */
static struct {
	irq_handler_t fn;
	void *data;
} irq_table[256];

static void idt_set(unsigned int vec, unsigned int ist)
{
	u64 addr = (u64)(uintptr_t)(isr_stubs + vec * 16);
	struct idt_gate *g = &idt[vec];

	g->offset_lo = addr & 0xffff;
	g->selector = GDT_KERNEL_CS;
	g->ist = ist;
	g->type_attr = GATE_INTERRUPT;
	g->offset_mid = (addr >> 16) & 0xffff;
	g->offset_hi = addr >> 32;
	g->reserved = 0;
}

void idt_init(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed d = { sizeof(idt) - 1, (u64)(uintptr_t)idt };

	for (unsigned int v = 0; v < 256; v++)
		idt_set(v, 0);
	idt_set(X86_TRAP_DF, IST_DOUBLE_FAULT);
	idt_set(X86_TRAP_NMI, IST_NMI);
	idt_set(X86_TRAP_MC, IST_MACHINE_CHECK);
	/* int3 from user mode must reach #BP (SIGTRAP), not #GP, as on Linux. */
	idt[X86_TRAP_BP].type_attr |= GATE_DPL3;
	__asm__ __volatile__("lidt %0" : : "m"(d));
	/* The other entry from user mode, SYSCALL, and what it relies on. */
	x86_user_init();
}

int x86_set_irq_handler(u8 vector, irq_handler_t fn, void *data)
{
	unsigned long flags;
	int ret = 0;

	if (vector < 32)
		return -EINVAL;
	flags = arch_irq_save();
	if (irq_table[vector].fn && fn) {
		ret = -EBUSY;
	} else {
		irq_table[vector].data = data;
		WRITE_ONCE(irq_table[vector].fn, fn);
	}
	arch_irq_restore(flags);
	return ret;
}

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack segment fault",
	"general protection fault", "page fault", "reserved",
	"x87 floating point error", "alignment check", "machine check",
	"SIMD floating point error", "virtualization exception",
	"control protection exception",
};

/*
 * Frame-pointer backtrace. Each frame is [saved rbp][return address]; we
 * follow the chain only while it stays inside mapped kernel memory and
 * moves toward older frames, so a corrupt chain ends the walk, not the
 * kernel. Older frames are at higher addresses except where the walk
 * crosses from an interrupt stack (IST) to the interrupted task's stack;
 * that may happen twice at most.
 */
static void backtrace_from(uintptr_t rbp)
{
	int stack_switches = 0;

	printk(KERN_EMERG "Call Trace:\n");
	for (int depth = 0; depth < 32 && rbp; depth++) {
		const uintptr_t *frame = (const uintptr_t *)rbp;
		uintptr_t ret;

		if (!IS_ALIGNED(rbp, 8) || !kernel_addr_mapped(rbp) ||
		    !kernel_addr_mapped(rbp + 15))
			break;
		ret = frame[1];
		if (ret < KERNEL_VMA)
			break;
		printk(KERN_EMERG " [<%016lx>] %pS\n", (unsigned long)ret,
		       (void *)ret);
		if (frame[0] <= rbp && ++stack_switches > 2)
			break;
		rbp = frame[0];
	}
}

void arch_dump_stack(void)
{
	backtrace_from((uintptr_t)__builtin_frame_address(0));
}

void trap_dump_frame(const struct trap_frame *tf)
{
	printk(KERN_EMERG "RIP: %04llx:%pS\n", (unsigned long long)tf->cs,
	       (void *)tf->rip);
	printk(KERN_EMERG "RSP: %04llx:%016llx EFLAGS: %08llx\n",
	       (unsigned long long)tf->ss, (unsigned long long)tf->rsp,
	       (unsigned long long)tf->rflags);
	printk(KERN_EMERG "RAX: %016llx RBX: %016llx RCX: %016llx\n",
	       (unsigned long long)tf->rax, (unsigned long long)tf->rbx,
	       (unsigned long long)tf->rcx);
	printk(KERN_EMERG "RDX: %016llx RSI: %016llx RDI: %016llx\n",
	       (unsigned long long)tf->rdx, (unsigned long long)tf->rsi,
	       (unsigned long long)tf->rdi);
	printk(KERN_EMERG "RBP: %016llx R08: %016llx R09: %016llx\n",
	       (unsigned long long)tf->rbp, (unsigned long long)tf->r8,
	       (unsigned long long)tf->r9);
	printk(KERN_EMERG "R10: %016llx R11: %016llx R12: %016llx\n",
	       (unsigned long long)tf->r10, (unsigned long long)tf->r11,
	       (unsigned long long)tf->r12);
	printk(KERN_EMERG "R13: %016llx R14: %016llx R15: %016llx\n",
	       (unsigned long long)tf->r13, (unsigned long long)tf->r14,
	       (unsigned long long)tf->r15);
	printk(KERN_EMERG "CR2: %016llx CR3: %016llx CR4: %016llx\n",
	       (unsigned long long)read_cr2(), (unsigned long long)read_cr3(),
	       (unsigned long long)read_cr4());
}

/*
 * The registers at a panic() call, for the report. The values are those
 * of the asm statement below, a few instructions into the caller: enough
 * to read the stack pointer, the flags and whatever the caller left in the
 * callee-saved registers. (The register holding @tf shows its address.)
 */
void arch_dump_regs(void)
{
	struct trap_frame tf = { 0 };

	__asm__ __volatile__(
		"movq %%r15, 0(%0)\n\tmovq %%r14, 8(%0)\n\t"
		"movq %%r13, 16(%0)\n\tmovq %%r12, 24(%0)\n\t"
		"movq %%r11, 32(%0)\n\tmovq %%r10, 40(%0)\n\t"
		"movq %%r9, 48(%0)\n\tmovq %%r8, 56(%0)\n\t"
		"movq %%rbp, 64(%0)\n\tmovq %%rdi, 72(%0)\n\t"
		"movq %%rsi, 80(%0)\n\tmovq %%rdx, 88(%0)\n\t"
		"movq %%rcx, 96(%0)\n\tmovq %%rbx, 104(%0)\n\t"
		"movq %%rax, 112(%0)\n\t"
		"leaq 0(%%rip), %%rax\n\tmovq %%rax, 136(%0)\n\t"
		"movq %%cs, %%rax\n\tmovq %%rax, 144(%0)\n\t"
		"pushfq\n\tpopq 152(%0)\n\t"
		"movq %%rsp, 160(%0)\n\t"
		"movq %%ss, %%rax\n\tmovq %%rax, 168(%0)"
		: : "r"(&tf) : "rax", "memory");
	trap_dump_frame(&tf);
}

/* The interrupted code's rbp chain starts at the fake frame entry.S made. */
static void dump_trap(const struct trap_frame *tf)
{
	trap_dump_frame(tf);
	backtrace_from((uintptr_t)tf - 16);
}

static void page_fault_report(const struct trap_frame *tf)
{
	u64 addr = read_cr2();
	u64 ec = tf->error_code;

	if (vmap_is_guard(addr))
		pr_emerg("BUG: kernel stack overflow (guard page hit at 0x%016llx)\n",
			 (unsigned long long)addr);
	else if (x86_smap_enabled && addr < USER_TOP && (ec & 1) &&
		 !(ec & 4) && !(tf->rflags & (1UL << 18)))	/* EFLAGS.AC: window shut */
		pr_emerg("BUG: SMAP violation: kernel access to user address 0x%016llx outside the copy routines\n",
			 (unsigned long long)addr);
	else
		pr_emerg("BUG: unable to handle page fault for address: 0x%016llx\n",
			 (unsigned long long)addr);
	pr_emerg("#PF: %s %s access in %s mode\n",
		 (ec & 4) ? "user" : "supervisor",
		 (ec & 16) ? "instruction fetch" : (ec & 2) ? "write" : "read",
		 (ec & 4) ? "user" : "kernel");
	pr_emerg("#PF: error_code(0x%04llx) - %s\n", (unsigned long long)ec,
		 (ec & 1) ? "protection violation" : "not-present page");
}

static __noreturn void kernel_exception(struct trap_frame *tf)
{
	unsigned int v = (unsigned int)tf->vector;

	printk_panic_mode();
	if (v == X86_TRAP_PF)
		page_fault_report(tf);
	else if (v == X86_TRAP_DF && vmap_is_guard(tf->rsp))
		pr_emerg("BUG: kernel stack overflow (double fault, rsp 0x%016llx in a guard page)\n",
			 (unsigned long long)tf->rsp);
	else
		pr_emerg("BUG: %s (vector %u) error_code 0x%llx\n",
			 v < 32 && exception_names[v] ? exception_names[v] : "exception",
			 v, (unsigned long long)tf->error_code);
	dump_trap(tf);
	panic_no_trace("Fatal exception");
}

static const struct exception_entry *search_exception_table(u64 rip)
{
	extern const struct exception_entry __ex_table_start[], __ex_table_end[];

	for (const struct exception_entry *e = __ex_table_start;
	     e < __ex_table_end; e++) {
		if (e->insn == rip)
			return e;
	}
	return NULL;
}

/* Resume at a registered fixup if @tf faulted in a user-copy routine. */
static bool fixup_exception(struct trap_frame *tf)
{
	const struct exception_entry *e = search_exception_table(tf->rip);

	if (!e)
		return false;
	tf->rip = e->fixup;
	return true;
}

/*
 * A user-copy routine touched a user page that is not there yet (demand
 * paging) or is copy-on-write: let mm/ supply it and retry. Only the copy
 * routines may touch user memory, and only where they may sleep
 * (interrupts were on, no preemption-disabled section); anything else
 * goes to the fixup or the oops.
 */
static bool kernel_user_fault(struct trap_frame *tf, u64 addr)
{
	struct process *p = current_process();
	int err;

	if (addr >= USER_TOP || !p || !p->mm || !search_exception_table(tf->rip))
		return false;
	if (!(tf->rflags & X86_EFLAGS_IF) || this_cpu()->preempt_count)
		return false;
	arch_irq_enable();
	err = mm_handle_fault(p->mm, addr,
			      (tf->error_code & PF_ERR_WRITE) ? FAULT_WRITE : 0);
	arch_irq_disable();
	return err == 0;
}

static void handle_exception(struct trap_frame *tf)
{
	switch (tf->vector) {
	case X86_TRAP_NMI:
		pr_warn("NMI received, ignored\n");
		return;
	case X86_TRAP_PF:
		if (kernel_user_fault(tf, read_cr2()))
			return;
		if (fixup_exception(tf))
			return;
		break;
	case X86_TRAP_GP:
		if (fixup_exception(tf))
			return;
		break;
	}
	kernel_exception(tf);
}

/* What Linux sends for exception @v in user mode: signal, si_code, name. */
struct user_trap {
	int sig;
	int code;
	const char *why;
};

static struct user_trap user_exception_signal(unsigned int v)
{
	switch (v) {
	case X86_TRAP_DE:
		return (struct user_trap){ SIGFPE, FPE_INTDIV, "divide error" };
	case X86_TRAP_DB:
		return (struct user_trap){ SIGTRAP, TRAP_TRACE, "debug trap" };
	case X86_TRAP_BP:
		/* Linux's do_int3_user: a plain force_sig, so SI_KERNEL. */
		return (struct user_trap){ SIGTRAP, SI_KERNEL, "int3" };
	case X86_TRAP_UD:
		return (struct user_trap){ SIGILL, ILL_ILLOPN, "invalid opcode" };
	case X86_TRAP_NP:
		return (struct user_trap){ SIGBUS, SI_KERNEL, "segment not present" };
	case X86_TRAP_SS:
		return (struct user_trap){ SIGBUS, SI_KERNEL, "stack segment" };
	case X86_TRAP_AC:
		return (struct user_trap){ SIGBUS, BUS_ADRALN, "alignment check" };
	case X86_TRAP_MF:
		return (struct user_trap){ SIGFPE, FPE_FLTINV, "x87 floating point error" };
	case X86_TRAP_XM:
		return (struct user_trap){ SIGFPE, FPE_FLTINV, "SIMD floating point error" };
	case X86_TRAP_GP:
		return (struct user_trap){ SIGSEGV, SI_KERNEL, "general protection fault" };
	default:
		return (struct user_trap){ SIGSEGV, SI_KERNEL,
			v < 32 && exception_names[v] ? exception_names[v] : "trap" };
	}
}

/* A page fault in ring 3 the handler could not resolve; 0 if it did. */
static int user_page_fault(struct process *p, u64 addr, u64 ec,
			   struct user_trap *k)
{
	unsigned int flags = FAULT_USER;
	int err;

	if (ec & PF_ERR_WRITE)
		flags |= FAULT_WRITE;
	if (ec & PF_ERR_FETCH)
		flags |= FAULT_EXEC;
	err = p->mm ? mm_handle_fault(p->mm, addr, flags) : -EFAULT;
	switch (err) {
	case 0:
		return 0;
	case -EFAULT:
		k->sig = user_fault_signal(p->mm, addr, &k->code);
		k->why = k->sig == SIGBUS ? "bus error" : "segfault";
		return k->sig;
	case -ENOMEM:
		/* Linux's OOM killer: SIGKILL. */
		*k = (struct user_trap){ SIGKILL, SI_KERNEL, "out of memory" };
		return SIGKILL;
	default:
		*k = (struct user_trap){ SIGBUS, BUS_ADRERR, "bus error" };
		return SIGBUS;
	}
}

/*
 * An exception in ring 3. Interrupts go back on (the program ran with
 * them on, and resolving a fault may sleep); a fault that cannot be
 * resolved becomes a signal with Linux's si_code and si_addr (the
 * address for page faults, the instruction for #DE/#UD/#MF/#XM, 0 for
 * #GP and int3), delivered on the way out. The "segfault at" line is
 * printed when no handler will take it.
 */
static void user_exception(struct trap_frame *tf)
{
	unsigned int v = (unsigned int)tf->vector;
	u64 addr = v == X86_TRAP_PF ? read_cr2() : 0;
	struct user_trap k;
	struct process *p;

	if (v == X86_TRAP_DF || v == X86_TRAP_MC)
		kernel_exception(tf);
	arch_irq_enable();
	p = current_process();
	if (!p) {
		/* Only self-tests run user code without a process. */
		if (!x86_user_test_trap(tf)) {
			arch_irq_disable();
			kernel_exception(tf);
		}
		arch_irq_disable();
		return;
	}
	if (v == X86_TRAP_PF) {
		if (!user_page_fault(p, addr, tf->error_code, &k)) {
			arch_irq_disable();
			return;
		}
	} else {
		k = user_exception_signal(v);
		if (k.sig == SIGFPE || k.sig == SIGILL || v == X86_TRAP_DB)
			addr = tf->rip;
	}
	if (k.sig == SIGKILL) {
		force_sig(SIGKILL);
	} else {
		signal_log_fault(k.sig, k.why, v == X86_TRAP_PF ? addr : ~0ULL,
				 tf->rip, tf->rsp, tf->error_code);
		force_sig_fault(k.sig, k.code, addr);
	}
	arch_irq_disable();
}

void trap_dispatch(struct trap_frame *tf);
static void dispatch_irq(struct trap_frame *tf, unsigned int v)
{
	irq_handler_t fn;

	if (v == VECTOR_SPURIOUS)
		return;		/* no EOI for the spurious vector */
	fn = READ_ONCE(irq_table[v].fn);
	if (fn)
		fn(tf, irq_table[v].data);
	else
		pr_warn("unexpected interrupt on vector %u\n", v);
}

void trap_dispatch(struct trap_frame *tf)
{
	unsigned int v = (unsigned int)tf->vector;

	if (!regs_user_mode(tf)) {
		if (v < 32)
			handle_exception(tf);
		else
			dispatch_irq(tf, v);
		/* Preempt only code that ran with interrupts enabled. */
		if (v >= 32 && (tf->rflags & X86_EFLAGS_IF))
			sched_irq_exit();
		return;
	}
	if (v == X86_TRAP_NMI) {
		/* On the NMI stack: no scheduling from here. */
		pr_warn("NMI received, ignored\n");
		return;
	}
	if (v < 32)
		user_exception(tf);
	else
		dispatch_irq(tf, v);
	exit_to_user_mode(tf);
	x86_prepare_user_return(tf);
}

extern char thread_trampoline[];

void arch_context_init(struct arch_context *ctx, void *stack_top,
		       void (*fn)(void *), void *arg)
{
	/* The top of every kernel stack is the user frame (task_user_regs). */
	u64 *sp = (u64 *)(ALIGN_DOWN((uintptr_t)stack_top, 16) -
			  USER_FRAME_RESERVE);

	/*
	 * Layout popped by arch_context_switch: r15 r14 r13 r12 rbx rbp, then
	 * ret into thread_trampoline with rsp 16-byte aligned, so its call
	 * enters fn with rsp % 16 == 8 as the ABI wants.
	 */
	*--sp = (u64)(uintptr_t)thread_trampoline;
	*--sp = 0;				/* rbp */
	*--sp = 0;				/* rbx */
	*--sp = (u64)(uintptr_t)fn;		/* r12 */
	*--sp = (u64)(uintptr_t)arg;		/* r13 */
	*--sp = 0;				/* r14 */
	*--sp = 0;				/* r15 */
	ctx->rsp = (u64)(uintptr_t)sp;
}
