/*
 * Running user programs on x86_64: the SYSCALL MSRs and the C half of the
 * syscall entry, the user register frame at the top of each kernel stack,
 * the per-switch work (TSS rsp0, FPU, TLS bases, page tables), fork/exec
 * register set-up and the way back to ring 3. See docs/user-mode.md.
 */
#include <ferrite/errno.h>
#include <ferrite/pgtable.h>
#include <ferrite/printk.h>
#include <ferrite/process.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/syscall.h>
#include <ferrite/vm.h>
#include <asm/percpu.h>
#include <asm/setup.h>
#include <asm/user.h>
#include <asm/x86.h>

_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap frame layout");
_Static_assert(USER_FRAME_RESERVE == ALIGN_UP(sizeof(struct trap_frame), 16),
	       "user frame reservation");
_Static_assert(ENTRY_USER_CS == GDT_USER_CS && ENTRY_USER_DS == GDT_USER_DS,
	       "entry selectors");
_Static_assert(ENTRY_TRAP_SYSCALL == TRAP_SYSCALL, "syscall vector");
_Static_assert(ENTRY_ENOSYS == ENOSYS, "ENOSYS");

/* RFLAGS bits SYSCALL clears on entry, as Linux: IF, DF, TF, AC, NT, ... */
#define SYSCALL_FMASK	0x257fd5UL

#define CPUID7_EBX_SMEP	(1U << 7)
#define CPUID7_EBX_SMAP	(1U << 20)

/* uaccess.S: nonzero once SMAP is on, so its stac/clac may run. */

extern char syscall_entry[], syscall32_entry[];

