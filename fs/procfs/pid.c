/*
 * /proc/<pid> and /proc/self: a process's stat, status, cmdline, comm,
 * maps, exe, cwd and fd/ in Linux's formats (BusyBox ps reads stat's
 * fields by position). Another process's mm, files and fs are taken with
 * a reference under process_tree_lock for the duration of one read.
 */
#include <ferrite/pgtable.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <ferrite/timer.h>
#include <ferrite/vm.h>
#include "internal.h"

#define USER_HZ		100
#define TICK_OF(ns)	((unsigned long long)((ns) / (NSEC_PER_SEC / USER_HZ)))

struct process *proc_process(struct proc_inode *pi)
{
	return process_lookup(pi->pid);
}

/*
 * References to another process's resources. Exit and exec replace these
 * pointers under process_tree_lock and drop their own references only
 * after releasing it, so a reference taken here under the lock is to a
 * live object.
 */
static struct mm *proc_get_mm(struct process *p)
{
	unsigned long fl = spin_lock_irqsave(&process_tree_lock);
	struct mm *mm = READ_ONCE(p->mm);

	if (mm)
		mm_get(mm);
	spin_unlock_irqrestore(&process_tree_lock, fl);
	return mm;
}

static struct files *proc_get_files(struct process *p)
{
	unsigned long fl = spin_lock_irqsave(&process_tree_lock);
	struct files *f = READ_ONCE(p->files);

	if (f)
		files_get(f);
	spin_unlock_irqrestore(&process_tree_lock, fl);
	return f;
}

/* ---- reading another address space -------------------------------------- */

/*
 * Copy from @mm without faulting anything in: the argument area was
 * written at exec, so its pages are present. Absent pages end the copy.
 * Returns bytes copied.
 */
static size_t mm_peek(struct mm *mm, void *dst, uintptr_t src, size_t len)
{
	u8 *out = dst;
	size_t done = 0;

	if (src > USER_TOP || len > USER_TOP - src)
		return 0;
	mutex_lock(&mm->lock);
	while (done < len) {
		uintptr_t va = src + done;
		size_t off = va & ~PAGE_MASK;
		size_t n = MIN(len - done, PAGE_SIZE - off);
		pte_t *slot = arch_pte_slot(&mm->arch, va & PAGE_MASK, false);

		if (!slot || !arch_pte_present(*slot))
			break;
		memcpy(out + done, (u8 *)phys_to_virt(arch_pte_phys(*slot)) + off, n);
		done += n;
	}
	mutex_unlock(&mm->lock);
	return done;
}

/* ---- snapshot of the fields several files print ---------------------------------- */

struct pid_info {
	int pid, ppid, pgid, sid, nr_threads, exit_signal;
	char state;
	const char *state_name;
	char comm[TASK_COMM_LEN];
	u64 utime, stime, cutime, cstime, start_ns;
	ksigset_t pending, shared_pending, blocked, ignored, caught;
	struct cred cred;	/* groups not copied */
};

/* The letter ps shows for a process, from its first thread's state. */
static void pid_state(struct process *p, struct task *t, struct pid_info *in)
{
	int state = t ? READ_ONCE(t->state) : TASK_DEAD;

	if (p->state != PROCESS_ALIVE) {
		in->state = 'Z';
		in->state_name = "Z (zombie)";
	} else if (state == TASK_RUNNING) {
		in->state = 'R';
		in->state_name = "R (running)";
	} else if (state == TASK_INTERRUPTIBLE) {
		in->state = 'S';
		in->state_name = "S (sleeping)";
	} else if (state == TASK_UNINTERRUPTIBLE) {
		in->state = 'D';
		in->state_name = "D (disk sleep)";
	} else if (state == TASK_STOPPED) {
		in->state = 'T';
		in->state_name = "T (stopped)";
	} else {
		in->state = 'X';
		in->state_name = "X (dead)";
	}
}

/* The signal sets status shows. Process tree lock held (then sig.lock). */
static void pid_signals(struct process *p, struct task *t, struct pid_info *in)
{
	unsigned long fl = spin_lock_irqsave(&p->sig.lock);

	in->pending = t ? t->pending.set : 0;
	in->blocked = t ? t->blocked : 0;
	in->shared_pending = p->sig.shared.set;
	in->ignored = 0;
	in->caught = 0;
	for (int sig = 1; sig <= NSIG_MAX; sig++) {
		u64 h = p->sig.action[sig - 1].handler;

		if (h == SIG_IGN)
			in->ignored |= sigmask(sig);
		else if (h != SIG_DFL)
			in->caught |= sigmask(sig);
	}
	spin_unlock_irqrestore(&p->sig.lock, fl);
}

