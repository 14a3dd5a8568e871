/*
 * Reading and writing: vfs_read/vfs_write and the calls built on them
 * (read, write, pread64, pwrite64, readv, writev, preadv, pwritev) and
 * lseek. The file position is serialized by file->pos_lock.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/syscall.h>
#include "internal.h"

/* Linux's MAX_RW_COUNT: one call moves at most this much. */
#define MAX_RW_COUNT	(0x7fffffffUL & ~(PAGE_SIZE - 1))

static void iter_clamp(struct iov_iter *it)
{
	if (it->count > MAX_RW_COUNT)
		it->count = MAX_RW_COUNT;
}

ssize_t vfs_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	if (!(f->mode & FMODE_READ))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->f_op->read)
		return -EINVAL;
	iter_clamp(to);
	if (!to->count)
		return 0;
	return f->f_op->read(f, to, pos);
}

ssize_t vfs_write(struct file *f, struct iov_iter *from, u64 *pos)
{
	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	iter_clamp(from);
	if (!from->count && S_ISREG(f->inode->mode))
		return 0;
	return f->f_op->write(f, from, pos);
}

s64 generic_file_llseek(struct file *f, s64 off, int whence)
{
	s64 size, base;

	size = (s64)READ_ONCE(f->inode->size);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (s64)f->pos;
		break;
	case SEEK_END:
		base = size;
		break;
	case SEEK_DATA:
		/* No hole tracking: all of [0, size) counts as data. */
		if (off < 0 || off >= size)
			return -ENXIO;
		f->pos = (u64)off;
		return off;
	case SEEK_HOLE:
		if (off < 0 || off >= size)
			return -ENXIO;
		f->pos = (u64)size;
		return size;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (u64)(base + off);
	return base + off;
}

s64 vfs_llseek(struct file *f, s64 off, int whence)
{
	s64 r;

	if (f->mode & FMODE_PATH)
		return -EBADF;
	if (!(f->mode & FMODE_LSEEK))
		return -ESPIPE;
	mutex_lock(&f->pos_lock);
	r = f->f_op->llseek ? f->f_op->llseek(f, off, whence) :
	    generic_file_llseek(f, off, whence);
	mutex_unlock(&f->pos_lock);
	return r;
}

/*
 * The position lock matters only where the position does: regular files
 * and directories (Linux's FMODE_ATOMIC_POS). Terminals, pipes and
 * devices must not take it, or a reader blocked on the console would
 * stall every writer sharing the same open file (fds 0-2 of a shell).
 */
bool file_pos_lock(struct file *f)
{
	umode_t m = f->inode->mode;

	if (!S_ISREG(m) && !S_ISDIR(m))
		return false;
	mutex_lock(&f->pos_lock);
	return true;
}

void file_pos_unlock(struct file *f, bool locked)
{
	if (locked)
		mutex_unlock(&f->pos_lock);
}

/* Read or write at the file position. */
static ssize_t rw_at_pos(struct file *f, struct iov_iter *it, bool write)
{
	bool locked = file_pos_lock(f);
	ssize_t r;
	u64 pos;

	pos = f->pos;
	r = write ? vfs_write(f, it, &pos) : vfs_read(f, it, &pos);
	if (r > 0)
		f->pos = pos;
	file_pos_unlock(f, locked);
	return r;
}

static ssize_t rw_at(struct file *f, struct iov_iter *it, bool write, s64 off)
{
	u64 pos = (u64)off;

	if (off < 0)
		return -EINVAL;
	if (!(f->mode & FMODE_LSEEK))
		return -ESPIPE;
	return write ? vfs_write(f, it, &pos) : vfs_read(f, it, &pos);
}

/* The whole operation for one syscall: fd, buffer(s), position. */
static ssize_t do_rw(int fd, struct iov_iter *it, bool write, bool at, s64 off)
{
	struct file *f = fget(fd);
	ssize_t r;

	if (!f)
		return -EBADF;
	r = at ? rw_at(f, it, write, off) : rw_at_pos(f, it, write);
	fput(f);
	return r;
}

