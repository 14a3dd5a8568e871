/*
 * futex: sleeping on a user word. A waiter checks that the word still
 * holds the value it expects and sleeps on a hash bucket keyed by the
 * word's identity; a waker wakes up to N sleepers of the same key. Keys:
 * (address space, address) for FUTEX_PRIVATE_FLAG, the physical address
 * otherwise (a MAP_SHARED word is the same page in every process).
 * Supported: WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE, CMP_REQUEUE;
 * other operations (PI, WAKE_OP, WAIT_REQUEUE_PI) are -ENOSYS, as Linux
 * answers an operation it does not know.
 */
#include <ferrite/err.h>
#include <ferrite/futex.h>
#include <ferrite/mutex.h>
#include <ferrite/pgtable.h>
#include <ferrite/process.h>
#include <ferrite/signal.h>
#include <ferrite/syscall.h>
#include <ferrite/timer.h>
#include <ferrite/vm.h>

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_BITSET_MATCH_ANY	0xffffffffU

#define NSEC_PER_SEC		1000000000ULL
#define FUTEX_BUCKETS		64

struct futex_key {
	uintptr_t space;	/* struct mm * (private) or 0 (shared) */
	uintptr_t addr;		/* user address (private) or physical */
};

/* A sleeper; lives on its stack. [bucket lock] unless noted. */
struct futex_q {
	struct list_head node;
	struct futex_key key;
	u32 bitset;
	struct task *task;	/* [I] */
	bool woken;
};

/*
 * A mutex, not a spinlock: the waiter reads the user word with the
 * bucket held (so a waker cannot slip between the check and the
 * queueing), and that read may fault and sleep.
 */
static struct futex_bucket {
	struct mutex lock;
	struct list_head waiters;	/* [lock] struct futex_q */
} buckets[FUTEX_BUCKETS];
static bool futex_ready;	/* [I after the first use under init_lock] */
static DEFINE_SPINLOCK(init_lock);

static void futex_init_once(void)
{
	unsigned long irq;

	if (READ_ONCE(futex_ready))
		return;
	irq = spin_lock_irqsave(&init_lock);
	if (!futex_ready) {
		for (int i = 0; i < FUTEX_BUCKETS; i++) {
			mutex_init(&buckets[i].lock);
			list_init(&buckets[i].waiters);
		}
		WRITE_ONCE(futex_ready, true);
	}
	spin_unlock_irqrestore(&init_lock, irq);
}

static struct futex_bucket *bucket_of(const struct futex_key *k)
{
	u64 h = (k->space ^ k->addr) * 0x9e3779b97f4a7c15ULL;

