/*
 * The load average of /proc/loadavg: every 5 s the number of runnable
 * and uninterruptibly sleeping user tasks is folded into three
 * exponentially decaying averages (1, 5 and 15 minutes), in 11-bit fixed
 * point as Linux keeps them. loadavg_fold() is pure (host-tested).
 */
#include <ferrite/sched.h>
#include <ferrite/timer.h>
#include "loadavg.h"

/* e^(-5s/1min), e^(-5s/5min), e^(-5s/15min) in LOAD_FIXED_1 units. */
static const unsigned long load_decay[3] = { 1884, 2014, 2037 };

void loadavg_fold(unsigned long avg[3], unsigned int active)
{
	unsigned long a = (unsigned long)active * LOAD_FIXED_1;

	for (int i = 0; i < 3; i++) {
		unsigned long e = load_decay[i];
		unsigned long v = avg[i] * e + a * (LOAD_FIXED_1 - e);

		/* Round up while rising so a steady load reaches its value. */
		if (a >= avg[i])
			v += LOAD_FIXED_1 - 1;
		avg[i] = v / LOAD_FIXED_1;
	}
}

#ifndef FERRITE_HOST_TEST

/* [timer] written only by the timer callback; readers take a snapshot. */
static unsigned long load_avg[3];
static struct timer load_timer;

static void load_sample(void *unused)
{
	struct sched_stats st;

	sched_get_stats(&st);
	loadavg_fold(load_avg, st.nr_running + st.nr_blocked);
	load_timer.expires += LOAD_INTERVAL_NS;
	timer_add(&load_timer);
}

void loadavg_get(unsigned long avg[3])
{
	for (int i = 0; i < 3; i++)
		avg[i] = READ_ONCE(load_avg[i]);
}

void loadavg_start(void)
{
	timer_init(&load_timer, load_sample, NULL);
	load_timer.expires = arch_clock_ns() + LOAD_INTERVAL_NS;
	timer_add(&load_timer);
}

#endif