void syscall_init(void)
{
	/*
	 * STAR[47:32]: SYSCALL loads CS 0x10, SS 0x18. STAR[63:48]: SYSRET
	 * to 64-bit code loads CS = base + 16 = 0x33 and SS = base + 8 = 0x2b.
	 */
	wrmsr(MSR_STAR, ((u64)GDT_USER32_CS << 48) | ((u64)GDT_KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)(uintptr_t)syscall_entry);
	wrmsr(MSR_CSTAR, (u64)(uintptr_t)syscall32_entry);
	wrmsr(MSR_FMASK, SYSCALL_FMASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* Everything a CPU needs before it can run user code; from idt_init(). */
void x86_user_init(void)
{
	u32 ebx7 = cpuid(0, 0).eax >= 7 ? cpuid(7, 0).ebx : 0;

	percpu_init();
	syscall_init();
	fpu_init();
	/* The kernel never runs code from user pages: make that a fault. */
	if (ebx7 & CPUID7_EBX_SMEP)
		write_cr4(read_cr4() | CR4_SMEP);
	/*
	 * Nor reads or writes user pages outside the copy routines, which
	 * open a stac/clac window (uaccess.S). SYSCALL clears RFLAGS.AC
	 * through FMASK, so a system call starts with the window closed.
	 */
#ifdef CONFIG_X86_SMAP
	if (ebx7 & CPUID7_EBX_SMAP) {
		write_cr4(read_cr4() | CR4_SMAP);
		x86_smap_enabled = 1;
	}
#endif
}

/* --- the user register frame ------------------------------------------ */

struct trap_frame *task_user_regs(struct task *t)
{
	/* The boot task runs on the boot stack, whose top is in use. */
	BUG_ON(!t->stack);
	return (struct trap_frame *)((char *)t->stack + t->stack_size -
				     USER_FRAME_RESERVE);
}

struct trap_frame *current_user_regs(void)
{
	return task_user_regs(current());
}

/* --- context switch ----------------------------------------------------- */

void x86_load_user_tls(const struct task *t)
{
	struct x86_percpu *pc = x86_this_cpu();

	/* arch.fs_base/gs_base are authoritative: only arch_prctl sets them. */
	if (pc->fs_base != t->arch.fs_base) {
		wrmsr(MSR_FS_BASE, t->arch.fs_base);
		pc->fs_base = t->arch.fs_base;
	}
	if (pc->user_gs_base != t->arch.gs_base) {
		wrmsr(MSR_KERNEL_GS_BASE, t->arch.gs_base);
		pc->user_gs_base = t->arch.gs_base;
	}
}

/* The user address space @t runs in, or NULL for a pure kernel thread. */
static struct arch_mm *task_arch_mm(struct task *t)
{
	if (t->proc && t->proc->mm)
		return &t->proc->mm->arch;
	return t->arch.borrowed_mm;
}

/*
 * Called by the scheduler with its lock held and interrupts off, just
 * before the stack switch. Kernel threads keep whatever page tables are
 * loaded (no CR3 write on the way to idle and back); arch_mm_destroy()
 * leaves a root that is still loaded, so none is freed while in CR3.
 */
void arch_task_switch(struct task *prev, struct task *next)
{
	struct x86_percpu *pc = x86_this_cpu();
	struct arch_mm *am = task_arch_mm(next);

	if (next->stack) {
		uintptr_t top = (uintptr_t)next->stack + next->stack_size;

		pc->kernel_stack_top = top;
		gdt_set_kernel_stack(top);
	}
	fpu_switch(prev, next);
	if (next->arch.fpu)		/* only user threads care about TLS */
		x86_load_user_tls(next);
	if (am)
		arch_mm_switch(am);
}

/* --- the way back to ring 3 -------------------------------------------- */

/*
 * Default for the kernel's exit work until kernel/ provides the real one
 * (reschedule, then signals): only the reschedule. Contract: called with
 * interrupts off, may enable them to do its work, returns with them off
 * and nothing pending.
 */
__attribute__((weak)) void exit_to_user_mode(struct trap_frame *regs)
{
	while (need_resched()) {
		arch_irq_enable();
		schedule();
		arch_irq_disable();
	}
}

/*
 * A return address IRETQ would fault on in ring 0 (only a frame a
 * program edited, e.g. through sigreturn, can hold one; rt_sigreturn
 * already refuses it): kill the program with SIGSEGV, as Linux's #GP
 * on IRET would.
 */
static __noreturn void bad_user_return(struct trap_frame *regs)
{
	arch_irq_enable();
	if (current_process()) {
		signal_log_fault(SIGSEGV, "bad return address", regs->rip,
				 regs->rip, regs->rsp, 0);
		force_fatal_sig(SIGSEGV);
	}
	panic("kernel thread returning to user rip %#llx",
	      (unsigned long long)regs->rip);
}

bool x86_prepare_user_return(struct trap_frame *regs)
{
	regs->cs = GDT_USER_CS;
	regs->ss = GDT_USER_DS;
	/* Never IOPL, NT or VM from a frame someone may have edited. */
	regs->rflags = (regs->rflags & X86_EFLAGS_USER) | X86_EFLAGS_IF |
		       X86_EFLAGS_FIXED;
	if (regs->rip >= (1UL << 47))
		bad_user_return(regs);
	/*
	 * SYSRET takes rip from rcx and rflags from r11, cannot restore RF,
	 * and with TF set traps right after it; IRETQ for anything else.
	 */
	return regs->rcx == regs->rip && regs->r11 == regs->rflags &&
	       regs->rip < USER_TOP &&
	       !(regs->rflags & (X86_EFLAGS_TF | X86_EFLAGS_RF));
}

bool x86_do_syscall(struct trap_frame *regs)
{
	arch_irq_enable();
	if (likely(current()->proc) || !x86_user_test_trap(regs))
		syscall_dispatch(regs);
	arch_irq_disable();
	exit_to_user_mode(regs);
	return x86_prepare_user_return(regs);
}

__noreturn void arch_return_to_user(void)
{
	struct trap_frame *regs = current_user_regs();

	arch_irq_disable();
	exit_to_user_mode(regs);
	x86_prepare_user_return(regs);
	x86_iret_to_user(regs);
}

/* --- fork and exec ------------------------------------------------------ */

/* A forked child's first code: finish the switch, then its parent's frame. */
static void ret_from_fork(void *unused)
{
	sched_finish_switch();
	arch_return_to_user();
}

int arch_task_fork(struct task *child, const struct trap_frame *parent_regs,
		   uintptr_t new_sp, bool set_tls, uintptr_t tls)
{
	struct trap_frame *regs = task_user_regs(child);

	if (set_tls && tls >= USER_TOP)
		return -EPERM;		/* what arch_prctl(ARCH_SET_FS) says */
	*regs = *parent_regs;
	regs->rax = 0;			/* the child's fork() returns 0 */
	if (new_sp)
		regs->rsp = new_sp;
	if (set_tls)
		child->arch.fs_base = tls;
	arch_context_init(&child->ctx, (char *)child->stack + child->stack_size,
			  ret_from_fork, NULL);
	return 0;
}

void arch_exec_set_regs(struct trap_frame *regs, uintptr_t ip, uintptr_t sp)
{
	u64 vector = regs->vector, nr = regs->error_code;

	/* Like Linux's start_thread: every GPR zero, interrupts on. */
	*regs = (struct trap_frame){ 0 };
	regs->vector = vector;
	regs->error_code = nr;
	regs->rip = ip;
	regs->rsp = sp;
	regs->cs = GDT_USER_CS;
	regs->ss = GDT_USER_DS;
	regs->rflags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
}

/* --- self-test hook ----------------------------------------------------- */

#ifdef CONFIG_SELFTEST
/* Set only while a self-test below runs; read by the entry paths. */
static bool (*user_test_hook)(struct trap_frame *regs);

bool x86_user_test_trap(struct trap_frame *regs)
{
	bool (*hook)(struct trap_frame *) = READ_ONCE(user_test_hook);

	return hook && hook(regs);
}
#else
bool x86_user_test_trap(struct trap_frame *regs)
{
	return false;
}
#endif

/* --- self-tests --------------------------------------------------------- */

#ifdef CONFIG_SELFTEST
#include <ferrite/err.h>
#include <ferrite/mm.h>
#include <ferrite/selftest.h>
#include <ferrite/string.h>
#include <ferrite/uaccess.h>

#define UTEST_CODE	0x400000UL
#define UTEST_STACK	0x7fffff000UL	/* one page; sp at its top */
#define UTEST_DATA	0x600000UL	/* RW page, then RO page, then a hole */

/* Private call numbers, seen only by the test hook, never by the table. */
#define UTEST_NR_CHECK	0x7e50
#define UTEST_NR_YIELD	0x7e51
#define UTEST_NR_EXIT	0x7e52
#define UTEST_NR_FORK	0x7e53
#define UTEST_NR_REPORT	0x7e54	/* exit, reporting rdi and rsi */

/*
 * Hand-assembled user code (gas syntax in the comments). prog_main gets a
 * value V in rdi, keeps it in xmm0 and rbx, makes a checked call, yields,
 * sees the rcx the yield left (which forces the IRETQ return), spins long
 * enough to be interrupted in ring 3, then exits with V + 1 (from the
 * first call) and xmm0 as arguments. prog_fork forks and both sides
 * report the fork result and xmm0.
 */
static const u8 utest_code[] = {
	0x66, 0x48, 0x0f, 0x6e, 0xc7,		/* 00 movq %rdi, %xmm0 */
	0x48, 0x89, 0xfb,			/* 05 movq %rdi, %rbx */
	0xbe, 0x11, 0x11, 0x00, 0x00,		/* 08 movl $0x1111, %esi */
	0xba, 0x22, 0x22, 0x00, 0x00,		/* 0d movl $0x2222, %edx */
	0x41, 0xba, 0x33, 0x33, 0x00, 0x00,	/* 12 movl $0x3333, %r10d */
	0x41, 0xb8, 0x44, 0x44, 0x00, 0x00,	/* 18 movl $0x4444, %r8d */
	0x41, 0xb9, 0x55, 0x55, 0x00, 0x00,	/* 1e movl $0x5555, %r9d */
	0xb8, 0x50, 0x7e, 0x00, 0x00,		/* 24 movl $UTEST_NR_CHECK, %eax */
	0x0f, 0x05,				/* 29 syscall */
	0x49, 0x89, 0xc4,			/* 2b movq %rax, %r12 */
	0xb8, 0x51, 0x7e, 0x00, 0x00,		/* 2e movl $UTEST_NR_YIELD, %eax */
	0x0f, 0x05,				/* 33 syscall */
	0x49, 0x89, 0xcd,			/* 35 movq %rcx, %r13 */
	0xb9, 0x00, 0x00, 0x80, 0x00,		/* 38 movl $0x800000, %ecx */
	0xff, 0xc9,				/* 3d 1: decl %ecx */
	0x75, 0xfc,				/* 3f jnz 1b */
	0x41, 0x54,				/* 41 pushq %r12 */
	0x5f,					/* 43 popq %rdi */
	0x66, 0x48, 0x0f, 0x7e, 0xc6,		/* 44 movq %xmm0, %rsi */
	0xb8, 0x52, 0x7e, 0x00, 0x00,		/* 49 movl $UTEST_NR_EXIT, %eax */
	0x0f, 0x05,				/* 4e syscall */
	0x0f, 0x0b,				/* 50 ud2 */
	0x0f, 0x0b,				/* 52 prog_ud2: ud2 */
	0x48, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00,	/* 54 prog_pf: movq 0x1000, %rax */
	0xcc,					/* 5c prog_int3: int3 */
	0x66, 0x48, 0x0f, 0x6e, 0xc7,		/* 5d prog_fork: movq %rdi, %xmm0 */
	0xb8, 0x53, 0x7e, 0x00, 0x00,		/* 62 movl $UTEST_NR_FORK, %eax */
	0x0f, 0x05,				/* 67 syscall */
	0x48, 0x89, 0xc7,			/* 69 movq %rax, %rdi */
	0x66, 0x48, 0x0f, 0x7e, 0xc6,		/* 6c movq %xmm0, %rsi */
	0xb8, 0x54, 0x7e, 0x00, 0x00,		/* 71 movl $UTEST_NR_REPORT, %eax */
	0x0f, 0x05,				/* 76 syscall */
	0x0f, 0x0b,				/* 78 ud2 */
};

#define UTEST_MAIN		0x00
#define UTEST_AFTER_CHECK	0x2b
#define UTEST_UD2		0x52
#define UTEST_PF		0x54
#define UTEST_INT3		0x5c
#define UTEST_FORK		0x5d
#define UTEST_AFTER_FORK	0x69

/* The rcx the yield hands back: not the return rip, so IRETQ must return. */
#define UTEST_RCX		0xabcdef

/* An address space with the code, a stack, and data pages for uaccess. */
struct utest_env {
	struct arch_mm am;
	void *code, *stack, *data, *rodata;
};

/* Failure bits a user thread reports as its exit code. */
#define UF_FRAME	0x01	/* syscall frame not at the stack top */
#define UF_ARGS		0x02	/* arguments not in rdi rsi rdx r10 r8 r9 */
#define UF_RCX_R11	0x04	/* rcx/r11 not the return rip/rflags */
#define UF_GS		0x08	/* kernel or user GS base wrong */
#define UF_FS		0x10
#define UF_RESULT	0x20	/* return value not seen by user code */
#define UF_FPU		0x40	/* xmm0 lost across a switch */
#define UF_CALLEE	0x80	/* rbx not preserved */
#define UF_STACK	0x100	/* kernel thread stack above the frame */
#define UF_NOMEM	0x200
#define UF_IRET		0x400	/* rcx set by the kernel did not reach user mode */

struct utest_thread {
	struct utest_env *env;
	uintptr_t ip, sp;
	u64 arg, fs_base, gs_base;
	unsigned int fail;
	/* What an exception program trapped with. */
	u64 vector, error_code, rip, cs;
	/* prog_fork: what it reported, and the child it made. */
	u64 report_rdi, report_rsi, report_rsp, report_rip;
	struct utest_thread *child;
	struct task *child_task;	/* with a reference for the test */
};

static int utest_map(struct arch_mm *am, uintptr_t va, void *page,
		     unsigned long prot)
{
	pte_t *slot = arch_pte_slot(am, va, true);

	if (!slot)
		return -ENOMEM;
	*slot = arch_pte_make(virt_to_phys(page), prot);
	return 0;
}

static void utest_env_destroy(struct utest_env *env)
{
	if (env->am.pml4)
		arch_mm_destroy(&env->am);
	if (env->code)
		free_pages_addr(env->code, 0);
	if (env->stack)
		free_pages_addr(env->stack, 0);
	if (env->data)
		free_pages_addr(env->data, 0);
	if (env->rodata)
		free_pages_addr(env->rodata, 0);
}

static int utest_env_init(struct utest_env *env)
{
	*env = (struct utest_env){ 0 };
	if (arch_mm_create(&env->am))
		return -ENOMEM;
	env->code = get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);
	env->stack = get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);
	env->data = get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);
	env->rodata = get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);
	if (!env->code || !env->stack || !env->data || !env->rodata)
		goto fail;
	memcpy(env->code, utest_code, sizeof(utest_code));
	if (utest_map(&env->am, UTEST_CODE, env->code, VM_READ | VM_EXEC) ||
	    utest_map(&env->am, UTEST_STACK, env->stack, VM_READ | VM_WRITE) ||
	    utest_map(&env->am, UTEST_DATA, env->data, VM_READ | VM_WRITE) ||
	    utest_map(&env->am, UTEST_DATA + PAGE_SIZE, env->rodata, VM_READ))
		goto fail;
	return 0;
