/*
 * poll, ppoll, select and pselect6. One engine (do_poll) polls every file,
 * registering on the files' wait queues during the first pass, and sleeps
 * until a wake-up or the deadline; select's bitmaps are translated to and
 * from poll masks as Linux defines them. A signal ends the sleep with
 * -ERESTARTNOHAND (EINTR once a handler ran); ppoll and pselect6 apply
 * their signal mask while they wait.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/poll.h>
#include <ferrite/process.h>
#include <ferrite/signal.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include <ferrite/timer.h>

#define NSEC_PER_SEC	1000000000ULL
#define NO_DEADLINE	(~0ULL)

struct poll_chunk {
	struct poll_chunk *next;
	unsigned int nr;
	struct poll_entry entries[];
};

#define CHUNK_ENTRIES ((PAGE_SIZE - sizeof(struct poll_chunk)) / \
		       sizeof(struct poll_entry))

static struct poll_entry *poll_entry_new(struct poll_table *pt)
{
	struct poll_chunk *c = pt->chunks;

	if (pt->nr_inline < POLL_INLINE_ENTRIES)
		return &pt->inline_entries[pt->nr_inline++];
	if (!c || c->nr == CHUNK_ENTRIES) {
		c = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!c)
			return NULL;
		c->nr = 0;
		c->next = pt->chunks;
		pt->chunks = c;
	}
	return &c->entries[c->nr++];
}

void poll_wait(struct file *f, wait_queue_head_t *wq, struct poll_table *pt)
{
	struct poll_entry *e;

	if (!pt || !pt->registering || !wq)
		return;
	e = poll_entry_new(pt);
	if (!e) {
		pt->error = -ENOMEM;
		return;
	}
	e->wq = wq;
	wait_entry_init(&e->we, 0);
	add_wait_queue(wq, &e->we);
}

static void poll_table_init(struct poll_table *pt, bool registering)
{
	pt->registering = registering;
	pt->error = 0;
	pt->nr_inline = 0;
	pt->chunks = NULL;
}

static void poll_table_free(struct poll_table *pt)
{
	struct poll_chunk *c, *next;

	for (unsigned int i = 0; i < pt->nr_inline; i++)
		remove_wait_queue(pt->inline_entries[i].wq,
				  &pt->inline_entries[i].we);
	for (c = pt->chunks; c; c = next) {
		next = c->next;
		for (unsigned int i = 0; i < c->nr; i++)
			remove_wait_queue(c->entries[i].wq, &c->entries[i].we);
		kfree(c);
	}
}

unsigned int vfs_poll(struct file *f, struct poll_table *pt)
{
	if (f->mode & FMODE_PATH)
		return POLLNVAL;
	if (!f->f_op->poll)
		return DEFAULT_POLLMASK;
	return f->f_op->poll(f, pt);
}

/* The kernel's copy of struct pollfd. */
struct kpollfd {
	s32 fd;
	s16 events;
	s16 revents;
};

_Static_assert(sizeof(struct kpollfd) == 8, "struct pollfd layout");

static unsigned int poll_one(struct kpollfd *p, struct poll_table *pt)
{
	struct file *f;
	unsigned int mask;

	p->revents = 0;
	if (p->fd < 0)
		return 0;
	f = fget(p->fd);
	if (!f) {
		p->revents = POLLNVAL;
		return 1;
	}
	/* POLLERR and POLLHUP are reported whether asked for or not. */
	mask = vfs_poll(f, pt) & ((u16)p->events | POLLERR | POLLHUP | POLLNVAL);
	fput(f);
	p->revents = (s16)mask;
	return mask != 0;
}

static void wake_poller(void *data)
{
	wake_up_task(data);
}

/*
 * Sleep until woken or @deadline (arch_clock_ns), whichever comes first.
 * The caller has set its task state before checking readiness, so a
 * wake-up in between makes schedule() return at once.
 */
