/*
 * Signal delivery on the way back to user mode: take the next unblocked
 * signal, run its handler (the arch builds the frame), or its default
 * action: ignore, stop the process until SIGCONT, or end it. Also the
 * system-call restart rules and the saved-mask restore of sigsuspend,
 * ppoll and pselect6, and the log line of a fault that kills.
 */
#include <ferrite/fs.h>
#include <ferrite/mutex.h>
#include <ferrite/printk.h>
#include <ferrite/vm.h>
#include <ferrite/process.h>
#include <ferrite/signal.h>

bool signal_work_pending(struct task *t, const struct trap_frame *regs)
{
	return signal_pending(t) || t->restore_sigmask ||
	       arch_syscall_restart_pending(regs);
}

/*
 * Stop until SIGCONT or SIGKILL (single-threaded group stop): mark the
 * process stopped with a report for wait(WUNTRACED), tell the parent,
 * sleep in TASK_STOPPED. The state is set under the lock SIGCONT takes,
 * so its wake-up cannot fall between the check and the sleep.
 */
static void do_signal_stop(struct task *t, int sig)
{
	struct signal_state *ss = &t->proc->sig;
	unsigned long irq;
	bool stopped;

	irq = spin_lock_irqsave(&ss->lock);
	ss->flags |= SIGNAL_STOP_STOPPED | SIGNAL_STOP_REPORT;
	ss->flags &= ~SIGNAL_STOP_CONTINUED;
	ss->stop_sig = sig;
	set_current_state(TASK_STOPPED);
	spin_unlock_irqrestore(&ss->lock, irq);
	signal_notify_parent_cldstop(t->proc, CLD_STOPPED, sig);
	for (;;) {
		schedule();
		irq = spin_lock_irqsave(&ss->lock);
		stopped = (ss->flags & SIGNAL_STOP_STOPPED) &&
			  !fatal_signal_pending(t);
		if (stopped)
			set_current_state(TASK_STOPPED);
		spin_unlock_irqrestore(&ss->lock, irq);
		if (!stopped)
			break;
	}
	set_current_state(TASK_RUNNING);
}

/*
 * The default action ends the process. No core file is ever written
 * (RLIMIT_CORE is 0 by default, and there is no dumper), so the wait
 * status never has the 0x80 core bit, as on Linux with `ulimit -c 0`.
 */
static __noreturn void signal_fatal(int sig)
{
	process_exit(W_EXITCODE(0, sig));
}

/* The process was continued: tell the parent once (CLD_CONTINUED). */
static void notify_continued(struct task *t)
{
	struct signal_state *ss = &t->proc->sig;
	unsigned long irq = spin_lock_irqsave(&ss->lock);
	bool notify = ss->flags & SIGNAL_CLD_CONTINUED;

	ss->flags &= ~SIGNAL_CLD_CONTINUED;
	spin_unlock_irqrestore(&ss->lock, irq);
	if (notify)
		signal_notify_parent_cldstop(t->proc, CLD_CONTINUED, SIGCONT);
}

/*
 * The next signal with a handler, its siginfo and action; 0 when none is
 * left. Signals whose action is to ignore, stop or continue are dealt
 * with here; a fatal one does not return.
 */
static int get_signal(struct task *t, struct linux_siginfo *info,
		      struct linux_sigaction *ka)
{
	struct process *p = t->proc;
	struct signal_state *ss = &p->sig;
	unsigned long irq;
	int sig;

	for (;;) {
		notify_continued(t);
		irq = spin_lock_irqsave(&ss->lock);
		sig = dequeue_signal_locked(t, ~t->blocked, info);
		if (!sig) {
			spin_unlock_irqrestore(&ss->lock, irq);
			return 0;
		}
		*ka = ss->action[sig - 1];
		if (ka->handler != SIG_DFL && ka->handler != SIG_IGN &&
		    (ka->flags & SA_RESETHAND))
			ss->action[sig - 1].handler = SIG_DFL;
		spin_unlock_irqrestore(&ss->lock, irq);
		if (ka->handler == SIG_IGN)
			continue;
		if (ka->handler != SIG_DFL)
			return sig;
		switch (sig_default_action(sig)) {
		case SIG_DEFAULT_IGNORE:
		case SIG_DEFAULT_CONT:
			continue;
		case SIG_DEFAULT_STOP:
			/* POSIX: an orphaned group ignores terminal stops. */
			if (sig != SIGSTOP && pgrp_is_orphaned(READ_ONCE(p->pgid)))
				continue;
			/* init cannot be stopped by a signal it did not ask for. */
			if (p == init_process)
				continue;
			do_signal_stop(t, sig);
			continue;
		case SIG_DEFAULT_TERM:
		case SIG_DEFAULT_CORE:
			signal_fatal(sig);
		}
	}
}

