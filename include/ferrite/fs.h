/*
 * The virtual filesystem: inodes, dentries, superblocks, mounts, open
 * files and fd tables, and the operations filesystems (tmpfs, devfs,
 * procfs, pipes) implement. fs/ holds the core; each filesystem lives in
 * its own folder. Linux is the model for semantics and errno values.
 *
 * Locking (details in docs/vfs.md):
 *  - the dentry tree (children lists, d_inode changes) is guarded by
 *    dcache_lock, a spinlock held only for list/pointer updates;
 *  - directory-modifying operations hold the parent inode's lock (a
 *    mutex) around the filesystem call; rename holds rename_mutex first;
 *  - file data and size: the inode's lock; the file position: f_pos_lock.
 */
#ifndef FERRITE_FS_H
#define FERRITE_FS_H

#include <ferrite/err.h>
#include <ferrite/errno.h>
#include <ferrite/list.h>
#include <ferrite/mutex.h>
#include <ferrite/spinlock.h>
#include <ferrite/uaccess.h>
#include <uapi/fs_abi.h>

struct vm_object;
struct super_block;
struct file;
struct poll_table;
struct pipe;

typedef u32 umode_t;
typedef u64 dev_t;	/* encoded with MKDEV; Linux's new_encode_dev on output */

#define MINORBITS	20
#define MKDEV(ma, mi)	(((dev_t)(ma) << MINORBITS) | (mi))
#define MAJOR(d)	((u32)((d) >> MINORBITS))
#define MINOR(d)	((u32)((d) & ((1U << MINORBITS) - 1)))

struct timespec64 {
	s64 tv_sec;
	long tv_nsec;
};

/* Legend: [I] immutable, [a] atomic, [il] inode->lock, [dc] dcache_lock. */
struct inode {
	u64 ino;				/* [I] */
	umode_t mode;				/* [il] type bits [I] */
	u32 nlink;				/* [il] */
	u32 uid, gid;				/* [il] */
	u64 size;				/* [il] */
	u64 blocks;				/* [il] 512-byte units */
	dev_t rdev;				/* [I] device nodes */
	struct timespec64 atime, mtime, ctime, btime;	/* [il] */
	u32 refcount;				/* [a] */
	struct mutex lock;
	const struct inode_operations *i_op;	/* [I] */
	const struct file_operations *i_fop;	/* [I] */
	struct super_block *sb;			/* [I] */
	struct vm_object *data;			/* [il] regular files: pages */
	void *private;				/* [I] filesystem's own */
	struct pipe *pipe;			/* [il] FIFOs: made at first open */
	u32 fifo_users;				/* [il] open FIFO files */
};

#define DENTRY_INLINE_NAME	32

struct dentry {
	char *name;				/* [dc] name or iname */
	u32 name_len;				/* [dc] */
	char iname[DENTRY_INLINE_NAME];
	struct dentry *parent;			/* [dc] itself for a root */
	struct inode *inode;			/* [dc] NULL: negative entry */
	struct list_head children;		/* [dc] */
	struct list_head sibling;		/* [dc] */
	u32 refcount;				/* [a] */
	unsigned int flags;			/* [dc] DENTRY_* */
	struct super_block *sb;			/* [I] */
	u64 seq;				/* [dc] grows along children: readdir cursor */
};

#define DENTRY_MOUNTED	0x1	/* a mount sits on this dentry */
#define DENTRY_DEAD	0x2	/* unlinked; kept alive by references */

struct mount {
	struct dentry *root;			/* [I] root of the mounted tree */
	struct super_block *sb;			/* [I] */
	struct mount *parent;			/* [I] itself for the root mount */
	struct dentry *mountpoint;		/* [I] in parent */
	struct list_head node;			/* [mount_lock] global list */
	unsigned long flags;			/* MS_RDONLY, MS_NOSUID, ... */
	char *source;				/* [I] for /proc/mounts */
	u32 refcount;				/* [a] open files and cwds inside */
	bool detached;				/* [mount_lock] off the tree */
};

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

