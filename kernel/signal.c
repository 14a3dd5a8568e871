/*
 * Signals, the core: pending sets and queued siginfo, sending (kill,
 * tkill, the kernel's own), dequeueing in Linux's order, blocked masks,
 * and the job-control side effects SIGSTOP and SIGCONT have when they
 * are sent. What happens on the way back to user mode is in
 * signal_deliver.c; the system calls are in signal_sys.c and
 * signal_kill.c.
 */
#include <ferrite/err.h>
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/process.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>

#define STOP_MASK	(sigmask(SIGSTOP) | sigmask(SIGTSTP) | \
			 sigmask(SIGTTIN) | sigmask(SIGTTOU))
#define UNBLOCKABLE	(sigmask(SIGKILL) | sigmask(SIGSTOP))
/* Faults the task itself caused: Linux dequeues them before the rest. */
#define SYNCHRONOUS_MASK (sigmask(SIGSEGV) | sigmask(SIGBUS) | \
			  sigmask(SIGILL) | sigmask(SIGTRAP) | \
			  sigmask(SIGFPE) | sigmask(SIGSYS))
#define STANDARD_MASK	(sigmask(SIGRTMIN) - 1)

/* signal_state.flags, private: exit has flushed the queues for good. */
#define SIGNAL_DEAD	0x100

enum sig_default sig_default_action(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return SIG_DEFAULT_CORE;
	case SIGCHLD: case SIGURG: case SIGWINCH:
		return SIG_DEFAULT_IGNORE;
	case SIGCONT:
		return SIG_DEFAULT_CONT;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return SIG_DEFAULT_STOP;
	default:
		return SIG_DEFAULT_TERM;	/* also every RT signal */
	}
}

/*
 * The task that takes a process-wide signal. Every process has one
 * thread today, its leader (referenced until the process is freed);
 * CLONE_THREAD will have to pick among proc->threads here.
 */
static struct task *process_task(struct process *p)
{
	return p->leader;
}

void signal_process_init(struct process *p)
{
	spin_lock_init(&p->sig.lock);
	list_init(&p->sig.shared.queue);
	timer_init(&p->sig.real_timer, itimer_real_fire, p);
}

/* --- predicates ---------------------------------------------------------- */

/* Read without the lock: a hint the caller re-checks, as Linux's flag. */
bool signal_pending(struct task *t)
{
	struct process *p = t ? t->proc : NULL;

	if (!p)
		return false;
	return (READ_ONCE(t->pending.set) | READ_ONCE(p->sig.shared.set)) &
	       ~READ_ONCE(t->blocked);
}

bool fatal_signal_pending(struct task *t)
{
	struct process *p = t ? t->proc : NULL;

	if (!p)
		return false;
	return (READ_ONCE(t->pending.set) | READ_ONCE(p->sig.shared.set)) &
	       sigmask(SIGKILL);
}

bool sig_blocked(struct task *t, int sig)
{
	return READ_ONCE(t->blocked) & sigmask(sig);
}

/* Action says ignore (explicitly, or by default). Lock held or racy read. */
static bool handler_ignores(const struct process *p, int sig)
{
	u64 h = p->sig.action[sig - 1].handler;

	if (sig == SIGKILL || sig == SIGSTOP)
		return false;
	return h == SIG_IGN ||
	       (h == SIG_DFL && sig_default_action(sig) == SIG_DEFAULT_IGNORE);
}

bool sig_ignored(struct process *p, int sig)
{
	return handler_ignores(p, sig);
}

/*
 * Dropped when sent (Linux's sig_ignored): ignored and not blocked (a
 * blocked one is kept: the action may change before it is unblocked),
 * and for init anything it has no handler for, unless the kernel forces
 * it (a fault). Lock held.
 */
static bool sig_dropped_locked(struct process *p, int sig, bool forced)
{
	struct task *t = process_task(p);

	if (t && (t->blocked & sigmask(sig)))
		return false;
	if (handler_ignores(p, sig))
		return true;
	return p == init_process && !forced &&
	       p->sig.action[sig - 1].handler == SIG_DFL;
}

