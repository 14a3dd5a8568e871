/*
 * The scheduler core: task allocation and tids, the global task list,
 * reference counting, the context switch path (schedule, preemption,
 * wake-ups, reaping dead tasks) and the idle task. The choice of which
 * task runs next belongs to the policy (sched_rr.c).
 */
#include <ferrite/sched.h>
#include <ferrite/mm.h>
#include <ferrite/err.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/process.h>

struct cpu boot_cpu;

/*
 * task_list_lock protects the list of all tasks and the tid bitmap. Lock
 * order: a wait queue or the timer lock may be held when taking a run
 * queue lock; task_list_lock nests inside nothing of ours and no other
 * lock is taken under it.
 */
static DEFINE_SPINLOCK(task_list_lock);
static LIST_HEAD(task_list);			/* [task_list_lock] */
static u64 tid_bitmap[PID_MAX / 64];		/* [task_list_lock] */
static int tid_next = 1;			/* [task_list_lock] */
static unsigned int task_count;			/* [task_list_lock] */
/* /proc (issue 4, procfs helper): tasks ever created, the last tid given. */
static u64 tasks_created;			/* [task_list_lock] */
static int tid_last;				/* [task_list_lock] */

/*
 * Hand out the lowest free tid at or after the last one given, wrapping,
 * so a tid is not reused right after its task dies (as Linux does).
 */
static int tid_alloc_locked(void)
{
	for (int n = 0; n < PID_MAX - 1; n++) {
		int tid = tid_next + n;

		if (tid >= PID_MAX)
			tid -= PID_MAX - 1;
		if (!(tid_bitmap[tid / 64] & (1ULL << (tid % 64)))) {
			tid_bitmap[tid / 64] |= 1ULL << (tid % 64);
			tid_next = tid + 1 < PID_MAX ? tid + 1 : 1;
			return tid;
		}
	}
	return -EAGAIN;
}

static void tid_free_locked(int tid)
{
	if (tid > 0)
		tid_bitmap[tid / 64] &= ~(1ULL << (tid % 64));
}

/*
 * A new task with one reference, a tid, a stack (unless TF_BOOT_STACK)
 * and a place on the task list, not yet runnable. ERR_PTR on failure.
 */
struct task *task_alloc(const char *name, unsigned int flags)
{
	struct task *t;
	unsigned long irq;
	int tid = 0;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	if (!(flags & TF_BOOT_STACK)) {
		t->stack_size = CONFIG_KSTACK_SIZE;
		t->stack = vmalloc_guarded(t->stack_size);
		if (!t->stack)
			goto out_free_task;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->flags = flags;
	t->refcount = 1;
	t->state = TASK_UNINTERRUPTIBLE;	/* until sched_start_task */
	t->cpu = this_cpu();
	list_init(&t->run_node);
	list_init(&t->pending.queue);	/* signals (kernel/signal.c) */
	completion_init(&t->exited);

	irq = spin_lock_irqsave(&task_list_lock);
	if (!(flags & TF_IDLE)) {
		tid = tid_alloc_locked();
		if (tid < 0) {
			spin_unlock_irqrestore(&task_list_lock, irq);
			goto out_free_stack;
		}
	}
	t->tid = tid;
	list_add_tail(&t->all_node, &task_list);
	task_count++;
	tasks_created++;	/* /proc (issue 4) */
	if (tid)
		tid_last = tid;
	spin_unlock_irqrestore(&task_list_lock, irq);
	return t;

out_free_stack:
	if (t->stack)
		vfree_guarded(t->stack);
	kfree(t);
	return ERR_PTR(-EAGAIN);
out_free_task:
	kfree(t);
	return ERR_PTR(-ENOMEM);
}

/* Undo task_alloc. The task must not be running, queued or referenced. */
void task_free(struct task *t)
{
	unsigned long irq;

	BUG_ON(t == current() || t->on_rq);
	/* A user task's FPU area: freed only now that it can never run. */
	if (!(t->flags & TF_KTHREAD))
		arch_thread_free(t);
	irq = spin_lock_irqsave(&task_list_lock);
	list_del(&t->all_node);
	tid_free_locked(t->tid);
	task_count--;
	spin_unlock_irqrestore(&task_list_lock, irq);
	if (t->stack)
		vfree_guarded(t->stack);
	kfree(t);
}

void task_put(struct task *t)
{
	u32 left = __atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL);

