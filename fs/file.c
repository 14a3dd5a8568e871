/*
 * Open files: allocation from a path (choosing the operations: the
 * inode's, a character driver's, or the FIFO's), references, and the
 * kernel's own read/write helpers used by exec and the initramfs.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/string.h>
#include "internal.h"

static const struct file_operations empty_fops;

/* Which operations an open of @i uses; ERR_PTR(-ENXIO) for no driver. */
static const struct file_operations *file_ops_for(struct inode *i)
{
	const struct file_operations *fop;

	switch (i->mode & S_IFMT) {
	case S_IFCHR:
		fop = chrdev_lookup(i->rdev);
		return fop ? fop : ERR_PTR(-ENXIO);
	case S_IFBLK:	/* no block devices */
		return ERR_PTR(-ENXIO);
	case S_IFIFO:
		return &fifo_fops;
	case S_IFSOCK:
		/* sockfs files carry their ops; a bound name cannot be opened. */
		return i->i_fop ? i->i_fop : ERR_PTR(-ENXIO);
	default:
		return i->i_fop ? i->i_fop : &empty_fops;
	}
}

/*
 * A new open file on @path (references taken) with O_* @flags. Calls the
 * operations' open; ERR_PTR on failure with nothing left behind.
 */
struct file *file_alloc(const struct path *path, unsigned int flags)
{
	struct inode *inode = path->dentry->inode;
	const struct file_operations *fop;
	unsigned int acc = flags & O_ACCMODE;
	struct file *f;
	int err;

	if (flags & O_PATH) {
		fop = &empty_fops;
	} else {
		fop = file_ops_for(inode);
		if (IS_ERR(fop))
			return ERR_PTR(PTR_ERR(fop));
	}
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->refcount = 1;
	f->f_op = fop;
	f->path = *path;
	path_get(&f->path);
	f->inode = inode_get(inode);
	if (flags & O_PATH) {
		f->mode = FMODE_PATH;
	} else {
		f->mode = FMODE_LSEEK;
		if (acc == O_RDONLY || acc == O_RDWR)
			f->mode |= FMODE_READ;
		if (acc == O_WRONLY || acc == O_RDWR)
			f->mode |= FMODE_WRITE;
	}
	/* O_NOCTTY stays visible to ->open (ttys), then goes (tty helper). */
	f->flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC);
	spin_lock_init(&f->f_lock);
	mutex_init(&f->pos_lock);
	if (!(flags & O_PATH) && fop->open) {
		err = fop->open(inode, f);
		if (err) {
			path_put(&f->path);
			inode_put(f->inode);
			kfree(f);
			return ERR_PTR(err);
		}
	}
	f->flags &= ~(unsigned int)O_NOCTTY;
	return f;
}

struct file *get_file(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
	return f;
}

void fput(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (!(f->mode & FMODE_PATH) && f->f_op->release)
		f->f_op->release(f->inode, f);
	inode_put(f->inode);
	path_put(&f->path);
	kfree(f);
}

ssize_t kernel_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	struct iov_iter it;

	iov_iter_kernel(&it, buf, len);
	return vfs_read(f, &it, pos);
}

ssize_t kernel_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	struct iov_iter it;

	iov_iter_kernel(&it, (void *)buf, len);
	return vfs_write(f, &it, pos);
}
