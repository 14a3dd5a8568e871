/*
 * Interval timers: alarm, setitimer and getitimer. ITIMER_REAL counts
 * wall time and sends SIGALRM from a kernel timer (interrupt context),
 * re-arming itself for an interval. ITIMER_VIRTUAL and ITIMER_PROF would
 * need user/system time accounting per tick, which does not exist yet:
 * they are EINVAL.
 */
#include <ferrite/errno.h>
#include <ferrite/process.h>
#include <ferrite/signal.h>
#include <ferrite/syscall.h>
#include <ferrite/timer.h>

#define USEC_PER_SEC	1000000ULL

void itimer_real_fire(void *data)
{
	struct process *p = data;
	struct signal_state *ss = &p->sig;
	unsigned long irq;

	kill_process(p, SIGALRM, SI_KERNEL);
	irq = spin_lock_irqsave(&ss->lock);
	/* Next period from the planned expiry, so intervals do not drift. */
	if (ss->it_real_incr)
		timer_mod(&ss->real_timer, ss->real_timer.expires + ss->it_real_incr);
	spin_unlock_irqrestore(&ss->lock, irq);
}

static u64 tv_to_ns(s64 sec, s64 usec)
{
	if ((u64)sec > (~0ULL - NSEC_PER_SEC) / NSEC_PER_SEC)
		return ~0ULL / 2;	/* far enough: never */
	return (u64)sec * NSEC_PER_SEC + (u64)usec * NSEC_PER_USEC;
}

static bool tv_valid(s64 sec, s64 usec)
{
	return sec >= 0 && usec >= 0 && usec < (s64)USEC_PER_SEC;
}

/* ns to (sec, usec), rounding a pending remainder up to 1 us as Linux. */
static void ns_to_tv(u64 ns, s64 *sec, s64 *usec)
{
	u64 us = (ns + NSEC_PER_USEC - 1) / NSEC_PER_USEC;

	*sec = (s64)(us / USEC_PER_SEC);
	*usec = (s64)(us % USEC_PER_SEC);
}

/* The current value/interval; sig.lock held. */
static void real_get_locked(struct process *p, struct linux_itimerval *v)
{
	struct signal_state *ss = &p->sig;
	u64 now = arch_clock_ns(), left = 0;

	if (timer_pending(&ss->real_timer)) {
		left = ss->real_timer.expires > now ?
		       ss->real_timer.expires - now : NSEC_PER_USEC;
	}
	ns_to_tv(left, &v->it_value_sec, &v->it_value_usec);
	ns_to_tv(ss->it_real_incr, &v->it_interval_sec, &v->it_interval_usec);
}

/*
 * Arm (or with a zero value disarm) ITIMER_REAL, returning the old
 * setting. Under the lock with interrupts off, so the timer callback
 * (interrupt context, one CPU) sees either the old or the new setting.
 */
static void real_set(struct process *p, const struct linux_itimerval *nv,
		     struct linux_itimerval *old)
{
	struct signal_state *ss = &p->sig;
	u64 value = tv_to_ns(nv->it_value_sec, nv->it_value_usec);
	unsigned long irq = spin_lock_irqsave(&ss->lock);

	real_get_locked(p, old);
	timer_cancel(&ss->real_timer);
	ss->it_real_incr = value ? tv_to_ns(nv->it_interval_sec,
					    nv->it_interval_usec) : 0;
	if (value)
		timer_mod(&ss->real_timer, arch_clock_ns() + value);
	spin_unlock_irqrestore(&ss->lock, irq);
}

SYSCALL_DEFINE2(getitimer, int, which, user_addr_t, uval)
{
	struct process *p = current_process();
	struct linux_itimerval v;
	unsigned long irq;

	if (which != ITIMER_REAL)
		return -EINVAL;
	irq = spin_lock_irqsave(&p->sig.lock);
	real_get_locked(p, &v);
	spin_unlock_irqrestore(&p->sig.lock, irq);
	return copy_to_user(uval, &v, sizeof(v)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(setitimer, int, which, user_addr_t, unew, user_addr_t, uold)
{
	struct linux_itimerval nv = { 0 }, old;

	if (which != ITIMER_REAL)
		return -EINVAL;
	/* Linux still takes a NULL new value as "disarm". */
	if (!uaddr_is_null(unew) && copy_from_user(&nv, unew, sizeof(nv)))
		return -EFAULT;
	if (!tv_valid(nv.it_value_sec, nv.it_value_usec) ||
	    !tv_valid(nv.it_interval_sec, nv.it_interval_usec))
		return -EINVAL;
	real_set(current_process(), &nv, &old);
	if (!uaddr_is_null(uold) && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE1(alarm, unsigned int, seconds)
{
	struct linux_itimerval nv = { 0 }, old;

	nv.it_value_sec = seconds;
	real_set(current_process(), &nv, &old);
	/* Linux rounds the old remainder to the nearest second, never to 0. */
	if ((!old.it_value_sec && old.it_value_usec) ||
	    old.it_value_usec >= 500000)
		old.it_value_sec++;
	return old.it_value_sec;
}
