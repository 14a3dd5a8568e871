/*
 * Wait queues, wait_event()/wait_event_timeout(), and completions: how a
 * task sleeps until a condition another task or an interrupt makes true.
 * kernel/wait.c. The waits here are uninterruptible; the interruptible
 * ones (a signal ends them with -ERESTARTSYS) are in <ferrite/signal.h>.
 */
#ifndef FERRITE_WAIT_H
#define FERRITE_WAIT_H

#include <ferrite/list.h>
#include <ferrite/spinlock.h>
#include <ferrite/timer.h>

struct task;

typedef struct wait_queue_head {
	spinlock_t lock;
	struct list_head waiters;	/* [lock] struct wait_entry, FIFO */
} wait_queue_head_t;

#define WAIT_QUEUE_HEAD_INIT(name) { SPINLOCK_INIT, LIST_HEAD_INIT((name).waiters) }
#define DEFINE_WAIT_QUEUE_HEAD(name) \
	wait_queue_head_t name = WAIT_QUEUE_HEAD_INIT(name)

/*
 * One sleeping task's place on a queue; lives on the sleeper's stack.
 * An exclusive waiter is woken one at a time (wake_up wakes every
 * non-exclusive waiter and at most one exclusive one).
 */
#define WAIT_EXCLUSIVE	0x1

struct wait_entry {
	struct task *task;		/* [I] the sleeper, which owns the entry */
	unsigned int flags;		/* [I] WAIT_* */
	struct list_head node;		/* [queue lock] on the queue iff linked */
};

void wait_queue_init(wait_queue_head_t *wq);
void wait_entry_init(struct wait_entry *we, unsigned int flags);

/*
 * The sleep protocol behind wait_event: put @we on @wq (if not already)
 * and set the current task's state, both under the queue lock, so a
 * wake_up() that runs after the caller's condition check finds it.
 */
void prepare_to_wait(wait_queue_head_t *wq, struct wait_entry *we, int state);
/*
 * Queue or unqueue @we without touching the task state: for waiters on
 * several queues at once (poll), which set their state themselves.
 */
void add_wait_queue(wait_queue_head_t *wq, struct wait_entry *we);
void remove_wait_queue(wait_queue_head_t *wq, struct wait_entry *we);

/* Back to TASK_RUNNING and off the queue. */
void finish_wait(wait_queue_head_t *wq, struct wait_entry *we);

/* Wake waiters; safe from interrupt context. Return how many were woken. */
unsigned int wake_up(wait_queue_head_t *wq);
unsigned int wake_up_all(wait_queue_head_t *wq);

/* Sleep until @cond is true. @cond is re-evaluated after every wake-up. */
#define wait_event(wq, cond)						\
	do {								\
		struct wait_entry __we;					\
									\
		if (cond)						\
			break;						\
		wait_entry_init(&__we, 0);				\
		for (;;) {						\
			prepare_to_wait(&(wq), &__we, TASK_UNINTERRUPTIBLE); \
			if (cond)					\
				break;					\
			schedule();					\
		}							\
		finish_wait(&(wq), &__we);				\
	} while (0)

/* State of one wait_event_timeout: the queue entry and the alarm. */
struct wait_timeout {
	struct wait_entry entry;
	struct timer timer;		/* wakes the sleeper at the deadline */
	u64 deadline;			/* arch_clock_ns() value */
};

void wait_timeout_begin(struct wait_timeout *wt, u64 timeout_ns);
/* Nanoseconds left before the deadline, 0 once it has passed. */
u64 wait_timeout_left(const struct wait_timeout *wt);
void wait_timeout_end(wait_queue_head_t *wq, struct wait_timeout *wt);

/*
 * Sleep until @cond is true or @timeout_ns has passed. Like Linux: returns
 * 0 if the time ran out with @cond false, otherwise the time left (at
 * least 1, also when @cond turned true just as the time ran out). A u64.
 */
#define wait_event_timeout(wq, cond, timeout_ns)			\
	({								\
		u64 __left = (timeout_ns);				\
		struct wait_timeout __wt;				\
									\
		if (!(cond)) {						\
			wait_timeout_begin(&__wt, __left);		\
			for (;;) {					\
				prepare_to_wait(&(wq), &__wt.entry,	\
						TASK_UNINTERRUPTIBLE);	\
				__left = wait_timeout_left(&__wt);	\
				if (cond) {				\
					__left = __left ? __left : 1;	\
					break;				\
				}					\
				if (!__left)				\
					break;				\
				schedule();				\
			}						\
			wait_timeout_end(&(wq), &__wt);			\
		} else if (!__left) {					\
			__left = 1;					\
		}							\
		__left;							\
	})

/*
 * A one-way event count: complete() lets one waiter (or a future one)
 * through, complete_all() lets every present and future waiter through.
 */
struct completion {
	unsigned int done;		/* [wait.lock] UINT_MAX after complete_all */
	wait_queue_head_t wait;
};

void completion_init(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
/* Remaining ns (>= 1) if completed in time, 0 on timeout. */
u64 wait_for_completion_timeout(struct completion *c, u64 timeout_ns);
/* Whether complete_all() has run or a complete() is not yet consumed. */
bool completion_done(struct completion *c);

/*
 * The macros above name TASK_UNINTERRUPTIBLE and schedule(); sched.h needs
 * struct completion from this file, so it comes last (its guard makes the
 * inclusion one-way whichever header a user includes first).
 */
#include <ferrite/sched.h>

#endif
