/*
 * The proc filesystem: inodes made on lookup from fixed tables (this
 * file: /proc and the system-wide files) and from the process list
 * (pid.c). File contents are generated whole at each read, in Linux's
 * formats, which tools such as BusyBox's ps, free and mount parse.
 */
#include <ferrite/arch.h>
#include <ferrite/boot.h>
#include <ferrite/fail_alloc.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/procfs.h>
#include <ferrite/procfs_hooks.h>
#include <ferrite/sched.h>
#include <ferrite/string.h>
#include <ferrite/timer.h>
#include "internal.h"
#include "loadavg.h"

#define PROC_TEXT_MAX	(1 << 20)	/* largest file we generate */

void seq_printf(struct seqbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->len < s->size ? s->buf + s->len : NULL,
		      s->len < s->size ? s->size - s->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len += (size_t)n;
}

void seq_write(struct seqbuf *s, const void *data, size_t len)
{
	if (s->len < s->size)
		memcpy(s->buf + s->len, data, MIN(len, s->size - s->len));
	s->len += len;
}

/* ---- system-wide files ----------------------------------------------------- */

static void meminfo_line(struct seqbuf *s, const char *name, u64 pages)
{
	char label[24];

	snprintf(label, sizeof(label), "%s:", name);
	seq_printf(s, "%-16s%8llu kB\n", label,
		   (unsigned long long)(pages << (PAGE_SHIFT - 10)));
}

static int show_meminfo(struct proc_inode *pi, struct seqbuf *s)
{
	u64 total = nr_total_pages(), free = nr_free_pages();
	/* The rest of Linux's lines, in its order: nothing is cached,
	 * swapped or reclaimable yet. */
	static const char *const zero[] = {
		"Buffers", "Cached", "SwapCached", "Active", "Inactive",
		"Active(anon)", "Inactive(anon)", "Active(file)",
		"Inactive(file)", "Unevictable", "Mlocked", "SwapTotal",
		"SwapFree", "Dirty", "Writeback", "AnonPages", "Mapped",
		"Shmem", "KReclaimable", "Slab", "SReclaimable", "SUnreclaim",
		"KernelStack", "PageTables",
	};

	meminfo_line(s, "MemTotal", total);
	meminfo_line(s, "MemFree", free);
	/* Nothing is reclaimable yet: what is free is what is available. */
	meminfo_line(s, "MemAvailable", free);
	for (unsigned int i = 0; i < ARRAY_SIZE(zero); i++)
		meminfo_line(s, zero[i], 0);
	return 0;
}

static void show_centis(struct seqbuf *s, u64 ns, const char *end)
{
	u64 cs = ns / (NSEC_PER_SEC / 100);

	seq_printf(s, "%llu.%02llu%s", (unsigned long long)(cs / 100),
		   (unsigned long long)(cs % 100), end);
}

static int show_uptime(struct proc_inode *pi, struct seqbuf *s)
{
	struct sched_stats st;

	sched_get_stats(&st);
	show_centis(s, arch_clock_ns(), " ");
	/* Linux sums idle over CPUs; there is one. */
	show_centis(s, st.idle_ns, "\n");
	return 0;
}

static int show_version(struct proc_inode *pi, struct seqbuf *s)
{
	seq_printf(s, "Linux version 6.1.0-ferrite (ferrite@" FERRITE_VERSION
		   ") (gcc) #1 SMP PREEMPT Ferrite\n");
	return 0;
}

static int show_cmdline(struct proc_inode *pi, struct seqbuf *s)
{
	seq_printf(s, "%s\n", boot_info.cmdline);
	return 0;
}

static int show_filesystems(struct proc_inode *pi, struct seqbuf *s)
{
	static const char *const names[] = {
		"sysfs", "tmpfs", "devtmpfs", "proc", "pipefs", "ramfs",
	};

	/* All of ours are memory filesystems: "nodev", as Linux marks them. */
	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
		if (get_fs_type(names[i]))
			seq_printf(s, "nodev\t%s\n", names[i]);
	return 0;
}

