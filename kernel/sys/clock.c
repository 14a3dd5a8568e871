/*
 * Clocks: clock_gettime, clock_getres, gettimeofday, time. CLOCK_REALTIME
 * is the RTC's boot time plus the monotonic clock (no settimeofday yet);
 * MONOTONIC, MONOTONIC_RAW and BOOTTIME are the same TSC-based clock
 * (nothing suspends or slews it); the COARSE ones are cut to the tick.
 */
#include <ferrite/process.h>
#include <ferrite/syscall.h>
#include <ferrite/timer.h>
#include "clock.h"

static u64 coarse(u64 ns)
{
	return ns - ns % TICK_NS;
}

int clock_read_ns(int id, u64 *ns)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
		*ns = arch_boot_realtime_ns() + arch_clock_ns();
		return 0;
	case CLOCK_REALTIME_COARSE:
		*ns = arch_boot_realtime_ns() + coarse(arch_clock_ns());
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		*ns = arch_clock_ns();
		return 0;
	case CLOCK_MONOTONIC_COARSE:
		*ns = coarse(arch_clock_ns());
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = process_cpu_time_ns(current_process());
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = task_cpu_time_ns(current());
		return 0;
	default:
		return -EINVAL;
	}
}

static int put_timespec(user_addr_t u, u64 ns)
{
	struct linux_timespec ts = { (s64)(ns / NSEC_PER_SEC),
				     (s64)(ns % NSEC_PER_SEC) };

	return copy_to_user(u, &ts, sizeof(ts));
}

SYSCALL_DEFINE2(clock_gettime, int, id, user_addr_t, tp)
{
	u64 ns;
	int err = clock_read_ns(id, &ns);

	return err ? err : put_timespec(tp, ns);
}

SYSCALL_DEFINE2(clock_getres, int, id, user_addr_t, res)
{
	u64 ns;
	int err = clock_read_ns(id, &ns);

	if (err)
		return err;
	if (uaddr_is_null(res))
		return 0;
	return put_timespec(res, id == CLOCK_REALTIME_COARSE ||
			    id == CLOCK_MONOTONIC_COARSE ? TICK_NS : 1);
}

SYSCALL_DEFINE2(gettimeofday, user_addr_t, tv, user_addr_t, tz)
{
	u64 ns = arch_boot_realtime_ns() + arch_clock_ns();
	struct linux_timeval t = { (s64)(ns / NSEC_PER_SEC),
				   (s64)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
	const s32 zone[2] = { 0, 0 };	/* UTC, no DST */

	if (!uaddr_is_null(tv) && copy_to_user(tv, &t, sizeof(t)))
		return -EFAULT;
	if (!uaddr_is_null(tz) && copy_to_user(tz, zone, sizeof(zone)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE1(time, user_addr_t, tloc)
{
	s64 t = (s64)((arch_boot_realtime_ns() + arch_clock_ns()) / NSEC_PER_SEC);

	if (!uaddr_is_null(tloc) && put_user(t, tloc))
		return -EFAULT;
	return t;
}
