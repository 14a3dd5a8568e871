/*
 * Host tests of the round-robin policy (kernel/sched_rr.c): queue order,
 * dequeue, and when the tick asks for preemption.
 */
#include <ferrite/sched.h>
#include "unit.h"

#define SLICE_NS ((u64)CONFIG_SCHED_RR_TIMESLICE_MS * 1000000)

static const struct sched_policy *rr = &sched_rr_policy;

static void setup(struct runqueue *rq, struct task *t, int n)
{
	rr->rq_init(rq);
	for (int i = 0; i < n; i++) {
		t[i] = (struct task){ .tid = i + 1 };
		rr->task_init(&t[i]);
	}
}

TEST(empty_queue_picks_nothing)
{
	struct runqueue rq;

	setup(&rq, NULL, 0);
	EXPECT(rr->pick_next(&rq) == NULL);
	EXPECT_EQ(rq.nr_queued, 0);
}

TEST(pick_is_fifo_and_removes)
{
	struct runqueue rq;
	struct task t[3];

	setup(&rq, t, 3);
	rr->enqueue(&rq, &t[1]);
	rr->enqueue(&rq, &t[0]);
	rr->enqueue(&rq, &t[2]);
	EXPECT_EQ(rq.nr_queued, 3);
	EXPECT(rr->pick_next(&rq) == &t[1]);
	EXPECT(rr->pick_next(&rq) == &t[0]);
	/* A picked task that is put back goes behind the rest. */
	rr->enqueue(&rq, &t[1]);
	EXPECT(rr->pick_next(&rq) == &t[2]);
	EXPECT(rr->pick_next(&rq) == &t[1]);
	EXPECT(rr->pick_next(&rq) == NULL);
	EXPECT_EQ(rq.nr_queued, 0);
}

TEST(dequeue_from_middle)
{
	struct runqueue rq;
	struct task t[3];

	setup(&rq, t, 3);
	for (int i = 0; i < 3; i++)
		rr->enqueue(&rq, &t[i]);
	rr->dequeue(&rq, &t[1]);
	EXPECT_EQ(rq.nr_queued, 2);
	EXPECT(list_empty(&t[1].run_node));
	EXPECT(rr->pick_next(&rq) == &t[0]);
	EXPECT(rr->pick_next(&rq) == &t[2]);
	EXPECT(rr->pick_next(&rq) == NULL);
}

TEST(tick_preempts_only_after_slice_with_others_waiting)
{
	struct runqueue rq;
	struct task t[2];
	u64 step = SLICE_NS / 4;

	setup(&rq, t, 2);
	EXPECT_EQ(t[0].slice_left_ns, (s64)SLICE_NS);
	rr->enqueue(&rq, &t[1]);	/* t[0] is "running" */
	for (int i = 0; i < 3; i++)
		EXPECT(!rr->tick(&rq, &t[0], step));
	EXPECT_EQ(t[0].slice_left_ns, (s64)(SLICE_NS - 3 * step));
	EXPECT(rr->tick(&rq, &t[0], SLICE_NS - 3 * step));
	/* The slice is refilled for the next turn. */
	EXPECT_EQ(t[0].slice_left_ns, (s64)SLICE_NS);
}

TEST(tick_does_not_preempt_a_lone_task)
{
	struct runqueue rq;
	struct task t[1];

	setup(&rq, t, 1);
	EXPECT(!rr->tick(&rq, &t[0], SLICE_NS));
	EXPECT(!rr->tick(&rq, &t[0], 3 * SLICE_NS));
	EXPECT_EQ(t[0].slice_left_ns, (s64)SLICE_NS);
}

TEST(overrun_tick_still_preempts)
{
	struct runqueue rq;
	struct task t[2];

	setup(&rq, t, 2);
	rr->enqueue(&rq, &t[1]);
	/* One long tick (a stalled VM) larger than the whole slice. */
	EXPECT(rr->tick(&rq, &t[0], 5 * SLICE_NS));
	EXPECT(t[0].slice_left_ns > 0);
}

TEST(yield_refills_slice)
{
	struct runqueue rq;
	struct task t[2];

	setup(&rq, t, 2);
	rr->enqueue(&rq, &t[1]);
	rr->tick(&rq, &t[0], SLICE_NS / 2);
	rr->yield(&rq, &t[0]);
	EXPECT_EQ(t[0].slice_left_ns, (s64)SLICE_NS);
	EXPECT(!rr->tick(&rq, &t[0], SLICE_NS / 2));
}
