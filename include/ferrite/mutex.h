/*
 * Sleeping locks for code that may block while holding them (address
 * spaces, inodes, fd tables). Waiters sleep on a wait queue; there is no
 * spinning. Not usable from interrupt context.
 */
#ifndef FERRITE_MUTEX_H
#define FERRITE_MUTEX_H

#include <ferrite/wait.h>

struct task;

struct mutex {
	spinlock_t lock;		/* guards owner */
	struct task *owner;		/* [lock] NULL when free */
	wait_queue_head_t waiters;
};

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_is_locked(struct mutex *m);
/* Held by the calling task? For assertions at function entry. */
bool mutex_owned(struct mutex *m);

#endif
