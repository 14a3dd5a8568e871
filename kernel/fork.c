/*
 * fork, vfork and clone: a new process with a copy (or a share) of the
 * caller's address space, files and filesystem context. Every step that
 * can fail runs first; after the "commit" line nothing fails, so a failed
 * fork leaves no trace (OpenBSD's fork1 does the same).
 */
#include <ferrite/err.h>
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/vm.h>

/*
 * Flags a fork-like caller uses and we implement. Threads (CLONE_THREAD,
 * CLONE_SIGHAND), namespaces and pidfds are refused with -EINVAL until
 * they exist; CLONE_PTRACE/UNTRACED/DETACHED/SYSVSEM/IO change nothing
 * here because what they refer to does not exist yet.
 */
#define CLONE_SUPPORTED	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | \
			 CLONE_VFORK | CLONE_PARENT | CLONE_SETTLS | \
			 CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | \
			 CLONE_CHILD_CLEARTID | CLONE_PTRACE | CLONE_UNTRACED | \
			 CLONE_DETACHED | CLONE_SYSVSEM | CLONE_IO)

/* What a child needs before it can be committed; undone by fork_undo. */
struct fork_parts {
	struct task *task;
	struct process *proc;
};

/* First code of the child (its kernel context starts here). */
static void fork_child_entry(void *arg)
{
	struct task *self = arg;

	sched_finish_switch();
	/* CLONE_CHILD_SETTID: written from the child, in its own memory,
	 * as Linux does; a bad address is silently ignored there too. */
	if (self->set_child_tid)
		put_user((int)self->tid, UADDR(self->set_child_tid));
	arch_return_to_user();
}

static int fork_check_flags(unsigned long flags, struct process *parent)
{
	if (flags & ~CLONE_SUPPORTED)
		return -EINVAL;
	if ((flags & CSIGNAL) > NSIG_MAX)
		return -EINVAL;
	/* Linux: init has no parent to share. */
	if ((flags & CLONE_PARENT) && parent == init_process)
		return -EINVAL;
	return 0;
}

static void fork_undo(struct fork_parts *fp)
{
	struct process *p = fp->proc;

	if (p) {
		if (p->mm)
			mm_put(p->mm);
		if (p->files)
			files_put(p->files);
		if (p->fs)
			fs_context_put(p->fs);
		p->mm = NULL;
		p->files = NULL;
		p->fs = NULL;
		process_put(p);		/* creds, exe */
	}
	if (fp->task)
		task_put(fp->task);	/* FPU area (task_free), stack, tid */
}

static struct path *path_dup(const struct path *src)
{
	struct path *p = kmalloc(sizeof(*p), GFP_KERNEL);

	if (p) {
		*p = *src;
		path_get(p);
	}
	return p;
}

/* Everything that can fail: task, process, mm, files, fs, arch state. */
static int fork_prepare(struct fork_parts *fp, unsigned long flags,
			struct process *parent, uintptr_t new_sp, uintptr_t tls)
{
	struct task *self = current();
	struct process *p;
	struct task *t;
	int err;

	t = task_alloc(self->name, 0);
	if (IS_ERR(t))
		return (int)PTR_ERR(t);
	fp->task = t;
	err = arch_thread_init(t, self);
	if (err)
		return err;
	p = process_alloc();
	if (!p)
		return -ENOMEM;
	fp->proc = p;
	if (cred_copy(&p->cred, &parent->cred))
		return -ENOMEM;
	if (parent->exe && !(p->exe = path_dup(parent->exe)))
		return -ENOMEM;

