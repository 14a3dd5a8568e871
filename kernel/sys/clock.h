/*
 * Clock ids (Linux's numbers) and reading them, shared by the clock and
 * sleep system calls in this folder.
 */
#ifndef KERNEL_SYS_CLOCK_H
#define KERNEL_SYS_CLOCK_H

#include <ferrite/types.h>

#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			1
#define CLOCK_PROCESS_CPUTIME_ID	2
#define CLOCK_THREAD_CPUTIME_ID		3
#define CLOCK_MONOTONIC_RAW		4
#define CLOCK_REALTIME_COARSE		5
#define CLOCK_MONOTONIC_COARSE		6
#define CLOCK_BOOTTIME			7
#define CLOCK_TAI			11

#define TIMER_ABSTIME			1

/* Current value of clock @id in ns: 0 or -EINVAL for an unknown id. */
int clock_read_ns(int id, u64 *ns);

#endif
