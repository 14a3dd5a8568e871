/*
 * The console terminal: one tty on the serial port, reached through
 * /dev/console (5:1), /dev/tty (5:0; the console until controlling
 * terminals exist) and /dev/ttyS0 (4:64). Input arrives from the UART
 * interrupt into the line discipline (n_tty.c); readers sleep on a wait
 * queue. Output goes through OPOST processing to the port.
 */
#include <ferrite/devices.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/poll.h>
#include <ferrite/mutex.h>
#include <ferrite/printk.h>
#include <ferrite/process.h>
#include <ferrite/random.h>
#include <ferrite/string.h>
#include <ferrite/timer.h>
#include <ferrite/tty.h>
#include <ferrite/uaccess.h>
#include <ferrite/wait.h>

/* Legend: [lock] the spinlock (the receive interrupt takes it too). */
struct tty {
	spinlock_t lock;
	struct n_tty ld;		/* [lock] */
	struct winsize winsize;		/* [lock] */
	int pgrp;			/* [lock] foreground process group */
	int sid;			/* [lock] session it controls, 0 none */
	int pending_signal;		/* [lock] last ISIG signal, undelivered */
	wait_queue_head_t read_wait;	/* input became readable */
	struct mutex read_mutex;	/* one reader at a time: whole lines */
	struct mutex write_mutex;	/* writes are not interleaved */
	u8 read_buf[N_TTY_BUF_SIZE];	/* [read_mutex] */
	u8 write_in[256];		/* [write_mutex] */
	u8 write_out[512];		/* [write_mutex] */
};

static struct tty console_tty;

/* Echo runs under the lock, in interrupt context: the port is polled. */
static void tty_echo(void *ctx, const u8 *s, size_t n)
{
	serial_tx(s, n);
}

/*
 * Signals are delivered in the next issue (job control). Until then the
 * character only flushes input, as the line discipline did; keep it for
 * the signal code to pick up.
 */
static void tty_signal(void *ctx, int sig)
{
	struct tty *t = ctx;

	t->pending_signal = sig;
	pr_debug("tty: signal %d for process group %d not delivered\n",
		 sig, t->pgrp);
}

void tty_receive_byte(u8 c)
{
	struct tty *t = &console_tty;
	u64 when = arch_cycles();
	unsigned long flags;

	add_device_randomness(&when, sizeof(when));
	flags = spin_lock_irqsave(&t->lock);
	n_tty_receive(&t->ld, c);
	spin_unlock_irqrestore(&t->lock, flags);
	wake_up_all(&t->read_wait);
}

static size_t tty_readable(struct tty *t)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	size_t n = n_tty_readable(&t->ld);

	spin_unlock_irqrestore(&t->lock, flags);
	return n;
}

static size_t tty_take(struct tty *t, size_t max, bool *eof)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	size_t n = n_tty_read(&t->ld, t->read_buf, max, eof);

	spin_unlock_irqrestore(&t->lock, flags);
	return n;
}

static void tty_get_termios(struct tty *t, struct termios *out)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);

	*out = t->ld.termios;
	spin_unlock_irqrestore(&t->lock, flags);
}

/* Wait for input per VMIN/VTIME (non-canonical): bytes now available. */
static size_t wait_raw(struct tty *t, const struct termios *tm, size_t want)
{
	u64 vtime = (u64)tm->c_cc[VTIME] * 100 * NSEC_PER_MSEC;
	size_t vmin = tm->c_cc[VMIN];

	if (vmin == 0 && vtime == 0)
		return tty_readable(t);
	if (vtime == 0) {
		size_t need = MIN(vmin, want);

		wait_event(t->read_wait, tty_readable(t) >= need);
		return tty_readable(t);
	}
	if (vmin == 0) {
		wait_event_timeout(t->read_wait, tty_readable(t) > 0, vtime);
		return tty_readable(t);
	}
	/* MIN and TIME: TIME is an inter-byte timer, started by the first. */
	wait_event(t->read_wait, tty_readable(t) > 0);
	for (;;) {
		size_t have = tty_readable(t);

		if (have >= MIN(vmin, want))
			return have;
		if (!wait_event_timeout(t->read_wait, tty_readable(t) > have,
					vtime))
			return tty_readable(t);
	}
}

static ssize_t tty_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	struct tty *t = &console_tty;
	struct termios tm;
	size_t want = MIN(to->count, sizeof(t->read_buf)), n, copied;
	bool eof;

	if (!to->count)
		return 0;
	mutex_lock(&t->read_mutex);
	tty_get_termios(t, &tm);
	if (!tty_readable(t) && (f->flags & O_NONBLOCK)) {
		mutex_unlock(&t->read_mutex);
		return -EAGAIN;
	}
	if (tm.c_lflag & ICANON)
		wait_event(t->read_wait, tty_readable(t) > 0);
	else
		wait_raw(t, &tm, want);
	n = tty_take(t, want, &eof);
	copied = copy_to_iter(t->read_buf, n, to);
	mutex_unlock(&t->read_mutex);
	if (n && !copied)
		return -EFAULT;
	return (ssize_t)copied;
}