static void pid_snapshot(struct process *p, struct pid_info *in)
{
	unsigned long fl = spin_lock_irqsave(&process_tree_lock);
	struct task *t = p->leader;

	in->pid = p->pid;
	in->ppid = p->parent && p->parent != p ? p->parent->pid : 0;
	in->pgid = p->pgid;
	in->sid = p->sid;
	in->nr_threads = (int)p->nr_threads;
	in->exit_signal = p->exit_signal;
	pid_state(p, t, in);
	pid_signals(p, t, in);
	memset(in->comm, 0, sizeof(in->comm));
	if (t)
		memcpy(in->comm, t->name, TASK_COMM_LEN - 1);
	in->cutime = p->cutime_ns;
	in->cstime = p->cstime_ns;
	in->start_ns = p->start_ns;
	in->cred = p->cred;
	in->cred.groups = NULL;
	spin_unlock_irqrestore(&process_tree_lock, fl);
	/*
	 * Outside the tree lock: it takes the run queue lock. Time is not
	 * split into user and system yet; all of it is user time.
	 */
	in->utime = process_cpu_time_ns(p);
	in->stime = 0;
}

/* Address-space figures, in bytes (rss in pages), as Linux counts them. */
struct mm_figures {
	u64 vsize, rss;
	u64 data;	/* private writable, not stack */
	u64 stack;	/* the main stack */
	u64 exe;	/* the program's text */
};

static void mm_sizes(struct mm *mm, struct mm_figures *fg)
{
	struct rb_node *n;

	memset(fg, 0, sizeof(*fg));
	if (!mm)
		return;
	mutex_lock(&mm->lock);
	for (n = rb_first(&mm->vmas); n; n = rb_next(n)) {
		struct vm_area *v = container_of(n, struct vm_area, node);
		u64 len = v->end - v->start;

		fg->vsize += len;
		if (v->flags & VM_GROWSDOWN)
			fg->stack += len;
		else if ((v->flags & VM_WRITE) && !(v->flags & VM_SHARED))
			fg->data += len;
	}
	fg->rss = mm->rss_pages;
	if (mm->end_code > mm->start_code)
		fg->exe = ALIGN_UP(mm->end_code, PAGE_SIZE) -
			  (mm->start_code & PAGE_MASK);
	mutex_unlock(&mm->lock);
}

/* ---- the files --------------------------------------------------------------- */

static int show_stat(struct proc_inode *pi, struct seqbuf *s)
{
	struct process *p = proc_process(pi);
	struct pid_info in;
	struct mm_figures fg;
	struct mm *mm;
	uintptr_t l[11] = { 0 };

	if (!p)
		return -ESRCH;
	pid_snapshot(p, &in);
	mm = proc_get_mm(p);
	mm_sizes(mm, &fg);
	if (mm) {
		mutex_lock(&mm->lock);
		l[0] = mm->start_code;
		l[1] = mm->end_code;
		l[2] = mm->start_stack;
		l[3] = mm->start_data;
		l[4] = mm->end_data;
		l[5] = mm->start_brk;
		l[6] = mm->arg_start;
		l[7] = mm->arg_end;
		l[8] = mm->env_start;
		l[9] = mm->env_end;
		mutex_unlock(&mm->lock);
		mm_put(mm);
	}
	/*
	 * Field order is proc(5)'s; unmodelled fields are 0 as on Linux.
	 * tty_nr is 0 and tpgid -1 (no terminal) until the tty layer can
	 * name a session's terminal.
	 */
	seq_printf(s, "%d (%s) %c %d %d %d 0 -1 %u 0 0 0 0 %llu %llu %llu %llu "
		   "20 0 %d 0 %llu %llu %llu %llu %lu %lu %lu 0 0 "
		   "%llu %llu %llu %llu 0 0 0 "
		   "%d 0 0 0 0 0 0 %lu %lu %lu %lu %lu %lu %lu 0\n",
		   in.pid, in.comm, in.state, in.ppid, in.pgid, in.sid,
		   0u /* no PF_* flags are modelled */,
		   TICK_OF(in.utime), TICK_OF(in.stime), TICK_OF(in.cutime),
		   TICK_OF(in.cstime), in.nr_threads, TICK_OF(in.start_ns),
		   (unsigned long long)fg.vsize, (unsigned long long)fg.rss,
		   (unsigned long long)RLIM_INFINITY,
		   (unsigned long)l[0], (unsigned long)l[1], (unsigned long)l[2],
		   /* The obsolete decimal signal fields: low 64 signals. */
		   (unsigned long long)(in.pending | in.shared_pending),
		   (unsigned long long)in.blocked, (unsigned long long)in.ignored,
		   (unsigned long long)in.caught, in.exit_signal,
		   (unsigned long)l[3], (unsigned long)l[4], (unsigned long)l[5],
		   (unsigned long)l[6], (unsigned long)l[7], (unsigned long)l[8],
		   (unsigned long)l[9]);
	process_put(p);
	return 0;
}

