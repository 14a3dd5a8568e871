/*
 * Pipes and FIFOs: a 64 KiB ring of lazily allocated pages shared by the
 * reading and writing files. Writes of at most PIPE_BUF bytes are atomic;
 * readers see EOF once every writer is gone, writers get EPIPE once every
 * reader is gone. Anonymous pipes live on a private pipefs; a FIFO's pipe
 * hangs off its inode and is made at the first open. Waits are
 * interruptible: a signal ends them with -ERESTARTSYS (or a short count).
 */
#include <ferrite/fs.h>
#include <ferrite/signal.h>
#include <ferrite/poll.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include "internal.h"

#define PIPE_PAGES	(PIPE_SIZE / PAGE_SIZE)
#define PIPEFS_MAGIC	0x50495045

/* Legend: [lock] pipe->lock; [a] atomic. */
struct pipe {
	struct mutex lock;
	char *page[PIPE_PAGES];		/* [lock] allocated on first use */
	u64 head, tail;			/* [lock] bytes written / read, ever */
	u32 readers, writers;		/* [lock] open ends */
	u32 r_opens, w_opens;		/* [lock] FIFO open counters */
	wait_queue_head_t rd_wait;	/* data, or no more writers */
	wait_queue_head_t wr_wait;	/* room, or no more readers */
	wait_queue_head_t open_wait;	/* FIFO: the other end opened */
};

static struct super_block *pipe_sb;
static struct mount pipe_mnt;		/* [I] never on the mount table */

/* A write found no reader: SIGPIPE to the writer (its default kills). */
void pipe_send_sigpipe(void)
{
	struct task *t = current();

	if (t && t->proc)
		kill_task(t, SIGPIPE, SI_USER);
}

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	mutex_init(&p->lock);
	wait_queue_init(&p->rd_wait);
	wait_queue_init(&p->wr_wait);
	wait_queue_init(&p->open_wait);
	return p;
}

static void pipe_free(struct pipe *p)
{
	unsigned int k;

	for (k = 0; k < PIPE_PAGES; k++)
		if (p->page[k])
			free_pages_addr(p->page[k], 0);
	kfree(p);
}

void pipe_release_inode(struct inode *i)
{
	pipe_free(i->pipe);
	i->pipe = NULL;
}

static u64 pipe_used(const struct pipe *p)
{
	return p->head - p->tail;
}

/* Copy between the ring and an iterator; stops at a fault or ENOMEM. */
static size_t pipe_copy(struct pipe *p, struct iov_iter *it, size_t n,
			bool to_user)
{
	size_t done = 0;

	while (done < n) {
		u64 at = to_user ? p->tail : p->head;
		size_t off = at % PAGE_SIZE;
		unsigned int k = (at / PAGE_SIZE) % PIPE_PAGES;
		size_t chunk = MIN(n - done, (size_t)PAGE_SIZE - off);
		size_t got;

		if (!p->page[k]) {
			p->page[k] = get_free_pages(GFP_KERNEL, 0);
			if (!p->page[k])
				break;
		}
		got = to_user ? copy_to_iter(p->page[k] + off, chunk, it) :
				copy_from_iter(p->page[k] + off, chunk, it);
		if (to_user)
			p->tail += got;
		else
			p->head += got;
		done += got;
		if (got < chunk)
			break;
	}
	return done;
}

static bool nonblocking(struct file *f)
{
	return READ_ONCE(f->flags) & O_NONBLOCK;
}

static ssize_t pipe_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	struct pipe *p = f->inode->pipe;
	size_t n, got;

	for (;;) {
		mutex_lock(&p->lock);
		if (pipe_used(p))
			break;
		if (!p->writers) {
			mutex_unlock(&p->lock);
			return 0;
		}
		mutex_unlock(&p->lock);
		if (nonblocking(f))
			return -EAGAIN;
		/* signals: interruptible, restarted under SA_RESTART */
		if (wait_event_interruptible(p->rd_wait,
					     READ_ONCE(p->head) != READ_ONCE(p->tail) ||
					     !READ_ONCE(p->writers)))
			return -ERESTARTSYS;
	}
	n = MIN(to->count, (size_t)pipe_used(p));
	got = pipe_copy(p, to, n, true);
	mutex_unlock(&p->lock);
	wake_up_all(&p->wr_wait);
	return got ? (ssize_t)got : -EFAULT;
}

/*
 * Readiness as Linux reports it: readable when data is queued or no
 * writer is left (then also POLLHUP); writable when at least PIPE_BUF
 * bytes fit; POLLERR for a writer once every reader is gone.
 */
