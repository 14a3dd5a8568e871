/*
 * Waiting for children: wait4 and waitid. do_wait() finds a matching
 * zombie child under process_tree_lock, reaps it (unless WNOWAIT) and
 * reports Linux's status encoding, or a stopped/continued child's report
 * (WUNTRACED/WCONTINUED); otherwise it sleeps, interruptibly, on the
 * caller's child_exit queue, which exit, stop and continue wake.
 */
#include <ferrite/err.h>
#include <ferrite/process.h>
#include <ferrite/syscall.h>
#include <ferrite/timer.h>

static bool wait_matches(const struct process *c, int idtype, int id,
			 unsigned int options)
{
	if (idtype == P_PID && c->pid != id)
		return false;
	if (idtype == P_PGID && c->pgid != id)
		return false;
	/*
	 * Linux: without __WALL, a plain wait sees only children that signal
	 * SIGCHLD at exit, and __WCLONE only the others.
	 */
	if (!(options & __WALL) &&
	    ((c->exit_signal != SIGCHLD) != !!(options & __WCLONE)))
		return false;
	return true;
}

/* Take the zombie's report; unless WNOWAIT, unlink it. Tree lock held. */
static void wait_collect_locked(struct process *me, struct process *c,
				unsigned int options, struct wait_result *r)
{
	u64 own = process_cpu_time_ns(c);

	r->pid = c->pid;
	r->status = c->exit_status;
	r->uid = c->cred.uid;
	/* All CPU time counts as user time until entry/exit accounting. */
	r->utime_ns = own;
	r->stime_ns = 0;
	r->ru_utime_ns = own + c->cutime_ns;
	r->ru_stime_ns = c->cstime_ns;
	if (options & WNOWAIT)
		return;
	list_del(&c->sibling);
	list_del(&c->all_node);
	c->state = PROCESS_DEAD;
	me->cutime_ns += r->ru_utime_ns;
	me->cstime_ns += r->ru_stime_ns;
}

/* A stopped or continued child's report. Tree lock held. */
static bool wait_stop_report_locked(struct process *c, unsigned int options,
				    struct wait_result *r)
{
	if (c->state != PROCESS_ALIVE ||
	    !signal_wait_report(c, options, &r->status))
		return false;
	r->pid = c->pid;
	r->uid = c->cred.uid;
	r->utime_ns = process_cpu_time_ns(c);
	r->stime_ns = 0;
	r->ru_utime_ns = r->utime_ns + c->cutime_ns;
	r->ru_stime_ns = c->cstime_ns;
	return true;
}

