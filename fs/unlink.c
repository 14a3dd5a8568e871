/*
 * Removing names: unlink, unlinkat (with AT_REMOVEDIR) and rmdir. The
 * inode lives on while open files or cwds still reference it.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/syscall.h>
#include "internal.h"

/* errno for a last component that cannot be removed ("/", ".", ".."). */
static int bad_last(const char *last, u32 len, bool rmdir)
{
	if (!len)
		return rmdir ? -EBUSY : -EISDIR;
	if (len == 1 && last[0] == '.')
		return rmdir ? -EINVAL : -EISDIR;
	if (len == 2 && last[0] == '.' && last[1] == '.')
		return rmdir ? -ENOTEMPTY : -EISDIR;
	return 0;
}

static int remove_locked(struct inode *dir, struct dentry *d, bool rmdir,
			 bool trailing)
{
	struct inode *victim = d->inode;
	int err;

	if (!victim)
		return -ENOENT;
	if (!rmdir) {
		if (S_ISDIR(victim->mode))
			return -EISDIR;
		if (trailing)
			return -ENOTDIR;
		return dir->i_op && dir->i_op->unlink ?
		       dir->i_op->unlink(dir, d) : -EPERM;
	}
	if (!S_ISDIR(victim->mode))
		return -ENOTDIR;
	if (READ_ONCE(d->flags) & DENTRY_MOUNTED)
		return -EBUSY;
	if (!dir->i_op || !dir->i_op->rmdir)
		return -EPERM;
	/* Parent before child: creations inside the victim hold its lock. */
	mutex_lock(&victim->lock);
	err = dir->i_op->rmdir(dir, d);
	mutex_unlock(&victim->lock);
	return err;
}

int vfs_unlink_at(int dirfd, const char *name, bool rmdir)
{
	char *last = kmalloc(NAME_MAX + 1, GFP_KERNEL);
	struct path parent;
	struct inode *dir;
	struct dentry *d;
	bool trailing;
	u32 len;
	int err;

	if (!last)
		return -ENOMEM;
	err = path_parent_at(dirfd, name, 0, &parent, last, &len, &trailing);
	if (err)
		goto out_free;
	err = bad_last(last, len, rmdir);
	if (err)
		goto out_parent;
	dir = parent.dentry->inode;
	err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	if (err)
		goto out_parent;
	mutex_lock(&dir->lock);
	d = d_lookup_locked(parent.dentry, last, len);
	err = PTR_ERR(d);
	if (!IS_ERR(d)) {
		err = remove_locked(dir, d, rmdir, trailing);
		dentry_put(d);
	}
	mutex_unlock(&dir->lock);
out_parent:
	path_put(&parent);
out_free:
	kfree(last);
	return err;
}

static long unlink_user(int dirfd, user_addr_t uname, bool rmdir)
{
	char *name = getname(uname);
	long err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	err = vfs_unlink_at(dirfd, name, rmdir);
	putname(name);
	return err;
}

SYSCALL_DEFINE1(unlink, user_addr_t, name)
{
	return unlink_user(AT_FDCWD, name, false);
}

SYSCALL_DEFINE1(rmdir, user_addr_t, name)
{
	return unlink_user(AT_FDCWD, name, true);
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, user_addr_t, name, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return unlink_user(dirfd, name, flags & AT_REMOVEDIR);
}