static int show_mounts(struct proc_inode *pi, struct seqbuf *s)
{
	int n = mounts_show(s->len < s->size ? s->buf + s->len : NULL,
			    s->len < s->size ? s->size - s->len : 0);

	if (n < 0)
		return n;
	s->len += (size_t)n;
	return 0;
}

static int show_cpuinfo(struct proc_inode *pi, struct seqbuf *s)
{
	int n = arch_cpuinfo_show(s->len < s->size ? s->buf + s->len : NULL,
				  s->len < s->size ? s->size - s->len : 0);

	if (n < 0)
		return n;
	s->len += (size_t)n;
	return 0;
}

#ifdef CONFIG_FAIL_ALLOC
/* Injection counters and leak-check figures (mm/fail_alloc.c). */
static int show_fail_alloc(struct proc_inode *pi, struct seqbuf *s)
{
	int n = fail_alloc_show(s->len < s->size ? s->buf + s->len : NULL,
				s->len < s->size ? s->size - s->len : 0);

	if (n < 0)
		return n;
	s->len += (size_t)n;
	return 0;
}
#endif

static int show_pid_max(struct proc_inode *pi, struct seqbuf *s)
{
	seq_printf(s, "%d\n", PID_MAX);
	return 0;
}

static int show_loadavg(struct proc_inode *pi, struct seqbuf *s)
{
	struct sched_stats st;
	unsigned long avg[3];

	sched_get_stats(&st);
	loadavg_get(avg);
	for (int i = 0; i < 3; i++) {
		/* Two decimals, rounded as Linux's LOAD_INT/LOAD_FRAC do. */
		unsigned long v = avg[i] + LOAD_FIXED_1 / 200;

		seq_printf(s, "%lu.%02lu ", v >> LOAD_FSHIFT,
			   ((v & (LOAD_FIXED_1 - 1)) * 100) >> LOAD_FSHIFT);
	}
	seq_printf(s, "%u/%u %d\n", st.nr_running, st.nr_tasks, st.last_tid);
	return 0;
}

#define USER_HZ		100
#define NS_TO_TICKS(ns)	((unsigned long long)((ns) / (NSEC_PER_SEC / USER_HZ)))

static int show_stat(struct proc_inode *pi, struct seqbuf *s)
{
	u64 btime = arch_boot_realtime_ns() / NSEC_PER_SEC;
	u64 now = arch_clock_ns();
	struct sched_stats st;
	unsigned long long busy, idle;

	sched_get_stats(&st);
	idle = NS_TO_TICKS(MIN(st.idle_ns, now));
	/*
	 * User and system time are not told apart (processes are charged
	 * all their time as user time, see /proc/<pid>/stat): what the idle
	 * task did not use is user time. Round the difference, not the two
	 * terms: idle grows no faster than the clock, so now - idle never
	 * shrinks, while ticks(now) - ticks(idle) can dip by one and top
	 * would show a wrapped-around percentage.
	 */
	busy = NS_TO_TICKS(now - MIN(st.idle_ns, now));
	for (int cpu = -1; cpu < 1; cpu++) {
		if (cpu < 0)
			seq_printf(s, "cpu  ");
		else
			seq_printf(s, "cpu%d ", cpu);
		seq_printf(s, "%llu 0 0 %llu 0 0 0 0 0 0\n", busy, idle);
	}
	seq_printf(s, "intr 0\nctxt %llu\nbtime %llu\nprocesses %llu\n"
		   "procs_running %u\nprocs_blocked %u\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		   (unsigned long long)this_cpu()->nr_switches,
		   (unsigned long long)btime,
		   (unsigned long long)st.tasks_created, st.nr_running,
		   st.nr_blocked);
	return 0;
}

/*
 * kernel/exec.c: Linux's kernel.randomize_va_space (0, 1, 2); read-only
 * here (no system-wide proc file takes writes yet): "norandmaps" sets 0.
 */