static void show_kb(struct seqbuf *s, const char *name, u64 bytes)
{
	seq_printf(s, "%s:\t%8llu kB\n", name, (unsigned long long)(bytes >> 10));
}

/* FDSize and Groups, read under the locks that guard them. */
static void show_status_ids(struct seqbuf *s, struct process *p)
{
	unsigned long fl = spin_lock_irqsave(&process_tree_lock), fl2;
	unsigned int fds = 0;

	if (p->files) {
		fl2 = spin_lock_irqsave(&p->files->lock);
		fds = p->files->max_fds;
		spin_unlock_irqrestore(&p->files->lock, fl2);
	}
	seq_printf(s, "FDSize:\t%u\nGroups:\t", fds);
	/* Only the process itself changes its groups; the tree lock keeps
	 * it from exiting (and freeing them) meanwhile. */
	for (u32 g = 0; g < p->cred.ngroups && p->cred.groups; g++)
		seq_printf(s, "%u ", p->cred.groups[g]);
	seq_printf(s, "\n");
	spin_unlock_irqrestore(&process_tree_lock, fl);
}

static u32 process_umask(struct process *p)
{
	unsigned long fl = spin_lock_irqsave(&process_tree_lock), fl2;
	u32 umask = 022;

	if (p->fs) {
		fl2 = spin_lock_irqsave(&p->fs->lock);
		umask = p->fs->umask;
		spin_unlock_irqrestore(&p->fs->lock, fl2);
	}
	spin_unlock_irqrestore(&process_tree_lock, fl);
	return umask;
}

static int show_status(struct proc_inode *pi, struct seqbuf *s)
{
	struct process *p = proc_process(pi);
	struct mm_figures fg;
	struct pid_info in;
	struct mm *mm;

	if (!p)
		return -ESRCH;
	pid_snapshot(p, &in);
	mm = proc_get_mm(p);
	mm_sizes(mm, &fg);
	if (mm)
		mm_put(mm);
	seq_printf(s, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\n"
		   "Ngid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n"
		   "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n",
		   in.comm, process_umask(p), in.state_name, in.pid, in.pid,
		   in.ppid, in.cred.uid, in.cred.euid, in.cred.suid,
		   in.cred.fsuid, in.cred.gid, in.cred.egid, in.cred.sgid,
		   in.cred.fsgid);
	show_status_ids(s, p);
	seq_printf(s, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		   in.pid, in.pid, in.pgid, in.sid);
	if (mm) {
		/* The peak is not tracked: the current size stands for it. */
		show_kb(s, "VmPeak", fg.vsize);
		show_kb(s, "VmSize", fg.vsize);
		show_kb(s, "VmLck", 0);
		show_kb(s, "VmPin", 0);
		show_kb(s, "VmHWM", fg.rss << PAGE_SHIFT);
		show_kb(s, "VmRSS", fg.rss << PAGE_SHIFT);
		show_kb(s, "VmData", fg.data);
		show_kb(s, "VmStk", fg.stack);
		show_kb(s, "VmExe", fg.exe);
		show_kb(s, "VmLib", 0);
		show_kb(s, "VmSwap", 0);
	}
	seq_printf(s, "Threads:\t%d\nSigQ:\t0/0\nSigPnd:\t%016llx\n"
		   "ShdPnd:\t%016llx\nSigBlk:\t%016llx\n"
		   "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		   in.nr_threads, (unsigned long long)in.pending,
		   (unsigned long long)in.shared_pending,
		   (unsigned long long)in.blocked, (unsigned long long)in.ignored,
		   (unsigned long long)in.caught);
	process_put(p);
	return 0;
}

