/*
 * Pseudo-terminals: opening /dev/ptmx (5:2) makes a pair, the master
 * (that file) and a slave tty that appears as /dev/pts/N (136:N, through
 * devpts). The slave is a full tty (tty.c); what it outputs waits in a
 * buffer here for the master to read, and what the master writes is
 * typed into the slave's line discipline.
 */
#include <ferrite/signal.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/poll.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <ferrite/tty.h>
#include <ferrite/uaccess.h>

#define PTY_BUF_SIZE	4096	/* slave output not yet read by the master */

/*
 * One pair. Its lifetime is the slave tty's reference count: each open
 * file of either side holds one. Legend: [I] immutable, [lock] tty.lock.
 */
struct pty {
	struct tty tty;			/* the slave */
	int index;			/* [I] N of /dev/pts/N */
	struct pty_node node;		/* [I] owner and mode of /dev/pts/N */
	u8 obuf[PTY_BUF_SIZE];		/* [lock] ring: slave output */
	u32 ohead, otail;		/* [lock] positions; ohead - otail used */
	u32 masters, slaves;		/* [lock] open files of each side */
	bool locked;			/* [lock] TIOCSPTLCK: slave opens fail */
	bool master_gone;		/* [lock] the slave is hung up */
	bool other_closed;		/* [lock] every slave file closed */
	wait_queue_head_t master_wait;	/* output to read, or slave closed */
};

static struct pty *PTY(struct tty *t)
{
	return t->driver_data;
}

/* Indices in use; the lowest free one is taken, as Linux's ida does. */
static DEFINE_SPINLOCK(pty_index_lock);
static bool pty_used[PTY_MAX];		/* [pty_index_lock] */

static int pty_index_alloc(void)
{
	unsigned long fl = spin_lock_irqsave(&pty_index_lock);
	int idx = -ENOSPC;

	for (int i = 0; i < PTY_MAX; i++) {
		if (!pty_used[i]) {
			pty_used[i] = true;
			idx = i;
			break;
		}
	}
	spin_unlock_irqrestore(&pty_index_lock, fl);
	return idx;
}

static void pty_index_free(int idx)
{
	unsigned long fl = spin_lock_irqsave(&pty_index_lock);

	pty_used[idx] = false;
	spin_unlock_irqrestore(&pty_index_lock, fl);
}

/* ---- the slave's driver ------------------------------------------------- */

static size_t pty_used_bytes(const struct pty *p)
{
	return p->ohead - p->otail;
}

static size_t pty_write(struct tty *t, const u8 *buf, size_t n)
{
	struct pty *p = PTY(t);
	size_t room = PTY_BUF_SIZE - pty_used_bytes(p);

	n = MIN(n, room);
	for (size_t i = 0; i < n; i++)
		p->obuf[p->ohead++ & (PTY_BUF_SIZE - 1)] = buf[i];
	if (n)
		wake_up_all(&p->master_wait);
	return n;
}

static size_t pty_write_room(struct tty *t)
{
	struct pty *p = PTY(t);

	/* A slave writing with the master gone fails rather than waits. */
	return p->master_gone ? 0 : PTY_BUF_SIZE - pty_used_bytes(p);
}

static size_t pty_chars_in_buffer(struct tty *t)
{
	return pty_used_bytes(PTY(t));
}

static void pty_flush_output(struct tty *t)
{
	struct pty *p = PTY(t);

	p->otail = p->ohead;
}

