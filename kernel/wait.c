/*
 * Wait queues, timed waits, completions and sleep_ns(): the sleeping half
 * of the scheduler. Lock order: a queue lock is held while waking tasks,
 * so it nests outside the run queue lock.
 */
#include <ferrite/sched.h>
#include <ferrite/wait.h>
#include <ferrite/timer.h>

void wait_queue_init(wait_queue_head_t *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->waiters);
}

void wait_entry_init(struct wait_entry *we, unsigned int flags)
{
	we->task = current();
	we->flags = flags;
	list_init(&we->node);
}

void prepare_to_wait(wait_queue_head_t *wq, struct wait_entry *we, int state)
{
	unsigned long irq = spin_lock_irqsave(&wq->lock);

	if (list_empty(&we->node))
		list_add_tail(&we->node, &wq->waiters);
	set_current_state(state);
	spin_unlock_irqrestore(&wq->lock, irq);
}

void add_wait_queue(wait_queue_head_t *wq, struct wait_entry *we)
{
	unsigned long irq = spin_lock_irqsave(&wq->lock);

	if (list_empty(&we->node))
		list_add_tail(&we->node, &wq->waiters);
	spin_unlock_irqrestore(&wq->lock, irq);
}

void remove_wait_queue(wait_queue_head_t *wq, struct wait_entry *we)
{
	unsigned long irq = spin_lock_irqsave(&wq->lock);

	list_del(&we->node);
	spin_unlock_irqrestore(&wq->lock, irq);
}

void finish_wait(wait_queue_head_t *wq, struct wait_entry *we)
{
	unsigned long irq;

	set_current_state(TASK_RUNNING);
	irq = spin_lock_irqsave(&wq->lock);
	list_del(&we->node);
	spin_unlock_irqrestore(&wq->lock, irq);
}

/*
 * Entries stay queued until their owner's finish_wait(), so one already
 * woken but not yet run is passed over here: only a wake-up that changed
 * a task's state counts towards @nr_exclusive.
 */
static unsigned int wake_common(wait_queue_head_t *wq, unsigned int nr_exclusive)
{
	struct wait_entry *we;
	unsigned int woken = 0;
	unsigned long irq;

	irq = spin_lock_irqsave(&wq->lock);
	list_for_each_entry(we, &wq->waiters, node) {
		bool exclusive = we->flags & WAIT_EXCLUSIVE;

		if (exclusive && !nr_exclusive)
			continue;
		if (wake_up_task(we->task)) {
			woken++;
			if (exclusive)
				nr_exclusive--;
		}
	}
	spin_unlock_irqrestore(&wq->lock, irq);
	return woken;
}

unsigned int wake_up(wait_queue_head_t *wq)
{
	return wake_common(wq, 1);
}

unsigned int wake_up_all(wait_queue_head_t *wq)
{
	return wake_common(wq, ~0U);
}

/* --- timed waits -------------------------------------------------------- */

static void wait_timeout_fire(void *data)
{
	wake_up_task(data);
}

/* now + ns without wrapping: a huge timeout means "practically never". */
static u64 deadline_after(u64 ns)
{
	u64 now = arch_clock_ns();

	return ns > ~0ULL - now ? ~0ULL : now + ns;
}

void wait_timeout_begin(struct wait_timeout *wt, u64 timeout_ns)
{
	wait_entry_init(&wt->entry, 0);
	wt->deadline = deadline_after(timeout_ns);
	/* The timer lives in our frame and is cancelled before it ends, so
	 * its pointer to us needs no reference. */
	timer_init(&wt->timer, wait_timeout_fire, current());
	timer_mod(&wt->timer, wt->deadline);
}

u64 wait_timeout_left(const struct wait_timeout *wt)
{
	u64 now = arch_clock_ns();

	return now >= wt->deadline ? 0 : wt->deadline - now;
}

void wait_timeout_end(wait_queue_head_t *wq, struct wait_timeout *wt)
{
	timer_cancel(&wt->timer);
	finish_wait(wq, &wt->entry);
}

void sleep_ns(u64 ns)
{
	struct timer t;
	u64 deadline = deadline_after(ns);

	timer_init(&t, wait_timeout_fire, current());
	timer_mod(&t, deadline);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (arch_clock_ns() >= deadline)
			break;
		schedule();
	}
	set_current_state(TASK_RUNNING);
	timer_cancel(&t);
}

/* --- completions -------------------------------------------------------- */

#define COMPLETION_ALL	(~0U)

void completion_init(struct completion *c)
{
	c->done = 0;
	wait_queue_init(&c->wait);
}

void complete(struct completion *c)
{
	unsigned long irq = spin_lock_irqsave(&c->wait.lock);

	if (c->done != COMPLETION_ALL)
		c->done++;
	spin_unlock_irqrestore(&c->wait.lock, irq);
	wake_up(&c->wait);
}