static void poll_sleep(u64 deadline)
{
	struct timer t;

	if (deadline == NO_DEADLINE) {
		schedule();
		return;
	}
	timer_init(&t, wake_poller, current());
	timer_mod(&t, deadline);
	schedule();
	timer_cancel(&t);
}

/*
 * Poll @n entries until one is ready or @deadline passes (0 = do not
 * wait). Returns the number of entries with revents, or -errno.
 */
static long do_poll(struct kpollfd *fds, unsigned int n, u64 deadline)
{
	struct poll_table pt;
	long ready;

	poll_table_init(&pt, deadline != 0);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		ready = 0;
		for (unsigned int i = 0; i < n; i++)
			ready += poll_one(&fds[i], &pt);
		pt.registering = false;
		if (ready || pt.error || deadline == 0 ||
		    (deadline != NO_DEADLINE && arch_clock_ns() >= deadline))
			break;
		/* signals helper (issue 4): a signal ends the wait */
		if (signal_pending(current())) {
			pt.error = -ERESTARTNOHAND;
			break;
		}
		poll_sleep(deadline);
	}
	set_current_state(TASK_RUNNING);
	poll_table_free(&pt);
	return ready ? ready : pt.error;
}

/* Absolute deadline for a relative timeout in ns; NO_DEADLINE if none. */
static u64 deadline_after(u64 ns)
{
	u64 now = arch_clock_ns();

	if (ns == 0)
		return 0;
	return ns >= NO_DEADLINE - now ? NO_DEADLINE - 1 : now + ns;
}