	BUG_ON(left == (u32)-1);
	if (left == 0)
		task_free(t);
}

struct task *task_lookup(int tid)
{
	struct task *t, *found = NULL;
	unsigned long irq;

	irq = spin_lock_irqsave(&task_list_lock);
	list_for_each_entry(t, &task_list, all_node) {
		/* A task whose count already hit zero is being freed. */
		if (t->tid == tid && __atomic_load_n(&t->refcount, __ATOMIC_RELAXED)) {
			found = task_get(t);
			break;
		}
	}
	spin_unlock_irqrestore(&task_list_lock, irq);
	return found;
}

void task_swap_tid(struct task *t, struct task *other)
{
	unsigned long irq = spin_lock_irqsave(&task_list_lock);
	int tid = t->tid;

	t->tid = other->tid;
	other->tid = tid;
	spin_unlock_irqrestore(&task_list_lock, irq);
}

u64 task_cpu_time_ns(struct task *t)
{
	struct cpu *c = t->cpu;
	unsigned long irq = spin_lock_irqsave(&c->rq.lock);
	u64 ns = t->sum_exec_ns;

	if (c->curr == t)
		ns += arch_clock_ns() - t->exec_start_ns;
	spin_unlock_irqrestore(&c->rq.lock, irq);
	return ns;
}

unsigned int nr_tasks(void)
{
	return READ_ONCE(task_count);
}

/*
 * Added for /proc/stat and /proc/loadavg (issue 4, procfs helper). States
 * are read without the run queue lock: a statistic may be a moment stale.
 * Kernel threads are never counted as blocked: they all sleep
 * uninterruptibly (nothing signals them), where Linux's sleep as idle.
 */
void sched_get_stats(struct sched_stats *st)
{
	unsigned long irq = spin_lock_irqsave(&task_list_lock);
	struct task *t;

	st->nr_running = 0;
	st->nr_blocked = 0;
	list_for_each_entry(t, &task_list, all_node) {
		int state = READ_ONCE(t->state);

		if (t->flags & TF_IDLE)
			continue;
		if (state == TASK_RUNNING)
			st->nr_running++;
		else if (state == TASK_UNINTERRUPTIBLE && !(t->flags & TF_KTHREAD))
			st->nr_blocked++;
	}
	st->nr_tasks = task_count;
	st->tasks_created = tasks_created;
	st->last_tid = tid_last;
	spin_unlock_irqrestore(&task_list_lock, irq);
	st->idle_ns = this_cpu()->idle ? task_cpu_time_ns(this_cpu()->idle) : 0;
}

/* --- run queue ---------------------------------------------------------- */

static void enqueue_locked(struct cpu *c, struct task *t)
{
	if (t->on_rq || (t->flags & TF_IDLE))
		return;
	c->policy->enqueue(&c->rq, t);
	t->on_rq = true;
}

/* Make a freshly built task runnable for the first time. */
void sched_start_task(struct task *t)
{
	struct cpu *c = t->cpu;
	unsigned long irq = spin_lock_irqsave(&c->rq.lock);

	c->policy->task_init(t);
	t->state = TASK_RUNNING;
	enqueue_locked(c, t);
	if (c->curr == c->idle)
		c->need_resched = true;
	spin_unlock_irqrestore(&c->rq.lock, irq);
}

bool wake_up_task(struct task *t)
{
	return wake_up_state(t, ~(TASK_STATE_BIT(TASK_RUNNING) |
				  TASK_STATE_BIT(TASK_DEAD)));
}

