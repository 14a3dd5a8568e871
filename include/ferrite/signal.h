/*
 * Signals: the kernel-internal interface. The signals work (kernel/signal*.c,
 * arch/x86_64/signal.c) implements it; the TTY layer, pipes, the fault
 * handlers and every blocking call use it. Linux's semantics throughout:
 * per-thread and per-process pending sets, blocked masks, dispositions
 * shared by CLONE_SIGHAND, default actions, job-control stop/continue,
 * restartable system calls.
 */
#ifndef FERRITE_SIGNAL_H
#define FERRITE_SIGNAL_H

#include <ferrite/sched.h>
#include <ferrite/spinlock.h>
#include <ferrite/timer.h>
#include <ferrite/wait.h>
#include <uapi/signal_abi.h>	/* SIG*, SA_*, SI_*, siginfo layout, ... */

struct process;
struct trap_frame;

/* One queued signal's siginfo, on a struct sigpending (sched.h) queue. */
struct sigqueue {
	struct list_head node;
	struct linux_siginfo info;
};

/* signal_state.flags */
#define SIGNAL_STOP_STOPPED	0x01	/* the process is stopped */
#define SIGNAL_STOP_REPORT	0x02	/* stop not yet seen by wait(WUNTRACED) */
#define SIGNAL_STOP_CONTINUED	0x04	/* continue not yet seen by wait(WCONTINUED) */
#define SIGNAL_CLD_CONTINUED	0x08	/* parent not yet sent CLD_CONTINUED */

/*
 * A process's signal state, embedded in struct process (there is no
 * CLONE_SIGHAND yet, so the actions are not shared between processes).
 * Lock order: process_tree_lock, then sig.lock, then run-queue locks.
 */
struct signal_state {
	spinlock_t lock;
	struct linux_sigaction action[NSIG_MAX];	/* [lock] index sig - 1 */
	struct sigpending shared;	/* [lock] kill(2), sigqueue, ... */
	unsigned int flags;		/* [lock] SIGNAL_* */
	int stop_sig;			/* [lock] signal that stopped the process */
	u32 nr_queued;			/* [lock] sigqueue entries (RLIMIT_SIGPENDING) */
	struct timer real_timer;	/* ITIMER_REAL; fires in interrupt context */
	u64 it_real_incr;		/* [lock] interval in ns, 0: one shot */
};

/*
 * Blocking calls return these when a signal interrupts them; the return
 * path turns them into EINTR or a restart according to SA_RESTART, as
 * Linux does. They never reach user space.
 */
#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514
#define ERESTART_RESTARTBLOCK	516

/* Is a signal pending for @t that is not blocked (or is fatal)? */
bool signal_pending(struct task *t);
/* Is SIGKILL pending for @t (the process is dying)? */
bool fatal_signal_pending(struct task *t);

/*
 * Send @sig. @code is the siginfo si_code (SI_USER for kill(2),
 * SI_KERNEL for the kernel's own, CLD_* for SIGCHLD, ...); the sender's
 * pid/uid are filled from the current process where the code calls for
 * them. 0 or -errno (-EINVAL bad signal, -ESRCH no such target).
 */
int kill_process(struct process *p, int sig, int code);
int kill_pgrp(int pgrp, int sig, int code);
int kill_task(struct task *t, int sig, int code);

/* A CPU fault in user mode: SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP with si_addr. */
void force_sig_fault(int sig, int code, uintptr_t addr);

/* Is @sig ignored (SIG_IGN, or default-ignore) / blocked by the caller? */
bool sig_ignored(struct process *p, int sig);
bool sig_blocked(struct task *t, int sig);

/* Is process group @pgrp orphaned (POSIX): no member has a parent in
 * another group of the same session? (SIGTTIN/SIGTTOU become EIO.) */
bool pgrp_is_orphaned(int pgrp);

/*
 * Sleep until @cond or a signal: 0 when @cond became true, -ERESTARTSYS
 * when a signal arrived first.
 */
#define wait_event_interruptible(wq, cond)				\
	({								\
		int __ret = 0;						\
		struct wait_entry __we;					\
									\
		if (!(cond)) {						\
			wait_entry_init(&__we, 0);			\
			for (;;) {					\
				prepare_to_wait(&(wq), &__we, TASK_INTERRUPTIBLE); \
				if (cond)				\
					break;				\
				if (signal_pending(current())) {	\
					__ret = -ERESTARTSYS;		\
					break;				\
				}					\
				schedule();				\
			}						\
			finish_wait(&(wq), &__we);			\
		}							\
		__ret;							\
	})

/*
 * Sleep until @cond, a signal or @timeout_ns: the time left (>= 1) when
 * @cond became true, 0 on timeout, -ERESTARTSYS on a signal. A long.
 */
#define wait_event_interruptible_timeout(wq, cond, timeout_ns)		\
	({								\
		long __r = 1;						\
		u64 __left = (timeout_ns);				\
		struct wait_timeout __wt;				\
									\
		if (!(cond)) {						\
			wait_timeout_begin(&__wt, __left);		\
			for (;;) {					\
				prepare_to_wait(&(wq), &__wt.entry,	\
						TASK_INTERRUPTIBLE);	\
				__left = wait_timeout_left(&__wt);	\
				if (cond) {				\
					__r = __left ? (long)__left : 1; \
					break;				\
				}					\
				if (!__left) {				\
					__r = 0;			\
					break;				\
				}					\
				if (signal_pending(current())) {	\
					__r = -ERESTARTSYS;		\
					break;				\
				}					\
				schedule();				\
			}						\
			wait_timeout_end(&(wq), &__wt);			\
		}							\
		__r;							\
	})

