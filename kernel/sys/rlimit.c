/*
 * Resource limits: getrlimit, setrlimit, prlimit64. Limits are stored and
 * returned exactly; RLIMIT_NOFILE bounds the fd table and RLIMIT_STACK the
 * exec'd stack, the others are recorded for programs that read them back.
 */
#include <ferrite/process.h>
#include <ferrite/syscall.h>

#define NR_OPEN_MAX	1048576		/* Linux's fs.nr_open default */

/* Check and apply @new to @p's limit @res; 0 or -errno. */
static int rlimit_set(struct process *p, unsigned int res,
		      const struct rlimit64 *new)
{
	struct rlimit64 *old = &p->rlim[res];

	if (new->rlim_cur > new->rlim_max)
		return -EINVAL;
	if (res == RLIMIT_NOFILE && new->rlim_max > NR_OPEN_MAX)
		return -EPERM;
	/* Raising the hard limit needs CAP_SYS_RESOURCE: euid 0 here. */
	if (new->rlim_max > old->rlim_max && current_process()->cred.euid != 0)
		return -EPERM;
	*old = *new;
	return 0;
}

SYSCALL_DEFINE2(getrlimit, unsigned int, res, user_addr_t, ulim)
{
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	return copy_to_user(ulim, &current_process()->rlim[res],
			    sizeof(struct rlimit64));
}

SYSCALL_DEFINE2(setrlimit, unsigned int, res, user_addr_t, ulim)
{
	struct rlimit64 new;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (copy_from_user(&new, ulim, sizeof(new)))
		return -EFAULT;
	return rlimit_set(current_process(), res, &new);
}

/*
 * Another process's limits are read and written without its cooperation
 * (Linux takes its task lock; ours are plain stores of two words, fine
 * while the only readers are exec and the fd table of that process).
 */
SYSCALL_DEFINE4(prlimit64, int, pid, unsigned int, res, user_addr_t, unew,
		user_addr_t, uold)
{
	struct process *p;
	struct rlimit64 new, old;
	long err = 0;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (!uaddr_is_null(unew) && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	p = pid ? process_lookup(pid) : process_get(current_process());
	if (!p)
		return -ESRCH;
	old = p->rlim[res];
	if (!uaddr_is_null(unew))
		err = rlimit_set(p, res, &new);
	if (!err && !uaddr_is_null(uold) &&
	    copy_to_user(uold, &old, sizeof(old)))
		err = -EFAULT;
	process_put(p);
	return err;
}
