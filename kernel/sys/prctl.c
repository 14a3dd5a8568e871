/*
 * prctl: the process name (PR_SET_NAME/PR_GET_NAME, the task's comm),
 * the parent-death signal (sent by exit when the parent dies) and the dumpable
 * flag. Other options are -EINVAL, as Linux answers unknown ones.
 */
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>

#define PR_SET_PDEATHSIG	1
#define PR_GET_PDEATHSIG	2
#define PR_GET_DUMPABLE		3
#define PR_SET_DUMPABLE		4
#define PR_SET_NAME		15
#define PR_GET_NAME		16

SYSCALL_DEFINE5(prctl, int, option, unsigned long, arg2, unsigned long, arg3,
		unsigned long, arg4, unsigned long, arg5)
{
	struct process *p = current_process();
	struct task *t = current();
	char name[TASK_COMM_LEN];
	long n;

	switch (option) {
	case PR_SET_PDEATHSIG:
		if (arg2 > NSIG_MAX)
			return -EINVAL;
		p->pdeath_signal = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_user(p->pdeath_signal, UADDR(arg2));
	case PR_GET_DUMPABLE:
		return p->dumpable;
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		p->dumpable = (int)arg2;
		return 0;
	case PR_SET_NAME:
		/* Up to 15 bytes; a longer name is cut, as on Linux. */
		n = strncpy_from_user(name, UADDR(arg2), sizeof(name) - 1);
		if (n == -EFAULT)
			return -EFAULT;
		name[sizeof(name) - 1] = 0;
		if (n >= 0)
			name[n] = 0;
		strscpy(t->name, name, sizeof(t->name));
		return 0;
	case PR_GET_NAME:
		strscpy(name, t->name, sizeof(name));
		return copy_to_user(UADDR(arg2), name, sizeof(name));
	default:
		return -EINVAL;
	}
}