/* Deliver pending signals on the way back to user mode (exit_to_user_mode). */
void do_signal(struct trap_frame *regs);
/* Anything for do_signal to do (a signal, a mask to restore, a restart)? */
bool signal_work_pending(struct task *t, const struct trap_frame *regs);

/* --- the rest of the interface (signals helper, issue 4) ---------------- */

/* Send with a full siginfo; @t NULL means the process (shared) queue. */
int send_sig_info(int sig, const struct linux_siginfo *info,
		  struct process *p, struct task *t);
/*
 * The frame for a handler of @sig could not be built, or a fault hit a
 * blocked/ignored fault signal: kill with @sig, whatever its action.
 */
void force_sig(int sig);
/* A fatal fault (SIGSEGV on a bad return address): never returns. */
__noreturn void force_fatal_sig(int sig);
/* kill(2)'s permission rule: may the caller signal @p with @sig? */
bool kill_permitted(struct process *p, int sig);

/* Process life cycle (process.c, fork.c, exec.c, exit.c call these). */
void signal_process_init(struct process *p);
/* fork: copy the actions; the child task inherits mask and alt stack. */
void signal_fork(struct process *child, struct task *ct,
		 const struct process *parent, const struct task *pt);
/* exec: handlers back to SIG_DFL (ignored stay ignored), no alt stack. */
void signal_exec(struct process *p, struct task *t);
/* exit: cancel the real timer, drop queued siginfo. */
void signal_exit(struct process *p, struct task *t);
/*
 * exit: tell the parent (its exit signal with a SIGCHLD siginfo, under
 * process_tree_lock). True if the parent does not want to wait for us
 * (SIGCHLD ignored or SA_NOCLDWAIT): the caller reaps itself.
 */
bool signal_notify_parent_exit(struct process *p);
/* @p stopped (CLD_STOPPED) or continued (CLD_CONTINUED): tell the parent. */
void signal_notify_parent_cldstop(struct process *p, int why, int status);
/*
 * An unhandled fault is about to kill: print Linux's line ("prog[pid]:
 * segfault at addr ip ... sp ... error N"), rate limited.
 */
void signal_log_fault(int sig, const char *why, u64 addr, u64 ip, u64 sp,
		      u64 error);

/*
 * wait(2) on a stopped or continued child (tree lock held): true and the
 * status (0x7f | sig << 8, or 0xffff) if @c has such a report for
 * @options (WUNTRACED / WCONTINUED); consumed unless WNOWAIT.
 */
bool signal_wait_report(struct process *c, unsigned int options, int *status);

/* The caller's blocked mask (SIGKILL/SIGSTOP are dropped from @set). */
void set_current_blocked(ksigset_t set);
/* Take the lowest pending signal in @allowed for @t: its number or 0. */
int dequeue_signal(struct task *t, ksigset_t allowed,
		   struct linux_siginfo *info);
/* The same with t->proc->sig.lock held. */
int dequeue_signal_locked(struct task *t, ksigset_t allowed,
			  struct linux_siginfo *info);

/* The default action of @sig. */
enum sig_default {
	SIG_DEFAULT_TERM, SIG_DEFAULT_CORE, SIG_DEFAULT_STOP,
	SIG_DEFAULT_CONT, SIG_DEFAULT_IGNORE,
};
enum sig_default sig_default_action(int sig);

/*
 * sigaltstack's work for the caller, whose user stack pointer is @sp
 * (also used by rt_sigreturn): -EPERM while on the stack, -EINVAL bad
 * flags, -ENOMEM smaller than MINSIGSTKSZ.
 */
int do_sigaltstack(const struct linux_stack *ss, struct linux_stack *old, u64 sp);

/*
 * A user access at @addr that the page-fault handler refused: SIGSEGV
 * with SEGV_MAPERR/SEGV_ACCERR, or SIGBUS/BUS_ADRERR past a file's end.
 */
struct mm;
int user_fault_signal(struct mm *mm, uintptr_t addr, int *code);

/* Is @sp on @t's alternate signal stack? */
bool on_sig_stack(const struct task *t, u64 sp);

/*
 * The arch half (arch/x86_64/signal.c): build the rt_sigframe for a
 * handler (0 or -EFAULT), decide a system call's restart, and tell
 * whether @regs is a system call returning a -ERESTART* code.
 */
int arch_setup_rt_frame(int sig, const struct linux_siginfo *info,
			const struct linux_sigaction *ka, ksigset_t oldmask,
			struct trap_frame *regs);
void arch_syscall_restart(struct trap_frame *regs, bool handler, u64 sa_flags);
bool arch_syscall_restart_pending(const struct trap_frame *regs);

/* ITIMER_REAL's expiry (kernel/itimer.c), set up by signal_process_init. */
void itimer_real_fire(void *data);

/*
 * From drivers/tty (also declared in tty.h): a session leader exited,
 * hang up its controlling terminal (SIGHUP + SIGCONT to the foreground).
 */
void tty_session_leader_exit(int sid);

#endif