static int timespec_to_ns(user_addr_t uts, u64 *ns)
{
	struct linux_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	*ns = (u64)ts.tv_sec > (NO_DEADLINE - 1) / NSEC_PER_SEC ? NO_DEADLINE - 1 :
	      (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return 0;
}

/* Time left until @deadline, for the calls that report it back. */
static u64 ns_left(u64 deadline)
{
	u64 now = arch_clock_ns();

	return deadline > now ? deadline - now : 0;
}

#define POLL_STACK_FDS	32	/* small sets need no allocation */

static long poll_common(user_addr_t ufds, unsigned int nfds, u64 deadline)
{
	struct kpollfd stack_fds[POLL_STACK_FDS], *fds = stack_fds;
	size_t bytes = (size_t)nfds * sizeof(*fds);
	long r;

	if (nfds > current_nofile_limit())
		return -EINVAL;
	if (nfds > POLL_STACK_FDS) {
		fds = kmalloc(bytes, GFP_KERNEL);
		if (!fds)
			return -ENOMEM;
	}
	r = -EFAULT;
	if (copy_from_user(fds, ufds, bytes))
		goto out;
	r = do_poll(fds, nfds, deadline);
	if (r < 0)
		goto out;
	/* Only revents go back, one field per entry, as Linux writes them. */
	for (unsigned int i = 0; i < nfds; i++)
		if (put_user(fds[i].revents,
			     uaddr_add(ufds, i * sizeof(*fds) + offsetof(struct kpollfd, revents)))) {
			r = -EFAULT;
			break;
		}
out:
	if (fds != stack_fds)
		kfree(fds);
	return r;
}

SYSCALL_DEFINE3(poll, user_addr_t, ufds, unsigned int, nfds, int, timeout_ms)
{
	u64 deadline = timeout_ms < 0 ? NO_DEADLINE :
		       deadline_after((u64)timeout_ms * 1000000ULL);

	return poll_common(ufds, nfds, deadline);
}

#define SIGSET_SIZE 8	/* the kernel's sigset_t on x86_64 */

/*
 * ppoll/pselect6: block @umask while waiting. The old mask is restored
 * on return, or after the handler when a signal interrupted the wait
 * (the handler's frame carries the old mask, as Linux's saved_sigmask).
 */
static int sigmask_apply(user_addr_t umask)
{
	struct task *t = current();
	ksigset_t mask;

	if (uaddr_is_null(umask))
		return 0;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	t->saved_sigmask = t->blocked;
	t->restore_sigmask = true;
	set_current_blocked(mask);
	return 0;
}

static void sigmask_done(long r)
{
	struct task *t = current();

	if (!t->restore_sigmask || r == -ERESTARTNOHAND)
		return;
	t->restore_sigmask = false;
	set_current_blocked(t->saved_sigmask);
}

/* Whether to report the time left: also when a signal interrupted. */
static bool report_left(long r)
{
	return r >= 0 || r == -ERESTARTNOHAND;
}

SYSCALL_DEFINE5(ppoll, user_addr_t, ufds, unsigned int, nfds,
		user_addr_t, utmo, user_addr_t, usigmask, size_t, sigsetsize)
{
	u64 deadline = NO_DEADLINE, ns;
	long r;

	if (!uaddr_is_null(usigmask) && sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	if (!uaddr_is_null(utmo)) {
		r = timespec_to_ns(utmo, &ns);
		if (r)
			return r;
		deadline = deadline_after(ns);
	}
	r = sigmask_apply(usigmask);
	if (r)
		return r;
	r = poll_common(ufds, nfds, deadline);
	sigmask_done(r);
	if (!uaddr_is_null(utmo) && deadline != NO_DEADLINE && report_left(r)) {
		u64 left = deadline ? ns_left(deadline) : 0;
		struct linux_timespec ts = {
			(s64)(left / NSEC_PER_SEC), (s64)(left % NSEC_PER_SEC)
		};

		(void)copy_to_user(utmo, &ts, sizeof(ts));	/* Linux ignores this fault */
	}
	return r;
}

/* ---- select -------------------------------------------------------- */

#define SEL_IN	(POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SEL_OUT	(POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SEL_EX	(POLLPRI)

struct select_sets {
	unsigned long *in, *out, *ex;	/* may be NULL */
};

static bool bit(const unsigned long *s, unsigned int i)
{
	return s && (s[i / 64] >> (i % 64)) & 1;
}

static int select_get(unsigned long **set, user_addr_t u, size_t bytes)
{
	*set = NULL;
	if (uaddr_is_null(u))
		return 0;
	*set = kmalloc(bytes, GFP_KERNEL);
	if (!*set)
		return -ENOMEM;
	return copy_from_user(*set, u, bytes) ? -EFAULT : 0;
}

static int select_put(user_addr_t u, const unsigned long *set, size_t bytes)
{
	if (uaddr_is_null(u))
		return 0;
	return copy_to_user(u, set, bytes) ? -EFAULT : 0;
}

static long do_select(int n, user_addr_t uin, user_addr_t uout, user_addr_t uex,
		      u64 deadline)
{
	struct select_sets s = { NULL, NULL, NULL };
	size_t bytes;
	struct kpollfd *fds = NULL;
	unsigned int nr = 0;
	long r;

	if (n < 0)
		return -EINVAL;
	if ((unsigned int)n > current_nofile_limit())
		n = (int)current_nofile_limit();	/* Linux clamps to the table */
	bytes = DIV_ROUND_UP((size_t)n, 64) * 8;
	r = select_get(&s.in, uin, bytes);
	if (!r)
		r = select_get(&s.out, uout, bytes);
	if (!r)
		r = select_get(&s.ex, uex, bytes);
	if (r)
		goto out;
	fds = kmalloc(((size_t)n ? (size_t)n : 1) * sizeof(*fds), GFP_KERNEL);
	r = -ENOMEM;
	if (!fds)
		goto out;
	for (int i = 0; i < n; i++) {
		unsigned int ev = (bit(s.in, i) ? SEL_IN : 0) |
				  (bit(s.out, i) ? SEL_OUT : 0) |
				  (bit(s.ex, i) ? SEL_EX : 0);

		if (ev)
			fds[nr++] = (struct kpollfd){ i, (s16)ev, 0 };
	}
	r = do_poll(fds, nr, deadline);
	if (r < 0)
		goto out;
	for (unsigned int i = 0; i < nr; i++)
		if (fds[i].revents & POLLNVAL) {
			r = -EBADF;
			goto out;
		}
	/* Rewrite the sets with the ready bits; count bits, not fds. */
	if (s.in)
		memset(s.in, 0, bytes);
	if (s.out)
		memset(s.out, 0, bytes);
	if (s.ex)
		memset(s.ex, 0, bytes);
	r = 0;
	for (unsigned int i = 0; i < nr; i++) {
		unsigned int fd = (unsigned int)fds[i].fd;
		unsigned int rev = (u16)fds[i].revents, ev = (u16)fds[i].events;

		if ((ev & POLLIN) && (rev & SEL_IN)) {
			s.in[fd / 64] |= 1UL << (fd % 64);
			r++;
		}
		if ((ev & POLLOUT) && (rev & SEL_OUT)) {
			s.out[fd / 64] |= 1UL << (fd % 64);
			r++;
		}
		if ((ev & POLLPRI) && (rev & SEL_EX)) {
			s.ex[fd / 64] |= 1UL << (fd % 64);
			r++;
		}
	}
	if (select_put(uin, s.in, bytes) || select_put(uout, s.out, bytes) ||
	    select_put(uex, s.ex, bytes))
		r = -EFAULT;
out:
	kfree(fds);
	kfree(s.in);
	kfree(s.out);
	kfree(s.ex);
	return r;
}

SYSCALL_DEFINE5(select, int, n, user_addr_t, uin, user_addr_t, uout,
		user_addr_t, uex, user_addr_t, utv)
{
	u64 deadline = NO_DEADLINE;
	struct linux_timeval tv;
	long r;

	if (!uaddr_is_null(utv)) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		/* Linux normalizes tv_usec >= 1e6 rather than refusing it. */
		deadline = deadline_after((u64)tv.tv_sec * NSEC_PER_SEC +
					  (u64)tv.tv_usec * 1000);
	}
	r = do_select(n, uin, uout, uex, deadline);
	if (!uaddr_is_null(utv) && report_left(r)) {
		u64 left = deadline && deadline != NO_DEADLINE ? ns_left(deadline) : 0;

		tv.tv_sec = (s64)(left / NSEC_PER_SEC);
		tv.tv_usec = (s64)(left % NSEC_PER_SEC / 1000);
		(void)copy_to_user(utv, &tv, sizeof(tv));
	}
	return r;
}

SYSCALL_DEFINE6(pselect6, int, n, user_addr_t, uin, user_addr_t, uout,
		user_addr_t, uex, user_addr_t, uts, user_addr_t, usig)
{
	struct { u64 ss; u64 ss_len; } sig;
	u64 deadline = NO_DEADLINE, ns;
	long r;

	/* The 6th argument points at { const sigset_t *ss; size_t ss_len; }. */
	if (!uaddr_is_null(usig)) {
		if (copy_from_user(&sig, usig, sizeof(sig)))
			return -EFAULT;
		if (sig.ss && sig.ss_len != SIGSET_SIZE)
			return -EINVAL;
	}
	if (!uaddr_is_null(uts)) {
		r = timespec_to_ns(uts, &ns);
		if (r)
			return r;
		deadline = deadline_after(ns);
	}
	if (!uaddr_is_null(usig) && sig.ss) {
		r = sigmask_apply(UADDR(sig.ss));
		if (r)
			return r;
	}
	r = do_select(n, uin, uout, uex, deadline);
	sigmask_done(r);
	if (!uaddr_is_null(uts) && report_left(r)) {
		u64 left = deadline && deadline != NO_DEADLINE ? ns_left(deadline) : 0;
		struct linux_timespec ts = {
			(s64)(left / NSEC_PER_SEC), (s64)(left % NSEC_PER_SEC)
		};

		(void)copy_to_user(uts, &ts, sizeof(ts));
	}
	return r;
}
