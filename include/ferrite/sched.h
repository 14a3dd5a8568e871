/*
 * Tasks and the scheduler core: task states, the per-CPU run queue, the
 * pluggable scheduling policy, preemption control and kernel threads.
 * kernel/sched.c (core), sched_rr.c (round robin), kthread.c. See
 * docs/sched.md for the states, locking rules and how preemption happens.
 */
#ifndef FERRITE_SCHED_H
#define FERRITE_SCHED_H

#include <ferrite/arch.h>
#include <ferrite/list.h>
#include <ferrite/spinlock.h>
#include <ferrite/wait.h>
#include <uapi/signal_abi.h>

/* Task states, as in Linux. Changed only under the run queue lock, except
 * that a task sets its own state before sleeping (set_current_state). */
enum task_state {
	TASK_RUNNING = 0,	/* running or on a run queue */
	TASK_INTERRUPTIBLE,	/* asleep; a signal wakes it too */
	TASK_UNINTERRUPTIBLE,	/* asleep until wake_up_task() */
	TASK_DEAD,		/* exited; waits to be reaped */
	TASK_STOPPED,		/* job-control stop: SIGCONT or SIGKILL wakes it */
};

/* State sets for wake_up_state(). */
#define TASK_STATE_BIT(s)	(1U << (s))

#define TASK_COMM_LEN	16
#define PID_MAX		32768	/* tids are 1..PID_MAX-1; 0 is the idle task */

/* task->flags */
#define TF_KTHREAD	0x1	/* kernel thread: proc == NULL */
#define TF_IDLE		0x2	/* the per-CPU idle task, never queued */
#define TF_BOOT_STACK	0x4	/* runs on the boot stack: none to free */

struct process;		/* address space, files, signal actions */
struct cpu;

/*
 * Signals pending for a task or a process (kernel/signal.c): the set,
 * and the siginfo of each pending one (struct sigqueue, in signal order
 * of arrival; standard signals have at most one entry, or none when no
 * memory was left for it). Locked by the owning process's sig.lock.
 */
struct sigpending {
	ksigset_t set;
	struct list_head queue;
};

/* What restart_syscall runs after -ERESTART_RESTARTBLOCK (nanosleep). */
struct restart_block {
	long (*fn)(struct restart_block *rb);
	u64 arg[4];
};

/*
 * A schedulable thread. Legend: [I] immutable after creation, [a] atomic,
 * [rq] the run queue lock of task->cpu, [tl] task_list_lock, [self] only
 * the task itself touches it, [sw] only the context switch touches it.
 */
struct task {
	struct arch_context ctx;	/* [sw] saved kernel rsp while off-CPU */
	int state;			/* [rq] enum task_state; see above */
	int tid;			/* [I] */
	u32 refcount;			/* [a] task_get/task_put */
	unsigned int flags;		/* [I] TF_* */
	char name[TASK_COMM_LEN];	/* [I] NUL-terminated */

	void *stack;			/* [I] vmalloc_guarded base, or NULL */
	size_t stack_size;		/* [I] */
	struct process *proc;		/* [I] NULL for kernel threads */
	struct cpu *cpu;		/* [I] until migration exists */

	/* Scheduler. run_node/slice_left_ns belong to the policy. */
	bool on_rq;			/* [rq] queued (never the running task) */
	struct list_head run_node;	/* [rq] policy's queue link */
	s64 slice_left_ns;		/* [rq] RR: time left in this slice */
	u64 nr_switches_in;		/* [rq] times switched to, for tests */

	struct list_head all_node;	/* [tl] on task_list */

	/* Kernel thread entry and exit. */
	void (*fn)(void *arg);		/* [I] */
	void *arg;			/* [I] */
	int exit_code;			/* [self] written before exited fires */
	struct completion exited;	/* completed once, by the task exiting */

