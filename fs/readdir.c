/*
 * Directory listing: getdents64 and the older getdents. The filesystem's
 * iterate fills a kernel buffer (so it may hold spinlocks while emitting)
 * which is then copied out whole.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>

#define DIRBUF_MAX	(64 * 1024)

struct getdents_ctx {
	struct dir_context ctx;
	char *buf;
	size_t size, used;
	bool old_format;	/* struct linux_dirent (getdents) */
	bool too_small;		/* the first entry did not fit */
	size_t last;		/* offset of the newest record, if used */
};

/* Both formats keep d_off at offset 8. */
static void set_doff(struct getdents_ctx *g, u64 off)
{
	if (g->used)
		memcpy(g->buf + g->last + 8, &off, sizeof(off));
}

static bool getdents_emit(struct dir_context *ctx, const char *name, u32 len,
			  u64 ino, unsigned int type)
{
	struct getdents_ctx *g = container_of(ctx, struct getdents_ctx, ctx);
	size_t hdr = g->old_format ? offsetof(struct linux_dirent, d_name) :
		     offsetof(struct linux_dirent64, d_name);
	/* old format: name, NUL, then the type byte at reclen - 1 */
	size_t reclen = ALIGN_UP(hdr + len + 1 + (g->old_format ? 1 : 0), 8);
	char *at = g->buf + g->used;

	if (g->used + reclen > g->size) {
		if (!g->used)
			g->too_small = true;
		return false;
	}
	/* Our own position is where the previous record's successor is. */
	set_doff(g, ctx->pos);
	g->last = g->used;
	memset(at, 0, reclen);
	if (g->old_format) {
		struct linux_dirent *d = (struct linux_dirent *)at;

		d->d_ino = ino;
		d->d_reclen = (u16)reclen;
		memcpy(d->d_name, name, len);
		at[reclen - 1] = (char)type;
	} else {
		struct linux_dirent64 *d = (struct linux_dirent64 *)at;

		d->d_ino = ino;
		d->d_reclen = (u16)reclen;
		d->d_type = (u8)type;
		memcpy(d->d_name, name, len);
	}
	g->used += reclen;
	return true;
}

/*
 * d_off of a record is the position after it: the iterator advances
 * ctx.pos only after a successful emit, so each emit patches the previous
 * record and the last one gets the final position.
 */
static long do_getdents(int fd, user_addr_t ubuf, unsigned int count,
			bool old_format)
{
	struct getdents_ctx g = { .ctx.emit = getdents_emit,
				  .old_format = old_format };
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = -ENOTDIR;
	if (!S_ISDIR(f->inode->mode) || !f->f_op->iterate)
		goto out_put;
	err = -EBADF;
	if (f->mode & FMODE_PATH)
		goto out_put;
	g.size = MIN((size_t)count, (size_t)DIRBUF_MAX);
	g.buf = kmalloc(g.size ? g.size : 1, GFP_KERNEL);
	err = -ENOMEM;
	if (!g.buf)
		goto out_put;
	mutex_lock(&f->pos_lock);
	g.ctx.pos = f->pos;
	err = f->f_op->iterate(f, &g.ctx);
	if (!err && g.too_small)
		err = -EINVAL;
	set_doff(&g, g.ctx.pos);
	if (!err && g.used && copy_to_user(ubuf, g.buf, g.used))
		err = -EFAULT;
	if (!err) {
		f->pos = g.ctx.pos;
		err = (long)g.used;
	}
	mutex_unlock(&f->pos_lock);
	kfree(g.buf);
out_put:
	fput(f);
	return err;
}

SYSCALL_DEFINE3(getdents64, int, fd, user_addr_t, ubuf, unsigned int, count)
{
	return do_getdents(fd, ubuf, count, false);
}

SYSCALL_DEFINE3(getdents, int, fd, user_addr_t, ubuf, unsigned int, count)
{
	return do_getdents(fd, ubuf, count, true);
}

/*
 * lseek on a directory whose position is an entry index (tmpfs, procfs,
 * devpts): rewinding or returning to a position telldir() gave is all
 * that makes sense, so only SEEK_SET to a non-negative index and the
 * SEEK_CUR 0 query are accepted (EINVAL otherwise).
 */
s64 dir_index_llseek(struct file *f, s64 off, int whence)
{
	if (whence == SEEK_CUR && off == 0)
		return (s64)f->pos;
	if (whence != SEEK_SET || off < 0)
		return -EINVAL;
	f->pos = (u64)off;
	return off;
}