struct kstatfs {
	u64 f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	u64 f_namelen, f_frsize, f_flags;
};

struct super_operations {
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	void (*put_super)(struct super_block *sb);
	/* The last reference to @i is gone: free the filesystem's part. */
	void (*evict_inode)(struct inode *i);
};

struct super_block {
	struct file_system_type *type;		/* [I] */
	struct dentry *root;			/* [I] */
	dev_t dev;				/* [I] st_dev of its inodes */
	u64 magic;				/* [I] statfs f_type */
	const struct super_operations *s_op;	/* [I] */
	u32 refcount;				/* [a] mounts of it */
	u64 next_ino;				/* [a] */
	void *private;
};

struct file_system_type {
	const char *name;
	/* Build a superblock (with its root dentry); ERR_PTR on failure. */
	struct super_block *(*mount)(struct file_system_type *fs,
				     const char *source, unsigned long flags,
				     const char *data);
	void (*kill_sb)(struct super_block *sb);
	unsigned int fs_flags;
	struct list_head node;
};

/* Attribute changes for setattr. */
#define ATTR_MODE	0x1
#define ATTR_UID	0x2
#define ATTR_GID	0x4
#define ATTR_SIZE	0x8
#define ATTR_ATIME	0x10
#define ATTR_MTIME	0x20
#define ATTR_CTIME	0x40

struct iattr {
	unsigned int valid;	/* ATTR_* */
	umode_t mode;
	u32 uid, gid;
	u64 size;
	struct timespec64 atime, mtime, ctime;
};

struct inode_operations {
	/* Fill d->inode if the name exists (else leave it negative). 0/-errno. */
	int (*lookup)(struct inode *dir, struct dentry *d);
	int (*create)(struct inode *dir, struct dentry *d, umode_t mode);
	int (*mknod)(struct inode *dir, struct dentry *d, umode_t mode, dev_t dev);
	int (*mkdir)(struct inode *dir, struct dentry *d, umode_t mode);
	int (*rmdir)(struct inode *dir, struct dentry *d);
	int (*unlink)(struct inode *dir, struct dentry *d);
	int (*symlink)(struct inode *dir, struct dentry *d, const char *target);
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *d);
	int (*rename)(struct inode *old_dir, struct dentry *old,
		      struct inode *new_dir, struct dentry *new,
		      unsigned int flags);
	/* Symlink target into buf (not NUL-terminated); length or -errno. */
	ssize_t (*readlink)(struct dentry *d, char *buf, size_t len);
	int (*setattr)(struct dentry *d, const struct iattr *attr);
};

/*
 * A list of buffers to read into or write from: user iovecs (readv,
 * read) or one kernel buffer (exec, initramfs). Copies stop short on a
 * user fault; callers return what was copied, or -EFAULT if nothing.
 */
struct kvec {
	uintptr_t base;
	size_t len;
};

struct iov_iter {
	bool user;			/* base addresses are user addresses */
	const struct kvec *vec;
	unsigned long nr_segs;
	size_t seg_offset;		/* into vec[0] */
	size_t count;			/* bytes left in total */
	struct kvec one;		/* storage for single-buffer iters */
};

void iov_iter_user(struct iov_iter *it, const struct kvec *vec,
		   unsigned long nr, size_t count);
void iov_iter_user_buf(struct iov_iter *it, user_addr_t buf, size_t len);
void iov_iter_kernel(struct iov_iter *it, void *buf, size_t len);
size_t copy_to_iter(const void *src, size_t len, struct iov_iter *it);
size_t copy_from_iter(void *dst, size_t len, struct iov_iter *it);
size_t iov_iter_zero(size_t len, struct iov_iter *it);