int do_wait(int idtype, int id, unsigned int options, struct wait_result *r)
{
	struct process *me = current_process(), *c, *reaped;
	struct wait_entry we;
	unsigned long irq;
	bool any, reported;
	int err = 0;

	r->pid = 0;
	wait_entry_init(&we, 0);
	for (;;) {
		prepare_to_wait(&me->child_exit, &we, TASK_INTERRUPTIBLE);
		reaped = NULL;
		reported = false;
		any = false;
		irq = spin_lock_irqsave(&process_tree_lock);
		list_for_each_entry(c, &me->children, sibling) {
			if (!wait_matches(c, idtype, id, options))
				continue;
			any = true;
			if (c->state == PROCESS_ZOMBIE && (options & WEXITED)) {
				wait_collect_locked(me, c, options, r);
				reaped = c;
				break;
			}
			if (wait_stop_report_locked(c, options, r)) {
				reported = true;
				break;
			}
		}
		spin_unlock_irqrestore(&process_tree_lock, irq);
		if (reaped || reported || !any || (options & WNOHANG))
			break;
		if (signal_pending(current())) {
			err = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(&me->child_exit, &we);
	if (err)
		return err;
	if (!any)
		return -ECHILD;
	/* The parent's reference, held since fork, goes with the reaping. */
	if (reaped && !(options & WNOWAIT))
		process_put(reaped);
	return 0;
}

static int caller_pgid(void)
{
	struct process *me = current_process();
	unsigned long irq = spin_lock_irqsave(&process_tree_lock);
	int pgid = me->pgid;

	spin_unlock_irqrestore(&process_tree_lock, irq);
	return pgid;
}

SYSCALL_DEFINE4(wait4, int, pid, user_addr_t, ustatus, int, options,
		user_addr_t, uru)
{
	struct wait_result r;
	struct linux_rusage ru;
	int idtype = P_PID, id = pid, err;

	if ((unsigned int)options & ~(WNOHANG | WUNTRACED | WCONTINUED |
				      __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	/* Linux: -INT_MIN has no process group to name. */
	if (pid == (int)0x80000000)
		return -ESRCH;
	if (pid == -1) {
		idtype = P_ALL;
	} else if (pid < -1) {
		idtype = P_PGID;
		id = -pid;
	} else if (pid == 0) {
		idtype = P_PGID;
		id = caller_pgid();
	}
	err = do_wait(idtype, id, (unsigned int)options | WEXITED, &r);
	if (err)
		return err;
	if (!r.pid)
		return 0;
	/* The child is reaped even if these copies fail, as on Linux. */
	if (!uaddr_is_null(ustatus) && put_user(r.status, ustatus))
		return -EFAULT;
	if (!uaddr_is_null(uru)) {
		rusage_from_times(&ru, r.ru_utime_ns, r.ru_stime_ns);
		if (copy_to_user(uru, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return r.pid;
}

/* The SIGCHLD siginfo fields waitid writes (the rest stays untouched). */
struct waitid_head {
	s32 si_signo, si_errno, si_code;
};

struct waitid_child {
	s32 si_pid;
	u32 si_uid;
	s32 si_status;
};

#define SIGINFO_FIELDS_OFFSET	16	/* the union after the 3 ints + pad */

static int waitid_report(user_addr_t infop, const struct wait_result *r)
{
	struct waitid_head h = { 0 };
	struct waitid_child c = { 0 };

	if (r->pid) {
		h.si_signo = SIGCHLD;
		c.si_pid = r->pid;
		c.si_uid = r->uid;
		if (r->status == 0xffff) {
			h.si_code = CLD_CONTINUED;
			c.si_status = SIGCONT;
		} else if ((r->status & 0xff) == 0x7f) {
			h.si_code = CLD_STOPPED;
			c.si_status = (r->status >> 8) & 0xff;
		} else if ((r->status & 0x7f) == 0) {
			h.si_code = CLD_EXITED;
			c.si_status = (r->status >> 8) & 0xff;
		} else {
			h.si_code = (r->status & 0x80) ? CLD_DUMPED : CLD_KILLED;
			c.si_status = r->status & 0x7f;
		}
	}
	if (copy_to_user(infop, &h, sizeof(h)) ||
	    copy_to_user(uaddr_add(infop, SIGINFO_FIELDS_OFFSET), &c, sizeof(c)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE5(waitid, int, idtype, int, id, user_addr_t, infop,
		int, options, user_addr_t, uru)
{
	struct wait_result r;
	struct linux_rusage ru;
	int err;

	if ((unsigned int)options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED |
				      WCONTINUED | __WNOTHREAD | __WCLONE |
				      __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (idtype) {
	case P_ALL:
		break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		break;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		if (id == 0)
			id = caller_pgid();
		break;
	case P_PIDFD:
		/* No pidfds exist, so no descriptor can be one. */
		return -EBADF;
	default:
		return -EINVAL;
	}
	err = do_wait(idtype, id, (unsigned int)options, &r);
	if (err)
		return err;
	if (r.pid && !uaddr_is_null(uru)) {
		rusage_from_times(&ru, r.ru_utime_ns, r.ru_stime_ns);
		if (copy_to_user(uru, &ru, sizeof(ru)))
			return -EFAULT;
	}
	if (uaddr_is_null(infop))
		return 0;
	return waitid_report(infop, &r);
}