fail:
	utest_env_destroy(env);
	return -ENOMEM;
}

/* Leave user mode for good: the thread ends inside its trap. */
static __noreturn void utest_thread_exit(struct utest_thread *ut)
{
	struct task *self = current();

	arch_thread_free(self);
	self->arch.borrowed_mm = NULL;
	kthread_exit((int)ut->fail);
}

static void utest_check_tls(struct utest_thread *ut)
{
	if (rdmsr(MSR_GS_BASE) != (u64)(uintptr_t)x86_this_cpu() ||
	    rdmsr(MSR_KERNEL_GS_BASE) != ut->gs_base)
		ut->fail |= UF_GS;
	if (rdmsr(MSR_FS_BASE) != ut->fs_base)
		ut->fail |= UF_FS;
}

/*
 * fork as the process layer will do it: a task, a copy of the FPU state,
 * the parent's frame with rax 0. Returns 1 to the parent, -errno.
 */
static long utest_fork(struct utest_thread *ut, struct trap_frame *regs)
{
	struct task *child = task_alloc("utest-child", TF_KTHREAD);
	int err;

	if (IS_ERR(child))
		return PTR_ERR(child);
	err = arch_thread_init(child, current());
	if (err) {
		task_put(child);
		return err;
	}
	child->arg = ut->child;
	child->arch.borrowed_mm = current()->arch.borrowed_mm;
	err = arch_task_fork(child, regs, 0, false, 0);
	if (err) {
		arch_thread_free(child);
		task_put(child);
		return err;
	}
	ut->child_task = task_get(child);	/* one to run, one for the test */
	sched_start_task(child);
	return 1;
}