/* Directory iteration (getdents64). emit returns false when full. */
struct dir_context {
	bool (*emit)(struct dir_context *ctx, const char *name, u32 len,
		     u64 ino, unsigned int type);	/* DT_* */
	u64 pos;		/* the file position: entry index */
};

struct file_operations {
	s64 (*llseek)(struct file *f, s64 off, int whence);
	ssize_t (*read)(struct file *f, struct iov_iter *to, u64 *pos);
	ssize_t (*write)(struct file *f, struct iov_iter *from, u64 *pos);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	long (*ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
	/* The page store to map (regular files, shared memory); referenced. */
	int (*mmap_object)(struct file *f, struct vm_object **obj);
	int (*open)(struct inode *inode, struct file *f);
	int (*release)(struct inode *inode, struct file *f);
	int (*fsync)(struct file *f, bool datasync);
};

#define FMODE_READ	0x1
#define FMODE_WRITE	0x2
#define FMODE_PATH	0x4	/* O_PATH: no I/O */
#define FMODE_LSEEK	0x8

struct file {
	u32 refcount;				/* [a] fds and other holders */
	const struct file_operations *f_op;	/* [I] */
	struct path path;			/* [I] referenced */
	struct inode *inode;			/* [I] referenced */
	unsigned int mode;			/* [I] FMODE_* */
	unsigned int flags;			/* [f_lock] O_* status flags */
	spinlock_t f_lock;
	struct mutex pos_lock;			/* serializes read/write/lseek */
	u64 pos;				/* [pos_lock] */
	void *private_data;
};

/* Per-process open files. Legend: [lock]. */
struct files {
	u32 refcount;				/* [a] CLONE_FILES sharers */
	spinlock_t lock;
	unsigned int max_fds;			/* [lock] slots allocated */
	struct file **fd;			/* [lock] */
	unsigned long *cloexec;			/* [lock] bitmap */
	unsigned int next_hint;			/* [lock] lowest maybe-free */
};

/* Root, cwd and umask of a process. */
struct fs_context {
	u32 refcount;				/* [a] CLONE_FS sharers */
	spinlock_t lock;
	struct path root;			/* [lock] */
	struct path cwd;			/* [lock] */
	u32 umask;				/* [lock] */
};

extern spinlock_t dcache_lock;
extern struct mutex rename_mutex;

/* ---- objects and references --------------------------------------- */

struct inode *inode_alloc(struct super_block *sb, umode_t mode);	/* NULL */
struct inode *inode_get(struct inode *i);
void inode_put(struct inode *i);
struct dentry *dentry_alloc(struct dentry *parent, const char *name, u32 len);
struct dentry *dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);
/* Attach @inode (its reference moves to the dentry) to a negative dentry. */
void d_instantiate(struct dentry *d, struct inode *inode);
/* Rename in the tree: @d moves under @parent as @name. 0 or -ENOMEM. */
int d_move(struct dentry *d, struct dentry *parent, const char *name, u32 len);
void path_get(const struct path *p);
void path_put(const struct path *p);

struct file *file_alloc(const struct path *path, unsigned int flags);
struct file *get_file(struct file *f);
/* Take f->pos_lock where the position matters; pass the result to unlock. */
bool file_pos_lock(struct file *f);
void file_pos_unlock(struct file *f, bool locked);
void fput(struct file *f);

/* ---- fd tables ------------------------------------------------------ */

struct files *files_create(void);
struct files *files_dup(struct files *src);
void files_get(struct files *f);
void files_put(struct files *f);
void files_close_on_exec(struct files *f);
/* The calling process's table: */
struct file *fget(int fd);			/* referenced, or NULL */
int fd_install_new(struct file *f, unsigned int flags, int min_fd);
int fd_close(int fd);

struct fs_context *fs_context_create(const struct path *root);
struct fs_context *fs_context_dup(struct fs_context *src);
void fs_context_put(struct fs_context *fs);

/* ---- names ------------------------------------------------------------ */

