/*
 * x86-64 signal frames: the rt_sigframe Linux builds on the user stack
 * (return address = sa_restorer, ucontext with the registers in struct
 * sigcontext order, the FPU image, siginfo), rt_sigreturn, which takes
 * back only a sane context, and the system-call restart rules.
 */
#include <ferrite/errno.h>
#include <ferrite/process.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <asm/setup.h>
#include <asm/user.h>

#define NR_restart_syscall	219

/* ucontext.uc_flags */
#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4

/* RFLAGS bits a sigreturn may change (Linux's FIX_EFLAGS). */
#define X86_EFLAGS_CF	0x0001UL
#define X86_EFLAGS_PF	0x0004UL
#define X86_EFLAGS_AF	0x0010UL
#define X86_EFLAGS_ZF	0x0040UL
#define X86_EFLAGS_SF	0x0080UL
#define X86_EFLAGS_OF	0x0800UL
#define X86_EFLAGS_AC	0x40000UL
#define FIX_EFLAGS	(X86_EFLAGS_AC | X86_EFLAGS_OF | X86_EFLAGS_DF | \
			 X86_EFLAGS_TF | X86_EFLAGS_SF | X86_EFLAGS_ZF | \
			 X86_EFLAGS_AF | X86_EFLAGS_PF | X86_EFLAGS_CF | \
			 X86_EFLAGS_RF)

/* A trap_frame vector that is no system call: no restart after sigreturn. */
#define VECTOR_NOT_SYSCALL	(~0ULL)

/* struct sigcontext (64-bit), glibc's gregs order. */
struct sigcontext64 {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;		/* user address of the FPU image, or 0 */
	u64 reserved1[8];
};

struct ucontext64 {
	u64 uc_flags;
	u64 uc_link;
	struct linux_stack uc_stack;
	struct sigcontext64 uc_mcontext;
	ksigset_t uc_sigmask;
};

struct rt_sigframe {
	u64 pretcode;		/* the handler's return address: sa_restorer */
	struct ucontext64 uc;
	struct linux_siginfo info;
	/* the FPU image lives above, 64-byte aligned */
};

_Static_assert(sizeof(struct sigcontext64) == 256, "sigcontext is 256 bytes");
_Static_assert(__builtin_offsetof(struct sigcontext64, rip) == 16 * 8, "REG_RIP");
_Static_assert(__builtin_offsetof(struct sigcontext64, cs) == 18 * 8, "REG_CSGSFS");
_Static_assert(__builtin_offsetof(struct sigcontext64, cr2) == 22 * 8, "REG_CR2");
_Static_assert(__builtin_offsetof(struct sigcontext64, fpstate) == 184, "fpregs");
_Static_assert(__builtin_offsetof(struct ucontext64, uc_mcontext) == 40, "uc_mcontext");
_Static_assert(__builtin_offsetof(struct ucontext64, uc_sigmask) == 296, "uc_sigmask");
_Static_assert(__builtin_offsetof(struct rt_sigframe, info) == 312, "rt_sigframe.info");
_Static_assert(sizeof(struct rt_sigframe) == 440, "rt_sigframe is 440 bytes");

/* --- system-call restart ------------------------------------------------ */

bool arch_syscall_restart_pending(const struct trap_frame *regs)
{
	long r = (long)regs->rax;

	if (regs->vector != TRAP_SYSCALL)
		return false;
	return r == -ERESTARTSYS || r == -ERESTARTNOINTR ||
	       r == -ERESTARTNOHAND || r == -ERESTART_RESTARTBLOCK;
}

/*
 * Linux's rules: with a handler about to run, ERESTARTSYS restarts only
 * under SA_RESTART, ERESTARTNOINTR always, the others become EINTR;
 * without one, every kind restarts (RESTARTBLOCK through restart_syscall).
 * Restarting re-executes the 2-byte syscall instruction with the number.
 */
void arch_syscall_restart(struct trap_frame *regs, bool handler, u64 sa_flags)
{
	long r = (long)regs->rax;
	bool restart;

	if (!arch_syscall_restart_pending(regs))
		return;
	switch (r) {
	case -ERESTARTNOINTR:
		restart = true;
		break;
	case -ERESTARTSYS:
		restart = !handler || (sa_flags & SA_RESTART);
		break;
	default:
		restart = !handler;
		break;
	}
	if (!restart) {
		regs->rax = (u64)-EINTR;
		return;
	}
	regs->rax = r == -ERESTART_RESTARTBLOCK ? NR_restart_syscall :
						    regs->error_code;
	regs->rip -= 2;
	/* rcx/r11 are what SYSCALL will clobber again: nothing to keep. */
}

/* --- building the frame ------------------------------------------------- */

static u32 altstack_flags(const struct task *t, u64 sp)
{
	if (!t->sas_ss_size)
		return SS_DISABLE;
	return on_sig_stack(t, sp) ? SS_ONSTACK : 0;
}

/*
 * Where the frame goes (Linux's get_sigframe): below the red zone, or at
 * the top of the alternate stack for SA_ONSTACK when not already on it;
 * the FPU image 64-byte aligned, the frame so that rsp % 16 == 8 at the
 * handler's entry, as after a call. 0 when it would leave the alt stack.
 */
static u64 sigframe_address(const struct task *t, const struct trap_frame *regs,
			    u64 flags, u64 *fpstate)
{
	u64 sp = regs->rsp - 128;
	bool nested = on_sig_stack(t, regs->rsp), entering = false;

	if ((flags & SA_ONSTACK) && altstack_flags(t, sp) == 0) {
		sp = t->sas_ss_sp + t->sas_ss_size;
		entering = true;
	}
	sp = ALIGN_DOWN(sp - fpu_sigframe_size(), 64);
	*fpstate = sp;
	sp = ALIGN_DOWN(sp - sizeof(struct rt_sigframe), 16) - 8;
	if ((nested || entering) && !on_sig_stack(t, sp))
		return 0;
	if (sp >= USER_TOP || sp < PAGE_SIZE)
		return 0;
	return sp;
}

