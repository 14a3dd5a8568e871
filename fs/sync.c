/*
 * Flushing: fsync, fdatasync, sync and syncfs. Every filesystem today is
 * in memory, so sync has nothing to write; fsync still asks the file,
 * which may refuse (EINVAL for pipes and devices without fsync, as Linux).
 */
#include <ferrite/fs.h>
#include <ferrite/syscall.h>

static long do_fsync(int fd, bool datasync)
{
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	if (f->mode & FMODE_PATH)
		r = -EBADF;
	else
		r = f->f_op->fsync ? f->f_op->fsync(f, datasync) : -EINVAL;
	fput(f);
	return r;
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return do_fsync(fd, false);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return do_fsync(fd, true);
}

/* No filesystem has a backing store yet: all data is already "synced". */
SYSCALL_DEFINE0(sync)
{
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}