#define LOOKUP_FOLLOW		0x1	/* follow a final symlink */
#define LOOKUP_DIRECTORY	0x2	/* the result must be a directory */
#define LOOKUP_PARENT		0x4	/* stop at the parent of the last name */
#define LOOKUP_EMPTY		0x8	/* "" names dirfd itself (AT_EMPTY_PATH) */

#define AT_FDCWD		(-100)

/*
 * Resolve @name (a kernel string) relative to @dirfd of the current
 * process. 0 with @out referenced, or -ENOENT, -ENOTDIR, -ELOOP,
 * -ENAMETOOLONG, -EACCES ... as Linux.
 */
int path_lookup_at(int dirfd, const char *name, unsigned int flags,
		   struct path *out);
int kern_path(const char *name, unsigned int flags, struct path *out);
/* Copy a user path name (PATH_MAX bound): a kmalloc'ed string or ERR_PTR. */
char *getname(user_addr_t uname);
void putname(char *name);
/* Path text of @p into the end of buf; returns its start or ERR_PTR. */
char *d_path(const struct path *p, char *buf, size_t len);

/* ---- kernel-internal file access -------------------------------------- */

struct file *filp_open(const char *path, int flags, umode_t mode);
ssize_t kernel_read(struct file *f, void *buf, size_t len, u64 *pos);
ssize_t kernel_write(struct file *f, const void *buf, size_t len, u64 *pos);
int vfs_mkdir_path(const char *path, umode_t mode);
int vfs_mknod_path(const char *path, umode_t mode, dev_t dev);
int vfs_symlink_path(const char *target, const char *path);
int vfs_link_path(const char *old, const char *new);
int vfs_setattr_path(const char *path, const struct iattr *attr, bool follow);
void inode_fill_stat(const struct inode *i, struct linux_stat *st);
/* f_op->llseek for directories whose position is an entry index. */
s64 dir_index_llseek(struct file *f, s64 off, int whence);

/* ---- filesystems, mounts, devices --------------------------------- */

int register_filesystem(struct file_system_type *fs);
struct file_system_type *get_fs_type(const char *name);	/* or NULL */
struct super_block *sb_alloc(struct file_system_type *type, u64 magic);
int sb_make_root(struct super_block *sb, struct inode *root);	/* 0 or -ENOMEM */
int do_mount(const char *source, const char *target, const char *fstype,
	     unsigned long flags, const char *data);
void vfs_init(void);		/* tmpfs root, then /dev, /proc mounted */

/* Character devices: open of an S_IFCHR inode dispatches on (major, minor). */
int chrdev_register(u32 major, u32 minor, u32 count, const char *name,
		    const struct file_operations *fops);
const struct file_operations *chrdev_lookup(dev_t dev);

struct timespec64 current_time(void);	/* the wall clock for timestamps */

/* ---- additions (vfs helper, issue 3) ------------------------------------ */

extern spinlock_t mount_lock;

/* The fd table / fs context of the caller (the kernel's when no process). */
struct files *current_files(void);
struct fs_context *current_fs(void);
unsigned int current_nofile_limit(void);	/* RLIMIT_NOFILE soft limit */
u32 current_fsuid(void);
u32 current_fsgid(void);
u32 current_umask(void);

/*
 * Two-step install, so a syscall can fail after choosing fds without
 * closing anything (pipe2): reserve, copy the numbers out, then install
 * (which takes over the caller's file reference) or unreserve.
 */
int fd_reserve(unsigned int flags, int min_fd);	/* fd or -EMFILE/-ENOMEM */
void fd_install(int fd, struct file *f);
void fd_unreserve(int fd);
int fd_get_cloexec(int fd);			/* 0/1 or -EBADF */
int fd_set_cloexec(int fd, bool on);
/* dup2/dup3: install @f (reference taken) at @newfd, closing what was there. */
int fd_replace(int newfd, struct file *f, unsigned int flags);
int fd_close_range(unsigned int first, unsigned int last, unsigned int flags);

