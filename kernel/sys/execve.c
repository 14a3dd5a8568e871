/*
 * execve and execveat: copy the name in and hand over to kernel/exec.c.
 * On success the registers already hold the new program's state; the
 * 0 returned lands in its rax, as on Linux.
 */
#include <ferrite/err.h>
#include <ferrite/fs.h>
#include <ferrite/process.h>
#include <ferrite/syscall.h>

static long execve_common(int dirfd, user_addr_t uname, user_addr_t argv,
			  user_addr_t envp, int flags)
{
	char *name = getname(uname);
	long err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	/* Linux: an empty name is ENOENT unless AT_EMPTY_PATH says otherwise. */
	if (!name[0] && !(flags & AT_EMPTY_PATH))
		err = -ENOENT;
	else
		err = do_execveat(dirfd, name, argv, envp, flags);
	putname(name);
	return err;
}

SYSCALL_DEFINE3(execve, user_addr_t, name, user_addr_t, argv,
		user_addr_t, envp)
{
	return execve_common(AT_FDCWD, name, argv, envp, 0);
}

SYSCALL_DEFINE5(execveat, int, dirfd, user_addr_t, name, user_addr_t, argv,
		user_addr_t, envp, int, flags)
{
	return execve_common(dirfd, name, argv, envp, flags);
}