static bool utest_hook(struct trap_frame *regs)
{
	struct utest_thread *ut = current()->arg;

	if (regs->vector != TRAP_SYSCALL) {
		ut->vector = regs->vector;
		ut->error_code = regs->error_code;
		ut->rip = regs->rip;
		ut->cs = regs->cs;
		utest_thread_exit(ut);
	}
	switch (regs_syscall_nr(regs)) {
	case UTEST_NR_CHECK:
		if (regs != current_user_regs())
			ut->fail |= UF_FRAME;
		if (regs_syscall_arg(regs, 0) != ut->arg ||
		    regs_syscall_arg(regs, 1) != 0x1111 ||
		    regs_syscall_arg(regs, 2) != 0x2222 ||
		    regs_syscall_arg(regs, 3) != 0x3333 ||
		    regs_syscall_arg(regs, 4) != 0x4444 ||
		    regs_syscall_arg(regs, 5) != 0x5555 ||
		    regs_sp(regs) != ut->sp || regs->cs != GDT_USER_CS ||
		    regs->ss != GDT_USER_DS)
			ut->fail |= UF_ARGS;
		if (regs->rcx != UTEST_CODE + UTEST_AFTER_CHECK ||
		    regs_ip(regs) != regs->rcx || regs->r11 != regs->rflags ||
		    !(regs->rflags & X86_EFLAGS_IF))
			ut->fail |= UF_RCX_R11;
		utest_check_tls(ut);
		regs_set_return(regs, (long)(ut->arg + 1));
		return true;
	case UTEST_NR_YIELD:
		sched_yield();
		regs_set_return(regs, 0);
		regs->rcx = UTEST_RCX;
		return true;
	case UTEST_NR_FORK:
		regs_set_return(regs, utest_fork(ut, regs));
		return true;
	case UTEST_NR_REPORT:
		ut->report_rdi = regs_syscall_arg(regs, 0);
		ut->report_rsi = regs_syscall_arg(regs, 1);
		ut->report_rsp = regs_sp(regs);
		ut->report_rip = regs_ip(regs);
		utest_thread_exit(ut);
	case UTEST_NR_EXIT:
		if (regs_syscall_arg(regs, 0) != ut->arg + 1)
			ut->fail |= UF_RESULT;
		if (regs_syscall_arg(regs, 1) != ut->arg)
			ut->fail |= UF_FPU;
		if (regs->rbx != ut->arg)
			ut->fail |= UF_CALLEE;
		if (regs->r13 != UTEST_RCX)
			ut->fail |= UF_IRET;
		utest_check_tls(ut);
		utest_thread_exit(ut);
	}
	return false;
}

