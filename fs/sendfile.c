/*
 * sendfile: copy between two files through a kernel page, from the input
 * file's position or from *offset (which is then updated instead).
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/syscall.h>

/*
 * The caller holds the position locks that apply (one when in == out,
 * as with `cat` on the console: fds 0 and 1 share one open file).
 */
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
		put = kernel_write(out, buf, (size_t)got, &out->pos);
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

/*
 * Both position locks (where they apply), in a fixed order so crossing
 * calls cannot deadlock; one lock when in == out.
 */
static void sendfile_lock(struct file *in, struct file *out, bool held[2])
{
	struct file *a = in < out ? in : out, *b = in < out ? out : in;

	held[0] = file_pos_lock(a);
	held[1] = a != b && file_pos_lock(b);
}

static void sendfile_unlock(struct file *in, struct file *out, bool held[2])
{
	struct file *a = in < out ? in : out, *b = in < out ? out : in;

	file_pos_unlock(b, held[1]);
	file_pos_unlock(a, held[0]);
}

SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, user_addr_t, uoff,
		size_t, count)
{
	struct file *in = fget(in_fd), *out = fget(out_fd);
	ssize_t r = -EBADF;
	bool held[2];
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
		sendfile_lock(in, out, held);
		r = sendfile_copy(in, out, &in->pos, count);
		sendfile_unlock(in, out, held);
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
	held[0] = file_pos_lock(out);
	r = sendfile_copy(in, out, &pos, count);
	file_pos_unlock(out, held[0]);
	if (r >= 0 && put_user((s64)pos, uoff))
		r = -EFAULT;
out:
	if (in)
		fput(in);
	if (out)
		fput(out);
	return r;
}
