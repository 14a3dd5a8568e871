/*
 * Sleeping mutexes: a spinlock guards the owner field, contenders sleep
 * on a wait queue until the owner hands the lock back. Ownership is
 * recorded so misuse (unlock by a non-owner, recursion) is caught.
 */
#include <ferrite/mutex.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/selftest.h>
#include <ferrite/err.h>

void mutex_init(struct mutex *m)
{
	spin_lock_init(&m->lock);
	m->owner = NULL;
	wait_queue_init(&m->waiters);
}

bool mutex_trylock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->lock);
	bool got = m->owner == NULL;

	if (got)
		m->owner = current();
	spin_unlock_irqrestore(&m->lock, flags);
	return got;
}

void mutex_lock(struct mutex *m)
{
	BUG_ON(m->owner == current() && current());	/* recursion deadlocks */
	wait_event(m->waiters, mutex_trylock(m));
}

void mutex_unlock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->lock);

	WARN_ON(m->owner != current());
	m->owner = NULL;
	spin_unlock_irqrestore(&m->lock, flags);
	/*
	 * Skip the wake-up when nobody waits (the common case). A waiter
	 * queues itself before it retries the lock, and we cleared the owner
	 * before looking at the queue: the fence orders the two, so either
	 * it sees the lock free or we see it queued.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!list_empty(&m->waiters.waiters))
		wake_up(&m->waiters);
}

bool mutex_is_locked(struct mutex *m)
{
	return READ_ONCE(m->owner) != NULL;
}

bool mutex_owned(struct mutex *m)
{
	return READ_ONCE(m->owner) == current();
}

#ifdef CONFIG_SELFTEST
struct mutex_test {
	struct mutex m;
	int counter;
	bool overlap;
	int inside;
};

static void mutex_test_thread(void *arg)
{
	struct mutex_test *t = arg;

	for (int i = 0; i < 200; i++) {
		mutex_lock(&t->m);
		if (t->inside++)
			t->overlap = true;
		sched_yield();		/* invite the other thread in */
		t->counter++;
		t->inside--;
		mutex_unlock(&t->m);
	}
	kthread_exit(0);
}

SELFTEST(mutex_excludes_two_threads)
{
	static struct mutex_test t;
	struct task *a, *b;

	mutex_init(&t.m);
	t.counter = 0;
	t.overlap = false;
	t.inside = 0;
	a = kthread_create(mutex_test_thread, &t, "mutex-a");
	b = kthread_create(mutex_test_thread, &t, "mutex-b");
	ST_EXPECT(!IS_ERR(a) && !IS_ERR(b));
	kthread_join(a);
	kthread_join(b);
	ST_EXPECT(!t.overlap);
	ST_EXPECT(t.counter == 400);
	ST_EXPECT(!mutex_is_locked(&t.m));
	ST_EXPECT(mutex_trylock(&t.m));
	ST_EXPECT(!mutex_trylock(&t.m));
	mutex_unlock(&t.m);
	return 0;
}
#endif
