/*
 * Descriptor duplication and control: dup, dup2, dup3 and fcntl.
 * Record locks (F_GETLK/F_SETLK/F_SETLKW) are not implemented: -EINVAL.
 */
#include <ferrite/fs.h>
#include <ferrite/syscall.h>
#include "internal.h"

SYSCALL_DEFINE1(dup, int, fd)
{
	struct file *f = fget(fd);
	int nfd;

	if (!f)
		return -EBADF;
	nfd = fd_install_new(f, 0, 0);
	if (nfd < 0)
		fput(f);
	return nfd;
}

static long do_dup3(int oldfd, int newfd, int flags)
{
	struct file *f;
	long r;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	f = fget(oldfd);
	if (!f)
		return -EBADF;
	r = fd_replace(newfd, f, (unsigned int)flags);
	fput(f);
	return r;
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, int, flags)
{
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup3(oldfd, newfd, flags);
}

SYSCALL_DEFINE2(dup2, int, oldfd, int, newfd)
{
	/* dup2 onto itself only checks that the fd is open. */
	if (oldfd == newfd) {
		struct file *f = fget(oldfd);

		if (!f)
			return -EBADF;
		fput(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, 0);
}

/* F_SETFL may change only these; the access mode and creation flags stay. */
#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | O_ASYNC)

static long fcntl_setfl(struct file *f, unsigned long arg)
{
	unsigned long fl = spin_lock_irqsave(&f->f_lock);

	f->flags = (f->flags & ~(unsigned int)SETFL_MASK) |
		   ((unsigned int)arg & SETFL_MASK);
	spin_unlock_irqrestore(&f->f_lock, fl);
	return 0;
}

static long do_fcntl(int fd, struct file *f, unsigned int cmd,
		     unsigned long arg)
{
	long r;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((long)(int)arg < 0 || arg >= current_nofile_limit())
			return -EINVAL;
		r = fd_install_new(get_file(f),
				   cmd == F_DUPFD_CLOEXEC ? O_CLOEXEC : 0,
				   (int)arg);
		if (r < 0)
			fput(f);
		return r;
	case F_GETFD:
		return fd_get_cloexec(fd);
	case F_SETFD:
		return fd_set_cloexec(fd, arg & FD_CLOEXEC);
	case F_GETFL:
		/* The access mode was kept in f->flags at open. */
		return (long)(READ_ONCE(f->flags) | (f->mode & FMODE_PATH ?
						     O_PATH : 0));
	case F_SETFL:
		if (f->mode & FMODE_PATH)
			return -EBADF;
		return fcntl_setfl(f, arg);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		return -EINVAL;	/* record locks: not implemented yet */
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE3(fcntl, int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	/* O_PATH files allow only descriptor-level commands (Linux). */
	if ((f->mode & FMODE_PATH) && cmd != F_DUPFD &&
	    cmd != F_DUPFD_CLOEXEC && cmd != F_GETFD && cmd != F_SETFD &&
	    cmd != F_GETFL) {
		fput(f);
		return -EBADF;
	}
	r = do_fcntl(fd, f, cmd, arg);
	fput(f);
	return r;
}
