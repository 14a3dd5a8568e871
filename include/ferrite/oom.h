/*
 * The out-of-memory killer (mm/oom.c): when a user-memory allocation
 * finds no page and free memory is really low, kill the process with the
 * largest resident set and wait for its memory to come back.
 */
#ifndef FERRITE_OOM_H
#define FERRITE_OOM_H

#include <ferrite/errno.h>
#include <ferrite/types.h>

#ifdef FERRITE_HOST_TEST
/* The host unit tests of mm/ have no processes: a failure is final. */
static inline bool oom_memory_low(void)
{
	return true;
}

static inline int out_of_memory(unsigned int order)
{
	(void)order;
	return -ENOMEM;
}
#else

/*
 * Is free memory below the OOM watermark? An allocation that failed
 * while this is false failed for another reason (an injected failure,
 * or memory freed meanwhile): retry or report ENOMEM, never kill.
 */
bool oom_memory_low(void);

/*
 * An allocation of 2^@order pages for user memory failed (task context,
 * no spinlock or mm->lock held). Kills a victim if memory is really low
 * and none is already dying, then waits (bounded) for memory to return.
 * 0: retry the allocation; -ENOMEM: give up (the caller is dying, was
 * the victim, or there is nothing left to kill).
 */
int out_of_memory(unsigned int order);

/* Processes the OOM killer has killed since boot (tests, /proc later). */
u64 oom_kill_count(void);
#endif

#endif
