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