extern int randomize_va_space;

static int show_randomize_va_space(struct proc_inode *pi, struct seqbuf *s)
{
	seq_printf(s, "%d\n", READ_ONCE(randomize_va_space));
	return 0;
}

static const struct proc_entry sys_kernel_entries[] = {
	{ "pid_max", S_IFREG | 0644, PD_NONE, NULL, 0, show_pid_max, NULL },
	{ "randomize_va_space", S_IFREG | 0444, PD_NONE, NULL, 0,
	  show_randomize_va_space, NULL },
};

static const struct proc_entry sys_entries[] = {
	{ "kernel", S_IFDIR | 0555, PD_TABLE, sys_kernel_entries,
	  ARRAY_SIZE(sys_kernel_entries), NULL, NULL },
};

static const struct proc_entry root_entries[] = {
	{ "cmdline", S_IFREG | 0444, PD_NONE, NULL, 0, show_cmdline, NULL },
	{ "cpuinfo", S_IFREG | 0444, PD_NONE, NULL, 0, show_cpuinfo, NULL },
#ifdef CONFIG_FAIL_ALLOC
	{ "fail_alloc", S_IFREG | 0444, PD_NONE, NULL, 0, show_fail_alloc, NULL },
#endif
	{ "filesystems", S_IFREG | 0444, PD_NONE, NULL, 0, show_filesystems, NULL },
	{ "loadavg", S_IFREG | 0444, PD_NONE, NULL, 0, show_loadavg, NULL },
	{ "meminfo", S_IFREG | 0444, PD_NONE, NULL, 0, show_meminfo, NULL },
	{ "mounts", S_IFREG | 0444, PD_NONE, NULL, 0, show_mounts, NULL },
	{ "net", S_IFDIR | 0555, PD_TABLE, proc_net_entries,
	  PROC_NET_NR_ENTRIES, NULL, NULL },
	{ "stat", S_IFREG | 0444, PD_NONE, NULL, 0, show_stat, NULL },
	{ "sys", S_IFDIR | 0555, PD_TABLE, sys_entries, ARRAY_SIZE(sys_entries),
	  NULL, NULL },
	{ "uptime", S_IFREG | 0444, PD_NONE, NULL, 0, show_uptime, NULL },
	{ "version", S_IFREG | 0444, PD_NONE, NULL, 0, show_version, NULL },
};

static const struct proc_entry proc_root_entry = {
	"/", S_IFDIR | 0555, PD_ROOT, root_entries, ARRAY_SIZE(root_entries),
	NULL, NULL,
};

/* ---- files ------------------------------------------------------------------ */

/* Generate the whole text, growing the buffer until it fits. */
static int proc_generate(struct proc_inode *pi, struct seqbuf *s)
{
	size_t size = PAGE_SIZE;

	for (;;) {
		int err;

		s->buf = kmalloc(size, GFP_KERNEL);
		if (!s->buf)
			return -ENOMEM;
		s->size = size;
		s->len = 0;
		err = pi->entry->show(pi, s);
		if (err || s->len <= s->size)
			return err;
		kfree(s->buf);
		if (size >= PROC_TEXT_MAX)
			return -EFBIG;
		size = MIN((size_t)PROC_TEXT_MAX, ALIGN_UP(s->len, PAGE_SIZE));
	}
}

static ssize_t proc_file_read(struct file *f, struct iov_iter *to, u64 *pos)
{
	struct seqbuf s = { 0 };
	ssize_t ret;
	int err = proc_generate(PI(f->inode), &s);

	if (err) {
		kfree(s.buf);
		return err;
	}
	if (*pos >= s.len) {
		ret = 0;
	} else {
		size_t want = MIN(to->count, s.len - (size_t)*pos);
		size_t n = copy_to_iter(s.buf + *pos, want, to);

		ret = n ? (ssize_t)n : (want ? -EFAULT : 0);
		if (n)
			*pos += n;
	}
	kfree(s.buf);
	return ret;
}