/* A slave file opens (its own node, /dev/tty or TIOCGPTPEER). */
static int pty_slave_open_ref(struct tty *t, struct file *f)
{
	struct pty *p = PTY(t);
	unsigned long fl = spin_lock_irqsave(&t->lock);
	int err = 0;

	if (p->master_gone || p->locked)
		err = -EIO;
	else if (t->exclusive && current_fsuid() != 0)
		err = -EBUSY;
	if (!err) {
		p->slaves++;
		p->other_closed = false;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	return err;
}

static void pty_slave_close(struct tty *t, struct file *f)
{
	struct pty *p = PTY(t);
	unsigned long fl = spin_lock_irqsave(&t->lock);

	if (--p->slaves == 0)
		p->other_closed = true;
	spin_unlock_irqrestore(&t->lock, fl);
	wake_up_all(&p->master_wait);
}

static void pty_destroy(struct tty *t)
{
	struct pty *p = PTY(t);

	pty_index_free(p->index);
	kfree(p);
}

static const struct tty_ops pty_slave_ops = {
	.write = pty_write,
	.write_room = pty_write_room,
	.chars_in_buffer = pty_chars_in_buffer,
	.flush_output = pty_flush_output,
	.open = pty_slave_open_ref,
	.close = pty_slave_close,
	.destroy = pty_destroy,
};

static int pty_slave_open(struct inode *inode, struct file *f)
{
	struct tty *t;
	int err;

	if (MINOR(inode->rdev) >= PTY_MAX)
		return -ENXIO;
	t = tty_find_get(MKDEV(PTY_SLAVE_MAJOR, MINOR(inode->rdev)));
	if (!t)
		return -EIO;	/* the master is gone: Linux says EIO */
	err = t->ops->open(t, f);
	if (err) {
		tty_put(t);
		return err;
	}
	tty_open_finish(t, f, f->flags & O_NOCTTY);
	return 0;
}

static const struct file_operations pty_slave_fops = {
	.open = pty_slave_open,
	.read = tty_file_read,
	.write = tty_file_write,
	.ioctl = tty_file_ioctl,
	.poll = tty_file_poll,
	.release = tty_file_release,
};

/* ---- the master ----------------------------------------------------------- */

static int ptmx_open(struct inode *inode, struct file *f)
{
	struct pty *p;
	int idx = pty_index_alloc();

	if (idx < 0)
		return idx;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		pty_index_free(idx);
		return -ENOMEM;
	}
	tty_init(&p->tty, &pty_slave_ops, p, MKDEV(PTY_SLAVE_MAJOR, idx));
	/* Linux's tty_std_termios: a pty is B38400 without CLOCAL. */
	p->tty.ld.termios.c_cflag = B38400 | CS8 | CREAD | HUPCL;
	p->index = idx;
	p->masters = 1;
	p->locked = true;		/* until unlockpt() */
	p->node.uid = current_fsuid();
	p->node.gid = 5;		/* the "tty" group, as Debian mounts devpts */
	p->node.mode = S_IFCHR | 0620;
	p->node.ctime = current_time();
	wait_queue_init(&p->master_wait);
	tty_register(&p->tty);		/* this file's reference */
	f->private_data = p;
	return 0;
}

static int ptmx_release(struct inode *inode, struct file *f)
{
	struct pty *p = f->private_data;
	unsigned long fl = spin_lock_irqsave(&p->tty.lock);
	bool last = --p->masters == 0;

	if (last)
		p->master_gone = true;
	spin_unlock_irqrestore(&p->tty.lock, fl);
	if (last) {
		devpts_pty_kill(p->index);
		tty_hangup(&p->tty);
	}
	tty_put(&p->tty);
	return 0;
}

static bool master_can_read(struct pty *p)
{
	unsigned long fl = spin_lock_irqsave(&p->tty.lock);
	bool ok = pty_used_bytes(p) || p->other_closed;

	spin_unlock_irqrestore(&p->tty.lock, fl);
	return ok;
}

/* Take up to @len bytes of slave output; -EIO once every slave closed. */
static ssize_t master_take(struct pty *p, u8 *dst, size_t len)
{
	unsigned long fl = spin_lock_irqsave(&p->tty.lock);
	size_t n = MIN(len, pty_used_bytes(p));
	ssize_t r = (ssize_t)n;

	for (size_t i = 0; i < n; i++)
		dst[i] = p->obuf[p->otail++ & (PTY_BUF_SIZE - 1)];
	if (!n && p->other_closed)
		r = -EIO;
	spin_unlock_irqrestore(&p->tty.lock, fl);
	return r;
}

static ssize_t ptmx_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	struct pty *p = f->private_data;
	u8 chunk[256];
	size_t done = 0;
	ssize_t n;
	int err;

	if (!to->count)
		return 0;
	if (!master_can_read(p)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(p->master_wait,
					       master_can_read(p));
		if (err)
			return err;
	}
	while (to->count) {
		n = master_take(p, chunk, MIN(to->count, sizeof(chunk)));
		if (n <= 0) {
			if (!done)
				done = (size_t)n;	/* -EIO, or 0 bytes */
			break;
		}
		if (copy_to_iter(chunk, (size_t)n, to) != (size_t)n) {
			if (!done)
				done = (size_t)-EFAULT;
			break;
		}
		done += (size_t)n;
	}
	wake_up_all(&p->tty.write_wait);
	return (ssize_t)done;
}

/* Typing at the slave: everything goes to its line discipline. */
static ssize_t ptmx_write(struct file *f, struct iov_iter *from, u64 *pos)
{
	struct pty *p = f->private_data;
	u8 chunk[256];
	size_t done = 0;

	while (from->count) {
		size_t n = copy_from_iter(chunk, MIN(from->count, sizeof(chunk)),
					  from);

		if (!n)
			break;
		tty_receive(&p->tty, chunk, n);
		done += n;
	}
	return done ? (ssize_t)done : (from->count ? -EFAULT : 0);
}