static ssize_t do_rw_buf(int fd, user_addr_t buf, size_t count, bool write,
			 bool at, s64 off)
{
	struct iov_iter it;

	if (!uaddr_range_ok(buf, count))
		return -EFAULT;
	iov_iter_user_buf(&it, buf, count);
	return do_rw(fd, &it, write, at, off);
}

SYSCALL_DEFINE3(read, int, fd, user_addr_t, buf, size_t, count)
{
	return do_rw_buf(fd, buf, count, false, false, 0);
}

SYSCALL_DEFINE3(write, int, fd, user_addr_t, buf, size_t, count)
{
	return do_rw_buf(fd, buf, count, true, false, 0);
}

SYSCALL_DEFINE4(pread64, int, fd, user_addr_t, buf, size_t, count, s64, off)
{
	return do_rw_buf(fd, buf, count, false, true, off);
}

SYSCALL_DEFINE4(pwrite64, int, fd, user_addr_t, buf, size_t, count, s64, off)
{
	return do_rw_buf(fd, buf, count, true, true, off);
}

/* Copy and check a user iovec array; *out is kmalloc'ed (or NULL if 0). */
static ssize_t import_iovec(user_addr_t uvec, unsigned long n,
			    struct kvec **out)
{
	struct linux_iovec *uv;
	struct kvec *kv;
	size_t total = 0;
	unsigned long i;

	*out = NULL;
	if (n > UIO_MAXIOV)
		return -EINVAL;
	if (!n)
		return 0;
	uv = kcalloc(n, sizeof(*uv), GFP_KERNEL);
	kv = kcalloc(n, sizeof(*kv), GFP_KERNEL);
	if (!uv || !kv)
		goto out_nomem;
	if (copy_from_user(uv, uvec, n * sizeof(*uv))) {
		kfree(uv);
		kfree(kv);
		return -EFAULT;
	}
	for (i = 0; i < n; i++) {
		if ((s64)uv[i].iov_len < 0 || uv[i].iov_len > (u64)INT64_MAX -
		    total) {
			kfree(uv);
			kfree(kv);
			return -EINVAL;
		}
		if (!uaddr_range_ok(UADDR(uv[i].iov_base), uv[i].iov_len)) {
			kfree(uv);
			kfree(kv);
			return -EFAULT;
		}
		kv[i].base = uv[i].iov_base;
		kv[i].len = uv[i].iov_len;
		total += uv[i].iov_len;
	}
	kfree(uv);
	*out = kv;
	return (ssize_t)total;
out_nomem:
	kfree(uv);
	kfree(kv);
	return -ENOMEM;
}

static ssize_t do_rwv(int fd, user_addr_t uvec, unsigned long n, bool write,
		      bool at, s64 off)
{
	struct kvec *kv;
	struct iov_iter it;
	ssize_t total, r;

	if ((long)n < 0)
		return -EINVAL;
	total = import_iovec(uvec, n, &kv);
	if (total < 0)
		return total;
	iov_iter_user(&it, kv, n, (size_t)total);
	r = do_rw(fd, &it, write, at, off);
	kfree(kv);
	return r;
}

SYSCALL_DEFINE3(readv, int, fd, user_addr_t, vec, unsigned long, n)
{
	return do_rwv(fd, vec, n, false, false, 0);
}

SYSCALL_DEFINE3(writev, int, fd, user_addr_t, vec, unsigned long, n)
{
	return do_rwv(fd, vec, n, true, false, 0);
}

/* x86_64 passes the whole offset in pos_l; pos_h is for 32-bit ABIs. */
SYSCALL_DEFINE5(preadv, int, fd, user_addr_t, vec, unsigned long, n,
		s64, pos_l, s64, pos_h)
{
	return do_rwv(fd, vec, n, false, true, pos_l);
}

SYSCALL_DEFINE5(pwritev, int, fd, user_addr_t, vec, unsigned long, n,
		s64, pos_l, s64, pos_h)
{
	return do_rwv(fd, vec, n, true, true, pos_l);
}

SYSCALL_DEFINE3(lseek, int, fd, s64, off, unsigned int, whence)
{
	struct file *f = fget(fd);
	s64 r;

	if (!f)
		return -EBADF;
	r = vfs_llseek(f, off, (int)whence);
	fput(f);
	return r;
}
