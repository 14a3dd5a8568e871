/*
 * The tty core: what every terminal shares (reads and writes through the
 * line discipline, termios and window ioctls, controlling terminals and
 * job control, hang-up), and the serial console that /dev/console (5:1),
 * /dev/ttyS0 (4:64) and, for its session, /dev/tty (5:0) reach.
 */
#include <ferrite/signal.h>
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

/* Every registered tty; the order of locks is tty_list_lock, tty->lock. */
DEFINE_SPINLOCK(tty_list_lock);
static LIST_HEAD(tty_list);

/* ---- lifetime -------------------------------------------------------------- */

static void tty_ld_echo(void *ctx, const u8 *s, size_t n);
static void tty_ld_signal(void *ctx, int sig);

void tty_init(struct tty *t, const struct tty_ops *ops, void *data, dev_t dev)
{
	memset(t, 0, sizeof(*t));
	spin_lock_init(&t->lock);
	t->ops = ops;
	t->driver_data = data;
	t->dev = dev;
	n_tty_init(&t->ld, tty_ld_echo, tty_ld_signal, t);
	wait_queue_init(&t->read_wait);
	wait_queue_init(&t->write_wait);
	mutex_init(&t->read_mutex);
	mutex_init(&t->write_mutex);
	list_init(&t->node);
}

void tty_register(struct tty *t)
{
	unsigned long fl = spin_lock_irqsave(&tty_list_lock);

	t->refcount = 1;
	list_add_tail(&t->node, &tty_list);
	spin_unlock_irqrestore(&tty_list_lock, fl);
}

struct tty *tty_find_get(dev_t dev)
{
	unsigned long fl = spin_lock_irqsave(&tty_list_lock);
	struct tty *t, *found = NULL;

	list_for_each_entry(t, &tty_list, node) {
		if (t->dev == dev) {
			t->refcount++;
			found = t;
			break;
		}
	}
	spin_unlock_irqrestore(&tty_list_lock, fl);
	return found;
}

void tty_put(struct tty *t)
{
	unsigned long fl = spin_lock_irqsave(&tty_list_lock);
	bool last = --t->refcount == 0;

	if (last)
		list_del(&t->node);
	spin_unlock_irqrestore(&tty_list_lock, fl);
	if (last && t->ops->destroy)
		t->ops->destroy(t);
}

/* ---- who is asking -------------------------------------------------------- */

struct caller {
	int pid, pgid, sid;
};

static void caller_ids(struct caller *c)
{
	struct process *p = current_process();
	unsigned long fl;

	c->pid = c->pgid = c->sid = 0;
	if (!p)
		return;
	fl = spin_lock_irqsave(&process_tree_lock);
	c->pid = p->pid;
	c->pgid = p->pgid;
	c->sid = p->sid;
	spin_unlock_irqrestore(&process_tree_lock, fl);
}

/*
 * A tty belongs to at most one session (t->sid); the processes of that
 * session have it as their controlling terminal. Linux keeps the link
 * per process; keeping it per session gives the same answers for the
 * ordinary case of a session leader acquiring a terminal before forking.
 */
static bool tty_is_ctty_of(struct tty *t, const struct caller *c)
{
	return c->sid && READ_ONCE(t->sid) == c->sid;
}

static bool tty_is_callers_ctty(struct tty *t)
{
	struct caller c;

	caller_ids(&c);
	return tty_is_ctty_of(t, &c);
}

/* The terminal session @sid controls, referenced, or NULL. */
static struct tty *tty_of_session_get(int sid)
{
	unsigned long fl = spin_lock_irqsave(&tty_list_lock);
	struct tty *t, *found = NULL;

