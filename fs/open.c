/*
 * Opening and closing: the open(2) logic (lookup or create, type and
 * permission checks, O_TRUNC) behind open, openat, creat and filp_open,
 * and close/close_range.
 */
#include <ferrite/err.h>
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include "internal.h"

static bool name_is_dots(const char *n, u32 len)
{
	return (len == 1 && n[0] == '.') ||
	       (len == 2 && n[0] == '.' && n[1] == '.');
}

static int open_create(int dirfd, const char *name, struct open_intent *oi,
		       int flags, struct path *p, bool *created, int depth);

/*
 * O_CREAT through a dangling symlink creates the link's target, as Linux
 * does: the target text is resolved from the link's directory.
 */
static int open_create_via_link(struct path *parent, struct dentry *link,
				struct open_intent *oi, int flags,
				struct path *p, bool *created, int depth)
{
	char *target, *dir, *name = NULL;
	ssize_t n;
	int err = -ENOMEM;

	if (depth >= MAXSYMLINKS)
		return -ELOOP;
	if (!link->inode->i_op || !link->inode->i_op->readlink)
		return -EINVAL;
	target = kmalloc(PATH_MAX, GFP_KERNEL);
	dir = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!target || !dir)
		goto out;
	n = link->inode->i_op->readlink(link, target, PATH_MAX - 1);
	err = n < 0 ? (int)n : -ENOENT;
	if (n <= 0)
		goto out;
	target[n] = '\0';
	if (target[0] == '/') {
		name = target;
	} else {
		char *base = d_path(parent, dir, PATH_MAX);

		err = IS_ERR(base) ? (int)PTR_ERR(base) : -ENAMETOOLONG;
		if (IS_ERR(base) || strlen(base) + 1 + (size_t)n >= PATH_MAX)
			goto out;
		name = kmalloc(PATH_MAX, GFP_KERNEL);
		err = -ENOMEM;
		if (!name)
			goto out;
		snprintf(name, PATH_MAX, "%s/%s", strcmp(base, "/") ? base : "",
			 target);
	}
	err = open_create(AT_FDCWD, name, oi, flags, p, created, depth + 1);
out:
	if (name != target)
		kfree(name);
	kfree(target);
	kfree(dir);
	return err;
}

/* Find or create the last name for O_CREAT; @p gets the result. */
static int open_create(int dirfd, const char *name, struct open_intent *oi,
		       int flags, struct path *p, bool *created, int depth)
{
	char *last = kmalloc(NAME_MAX + 1, GFP_KERNEL);
	struct path parent;
	struct inode *dir;
	struct dentry *d;
	u32 len;
	bool trailing;
	int err;

	if (!last)
		return -ENOMEM;
	err = path_parent_at(dirfd, name, 0, &parent, last, &len, &trailing);
	if (err)
		goto out_free;
	err = -EISDIR;
	if (trailing || !len || name_is_dots(last, len))
		goto out_parent;
	dir = parent.dentry->inode;
	mutex_lock(&dir->lock);
	d = d_lookup_locked(parent.dentry, last, len);
	err = PTR_ERR(d);
	if (IS_ERR(d))
		goto out_unlock;
	if (!d->inode) {
		err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
		if (!err && d_unlinked(parent.dentry))
			err = -ENOENT;
		if (!err && (!dir->i_op || !dir->i_op->create))
			err = -EACCES;
		if (!err)
			err = dir->i_op->create(dir, d,
						oi->mode & ~current_umask());
		if (err) {
			dentry_put(d);
			goto out_unlock;
		}
		*created = true;
		mutex_unlock(&dir->lock);
		p->mnt = mount_get(parent.mnt);
		p->dentry = d;
		err = 0;
		goto out_parent;
	}
	mutex_unlock(&dir->lock);
	err = -EEXIST;
	if (flags & O_EXCL) {
		dentry_put(d);
		goto out_parent;
	}
	if (S_ISLNK(d->inode->mode)) {
		if (flags & O_NOFOLLOW) {
			dentry_put(d);
			err = -ELOOP;
			goto out_parent;
		}
		err = path_lookup_at(dirfd, name, LOOKUP_FOLLOW, p);
		if (err == -ENOENT)
			err = open_create_via_link(&parent, d, oi, flags, p,
						   created, depth);
		dentry_put(d);
		goto out_parent;
	}
	p->mnt = mount_get(parent.mnt);
	p->dentry = d;
	path_follow_mounts(p);
	err = 0;
	goto out_parent;
out_unlock:
	mutex_unlock(&dir->lock);
out_parent:
	path_put(&parent);
out_free:
	kfree(last);
	return err;
}