static int show_statm(struct proc_inode *pi, struct seqbuf *s)
{
	struct process *p = proc_process(pi);
	struct mm_figures fg;
	struct mm *mm;

	if (!p)
		return -ESRCH;
	mm = proc_get_mm(p);
	process_put(p);
	mm_sizes(mm, &fg);
	if (mm)
		mm_put(mm);
	/*
	 * size resident shared text lib data dt, in pages. lib and dt are 0
	 * on Linux too; shared (file-backed resident) pages are not counted
	 * apart yet. Linux's data includes the stack.
	 */
	seq_printf(s, "%llu %llu 0 %llu 0 %llu 0\n",
		   (unsigned long long)(fg.vsize >> PAGE_SHIFT),
		   (unsigned long long)fg.rss,
		   (unsigned long long)(fg.exe >> PAGE_SHIFT),
		   (unsigned long long)((fg.data + fg.stack) >> PAGE_SHIFT));
	return 0;
}

static int show_comm(struct proc_inode *pi, struct seqbuf *s)
{
	struct process *p = proc_process(pi);
	struct pid_info in;

	if (!p)
		return -ESRCH;
	pid_snapshot(p, &in);
	seq_printf(s, "%s\n", in.comm);
	process_put(p);
	return 0;
}

#define CMDLINE_MAX	(64 * 1024)

static int show_cmdline(struct proc_inode *pi, struct seqbuf *s)
{
	struct process *p = proc_process(pi);
	struct mm *mm;
	uintptr_t start, end;
	size_t len, got;
	char *buf;

	if (!p)
		return -ESRCH;
	mm = proc_get_mm(p);
	process_put(p);
	if (!mm)
		return 0;	/* zombies and kernel threads: empty, as Linux */
	mutex_lock(&mm->lock);
	start = mm->arg_start;
	end = mm->arg_end;
	mutex_unlock(&mm->lock);
	len = end > start ? MIN(end - start, (size_t)CMDLINE_MAX) : 0;
	buf = len ? kmalloc(len, GFP_KERNEL) : NULL;
	if (len && !buf) {
		mm_put(mm);
		return -ENOMEM;
	}
	got = len ? mm_peek(mm, buf, start, len) : 0;
	seq_write(s, buf, got);
	kfree(buf);
	mm_put(mm);
	return 0;
}

static void show_vma(struct seqbuf *s, struct mm *mm, struct vm_area *v,
		     char *pathbuf)
{
	const char *name = "";

	if (v->file) {
		char *p = d_path(&v->file->path, pathbuf, PATH_MAX);

		name = IS_ERR(p) ? "" : p;
	} else if (v->flags & VM_GROWSDOWN) {
		name = "[stack]";
	} else if (v->start >= mm->start_brk && v->end <= ALIGN_UP(mm->brk, PAGE_SIZE) &&
		   mm->brk > mm->start_brk) {
		name = "[heap]";
	}
	seq_printf(s, "%08lx-%08lx %c%c%c%c %08llx 00:00 %llu",
		   (unsigned long)v->start, (unsigned long)v->end,
		   v->flags & VM_READ ? 'r' : '-', v->flags & VM_WRITE ? 'w' : '-',
		   v->flags & VM_EXEC ? 'x' : '-', v->flags & VM_SHARED ? 's' : 'p',
		   (unsigned long long)(v->pgoff << PAGE_SHIFT),
		   (unsigned long long)(v->file ? v->file->inode->ino : 0));
	if (name[0])
		seq_printf(s, "%*s%s", 8, "", name);
	seq_printf(s, "\n");
}

static int show_maps(struct proc_inode *pi, struct seqbuf *s)
{
	struct process *p = proc_process(pi);
	struct rb_node *n;
	struct mm *mm;
	char *pathbuf;

	if (!p)
		return -ESRCH;
	mm = proc_get_mm(p);
	process_put(p);
	if (!mm)
		return 0;
	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!pathbuf) {
		mm_put(mm);
		return -ENOMEM;
	}
	mutex_lock(&mm->lock);
	for (n = rb_first(&mm->vmas); n; n = rb_next(n))
		show_vma(s, mm, container_of(n, struct vm_area, node), pathbuf);
	mutex_unlock(&mm->lock);
	kfree(pathbuf);
	mm_put(mm);
	return 0;
}