/* A kernel thread that becomes a user thread, as init will. */
static void utest_thread_main(void *arg)
{
	struct utest_thread *ut = arg;
	struct task *self = current();
	struct trap_frame *regs = current_user_regs();
	unsigned long irq;

	if ((uintptr_t)__builtin_frame_address(0) >= (uintptr_t)regs)
		ut->fail |= UF_STACK;
	if (arch_thread_init(self, NULL)) {
		ut->fail |= UF_NOMEM;
		kthread_exit((int)ut->fail);
	}
	irq = arch_irq_save();
	self->arch.fs_base = ut->fs_base;
	self->arch.gs_base = ut->gs_base;
	x86_load_user_tls(self);
	self->arch.borrowed_mm = &ut->env->am;
	arch_mm_switch(&ut->env->am);
	arch_irq_restore(irq);
	arch_exec_set_regs(regs, ut->ip, ut->sp);
	regs->rdi = ut->arg;
	arch_return_to_user();
}

/*
 * Run @n user threads to their end; 0 or -ENOMEM. Exit codes in @codes.
 * The hook stays installed: the caller removes it once no thread it
 * started (forked children too) can still trap.
 */
static int utest_run(struct utest_thread *ut, int *codes, int n)
{
	struct task *t[2];
	int made = 0;

	WRITE_ONCE(user_test_hook, utest_hook);
	for (; made < n; made++) {
		t[made] = kthread_create(utest_thread_main, &ut[made], "utest");
		if (IS_ERR(t[made]))
			break;
	}
	for (int i = 0; i < made; i++)
		codes[i] = kthread_join(t[i]);
	return made == n ? 0 : -ENOMEM;
}