/* TIOCGPTPEER: open the slave without a path lookup by the caller. */
static long ptmx_open_peer(struct pty *p, unsigned long flags)
{
	char name[24];
	struct path path;
	struct file *f;
	int fd, err;

	/* Linux passes the flags through unchecked; keep the meaningful ones. */
	flags &= O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
	snprintf(name, sizeof(name), "/dev/pts/%d", p->index);
	err = kern_path(name, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	fd = fd_reserve((unsigned int)flags & O_CLOEXEC, 0);
	if (fd < 0) {
		path_put(&path);
		return fd;
	}
	f = vfs_open_path(&path, (int)flags);
	path_put(&path);
	if (IS_ERR(f)) {
		fd_unreserve(fd);
		return PTR_ERR(f);
	}
	fd_install(fd, f);
	return fd;
}

static long ptmx_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pty *p = f->private_data;
	unsigned long fl;
	int v;

	switch (cmd) {
	case TIOCGPTN:
		return put_user(p->index, UADDR(arg));
	case TIOCSPTLCK:
		if (get_user(&v, UADDR(arg)))
			return -EFAULT;
		fl = spin_lock_irqsave(&p->tty.lock);
		p->locked = v != 0;
		spin_unlock_irqrestore(&p->tty.lock, fl);
		return 0;
	case TIOCGPTLCK:
		fl = spin_lock_irqsave(&p->tty.lock);
		v = p->locked;
		spin_unlock_irqrestore(&p->tty.lock, fl);
		return put_user(v, UADDR(arg));
	case TIOCGPTPEER:
		return ptmx_open_peer(p, arg);
	case FIONREAD:
		fl = spin_lock_irqsave(&p->tty.lock);
		v = (int)pty_used_bytes(p);
		spin_unlock_irqrestore(&p->tty.lock, fl);
		return put_user(v, UADDR(arg));
	case TIOCOUTQ:
		return put_user(0, UADDR(arg));	/* typed input is never queued */
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		/* The master's input is the slave's output. */
		fl = spin_lock_irqsave(&p->tty.lock);
		if (arg != TCOFLUSH)
			pty_flush_output(&p->tty);
		spin_unlock_irqrestore(&p->tty.lock, fl);
		wake_up_all(&p->tty.write_wait);
		return 0;
	default:
		/* Termios, window size, process groups: the slave's. */
		return tty_ioctl(&p->tty, f, cmd, arg, true);
	}
}

/* Readable with slave output; POLLHUP once every slave has closed. */
static unsigned int ptmx_poll(struct file *f, struct poll_table *pt)
{
	struct pty *p = f->private_data;
	unsigned int mask = POLLOUT | POLLWRNORM;
	unsigned long fl;

	poll_wait(f, &p->master_wait, pt);
	fl = spin_lock_irqsave(&p->tty.lock);
	if (pty_used_bytes(p))
		mask |= POLLIN | POLLRDNORM;
	if (p->other_closed)
		mask |= POLLHUP;
	spin_unlock_irqrestore(&p->tty.lock, fl);
	return mask;
}

static const struct file_operations ptmx_fops = {
	.open = ptmx_open,
	.read = ptmx_read,
	.write = ptmx_write,
	.ioctl = ptmx_ioctl,
	.poll = ptmx_poll,
	.release = ptmx_release,
};

/* ---- what devpts shows ------------------------------------------------------ */

bool pty_node_info(int index, struct pty_node *out)
{
	struct tty *t;
	unsigned long fl;
	bool ok;

	if (index < 0 || index >= PTY_MAX)
		return false;
	t = tty_find_get(MKDEV(PTY_SLAVE_MAJOR, index));
	if (!t)
		return false;
	fl = spin_lock_irqsave(&t->lock);
	ok = !PTY(t)->master_gone;
	*out = PTY(t)->node;
	spin_unlock_irqrestore(&t->lock, fl);
	tty_put(t);
	return ok;
}

/*
 * chown/chmod of /dev/pts/N (devpts's setattr; the VFS checked the
 * permission): the pty keeps the node's owner and mode, since devpts
 * rebuilds the inode at every lookup. -ENOENT when the pty is gone.
 */
int pty_node_setattr(int index, const struct iattr *a)
{
	struct pty_node *n;
	struct tty *t;
	unsigned long fl;
	int err = 0;

	if (index < 0 || index >= PTY_MAX)
		return -ENOENT;
	t = tty_find_get(MKDEV(PTY_SLAVE_MAJOR, index));
	if (!t)
		return -ENOENT;
	fl = spin_lock_irqsave(&t->lock);
	n = &PTY(t)->node;
	if (PTY(t)->master_gone) {
		err = -ENOENT;
	} else {
		if (a->valid & ATTR_MODE)
			n->mode = (n->mode & S_IFMT) | (a->mode & 07777);
		if (a->valid & ATTR_UID)
			n->uid = a->uid;
		if (a->valid & ATTR_GID)
			n->gid = a->gid;
		if (a->valid & ATTR_CTIME)
			n->ctime = a->ctime;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	tty_put(t);
	return err;
}

int pty_next_index(int from)
{
	struct pty_node n;

	for (int i = MAX(from, 0); i < PTY_MAX; i++)
		if (pty_node_info(i, &n))
			return i;
	return -1;
}

int pty_register_devices(void)
{
	int err = chrdev_register(PTY_MASTER_MAJOR, 2, 1, "ptmx", &ptmx_fops);

	if (!err)
		err = chrdev_register(PTY_SLAVE_MAJOR, 0, PTY_MAX, "pts",
				      &pty_slave_fops);
	return err;
}