static ssize_t tty_write(struct file *f, struct iov_iter *from, u64 *pos)
{
	struct tty *t = &console_tty;
	ssize_t done = 0;

	mutex_lock(&t->write_mutex);
	while (from->count) {
		size_t n = copy_from_iter(t->write_in, MIN(from->count,
							  sizeof(t->write_in)),
					  from);
		size_t off = 0;

		if (!n)
			break;
		while (off < n) {
			unsigned long flags = spin_lock_irqsave(&t->lock);
			size_t used, o;

			o = n_tty_process_output(&t->ld.termios, &t->ld.column,
						 t->write_in + off, n - off,
						 t->write_out,
						 sizeof(t->write_out), &used);
			spin_unlock_irqrestore(&t->lock, flags);
			serial_tx(t->write_out, o);
			off += used;
		}
		done += (ssize_t)n;
	}
	mutex_unlock(&t->write_mutex);
	return done ? done : (from->count ? -EFAULT : 0);
}

static int tty_set_termios(struct tty *t, unsigned long arg, bool flush)
{
	struct termios nt;
	unsigned long flags;

	if (copy_from_user(&nt, UADDR(arg), sizeof(nt)))
		return -EFAULT;
	/* TCSETSW/TCSETSF wait for output to drain: it is synchronous. */
	flags = spin_lock_irqsave(&t->lock);
	if (flush)
		n_tty_flush_input(&t->ld);
	n_tty_set_termios(&t->ld, &nt);
	spin_unlock_irqrestore(&t->lock, flags);
	wake_up_all(&t->read_wait);
	return 0;
}

/*
 * Controlling-terminal rules, as Linux: a tty belongs to at most one
 * session (t->sid); the processes of that session see it as their
 * controlling terminal, everyone else gets ENOTTY from the job-control
 * ioctls. Opening /dev/console never makes it a controlling terminal
 * (Linux exempts it), so a shell started on it runs without job control
 * until it acquires a terminal with TIOCSCTTY.
 */
static void caller_ids(int *pid, int *pgid, int *sid)
{
	struct process *p = current_process();
	unsigned long fl;

	*pid = *pgid = *sid = 0;
	if (!p)
		return;
	fl = spin_lock_irqsave(&process_tree_lock);
	*pid = p->pid;
	*pgid = p->pgid;
	*sid = p->sid;
	spin_unlock_irqrestore(&process_tree_lock, fl);
}

static bool tty_is_callers_ctty(struct tty *t)
{
	int pid, pgid, sid;

	caller_ids(&pid, &pgid, &sid);
	return sid && READ_ONCE(t->sid) == sid;
}

/* Does process group @pgrp exist in session @sid? (ESRCH / EPERM) */
static int pgrp_check(int pgrp, int sid)
{
	struct process *p;
	unsigned long fl = spin_lock_irqsave(&process_tree_lock);
	int err = -ESRCH;

	list_for_each_entry(p, process_list_head(), all_node) {
		if (p->pgid != pgrp || p->state != PROCESS_ALIVE)
			continue;
		err = p->sid == sid ? 0 : -EPERM;
		break;
	}
	spin_unlock_irqrestore(&process_tree_lock, fl);
	return err;
}

/* TIOCSCTTY: a session leader without a terminal takes this one. */
static int tty_set_ctty(struct tty *t, unsigned long steal)
{
	int pid, pgid, sid;
	unsigned long fl;
	int err = 0;

	caller_ids(&pid, &pgid, &sid);
	if (!pid || pid != sid)
		return -EPERM;			/* not a session leader */
	fl = spin_lock_irqsave(&t->lock);
	if (t->sid == sid)
		goto out;			/* already ours */
	/* Another session's terminal: only root may steal it, with arg 1. */
	if (t->sid && steal != 1) {
		err = -EPERM;
		goto out;
	}
	t->sid = sid;
	t->pgrp = pgid;
out:
	spin_unlock_irqrestore(&t->lock, fl);
	return err;
}

