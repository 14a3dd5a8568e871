/*
 * fd tables: per-process arrays of open files with a close-on-exec
 * bitmap. Allocation takes the lowest free number at or above a minimum,
 * bounded by RLIMIT_NOFILE; the array grows by doubling. A slot may be
 * reserved (chosen but not yet filled) so a syscall can copy fd numbers
 * out before it commits.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include "internal.h"

#define FD_RESERVED	((struct file *)1)
#define NOFILE_DEFAULT	1024
#define BITS		(8 * sizeof(unsigned long))

struct files kernel_files = { .refcount = 1, .lock = SPINLOCK_INIT };

struct files *current_files(void)
{
	struct process *p = current_process();

	return p && p->files ? p->files : &kernel_files;
}

unsigned int current_nofile_limit(void)
{
	struct process *p = current_process();
	u64 lim = p ? p->rlim[RLIMIT_NOFILE].rlim_cur : NOFILE_DEFAULT;

	/* Bound the table whatever the limit says (Linux: fs.nr_open). */
	return lim > (1U << 20) ? (1U << 20) : (unsigned int)lim;
}

static bool bit_test(const unsigned long *map, unsigned int i)
{
	return map[i / BITS] & (1UL << (i % BITS));
}

static void bit_assign(unsigned long *map, unsigned int i, bool on)
{
	if (on)
		map[i / BITS] |= 1UL << (i % BITS);
	else
		map[i / BITS] &= ~(1UL << (i % BITS));
}

static size_t map_bytes(unsigned int n)
{
	return DIV_ROUND_UP(n, BITS) * sizeof(unsigned long);
}

struct files *files_create(void)
{
	struct files *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->refcount = 1;
	spin_lock_init(&f->lock);
	return f;
}

/*
 * Make room for fd @want: allocate outside the lock, then swap the new
 * arrays in if the table is still smaller. Called and returns unlocked.
 */
