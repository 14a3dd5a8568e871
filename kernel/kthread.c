/*
 * Kernel threads: creation on a fresh guarded stack, exit, and join. The
 * scheduler-side lifetime (reaping the stack after the switch away) is in
 * sched.c.
 */
#include <ferrite/sched.h>
#include <ferrite/err.h>
#include <ferrite/printk.h>

/* Where every kernel thread starts (via arch_context_init). */
static void kthread_main(void *arg)
{
	struct task *self = arg;

	sched_finish_switch();
	self->fn(self->arg);
	kthread_exit(0);
}

struct task *kthread_create(void (*fn)(void *arg), void *arg,
			    const char *name)
{
	struct task *t;

	t = task_alloc(name, TF_KTHREAD);
	if (IS_ERR(t))
		return t;	/* task_alloc unwound everything */
	t->fn = fn;
	t->arg = arg;
	arch_context_init(&t->ctx, (char *)t->stack + t->stack_size,
			  kthread_main, t);
	/* One reference for running (dropped by the reaper), one for the
	 * caller. Nothing can fail from here on. */
	task_get(t);
	sched_start_task(t);
	return t;
}

__noreturn void kthread_exit(int code)
{
	struct task *self = current();

	self->exit_code = code;
	/*
	 * No preemption between waking the joiner and switching away: the
	 * joiner then always finds us reaped, so its task_put() is the
	 * last and frees the task (the 200-thread self-test checks this).
	 * sched_exit_current() drops the count again.
	 */
	preempt_disable();
	complete_all(&self->exited);
	sched_exit_current();
}

int kthread_join(struct task *t)
{
	int code;

	BUG_ON(t == current());
	wait_for_completion(&t->exited);
	code = t->exit_code;
	task_put(t);
	return code;
}

/* --- self-tests ----------------------------------------------------------- */

#include <ferrite/selftest.h>
#include <ferrite/mm.h>
#include <ferrite/timer.h>

#define PINGPONG_ROUNDS 1000

/* Two threads take turns through two wait queues; turn says whose go. */
struct pingpong {
	wait_queue_head_t wq[2];
	int turn;		/* 0 or 1: written by the player whose turn it is */
	bool abort;		/* the test could not start both players */
	int moves[2];
	int last;		/* who moved last, to check alternation */
	bool out_of_turn;
};

struct pingpong_player {
	struct pingpong *pp;
	int me;
};

static void pingpong_main(void *arg)
{
	struct pingpong_player *pl = arg;
	struct pingpong *pp = pl->pp;
	int me = pl->me;

	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		wait_event(pp->wq[me],
			   READ_ONCE(pp->turn) == me || READ_ONCE(pp->abort));
		if (pp->abort)
			return;
		if (pp->last == me)
			pp->out_of_turn = true;
		pp->last = me;
		pp->moves[me]++;
		WRITE_ONCE(pp->turn, !me);
		wake_up(&pp->wq[!me]);
	}
}

SELFTEST(sched_pingpong_wait_queues)
{
	struct pingpong pp = { .turn = 0, .last = 1 };
	struct pingpong_player pl[2] = { { &pp, 0 }, { &pp, 1 } };
	struct task *t[2];

	wait_queue_init(&pp.wq[0]);
	wait_queue_init(&pp.wq[1]);
	/* Start the second mover first, so it really has to wait. */
	t[1] = kthread_create(pingpong_main, &pl[1], "pong");
	ST_EXPECT(!IS_ERR(t[1]));
	t[0] = kthread_create(pingpong_main, &pl[0], "ping");
	if (IS_ERR(t[0])) {
		WRITE_ONCE(pp.abort, true);
		wake_up(&pp.wq[1]);
		kthread_join(t[1]);
		ST_EXPECT(!IS_ERR(t[0]));
	}
	ST_EXPECT(kthread_join(t[0]) == 0);
	ST_EXPECT(kthread_join(t[1]) == 0);
	ST_EXPECT(pp.moves[0] == PINGPONG_ROUNDS);
	ST_EXPECT(pp.moves[1] == PINGPONG_ROUNDS);
	ST_EXPECT(!pp.out_of_turn);
	return 0;
}