static unsigned int pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->inode->pipe;
	unsigned int mask = 0;

	u64 used;

	if (f->mode & FMODE_READ)
		poll_wait(f, &p->rd_wait, pt);
	if (f->mode & FMODE_WRITE)
		poll_wait(f, &p->wr_wait, pt);
	/*
	 * No lock, as Linux: a stale answer is fine because the poller is
	 * already on the wait queues and every change wakes them, so it
	 * looks again. Each field is read once.
	 */
	used = READ_ONCE(p->head) - READ_ONCE(p->tail);
	if (f->mode & FMODE_READ) {
		if (used)
			mask |= POLLIN | POLLRDNORM;
		if (!READ_ONCE(p->writers) && READ_ONCE(p->w_opens))
			mask |= POLLHUP;
	}
	if (f->mode & FMODE_WRITE) {
		if (PIPE_SIZE - used >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!READ_ONCE(p->readers))
			mask |= POLLERR;
	}
	return mask;
}

/*
 * Room for @want more bytes now? A write of at most PIPE_BUF needs all
 * of it at once (atomicity); a larger one takes what there is.
 */
static bool pipe_has_room(struct pipe *p, size_t want)
{
	u64 room = PIPE_SIZE - pipe_used(p);

	return want <= PIPE_BUF ? room >= want : room > 0;
}

static ssize_t pipe_write(struct file *f, struct iov_iter *from, u64 *pos)
{
	struct pipe *p = f->inode->pipe;
	size_t total = from->count, done = 0;
	bool atomic = total <= PIPE_BUF;

	while (done < total) {
		size_t want = atomic ? total : total - done;
		size_t n, got;

		mutex_lock(&p->lock);
		if (!p->readers) {
			mutex_unlock(&p->lock);
			pipe_send_sigpipe();
			return done ? (ssize_t)done : -EPIPE;
		}
		if (!pipe_has_room(p, want)) {
			mutex_unlock(&p->lock);
			if (nonblocking(f))
				return done ? (ssize_t)done : -EAGAIN;
			/* signals: a partial write returns its count, as Linux */
			if (wait_event_interruptible(p->wr_wait,
						     !READ_ONCE(p->readers) ||
						     pipe_has_room(p, want)))
				return done ? (ssize_t)done : -ERESTARTSYS;
			continue;
		}
		n = MIN(want, (size_t)(PIPE_SIZE - pipe_used(p)));
		got = pipe_copy(p, from, n, false);
		mutex_unlock(&p->lock);
		wake_up_all(&p->rd_wait);
		done += got;
		if (got < n)
			return done ? (ssize_t)done : -EFAULT;
	}
	return (ssize_t)done;
}

static long pipe_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pipe *p = f->inode->pipe;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	mutex_lock(&p->lock);
	n = (int)pipe_used(p);
	mutex_unlock(&p->lock);
	return put_user(n, UADDR(arg));
}

/*
 * Wait until the other end's open counter moves past @seen: 0, or
 * -ERESTARTSYS when a signal came first (signals helper, issue 4).
 */
static int fifo_wait_other(struct pipe *p, u32 *counter, u32 seen)
{
	int err;

	mutex_unlock(&p->lock);
	err = wait_event_interruptible(p->open_wait, READ_ONCE(*counter) != seen);
	mutex_lock(&p->lock);
	return err;
}

static int fifo_open(struct inode *i, struct file *f)
{
	bool anon = i->sb == pipe_sb;
	struct pipe *p;

	mutex_lock(&i->lock);
	if (!i->pipe) {
		i->pipe = pipe_alloc();
		if (!i->pipe) {
			mutex_unlock(&i->lock);
			return -ENOMEM;
		}
	}
	p = i->pipe;
	mutex_unlock(&i->lock);
	f->mode &= ~(unsigned int)FMODE_LSEEK;

	mutex_lock(&p->lock);
	if ((f->mode & FMODE_WRITE) && !(f->mode & FMODE_READ) && !anon &&
	    nonblocking(f) && !p->readers) {
		mutex_unlock(&p->lock);
		return -ENXIO;
	}
	if (f->mode & FMODE_READ) {
		p->readers++;
		p->r_opens++;
	}
	if (f->mode & FMODE_WRITE) {
		p->writers++;
		p->w_opens++;
	}
	wake_up_all(&p->open_wait);
	if (!anon && !nonblocking(f)) {
		int err = 0;

		/* A lone reader waits for a writer and vice versa (O_RDWR not). */
		if (!(f->mode & FMODE_WRITE) && !p->writers)
			err = fifo_wait_other(p, &p->w_opens, p->w_opens);
		else if (!(f->mode & FMODE_READ) && !p->readers)
			err = fifo_wait_other(p, &p->r_opens, p->r_opens);
		if (err) {
			/* Interrupted: this end was never opened. */
			if (f->mode & FMODE_READ)
				p->readers--;
			if (f->mode & FMODE_WRITE)
				p->writers--;
			mutex_unlock(&p->lock);
			wake_up_all(&p->rd_wait);
			wake_up_all(&p->wr_wait);
			return err;
		}
	}
	mutex_unlock(&p->lock);
	return 0;
}