	list_for_each_entry(t, &tty_list, node) {
		if (sid && READ_ONCE(t->sid) == sid) {
			t->refcount++;
			found = t;
			break;
		}
	}
	spin_unlock_irqrestore(&tty_list_lock, fl);
	return found;
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

/*
 * Linux's __tty_check_change: may the caller read (SIGTTIN) or change or
 * write (SIGTTOU) its controlling terminal? Background groups are
 * stopped by the signal (the call restarts when they continue); an
 * ignored or blocked SIGTTOU lets the write through, an ignored SIGTTIN
 * or an orphaned group gets EIO.
 */
static int tty_check_change(struct tty *t, int sig)
{
	struct process *p = current_process();
	unsigned long fl;
	struct caller c;
	int fg;

	caller_ids(&c);
	if (!p || !tty_is_ctty_of(t, &c))
		return 0;
	fl = spin_lock_irqsave(&t->lock);
	fg = t->pgrp;
	spin_unlock_irqrestore(&t->lock, fl);
	if (!fg || fg == c.pgid)
		return 0;
	if (sig_ignored(p, sig) || sig_blocked(current(), sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_is_orphaned(c.pgid))
		return -EIO;
	kill_pgrp(c.pgid, sig, SI_KERNEL);
	return -ERESTARTSYS;
}

/* ---- input ------------------------------------------------------------------ */

/* Echo goes straight to the device; what does not fit is dropped. */
static void tty_ld_echo(void *ctx, const u8 *s, size_t n)
{
	struct tty *t = ctx;

	if (t->ops->write_room(t) < n)
		n = t->ops->write_room(t);
	if (n)
		t->ops->write(t, s, n);
}

/* Under t->lock: remember the signal, sent once the lock is dropped. */
static void tty_ld_signal(void *ctx, int sig)
{
	struct tty *t = ctx;

	t->pending_sigs |= 1U << sig;
}

static void tty_send_pending(struct tty *t)
{
	static const int order[] = { SIGINT, SIGQUIT, SIGTSTP };
	unsigned long fl = spin_lock_irqsave(&t->lock);
	unsigned int sigs = t->pending_sigs;
	int pgrp = t->pgrp;

	t->pending_sigs = 0;
	spin_unlock_irqrestore(&t->lock, fl);
	for (unsigned int i = 0; i < ARRAY_SIZE(order); i++)
		if ((sigs & (1U << order[i])) && pgrp > 0)
			kill_pgrp(pgrp, order[i], SI_KERNEL);
}

void tty_receive(struct tty *t, const u8 *buf, size_t n)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);

	for (size_t i = 0; i < n; i++)
		n_tty_receive(&t->ld, buf[i]);
	spin_unlock_irqrestore(&t->lock, fl);
	tty_send_pending(t);
	wake_up_all(&t->read_wait);
}

size_t tty_input_readable(struct tty *t)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	size_t n = n_tty_readable(&t->ld);

	spin_unlock_irqrestore(&t->lock, flags);
	return n;
}

static bool tty_hung(struct tty *t)
{
	return READ_ONCE(t->hung_up);
}

static bool tty_can_read(struct tty *t, size_t need)
{
	return tty_hung(t) || tty_input_readable(t) >= need;
}

/* ---- reading -------------------------------------------------------------- */

/*
 * Non-canonical reads, as POSIX defines VMIN/VTIME: MIN only (wait for
 * MIN bytes), TIME only (one byte or the timer), both (the timer runs
 * between bytes, from the first), neither (what is there). 0 or
 * -ERESTARTSYS.
 */
static int wait_raw(struct tty *t, const struct termios *tm, size_t want)
{
	u64 vtime = (u64)tm->c_cc[VTIME] * 100 * NSEC_PER_MSEC;
	size_t need = MIN((size_t)tm->c_cc[VMIN], want);
	s64 r;

	if (need == 0 && vtime == 0)
		return 0;
	if (vtime == 0)
		return wait_event_interruptible(t->read_wait,
						tty_can_read(t, need));
	if (need == 0) {
		r = wait_event_interruptible_timeout(t->read_wait,
						     tty_can_read(t, 1), vtime);
		return r < 0 ? (int)r : 0;
	}
	r = wait_event_interruptible(t->read_wait, tty_can_read(t, 1));
	while (!r) {
		size_t have = tty_input_readable(t);

		if (have >= need || tty_hung(t))
			return 0;
		r = wait_event_interruptible_timeout(t->read_wait,
				     tty_can_read(t, have + 1), vtime);
		if (r == 0)
			return 0;	/* the inter-byte timer ran out */
		if (r > 0)
			r = 0;
	}
	return (int)r;
}