bool on_sig_stack(const struct task *t, u64 sp)
{
	return t->sas_ss_size && sp > t->sas_ss_sp &&
	       sp - t->sas_ss_sp <= t->sas_ss_size;
}

/* --- queues ---------------------------------------------------------------- */

/* Remove every signal in @mask from @sp, with its siginfo. Lock held. */
static void flush_pending_mask(struct signal_state *ss, struct sigpending *sp,
			       ksigset_t mask)
{
	struct sigqueue *q, *tmp;

	if (!(sp->set & mask))
		return;
	sp->set &= ~mask;
	list_for_each_entry_safe(q, tmp, &sp->queue, node) {
		if (mask & sigmask(q->info.si_signo)) {
			list_del(&q->node);
			ss->nr_queued--;
			kfree(q);
		}
	}
}

/*
 * Job control at send time (Linux's prepare_signal): a stop signal
 * cancels a pending SIGCONT and SIGCONT cancels pending stops and
 * resumes a stopped process, even when SIGCONT itself is blocked or
 * ignored. Lock held.
 */
static void prepare_signal_locked(struct process *p, int sig)
{
	struct signal_state *ss = &p->sig;
	struct task *t = process_task(p);

	if (sigmask(sig) & STOP_MASK) {
		flush_pending_mask(ss, &ss->shared, sigmask(SIGCONT));
		if (t)
			flush_pending_mask(ss, &t->pending, sigmask(SIGCONT));
	} else if (sig == SIGCONT) {
		flush_pending_mask(ss, &ss->shared, STOP_MASK);
		if (t)
			flush_pending_mask(ss, &t->pending, STOP_MASK);
		if (ss->flags & SIGNAL_STOP_STOPPED) {
			ss->flags &= ~(SIGNAL_STOP_STOPPED | SIGNAL_STOP_REPORT);
			ss->flags |= SIGNAL_STOP_CONTINUED | SIGNAL_CLD_CONTINUED;
			if (t)
				wake_up_state(t, TASK_STATE_BIT(TASK_STOPPED));
		}
	}
}

/* RT signals queue up to RLIMIT_SIGPENDING (per process here, per user on Linux). */
static bool queue_has_room(struct process *p)
{
	u64 lim = READ_ONCE(p->rlim[RLIMIT_SIGPENDING].rlim_cur);

	return p->sig.nr_queued < lim;
}

/* Make @t notice: wake an interruptible sleep (a stopped one for SIGKILL). */
static void signal_wake_up(struct task *t, int sig)
{
	unsigned int states = TASK_STATE_BIT(TASK_INTERRUPTIBLE);

	if (sig == SIGKILL)
		states |= TASK_STATE_BIT(TASK_STOPPED);
	wake_up_state(t, states);
}

static int send_locked(int sig, const struct linux_siginfo *info,
		       struct process *p, struct task *t, bool forced)
{
	struct signal_state *ss = &p->sig;
	struct sigpending *pend = t ? &t->pending : &ss->shared;
	struct task *target = t ? t : process_task(p);
	struct sigqueue *q = NULL;

	if (ss->flags & SIGNAL_DEAD)
		return 0;		/* a zombie: accepted and forgotten */
	prepare_signal_locked(p, sig);
	if (sig_dropped_locked(p, sig, forced))
		return 0;
	/* Standard signals do not queue: a second one merges. */
	if (sig < SIGRTMIN && (pend->set & sigmask(sig)))
		return 0;
	if (sig < SIGRTMIN || queue_has_room(p) || info->si_code >= 0)
		q = kmalloc(sizeof(*q), GFP_ATOMIC);
	if (q) {
		q->info = *info;
		list_add_tail(&q->node, &pend->queue);
		ss->nr_queued++;
	} else if (sig >= SIGRTMIN && info->si_code < 0) {
		/* sigqueue(3) and friends learn the queue is full. */
		return -EAGAIN;
	}
	/* Without a queue entry the signal still arrives, with a plain siginfo. */
	pend->set |= sigmask(sig);
	if (target && (!(target->blocked & sigmask(sig)) || sig == SIGKILL))
		signal_wake_up(target, sig);
	return 0;
}