/*
 * Two threads in ring 3 at once: system calls with six arguments and a
 * result, rcx/r11 semantics, per-thread FS/GS bases, xmm0 and rbx kept
 * across a yield and timer preemption in user mode.
 */
SELFTEST(user_mode_syscall_roundtrip_and_switch)
{
	struct utest_env env;
	struct utest_thread ut[2];
	int codes[2] = { -1, -1 };
	int ret;

	ST_EXPECT(utest_env_init(&env) == 0);
	for (int i = 0; i < 2; i++) {
		ut[i] = (struct utest_thread){
			.env = &env, .ip = UTEST_CODE + UTEST_MAIN,
			.sp = UTEST_STACK + PAGE_SIZE - i * 2048,
			.arg = 0x1234567890abcdefULL + (u64)i * 0x1111,
			.fs_base = 0x7f0000001000ULL + (u64)i * PAGE_SIZE,
			.gs_base = 0x7f0000100000ULL + (u64)i * PAGE_SIZE,
		};
	}
	ret = utest_run(ut, codes, 2);
	WRITE_ONCE(user_test_hook, NULL);
	utest_env_destroy(&env);
	ST_EXPECT(ret == 0);
	if (codes[0] || codes[1])
		pr_err("selftest: user threads failed with %#x, %#x\n",
		       codes[0], codes[1]);
	ST_EXPECT(codes[0] == 0);
	ST_EXPECT(codes[1] == 0);
	return 0;
}