/* Type, permission and O_TRUNC handling once the object is found. */
static int open_checks(struct path *p, struct open_intent *oi, int flags,
		       bool created)
{
	struct inode *i = p->dentry->inode;
	int mask = 0;
	int err;

	if (flags & O_PATH)
		return 0;
	if (S_ISLNK(i->mode))
		return -ELOOP;		/* O_NOFOLLOW met a symlink */
	if (S_ISDIR(i->mode) && ((oi->fmode & FMODE_WRITE) ||
				 (flags & O_CREAT)))
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !S_ISDIR(i->mode))
		return -ENOTDIR;
	if (created)
		return 0;		/* the creator may use its new file */
	if (oi->fmode & FMODE_READ)
		mask |= MAY_READ;
	if ((oi->fmode & FMODE_WRITE) || (flags & O_TRUNC))
		mask |= MAY_WRITE;
	err = inode_permission(i, mask);
	if (err)
		return err;
	if (S_ISREG(i->mode) && (flags & O_TRUNC))
		return vfs_truncate(p, 0);
	return 0;
}

int vfs_open_at(int dirfd, const char *name, int flags, umode_t mode,
		struct file **out)
{
	struct open_intent oi;
	struct path p;
	bool created = false;
	struct file *f;
	int err;

	err = open_flags_decode(flags, mode, &oi);
	if (err)
		return err;
	flags = (flags & O_PATH) ? (oi.flags | O_PATH) : flags;
	if ((flags & O_CREAT) && !(flags & O_PATH))
		err = open_create(dirfd, name, &oi, flags, &p, &created, 0);
	else
		err = path_lookup_at(dirfd, name, oi.lookup, &p);
	if (err)
		return err;
	err = open_checks(&p, &oi, flags, created);
	if (err)
		goto out;
	/* O_NOCTTY reaches tty ->open; file_alloc drops it after (tty helper). */
	f = file_alloc(&p, (unsigned int)(oi.flags |
					  (flags & (O_ACCMODE | O_NOCTTY))));
	if (IS_ERR(f)) {
		err = (int)PTR_ERR(f);
		goto out;
	}
	*out = f;
out:
	path_put(&p);
	return err;
}

struct file *filp_open(const char *path, int flags, umode_t mode)
{
	struct file *f;
	int err = vfs_open_at(AT_FDCWD, path, flags, mode, &f);

	return err ? ERR_PTR(err) : f;
}

struct file *vfs_open_path(const struct path *path, int flags)
{
	return file_alloc(path, (unsigned int)flags);
}

static long do_sys_open(int dirfd, user_addr_t uname, int flags, umode_t mode)
{
	char *name = getname(uname);
	struct file *f;
	int fd, err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	fd = fd_reserve((unsigned int)flags & O_CLOEXEC, 0);
	if (fd < 0) {
		putname(name);
		return fd;
	}
	err = vfs_open_at(dirfd, name, flags, mode, &f);
	putname(name);
	if (err) {
		fd_unreserve(fd);
		return err;
	}
	fd_install(fd, f);
	return fd;
}

SYSCALL_DEFINE3(open, user_addr_t, name, int, flags, umode_t, mode)
{
	return do_sys_open(AT_FDCWD, name, flags | O_LARGEFILE, mode);
}

SYSCALL_DEFINE4(openat, int, dirfd, user_addr_t, name, int, flags,
		umode_t, mode)
{
	return do_sys_open(dirfd, name, flags | O_LARGEFILE, mode);
}

SYSCALL_DEFINE2(creat, user_addr_t, name, umode_t, mode)
{
	return do_sys_open(AT_FDCWD, name, O_CREAT | O_WRONLY | O_TRUNC |
			   O_LARGEFILE, mode);
}

SYSCALL_DEFINE1(close, int, fd)
{
	return fd_close(fd);
}

SYSCALL_DEFINE3(close_range, unsigned int, first, unsigned int, last,
		unsigned int, flags)
{
	return fd_close_range(first, last, flags);
}