static int fifo_release(struct inode *i, struct file *f)
{
	struct pipe *p = i->pipe;

	mutex_lock(&p->lock);
	if (f->mode & FMODE_READ)
		p->readers--;
	if (f->mode & FMODE_WRITE)
		p->writers--;
	/* The last close of a FIFO discards what nobody read (Linux). */
	if (!p->readers && !p->writers)
		p->tail = p->head;
	mutex_unlock(&p->lock);
	wake_up_all(&p->rd_wait);
	wake_up_all(&p->wr_wait);
	return 0;
}

const struct file_operations fifo_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.open = fifo_open,
	.release = fifo_release,
};

static struct file_system_type pipefs_type = { .name = "pipefs" };

int pipe_init(void)
{
	pipe_sb = sb_alloc(&pipefs_type, PIPEFS_MAGIC);
	if (!pipe_sb)
		return -ENOMEM;
	pipe_sb->root = dentry_alloc(NULL, "pipe:", 5);
	if (!pipe_sb->root)
		return -ENOMEM;
	pipe_sb->root->sb = pipe_sb;
	pipe_mnt.root = pipe_sb->root;
	pipe_mnt.sb = pipe_sb;
	pipe_mnt.parent = &pipe_mnt;
	pipe_mnt.mountpoint = pipe_sb->root;
	pipe_mnt.refcount = 1;		/* never dropped */
	pipe_mnt.source = "pipefs";
	pipe_mnt.detached = true;
	return 0;
}

/* Two files on one new anonymous pipe; both references go to the caller. */
int pipe_create(struct file **rd, struct file **wr, int flags)
{
	char name[32];
	struct inode *i;
	struct dentry *d;
	struct path path;
	int err = -ENOMEM;

	if (!pipe_sb)
		return -ENOMEM;
	i = inode_alloc(pipe_sb, S_IFIFO | 0600);
	if (!i)
		return -ENOMEM;
	snprintf(name, sizeof(name), "pipe:[%llu]", (unsigned long long)i->ino);
	d = dentry_alloc(NULL, name, (u32)strlen(name));
	if (!d)
		goto out_inode;
	d->sb = pipe_sb;
	d_instantiate(d, i);
	path.mnt = &pipe_mnt;
	path.dentry = d;
	*rd = file_alloc(&path, O_RDONLY | (flags & O_NONBLOCK));
	if (IS_ERR(*rd)) {
		err = (int)PTR_ERR(*rd);
		goto out_dentry;
	}
	*wr = file_alloc(&path, O_WRONLY | (flags & O_NONBLOCK));
	if (IS_ERR(*wr)) {
		err = (int)PTR_ERR(*wr);
		fput(*rd);
		goto out_dentry;
	}
	dentry_put(d);
	return 0;
out_dentry:
	dentry_put(d);	/* drops the inode with it */
	return err;
out_inode:
	inode_put(i);
	return err;
}

static long do_pipe2(user_addr_t ufds, int flags)
{
	struct file *rd, *wr;
	int fds[2];
	long err;

	/* O_DIRECT (packet mode) is not supported. */
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	fds[0] = fd_reserve((unsigned int)flags & O_CLOEXEC, 0);
	if (fds[0] < 0)
		return fds[0];
	fds[1] = fd_reserve((unsigned int)flags & O_CLOEXEC, 0);
	err = fds[1];
	if (fds[1] < 0)
		goto out_fd0;
	err = pipe_create(&rd, &wr, flags);
	if (err)
		goto out_fd1;
	err = copy_to_user(ufds, fds, sizeof(fds));
	if (err) {
		fput(rd);
		fput(wr);
		goto out_fd1;
	}
	fd_install(fds[0], rd);
	fd_install(fds[1], wr);
	return 0;
out_fd1:
	fd_unreserve(fds[1]);
out_fd0:
	fd_unreserve(fds[0]);
	return err;
}

SYSCALL_DEFINE1(pipe, user_addr_t, ufds)
{
	return do_pipe2(ufds, 0);
}

SYSCALL_DEFINE2(pipe2, user_addr_t, ufds, int, flags)
{
	return do_pipe2(ufds, flags);
}
