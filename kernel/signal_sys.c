/*
 * The signal system calls about the caller itself: rt_sigaction,
 * rt_sigprocmask, rt_sigpending, rt_sigsuspend, pause, sigaltstack,
 * rt_sigtimedwait and restart_syscall. Sending is in signal_kill.c,
 * rt_sigreturn in arch/x86_64/signal.c.
 */
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/process.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/timer.h>

#define UNBLOCKABLE	(sigmask(SIGKILL) | sigmask(SIGSTOP))

static bool sig_valid(int sig)
{
	return sig >= 1 && sig <= NSIG_MAX;
}

/* Drop @sig from every pending set of @p (it became ignored). Lock held. */
static void discard_pending_locked(struct process *p, int sig)
{
	struct sigpending *sets[2] = { &p->sig.shared, &p->leader->pending };

	for (int i = 0; i < 2; i++) {
		struct sigqueue *q, *tmp;

		if (!(sets[i]->set & sigmask(sig)))
			continue;
		sets[i]->set &= ~sigmask(sig);
		list_for_each_entry_safe(q, tmp, &sets[i]->queue, node) {
			if (q->info.si_signo == sig) {
				list_del(&q->node);
				p->sig.nr_queued--;
				kfree(q);
			}
		}
	}
}

static int do_sigaction(int sig, const struct linux_sigaction *act,
			struct linux_sigaction *old)
{
	struct process *p = current_process();
	struct linux_sigaction *a = &p->sig.action[sig - 1];
	unsigned long irq;

	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	irq = spin_lock_irqsave(&p->sig.lock);
	if (old)
		*old = *a;
	if (act) {
		*a = *act;
		a->mask &= ~UNBLOCKABLE;
		/* Linux clears the bit user space uses to probe for new flags. */
		a->flags &= ~SA_UNSUPPORTED;
		/* POSIX: setting a pending signal to be ignored discards it. */
		if (a->handler == SIG_IGN ||
		    (a->handler == SIG_DFL &&
		     sig_default_action(sig) == SIG_DEFAULT_IGNORE))
			discard_pending_locked(p, sig);
	}
	spin_unlock_irqrestore(&p->sig.lock, irq);
	return 0;
}

