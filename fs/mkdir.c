/*
 * Making directories and special files: mkdir, mkdirat, mknod, mknodat,
 * and their kernel forms (vfs_mkdir_path, vfs_mknod_path) used to build
 * the boot-time tree.
 */
#include <ferrite/fs.h>
#include <ferrite/syscall.h>
#include "internal.h"

int vfs_mkdir_at(int dirfd, const char *name, umode_t mode)
{
	struct path parent;
	struct dentry *d;
	struct inode *dir;
	int err = lookup_create(dirfd, name, true, &parent, &d);

	if (err)
		return err;
	dir = parent.dentry->inode;
	err = dir->i_op && dir->i_op->mkdir ?
	      dir->i_op->mkdir(dir, d, mode & ~current_umask() & 07777) :
	      -EPERM;
	done_create(&parent, d);
	return err;
}

int vfs_mknod_at(int dirfd, const char *name, umode_t mode, dev_t dev)
{
	struct path parent;
	struct dentry *d;
	struct inode *dir;
	int err;

	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;	/* as Linux: type 0 means regular */
		break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	err = lookup_create(dirfd, name, false, &parent, &d);
	if (err)
		return err;
	dir = parent.dentry->inode;
	mode = (mode & S_IFMT) | (mode & ~current_umask() & 07777);
	if (S_ISREG(mode) && dir->i_op && dir->i_op->create)
		err = dir->i_op->create(dir, d, mode);
	else if (dir->i_op && dir->i_op->mknod)
		err = dir->i_op->mknod(dir, d, mode, S_ISREG(mode) ? 0 : dev);
	else
		err = -EPERM;
	done_create(&parent, d);
	return err;
}

int vfs_mkdir_path(const char *path, umode_t mode)
{
	return vfs_mkdir_at(AT_FDCWD, path, mode);
}

int vfs_mknod_path(const char *path, umode_t mode, dev_t dev)
{
	return vfs_mknod_at(AT_FDCWD, path, mode, dev);
}

static long mkdir_user(int dirfd, user_addr_t uname, umode_t mode)
{
	char *name = getname(uname);
	long err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	err = vfs_mkdir_at(dirfd, name, mode);
	putname(name);
	return err;
}

/* Linux's old_decode_dev/new_decode_dev for the 32-bit user dev_t. */
static dev_t decode_dev(u32 u)
{
	u32 major = (u & 0xfff00) >> 8;
	u32 minor = (u & 0xff) | ((u >> 12) & 0xfff00);

	return MKDEV(major, minor);
}

static long mknod_user(int dirfd, user_addr_t uname, umode_t mode, u32 dev)
{
	char *name = getname(uname);
	long err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	err = vfs_mknod_at(dirfd, name, mode, decode_dev(dev));
	putname(name);
	return err;
}

SYSCALL_DEFINE2(mkdir, user_addr_t, name, umode_t, mode)
{
	return mkdir_user(AT_FDCWD, name, mode);
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, user_addr_t, name, umode_t, mode)
{
	return mkdir_user(dirfd, name, mode);
}

SYSCALL_DEFINE3(mknod, user_addr_t, name, umode_t, mode, u32, dev)
{
	return mknod_user(AT_FDCWD, name, mode, dev);
}

SYSCALL_DEFINE4(mknodat, int, dirfd, user_addr_t, name, umode_t, mode,
		u32, dev)
{
	return mknod_user(dirfd, name, mode, dev);
}