void complete_all(struct completion *c)
{
	unsigned long irq = spin_lock_irqsave(&c->wait.lock);

	c->done = COMPLETION_ALL;
	spin_unlock_irqrestore(&c->wait.lock, irq);
	wake_up_all(&c->wait);
}

/* Consume one completion if there is one; under the queue lock. */
static bool completion_try_take(struct completion *c)
{
	unsigned long irq = spin_lock_irqsave(&c->wait.lock);
	bool took = c->done != 0;

	if (took && c->done != COMPLETION_ALL)
		c->done--;
	spin_unlock_irqrestore(&c->wait.lock, irq);
	return took;
}

bool completion_done(struct completion *c)
{
	return READ_ONCE(c->done) != 0;
}

/*
 * Waiters are exclusive, so complete() wakes exactly one. The condition
 * consumes the count, so it is evaluated under the same lock that
 * complete() takes and no count is lost or taken twice.
 */
void wait_for_completion(struct completion *c)
{
	struct wait_entry we;

	if (completion_try_take(c))
		return;
	wait_entry_init(&we, WAIT_EXCLUSIVE);
	for (;;) {
		prepare_to_wait(&c->wait, &we, TASK_UNINTERRUPTIBLE);
		if (completion_try_take(c))
			break;
		schedule();
	}
	finish_wait(&c->wait, &we);
}

u64 wait_for_completion_timeout(struct completion *c, u64 timeout_ns)
{
	struct wait_timeout wt;
	u64 left;

	if (completion_try_take(c))
		return timeout_ns ? timeout_ns : 1;
	wait_timeout_begin(&wt, timeout_ns);
	wt.entry.flags = WAIT_EXCLUSIVE;
	for (;;) {
		prepare_to_wait(&c->wait, &wt.entry, TASK_UNINTERRUPTIBLE);
		left = wait_timeout_left(&wt);
		if (completion_try_take(c)) {
			left = left ? left : 1;
			break;
		}
		if (!left)
			break;
		schedule();
	}
	wait_timeout_end(&c->wait, &wt);
	/*
	 * An exclusive waiter that gives up may have been the one complete()
	 * chose: pass the wake-up on so the count does not sit unseen.
	 */
	if (!left && completion_done(c))
		wake_up(&c->wait);
	return left;
}

/* --- self-tests ----------------------------------------------------------- */

#include <ferrite/selftest.h>
#include <ferrite/err.h>

SELFTEST(sleep_10ms_takes_at_least_10ms)
{
	u64 start = arch_clock_ns();
	u64 took;

	sleep_ns(10 * NSEC_PER_MSEC);
	took = arch_clock_ns() - start;
	ST_EXPECT(took >= 10 * NSEC_PER_MSEC);
	/* And not absurdly long: a lost wake-up would show here. */
	ST_EXPECT(took < NSEC_PER_SEC);
	return 0;
}

SELFTEST(wait_event_timeout_times_out_with_zero)
{
	DEFINE_WAIT_QUEUE_HEAD(wq);
	u64 start = arch_clock_ns();
	u64 left = wait_event_timeout(wq, false, 5 * NSEC_PER_MSEC);

	ST_EXPECT(left == 0);
	ST_EXPECT(arch_clock_ns() - start >= 5 * NSEC_PER_MSEC);
	ST_EXPECT(list_empty(&wq.waiters));
	/* A true condition returns at once with time left. */
	ST_EXPECT(wait_event_timeout(wq, true, 5 * NSEC_PER_MSEC) ==
		  5 * NSEC_PER_MSEC);
	ST_EXPECT(wait_event_timeout(wq, true, 0) == 1);
	return 0;
}

static void complete_later(void *arg)
{
	sleep_ns(2 * NSEC_PER_MSEC);
	complete(arg);
}

SELFTEST(completion_wakes_waiter_and_counts)
{
	struct completion done;
	struct task *t;
	u64 left;

	completion_init(&done);
	ST_EXPECT(wait_for_completion_timeout(&done, NSEC_PER_MSEC) == 0);
	t = kthread_create(complete_later, &done, "completer");
	ST_EXPECT(!IS_ERR(t));
	left = wait_for_completion_timeout(&done, NSEC_PER_SEC);
	kthread_join(t);
	ST_EXPECT(left > 0);
	/* The one complete() was consumed. */
	ST_EXPECT(!completion_done(&done));
	complete(&done);
	complete(&done);
	wait_for_completion(&done);
	wait_for_completion(&done);
	ST_EXPECT(!completion_done(&done));
	complete_all(&done);
	wait_for_completion(&done);
	ST_EXPECT(completion_done(&done));
	return 0;
}
