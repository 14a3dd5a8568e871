/*
 * One-shot kernel timers on the monotonic clock (arch_clock_ns), run from
 * the periodic tick, and the tick counter. kernel/timer.c; the ordered
 * queue underneath is pure logic, unit-tested on the host.
 */
#ifndef FERRITE_TIMER_H
#define FERRITE_TIMER_H

#include <ferrite/list.h>

#define NSEC_PER_USEC	1000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL
#define TICK_NS		(NSEC_PER_SEC / CONFIG_HZ)

/*
 * A timer calls callback(data) once, in interrupt context with interrupts
 * disabled, at the first tick at or after @expires. The callback must not
 * sleep; it may re-add its own timer (for a time after the tick's clock
 * reading, or it runs again in the same tick). The owner keeps the struct alive
 * until the timer has fired or timer_cancel() has returned.
 */
struct timer {
	u64 expires;			/* [timer lock] while pending; ns */
	void (*callback)(void *data);	/* [I] after timer_init */
	void *data;			/* [I] after timer_init */
	struct list_head node;		/* [timer lock] queued iff pending */
};

/* Ticks since timer_tick() first ran. Written only by the tick. */
extern u64 jiffies;

void timer_init(struct timer *t, void (*callback)(void *data), void *data);
/* Queue @t (not pending) to fire at t->expires. */
void timer_add(struct timer *t);
/* (Re)queue @t to fire at @expires. Returns whether it was pending. */
bool timer_mod(struct timer *t, u64 expires);
/*
 * Dequeue @t. Returns true if it was pending, i.e. the callback will now
 * never run for this arming; false if it had already fired (or was never
 * added). On return the callback is not running (single CPU: it runs with
 * interrupts off, so it cannot be half-way through under us).
 */
bool timer_cancel(struct timer *t);
bool timer_pending(const struct timer *t);

/* Called by the arch at CONFIG_HZ from the timer interrupt. */
void timer_tick(void);

/*
 * Sleep for at least @ns nanoseconds (uninterruptibly). Task context only.
 * The wake-up comes from a tick, so the sleep lasts up to TICK_NS longer.
 */
void sleep_ns(u64 ns);

/*
 * The ordered queue beneath the timers, without locking or time: the
 * caller holds whatever lock protects @q. Timers with equal expiry fire
 * in the order they were added.
 */
struct timer_queue {
	struct list_head head;		/* sorted by expires, earliest first */
};

void timerq_init(struct timer_queue *q);
void timerq_insert(struct timer_queue *q, struct timer *t);
/* Unlink @t if queued; returns whether it was. */
bool timerq_remove(struct timer_queue *q, struct timer *t);
/* Unlink and return the earliest timer if it expires at or before @now. */
struct timer *timerq_pop_expired(struct timer_queue *q, u64 now);
/* The earliest timer, or NULL when the queue is empty. */
struct timer *timerq_first(struct timer_queue *q);

#endif