static void sigcontext_fill(struct sigcontext64 *sc, const struct trap_frame *r,
			    ksigset_t oldmask, u64 fpstate, u64 cr2)
{
	*sc = (struct sigcontext64){
		.r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
		.r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
		.rdi = r->rdi, .rsi = r->rsi, .rbp = r->rbp, .rbx = r->rbx,
		.rdx = r->rdx, .rax = r->rax, .rcx = r->rcx, .rsp = r->rsp,
		.rip = r->rip, .eflags = r->rflags,
		.cs = GDT_USER_CS, .ss = GDT_USER_DS,
		.oldmask = oldmask, .cr2 = cr2, .fpstate = fpstate,
	};
	/* Exceptions leave their vector and error code; system calls none. */
	if (r->vector < 32) {
		sc->trapno = r->vector;
		sc->err = r->error_code;
	}
}

int arch_setup_rt_frame(int sig, const struct linux_siginfo *info,
			const struct linux_sigaction *ka, ksigset_t oldmask,
			struct trap_frame *regs)
{
	struct task *t = current();
	struct rt_sigframe f;
	u64 sp, fpstate, cr2 = 0;

	/* No vDSO restorer exists on x86-64: Linux fails the frame too. */
	if (!(ka->flags & SA_RESTORER))
		return -EFAULT;
	sp = sigframe_address(t, regs, ka->flags, &fpstate);
	if (!sp)
		return -EFAULT;
	if (fpu_save_to_user(UADDR(fpstate)))
		return -EFAULT;
	if (regs->vector == 14)		/* #PF: the address, as Linux's cr2 */
		cr2 = info->f.fault.addr;

	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
			(fpu_has_xsave() ? UC_FP_XSTATE : 0);
	f.uc.uc_stack.ss_sp = t->sas_ss_sp;
	f.uc.uc_stack.ss_flags = (s32)(altstack_flags(t, regs->rsp) |
				       t->sas_ss_flags);
	f.uc.uc_stack.ss_size = t->sas_ss_size;
	sigcontext_fill(&f.uc.uc_mcontext, regs, oldmask, fpstate, cr2);
	f.uc.uc_sigmask = oldmask;
	f.info = *info;
	if (copy_to_user(UADDR(sp), &f, sizeof(f)))
		return -EFAULT;

	/* SS_AUTODISARM: the handler runs with the alt stack disabled. */
	if (t->sas_ss_flags & SS_AUTODISARM) {
		t->sas_ss_sp = 0;
		t->sas_ss_size = 0;
		t->sas_ss_flags = 0;
	}
	regs->rdi = (u64)sig;
	regs->rsi = sp + __builtin_offsetof(struct rt_sigframe, info);
	regs->rdx = sp + __builtin_offsetof(struct rt_sigframe, uc);
	regs->rax = 0;
	regs->rsp = sp;
	regs->rip = ka->handler;
	regs->cs = GDT_USER_CS;
	regs->ss = GDT_USER_DS;
	regs->rflags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
	fpu_reset_current();
	return 0;
}

/* --- rt_sigreturn --------------------------------------------------------- */

/*
 * Take the interrupted context back from the frame, but only what a
 * user program may hold: general registers, the user-modifiable RFLAGS
 * bits, user CS/SS (whatever the frame says), and an FPU image the CPU
 * will accept. A frame that cannot be read or has a bad FPU image is
 * SIGSEGV, as on Linux.
 */
static int restore_sigcontext(struct trap_frame *r, const struct sigcontext64 *sc)
{
	r->r8 = sc->r8; r->r9 = sc->r9; r->r10 = sc->r10; r->r11 = sc->r11;
	r->r12 = sc->r12; r->r13 = sc->r13; r->r14 = sc->r14; r->r15 = sc->r15;
	r->rdi = sc->rdi; r->rsi = sc->rsi; r->rbp = sc->rbp; r->rbx = sc->rbx;
	r->rdx = sc->rdx; r->rax = sc->rax; r->rcx = sc->rcx; r->rsp = sc->rsp;
	r->rip = sc->rip;
	r->rflags = (r->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	r->cs = GDT_USER_CS;
	r->ss = GDT_USER_DS;
	/* After sigreturn the frame is no system call to restart. */
	r->vector = VECTOR_NOT_SYSCALL;
	return fpu_restore_from_user(UADDR(sc->fpstate));
}

/* A context IRETQ would refuse (non-canonical rip) is the program's fault. */
static bool user_rip_ok(u64 rip)
{
	return rip < (1ULL << 47);
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct trap_frame *regs = current_user_regs();
	u64 frame = regs->rsp - 8;	/* the handler's ret popped pretcode */
	struct ucontext64 uc;

	if (copy_from_user(&uc, UADDR(frame + 8), sizeof(uc)))
		goto badframe;
	set_current_blocked(uc.uc_sigmask);
	if (restore_sigcontext(regs, &uc.uc_mcontext))
		goto badframe;
	/* Linux restores the alt stack settings too; errors are ignored. */
	do_sigaltstack(&uc.uc_stack, NULL, regs->rsp);
	if (!user_rip_ok(regs->rip))
		goto badframe;
	return (long)regs->rax;

badframe:
	regs->vector = VECTOR_NOT_SYSCALL;
	force_sig(SIGSEGV);
	return (long)regs->rax;
}