/*
 * Signals wake only TASK_INTERRUPTIBLE sleepers (and SIGCONT/SIGKILL
 * TASK_STOPPED ones): an uninterruptible sleep must not see a wake-up
 * its condition did not cause.
 */
bool wake_up_state(struct task *t, unsigned int states)
{
	struct cpu *c = t->cpu;
	unsigned long irq;
	bool woke = false;

	states &= ~(TASK_STATE_BIT(TASK_RUNNING) | TASK_STATE_BIT(TASK_DEAD));
	irq = spin_lock_irqsave(&c->rq.lock);
	if (states & TASK_STATE_BIT(t->state)) {
		t->state = TASK_RUNNING;
		/*
		 * The current task may be between setting its sleep state and
		 * calling schedule(): it is still running, so it only needs
		 * its state back. A preempted sleeper is still on the queue.
		 * (SMP: a task still switching out on another CPU must also
		 * be waited for here.)
		 */
		if (t != c->curr)
			enqueue_locked(c, t);
		if (c->curr == c->idle)
			c->need_resched = true;
		woke = true;
	}
	spin_unlock_irqrestore(&c->rq.lock, irq);
	return woke;
}

/* --- context switch ----------------------------------------------------- */

/* Charge the outgoing task's run time; the incoming one starts now. */
static void switch_account(struct task *prev, struct task *next)
{
	u64 now = arch_clock_ns();

	prev->sum_exec_ns += now - prev->exec_start_ns;
	next->exec_start_ns = now;
}

enum sched_mode {
	SCHED_SLEEP,	/* voluntary: stay queued only if still TASK_RUNNING */
	SCHED_PREEMPT,	/* involuntary: always stays runnable */
	SCHED_YIELD,	/* voluntary, runnable, to the back of the line */
	SCHED_EXIT,	/* the current task is dead */
};

/*
 * Runs on the incoming task, right after the switch, with the run queue
 * lock still held by whoever switched to us. Takes the dead task (if the
 * outgoing one exited) for the caller to drop once the lock is released:
 * a task cannot free the stack it is running on, so its last reference
 * from the scheduler is dropped here, on another stack.
 */
static struct task *finish_switch_locked(struct cpu *c)
{
	struct task *dead = c->reap;

	c->reap = NULL;
	c->curr->nr_switches_in++;
	return dead;
}

static void __schedule(enum sched_mode mode)
{
	struct cpu *c = this_cpu();
	struct task *prev = c->curr, *next, *dead;
	unsigned long irq;

	irq = spin_lock_irqsave(&c->rq.lock);
	if (mode == SCHED_EXIT) {
		prev->state = TASK_DEAD;
		/* kthread_exit disabled preemption; the next task must not
		 * inherit that (the count is per CPU). */
		c->preempt_count--;
	}
	c->need_resched = false;
	if (mode == SCHED_YIELD && c->policy->yield)
		c->policy->yield(&c->rq, prev);
	/*
	 * A preempted task stays runnable whatever its state: it may have
	 * been stopped between set_current_state() and schedule(), and its
	 * own schedule() call will put it to sleep properly.
	 */
	if (prev->state == TASK_RUNNING ||
	    (mode == SCHED_PREEMPT && prev->state != TASK_DEAD))
		enqueue_locked(c, prev);

	next = c->policy->pick_next(&c->rq);
	if (next)
		next->on_rq = false;
	else
		next = c->idle;

	if (next != prev) {
		if (prev->state == TASK_DEAD)
			c->reap = prev;
		c->curr = next;
		c->nr_switches++;
		switch_account(prev, next);
		arch_task_switch(prev, next);
		arch_context_switch(&prev->ctx, &next->ctx);
		/* We are prev again, switched back to by some other task. */
		c = this_cpu();
	}
	dead = finish_switch_locked(c);
	spin_unlock_irqrestore(&c->rq.lock, irq);
	if (dead)
		task_put(dead);
}