	/* User threads (NULL/0 for kernel threads). */
	struct list_head thread_node;	/* [process_tree_lock] proc->threads */
	uintptr_t set_child_tid;	/* [self] CLONE_CHILD_SETTID address */
	uintptr_t clear_child_tid;	/* [self] set_tid_address / CLEARTID */
	uintptr_t robust_list;		/* [self] set_robust_list head */
	size_t robust_list_len;		/* [self] */
	uintptr_t rseq_area;		/* [self] registered struct rseq */
	u32 rseq_len;			/* [self] */
	u32 rseq_sig;			/* [self] abort signature (added, issue 3) */
	struct arch_thread arch;	/* [self] FS/GS base, FPU state */

	/* CPU time (added for processes, issue 3). */
	u64 sum_exec_ns;		/* [rq] run time before the last switch-in */
	u64 exec_start_ns;		/* [rq] arch_clock_ns() at the last switch-in */

	/*
	 * Signals (issue 4). [sig]: proc->sig.lock; blocked is written only
	 * by the task itself (under [sig]), so it may read it without.
	 */
	ksigset_t blocked;		/* [sig] */
	ksigset_t saved_sigmask;	/* [self] mask to restore on the way out */
	bool restore_sigmask;		/* [self] sigsuspend/ppoll/pselect6 */
	struct sigpending pending;	/* [sig] tkill/tgkill, faults */
	u64 sas_ss_sp;			/* [self] sigaltstack */
	u64 sas_ss_size;		/* [self] */
	u32 sas_ss_flags;		/* [self] SS_AUTODISARM only */
	struct restart_block restart;	/* [self] */
};

/*
 * The run queue. The queue fields are the RR policy's; another policy
 * would add its own members beside them.
 */
struct runqueue {
	spinlock_t lock;
	struct list_head queue;		/* [lock] RR: runnable tasks, FIFO */
	unsigned int nr_queued;		/* [lock] tasks on the queue */
};

/*
 * A scheduling policy. Every hook runs with rq->lock held and interrupts
 * off. The running task is never on the queue: the core enqueues it when
 * it stops running while still runnable, and pick_next removes its pick.
 */
struct sched_policy {
	const char *name;
	void (*rq_init)(struct runqueue *rq);
	void (*task_init)(struct task *t);	/* new task, not yet queued */
	void (*enqueue)(struct runqueue *rq, struct task *t);
	void (*dequeue)(struct runqueue *rq, struct task *t);
	/* Remove and return the task to run next; NULL when none is queued. */
	struct task *(*pick_next)(struct runqueue *rq);
	/* Charge @ns of CPU time to @curr; true if it should be preempted. */
	bool (*tick)(struct runqueue *rq, struct task *curr, u64 ns);
	/* @curr gives up the CPU voluntarily (before it is enqueued). */
	void (*yield)(struct runqueue *rq, struct task *curr);
};

extern const struct sched_policy sched_rr_policy;

/*
 * Everything one CPU owns. Legend as for struct task, plus [cpu]: only
 * code running on this CPU touches it (interrupts may, so it is volatile
 * or read with READ_ONCE where that matters).
 */
struct cpu {
	struct runqueue rq;
	const struct sched_policy *policy;	/* [I] after sched_init */
	struct task *curr;		/* [rq] written; [cpu] read freely */
	struct task *idle;		/* [I] after sched_init */
	struct task *reap;		/* [rq] dead task to free after a switch */
	int preempt_count;		/* [cpu] >0: no preemption */
	bool need_resched;		/* [cpu] reschedule at the next chance */
	u64 nr_switches;		/* [rq] */
};

/*
 * The CPU we run on. One CPU for now; with SMP this becomes a per-CPU
 * pointer (GS base), and every user already goes through here.
 */
extern struct cpu boot_cpu;

static inline struct cpu *this_cpu(void)
{
	return &boot_cpu;
}

/* The running task. NULL before sched_init(). */
static inline struct task *current(void)
{
	return READ_ONCE(this_cpu()->curr);
}