	if (flags & CLONE_VM) {
		mm_get(parent->mm);
		p->mm = parent->mm;
	} else if (!(p->mm = mm_dup(parent->mm))) {
		return -ENOMEM;
	}
	if (flags & CLONE_FILES) {
		files_get(parent->files);
		p->files = parent->files;
	} else if (!(p->files = files_dup(parent->files))) {
		return -ENOMEM;
	}
	if (flags & CLONE_FS) {
		/* fs.h has no fs_context_get; the count is atomic. */
		__atomic_add_fetch(&parent->fs->refcount, 1, __ATOMIC_RELAXED);
		p->fs = parent->fs;
	} else if (!(p->fs = fs_context_dup(parent->fs))) {
		return -ENOMEM;
	}
	err = arch_task_fork(t, current_user_regs(), new_sp,
			     (flags & CLONE_SETTLS) != 0, tls);
	if (err)
		return err;
	arch_context_init(&t->ctx, task_user_regs(t), fork_child_entry, t);
	return 0;
}

/* Fill in the child's remaining fields and link it in. Cannot fail. */
static void fork_commit(struct fork_parts *fp, unsigned long flags,
			struct process *parent, user_addr_t child_tid)
{
	struct task *self = current(), *t = fp->task;
	struct process *p = fp->proc;
	unsigned long irq;

	p->pid = t->tid;
	p->leader = task_get(t);
	p->exit_signal = (int)(flags & CSIGNAL);
	memcpy(p->rlim, parent->rlim, sizeof(p->rlim));
	p->pdeath_signal = 0;
	p->dumpable = parent->dumpable;
	p->make_it_fail = READ_ONCE(parent->make_it_fail);
	p->personality = parent->personality;
	t->proc = p;
	t->set_child_tid = (flags & CLONE_CHILD_SETTID) ? child_tid.addr : 0;
	t->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? child_tid.addr : 0;
	t->robust_list = 0;	/* Linux: a new task has no robust list */
	t->robust_list_len = 0;
	/* rseq: inherited by a fork (same memory layout), not by CLONE_VM. */
	t->rseq_area = (flags & CLONE_VM) ? 0 : self->rseq_area;
	t->rseq_len = (flags & CLONE_VM) ? 0 : self->rseq_len;
	/* Actions, mask and alt stack are inherited; pending signals are not. */
	signal_fork(p, t, parent, self);
	/* Linux: a CLONE_VM child (not vfork) must not share the alt stack. */
	if ((flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM) {
		t->sas_ss_sp = 0;
		t->sas_ss_size = 0;
		t->sas_ss_flags = 0;
	}

	irq = spin_lock_irqsave(&process_tree_lock);
	p->parent = (flags & CLONE_PARENT) ? parent->parent : parent;
	list_add_tail(&p->sibling, &p->parent->children);
	process_list_add_locked(p);
	list_add_tail(&t->thread_node, &p->threads);
	p->nr_threads = 1;
	p->pgid = parent->pgid;
	p->sid = parent->sid;
	spin_unlock_irqrestore(&process_tree_lock, irq);
}

long do_fork(unsigned long flags, uintptr_t new_sp, user_addr_t parent_tid,
	     user_addr_t child_tid, uintptr_t tls)
{
	struct process *parent = current_process();
	struct fork_parts fp = { 0 };
	struct completion vfork_done;
	int err, pid;

	if (!parent)
		return -EINVAL;
	err = fork_check_flags(flags, parent);
	if (err)
		return err;
	err = fork_prepare(&fp, flags, parent, new_sp, tls);
	if (err) {
		fork_undo(&fp);
		return err;
	}

	/* ---- commit: nothing below can fail ---- */
	fork_commit(&fp, flags, parent, child_tid);
	pid = fp.proc->pid;
	if (flags & CLONE_VFORK) {
		completion_init(&vfork_done);
		fp.proc->vfork_done = &vfork_done;
	}
	/* Before the child runs, as Linux; a bad address is ignored. */
	if (flags & CLONE_PARENT_SETTID)
		put_user(pid, parent_tid);
	sched_start_task(fp.task);
	/*
	 * vfork: the child borrows our memory until it execs or exits, which
	 * completes this.
	 */
	if (flags & CLONE_VFORK)
		wait_for_completion(&vfork_done);
	return pid;
}