static int send_common(int sig, const struct linux_siginfo *info,
		       struct process *p, struct task *t, bool forced)
{
	unsigned long irq;
	int err;

	if (sig < 1 || sig > NSIG_MAX)
		return -EINVAL;
	irq = spin_lock_irqsave(&p->sig.lock);
	err = send_locked(sig, info, p, t, forced);
	spin_unlock_irqrestore(&p->sig.lock, irq);
	return err;
}

int send_sig_info(int sig, const struct linux_siginfo *info,
		  struct process *p, struct task *t)
{
	return send_common(sig, info, p, t, false);
}

/* The siginfo of kill(2)-like sends: the sender's pid and real uid. */
static void info_from_caller(struct linux_siginfo *info, int sig, int code)
{
	struct process *me = current_process();

	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	if (code <= 0 && me) {
		info->f.rt.pid = me->pid;
		info->f.rt.uid = me->cred.uid;
	}
}

int kill_process(struct process *p, int sig, int code)
{
	struct linux_siginfo info;

	info_from_caller(&info, sig, code);
	return send_sig_info(sig, &info, p, NULL);
}

int kill_task(struct task *t, int sig, int code)
{
	struct linux_siginfo info;

	if (!t->proc)
		return -ESRCH;
	info_from_caller(&info, sig, code);
	return send_sig_info(sig, &info, t->proc, t);
}

int kill_pgrp(int pgrp, int sig, int code)
{
	struct linux_siginfo info;
	struct process *p;
	unsigned long irq;
	int err = -ESRCH;

	if (pgrp <= 0)
		return -EINVAL;
	info_from_caller(&info, sig, code);
	irq = spin_lock_irqsave(&process_tree_lock);
	list_for_each_entry(p, process_list_head(), all_node) {
		if (p->pgid != pgrp || p->state != PROCESS_ALIVE)
			continue;
		err = send_sig_info(sig, &info, p, NULL);
	}
	spin_unlock_irqrestore(&process_tree_lock, irq);
	return err;
}

/*
 * A fault (or a frame that cannot be written): the signal must arrive.
 * If it is blocked or ignored, the action goes back to SIG_DFL and it is
 * unblocked, so it kills (Linux's force_sig_info_to_task).
 */
static void force_sig_info(const struct linux_siginfo *info)
{
	struct task *t = current();
	struct process *p = t->proc;
	struct signal_state *ss = &p->sig;
	int sig = info->si_signo;
	unsigned long irq;

	irq = spin_lock_irqsave(&ss->lock);
	if (ss->action[sig - 1].handler == SIG_IGN ||
	    (t->blocked & sigmask(sig))) {
		ss->action[sig - 1].handler = SIG_DFL;
		t->blocked &= ~sigmask(sig);
	}
	send_locked(sig, info, p, t, true);
	spin_unlock_irqrestore(&ss->lock, irq);
}

void force_sig_fault(int sig, int code, uintptr_t addr)
{
	struct linux_siginfo info = { 0 };

	info.si_signo = sig;
	info.si_code = code;
	info.f.fault.addr = addr;
	force_sig_info(&info);
}

void force_sig(int sig)
{
	struct linux_siginfo info = { 0 };

	info.si_signo = sig;
	info.si_code = SI_KERNEL;
	force_sig_info(&info);
}

/* --- dequeueing and masks ----------------------------------------------- */

/* Linux's order: synchronous faults first, then the lowest number. */
static int next_signal(ksigset_t set)
{
	ksigset_t sync = set & SYNCHRONOUS_MASK;

	if (sync)
		set = sync;
	return set ? __builtin_ctzll(set) + 1 : 0;
}

