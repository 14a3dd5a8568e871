/*
 * Kernel timers and the periodic tick: an ordered queue of one-shot timers
 * (a sorted list; an rbtree when there are many) run from timer_tick(),
 * which also charges the running task's time slice. The queue functions
 * are pure and are built on the host by tests/unit/test_timerq.c.
 */
#include <ferrite/timer.h>
#include <ferrite/spinlock.h>
#include <ferrite/sched.h>
#include <ferrite/printk.h>

u64 jiffies;

/*
 * One queue for the machine. With SMP it moves into struct cpu and each
 * CPU runs its own; cancel then has to wait while @running is the timer
 * and runs on another CPU.
 */
static struct {
	spinlock_t lock;
	struct timer_queue q;		/* [lock] */
	struct timer *running;		/* [lock] callback being called */
} timers = {
	.lock = SPINLOCK_INIT,
	.q = { LIST_HEAD_INIT(timers.q.head) },
};

/* --- the queue ---------------------------------------------------------- */

void timerq_init(struct timer_queue *q)
{
	list_init(&q->head);
}

/*
 * Walk from the latest end: new timers mostly expire after the ones
 * already queued. Going past equal expiries keeps them first-in first-out.
 */
void timerq_insert(struct timer_queue *q, struct timer *t)
{
	struct list_head *pos = q->head.prev;

	while (pos != &q->head &&
	       list_entry(pos, struct timer, node)->expires > t->expires)
		pos = pos->prev;
	list_add(&t->node, pos);
}

bool timerq_remove(struct timer_queue *q, struct timer *t)
{
	if (list_empty(&t->node))
		return false;
	list_del(&t->node);
	return true;
}

struct timer *timerq_first(struct timer_queue *q)
{
	if (list_empty(&q->head))
		return NULL;
	return list_first_entry(&q->head, struct timer, node);
}

struct timer *timerq_pop_expired(struct timer_queue *q, u64 now)
{
	struct timer *t = timerq_first(q);

	if (!t || t->expires > now)
		return NULL;
	list_del(&t->node);
	return t;
}

/* --- timers ------------------------------------------------------------- */

void timer_init(struct timer *t, void (*callback)(void *data), void *data)
{
	t->expires = 0;
	t->callback = callback;
	t->data = data;
	list_init(&t->node);
}

bool timer_pending(const struct timer *t)
{
	return !list_empty(&t->node);
}

void timer_add(struct timer *t)
{
	unsigned long irq = spin_lock_irqsave(&timers.lock);

	/* Adding a pending timer twice would corrupt the queue. */
	if (!WARN_ON(timer_pending(t)))
		timerq_insert(&timers.q, t);
	spin_unlock_irqrestore(&timers.lock, irq);
}

bool timer_mod(struct timer *t, u64 expires)
{
	unsigned long irq = spin_lock_irqsave(&timers.lock);
	bool was = timerq_remove(&timers.q, t);

	t->expires = expires;
	timerq_insert(&timers.q, t);
	spin_unlock_irqrestore(&timers.lock, irq);
	return was;
}

bool timer_cancel(struct timer *t)
{
	unsigned long irq = spin_lock_irqsave(&timers.lock);
	bool was = timerq_remove(&timers.q, t);

	spin_unlock_irqrestore(&timers.lock, irq);
	return was;
}

/*
 * Run every timer due by @now. Each is unlinked under the lock and called
 * without it, so a callback may add, modify or cancel timers (its own
 * too) and wake tasks.
 */
static void run_expired_timers(u64 now)
{
	struct timer *t;
	unsigned long irq = spin_lock_irqsave(&timers.lock);

	while ((t = timerq_pop_expired(&timers.q, now))) {
		timers.running = t;
		spin_unlock_irqrestore(&timers.lock, irq);
		t->callback(t->data);
		irq = spin_lock_irqsave(&timers.lock);
		timers.running = NULL;
	}
	spin_unlock_irqrestore(&timers.lock, irq);
}