static bool tty_would_block(struct tty *t, const struct termios *tm)
{
	if (tty_can_read(t, 1))
		return false;
	/* VMIN = VTIME = 0 never waits: the read returns 0. */
	return (tm->c_lflag & ICANON) || tm->c_cc[VMIN] || tm->c_cc[VTIME];
}

static ssize_t tty_read(struct tty *t, struct file *f, struct iov_iter *to)
{
	size_t want = MIN(to->count, sizeof(t->read_buf)), n, copied;
	unsigned long fl;
	struct termios tm;
	bool eof;
	int err;

	if (tty_hung(t))
		return 0;
	err = tty_check_change(t, SIGTTIN);
	if (err)
		return err;
	if (!to->count)
		return 0;
	mutex_lock(&t->read_mutex);
	fl = spin_lock_irqsave(&t->lock);
	tm = t->ld.termios;
	spin_unlock_irqrestore(&t->lock, fl);
	if ((f->flags & O_NONBLOCK) && tty_would_block(t, &tm)) {
		err = -EAGAIN;
		goto out_unlock;
	}
	if (tm.c_lflag & ICANON)
		err = wait_event_interruptible(t->read_wait, tty_can_read(t, 1));
	else
		err = wait_raw(t, &tm, want);
	if (err)
		goto out_unlock;
	fl = spin_lock_irqsave(&t->lock);
	n = t->hung_up ? 0 : n_tty_read(&t->ld, t->read_buf, want, &eof);
	spin_unlock_irqrestore(&t->lock, fl);
	copied = copy_to_iter(t->read_buf, n, to);
	mutex_unlock(&t->read_mutex);
	/* Room in the input buffer again: a pty master may write more. */
	wake_up_all(&t->write_wait);
	if (n && !copied)
		return -EFAULT;
	return (ssize_t)copied;
out_unlock:
	mutex_unlock(&t->read_mutex);
	return err;
}

ssize_t tty_file_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	return tty_read(f->private_data, f, to);
}

/* ---- writing -------------------------------------------------------------- */

static bool tty_can_write(struct tty *t)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);
	bool ok = t->hung_up || (!t->stopped && t->ops->write_room(t) >= 2);

	spin_unlock_irqrestore(&t->lock, fl);
	return ok;
}

/*
 * Process and send what the device takes now; *@used says how much of
 * in[] went. -EIO after a hang-up.
 */
static int tty_write_some(struct tty *t, const u8 *in, size_t n, size_t *used)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);
	size_t room, o;
	int err = 0;

	*used = 0;
	if (t->hung_up) {
		err = -EIO;
		goto out;
	}
	room = t->stopped ? 0 : t->ops->write_room(t);
	if (room < 2)
		goto out;
	o = n_tty_process_output(&t->ld.termios, &t->ld.column, in, n,
				 t->write_out, MIN(room, sizeof(t->write_out)),
				 used);
	t->ops->write(t, t->write_out, o);
out:
	spin_unlock_irqrestore(&t->lock, fl);
	return err;
}

static ssize_t tty_write(struct tty *t, struct file *f, struct iov_iter *from)
{
	size_t done = 0;
	int err = 0;

	if (tty_hung(t))
		return -EIO;
	if (READ_ONCE(t->ld.termios.c_lflag) & TOSTOP) {
		err = tty_check_change(t, SIGTTOU);
		if (err)
			return err;
	}
	mutex_lock(&t->write_mutex);
	while (from->count && !err) {
		size_t n = copy_from_iter(t->write_in, MIN(from->count,
							  sizeof(t->write_in)),
					  from);
		size_t off = 0, used;

		if (!n) {
			err = -EFAULT;
			break;
		}
		while (off < n) {
			err = tty_write_some(t, t->write_in + off, n - off, &used);
			if (err)
				break;
			off += used;
			if (used)
				continue;
			if (f->flags & O_NONBLOCK)
				err = -EAGAIN;
			else
				err = wait_event_interruptible(t->write_wait,
							       tty_can_write(t));
			if (err)
				break;
		}
		done += off;
	}
	mutex_unlock(&t->write_mutex);
	return done ? (ssize_t)done : err;
}