/*
 * A thread that never yields must not keep another from running: only
 * the tick's preemption can let the second one in. The spinner gives up
 * after a deadline, so a broken preemption fails the test instead of
 * hanging the machine.
 */
struct starve {
	volatile bool stop;		/* set by the polite thread */
	volatile bool spinner_started;
	bool stopped_by_other;
};

static void starve_spinner(void *arg)
{
	struct starve *s = arg;
	u64 give_up = arch_clock_ns() + 2 * NSEC_PER_SEC;

	s->spinner_started = true;
	while (!s->stop && arch_clock_ns() < give_up)
		arch_cpu_relax();
	s->stopped_by_other = s->stop;
}

static void starve_polite(void *arg)
{
	struct starve *s = arg;

	/* Only counts once the spinner holds the CPU. */
	while (!s->spinner_started)
		sched_yield();
	s->stop = true;
}

SELFTEST(sched_spinning_thread_is_preempted)
{
	struct starve s = { 0 };
	struct task *spin, *polite;

	spin = kthread_create(starve_spinner, &s, "spinner");
	ST_EXPECT(!IS_ERR(spin));
	polite = kthread_create(starve_polite, &s, "polite");
	if (IS_ERR(polite)) {
		kthread_join(spin);
		ST_EXPECT(!IS_ERR(polite));
	}
	kthread_join(spin);
	kthread_join(polite);
	ST_EXPECT(s.stopped_by_other);
	return 0;
}

static void exit_code_main(void *arg)
{
	kthread_exit((int)(uintptr_t)arg);
}

static void empty_main(void *arg)
{
}

SELFTEST(kthread_join_returns_exit_code)
{
	struct task *t = kthread_create(exit_code_main, (void *)42, "exit42");

	ST_EXPECT(!IS_ERR(t));
	ST_EXPECT(t->tid > 1);
	ST_EXPECT(kthread_join(t) == 42);
	return 0;
}

/*
 * Creating and joining threads gives back every page and object. A few
 * rounds first let caches (slab pages, vmap page tables) reach their
 * steady size; after that the counts must return exactly.
 */
SELFTEST(kthread_create_exit_200_no_leak)
{
	u64 pages, objects;
	unsigned int tasks;

	for (int i = 0; i < 4; i++) {
		struct task *t = kthread_create(empty_main, NULL, "warm");

		ST_EXPECT(!IS_ERR(t));
		kthread_join(t);
	}
	pages = nr_free_pages();
	objects = slab_objects_in_use();
	tasks = nr_tasks();
	for (int i = 0; i < 200; i++) {
		struct task *t = kthread_create(empty_main, NULL, "churn");

		ST_EXPECT(!IS_ERR(t));
		ST_EXPECT(kthread_join(t) == 0);
	}
	ST_EXPECT(nr_tasks() == tasks);
	ST_EXPECT(slab_objects_in_use() == objects);
	/* Page tables for the vmap area may grow as addresses move on. */
	ST_EXPECT(nr_free_pages() + 4 >= pages);
	return 0;
}

SELFTEST(kthread_tids_are_unique_and_found)
{
	struct task *a, *b, *found;
	bool distinct, found_a;
	int tid_a;

	a = kthread_create(empty_main, NULL, "a");
	ST_EXPECT(!IS_ERR(a));
	b = kthread_create(empty_main, NULL, "b");
	if (IS_ERR(b)) {
		kthread_join(a);
		ST_EXPECT(!IS_ERR(b));
	}
	tid_a = a->tid;
	distinct = a->tid != b->tid;
	found = task_lookup(tid_a);
	found_a = found == a;
	if (found)
		task_put(found);
	kthread_join(a);
	kthread_join(b);
	ST_EXPECT(distinct);
	ST_EXPECT(found_a);
	/* Gone once joined and reaped. */
	ST_EXPECT(task_lookup(tid_a) == NULL);
	ST_EXPECT(task_lookup(PID_MAX + 5) == NULL);
	return 0;
}
