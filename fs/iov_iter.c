/*
 * iov_iter: a cursor over a list of buffers, user (read/readv) or kernel
 * (exec, initramfs). Copies go segment by segment; a user fault ends the
 * copy early and the caller reports what was moved (or -EFAULT if none).
 */
#include <ferrite/fs.h>
#include <ferrite/string.h>

void iov_iter_user(struct iov_iter *it, const struct kvec *vec,
		   unsigned long nr, size_t count)
{
	it->user = true;
	it->vec = vec;
	it->nr_segs = nr;
	it->seg_offset = 0;
	it->count = count;
}

void iov_iter_user_buf(struct iov_iter *it, user_addr_t buf, size_t len)
{
	it->one.base = buf.addr;
	it->one.len = len;
	iov_iter_user(it, &it->one, 1, len);
}

void iov_iter_kernel(struct iov_iter *it, void *buf, size_t len)
{
	it->one.base = (uintptr_t)buf;
	it->one.len = len;
	it->user = false;
	it->vec = &it->one;
	it->nr_segs = 1;
	it->seg_offset = 0;
	it->count = len;
}

/* Skip exhausted (or empty) segments. */
static void iter_settle(struct iov_iter *it)
{
	while (it->nr_segs && it->seg_offset >= it->vec->len) {
		it->vec++;
		it->nr_segs--;
		it->seg_offset = 0;
	}
}

enum iter_op { ITER_TO, ITER_FROM, ITER_ZERO };

static size_t iter_copy(void *kbuf, size_t len, struct iov_iter *it,
			enum iter_op op)
{
	size_t done = 0;

	while (done < len && it->count) {
		size_t n;
		uintptr_t at;
		int err = 0;

		iter_settle(it);
		if (!it->nr_segs)
			break;
		at = it->vec->base + it->seg_offset;
		n = MIN(len - done, it->vec->len - it->seg_offset);
		n = MIN(n, it->count);
		if (it->user) {
			if (op == ITER_TO)
				err = copy_to_user(UADDR(at), (char *)kbuf + done, n);
			else if (op == ITER_FROM)
				err = copy_from_user((char *)kbuf + done, UADDR(at), n);
			else
				err = clear_user(UADDR(at), n);
		} else {
			if (op == ITER_TO)
				memcpy((void *)at, (char *)kbuf + done, n);
			else if (op == ITER_FROM)
				memcpy((char *)kbuf + done, (void *)at, n);
			else
				memset((void *)at, 0, n);
		}
		if (err)
			break;	/* partial segment copies are not counted */
		done += n;
		it->seg_offset += n;
		it->count -= n;
	}
	return done;
}

size_t copy_to_iter(const void *src, size_t len, struct iov_iter *it)
{
	return iter_copy((void *)src, len, it, ITER_TO);
}

size_t copy_from_iter(void *dst, size_t len, struct iov_iter *it)
{
	return iter_copy(dst, len, it, ITER_FROM);
}

size_t iov_iter_zero(size_t len, struct iov_iter *it)
{
	return iter_copy(NULL, len, it, ITER_ZERO);
}