/*
 * fork: the child starts in user mode after the parent's syscall with
 * rax 0, the parent's stack and a copy of its FPU registers.
 */
SELFTEST(user_mode_fork_child_returns_zero)
{
	struct utest_env env;
	struct utest_thread child = { 0 }, parent;
	int code = -1, child_code = -1;
	int ret;

	ST_EXPECT(utest_env_init(&env) == 0);
	child.env = &env;
	parent = (struct utest_thread){
		.env = &env, .ip = UTEST_CODE + UTEST_FORK,
		.sp = UTEST_STACK + PAGE_SIZE - 64,
		.arg = 0x5eed5eed5eedULL, .child = &child,
	};
	ret = utest_run(&parent, &code, 1);
	if (parent.child_task)
		child_code = kthread_join(parent.child_task);
	WRITE_ONCE(user_test_hook, NULL);
	utest_env_destroy(&env);
	ST_EXPECT(ret == 0 && code == 0 && parent.child_task);
	ST_EXPECT(child_code == 0);
	ST_EXPECT(parent.report_rdi == 1 && child.report_rdi == 0);
	ST_EXPECT(parent.report_rsi == parent.arg && child.report_rsi == parent.arg);
	ST_EXPECT(child.report_rsp == parent.sp && parent.report_rsp == parent.sp);
	ST_EXPECT(child.report_rip == parent.report_rip);
	return 0;
}

/* Exceptions in ring 3 arrive as user frames with the right vector. */
SELFTEST(user_mode_exceptions_reach_trap_path)
{
	static const struct {
		uintptr_t off;
		u64 vector, rip_off, error_code;
	} progs[] = {
		{ UTEST_UD2, 6, UTEST_UD2, 0 },
		{ UTEST_PF, 14, UTEST_PF, 4 },		/* user read, not present */
		{ UTEST_INT3, 3, UTEST_INT3 + 1, 0 },	/* a trap: rip after int3 */
	};
	struct utest_env env;
	bool ok = true;

	ST_EXPECT(utest_env_init(&env) == 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(progs); i++) {
		struct utest_thread ut = {
			.env = &env, .ip = UTEST_CODE + progs[i].off,
			.sp = UTEST_STACK + PAGE_SIZE,
		};
		int code = -1;
		int ret = utest_run(&ut, &code, 1);

		WRITE_ONCE(user_test_hook, NULL);
		if (ret || code != 0 ||
		    ut.vector != progs[i].vector ||
		    ut.rip != UTEST_CODE + progs[i].rip_off ||
		    ut.error_code != progs[i].error_code ||
		    ut.cs != GDT_USER_CS) {
			pr_err("selftest: user program %u: code %d vector %llu rip %#llx error %#llx\n",
			       i, code, (unsigned long long)ut.vector,
			       (unsigned long long)ut.rip,
			       (unsigned long long)ut.error_code);
			ok = false;
		}
	}
	utest_env_destroy(&env);
	ST_EXPECT(ok);
	return 0;
}

