/*
 * The end of a process: exit/exit_group and fatal signals, releasing the
 * address space, files and fs context, re-parenting children to init,
 * becoming a zombie for the parent's wait (or reaping itself when the
 * parent ignores SIGCHLD), the parent's exit signal, and init's own end,
 * which powers the machine off as Linux's panic-on-init-exit would.
 */
#include <ferrite/err.h>
#include <ferrite/fs.h>
#include <ferrite/futex.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/process.h>
#include <ferrite/vm.h>

/* Let a vfork parent go: the child no longer uses its memory. */
void process_vfork_release(struct process *p)
{
	struct completion *done = p->vfork_done;

	if (done) {
		p->vfork_done = NULL;
		complete(done);
	}
}

/*
 * clear_child_tid (set_tid_address, CLONE_CHILD_CLEARTID): write 0 there
 * and wake a futex waiter on it, so a joiner sees the thread gone.
 */
static void exit_clear_child_tid(struct task *t)
{
	if (t->clear_child_tid) {
		user_addr_t u = UADDR(t->clear_child_tid);

		if (!put_user((int)0, u))
			futex_wake_on_exit(u);
		t->clear_child_tid = 0;
	}
}

/*
 * Drop the address space, files and fs context (task context, may sleep).
 * The pointers are cleared under process_tree_lock, so /proc readers that
 * take their references under that lock either see a live object (our
 * reference is put only after the lock is released) or NULL.
 */
static void exit_release_resources(struct process *p)
{
	struct mm *mm;
	struct files *files;
	struct fs_context *fs;
	unsigned long irq;

	preempt_disable();
	irq = spin_lock_irqsave(&process_tree_lock);
	mm = p->mm;
	files = p->files;
	fs = p->fs;
	p->mm = NULL;
	p->files = NULL;
	p->fs = NULL;
	spin_unlock_irqrestore(&process_tree_lock, irq);
	/* Switch away first: mm_put may free the tables we run on. */
	if (mm)
		mm_activate(NULL);
	preempt_enable();
	if (mm)
		mm_put(mm);
	if (files)
		files_put(files);
	if (fs)
		fs_context_put(fs);
}

static __noreturn void init_exited(int status)
{
	if (status & 0x7f)
		pr_emerg("ferrite: init exited with status %d (killed by signal %d)\n",
			 status, status & 0x7f);
	else
		pr_emerg("ferrite: init exited with status %d\n",
			 (status >> 8) & 0xff);
	arch_poweroff();
}

/*
 * Hand our children to init. A zombie among them must wake init's wait;
 * a live child that asked for it (PR_SET_PDEATHSIG) gets its signal.
 * Tree lock held.
 */
static bool exit_reparent_locked(struct process *p)
{
	struct process *c, *tmp;
	bool zombie = false;

	list_for_each_entry_safe(c, tmp, &p->children, sibling) {
		list_del(&c->sibling);
		c->parent = init_process;
		/*
		 * A clone()d child may carry any exit signal; its new parent
		 * gets plain SIGCHLD, as Linux does, so no orphan can kill
		 * init with its exit (found by the syscall fuzzer).
		 */
		c->exit_signal = SIGCHLD;
		list_add_tail(&c->sibling, &init_process->children);
		zombie |= c->state == PROCESS_ZOMBIE;
		if (c->state == PROCESS_ALIVE && c->pdeath_signal)
			kill_process(c, c->pdeath_signal, SI_USER);
	}
	return zombie;
}

/*
 * Nobody will wait for us (the parent ignores SIGCHLD or set
 * SA_NOCLDWAIT): leave the tree now, as Linux's release_task. The exe
 * path goes here, while sleeping is still allowed.
 */
static void exit_detach_exe(struct process *p)
{
	struct path *exe;
	unsigned long irq = spin_lock_irqsave(&process_tree_lock);

	exe = p->exe;
	p->exe = NULL;
	spin_unlock_irqrestore(&process_tree_lock, irq);
	if (exe) {
		path_put(exe);
		kfree(exe);
	}
}

__noreturn void process_exit(int status)
{
	struct task *self = current();
	struct process *p = self->proc, *parent;
	unsigned long irq;
	bool wake_init, autoreap;

	BUG_ON(!p);
	exit_clear_child_tid(self);
	process_vfork_release(p);
	/* From here on signals to us are dropped; the real timer is off. */
	signal_exit(p, self);
	exit_release_resources(p);
	if (p == init_process)
		init_exited(status);
	/* A session leader's end hangs up its controlling terminal. */
	if (p->pid == READ_ONCE(p->sid))
		tty_session_leader_exit(p->sid);
	exit_detach_exe(p);

	/*
	 * No preemption from the wake-up to the final switch: the parent may
	 * then reap us only once we are off the CPU (one CPU; SMP will need
	 * the parent to wait for the switch to finish).
	 */
	preempt_disable();
	irq = spin_lock_irqsave(&process_tree_lock);
	wake_init = exit_reparent_locked(p);
	list_del(&self->thread_node);
	list_init(&self->thread_node);
	p->nr_threads--;
	p->exit_status = status;
	p->state = PROCESS_ZOMBIE;
	parent = p->parent;
	autoreap = signal_notify_parent_exit(p);
	if (autoreap) {
		list_del(&p->sibling);
		list_del(&p->all_node);
		p->state = PROCESS_DEAD;
	}
	spin_unlock_irqrestore(&process_tree_lock, irq);

	self->exit_code = status;
	wake_up_all(&parent->child_exit);
	if (wake_init && parent != init_process)
		wake_up_all(&init_process->child_exit);
	complete_all(&self->exited);
	/*
	 * The tree's reference: with preemption off nothing can look at
	 * self->proc between this and the final switch.
	 */
	if (autoreap)
		process_put(p);
	sched_exit_current();
}
