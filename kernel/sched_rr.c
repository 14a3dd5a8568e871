/*
 * Round-robin scheduling policy: one FIFO of runnable tasks; the running
 * task is preempted when its time slice (CONFIG_SCHED_RR_TIMESLICE_MS) is
 * used up and another task is waiting. Pure list logic, host-tested.
 */
#include <ferrite/sched.h>

#define RR_SLICE_NS ((s64)CONFIG_SCHED_RR_TIMESLICE_MS * 1000000)

static void rr_rq_init(struct runqueue *rq)
{
	list_init(&rq->queue);
	rq->nr_queued = 0;
}

static void rr_task_init(struct task *t)
{
	list_init(&t->run_node);
	t->slice_left_ns = RR_SLICE_NS;
}

static void rr_enqueue(struct runqueue *rq, struct task *t)
{
	list_add_tail(&t->run_node, &rq->queue);
	rq->nr_queued++;
}

static void rr_dequeue(struct runqueue *rq, struct task *t)
{
	list_del(&t->run_node);
	rq->nr_queued--;
}

static struct task *rr_pick_next(struct runqueue *rq)
{
	struct task *t;

	if (list_empty(&rq->queue))
		return NULL;
	t = list_first_entry(&rq->queue, struct task, run_node);
	rr_dequeue(rq, t);
	return t;
}

/*
 * A task keeps what is left of its slice across sleeps, so sleeping
 * briefly does not buy a fresh slice; a used-up slice is refilled here.
 * Nobody else waiting means no reason to preempt.
 */
static bool rr_tick(struct runqueue *rq, struct task *curr, u64 ns)
{
	curr->slice_left_ns -= (s64)ns;
	if (curr->slice_left_ns > 0)
		return false;
	curr->slice_left_ns = RR_SLICE_NS;
	return rq->nr_queued > 0;
}

/* Yielding ends the slice: the next turn starts a full one. */
static void rr_yield(struct runqueue *rq, struct task *curr)
{
	curr->slice_left_ns = RR_SLICE_NS;
}

const struct sched_policy sched_rr_policy = {
	.name = "round-robin",
	.rq_init = rr_rq_init,
	.task_init = rr_task_init,
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick_next = rr_pick_next,
	.tick = rr_tick,
	.yield = rr_yield,
};