/* Permission bits for inode_permission. */
#define MAY_EXEC	0x1
#define MAY_WRITE	0x2
#define MAY_READ	0x4
/* 0 or -EACCES for the caller's credentials (root passes r/w always; x
 * needs some x bit on non-directories, as on Linux). */
int inode_permission(const struct inode *i, int mask);

/* Path walk helpers for the syscalls (dirfd-relative, kernel strings). */
/*
 * Resolve everything but the last component of @name: @parent gets the
 * directory (referenced), @last (NAME_MAX + 1 bytes) the final component
 * NUL-terminated (length in *@last_len; 0 for "/"; "." and ".." are
 * passed through for the caller to refuse), and *@trailing_slash whether
 * the name ended in '/'.
 */
int path_parent_at(int dirfd, const char *name, unsigned int flags,
		   struct path *parent, char *last, u32 *last_len,
		   bool *trailing_slash);
/* The child dentry of a directory (maybe negative), referenced. Caller
 * holds dir->inode->lock. */
struct dentry *d_lookup_locked(struct dentry *dir, const char *name, u32 len);
bool path_is_dir(const struct path *p);
bool d_unlinked(const struct dentry *d);
/* Replace dentry after following mounts (for lookups of existing names). */
void path_follow_mounts(struct path *p);

/* Operations behind the syscalls (kernel strings, dirfd-relative). */
int vfs_open_at(int dirfd, const char *name, int flags, umode_t mode,
		struct file **out);
int vfs_mkdir_at(int dirfd, const char *name, umode_t mode);
int vfs_mknod_at(int dirfd, const char *name, umode_t mode, dev_t dev);
int vfs_unlink_at(int dirfd, const char *name, bool rmdir);
int vfs_rename_at(int olddfd, const char *oldname, int newdfd,
		  const char *newname, unsigned int flags);
int vfs_link_at(int olddfd, const char *oldname, int newdfd,
		const char *newname, unsigned int flags);
int vfs_symlink_at(const char *target, int dirfd, const char *name);
ssize_t vfs_readlink_at(int dirfd, const char *name, char *buf, size_t len);
int vfs_setattr(struct dentry *d, struct iattr *attr);
/* For setattr methods: copy the accepted mode, owner and times (i->lock held). */
void setattr_copy(struct inode *i, const struct iattr *a);
int vfs_truncate(const struct path *p, u64 size);
ssize_t vfs_read(struct file *f, struct iov_iter *to, u64 *pos);
ssize_t vfs_write(struct file *f, struct iov_iter *from, u64 *pos);
s64 vfs_llseek(struct file *f, s64 off, int whence);
s64 generic_file_llseek(struct file *f, s64 off, int whence);
int vfs_statfs(const struct path *p, struct kstatfs *st);
int do_umount(const char *target, int flags);
/* Append to @buf (size @len) the /proc/mounts text; returns the length it
 * needs (like snprintf), so a caller can retry with a larger buffer. */
int mounts_show(char *buf, size_t len);
/* Open files for an existing inode at @path with O_* @flags; referenced. */
struct file *vfs_open_path(const struct path *path, int flags);

/* Pipes (fs/pipe.c). */
#define PIPE_SIZE	(16 * PAGE_SIZE)	/* 64 KiB ring */
int pipe_create(struct file **rd, struct file **wr, int flags);
extern const struct file_operations fifo_fops;
void pipe_release_inode(struct inode *i);	/* drop an inode's FIFO pipe */
/* Raise SIGPIPE in the writer: a write found no readers (-EPIPE follows). */
void pipe_send_sigpipe(void);

/* tmpfs (fs/tmpfs). */
#define TMPFS_MAGIC	0x01021994
extern struct file_system_type tmpfs_fs_type;

/* The kernel-side view of an open directory, a file's pathname, etc. */
static inline struct inode *file_inode(const struct file *f)
{
	return f->inode;
}

#endif