/* Take @sig's first siginfo off @sp; keep the bit if another is queued. */
static void collect_signal(struct signal_state *ss, struct sigpending *sp,
			   int sig, struct linux_siginfo *info)
{
	struct sigqueue *q, *first = NULL;
	bool more = false;

	list_for_each_entry(q, &sp->queue, node) {
		if (q->info.si_signo != sig)
			continue;
		if (first) {
			more = true;
			break;
		}
		first = q;
	}
	if (!more)
		sp->set &= ~sigmask(sig);
	if (first) {
		list_del(&first->node);
		ss->nr_queued--;
		*info = first->info;
		kfree(first);
	} else {
		/* Sent when no memory was left: Linux reports it as SI_USER. */
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_USER;
	}
}

/* Lock (t->proc->sig.lock) held. */
int dequeue_signal_locked(struct task *t, ksigset_t allowed,
			  struct linux_siginfo *info)
{
	struct signal_state *ss = &t->proc->sig;
	struct sigpending *sp = &t->pending;
	int sig = next_signal(sp->set & allowed);

	if (!sig) {
		sp = &ss->shared;
		sig = next_signal(sp->set & allowed);
	}
	if (sig)
		collect_signal(ss, sp, sig, info);
	return sig;
}

int dequeue_signal(struct task *t, ksigset_t allowed,
		   struct linux_siginfo *info)
{
	unsigned long irq = spin_lock_irqsave(&t->proc->sig.lock);
	int sig = dequeue_signal_locked(t, allowed, info);

	spin_unlock_irqrestore(&t->proc->sig.lock, irq);
	return sig;
}

void set_current_blocked(ksigset_t set)
{
	struct task *t = current();
	unsigned long irq = spin_lock_irqsave(&t->proc->sig.lock);

	t->blocked = set & ~UNBLOCKABLE;
	spin_unlock_irqrestore(&t->proc->sig.lock, irq);
}

/* --- process life cycle ---------------------------------------------------- */

void signal_fork(struct process *child, struct task *ct,
		 const struct process *parent, const struct task *pt)
{
	/* Only the parent's own thread changes its actions: no lock needed
	 * against writers; senders only read them. */
	memcpy(child->sig.action, parent->sig.action, sizeof(child->sig.action));
	ct->blocked = pt->blocked;
	ct->sas_ss_sp = pt->sas_ss_sp;
	ct->sas_ss_size = pt->sas_ss_size;
	ct->sas_ss_flags = pt->sas_ss_flags;
}

void signal_exec(struct process *p, struct task *t)
{
	unsigned long irq = spin_lock_irqsave(&p->sig.lock);

	for (int i = 0; i < NSIG_MAX; i++) {
		struct linux_sigaction *a = &p->sig.action[i];

		if (a->handler != SIG_IGN)
			a->handler = SIG_DFL;
		a->flags = 0;
		a->restorer = 0;
		a->mask = 0;
	}
	spin_unlock_irqrestore(&p->sig.lock, irq);
	t->sas_ss_sp = 0;
	t->sas_ss_size = 0;
	t->sas_ss_flags = 0;
}

void signal_exit(struct process *p, struct task *t)
{
	unsigned long irq;

	/*
	 * No interval left, so a callback that already started (interrupt
	 * context, one CPU: it cannot be mid-way now) will not re-arm.
	 */
	irq = spin_lock_irqsave(&p->sig.lock);
	p->sig.it_real_incr = 0;
	timer_cancel(&p->sig.real_timer);
	p->sig.flags |= SIGNAL_DEAD;
	flush_pending_mask(&p->sig, &t->pending, ~0ULL);
	flush_pending_mask(&p->sig, &p->sig.shared, ~0ULL);
	spin_unlock_irqrestore(&p->sig.lock, irq);
}

/* ns to clock ticks (USER_HZ 100), for si_utime/si_stime. */
static s64 ns_to_clock_t(u64 ns)
{
	return (s64)(ns / (NSEC_PER_SEC / 100));
}

