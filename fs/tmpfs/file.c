/*
 * tmpfs file and directory operations: page-cache style reads and writes
 * on the inode's vm_object (holes read as zeros), truncation, attribute
 * changes, and directory listing from the dentry tree.
 */
#include <ferrite/mm.h>
#include <ferrite/string.h>
#include <ferrite/vm.h>
#include "../internal.h"
#include "tmpfs.h"

#define MAX_FILE_SIZE	((u64)1 << 44)	/* 16 TiB: far beyond RAM */

void tmpfs_update_blocks(struct inode *i)
{
	i->blocks = READ_ONCE(i->data->nr_pages) * (PAGE_SIZE / 512);
}

/* relatime: update atime when it is older than mtime/ctime or a day. */
static void touch_atime(struct inode *i)
{
	struct timespec64 now = current_time();

	if (i->atime.tv_sec <= i->mtime.tv_sec ||
	    i->atime.tv_sec <= i->ctime.tv_sec ||
	    now.tv_sec - i->atime.tv_sec >= 24 * 3600)
		i->atime = now;
}

static ssize_t tmpfs_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	struct inode *i = f->inode;
	size_t done = 0;

	mutex_lock(&i->lock);
	while (to->count && *pos < i->size) {
		u64 index = *pos / PAGE_SIZE;
		size_t off = *pos % PAGE_SIZE;
		size_t n = MIN((u64)(PAGE_SIZE - off), i->size - *pos);
		struct page *pg = vm_object_get_page(i->data, index, false);
		size_t got;

		n = MIN(n, to->count);
		if (IS_ERR(pg)) {
			if (!done)
				done = (size_t)PTR_ERR(pg);
			break;
		}
		if (pg) {
			got = copy_to_iter((char *)page_address(pg) + off, n, to);
			put_page(pg);
		} else {
			got = iov_iter_zero(n, to);
		}
		done += got;
		*pos += got;
		if (got < n) {
			if (!done)
				done = (size_t)-EFAULT;
			break;
		}
	}
	touch_atime(i);
	mutex_unlock(&i->lock);
	return (ssize_t)done;
}

static ssize_t tmpfs_write(struct file *f, struct iov_iter *from, u64 *pos)
{
	struct inode *i = f->inode;
	ssize_t done = 0;

	mutex_lock(&i->lock);
	if (f->flags & O_APPEND)
		*pos = i->size;
	if (*pos >= MAX_FILE_SIZE && from->count) {
		mutex_unlock(&i->lock);
		return -EFBIG;
	}
	while (from->count && *pos < MAX_FILE_SIZE) {
		u64 index = *pos / PAGE_SIZE;
		size_t off = *pos % PAGE_SIZE;
		size_t n = MIN((size_t)(PAGE_SIZE - off), from->count);
		struct page *pg = vm_object_get_page(i->data, index, true);
		size_t got;

		if (IS_ERR_OR_NULL(pg)) {
			if (!done)
				done = pg ? PTR_ERR(pg) : -ENOMEM;
			break;
		}
		got = copy_from_iter((char *)page_address(pg) + off, n, from);
		put_page(pg);
		done += (ssize_t)got;
		*pos += got;
		if (*pos > i->size)
			i->size = *pos;
		if (got < n) {
			if (!done)
				done = -EFAULT;
			break;
		}
	}
	if (done > 0) {
		i->mtime = i->ctime = current_time();
		/* A write by a non-owner clears set-id bits, as on Linux. */
		if (current_fsuid() != 0)
			i->mode &= ~(umode_t)(S_ISUID | S_ISGID);
	}
	tmpfs_update_blocks(i);
	mutex_unlock(&i->lock);
	return done;
}

int tmpfs_set_size(struct inode *i, u64 size)
{
	if (size > MAX_FILE_SIZE)
		return -EFBIG;
	if (size < i->size) {
		size_t off = size % PAGE_SIZE;

		/* Zero the tail of the last page so a later extension reads 0. */
		if (off) {
			struct page *pg = vm_object_get_page(i->data,
							     size / PAGE_SIZE,
							     false);

			if (IS_ERR(pg))
				return (int)PTR_ERR(pg);
			if (pg) {
				memset((char *)page_address(pg) + off, 0,
				       PAGE_SIZE - off);
				put_page(pg);
			}
		}
		vm_object_truncate(i->data, DIV_ROUND_UP(size, PAGE_SIZE));
	}
	i->size = size;
	tmpfs_update_blocks(i);
	return 0;
}

int tmpfs_setattr(struct dentry *d, const struct iattr *a)
{
	struct inode *i = d->inode;
	int err = 0;

	mutex_lock(&i->lock);
	if (a->valid & ATTR_SIZE) {
		if (!S_ISREG(i->mode)) {
			err = S_ISDIR(i->mode) ? -EISDIR : -EINVAL;
			goto out;
		}
		err = tmpfs_set_size(i, a->size);
		if (err)
			goto out;
	}
	setattr_copy(i, a);
out:
	mutex_unlock(&i->lock);
	return err;
}

static int tmpfs_mmap_object(struct file *f, struct vm_object **obj)
{
	vm_object_get(f->inode->data);
	*obj = f->inode->data;
	return 0;
}

/* Memory is the backing store: there is nothing to write back. */
static int tmpfs_fsync(struct file *f, bool datasync)
{
	return 0;
}

const struct file_operations tmpfs_file_fops = {
	.llseek = generic_file_llseek,
	.read = tmpfs_read,
	.write = tmpfs_write,
	.mmap_object = tmpfs_mmap_object,
	.fsync = tmpfs_fsync,
};

const struct inode_operations tmpfs_file_iops = {
	.setattr = tmpfs_setattr,
};

/*
 * Positions: 0 is ".", 1 is "..", then each child's seq; a listing
 * resumes at the first child whose seq is >= pos, so names removed or
 * added meanwhile never make it skip a survivor.
 */
static int tmpfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->path.dentry;
	struct dentry *c;
	unsigned long fl;

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->inode->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		struct inode *pi = dir->parent->inode;

		if (!ctx->emit(ctx, "..", 2, pi->ino, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	/* emit only writes into a kernel buffer: fine under the spinlock. */
	fl = spin_lock_irqsave(&dcache_lock);
	list_for_each_entry(c, &dir->children, sibling) {
		if (c->seq < ctx->pos || !c->inode)
			continue;
		if (!ctx->emit(ctx, c->name, c->name_len, c->inode->ino,
			       mode_to_dtype(c->inode->mode)))
			break;
		ctx->pos = c->seq + 1;
	}
	spin_unlock_irqrestore(&dcache_lock, fl);
	return 0;
}

static int tmpfs_dir_fsync(struct file *f, bool datasync)
{
	return 0;
}

const struct file_operations tmpfs_dir_fops = {
	.llseek = dir_index_llseek,
	.iterate = tmpfs_iterate,
	.fsync = tmpfs_dir_fsync,
};
