/*
 * procfs internals: the table-driven entries, the text buffer that file
 * contents are generated into, and the per-process part (pid.c).
 */
#ifndef FS_PROCFS_INTERNAL_H
#define FS_PROCFS_INTERNAL_H

#include <ferrite/fs.h>
#include <ferrite/process.h>

#define PROC_SUPER_MAGIC	0x9fa0

/* Text being generated; len may pass size (then it is retried bigger). */
struct seqbuf {
	char *buf;
	size_t size, len;
};

__printf(2, 3) void seq_printf(struct seqbuf *s, const char *fmt, ...);
void seq_write(struct seqbuf *s, const void *data, size_t len);

struct proc_inode;

enum proc_dir_kind {
	PD_NONE,		/* not a directory */
	PD_TABLE,		/* fixed children */
	PD_ROOT,		/* fixed children and one directory per process */
	PD_FD,			/* one symlink per open file of a process */
};

/* One name in a directory; the table is immutable. */
struct proc_entry {
	const char *name;
	umode_t mode;
	enum proc_dir_kind dir;
	const struct proc_entry *children;	/* PD_TABLE, PD_ROOT */
	unsigned int nr_children;
	/* Regular files: the whole content. 0 or -errno. */
	int (*show)(struct proc_inode *pi, struct seqbuf *s);
	/* Symlinks: the target into buf; its length or -errno. */
	ssize_t (*link)(struct proc_inode *pi, char *buf, size_t len);
};

/* inode->private of every procfs inode; freed with the inode. */
struct proc_inode {
	const struct proc_entry *entry;	/* [I] */
	int pid;			/* [I] 0 outside /proc/<pid> */
	int fd;				/* [I] /proc/<pid>/fd/<fd> */
};

static inline struct proc_inode *PI(const struct inode *i)
{
	return i->private;
}

struct inode *proc_make_inode(struct super_block *sb,
			      const struct proc_entry *e, int pid, int fd);

/* net.c: the /proc/net directory. */
#ifdef CONFIG_NET
#define PROC_NET_NR_ENTRIES	7
#else
#define PROC_NET_NR_ENTRIES	1
#endif
extern const struct proc_entry proc_net_entries[];	/* PROC_NET_NR_ENTRIES */

/* pid.c */
extern const struct proc_entry proc_pid_dir_entry;
extern const struct proc_entry proc_fd_link_entry;
extern const struct proc_entry proc_self_entry;
/* The process of a /proc/<pid> inode, referenced, or NULL (gone). */
struct process *proc_process(struct proc_inode *pi);
/* Emit the open fds of @pid from position ctx->pos (2 + fd). */
int proc_fd_iterate(int pid, struct dir_context *ctx);
/* Does @pid have @fd open? */
bool proc_fd_exists(int pid, int fd);
/* Mode and size of the new inode of /proc/<pid>/fd/<fd>, from the file. */
void proc_fd_inode_fill(struct inode *i, int pid, int fd);
/*
 * A write to a file of /proc/<pid>: the written bytes, copied in and
 * NUL-terminated (fewer than PROC_WRITE_MAX); 0 or -errno (-EINVAL for a
 * file that takes no writes).
 */
#define PROC_WRITE_MAX	64	/* writes are short settings: "1\n" */
int proc_pid_write(struct proc_inode *pi, const char *buf, size_t len);

#endif