bool signal_notify_parent_exit(struct process *p)
{
	struct process *parent = p->parent;
	struct linux_siginfo info = { 0 };
	int sig = p->exit_signal, st = p->exit_status;
	bool autoreap = false;

	info.si_signo = sig;
	info.f.chld.pid = p->pid;
	info.f.chld.uid = p->cred.uid;
	info.f.chld.utime = ns_to_clock_t(process_cpu_time_ns(p));
	if ((st & 0x7f) == 0) {
		info.si_code = CLD_EXITED;
		info.f.chld.status = (st >> 8) & 0xff;
	} else {
		info.si_code = (st & 0x80) ? CLD_DUMPED : CLD_KILLED;
		info.f.chld.status = st & 0x7f;
	}
	if (sig == SIGCHLD) {
		unsigned long irq = spin_lock_irqsave(&parent->sig.lock);
		const struct linux_sigaction *a = &parent->sig.action[SIGCHLD - 1];

		/* POSIX: the parent that ignores SIGCHLD leaves no zombies. */
		if (a->handler == SIG_IGN || (a->flags & SA_NOCLDWAIT))
			autoreap = true;
		if (a->handler == SIG_IGN)
			sig = 0;
		spin_unlock_irqrestore(&parent->sig.lock, irq);
	}
	if (sig > 0 && sig <= NSIG_MAX)
		send_sig_info(sig, &info, parent, NULL);
	return autoreap;
}

/*
 * A child stopped or continued: SIGCHLD to the parent unless it asked
 * not to hear of it (SA_NOCLDSTOP, or SIGCHLD ignored); wait() wakes in
 * any case.
 */
void signal_notify_parent_cldstop(struct process *p, int why, int status)
{
	struct linux_siginfo info = { 0 };
	struct process *parent;
	unsigned long irq, irq2;
	bool send;

	info.si_signo = SIGCHLD;
	info.si_code = why;
	info.f.chld.pid = p->pid;
	info.f.chld.uid = p->cred.uid;
	info.f.chld.status = status;
	info.f.chld.utime = ns_to_clock_t(process_cpu_time_ns(p));
	irq = spin_lock_irqsave(&process_tree_lock);
	parent = p->parent;
	if (parent && parent->state == PROCESS_ALIVE) {
		irq2 = spin_lock_irqsave(&parent->sig.lock);
		send = !(parent->sig.action[SIGCHLD - 1].flags & SA_NOCLDSTOP);
		spin_unlock_irqrestore(&parent->sig.lock, irq2);
		if (send)
			send_sig_info(SIGCHLD, &info, parent, NULL);
		wake_up_all(&parent->child_exit);
	}
	spin_unlock_irqrestore(&process_tree_lock, irq);
}

bool signal_wait_report(struct process *c, unsigned int options, int *status)
{
	struct signal_state *ss = &c->sig;
	unsigned long irq = spin_lock_irqsave(&ss->lock);
	bool found = false;

	if ((options & WUNTRACED) && (ss->flags & SIGNAL_STOP_STOPPED) &&
	    (ss->flags & SIGNAL_STOP_REPORT)) {
		*status = 0x7f | (ss->stop_sig << 8);
		if (!(options & WNOWAIT))
			ss->flags &= ~SIGNAL_STOP_REPORT;
		found = true;
	} else if ((options & WCONTINUED) && (ss->flags & SIGNAL_STOP_CONTINUED)) {
		*status = 0xffff;
		if (!(options & WNOWAIT))
			ss->flags &= ~SIGNAL_STOP_CONTINUED;
		found = true;
	}
	spin_unlock_irqrestore(&ss->lock, irq);
	return found;
}

/*
 * POSIX orphaned process group: no member has a parent in a different
 * group of the same session (init does not count as such a parent).
 */
bool pgrp_is_orphaned(int pgrp)
{
	struct process *p;
	unsigned long irq = spin_lock_irqsave(&process_tree_lock);
	bool orphaned = true;

	list_for_each_entry(p, process_list_head(), all_node) {
		struct process *parent = p->parent;

		if (p->pgid != pgrp || p->state != PROCESS_ALIVE || !parent ||
		    parent == init_process)
			continue;
		if (parent->pgid != pgrp && parent->sid == p->sid) {
			orphaned = false;
			break;
		}
	}
	spin_unlock_irqrestore(&process_tree_lock, irq);
	return orphaned;
}