/* The whole write is one setting, as in Linux's small proc files. */
static ssize_t proc_file_write(struct file *f, struct iov_iter *from,
			       u64 *pos)
{
	struct proc_inode *pi = PI(f->inode);
	char buf[PROC_WRITE_MAX];
	size_t len = from->count;
	int err;

	if (pi->pid == 0)
		return -EINVAL;		/* no system-wide file takes writes */
	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_iter(buf, len, from) != len)
		return -EFAULT;
	buf[len] = '\0';
	err = proc_pid_write(pi, buf, len);
	return err ? err : (ssize_t)len;
}

static const struct file_operations proc_file_fops = {
	.read = proc_file_read,
	.write = proc_file_write,
	.llseek = generic_file_llseek,
};

/*
 * As Linux: truncating or touching a proc file succeeds and changes
 * nothing (so "echo 1 > /proc/self/make-it-fail" can open it with
 * O_TRUNC); its mode and owner cannot be changed.
 */
static int proc_file_setattr(struct dentry *d, const struct iattr *a)
{
	if (a->valid & (ATTR_MODE | ATTR_UID | ATTR_GID))
		return -EPERM;
	return 0;
}

static const struct inode_operations proc_file_iops = {
	.setattr = proc_file_setattr,
};

/* ---- directories ------------------------------------------------------------ */

static bool parse_uint(const char *s, u32 len, int *out)
{
	u64 v = 0;

	if (!len || len > 9 || (s[0] == '0' && len > 1))
		return false;
	for (u32 i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (u64)(s[i] - '0');
	}
	*out = (int)v;
	return true;
}

static const struct proc_entry *table_find(const struct proc_entry *dir,
					   const char *name, u32 len)
{
	for (unsigned int i = 0; i < dir->nr_children; i++) {
		const struct proc_entry *e = &dir->children[i];

		if (strlen(e->name) == len && !memcmp(e->name, name, len))
			return e;
	}
	return NULL;
}

static int proc_lookup(struct inode *dir, struct dentry *d)
{
	struct proc_inode *pi = PI(dir);
	const struct proc_entry *e = NULL;
	struct inode *i;
	int num, fd = -1, pid = pi->pid;

	switch (pi->entry->dir) {
	case PD_ROOT:
		if (d->name_len == 4 && !memcmp(d->name, "self", 4)) {
			e = &proc_self_entry;
			break;
		}
		if (parse_uint(d->name, d->name_len, &num)) {
			struct process *p = process_lookup(num);

			if (p) {
				process_put(p);
				e = &proc_pid_dir_entry;
				pid = num;
			}
			break;
		}
		/* fall through */
	case PD_TABLE:
		e = table_find(pi->entry, d->name, d->name_len);
		break;
	case PD_FD:
		if (parse_uint(d->name, d->name_len, &num) &&
		    proc_fd_exists(pi->pid, num)) {
			e = &proc_fd_link_entry;
			fd = num;
		}
		break;
	default:
		return -ENOTDIR;
	}
	if (!e)
		return 0;	/* negative: no such name */
	i = proc_make_inode(dir->sb, e, pid, fd);
	if (!i)
		return -ENOMEM;
	if (fd >= 0)
		proc_fd_inode_fill(i, pid, fd);
	d_instantiate(d, i);
	return 0;
}

static unsigned int dtype(umode_t mode)
{
	return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG;
}

/* Cursor: 0 ".", 1 "..", 2.. the table, then PROC_PID_POS + pid. */
#define PROC_PID_POS	0x1000

/* The smallest live pid >= @from, or 0. */
static int next_pid(int from)
{
	struct process *p;
	int best = 0;
	unsigned long fl = spin_lock_irqsave(&process_tree_lock);

	list_for_each_entry(p, process_list_head(), all_node)
		if (p->pid >= from && p->state != PROCESS_DEAD &&
		    (!best || p->pid < best))
			best = p->pid;
	spin_unlock_irqrestore(&process_tree_lock, fl);
	return best;
}