/*
 * The copy routines against a real address space: mapped pages copy,
 * unmapped or read-only ones end the copy with -EFAULT through the fixup
 * table (no process is current, so no fault handler supplies pages), and
 * ranges outside user space are refused before any access.
 */
SELFTEST(uaccess_copies_and_faults_return_efault)
{
	struct task *self = current();
	struct utest_env env;
	char buf[32], kernel_buf[8] = "kernel";
	const uintptr_t ro = UTEST_DATA + PAGE_SIZE, hole = UTEST_DATA + 2 * PAGE_SIZE;
	int r[12];
	long s[4];
	size_t n[4];

	ST_EXPECT(utest_env_init(&env) == 0);
	memset(env.rodata, 'x', PAGE_SIZE);	/* no NUL up to the hole */
	self->arch.borrowed_mm = &env.am;
	arch_mm_switch(&env.am);

	r[0] = copy_to_user(UADDR(UTEST_DATA), "hello, user", 12);
	r[1] = copy_from_user(buf, UADDR(UTEST_DATA + 7), 5);
	/* Four bytes fit before the read-only page: written, then -EFAULT. */
	r[2] = copy_to_user(UADDR(ro - 4), "abcdefgh", 8);
	r[3] = copy_from_user(buf, UADDR(hole), 8);
	r[4] = copy_from_user(buf, UADDR(0x1000), 1);
	r[5] = copy_to_user(UADDR((uintptr_t)kernel_buf), "evil", 4);
	r[6] = copy_from_user(buf, UADDR(USER_TOP - 4), 8);
	r[7] = copy_from_user(buf, UADDR(~0UL - 3), 8);	/* wraps */
	r[8] = clear_user(UADDR(ro), 16);
	r[9] = clear_user(UADDR(UTEST_DATA + 100), 16);
	r[10] = copy_from_user(buf, UADDR(ro - 8), 8 + 8);	/* crosses into RO: readable */
	r[11] = copy_to_user(UADDR(hole), buf, 0);		/* nothing to do */
	s[0] = strncpy_from_user(buf, UADDR(UTEST_DATA), sizeof(buf));
	s[1] = strncpy_from_user(buf, UADDR(UTEST_DATA), 5);
	s[2] = strncpy_from_user(buf, UADDR(hole - 16), sizeof(buf));
	s[3] = strncpy_from_user(buf, UADDR(0xffff888000000000UL), sizeof(buf));
	n[0] = strnlen_user(UADDR(UTEST_DATA), 64);
	n[1] = strnlen_user(UADDR(UTEST_DATA), 3);
	n[2] = strnlen_user(UADDR(hole - 16), 64);
	n[3] = strnlen_user(UADDR(hole), 64);

	self->arch.borrowed_mm = NULL;
	arch_mm_switch(NULL);
	ST_EXPECT(r[0] == 0 && r[1] == 0);
	ST_EXPECT(!memcmp(env.data, "hello, user", 12));
	ST_EXPECT(r[2] == -EFAULT);
	ST_EXPECT(!memcmp((char *)env.data + PAGE_SIZE - 4, "abcd", 4));
	ST_EXPECT(((char *)env.rodata)[0] == 'x');
	ST_EXPECT(r[3] == -EFAULT && r[4] == -EFAULT);
	ST_EXPECT(r[5] == -EFAULT && !strcmp(kernel_buf, "kernel"));
	ST_EXPECT(r[6] == -EFAULT && r[7] == -EFAULT);
	ST_EXPECT(r[8] == -EFAULT && r[9] == 0 && r[10] == 0 && r[11] == 0);
	ST_EXPECT(s[0] == 11 && s[1] == -ENAMETOOLONG);
	ST_EXPECT(s[2] == -EFAULT && s[3] == -EFAULT);
	ST_EXPECT(n[0] == 12 && n[1] == 4 && n[2] == 0 && n[3] == 0);
	utest_env_destroy(&env);
	return 0;
}

#endif /* CONFIG_SELFTEST */
