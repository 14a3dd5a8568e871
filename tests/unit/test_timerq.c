/*
 * Host tests of the timer queue and of timer_tick() (kernel/timer.c) under
 * a clock the test sets; sched_tick() is recorded instead of scheduling.
 */
#include <ferrite/timer.h>
#include <ferrite/sched.h>
#include "unit.h"

extern int host_irq_depth;

static u64 fake_now;
static unsigned int sched_ticks;
static u64 sched_tick_ns;

u64 arch_clock_ns(void)
{
	return fake_now;
}

void sched_tick(u64 ns)
{
	sched_ticks++;
	sched_tick_ns = ns;
}

/* Callbacks append their id; a few act on other timers. */
static int fired[16];
static int nfired;
static int depth_in_callback;

struct tt {
	struct timer timer;
	int id;
	struct timer *cancel_me;	/* cancel this one from the callback */
	u64 rearm_at;			/* re-add self at this time if nonzero */
};

static void tt_fire(void *data)
{
	struct tt *t = data;

	fired[nfired++] = t->id;
	depth_in_callback = host_irq_depth;
	if (t->cancel_me)
		timer_cancel(t->cancel_me);
	if (t->rearm_at) {
		u64 at = t->rearm_at;

		t->rearm_at = 0;
		timer_mod(&t->timer, at);
	}
}

static void tt_setup(struct tt *t, int id, u64 expires)
{
	timer_init(&t->timer, tt_fire, t);
	t->id = id;
	t->cancel_me = NULL;
	t->rearm_at = 0;
	t->timer.expires = expires;
}

static void reset(void)
{
	fake_now = 0;
	nfired = 0;
	sched_ticks = 0;
	depth_in_callback = -1;
}

static u64 queue_expiries(struct timer_queue *q, u64 *out, int max)
{
	struct timer *t;
	int n = 0;

	list_for_each_entry(t, &q->head, node)
		if (n < max)
			out[n++] = t->expires;
	return n;
}

TEST(queue_keeps_expiry_order)
{
	static const u64 when[6] = { 50, 10, 40, 20, 60, 30 };
	struct timer t[6];
	struct timer_queue q;
	u64 got[6];

	timerq_init(&q);
	EXPECT(timerq_first(&q) == NULL);
	for (int i = 0; i < 6; i++) {
		timer_init(&t[i], NULL, NULL);
		t[i].expires = when[i];
		timerq_insert(&q, &t[i]);
	}
	ASSERT(queue_expiries(&q, got, 6) == 6);
	for (int i = 0; i < 6; i++)
		EXPECT_EQ(got[i], (u64)(i + 1) * 10);
	EXPECT(timerq_first(&q) == &t[1]);
}

TEST(queue_equal_expiries_are_fifo)
{
	struct timer t[4];
	struct timer_queue q;

	timerq_init(&q);
	for (int i = 0; i < 4; i++) {
		timer_init(&t[i], NULL, NULL);
		t[i].expires = i == 3 ? 5 : 7;	/* three 7s, then a 5 */
		timerq_insert(&q, &t[i]);
	}
	EXPECT(timerq_pop_expired(&q, 100) == &t[3]);
	EXPECT(timerq_pop_expired(&q, 100) == &t[0]);
	EXPECT(timerq_pop_expired(&q, 100) == &t[1]);
	EXPECT(timerq_pop_expired(&q, 100) == &t[2]);
	EXPECT(timerq_pop_expired(&q, 100) == NULL);
}

TEST(queue_pop_only_expired)
{
	struct timer a, b;
	struct timer_queue q;

	timerq_init(&q);
	timer_init(&a, NULL, NULL);
	timer_init(&b, NULL, NULL);
	a.expires = 100;
	b.expires = 200;
	timerq_insert(&q, &b);
	timerq_insert(&q, &a);
	EXPECT(timerq_pop_expired(&q, 99) == NULL);
	EXPECT(timerq_pop_expired(&q, 100) == &a);	/* due exactly now */
	EXPECT(!timer_pending(&a));
	EXPECT(timerq_pop_expired(&q, 199) == NULL);
	EXPECT(timer_pending(&b));
}