static int proc_iterate(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->path.dentry;
	struct proc_inode *pi = PI(dir->inode);
	const struct proc_entry *e = pi->entry;

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->inode->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, dir->parent->inode->ino, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	if (e->dir == PD_FD)
		return proc_fd_iterate(pi->pid, ctx);
	for (; ctx->pos < 2 + e->nr_children; ctx->pos++) {
		const struct proc_entry *c = &e->children[ctx->pos - 2];

		/* Inode numbers of names not looked up yet are not fixed. */
		if (!ctx->emit(ctx, c->name, (u32)strlen(c->name), 1 + ctx->pos,
			       dtype(c->mode)))
			return 0;
	}
	if (e->dir != PD_ROOT)
		return 0;
	if (ctx->pos < PROC_PID_POS) {
		if (!ctx->emit(ctx, "self", 4, 1 + ctx->pos, DT_LNK))
			return 0;
		ctx->pos = PROC_PID_POS;
	}
	for (;;) {
		char name[12];
		int pid = next_pid((int)(ctx->pos - PROC_PID_POS));

		if (!pid)
			return 0;
		snprintf(name, sizeof(name), "%d", pid);
		if (!ctx->emit(ctx, name, (u32)strlen(name), PROC_PID_POS + pid,
			       DT_DIR))
			return 0;
		ctx->pos = PROC_PID_POS + (u64)pid + 1;
	}
}

static const struct inode_operations proc_dir_iops = {
	.lookup = proc_lookup,
};

static const struct file_operations proc_dir_fops = {
	.iterate = proc_iterate,
	.llseek = dir_index_llseek,
};

/* ---- symlinks ------------------------------------------------------------------- */

static ssize_t proc_readlink(struct dentry *d, char *buf, size_t len)
{
	struct proc_inode *pi = PI(d->inode);

	return pi->entry->link(pi, buf, len);
}

static const struct inode_operations proc_link_iops = {
	.readlink = proc_readlink,
};

/* ---- inodes and the filesystem ------------------------------------------------------ */

struct inode *proc_make_inode(struct super_block *sb,
			      const struct proc_entry *e, int pid, int fd)
{
	struct proc_inode *pi = kmalloc(sizeof(*pi), GFP_KERNEL);
	struct inode *i;

	if (!pi)
		return NULL;
	i = inode_alloc(sb, e->mode);
	if (!i) {
		kfree(pi);
		return NULL;
	}
	pi->entry = e;
	pi->pid = pid;
	pi->fd = fd;
	i->private = pi;
	/* Linux shows a process's files as owned by it: root for now. */
	i->uid = 0;
	i->gid = 0;
	if (S_ISDIR(e->mode)) {
		i->i_op = &proc_dir_iops;
		i->i_fop = &proc_dir_fops;
		i->nlink = 2;
	} else if (S_ISLNK(e->mode)) {
		i->i_op = &proc_link_iops;
	} else {
		i->i_op = &proc_file_iops;
		i->i_fop = &proc_file_fops;
	}
	return i;
}

static void proc_evict(struct inode *i)
{
	kfree(i->private);
}

static const struct super_operations proc_sops = {
	.evict_inode = proc_evict,
};

static struct super_block *proc_mount(struct file_system_type *type,
				      const char *source, unsigned long flags,
				      const char *data)
{
	struct super_block *sb = sb_alloc(type, PROC_SUPER_MAGIC);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->s_op = &proc_sops;
	root = proc_make_inode(sb, &proc_root_entry, 0, -1);
	if (!root)
		goto out_sb;
	if (sb_make_root(sb, root))
		goto out_sb;
	return sb;
out_sb:
	kfree(sb);
	return ERR_PTR(-ENOMEM);
}

static struct file_system_type proc_fs_type = {
	.name = "proc",
	.mount = proc_mount,
};

int procfs_init(void)
{
	loadavg_start();
	return register_filesystem(&proc_fs_type);
}
