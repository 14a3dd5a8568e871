/*
 * Names for existing things: link/linkat (hard links), symlink/symlinkat,
 * readlink/readlinkat, and the kernel forms used at boot.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include "internal.h"

int vfs_symlink_at(const char *target, int dirfd, const char *name)
{
	struct path parent;
	struct dentry *d;
	struct inode *dir;
	int err;

	if (!target[0])
		return -ENOENT;
	err = lookup_create(dirfd, name, false, &parent, &d);
	if (err)
		return err;
	dir = parent.dentry->inode;
	err = dir->i_op && dir->i_op->symlink ?
	      dir->i_op->symlink(dir, d, target) : -EPERM;
	done_create(&parent, d);
	return err;
}

int vfs_link_at(int olddfd, const char *oldname, int newdfd,
		const char *newname, unsigned int flags)
{
	unsigned int lf = (flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0;
	struct path old, parent;
	struct dentry *d;
	struct inode *dir;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	err = path_lookup_at(olddfd, oldname, lf, &old);
	if (err)
		return err;
	err = -EPERM;
	if (S_ISDIR(old.dentry->inode->mode))
		goto out_old;
	err = lookup_create(newdfd, newname, false, &parent, &d);
	if (err)
		goto out_old;
	dir = parent.dentry->inode;
	if (parent.mnt != old.mnt)
		err = -EXDEV;
	else if (!old.dentry->inode->nlink)
		err = -ENOENT;		/* unlinked (an O_PATH or /proc fd) */
	else
		err = dir->i_op && dir->i_op->link ?
		      dir->i_op->link(old.dentry, dir, d) : -EPERM;
	done_create(&parent, d);
out_old:
	path_put(&old);
	return err;
}

int vfs_symlink_path(const char *target, const char *path)
{
	return vfs_symlink_at(target, AT_FDCWD, path);
}

int vfs_link_path(const char *old, const char *new)
{
	return vfs_link_at(AT_FDCWD, old, AT_FDCWD, new, 0);
}

ssize_t vfs_readlink_at(int dirfd, const char *name, char *buf, size_t len)
{
	struct path p;
	struct inode *i;
	ssize_t r;
	int err = path_lookup_at(dirfd, name, LOOKUP_EMPTY, &p);

	if (err)
		return err;
	i = p.dentry->inode;
	if (!S_ISLNK(i->mode) || !i->i_op || !i->i_op->readlink)
		r = -EINVAL;
	else
		r = i->i_op->readlink(p.dentry, buf, len);
	if (r >= 0 && !(i->atime.tv_sec > i->mtime.tv_sec))
		i->atime = current_time();
	path_put(&p);
	return r;
}

static long do_linkat(int olddfd, user_addr_t uold, int newdfd,
		      user_addr_t unew, unsigned int flags)
{
	char *old = getname(uold), *new = getname(unew);
	long err = IS_ERR(old) ? PTR_ERR(old) : IS_ERR(new) ? PTR_ERR(new) : 0;

	if (!err)
		err = vfs_link_at(olddfd, old, newdfd, new, flags);
	putname(old);
	putname(new);
	return err;
}

SYSCALL_DEFINE2(link, user_addr_t, old, user_addr_t, new)
{
	return do_linkat(AT_FDCWD, old, AT_FDCWD, new, 0);
}

SYSCALL_DEFINE5(linkat, int, olddfd, user_addr_t, old, int, newdfd,
		user_addr_t, new, int, flags)
{
	return do_linkat(olddfd, old, newdfd, new, (unsigned int)flags);
}

static long do_symlinkat(user_addr_t utarget, int dirfd, user_addr_t uname)
{
	char *target = getname(utarget), *name = getname(uname);
	long err = IS_ERR(target) ? PTR_ERR(target) :
		   IS_ERR(name) ? PTR_ERR(name) : 0;

	if (!err)
		err = vfs_symlink_at(target, dirfd, name);
	putname(target);
	putname(name);
	return err;
}

SYSCALL_DEFINE2(symlink, user_addr_t, target, user_addr_t, name)
{
	return do_symlinkat(target, AT_FDCWD, name);
}

SYSCALL_DEFINE3(symlinkat, user_addr_t, target, int, dirfd, user_addr_t, name)
{
	return do_symlinkat(target, dirfd, name);
}

static long do_readlinkat(int dirfd, user_addr_t uname, user_addr_t ubuf,
			  int size)
{
	char *name, *buf;
	ssize_t r;

	if (size <= 0)
		return -EINVAL;
	name = getname(uname);
	if (IS_ERR(name))
		return PTR_ERR(name);
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	r = -ENOMEM;
	if (buf)
		r = vfs_readlink_at(dirfd, name, buf,
				    MIN((size_t)size, (size_t)PATH_MAX));
	if (r > 0 && copy_to_user(ubuf, buf, (size_t)r))
		r = -EFAULT;
	kfree(buf);
	putname(name);
	return r;
}

SYSCALL_DEFINE3(readlink, user_addr_t, name, user_addr_t, buf, int, size)
{
	return do_readlinkat(AT_FDCWD, name, buf, size);
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, user_addr_t, name, user_addr_t, buf,
		int, size)
{
	return do_readlinkat(dirfd, name, buf, size);
}