/*
 * The frame could not be written (bad stack, no SA_RESTORER): SIGSEGV,
 * and if that is what we were delivering, with its default action.
 */
static void force_sigsegv(int sig)
{
	struct signal_state *ss = &current()->proc->sig;

	if (sig == SIGSEGV) {
		unsigned long irq = spin_lock_irqsave(&ss->lock);

		ss->action[SIGSEGV - 1].handler = SIG_DFL;
		spin_unlock_irqrestore(&ss->lock, irq);
	}
	force_sig(SIGSEGV);
}

static void handle_signal(struct task *t, int sig,
			  const struct linux_siginfo *info,
			  const struct linux_sigaction *ka,
			  struct trap_frame *regs)
{
	ksigset_t oldmask = t->restore_sigmask ? t->saved_sigmask : t->blocked;
	ksigset_t blocked;

	arch_syscall_restart(regs, true, ka->flags);
	if (arch_setup_rt_frame(sig, info, ka, oldmask, regs)) {
		force_sigsegv(sig);
		return;
	}
	/* The frame holds the mask sigreturn will restore. */
	t->restore_sigmask = false;
	blocked = t->blocked | ka->mask;
	if (!(ka->flags & SA_NODEFER))
		blocked |= sigmask(sig);
	set_current_blocked(blocked);
}

void do_signal(struct trap_frame *regs)
{
	struct task *t = current();
	struct linux_siginfo info;
	struct linux_sigaction ka;
	int sig;

	if (!t->proc)
		return;
	sig = get_signal(t, &info, &ka);
	if (sig) {
		handle_signal(t, sig, &info, &ka, regs);
		return;
	}
	/* No handler ran: an interrupted call restarts transparently. */
	arch_syscall_restart(regs, false, 0);
	if (t->restore_sigmask) {
		t->restore_sigmask = false;
		set_current_blocked(t->saved_sigmask);
	}
}

/* Would @sig kill (no handler)? Then its fault is worth a log line. */
static bool sig_unhandled(int sig)
{
	struct process *p = current_process();
	u64 h = READ_ONCE(p->sig.action[sig - 1].handler);

	return h == SIG_DFL || h == SIG_IGN || sig_blocked(current(), sig);
}

/* At most 10 lines per 5 s, as Linux's printk_ratelimit. */
static bool fault_log_ratelimit(void)
{
	static u64 window_start;	/* [racy] a log limit needs no lock */
	static unsigned int printed;
	u64 now = arch_clock_ns();

	if (now - window_start > 5 * NSEC_PER_SEC) {
		window_start = now;
		printed = 0;
	}
	return ++printed <= 10;
}

void signal_log_fault(int sig, const char *why, u64 addr, u64 ip, u64 sp,
		      u64 error)
{
	struct task *t = current();

	if (!t->proc || !sig_unhandled(sig) || !fault_log_ratelimit())
		return;
	if (sig == SIGSEGV && addr != ~0ULL)
		pr_info("%s[%d]: %s at %llx ip %016llx sp %016llx error %llx\n",
			t->name, t->proc->pid, why, (unsigned long long)addr,
			(unsigned long long)ip, (unsigned long long)sp,
			(unsigned long long)error);
	else
		pr_info("traps: %s[%d] %s ip:%llx sp:%llx error:%llx\n",
			t->name, t->proc->pid, why, (unsigned long long)ip,
			(unsigned long long)sp, (unsigned long long)error);
}

__noreturn void force_fatal_sig(int sig)
{
	struct task *t = current();
	struct signal_state *ss = &t->proc->sig;
	unsigned long irq = spin_lock_irqsave(&ss->lock);

	ss->action[sig - 1].handler = SIG_DFL;
	spin_unlock_irqrestore(&ss->lock, irq);
	signal_fatal(sig);
}

/*
 * Why a user access the fault handler refused failed, as Linux tells
 * it: no mapping (SEGV_MAPERR), a mapping that forbids it (SEGV_ACCERR),
 * or a file mapping past the end of its file (SIGBUS, BUS_ADRERR).
 */
int user_fault_signal(struct mm *mm, uintptr_t addr, int *code)
{
	struct vm_area *v;
	int sig = SIGSEGV;

	*code = SEGV_MAPERR;
	if (!mm || addr >= USER_TOP)
		return sig;
	mutex_lock(&mm->lock);
	v = vm_find(mm, addr);
	if (v) {
		struct inode *inode = v->file ? v->file->inode : NULL;
		u64 index = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);

		*code = SEGV_ACCERR;
		if (inode && S_ISREG(inode->mode) && (v->flags & VM_PROT_MASK) &&
		    index >= DIV_ROUND_UP(READ_ONCE(inode->size), PAGE_SIZE)) {
			sig = SIGBUS;
			*code = BUS_ADRERR;
		}
	}
	mutex_unlock(&mm->lock);
	return sig;
}