static long tty_ioctl_int(struct tty *t, unsigned int cmd, unsigned long arg)
{
	int pid, pgid, sid, v, err;
	unsigned long fl;

	switch (cmd) {
	case TIOCGPGRP:
	case TIOCGSID:
		if (!tty_is_callers_ctty(t))
			return -ENOTTY;
		fl = spin_lock_irqsave(&t->lock);
		v = cmd == TIOCGPGRP ? t->pgrp : t->sid;
		spin_unlock_irqrestore(&t->lock, fl);
		return put_user(v, UADDR(arg));
	case FIONREAD:
		fl = spin_lock_irqsave(&t->lock);
		v = (int)n_tty_inq(&t->ld);
		spin_unlock_irqrestore(&t->lock, fl);
		return put_user(v, UADDR(arg));
	case TIOCSPGRP:
		if (!tty_is_callers_ctty(t))
			return -ENOTTY;
		if (get_user(&v, UADDR(arg)))
			return -EFAULT;
		if (v < 0)
			return -EINVAL;
		caller_ids(&pid, &pgid, &sid);
		err = pgrp_check(v, sid);
		if (err)
			return err;
		fl = spin_lock_irqsave(&t->lock);
		t->pgrp = v;
		spin_unlock_irqrestore(&t->lock, fl);
		return 0;
	case TIOCOUTQ:
		return put_user(0, UADDR(arg));	/* output is synchronous */
	default:
		return -ENOTTY;
	}
}

static long tty_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct tty *t = &console_tty;
	struct termios tm;
	struct winsize ws;
	unsigned long fl;

	switch (cmd) {
	case TCGETS:
		tty_get_termios(t, &tm);
		return copy_to_user(UADDR(arg), &tm, sizeof(tm));
	case TCSETS:
	case TCSETSW:
		return tty_set_termios(t, arg, false);
	case TCSETSF:
		return tty_set_termios(t, arg, true);
	case TIOCGWINSZ:
		fl = spin_lock_irqsave(&t->lock);
		ws = t->winsize;
		spin_unlock_irqrestore(&t->lock, fl);
		return copy_to_user(UADDR(arg), &ws, sizeof(ws));
	case TIOCSWINSZ:
		if (copy_from_user(&ws, UADDR(arg), sizeof(ws)))
			return -EFAULT;
		fl = spin_lock_irqsave(&t->lock);
		t->winsize = ws;
		spin_unlock_irqrestore(&t->lock, fl);
		return 0;
	case TIOCSCTTY:
		return tty_set_ctty(t, arg);
	case TIOCNOTTY:
		/* A session leader giving it up frees the terminal (SIGHUP to
		 * the foreground group comes with job control). */
		if (!tty_is_callers_ctty(t))
			return -ENOTTY;
		if (current_process() && current_process()->pid == READ_ONCE(t->sid)) {
			fl = spin_lock_irqsave(&t->lock);
			t->sid = 0;
			t->pgrp = 0;
			spin_unlock_irqrestore(&t->lock, fl);
		}
		return 0;
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (arg != TCOFLUSH) {
			fl = spin_lock_irqsave(&t->lock);
			n_tty_flush_input(&t->ld);
			spin_unlock_irqrestore(&t->lock, fl);
		}
		return 0;
	case TCSBRK:
		return 0;	/* tcdrain: output has already left */
	default:
		return tty_ioctl_int(t, cmd, arg);
	}
}

/*
 * Readable as Linux's n_tty decides: a complete line (or end-of-file
 * mark) in canonical mode; otherwise at least VMIN bytes when VTIME is 0
 * and VMIN > 0, else one byte. Output never blocks (polled UART).
 */
static unsigned int tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *t = &console_tty;
	unsigned int mask = POLLOUT | POLLWRNORM;
	struct termios tm;
	size_t need = 1;

	poll_wait(f, &t->read_wait, pt);
	tty_get_termios(t, &tm);
	if (!(tm.c_lflag & ICANON) && tm.c_cc[VTIME] == 0 && tm.c_cc[VMIN] > 0)
		need = tm.c_cc[VMIN];
	if (tty_readable(t) >= need)
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

/*
 * /dev/tty (5:0) is the caller's controlling terminal: without one, ENXIO
 * as on Linux. The console and ttyS0 nodes open the port itself.
 */
static int tty_open(struct inode *inode, struct file *f)
{
	if (inode->rdev == MKDEV(5, 0) && !tty_is_callers_ctty(&console_tty))
		return -ENXIO;
	return 0;
}

static const struct file_operations tty_fops = {
	.open = tty_open,
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

int tty_register_devices(void)
{
	struct tty *t = &console_tty;
	int err;

	spin_lock_init(&t->lock);
	wait_queue_init(&t->read_wait);
	mutex_init(&t->read_mutex);
	mutex_init(&t->write_mutex);
	n_tty_init(&t->ld, tty_echo, tty_signal, t);
	t->winsize.ws_row = 24;
	t->winsize.ws_col = 80;
	err = chrdev_register(5, 0, 2, "tty", &tty_fops);	/* tty, console */
	if (!err)
		err = chrdev_register(4, 64, 1, "ttyS", &tty_fops);
	if (err)
		return err;
	serial_set_rx_handler(tty_receive_byte);
	return 0;
}
