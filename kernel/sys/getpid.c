/*
 * Process and thread identity: getpid, getppid, gettid, set_tid_address.
 */
#include <ferrite/process.h>
#include <ferrite/syscall.h>

SYSCALL_DEFINE0(getpid)
{
	return current_process()->pid;
}

SYSCALL_DEFINE0(getppid)
{
	struct process *p = current_process();
	unsigned long irq = spin_lock_irqsave(&process_tree_lock);
	/* init's parent is outside the system: 0, as on Linux. */
	int ppid = p == init_process || p->parent == p ? 0 : p->parent->pid;

	spin_unlock_irqrestore(&process_tree_lock, irq);
	return ppid;
}

SYSCALL_DEFINE0(gettid)
{
	return current()->tid;
}

/* Remember where to write 0 at exit; returns the tid (Linux). */
SYSCALL_DEFINE1(set_tid_address, user_addr_t, tidptr)
{
	current()->clear_child_tid = tidptr.addr;
	return current()->tid;
}