	return &buckets[h >> 58];	/* top 6 bits: 64 buckets */
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

/*
 * The identity of the word at @uaddr. The word is read first so the
 * page is present (faulted in if needed); -EFAULT if it cannot be.
 */
static int futex_key_of(user_addr_t uaddr, bool private, struct futex_key *k)
{
	struct process *p = current_process();
	struct mm *mm = p ? p->mm : NULL;
	pte_t *pte;
	u32 v;

	if (uaddr.addr & 3)
		return -EINVAL;
	if (!mm || get_user(&v, uaddr))
		return -EFAULT;
	if (private) {
		k->space = (uintptr_t)mm;
		k->addr = uaddr.addr;
		return 0;
	}
	mutex_lock(&mm->lock);
	pte = arch_pte_slot(&mm->arch, uaddr.addr & PAGE_MASK, false);
	if (pte && arch_pte_present(*pte)) {
		k->space = 0;
		k->addr = arch_pte_phys(*pte) + (uaddr.addr & ~PAGE_MASK);
	}
	mutex_unlock(&mm->lock);
	return pte && k->space == 0 ? 0 : -EFAULT;
}

static void futex_timeout(void *data)
{
	wake_up_task(data);
}

static long futex_wait(user_addr_t uaddr, bool private, u32 expected,
		       u32 bitset, u64 deadline /* 0: none */)
{
	struct futex_q q = { .bitset = bitset, .task = current() };
	struct futex_bucket *b;
	struct timer t;
	long ret = 0;
	u32 v;

	if (!bitset)
		return -EINVAL;
	ret = futex_key_of(uaddr, private, &q.key);
	if (ret)
		return ret;
	b = bucket_of(&q.key);
	mutex_lock(&b->lock);
	if (get_user(&v, uaddr)) {
		mutex_unlock(&b->lock);
		return -EFAULT;
	}
	if (v != expected) {
		mutex_unlock(&b->lock);
		return -EAGAIN;
	}
	list_add_tail(&q.node, &b->waiters);
	set_current_state(TASK_INTERRUPTIBLE);
	mutex_unlock(&b->lock);

	if (deadline) {
		timer_init(&t, futex_timeout, current());
		timer_mod(&t, deadline);
	}
	for (;;) {
		if (READ_ONCE(q.woken))
			break;
		if (signal_pending(current())) {
			ret = deadline ? -EINTR : -ERESTARTSYS;
			break;
		}
		if (deadline && arch_clock_ns() >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	set_current_state(TASK_RUNNING);
	if (deadline)
		timer_cancel(&t);
	mutex_lock(&b->lock);
	if (q.woken)
		ret = 0;	/* a wake-up that raced the timeout or signal wins */
	else
		list_del(&q.node);
	mutex_unlock(&b->lock);
	return ret;
}

/* Wake up to @nr sleepers on @k whose bitset meets @bitset. */
static long futex_wake_key(const struct futex_key *k, u32 nr, u32 bitset)
{
	struct futex_bucket *b = bucket_of(k);
	struct futex_q *q, *tmp;
	long woken = 0;

	mutex_lock(&b->lock);
	list_for_each_entry_safe(q, tmp, &b->waiters, node) {
		if (woken >= nr)
			break;
		if (!key_eq(&q->key, k) || !(q->bitset & bitset))
			continue;
		list_del(&q->node);
		WRITE_ONCE(q->woken, true);
		wake_up_task(q->task);
		woken++;
	}
	mutex_unlock(&b->lock);
	return woken;
}

static long futex_wake(user_addr_t uaddr, bool private, u32 nr, u32 bitset)
{
	struct futex_key k;
	long err;

	if (!bitset)
		return -EINVAL;
	err = futex_key_of(uaddr, private, &k);
	return err ? err : futex_wake_key(&k, nr, bitset);
}

/*
 * Wake @nr_wake sleepers on @uaddr and move up to @nr_requeue others to
 * @uaddr2; with @cmp, only if *uaddr still equals @val3 (-EAGAIN).
 */
static long futex_requeue(user_addr_t uaddr, user_addr_t uaddr2, bool private,
			  u32 nr_wake, u32 nr_requeue, bool cmp, u32 val3)
{
	struct futex_key k1, k2;
	struct futex_bucket *b1, *b2;
	struct futex_q *q, *tmp;
	long done = 0, moved = 0;
	u32 v;
	long err;

	err = futex_key_of(uaddr, private, &k1);
	if (!err)
		err = futex_key_of(uaddr2, private, &k2);
	if (err)
		return err;
	b1 = bucket_of(&k1);
	b2 = bucket_of(&k2);
	/* Both buckets, in address order, so crossing requeues cannot deadlock. */
	mutex_lock(b1 < b2 ? &b1->lock : &b2->lock);
	if (b1 != b2)
		mutex_lock(b1 < b2 ? &b2->lock : &b1->lock);
	if (cmp && (get_user(&v, uaddr) || v != val3)) {
		err = get_user(&v, uaddr) ? -EFAULT : -EAGAIN;
		goto out;
	}
	list_for_each_entry_safe(q, tmp, &b1->waiters, node) {
		if (!key_eq(&q->key, &k1))
			continue;
		list_del(&q->node);
		if (done < nr_wake) {
			WRITE_ONCE(q->woken, true);
			wake_up_task(q->task);
			done++;
		} else if (moved < nr_requeue) {
			q->key = k2;
			list_add_tail(&q->node, &b2->waiters);
			moved++;
		} else {
			list_add_tail(&q->node, &b1->waiters);	/* put back */
			break;
		}
	}
	err = done + moved;
out:
	if (b1 != b2)
		mutex_unlock(b1 < b2 ? &b2->lock : &b1->lock);
	mutex_unlock(b1 < b2 ? &b1->lock : &b2->lock);
	return err;
}

/* The deadline for a wait: relative for FUTEX_WAIT, absolute for BITSET. */
static long futex_deadline(user_addr_t uts, int cmd, bool realtime, u64 *deadline)
{
	struct linux_timespec ts;
	u64 ns, now;

	*deadline = 0;
	if (uaddr_is_null(uts))
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	now = arch_clock_ns();
	if (cmd == FUTEX_WAIT) {
		*deadline = now + ns;
	} else if (realtime) {
		u64 wall = arch_boot_realtime_ns() + now;

		*deadline = ns > wall ? now + (ns - wall) : now;
	} else {
		*deadline = ns;
	}
	if (!*deadline)
		*deadline = 1;	/* already passed: still a deadline */
	return 0;
}

SYSCALL_DEFINE6(futex, user_addr_t, uaddr, int, op, u32, val,
		user_addr_t, utime, user_addr_t, uaddr2, u32, val3)
{
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool private = op & FUTEX_PRIVATE_FLAG;
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	u64 deadline;
	long err;

	futex_init_once();
	/* CLOCK_REALTIME only makes sense for the absolute-time waits. */
	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		err = futex_deadline(utime, cmd, realtime, &deadline);
		if (err)
			return err;
		return futex_wait(uaddr, private, val,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3,
				  deadline);
	case FUTEX_WAKE:
		return futex_wake(uaddr, private, val, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, private, val, val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		/* The 4th argument is a count here, not a timeout. */
		if ((s32)utime.addr < 0 || (s32)val < 0)
			return -EINVAL;
		return futex_requeue(uaddr, uaddr2, private, val,
				     (u32)utime.addr, cmd == FUTEX_CMP_REQUEUE, val3);
	}
	return -ENOSYS;
}

/*
 * Exit of a task with clear_child_tid: wake one waiter on the word, as
 * Linux's mm_release does for pthread_join. Shared key: the joiner may be
 * another process sharing the memory (vfork, CLONE_VM).
 */
void futex_wake_on_exit(user_addr_t uaddr)
{
	struct futex_key k;

	futex_init_once();
	if (!futex_key_of(uaddr, false, &k))
		futex_wake_key(&k, 1, FUTEX_BITSET_MATCH_ANY);
	if (!futex_key_of(uaddr, true, &k))
		futex_wake_key(&k, 1, FUTEX_BITSET_MATCH_ANY);
}
