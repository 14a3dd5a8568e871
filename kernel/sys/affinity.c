/*
 * sched_getaffinity / sched_setaffinity. Ferrite runs on one CPU, so the
 * only mask is {CPU 0}: get reports it, set accepts any mask containing
 * CPU 0 and refuses one without it (EINVAL), as Linux does for a mask
 * with no online CPU. The mask size is Linux's: one long.
 */
#include <ferrite/err.h>
#include <ferrite/sched.h>
#include <ferrite/syscall.h>

#define CPUMASK_BYTES	sizeof(unsigned long)

/* pid 0 is the caller; otherwise the thread must exist. */
static int affinity_target(int pid)
{
	struct task *t;

	if (pid < 0)
		return -ESRCH;
	if (pid == 0)
		return 0;
	t = task_lookup(pid);
	if (!t)
		return -ESRCH;
	task_put(t);
	return 0;
}

SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len,
		user_addr_t, umask)
{
	unsigned long mask = 1;		/* CPU 0 */
	int err;

	if (len < CPUMASK_BYTES || (len & (sizeof(unsigned long) - 1)))
		return -EINVAL;
	err = affinity_target(pid);
	if (err)
		return err;
	if (copy_to_user(umask, &mask, CPUMASK_BYTES))
		return -EFAULT;
	return CPUMASK_BYTES;
}

SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned int, len,
		user_addr_t, umask)
{
	unsigned long mask = 0;
	int err;

	if (copy_from_user(&mask, umask, MIN((size_t)len, CPUMASK_BYTES)))
		return -EFAULT;
	err = affinity_target(pid);
	if (err)
		return err;
	return (mask & 1) ? 0 : -EINVAL;
}
