/*
 * nanosleep and clock_nanosleep (relative or TIMER_ABSTIME). A signal
 * ends the sleep: a handler sees EINTR and the remaining time (relative
 * sleeps); otherwise restart_syscall sleeps until the same deadline, as
 * Linux's restart block. Wake-ups come from the tick: up to one tick late.
 */
#include <ferrite/process.h>
#include <ferrite/signal.h>
#include <ferrite/syscall.h>
#include <ferrite/timer.h>
#include "clock.h"

static int get_timespec_ns(user_addr_t u, u64 *ns)
{
	struct linux_timespec ts;

	if (copy_from_user(&ts, u, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	/* Far-future times saturate instead of wrapping. */
	if ((u64)ts.tv_sec > (~0ULL - (u64)ts.tv_nsec) / NSEC_PER_SEC)
		*ns = ~0ULL;
	else
		*ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return 0;
}

static void put_remaining(user_addr_t rem, u64 deadline)
{
	u64 now = arch_clock_ns(), left = deadline > now ? deadline - now : 0;
	struct linux_timespec ts = {
		(s64)(left / NSEC_PER_SEC), (s64)(left % NSEC_PER_SEC)
	};

	if (!uaddr_is_null(rem))
		(void)copy_to_user(rem, &ts, sizeof(ts));	/* as Linux: EINTR wins */
}

static long nanosleep_restart(struct restart_block *rb);

/*
 * Sleep until @deadline (arch_clock_ns); an interrupted relative sleep
 * reports what is left in @rem and leaves a restart block, an absolute
 * one restarts as it was (-ERESTARTNOHAND).
 */
static long sleep_until(u64 deadline, user_addr_t rem, bool absolute)
{
	DEFINE_WAIT_QUEUE_HEAD(nobody);		/* only the timer wakes us */
	u64 now = arch_clock_ns();
	struct restart_block *rb;
	long r;

	if (deadline <= now)
		return 0;
	r = wait_event_interruptible_timeout(nobody, false, deadline - now);
	if (r != -ERESTARTSYS)
		return 0;
	if (absolute)
		return -ERESTARTNOHAND;
	put_remaining(rem, deadline);
	rb = &current()->restart;
	rb->fn = nanosleep_restart;
	rb->arg[0] = deadline;
	rb->arg[1] = rem.addr;
	return -ERESTART_RESTARTBLOCK;
}

static long nanosleep_restart(struct restart_block *rb)
{
	return sleep_until(rb->arg[0], UADDR(rb->arg[1]), false);
}

/* now + @ns without wrapping. */
static u64 deadline_in(u64 ns)
{
	u64 now = arch_clock_ns();

	return ns > ~0ULL - now ? ~0ULL : now + ns;
}

SYSCALL_DEFINE2(nanosleep, user_addr_t, req, user_addr_t, rem)
{
	u64 ns;
	int err = get_timespec_ns(req, &ns);

	if (err)
		return err;
	return sleep_until(deadline_in(ns), rem, false);
}

SYSCALL_DEFINE4(clock_nanosleep, int, id, int, flags, user_addr_t, req,
		user_addr_t, rem)
{
	u64 ns, now;
	int err;

	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		break;
	case CLOCK_THREAD_CPUTIME_ID:
		return -EINVAL;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		/* Clocks Linux cannot sleep on (or, for CPU time, we cannot). */
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
	err = get_timespec_ns(req, &ns);
	if (err)
		return err;
	if (flags & TIMER_ABSTIME) {
		clock_read_ns(id, &now);
		if (ns <= now)
			return 0;
		return sleep_until(deadline_in(ns - now), rem, true);
	}
	return sleep_until(deadline_in(ns), rem, false);
}
