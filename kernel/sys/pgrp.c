/*
 * Process groups and sessions: setpgid, getpgid, getpgrp, setsid, getsid,
 * with Linux's rules (children only, same session, not after exec, never
 * a session leader). All state is under process_tree_lock.
 */
#include <ferrite/process.h>
#include <ferrite/syscall.h>

/* Process @pid (0: the caller), tree lock held; NULL if none. */
static struct process *find_locked(int pid)
{
	struct process *p;

	if (pid == 0)
		return current_process();
	list_for_each_entry(p, process_list_head(), all_node)
		if (p->pid == pid && p->state != PROCESS_DEAD)
			return p;
	return NULL;
}

static bool pgrp_exists_in_session_locked(int pgid, int sid)
{
	struct process *p;

	list_for_each_entry(p, process_list_head(), all_node)
		if (p->pgid == pgid && p->sid == sid &&
		    p->state != PROCESS_DEAD)
			return true;
	return false;
}

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct process *me = current_process(), *p;
	unsigned long irq;
	int err = 0;

	if (pgid < 0)
		return -EINVAL;
	irq = spin_lock_irqsave(&process_tree_lock);
	p = find_locked(pid);
	if (!p || (p != me && p->parent != me)) {
		err = -ESRCH;
		goto out;
	}
	if (!pgid)
		pgid = p->pid;
	if (p != me) {
		if (p->sid != me->sid) {
			err = -EPERM;
			goto out;
		}
		if (p->did_exec) {
			err = -EACCES;
			goto out;
		}
	}
	if (p->sid == p->pid ||
	    (pgid != p->pid && !pgrp_exists_in_session_locked(pgid, me->sid))) {
		err = -EPERM;
		goto out;
	}
	p->pgid = pgid;
out:
	spin_unlock_irqrestore(&process_tree_lock, irq);
	return err;
}

static long get_id(int pid, bool session)
{
	unsigned long irq;
	struct process *p;
	long r;

	irq = spin_lock_irqsave(&process_tree_lock);
	p = find_locked(pid);
	r = !p ? -ESRCH : session ? p->sid : p->pgid;
	spin_unlock_irqrestore(&process_tree_lock, irq);
	return r;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	return get_id(pid, false);
}

SYSCALL_DEFINE0(getpgrp)
{
	return get_id(0, false);
}

SYSCALL_DEFINE1(getsid, int, pid)
{
	return get_id(pid, true);
}

SYSCALL_DEFINE0(setsid)
{
	struct process *me = current_process(), *p;
	unsigned long irq;
	long r = me->pid;

	irq = spin_lock_irqsave(&process_tree_lock);
	/* A group already named by our pid (we lead one): EPERM. */
	list_for_each_entry(p, process_list_head(), all_node) {
		if (p->pgid == me->pid && p->state != PROCESS_DEAD) {
			r = -EPERM;
			break;
		}
	}
	if (r > 0)
		me->sid = me->pgid = me->pid;
	spin_unlock_irqrestore(&process_tree_lock, irq);
	return r;
}
