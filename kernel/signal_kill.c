/*
 * Sending signals from user space: kill (a process, the caller's group,
 * every process, another group), tkill, tgkill, rt_sigqueueinfo and
 * rt_tgsigqueueinfo, with Linux's permission rule.
 */
#include <ferrite/errno.h>
#include <ferrite/process.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>

/*
 * Linux's check_kill_permission: privileged (euid 0), or the sender's
 * real or effective uid is the target's real or saved uid, or SIGCONT
 * within the session.
 */
bool kill_permitted(struct process *p, int sig)
{
	struct process *me = current_process();
	const struct cred *c = &me->cred, *tc = &p->cred;

	if (p == me || c->euid == 0)
		return true;
	if (c->euid == tc->suid || c->euid == tc->uid ||
	    c->uid == tc->suid || c->uid == tc->uid)
		return true;
	return sig == SIGCONT && READ_ONCE(p->sid) == READ_ONCE(me->sid);
}

/* One target: permission first, then (unless @sig is 0) the signal. */
static int send_checked(struct process *p, int sig,
			const struct linux_siginfo *info, struct task *t)
{
	if (!kill_permitted(p, sig))
		return -EPERM;
	if (!sig)
		return 0;
	return send_sig_info(sig, info, p, t);
}

static void kill_info(struct linux_siginfo *info, int sig, int code)
{
	struct process *me = current_process();

	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->f.rt.pid = me->pid;
	info->f.rt.uid = me->cred.uid;
}

static int kill_one(int pid, int sig, const struct linux_siginfo *info)
{
	struct process *p = process_lookup(pid);
	int err;

	if (!p)
		return -ESRCH;
	err = send_checked(p, sig, info, NULL);
	process_put(p);
	return err;
}

/*
 * A group (@pgrp > 0) or everyone but init and the caller (@pgrp 0, for
 * kill(-1)). Linux: success if any send succeeded, else the last error,
 * -ESRCH when nobody matched.
 */
static int kill_many(int pgrp, int sig, const struct linux_siginfo *info)
{
	struct process *me = current_process(), *p;
	unsigned long irq;
	int err = -ESRCH, r;
	bool any_ok = false;

	irq = spin_lock_irqsave(&process_tree_lock);
	list_for_each_entry(p, process_list_head(), all_node) {
		if (p->state != PROCESS_ALIVE && p->state != PROCESS_ZOMBIE)
			continue;
		if (pgrp ? p->pgid != pgrp : (p->pid <= 1 || p == me))
			continue;
		r = send_checked(p, sig, info, NULL);
		if (!r)
			any_ok = true;
		else
			err = r;
	}
	spin_unlock_irqrestore(&process_tree_lock, irq);
	return any_ok ? 0 : err;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	struct linux_siginfo info;

	if (sig < 0 || sig > NSIG_MAX)
		return -EINVAL;
	kill_info(&info, sig, SI_USER);
	if (pid > 0)
		return kill_one(pid, sig, &info);
	if (pid == (int)0x80000000)
		return -ESRCH;
	if (pid == 0)
		return kill_many(READ_ONCE(current_process()->pgid), sig, &info);
	if (pid == -1)
		return kill_many(0, sig, &info);
	return kill_many(-pid, sig, &info);
}

static int do_tkill(int tgid, int tid, int sig, const struct linux_siginfo *info)
{
	struct task *t;
	int err = -ESRCH;

	if (tid <= 0 || sig < 0 || sig > NSIG_MAX)
		return -EINVAL;
	t = task_lookup(tid);
	if (!t)
		return -ESRCH;
	if (t->proc && (tgid <= 0 || t->proc->pid == tgid) &&
	    t->state != TASK_DEAD)
		err = send_checked(t->proc, sig, info, t);
	task_put(t);
	return err;
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	struct linux_siginfo info;

	kill_info(&info, sig, SI_TKILL);
	return do_tkill(0, tid, sig, &info);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	struct linux_siginfo info;

	if (tgid <= 0)
		return -EINVAL;
	kill_info(&info, sig, SI_TKILL);
	return do_tkill(tgid, tid, sig, &info);
}

/*
 * The caller supplies the siginfo, but may not pretend to be the kernel
 * or kill(2) when signalling someone else (Linux's rule).
 */
static int copy_queue_info(struct linux_siginfo *info, user_addr_t uinfo,
			   int sig, bool self)
{
	if (copy_from_user(info, uinfo, sizeof(*info)))
		return -EFAULT;
	if ((info->si_code >= 0 || info->si_code == SI_TKILL) && !self)
		return -EPERM;
	info->si_signo = sig;
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig, user_addr_t, uinfo)
{
	struct linux_siginfo info;
	int err;

	if (sig < 0 || sig > NSIG_MAX)
		return -EINVAL;
	err = copy_queue_info(&info, uinfo, sig,
			      pid == current_process()->pid);
	if (err)
		return err;
	if (pid <= 0)
		return -ESRCH;
	return kill_one(pid, sig, &info);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig,
		user_addr_t, uinfo)
{
	struct linux_siginfo info;
	int err;

	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > NSIG_MAX)
		return -EINVAL;
	err = copy_queue_info(&info, uinfo, sig,
			      tgid == current_process()->pid);
	if (err)
		return err;
	return do_tkill(tgid, tid, sig, &info);
}
