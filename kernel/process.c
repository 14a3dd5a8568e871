/*
 * Processes: allocation and reference counting, the global process list
 * and lookup by pid, credentials copies, default resource limits and CPU
 * time. fork.c, exec.c, exit.c and waitpid.c build the life cycle on this.
 */
#include <ferrite/err.h>
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/vm.h>

/*
 * process_tree_lock guards every parent/child link, the process list,
 * states, exit statuses and pgid/sid. It nests inside nothing that
 * sleeps; wait-queue and run-queue locks may be taken under it (wake_up).
 */
DEFINE_SPINLOCK(process_tree_lock);
static LIST_HEAD(process_list);		/* [process_tree_lock] */
struct process *init_process;

struct process *process_alloc(void)
{
	struct process *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	p->refcount = 1;
	p->state = PROCESS_ALIVE;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->all_node);
	list_init(&p->threads);
	wait_queue_init(&p->child_exit);
	p->exit_signal = SIGCHLD;
	p->dumpable = 1;
	p->start_ns = arch_clock_ns();
	signal_process_init(p);
	return p;
}

struct process *process_get(struct process *p)
{
	__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
	return p;
}

/*
 * The last reference: everything the process owned was given back at
 * exit (or never taken, when fork failed half-way), except what is
 * dropped here: the credentials, the exe path and the leader task.
 */
void process_put(struct process *p)
{
	if (__atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	BUG_ON(p->mm || p->files || p->fs);
	cred_release(&p->cred);
	if (p->exe) {
		path_put(p->exe);
		kfree(p->exe);
	}
	if (p->leader)
		task_put(p->leader);
	kfree(p);
}

struct process *process_lookup(int pid)
{
	struct process *p, *found = NULL;
	unsigned long irq = spin_lock_irqsave(&process_tree_lock);

	list_for_each_entry(p, &process_list, all_node) {
		if (p->pid == pid && p->state != PROCESS_DEAD) {
			found = process_get(p);
			break;
		}
	}
	spin_unlock_irqrestore(&process_tree_lock, irq);
	return found;
}

/* Put @p on the global list; caller holds process_tree_lock. */
void process_list_add_locked(struct process *p)
{
	list_add_tail(&p->all_node, &process_list);
}

/* The list head, for wait's and setpgid's walks (process_tree_lock held). */
struct list_head *process_list_head(void)
{
	return &process_list;
}

int cred_copy(struct cred *dst, const struct cred *src)
{
	u32 *groups = NULL;

	if (src->ngroups) {
		groups = kcalloc(src->ngroups, sizeof(u32), GFP_KERNEL);
		if (!groups)
			return -ENOMEM;
		memcpy(groups, src->groups, src->ngroups * sizeof(u32));
	}
	*dst = *src;
	dst->groups = groups;
	return 0;
}

void cred_release(struct cred *c)
{
	kfree(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

/*
 * Linux's INIT_RLIMITS with the values a kernel-started init sees:
 * 8 MiB stack, 1024/4096 files, 8 MiB locked memory, no core files.
 * NPROC and SIGPENDING scale with memory on Linux; ours scale with pids.
 */
void process_default_rlimits(struct rlimit64 *rlim)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		rlim[i] = (struct rlimit64){ RLIM_INFINITY, RLIM_INFINITY };
	rlim[RLIMIT_STACK].rlim_cur = 8ULL << 20;
	rlim[RLIMIT_CORE].rlim_cur = 0;
	rlim[RLIMIT_NPROC] = (struct rlimit64){ PID_MAX / 2, PID_MAX / 2 };
	rlim[RLIMIT_NOFILE] = (struct rlimit64){ 1024, 4096 };
	rlim[RLIMIT_MEMLOCK] = (struct rlimit64){ 8ULL << 20, 8ULL << 20 };
	rlim[RLIMIT_SIGPENDING] = (struct rlimit64){ PID_MAX / 2, PID_MAX / 2 };
	rlim[RLIMIT_MSGQUEUE] = (struct rlimit64){ 819200, 819200 };
	rlim[RLIMIT_NICE] = (struct rlimit64){ 0, 0 };
	rlim[RLIMIT_RTPRIO] = (struct rlimit64){ 0, 0 };
}

/*
 * One thread per process today, and its task lives as long as the
 * process (the leader reference), so its run time is the process's.
 */
u64 process_cpu_time_ns(struct process *p)
{
	return p->utime_ns + (p->leader ? task_cpu_time_ns(p->leader) : 0);
}