ssize_t tty_file_write(struct file *f, struct iov_iter *from, u64 *pos)
{
	return tty_write(f->private_data, f, from);
}

/* ---- termios ioctls ------------------------------------------------------- */

static void tty_get_termios(struct tty *t, struct termios *out)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);

	*out = t->ld.termios;
	spin_unlock_irqrestore(&t->lock, flags);
}

/* Linux reports the speeds of c_cflag's CBAUD in termios2. */
static u32 baud_of(u32 cflag)
{
	switch (cflag & CBAUD) {
	case B38400:
		return 38400;
	case B115200:
		return 115200;
	default:
		return 0;
	}
}

static int tty_set_termios(struct tty *t, const struct termios *nt, bool flush)
{
	unsigned long flags;

	/* TCSETSW/TCSETSF wait for output to drain: it is synchronous. */
	flags = spin_lock_irqsave(&t->lock);
	if (flush)
		n_tty_flush_input(&t->ld);
	n_tty_set_termios(&t->ld, nt);
	spin_unlock_irqrestore(&t->lock, flags);
	wake_up_all(&t->read_wait);
	wake_up_all(&t->write_wait);
	return 0;
}

static long tty_termios_ioctl(struct tty *t, unsigned int cmd,
			      unsigned long arg)
{
	struct termios2 t2;
	struct termios tm;

	switch (cmd) {
	case TCGETS:
		tty_get_termios(t, &tm);
		return copy_to_user(UADDR(arg), &tm, sizeof(tm));
	case TCGETS2:
		tty_get_termios(t, &tm);
		memcpy(&t2, &tm, sizeof(tm));
		t2.c_ispeed = t2.c_ospeed = baud_of(tm.c_cflag);
		return copy_to_user(UADDR(arg), &t2, sizeof(t2));
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(&tm, UADDR(arg), sizeof(tm)))
			return -EFAULT;
		return tty_set_termios(t, &tm, cmd == TCSETSF);
	default:	/* TCSETS2 and friends */
		if (copy_from_user(&t2, UADDR(arg), sizeof(t2)))
			return -EFAULT;
		memcpy(&tm, &t2, sizeof(tm));
		return tty_set_termios(t, &tm, cmd == TCSETSF2);
	}
}

static long tty_set_winsize(struct tty *t, unsigned long arg)
{
	struct winsize ws;
	unsigned long fl;
	bool changed;
	int pgrp;

	if (copy_from_user(&ws, UADDR(arg), sizeof(ws)))
		return -EFAULT;
	fl = spin_lock_irqsave(&t->lock);
	changed = memcmp(&ws, &t->winsize, sizeof(ws)) != 0;
	t->winsize = ws;
	pgrp = t->pgrp;
	spin_unlock_irqrestore(&t->lock, fl);
	if (changed && pgrp > 0)
		kill_pgrp(pgrp, SIGWINCH, SI_KERNEL);
	return 0;
}

static long tty_flush(struct tty *t, unsigned long arg)
{
	unsigned long fl;

	if (arg > TCIOFLUSH)
		return -EINVAL;
	fl = spin_lock_irqsave(&t->lock);
	if (arg != TCOFLUSH)
		n_tty_flush_input(&t->ld);
	if (arg != TCIFLUSH && t->ops->flush_output)
		t->ops->flush_output(t);
	spin_unlock_irqrestore(&t->lock, fl);
	wake_up_all(&t->write_wait);
	return 0;
}