void timer_tick(void)
{
	WRITE_ONCE(jiffies, jiffies + 1);
	run_expired_timers(arch_clock_ns());
	sched_tick(TICK_NS);
}

/* --- self-tests (the queue itself is host-tested) ------------------------- */
#ifndef FERRITE_HOST_TEST
#include <ferrite/selftest.h>
#include <ferrite/wait.h>

struct fire_log {
	wait_queue_head_t wq;
	int order[8];
	int n;				/* [written by callbacks, irqs off] */
};

struct logged_timer {
	struct timer timer;
	struct fire_log *log;
	int id;
};

static void log_fire(void *data)
{
	struct logged_timer *lt = data;

	if (lt->log->n < (int)ARRAY_SIZE(lt->log->order))
		lt->log->order[lt->log->n] = lt->id;
	lt->log->n++;
	wake_up(&lt->log->wq);
}

static void logged_timer_arm(struct logged_timer *lt, struct fire_log *log,
			     int id, u64 expires)
{
	lt->log = log;
	lt->id = id;
	timer_init(&lt->timer, log_fire, lt);
	lt->timer.expires = expires;
	timer_add(&lt->timer);
}

SELFTEST(timers_fire_in_expiry_order)
{
	static const int ms[5] = { 3, 1, 4, 2, 5 };
	struct logged_timer lt[5];
	struct fire_log log = { .n = 0 };
	u64 now = arch_clock_ns();
	u64 left;

	wait_queue_init(&log.wq);
	/* Added out of order; ids are the expiry in ms. */
	for (int i = 0; i < 5; i++)
		logged_timer_arm(&lt[i], &log, ms[i], now + ms[i] * NSEC_PER_MSEC);
	left = wait_event_timeout(log.wq, READ_ONCE(log.n) == 5, NSEC_PER_SEC);
	for (int i = 0; i < 5; i++)
		timer_cancel(&lt[i].timer);
	ST_EXPECT(left > 0);
	ST_EXPECT(log.n == 5);
	for (int i = 0; i < 5; i++)
		ST_EXPECT(log.order[i] == i + 1);
	ST_EXPECT(arch_clock_ns() >= now + 5 * NSEC_PER_MSEC);
	return 0;
}

SELFTEST(timer_cancel_pending_prevents_callback)
{
	struct logged_timer victim, witness;
	struct fire_log log = { .n = 0 };
	u64 now = arch_clock_ns();
	bool cancelled, cancelled_again, late_cancel;

	wait_queue_init(&log.wq);
	logged_timer_arm(&victim, &log, 1, now + 2 * NSEC_PER_MSEC);
	logged_timer_arm(&witness, &log, 2, now + 6 * NSEC_PER_MSEC);
	cancelled = timer_cancel(&victim.timer);
	cancelled_again = timer_cancel(&victim.timer);
	wait_event_timeout(log.wq, READ_ONCE(log.n) >= 1, NSEC_PER_SEC);
	/* The witness has fired: cancelling it now reports "not pending". */
	late_cancel = timer_cancel(&witness.timer);
	ST_EXPECT(cancelled);
	ST_EXPECT(!cancelled_again);
	ST_EXPECT(log.n == 1);
	ST_EXPECT(log.order[0] == 2);
	ST_EXPECT(!late_cancel);
	ST_EXPECT(!timer_pending(&victim.timer));
	return 0;
}

SELFTEST(jiffies_advance_at_hz)
{
	u64 j0 = READ_ONCE(jiffies);

	sleep_ns(20 * NSEC_PER_MSEC);
	/* At least most of the ticks of 20 ms; generous for a slow VMM. */
	ST_EXPECT(READ_ONCE(jiffies) - j0 >= (20 * NSEC_PER_MSEC) / TICK_NS / 2);
	return 0;
}
#endif
