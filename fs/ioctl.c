/*
 * ioctl: the generic requests every file understands (FIONBIO, FIOCLEX,
 * FIONCLEX), then the file's own ioctl; ENOTTY when it has none.
 */
#include <ferrite/fs.h>
#include <ferrite/syscall.h>
#include "internal.h"

static long ioctl_generic(int fd, struct file *f, unsigned int cmd,
			  unsigned long arg, bool *handled)
{
	int on;
	unsigned long fl;

	*handled = true;
	switch (cmd) {
	case FIOCLEX:
		return fd_set_cloexec(fd, true);
	case FIONCLEX:
		return fd_set_cloexec(fd, false);
	case FIONBIO:
		if (get_user(&on, UADDR(arg)))
			return -EFAULT;
		fl = spin_lock_irqsave(&f->f_lock);
		if (on)
			f->flags |= O_NONBLOCK;
		else
			f->flags &= ~(unsigned int)O_NONBLOCK;
		spin_unlock_irqrestore(&f->f_lock, fl);
		return 0;
	default:
		*handled = false;
		return 0;
	}
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f = fget(fd);
	bool handled;
	long r;

	if (!f)
		return -EBADF;
	if (f->mode & FMODE_PATH) {
		fput(f);
		return -EBADF;
	}
	r = ioctl_generic(fd, f, cmd, arg, &handled);
	if (!handled)
		r = f->f_op->ioctl ? f->f_op->ioctl(f, cmd, arg) : -ENOTTY;
	fput(f);
	return r;
}