/* TCXONC: suspend or resume output; send STOP/START for input. */
static long tty_flow(struct tty *t, unsigned long arg)
{
	unsigned long fl;
	u8 c;

	if (arg > TCION)
		return -EINVAL;
	fl = spin_lock_irqsave(&t->lock);
	if (arg == TCOOFF || arg == TCOON) {
		t->stopped = arg == TCOOFF;
	} else {
		c = t->ld.termios.c_cc[arg == TCIOFF ? VSTOP : VSTART];
		if (c && t->ops->write_room(t))
			t->ops->write(t, &c, 1);
	}
	spin_unlock_irqrestore(&t->lock, fl);
	wake_up_all(&t->write_wait);
	return 0;
}

/* ---- controlling terminal ---------------------------------------------- */

/* Make @t the controlling terminal of the caller's session. */
static void tty_set_ctty_locked(struct tty *t, const struct caller *c)
{
	t->sid = c->sid;
	t->pgrp = c->pgid;
}

/* TIOCSCTTY: a session leader without a terminal takes this one. */
static int tty_set_ctty(struct tty *t, struct file *f, unsigned long steal)
{
	struct tty *cur;
	struct caller c;
	unsigned long fl;
	int err = 0;

	caller_ids(&c);
	if (!c.pid)
		return -EPERM;
	if (c.pid == c.sid && READ_ONCE(t->sid) == c.sid)
		return 0;			/* already ours */
	if (c.pid != c.sid)
		return -EPERM;			/* not a session leader */
	cur = tty_of_session_get(c.sid);
	if (cur) {
		tty_put(cur);
		return -EPERM;			/* it has one already */
	}
	if (!(f->mode & FMODE_READ) && current_fsuid() != 0)
		return -EPERM;
	fl = spin_lock_irqsave(&t->lock);
	/* Another session's terminal: only root may steal it, with arg 1. */
	if (t->sid && (steal != 1 || current_fsuid() != 0))
		err = -EPERM;
	else
		tty_set_ctty_locked(t, &c);
	spin_unlock_irqrestore(&t->lock, fl);
	return err;
}

/*
 * Take @t away from its session; @sig_fg: SIGHUP (and SIGCONT when
 * @cont) to the foreground group first, as TIOCNOTTY and exits do.
 */
static void tty_disassociate(struct tty *t, int expect_sid, bool cont)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);
	int pgrp = 0;

	if (t->sid == expect_sid) {
		pgrp = t->pgrp;
		t->sid = 0;
		t->pgrp = 0;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	if (pgrp > 0) {
		kill_pgrp(pgrp, SIGHUP, SI_KERNEL);
		if (cont)
			kill_pgrp(pgrp, SIGCONT, SI_KERNEL);
	}
}

static long tty_notty(struct tty *t)
{
	struct caller c;

	caller_ids(&c);
	if (!tty_is_ctty_of(t, &c))
		return -ENOTTY;
	/* Only the session leader's TIOCNOTTY frees the terminal. */
	if (c.pid == c.sid)
		tty_disassociate(t, c.sid, true);
	return 0;
}

void tty_session_leader_exit(int sid)
{
	struct tty *t = tty_of_session_get(sid);

	if (!t)
		return;
	/* Linux (disassociate_ctty on exit): SIGHUP to the foreground group. */
	tty_disassociate(t, sid, false);
	tty_put(t);
}

void tty_hangup(struct tty *t)
{
	unsigned long fl = spin_lock_irqsave(&t->lock);
	int sid = t->sid;

	t->hung_up = true;
	t->sid = 0;
	t->pgrp = 0;
	spin_unlock_irqrestore(&t->lock, fl);
	/* Linux's tty_signal_session_leader: the controlling process. */
	if (sid > 0) {
		struct process *leader = process_lookup(sid);

		if (leader) {
			kill_process(leader, SIGHUP, SI_KERNEL);
			kill_process(leader, SIGCONT, SI_KERNEL);
			process_put(leader);
		}
	}
	wake_up_all(&t->read_wait);
	wake_up_all(&t->write_wait);
}