SYSCALL_DEFINE4(rt_sigaction, int, sig, user_addr_t, uact, user_addr_t, uoact,
		size_t, sigsetsize)
{
	struct linux_sigaction act, old;
	int err;

	if (sigsetsize != KSIGSET_SIZE || !sig_valid(sig))
		return -EINVAL;
	if (!uaddr_is_null(uact) && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	err = do_sigaction(sig, uaddr_is_null(uact) ? NULL : &act,
			   uaddr_is_null(uoact) ? NULL : &old);
	if (err)
		return err;
	if (!uaddr_is_null(uoact) && copy_to_user(uoact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, user_addr_t, uset, user_addr_t, uoset,
		size_t, sigsetsize)
{
	struct task *t = current();
	ksigset_t set, old = t->blocked;

	if (sigsetsize != KSIGSET_SIZE)
		return -EINVAL;
	if (!uaddr_is_null(uset)) {
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:
			set = old | set;
			break;
		case SIG_UNBLOCK:
			set = old & ~set;
			break;
		case SIG_SETMASK:
			break;
		default:
			return -EINVAL;
		}
		set_current_blocked(set);
	}
	if (!uaddr_is_null(uoset) && copy_to_user(uoset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, user_addr_t, uset, size_t, sigsetsize)
{
	struct task *t = current();
	struct process *p = t->proc;
	unsigned long irq;
	ksigset_t set;

	if (sigsetsize > KSIGSET_SIZE)
		return -EINVAL;
	irq = spin_lock_irqsave(&p->sig.lock);
	set = (t->pending.set | p->sig.shared.set) & t->blocked;
	spin_unlock_irqrestore(&p->sig.lock, irq);
	return copy_to_user(uset, &set, sigsetsize) ? -EFAULT : 0;
}

/* Sleep until a signal is pending (one that is not blocked). */
static void sleep_until_signal(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current()))
			break;
		schedule();
	}
	set_current_state(TASK_RUNNING);
}

SYSCALL_DEFINE0(pause)
{
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

/*
 * The mask applies until a handler has run; the old one comes back from
 * the handler's frame (or on the way out when nothing was delivered).
 */
SYSCALL_DEFINE2(rt_sigsuspend, user_addr_t, umask, size_t, sigsetsize)
{
	struct task *t = current();
	ksigset_t mask;

	if (sigsetsize != KSIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	t->saved_sigmask = t->blocked;
	t->restore_sigmask = true;
	set_current_blocked(mask);
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

int do_sigaltstack(const struct linux_stack *ss, struct linux_stack *old, u64 sp)
{
	struct task *t = current();

	if (old) {
		old->ss_sp = t->sas_ss_sp;
		old->ss_size = t->sas_ss_size;
		old->ss_flags = (s32)(t->sas_ss_flags |
				      (!t->sas_ss_size ? SS_DISABLE :
				       on_sig_stack(t, sp) ? SS_ONSTACK : 0));
		old->_pad = 0;
	}
	if (ss) {
		u32 flags = (u32)ss->ss_flags;
		u32 mode = flags & ~SS_AUTODISARM;

		if (on_sig_stack(t, sp))
			return -EPERM;
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			t->sas_ss_sp = 0;
			t->sas_ss_size = 0;
			t->sas_ss_flags = 0;
			return 0;
		}
		if (ss->ss_size < MINSIGSTKSZ)
			return -ENOMEM;
		t->sas_ss_sp = ss->ss_sp;
		t->sas_ss_size = ss->ss_size;
		t->sas_ss_flags = flags & SS_AUTODISARM;
	}
	return 0;
}

SYSCALL_DEFINE2(sigaltstack, user_addr_t, uss, user_addr_t, uoss)
{
	struct linux_stack ss, old;
	u64 sp = current_user_regs()->rsp;
	int err;

	if (!uaddr_is_null(uss) && copy_from_user(&ss, uss, sizeof(ss)))
		return -EFAULT;
	err = do_sigaltstack(uaddr_is_null(uss) ? NULL : &ss,
			     uaddr_is_null(uoss) ? NULL : &old, sp);
	if (err)
		return err;
	if (!uaddr_is_null(uoss) && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static int timespec_to_ns(user_addr_t u, u64 *ns)
{
	struct linux_timespec ts;

	if (copy_from_user(&ts, u, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec > (~0ULL - (u64)ts.tv_nsec) / NSEC_PER_SEC)
		*ns = ~0ULL;
	else
		*ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return 0;
}

/*
 * Wait for one of @these: they are unblocked while we sleep (so their
 * arrival wakes us) and taken here instead of by a handler.
 */
static int do_sigtimedwait(ksigset_t these, struct linux_siginfo *info,
			   u64 timeout_ns)
{
	struct task *t = current();
	DEFINE_WAIT_QUEUE_HEAD(nobody);		/* only the timer wakes us */
	ksigset_t saved = t->blocked;
	long left = 0;
	int sig;

	sig = dequeue_signal(t, these, info);
	if (sig || !timeout_ns)
		return sig ? sig : -EAGAIN;
	set_current_blocked(saved & ~these);
	left = wait_event_interruptible_timeout(nobody, false, timeout_ns);
	set_current_blocked(saved);
	sig = dequeue_signal(t, these, info);
	if (sig)
		return sig;
	return left < 0 ? -EINTR : -EAGAIN;
}

SYSCALL_DEFINE4(rt_sigtimedwait, user_addr_t, uthese, user_addr_t, uinfo,
		user_addr_t, uts, size_t, sigsetsize)
{
	struct linux_siginfo info;
	ksigset_t these;
	u64 ns = ~0ULL;
	int err, sig;

	if (sigsetsize != KSIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&these, uthese, sizeof(these)))
		return -EFAULT;
	these &= ~UNBLOCKABLE;
	if (!uaddr_is_null(uts)) {
		err = timespec_to_ns(uts, &ns);
		if (err)
			return err;
	}
	sig = do_sigtimedwait(these, &info, ns);
	if (sig > 0 && !uaddr_is_null(uinfo) &&
	    copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}

SYSCALL_DEFINE0(restart_syscall)
{
	struct restart_block *rb = &current()->restart;
	long (*fn)(struct restart_block *) = rb->fn;

	rb->fn = NULL;
	return fn ? fn(rb) : -EINTR;
}