/* ---- symlinks ------------------------------------------------------------------------ */

/* Copy the text of @path into buf (not NUL-terminated, as readlink). */
static ssize_t link_path(const struct path *path, char *buf, size_t len)
{
	char *tmp = kmalloc(PATH_MAX, GFP_KERNEL);
	char *p;
	ssize_t n;

	if (!tmp)
		return -ENOMEM;
	p = d_path(path, tmp, PATH_MAX);
	if (IS_ERR(p)) {
		kfree(tmp);
		return PTR_ERR(p);
	}
	n = (ssize_t)MIN(strlen(p), len);
	memcpy(buf, p, (size_t)n);
	kfree(tmp);
	return n;
}

static ssize_t link_self(struct proc_inode *pi, char *buf, size_t len)
{
	struct process *p = current_process();
	char tmp[12];
	int n;

	if (!p)
		return -ENOENT;
	n = snprintf(tmp, sizeof(tmp), "%d", p->pid);
	n = MIN(n, (int)len);
	memcpy(buf, tmp, (size_t)n);
	return n;
}

static ssize_t link_exe(struct proc_inode *pi, char *buf, size_t len)
{
	struct process *p = proc_process(pi);
	struct path exe = { 0 };
	unsigned long fl;
	ssize_t n;

	if (!p)
		return -ENOENT;
	fl = spin_lock_irqsave(&process_tree_lock);
	if (p->exe) {
		exe = *p->exe;
		path_get(&exe);
	}
	spin_unlock_irqrestore(&process_tree_lock, fl);
	process_put(p);
	if (!exe.dentry)
		return -ENOENT;
	n = link_path(&exe, buf, len);
	path_put(&exe);
	return n;
}

static ssize_t link_cwd(struct proc_inode *pi, char *buf, size_t len)
{
	struct process *p = proc_process(pi);
	struct path cwd = { 0 };
	struct fs_context *fs;
	unsigned long fl, fl2;
	ssize_t n;

	if (!p)
		return -ENOENT;
	fl = spin_lock_irqsave(&process_tree_lock);
	fs = READ_ONCE(p->fs);
	if (fs) {
		fl2 = spin_lock_irqsave(&fs->lock);
		cwd = fs->cwd;
		path_get(&cwd);
		spin_unlock_irqrestore(&fs->lock, fl2);
	}
	spin_unlock_irqrestore(&process_tree_lock, fl);
	process_put(p);
	if (!cwd.dentry)
		return -ENOENT;
	n = link_path(&cwd, buf, len);
	path_put(&cwd);
	return n;
}

/* The open file at @fd of @pid, referenced, or NULL. */
static struct file *pid_fget(int pid, int fd)
{
	struct process *p = process_lookup(pid);
	struct files *files;
	struct file *f = NULL;
	unsigned long fl;

	if (!p)
		return NULL;
	files = proc_get_files(p);
	process_put(p);
	if (!files)
		return NULL;
	fl = spin_lock_irqsave(&files->lock);
	if (fd >= 0 && (unsigned int)fd < files->max_fds && files->fd[fd])
		f = get_file(files->fd[fd]);
	spin_unlock_irqrestore(&files->lock, fl);
	files_put(files);
	return f;
}

bool proc_fd_exists(int pid, int fd)
{
	struct file *f = pid_fget(pid, fd);

	if (f)
		fput(f);
	return f != NULL;
}

void proc_fd_inode_fill(struct inode *i, int pid, int fd)
{
	struct file *f = pid_fget(pid, fd);
	umode_t perm = 0;

	if (!f)
		return;
	/* As Linux: the link's owner bits say how the file is open, and
	 * its size is 64 (a name is generated on each readlink). */
	if (f->mode & FMODE_READ)
		perm |= 0500;
	if (f->mode & FMODE_WRITE)
		perm |= 0300;
	i->mode = (i->mode & S_IFMT) | perm;
	i->size = 64;
	fput(f);
}

static ssize_t link_fd(struct proc_inode *pi, char *buf, size_t len)
{
	struct file *f = pid_fget(pi->pid, pi->fd);
	ssize_t n;

	if (!f)
		return -ENOENT;
	if (f->path.dentry) {
		n = link_path(&f->path, buf, len);
	} else {
		/* Pipes and other objects without a name, as Linux shows them. */
		char tmp[40];
		int m = snprintf(tmp, sizeof(tmp), "pipe:[%llu]",
				 (unsigned long long)f->inode->ino);

		n = MIN(m, (int)len);
		memcpy(buf, tmp, (size_t)n);
	}
	fput(f);
	return n;
}

