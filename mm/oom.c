/*
 * The out-of-memory killer: when a user page cannot be had and free
 * memory is really low, SIGKILL the process with the largest resident
 * set (init only when nothing else is left), log it as Linux does, and
 * let the faulting task wait for the victim's memory before retrying.
 */
#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/oom.h>
#include <ferrite/printk.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/timer.h>
#include <ferrite/vm.h>

/* How long one waiter waits for a victim's memory before retrying. */
#define OOM_WAIT_NS		(2 * NSEC_PER_SEC)
#define OOM_POLL_NS		(5 * NSEC_PER_MSEC)
/*
 * A victim that still holds its memory this long after SIGKILL (stuck
 * in an uninterruptible sleep) no longer blocks the choice of another.
 */
#define OOM_VICTIM_PATIENCE_NS	(10 * NSEC_PER_SEC)

/*
 * The victim whose memory is on its way back. While it holds its mm and
 * its time is not up, further OOMs wait for it instead of killing more
 * (one shortage, one kill). Legend: [pt] process_tree_lock.
 */
static struct process *oom_victim;	/* [pt] a reference, or NULL */
static u64 oom_victim_deadline;		/* [pt] arch_clock_ns() limit */
static u64 oom_kills;			/* [a] */

bool oom_memory_low(void)
{
	/* 1/128 of RAM, at least 32 pages: far below any injected failure. */
	u64 mark = MAX(32ULL, nr_total_pages() / 128);

	return nr_free_pages() < mark;
}

u64 oom_kill_count(void)
{
	return __atomic_load_n(&oom_kills, __ATOMIC_RELAXED);
}

static const char *proc_comm(struct process *p)
{
	return p->leader ? p->leader->name : "?";
}

/* Dying already: a SIGKILL is pending and the memory is not back yet. */
static bool proc_dying(struct process *p)
{
	return p->leader && fatal_signal_pending(p->leader);
}

/* Linux's "Tasks state" table, one line per process with memory. */
static void oom_dump_tasks_locked(void)
{
	struct process *p;

	pr_info("Tasks state (memory values in pages):\n");
	pr_info("[  pid  ]   uid  tgid total_vm      rss name\n");
	list_for_each_entry(p, process_list_head(), all_node) {
		if (p->state != PROCESS_ALIVE || !p->mm)
			continue;
		pr_info("[%7d] %5u %5d %8llu %8llu %s\n", p->pid, p->cred.uid,
			p->pid, (unsigned long long)READ_ONCE(p->mm->total_pages),
			(unsigned long long)READ_ONCE(p->mm->rss_pages),
			proc_comm(p));
	}
}

/*
 * Pick and kill, tree lock held. Candidates are live processes with an
 * address space (kernel threads have none), not already dying; the
 * largest RSS wins, init only when it is the only one. Processes that
 * share the victim's mm (vfork) die with it, or nothing would come back.
 */
static struct process *oom_kill_locked(unsigned int order)
{
	struct process *p, *best = NULL, *init = NULL;
	struct task *self = current();
	u64 best_rss = 0, rss;
	struct mm *mm;