void tty_open_finish(struct tty *t, struct file *f, bool noctty)
{
	struct tty *cur;
	unsigned long fl;
	struct caller c;

	f->private_data = t;
	if (noctty || !(f->mode & FMODE_READ))
		return;
	caller_ids(&c);
	if (!c.pid || c.pid != c.sid)
		return;
	cur = tty_of_session_get(c.sid);
	if (cur) {
		tty_put(cur);
		return;
	}
	fl = spin_lock_irqsave(&t->lock);
	if (!t->sid && !t->hung_up)
		tty_set_ctty_locked(t, &c);
	spin_unlock_irqrestore(&t->lock, fl);
}

/* ---- ioctl ------------------------------------------------------------------ */

static long tty_get_ids(struct tty *t, unsigned int cmd, unsigned long arg,
			bool master)
{
	unsigned long fl;
	int v;

	/* Through the master anyone may ask; otherwise only the session. */
	if (!master && !tty_is_callers_ctty(t))
		return -ENOTTY;
	fl = spin_lock_irqsave(&t->lock);
	v = cmd == TIOCGPGRP ? t->pgrp : t->sid;
	spin_unlock_irqrestore(&t->lock, fl);
	if (cmd == TIOCGSID && !v)
		return -ENOTTY;
	return put_user(v, UADDR(arg));
}

static long tty_set_pgrp(struct tty *t, unsigned long arg)
{
	struct caller c;
	unsigned long fl;
	int v, err;

	err = tty_check_change(t, SIGTTOU);
	if (err)
		return err == -EIO ? -ENOTTY : err;
	caller_ids(&c);
	if (!tty_is_ctty_of(t, &c))
		return -ENOTTY;
	if (get_user(&v, UADDR(arg)))
		return -EFAULT;
	if (v < 0)
		return -EINVAL;
	err = pgrp_check(v, c.sid);
	if (err)
		return err;
	fl = spin_lock_irqsave(&t->lock);
	t->pgrp = v;
	spin_unlock_irqrestore(&t->lock, fl);
	return 0;
}

/* TIOCSTI: push a byte into the input as if typed (root or own ctty). */
static long tty_push_input(struct tty *t, unsigned long arg)
{
	u8 c;

	if (current_fsuid() != 0 && !tty_is_callers_ctty(t))
		return -EPERM;
	if (get_user(&c, UADDR(arg)))
		return -EFAULT;
	tty_receive(t, &c, 1);
	return 0;
}

/* The ioctls that change the terminal check for background callers. */
static bool changes_tty(unsigned int cmd)
{
	switch (cmd) {
	case TCSETS: case TCSETSW: case TCSETSF:
	case TCSETS2: case TCSETSW2: case TCSETSF2:
	case TCFLSH: case TCXONC:
		return true;
	default:
		return false;
	}
}