int proc_fd_iterate(int pid, struct dir_context *ctx)
{
	struct process *p = process_lookup(pid);
	struct files *files;
	unsigned long fl;

	if (!p)
		return -ENOENT;
	files = proc_get_files(p);
	process_put(p);
	if (!files)
		return 0;
	/* emit only fills a kernel buffer: fine under the spinlock. */
	fl = spin_lock_irqsave(&files->lock);
	for (u64 fd = ctx->pos - 2; fd < files->max_fds; fd++) {
		char name[12];
		int n;

		if (!files->fd[fd])
			continue;
		n = snprintf(name, sizeof(name), "%llu", (unsigned long long)fd);
		if (!ctx->emit(ctx, name, (u32)n, 0x100000 + fd, DT_LNK))
			break;
		ctx->pos = fd + 3;
	}
	spin_unlock_irqrestore(&files->lock, fl);
	files_put(files);
	return 0;
}

#ifdef CONFIG_FAIL_ALLOC
/* Linux's fault-injection flag: "0" or "1", inherited by fork. */
static int show_make_it_fail(struct proc_inode *pi, struct seqbuf *s)
{
	struct process *p = proc_process(pi);

	if (!p)
		return -ESRCH;
	seq_printf(s, "%d\n", READ_ONCE(p->make_it_fail) ? 1 : 0);
	process_put(p);
	return 0;
}

/* Linux takes any integer (kstrtoint, a trailing newline allowed). */
static int write_make_it_fail(struct proc_inode *pi, const char *buf,
			      size_t len)
{
	char num[PROC_WRITE_MAX];
	struct process *p;
	s64 v;

	if (len && buf[len - 1] == '\n')
		len--;
	memcpy(num, buf, len);
	num[len] = '\0';
	if (kstrtos64(num, 0, &v) || v < -0x80000000LL || v > 0x7fffffffLL)
		return -EINVAL;
	p = proc_process(pi);
	if (!p)
		return -ESRCH;
	WRITE_ONCE(p->make_it_fail, v != 0);
	process_put(p);
	return 0;
}
#endif

int proc_pid_write(struct proc_inode *pi, const char *buf, size_t len)
{
#ifdef CONFIG_FAIL_ALLOC
	if (pi->entry->show == show_make_it_fail)
		return write_make_it_fail(pi, buf, len);
#endif
	return -EINVAL;
}

/* ---- the tables --------------------------------------------------------------------- */

const struct proc_entry proc_fd_link_entry = {
	"fd", S_IFLNK | 0700, PD_NONE, NULL, 0, NULL, link_fd,
};

const struct proc_entry proc_self_entry = {
	"self", S_IFLNK | 0777, PD_NONE, NULL, 0, NULL, link_self,
};

static const struct proc_entry pid_entries[] = {
	{ "cmdline", S_IFREG | 0444, PD_NONE, NULL, 0, show_cmdline, NULL },
	{ "comm", S_IFREG | 0644, PD_NONE, NULL, 0, show_comm, NULL },
	{ "cwd", S_IFLNK | 0777, PD_NONE, NULL, 0, NULL, link_cwd },
	{ "exe", S_IFLNK | 0777, PD_NONE, NULL, 0, NULL, link_exe },
	{ "fd", S_IFDIR | 0500, PD_FD, NULL, 0, NULL, NULL },
#ifdef CONFIG_FAIL_ALLOC
	{ "make-it-fail", S_IFREG | 0644, PD_NONE, NULL, 0, show_make_it_fail,
	  NULL },
#endif
	{ "maps", S_IFREG | 0444, PD_NONE, NULL, 0, show_maps, NULL },
	{ "stat", S_IFREG | 0444, PD_NONE, NULL, 0, show_stat, NULL },
	{ "statm", S_IFREG | 0444, PD_NONE, NULL, 0, show_statm, NULL },
	{ "status", S_IFREG | 0444, PD_NONE, NULL, 0, show_status, NULL },
};

const struct proc_entry proc_pid_dir_entry = {
	"pid", S_IFDIR | 0555, PD_TABLE, pid_entries, ARRAY_SIZE(pid_entries),
	NULL, NULL,
};