	list_for_each_entry(p, process_list_head(), all_node) {
		if (p->state != PROCESS_ALIVE || !p->mm || proc_dying(p))
			continue;
		if (p->pid == 1) {
			init = p;
			continue;
		}
		rss = READ_ONCE(p->mm->rss_pages);
		if (!best || rss > best_rss) {
			best = p;
			best_rss = rss;
		}
	}
	if (!best)
		best = init;
	if (!best)
		return NULL;
	mm = best->mm;
	pr_warn("%s invoked oom-killer: order=%u, oom_score_adj=0\n",
		self ? self->name : "?", order);
	pr_info("Mem-Info: free:%llu total:%llu (pages)\n",
		(unsigned long long)nr_free_pages(),
		(unsigned long long)nr_total_pages());
	oom_dump_tasks_locked();
	pr_info("oom-kill:constraint=CONSTRAINT_NONE,global_oom,task=%s,pid=%d,uid=%u\n",
		proc_comm(best), best->pid, best->cred.uid);
	pr_err("Out of memory: Killed process %d (%s) total-vm:%llukB, "
	       "anon-rss:%llukB, file-rss:0kB, shmem-rss:0kB, UID:%u "
	       "oom_score_adj:0\n", best->pid, proc_comm(best),
	       (unsigned long long)READ_ONCE(mm->total_pages) * (PAGE_SIZE / 1024),
	       (unsigned long long)READ_ONCE(mm->rss_pages) * (PAGE_SIZE / 1024),
	       best->cred.uid);
	kill_process(best, SIGKILL, SI_KERNEL);
	list_for_each_entry(p, process_list_head(), all_node) {
		if (p == best || p->mm != mm || p->state != PROCESS_ALIVE)
			continue;
		if (p->pid == 1) {
			pr_info("oom killer: not killing init, which shares memory with %d\n",
				best->pid);
			continue;
		}
		pr_err("oom killer: killing process %d (%s) sharing mm with %d\n",
		       p->pid, proc_comm(p), best->pid);
		kill_process(p, SIGKILL, SI_KERNEL);
	}
	__atomic_add_fetch(&oom_kills, 1, __ATOMIC_RELAXED);
	return best;
}

/*
 * The victim to wait for, with a reference: the one already on its way
 * out, or a new one. NULL when there is nothing to kill. *stale gets a
 * former victim whose reference the caller drops (not under the lock).
 */
static struct process *oom_get_victim(unsigned int order,
				      struct process **stale)
{
	unsigned long irq = spin_lock_irqsave(&process_tree_lock);
	struct process *v = oom_victim;

	*stale = NULL;
	if (v && (!v->mm || arch_clock_ns() > oom_victim_deadline)) {
		*stale = v;
		oom_victim = v = NULL;
	}
	if (!v) {
		v = oom_kill_locked(order);
		if (v) {
			oom_victim = process_get(v);
			oom_victim_deadline = arch_clock_ns() + OOM_VICTIM_PATIENCE_NS;
		}
	}
	if (v)
		process_get(v);
	spin_unlock_irqrestore(&process_tree_lock, irq);
	return v;
}

/* The victim gave its memory back: forget it (once) and say so. */
static void oom_victim_gone(struct process *v)
{
	unsigned long irq = spin_lock_irqsave(&process_tree_lock);
	bool mine = oom_victim == v;

	if (mine)
		oom_victim = NULL;
	spin_unlock_irqrestore(&process_tree_lock, irq);
	if (!mine)
		return;
	pr_info("oom_reaper: reaped process %d (%s), now anon-rss:0kB, "
		"file-rss:0kB, shmem-rss:0kB\n", v->pid, proc_comm(v));
	process_put(v);		/* oom_victim's reference */
}

int out_of_memory(unsigned int order)
{
	struct process *me = current_process(), *v, *stale;
	struct task *self = current();
	u64 start;

	/* Kernel threads never fault user memory; a dying task lets go. */
	if (!me || fatal_signal_pending(self))
		return -ENOMEM;
	/* Plenty free: an injected failure or a race with a free. */
	if (!oom_memory_low())
		return 0;
	v = oom_get_victim(order, &stale);
	if (stale) {
		if (!READ_ONCE(stale->mm))
			pr_info("oom_reaper: reaped process %d (%s), now anon-rss:0kB, "
				"file-rss:0kB, shmem-rss:0kB\n", stale->pid,
				proc_comm(stale));
		process_put(stale);
	}
	if (!v) {
		pr_err("Out of memory and no killable processes\n");
		return -ENOMEM;
	}
	if (v == me) {
		process_put(v);
		return -ENOMEM;
	}
	start = arch_clock_ns();
	while (READ_ONCE(v->mm) && oom_memory_low() &&
	       !fatal_signal_pending(self) &&
	       arch_clock_ns() - start < OOM_WAIT_NS)
		sleep_ns(OOM_POLL_NS);
	if (!READ_ONCE(v->mm))
		oom_victim_gone(v);
	process_put(v);
	return fatal_signal_pending(self) ? -ENOMEM : 0;
}