long tty_ioctl(struct tty *t, struct file *f, unsigned int cmd,
	       unsigned long arg, bool master)
{
	struct winsize ws;
	unsigned long fl;
	int v, err;

	if (tty_hung(t) && cmd != TIOCGSID && cmd != TIOCGPGRP)
		return -EIO;
	if (changes_tty(cmd)) {
		err = tty_check_change(t, SIGTTOU);
		if (err)
			return err;
	}
	switch (cmd) {
	case TCGETS: case TCGETS2:
	case TCSETS: case TCSETSW: case TCSETSF:
	case TCSETS2: case TCSETSW2: case TCSETSF2:
		return tty_termios_ioctl(t, cmd, arg);
	case TIOCGWINSZ:
		fl = spin_lock_irqsave(&t->lock);
		ws = t->winsize;
		spin_unlock_irqrestore(&t->lock, fl);
		return copy_to_user(UADDR(arg), &ws, sizeof(ws));
	case TIOCSWINSZ:
		return tty_set_winsize(t, arg);
	case TIOCSCTTY:
		return tty_set_ctty(t, f, arg);
	case TIOCNOTTY:
		return master ? -ENOTTY : tty_notty(t);
	case TIOCGPGRP:
	case TIOCGSID:
		return tty_get_ids(t, cmd, arg, master);
	case TIOCSPGRP:
		return tty_set_pgrp(t, arg);
	case FIONREAD:
		fl = spin_lock_irqsave(&t->lock);
		v = (int)n_tty_inq(&t->ld);
		spin_unlock_irqrestore(&t->lock, fl);
		return put_user(v, UADDR(arg));
	case TIOCOUTQ:
		fl = spin_lock_irqsave(&t->lock);
		v = t->ops->chars_in_buffer ? (int)t->ops->chars_in_buffer(t) : 0;
		spin_unlock_irqrestore(&t->lock, fl);
		return put_user(v, UADDR(arg));
	case TCFLSH:
		return tty_flush(t, arg);
	case TCXONC:
		return tty_flow(t, arg);
	case TCSBRK:
		return 0;	/* tcdrain: the port is polled, output has left */
	case TIOCSTI:
		return tty_push_input(t, arg);
	case TIOCEXCL:
	case TIOCNXCL:
		fl = spin_lock_irqsave(&t->lock);
		t->exclusive = cmd == TIOCEXCL;
		spin_unlock_irqrestore(&t->lock, fl);
		return 0;
	default:
		return t->ops->ioctl ? t->ops->ioctl(t, f, cmd, arg) : -ENOTTY;
	}
}

long tty_file_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	return tty_ioctl(f->private_data, f, cmd, arg, false);
}

/*
 * Readable as Linux's n_tty decides: a complete line (or end-of-file
 * mark) in canonical mode; otherwise at least VMIN bytes when VTIME is 0
 * and VMIN > 0, else one byte. After a hang-up everything is "ready" and
 * POLLHUP is set, as Linux's hung-up file operations answer.
 */
