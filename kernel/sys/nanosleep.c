/*
 * nanosleep and clock_nanosleep (relative or TIMER_ABSTIME). Sleeps are
 * uninterruptible until signals exist, so the remaining time is never
 * written. Wake-ups come from the tick: up to one tick late.
 */
#include <ferrite/process.h>
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

SYSCALL_DEFINE2(nanosleep, user_addr_t, req, user_addr_t, rem)
{
	u64 ns;
	int err = get_timespec_ns(req, &ns);

	if (err)
		return err;
	sleep_ns(ns);
	return 0;
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
		ns -= now;
	}
	sleep_ns(ns);
	return 0;
}
