/*
 * sendfile: copy between two files through a kernel page, from the input
 * file's position or from *offset (which is then updated instead).
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/syscall.h>

static ssize_t sendfile_copy(struct file *in, struct file *out, u64 *ipos,
			     size_t count)
{
	char *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	ssize_t done = 0;

	if (!buf)
		return -ENOMEM;
	while ((size_t)done < count) {
		size_t want = MIN(count - (size_t)done, (size_t)PAGE_SIZE);
		ssize_t got = kernel_read(in, buf, want, ipos);
		ssize_t put;

		if (got <= 0) {
			if (!done)
				done = got;
			break;
		}
		mutex_lock(&out->pos_lock);
		put = kernel_write(out, buf, (size_t)got, &out->pos);
		mutex_unlock(&out->pos_lock);
		if (put < 0) {
			if (!done)
				done = put;
			break;
		}
		done += put;
		if (put < got) {
			*ipos -= (u64)(got - put);	/* not sent: unread it */
			break;
		}
		if ((size_t)got < want)
			break;
	}
	kfree(buf);
	return done;
}

SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, user_addr_t, uoff,
		size_t, count)
{
	struct file *in = fget(in_fd), *out = fget(out_fd);
	ssize_t r = -EBADF;
	s64 off;
	u64 pos;

	if (!in || !out)
		goto out;
	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE))
		goto out;
	r = -EINVAL;
	if (out->flags & O_APPEND)
		goto out;
	if (uaddr_is_null(uoff)) {
		mutex_lock(&in->pos_lock);
		r = sendfile_copy(in, out, &in->pos, count);
		mutex_unlock(&in->pos_lock);
		goto out;
	}
	r = get_user(&off, uoff);
	if (r)
		goto out;
	r = -EINVAL;
	if (off < 0)
		goto out;
	r = -ESPIPE;
	if (!(in->mode & FMODE_LSEEK))
		goto out;
	pos = (u64)off;
	r = sendfile_copy(in, out, &pos, count);
	if (r >= 0 && put_user((s64)pos, uoff))
		r = -EFAULT;
out:
	if (in)
		fput(in);
	if (out)
		fput(out);
	return r;
}