/*
 * A sleeper sets its state, then checks its condition, then calls
 * schedule(); a waker makes the condition true, then wake_up_task(). The
 * store below is ordered before the condition load by the compiler
 * barrier (one CPU; SMP will need a full fence here).
 */
static inline void set_current_state(int state)
{
	WRITE_ONCE(current()->state, state);
	barrier();
}

/* Set up cpu 0, turn the boot context into task 1, create the idle task. */
void sched_init(void);

/*
 * Give up the CPU. If the current state is not TASK_RUNNING the task
 * sleeps until wake_up_task(); otherwise it stays runnable. Task context,
 * preemption enabled, no spinlock held.
 */
void schedule(void);
/* Let other runnable tasks run first; returns when it is our turn again. */
void sched_yield(void);
/* Make @t runnable. Returns false if it already was (or is dead). */
bool wake_up_task(struct task *t);
/* The same, only if @t's state is in @states (TASK_STATE_BIT set). */
bool wake_up_state(struct task *t, unsigned int states);

/* Called by timer_tick(): charge a tick to the running task. */
void sched_tick(u64 ns);
/*
 * Called by the arch on the way out of every interrupt that arrived with
 * interrupts enabled, interrupts still off: switches task if a reschedule
 * is due and preemption is enabled. Returns (possibly much later) in the
 * same task.
 */
void sched_irq_exit(void);

static inline void preempt_disable(void)
{
	struct cpu *c = this_cpu();

	WRITE_ONCE(c->preempt_count, c->preempt_count + 1);
	barrier();
}

void preempt_schedule(void);

static inline void preempt_enable(void)
{
	struct cpu *c = this_cpu();

	barrier();
	WRITE_ONCE(c->preempt_count, c->preempt_count - 1);
	if (c->preempt_count == 0 && READ_ONCE(c->need_resched))
		preempt_schedule();
}

static inline bool need_resched(void)
{
	return READ_ONCE(this_cpu()->need_resched);
}

/* References. The last task_put() frees the task: task context only. */
static inline struct task *task_get(struct task *t)
{
	__atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED);
	return t;
}

void task_put(struct task *t);
/* The task with @tid, with a reference taken, or NULL. */
struct task *task_lookup(int tid);
unsigned int nr_tasks(void);

/* Figures for /proc/stat and /proc/loadavg (added for issue 4, procfs). */
struct sched_stats {
	unsigned int nr_running;	/* TASK_RUNNING, the idle task aside */
	unsigned int nr_blocked;	/* user tasks in TASK_UNINTERRUPTIBLE */
	unsigned int nr_tasks;
	u64 tasks_created;		/* since boot, threads included */
	int last_tid;			/* the tid most recently handed out */
	u64 idle_ns;			/* time the idle task has run */
};
void sched_get_stats(struct sched_stats *st);

/*
 * Kernel threads (kernel/kthread.c). kthread_create() starts fn(arg) as a
 * runnable thread and returns it with a reference for the caller, who
 * must drop it with kthread_join() or task_put(). ERR_PTR(-ENOMEM) or
 * ERR_PTR(-EAGAIN) (no free tid), with nothing left allocated.
 */
struct task *kthread_create(void (*fn)(void *arg), void *arg,
			    const char *name);
/* End the calling kernel thread; returning from fn is kthread_exit(0). */
__noreturn void kthread_exit(int code);
/* Wait for @t to exit, drop the caller's reference, return its code. */
int kthread_join(struct task *t);

/* CPU time @t has used, including the current run if it is running. */
u64 task_cpu_time_ns(struct task *t);
/*
 * Give @t the tid of @other and @other the tid of @t (both live), under
 * the tid lock. Only process_start_init uses it: init must be pid 1, which
 * the boot context holds until then.
 */
void task_swap_tid(struct task *t, struct task *other);

/* Used by kthread.c and sched.c only (and the process code). */
struct task *task_alloc(const char *name, unsigned int flags);
void task_free(struct task *t);
void sched_start_task(struct task *t);
void sched_finish_switch(void);
__noreturn void sched_exit_current(void);

#endif
