/*
 * fork, vfork and clone (x86-64 argument order: flags, newsp, parent_tid,
 * child_tid, tls). The work is do_fork() in kernel/fork.c; clone3 is not
 * provided yet (-ENOSYS from the table), which glibc and musl fall back from.
 */
#include <ferrite/process.h>
#include <ferrite/syscall.h>

SYSCALL_DEFINE0(fork)
{
	return do_fork(SIGCHLD, 0, UADDR_NULL, UADDR_NULL, 0);
}

SYSCALL_DEFINE0(vfork)
{
	return do_fork(CLONE_VFORK | CLONE_VM | SIGCHLD, 0, UADDR_NULL,
		       UADDR_NULL, 0);
}

SYSCALL_DEFINE5(clone, unsigned long, flags, unsigned long, newsp,
		user_addr_t, parent_tid, user_addr_t, child_tid,
		unsigned long, tls)
{
	return do_fork(flags, newsp, parent_tid, child_tid, tls);
}
