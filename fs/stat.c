/*
 * File status: stat, fstat, lstat, newfstatat and statx, all from
 * inode_fill_stat's view of an inode.
 */
#include <ferrite/fs.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include "internal.h"

static int stat_lookup(int dirfd, user_addr_t uname, unsigned int flags,
		       struct path *p)
{
	unsigned int lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	char *name;
	int err;

	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	name = getname(uname);
	if (IS_ERR(name))
		return (int)PTR_ERR(name);
	err = path_lookup_at(dirfd, name, lf, p);
	putname(name);
	return err;
}

static long stat_to_user(const struct path *p, user_addr_t ubuf)
{
	struct linux_stat st;

	inode_fill_stat(p->dentry->inode, &st);
	return copy_to_user(ubuf, &st, sizeof(st));
}

static long do_fstatat(int dirfd, user_addr_t uname, user_addr_t ubuf,
		       unsigned int flags)
{
	struct path p;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	err = stat_lookup(dirfd, uname, flags, &p);
	if (err)
		return err;
	err = stat_to_user(&p, ubuf);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE2(stat, user_addr_t, name, user_addr_t, ubuf)
{
	return do_fstatat(AT_FDCWD, name, ubuf, 0);
}

SYSCALL_DEFINE2(lstat, user_addr_t, name, user_addr_t, ubuf)
{
	return do_fstatat(AT_FDCWD, name, ubuf, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, user_addr_t, name, user_addr_t, ubuf,
		int, flags)
{
	return do_fstatat(dirfd, name, ubuf, (unsigned int)flags);
}

SYSCALL_DEFINE2(fstat, int, fd, user_addr_t, ubuf)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = stat_to_user(&f->path, ubuf);
	fput(f);
	return err;
}

static void statx_ts(struct statx_timestamp *d, const struct timespec64 *s)
{
	d->tv_sec = s->tv_sec;
	d->tv_nsec = (u32)s->tv_nsec;
}

static void fill_statx(const struct inode *i, struct linux_statx *x)
{
	dev_t dev = i->sb ? i->sb->dev : 0;

	memset(x, 0, sizeof(*x));
	x->stx_mask = STATX_BASIC_STATS | STATX_BTIME;
	x->stx_blksize = PAGE_SIZE;
	x->stx_nlink = i->nlink;
	x->stx_uid = i->uid;
	x->stx_gid = i->gid;
	x->stx_mode = (u16)i->mode;
	x->stx_ino = i->ino;
	x->stx_size = i->size;
	x->stx_blocks = i->blocks;
	statx_ts(&x->stx_atime, &i->atime);
	statx_ts(&x->stx_btime, &i->btime);
	statx_ts(&x->stx_ctime, &i->ctime);
	statx_ts(&x->stx_mtime, &i->mtime);
	x->stx_rdev_major = MAJOR(i->rdev);
	x->stx_rdev_minor = MINOR(i->rdev);
	x->stx_dev_major = MAJOR(dev);
	x->stx_dev_minor = MINOR(dev);
}

SYSCALL_DEFINE5(statx, int, dirfd, user_addr_t, uname, int, flags,
		unsigned int, mask, user_addr_t, ubuf)
{
	struct linux_statx x;
	struct path p;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
		      AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & STATX__RESERVED)
		return -EINVAL;
	err = stat_lookup(dirfd, uname, (unsigned int)flags, &p);
	if (err)
		return err;
	fill_statx(p.dentry->inode, &x);
	path_put(&p);
	return copy_to_user(ubuf, &x, sizeof(x));
}