static int files_grow(struct files *t, unsigned int want)
{
	unsigned int n = 64;
	struct file **fd;
	unsigned long *ce;
	unsigned long fl;

	while (n <= want)
		n *= 2;
	fd = kcalloc(n, sizeof(*fd), GFP_KERNEL);
	ce = kzalloc(map_bytes(n), GFP_KERNEL);
	if (!fd || !ce) {
		kfree(fd);
		kfree(ce);
		return -ENOMEM;
	}
	fl = spin_lock_irqsave(&t->lock);
	if (t->max_fds < n) {
		struct file **ofd = t->fd;
		unsigned long *oce = t->cloexec;

		if (ofd) {
			memcpy(fd, ofd, t->max_fds * sizeof(*fd));
			memcpy(ce, oce, map_bytes(t->max_fds));
		}
		t->fd = fd;
		t->cloexec = ce;
		t->max_fds = n;
		fd = ofd;
		ce = oce;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	kfree(fd);
	kfree(ce);
	return 0;
}

struct files *files_dup(struct files *src)
{
	struct files *t = files_create();
	unsigned long fl;
	unsigned int i;

	if (!t)
		return NULL;
	for (;;) {
		unsigned int need = READ_ONCE(src->max_fds);

		if (need && files_grow(t, need - 1)) {
			files_put(t);
			return NULL;
		}
		fl = spin_lock_irqsave(&src->lock);
		if (src->max_fds <= t->max_fds)
			break;
		spin_unlock_irqrestore(&src->lock, fl);
	}
	for (i = 0; i < src->max_fds; i++) {
		struct file *f = src->fd[i];

		if (!f || f == FD_RESERVED)
			continue;
		t->fd[i] = get_file(f);
		bit_assign(t->cloexec, i, bit_test(src->cloexec, i));
	}
	spin_unlock_irqrestore(&src->lock, fl);
	return t;
}

void files_get(struct files *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void files_put(struct files *t)
{
	unsigned int i;

	if (__atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	for (i = 0; i < t->max_fds; i++)
		if (t->fd[i] && t->fd[i] != FD_RESERVED)
			fput(t->fd[i]);
	kfree(t->fd);
	kfree(t->cloexec);
	if (t != &kernel_files)
		kfree(t);
}

/* Take out the files matching @cloexec_only (or all), then fput unlocked. */
static void files_close_range(struct files *t, unsigned int first,
			      unsigned int last, bool cloexec_only)
{
	unsigned int i;

	for (i = first; i <= last; i++) {
		struct file *f = NULL;
		unsigned long fl = spin_lock_irqsave(&t->lock);

		if (i >= t->max_fds) {
			spin_unlock_irqrestore(&t->lock, fl);
			break;
		}
		if (t->fd[i] && t->fd[i] != FD_RESERVED &&
		    (!cloexec_only || bit_test(t->cloexec, i))) {
			f = t->fd[i];
			t->fd[i] = NULL;
			bit_assign(t->cloexec, i, false);
			if (i < t->next_hint)
				t->next_hint = i;
		}
		spin_unlock_irqrestore(&t->lock, fl);
		fput(f);
	}
}

void files_close_on_exec(struct files *t)
{
	files_close_range(t, 0, ~0U - 1, true);
}

int fd_reserve(unsigned int flags, int min_fd)
{
	struct files *t = current_files();
	unsigned int limit = current_nofile_limit();
	unsigned int i;
	unsigned long fl;
	int err;

	if (min_fd < 0)
		return -EINVAL;
	for (;;) {
		fl = spin_lock_irqsave(&t->lock);
		i = (unsigned int)min_fd;
		if (i < t->next_hint)
			i = t->next_hint;
		while (i < t->max_fds && t->fd[i])
			i++;
		if (i >= limit) {
			spin_unlock_irqrestore(&t->lock, fl);
			return -EMFILE;
		}
		if (i < t->max_fds)
			break;
		spin_unlock_irqrestore(&t->lock, fl);
		err = files_grow(t, i);
		if (err)
			return err;
	}
	t->fd[i] = FD_RESERVED;
	bit_assign(t->cloexec, i, flags & O_CLOEXEC);
	if ((unsigned int)min_fd <= t->next_hint)
		t->next_hint = i + 1;
	spin_unlock_irqrestore(&t->lock, fl);
	return (int)i;
}

/* Takes over the caller's reference on @f. */
void fd_install(int fd, struct file *f)
{
	struct files *t = current_files();
	unsigned long fl = spin_lock_irqsave(&t->lock);

	t->fd[fd] = f;
	spin_unlock_irqrestore(&t->lock, fl);
}

void fd_unreserve(int fd)
{
	struct files *t = current_files();
	unsigned long fl = spin_lock_irqsave(&t->lock);

	if (t->fd[fd] == FD_RESERVED) {
		t->fd[fd] = NULL;
		if ((unsigned int)fd < t->next_hint)
			t->next_hint = (unsigned int)fd;
	}
	spin_unlock_irqrestore(&t->lock, fl);
}

/* Takes over the caller's reference on @f on success. */
int fd_install_new(struct file *f, unsigned int flags, int min_fd)
{
	int fd = fd_reserve(flags, min_fd);

	if (fd >= 0)
		fd_install(fd, f);
	return fd;
}

struct file *fget(int fd)
{
	struct files *t = current_files();
	struct file *f = NULL;
	unsigned long fl;

	if (fd < 0)
		return NULL;
	fl = spin_lock_irqsave(&t->lock);
	if ((unsigned int)fd < t->max_fds && t->fd[fd] &&
	    t->fd[fd] != FD_RESERVED)
		f = get_file(t->fd[fd]);
	spin_unlock_irqrestore(&t->lock, fl);
	return f;
}

int fd_close(int fd)
{
	struct files *t = current_files();
	struct file *f = NULL;
	unsigned long fl;

	if (fd < 0)
		return -EBADF;
	fl = spin_lock_irqsave(&t->lock);
	if ((unsigned int)fd < t->max_fds && t->fd[fd] != FD_RESERVED) {
		f = t->fd[fd];
		t->fd[fd] = NULL;
		bit_assign(t->cloexec, (unsigned int)fd, false);
		if ((unsigned int)fd < t->next_hint)
			t->next_hint = (unsigned int)fd;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

int fd_get_cloexec(int fd)
{
	struct files *t = current_files();
	unsigned long fl = spin_lock_irqsave(&t->lock);
	int r = -EBADF;

	if (fd >= 0 && (unsigned int)fd < t->max_fds && t->fd[fd] &&
	    t->fd[fd] != FD_RESERVED)
		r = bit_test(t->cloexec, (unsigned int)fd);
	spin_unlock_irqrestore(&t->lock, fl);
	return r;
}

int fd_set_cloexec(int fd, bool on)
{
	struct files *t = current_files();
	unsigned long fl = spin_lock_irqsave(&t->lock);
	int r = -EBADF;

	if (fd >= 0 && (unsigned int)fd < t->max_fds && t->fd[fd] &&
	    t->fd[fd] != FD_RESERVED) {
		bit_assign(t->cloexec, (unsigned int)fd, on);
		r = 0;
	}
	spin_unlock_irqrestore(&t->lock, fl);
	return r;
}

/* dup2/dup3: @f gets a new reference at @newfd; the old file is closed. */
int fd_replace(int newfd, struct file *f, unsigned int flags)
{
	struct files *t = current_files();
	struct file *old;
	unsigned long fl;
	int err;

	if (newfd < 0 || (unsigned int)newfd >= current_nofile_limit())
		return -EBADF;
	for (;;) {
		fl = spin_lock_irqsave(&t->lock);
		if ((unsigned int)newfd < t->max_fds)
			break;
		spin_unlock_irqrestore(&t->lock, fl);
		err = files_grow(t, (unsigned int)newfd);
		if (err)
			return err;
	}
	old = t->fd[newfd];
	if (old == FD_RESERVED) {
		spin_unlock_irqrestore(&t->lock, fl);
		return -EBUSY;	/* Linux: racing with an open on that fd */
	}
	t->fd[newfd] = get_file(f);
	bit_assign(t->cloexec, (unsigned int)newfd, flags & O_CLOEXEC);
	spin_unlock_irqrestore(&t->lock, fl);
	fput(old);
	return newfd;
}

int fd_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
	struct process *p = current_process();
	struct files *t = current_files();
	unsigned int i;

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if ((flags & CLOSE_RANGE_UNSHARE) && p &&
	    READ_ONCE(t->refcount) > 1) {
		struct files *copy = files_dup(t);

		if (!copy)
			return -ENOMEM;
		p->files = copy;
		files_put(t);
		t = copy;
	}
	if (flags & CLOSE_RANGE_CLOEXEC) {
		unsigned long fl = spin_lock_irqsave(&t->lock);

		for (i = first; i < t->max_fds && i <= last; i++)
			if (t->fd[i] && t->fd[i] != FD_RESERVED)
				bit_assign(t->cloexec, i, true);
		spin_unlock_irqrestore(&t->lock, fl);
		return 0;
	}
	files_close_range(t, first, last, false);
	return 0;
}