/* First code a new task runs (from its arch_context_init entry). */
void sched_finish_switch(void)
{
	struct cpu *c = this_cpu();
	struct task *dead = finish_switch_locked(c);

	/* The switcher's saved flags stay on its stack; we start with
	 * interrupts enabled. */
	spin_unlock_raw(&c->rq.lock);
	arch_irq_enable();
	if (dead)
		task_put(dead);
}

void schedule(void)
{
	struct cpu *c = this_cpu();

	/* Sleeping with preemption off means sleeping with a lock held. */
	WARN_ON(c->preempt_count != 0);
	__schedule(SCHED_SLEEP);
}

void sched_yield(void)
{
	__schedule(SCHED_YIELD);
}

__noreturn void sched_exit_current(void)
{
	__schedule(SCHED_EXIT);
	panic("dead task %d rescheduled", current()->tid);
}

/* The preemption point of preempt_enable(). */
void preempt_schedule(void)
{
	struct cpu *c = this_cpu();

	if (c->preempt_count || !arch_irqs_enabled() || !c->curr)
		return;
	__schedule(SCHED_PREEMPT);
}

void sched_irq_exit(void)
{
	struct cpu *c = this_cpu();

	/* Before sched_init there is nothing to switch to. */
	if (!c->idle || c->preempt_count || !c->need_resched)
		return;
	__schedule(SCHED_PREEMPT);
}

void sched_tick(u64 ns)
{
	struct cpu *c = this_cpu();
	unsigned long irq;

	if (!c->idle)
		return;
	irq = spin_lock_irqsave(&c->rq.lock);
	if (c->curr == c->idle) {
		/* Anything queued should run instead of idling. */
		if (c->rq.nr_queued)
			c->need_resched = true;
	} else if (c->policy->tick(&c->rq, c->curr, ns)) {
		c->need_resched = true;
	}
	spin_unlock_irqrestore(&c->rq.lock, irq);
}

/* --- idle and boot ------------------------------------------------------ */

/*
 * Runs when nothing else can. Interrupts are disabled around the check so
 * that a wake-up from an interrupt cannot slip in between the check and
 * the halt: sti;hlt only takes the interrupt once halted.
 */
static void idle_main(void *unused)
{
	struct cpu *c = this_cpu();

	sched_finish_switch();
	for (;;) {
		arch_irq_disable();
		if (READ_ONCE(c->need_resched)) {
			arch_irq_enable();
			schedule();
		} else {
			arch_wait_for_interrupt();
		}
	}
}

void sched_init(void)
{
	struct cpu *c = this_cpu();
	struct task *boot, *idle;

	spin_lock_init(&c->rq.lock);
	c->policy = &sched_rr_policy;
	c->policy->rq_init(&c->rq);

	/*
	 * The code running now becomes task 1 (it later execs init). Its
	 * context is filled in by the first switch away from it.
	 */
	boot = task_alloc("boot", TF_KTHREAD | TF_BOOT_STACK);
	if (IS_ERR(boot))
		panic("sched_init: no memory for the boot task");
	c->policy->task_init(boot);
	boot->state = TASK_RUNNING;

	idle = task_alloc("idle", TF_KTHREAD | TF_IDLE);
	if (IS_ERR(idle))
		panic("sched_init: no memory for the idle task");
	idle->state = TASK_RUNNING;
	arch_context_init(&idle->ctx, (char *)idle->stack + idle->stack_size,
			  idle_main, NULL);

	c->curr = boot;
	/* Published last: sched_irq_exit and sched_tick test it. */
	WRITE_ONCE(c->idle, idle);
	pr_info("sched: %s policy, HZ=%d, slice %d ms, %d KiB stacks\n",
		c->policy->name, CONFIG_HZ, CONFIG_SCHED_RR_TIMESLICE_MS,
		CONFIG_KSTACK_SIZE / 1024);
}