unsigned int tty_file_poll(struct file *f, struct poll_table *pt)
{
	struct tty *t = f->private_data;
	unsigned int mask = 0;
	struct termios tm;
	size_t need = 1;

	poll_wait(f, &t->read_wait, pt);
	poll_wait(f, &t->write_wait, pt);
	if (tty_hung(t))
		return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR |
		       POLLHUP;
	tty_get_termios(t, &tm);
	if (!(tm.c_lflag & ICANON) && tm.c_cc[VTIME] == 0 && tm.c_cc[VMIN] > 0)
		need = tm.c_cc[VMIN];
	if (tty_input_readable(t) >= need)
		mask |= POLLIN | POLLRDNORM;
	if (tty_can_write(t))
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

int tty_file_release(struct inode *inode, struct file *f)
{
	struct tty *t = f->private_data;

	if (!t)
		return 0;
	if (t->ops->close)
		t->ops->close(t, f);
	tty_put(t);
	return 0;
}

/* ---- /dev/tty ------------------------------------------------------------ */

/*
 * /dev/tty (5:0) is the caller's controlling terminal, whichever it is:
 * without one, ENXIO as on Linux. Opening it never changes ownership.
 */
static int dev_tty_open(struct inode *inode, struct file *f)
{
	struct tty *t;
	struct caller c;
	int err = 0;
	unsigned long fl;

	caller_ids(&c);
	fl = spin_lock_irqsave(&tty_list_lock);
	list_for_each_entry(t, &tty_list, node) {
		if (c.sid && READ_ONCE(t->sid) == c.sid)
			goto found;
	}
	spin_unlock_irqrestore(&tty_list_lock, fl);
	return -ENXIO;
found:
	if (t->ops->open)
		err = t->ops->open(t, f);
	if (!err)
		t->refcount++;
	spin_unlock_irqrestore(&tty_list_lock, fl);
	if (!err)
		tty_open_finish(t, f, true);
	return err;
}

static const struct file_operations dev_tty_fops = {
	.open = dev_tty_open,
	.read = tty_file_read,
	.write = tty_file_write,
	.ioctl = tty_file_ioctl,
	.poll = tty_file_poll,
	.release = tty_file_release,
};

/* ---- the serial console ------------------------------------------------- */

static struct tty console_tty;

/* The port is polled: it always takes everything. */
static size_t console_write(struct tty *t, const u8 *buf, size_t n)
{
	serial_tx(buf, n);
	return n;
}

static size_t console_write_room(struct tty *t)
{
	return 1U << 30;
}

static const struct tty_ops console_ops = {
	.write = console_write,
	.write_room = console_write_room,
};

static int console_open(struct inode *inode, struct file *f)
{
	unsigned long fl = spin_lock_irqsave(&tty_list_lock);

	console_tty.refcount++;
	spin_unlock_irqrestore(&tty_list_lock, fl);
	/* /dev/console never becomes a controlling terminal (Linux). */
	tty_open_finish(&console_tty, f,
			(f->flags & O_NOCTTY) || inode->rdev == MKDEV(5, 1));
	return 0;
}

static const struct file_operations console_fops = {
	.open = console_open,
	.read = tty_file_read,
	.write = tty_file_write,
	.ioctl = tty_file_ioctl,
	.poll = tty_file_poll,
	.release = tty_file_release,
};

/*
 * The receive interrupt only queues bytes; a kernel thread feeds them to
 * the line discipline, so sending signals and echoing run in task
 * context (Linux's flip buffers and work queue, in small).
 */
#define RX_RING_SIZE	1024	/* a power of two */

static struct {
	spinlock_t lock;
	u8 buf[RX_RING_SIZE];		/* [lock] */
	u32 head, tail;			/* [lock] positions; head - tail used */
	wait_queue_head_t wait;
} rx = { .lock = SPINLOCK_INIT };

void tty_receive_byte(u8 c)
{
	u64 when = arch_cycles();
	unsigned long fl;

	add_device_randomness(&when, sizeof(when));
	fl = spin_lock_irqsave(&rx.lock);
	if (rx.head - rx.tail < RX_RING_SIZE)
		rx.buf[rx.head++ & (RX_RING_SIZE - 1)] = c;
	spin_unlock_irqrestore(&rx.lock, fl);
	wake_up(&rx.wait);
}

static bool rx_pending(void)
{
	return READ_ONCE(rx.head) != READ_ONCE(rx.tail);
}

/* Sleep interruptibly: an idle thread must not count as load (D state). */
static void rx_wait(void)
{
	struct wait_entry we;

	wait_entry_init(&we, 0);
	prepare_to_wait(&rx.wait, &we, TASK_INTERRUPTIBLE);
	if (!rx_pending())
		schedule();
	finish_wait(&rx.wait, &we);
}

static void console_rx_thread(void *arg)
{
	u8 chunk[64];

	for (;;) {
		unsigned long fl;
		size_t n = 0;

		rx_wait();
		fl = spin_lock_irqsave(&rx.lock);
		while (n < sizeof(chunk) && rx.tail != rx.head)
			chunk[n++] = rx.buf[rx.tail++ & (RX_RING_SIZE - 1)];
		spin_unlock_irqrestore(&rx.lock, fl);
		tty_receive(&console_tty, chunk, n);
	}
}

int tty_register_devices(void)
{
	struct tty *t = &console_tty;
	struct task *thread;
	int err;

	tty_init(t, &console_ops, NULL, MKDEV(4, 64));
	t->winsize.ws_row = 24;
	t->winsize.ws_col = 80;
	tty_register(t);		/* the reference is never dropped */
	wait_queue_init(&rx.wait);
	err = chrdev_register(5, 0, 1, "tty", &dev_tty_fops);
	if (!err)
		err = chrdev_register(5, 1, 1, "console", &console_fops);
	if (!err)
		err = chrdev_register(4, 64, 1, "ttyS", &console_fops);
	if (!err)
		err = pty_register_devices();
	if (err)
		return err;
	thread = kthread_create(console_rx_thread, NULL, "ttyrx");
	if (IS_ERR(thread))
		return (int)PTR_ERR(thread);
	task_put(thread);
	serial_set_rx_handler(tty_receive_byte);
	return 0;
}