TEST(queue_remove_reports_pending_once)
{
	struct timer t[3];
	struct timer_queue q;

	timerq_init(&q);
	for (int i = 0; i < 3; i++) {
		timer_init(&t[i], NULL, NULL);
		t[i].expires = 10 * (i + 1);
		timerq_insert(&q, &t[i]);
	}
	EXPECT(timerq_remove(&q, &t[1]));
	EXPECT(!timerq_remove(&q, &t[1]));
	EXPECT(timerq_pop_expired(&q, 1000) == &t[0]);
	EXPECT(timerq_pop_expired(&q, 1000) == &t[2]);
	EXPECT(timerq_pop_expired(&q, 1000) == NULL);
	EXPECT(!timerq_remove(&q, &t[0]));	/* already popped */
}

TEST(tick_runs_due_timers_in_order_unlocked)
{
	struct tt t[3];
	u64 j0 = jiffies;

	reset();
	tt_setup(&t[0], 30, 30);
	tt_setup(&t[1], 10, 10);
	tt_setup(&t[2], 99, 99);
	for (int i = 0; i < 3; i++)
		timer_add(&t[i].timer);
	fake_now = 5;
	timer_tick();
	EXPECT_EQ(nfired, 0);
	fake_now = 50;
	timer_tick();
	ASSERT(nfired == 2);
	EXPECT_EQ(fired[0], 10);
	EXPECT_EQ(fired[1], 30);
	EXPECT_EQ(depth_in_callback, 0);	/* timer lock not held */
	EXPECT_EQ(host_irq_depth, 0);
	EXPECT_EQ(jiffies, j0 + 2);
	EXPECT_EQ(sched_ticks, 2);
	EXPECT_EQ(sched_tick_ns, TICK_NS);
	EXPECT(timer_pending(&t[2].timer));
	EXPECT(timer_cancel(&t[2].timer));
}

TEST(cancel_pending_timer_prevents_callback)
{
	struct tt a, b;

	reset();
	tt_setup(&a, 1, 10);
	tt_setup(&b, 2, 20);
	timer_add(&a.timer);
	timer_add(&b.timer);
	EXPECT(timer_cancel(&a.timer));
	EXPECT(!timer_cancel(&a.timer));
	fake_now = 100;
	timer_tick();
	ASSERT(nfired == 1);
	EXPECT_EQ(fired[0], 2);
	EXPECT(!timer_cancel(&b.timer));	/* fired: no longer pending */
}

TEST(callback_cancelling_a_due_timer_stops_it)
{
	struct tt a, b;

	reset();
	tt_setup(&a, 1, 10);
	tt_setup(&b, 2, 20);
	a.cancel_me = &b.timer;
	timer_add(&a.timer);
	timer_add(&b.timer);
	fake_now = 100;		/* both due in the same tick */
	timer_tick();
	ASSERT(nfired == 1);
	EXPECT_EQ(fired[0], 1);
	EXPECT(!timer_pending(&b.timer));
}

TEST(mod_moves_pending_timer)
{
	struct tt a, b;

	reset();
	tt_setup(&a, 1, 10);
	tt_setup(&b, 2, 20);
	EXPECT(!timer_mod(&a.timer, 10));	/* was not pending */
	timer_add(&b.timer);
	EXPECT(timer_mod(&a.timer, 30));	/* now after b */
	fake_now = 25;
	timer_tick();
	ASSERT(nfired == 1);
	EXPECT_EQ(fired[0], 2);
	fake_now = 30;
	timer_tick();
	ASSERT(nfired == 2);
	EXPECT_EQ(fired[1], 1);
}

TEST(callback_can_rearm_itself_for_a_later_tick)
{
	struct tt a;

	reset();
	tt_setup(&a, 7, 10);
	a.rearm_at = 40;
	timer_add(&a.timer);
	fake_now = 20;
	timer_tick();
	EXPECT_EQ(nfired, 1);
	EXPECT(timer_pending(&a.timer));
	fake_now = 39;
	timer_tick();
	EXPECT_EQ(nfired, 1);
	fake_now = 40;
	timer_tick();
	EXPECT_EQ(nfired, 2);
	EXPECT(!timer_pending(&a.timer));
}

TEST(adding_a_pending_timer_warns_and_keeps_queue_sane)
{
	extern unsigned int host_warn_count;
	unsigned int warns = host_warn_count;
	struct tt a;

	reset();
	tt_setup(&a, 1, 10);
	timer_add(&a.timer);
	timer_add(&a.timer);
	EXPECT_EQ(host_warn_count, warns + 1);
	fake_now = 10;
	timer_tick();
	EXPECT_EQ(nfired, 1);
	EXPECT(!timer_pending(&a.timer));
}
