/*
 * CPU-time reports: times and getrusage (RUSAGE_SELF, CHILDREN, THREAD).
 * All CPU time is counted as user time until the entry code separates
 * user from system time; fault and context-switch counters stay 0.
 */
#include <ferrite/mm.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/timer.h>

#define USER_HZ		100
#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_THREAD	1

static struct linux_timeval ns_to_timeval(u64 ns)
{
	return (struct linux_timeval){ (s64)(ns / NSEC_PER_SEC),
				       (s64)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}

void rusage_from_times(struct linux_rusage *ru, u64 utime_ns, u64 stime_ns)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime = ns_to_timeval(utime_ns);
	ru->ru_stime = ns_to_timeval(stime_ns);
}

static s64 ns_to_clock_t(u64 ns)
{
	return (s64)(ns / (NSEC_PER_SEC / USER_HZ));
}

SYSCALL_DEFINE1(times, user_addr_t, buf)
{
	struct process *p = current_process();
	s64 tms[4];
	unsigned long irq;

	tms[0] = ns_to_clock_t(process_cpu_time_ns(p));
	tms[1] = 0;
	irq = spin_lock_irqsave(&process_tree_lock);
	tms[2] = ns_to_clock_t(p->cutime_ns);
	tms[3] = ns_to_clock_t(p->cstime_ns);
	spin_unlock_irqrestore(&process_tree_lock, irq);
	if (!uaddr_is_null(buf) && copy_to_user(buf, tms, sizeof(tms)))
		return -EFAULT;
	/* Clock ticks since boot (Linux's counter starts elsewhere; any
	 * fixed origin is allowed). */
	return ns_to_clock_t(arch_clock_ns());
}

SYSCALL_DEFINE2(getrusage, int, who, user_addr_t, uru)
{
	struct process *p = current_process();
	struct linux_rusage ru;
	unsigned long irq;
	u64 ut, st;

	switch (who) {
	case RUSAGE_SELF:
		ut = process_cpu_time_ns(p);
		st = 0;
		break;
	case RUSAGE_THREAD:
		ut = task_cpu_time_ns(current());
		st = 0;
		break;
	case RUSAGE_CHILDREN:
		irq = spin_lock_irqsave(&process_tree_lock);
		ut = p->cutime_ns;
		st = p->cstime_ns;
		spin_unlock_irqrestore(&process_tree_lock, irq);
		break;
	default:
		return -EINVAL;
	}
	rusage_from_times(&ru, ut, st);
	return copy_to_user(uru, &ru, sizeof(ru));
}
