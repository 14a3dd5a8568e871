/*
 * Declarations shared by the files of the VFS core (fs/ *.c) and nothing
 * else: the pure path/flag helpers (also built for host unit tests), the
 * kernel's own fs context, and the mount-tree helpers of namei.c.
 */
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H

#include <ferrite/fs.h>

/*
 * Take the next component of the path at *@p: skips leading slashes and
 * sets *@comp and *@len. Returns 1 with a component, 0 at the end of the
 * path, -ENAMETOOLONG when a component exceeds NAME_MAX. *@p moves past
 * the component; *@slash tells whether a '/' followed it.
 */
int path_next_component(const char **p, const char **comp, u32 *len,
			bool *slash);

/* What open(2) flags ask for, decoded and checked (no state touched). */
struct open_intent {
	unsigned int fmode;		/* FMODE_* */
	unsigned int lookup;		/* LOOKUP_* for the final name */
	int flags;			/* O_* kept in file->flags */
	umode_t mode;			/* creation mode before umask */
};

/* 0 or -EINVAL for combinations Linux rejects (or we do not support). */
int open_flags_decode(int flags, umode_t mode, struct open_intent *oi);

/* The file type bits as a DT_* value for getdents. */
unsigned int mode_to_dtype(umode_t mode);

#ifndef FERRITE_HOST_TEST
extern struct fs_context kernel_fs;
extern struct files kernel_files;
extern struct mount *root_mount;

struct mount *mount_get(struct mount *m);
void mount_put(struct mount *m);
/* The mount sitting on dentry @d of mount @m, referenced, or NULL. */
struct mount *mount_lookup(struct mount *m, struct dentry *d);
/* Dentry lock around the children list (dentry.c). */
void d_add_child(struct dentry *parent, struct dentry *d);
void d_remove_child(struct dentry *d);
/* Mark an unlinked dentry dead and take it out of its parent's list. */
void d_delete(struct dentry *d);
/* Pin a dentry in the tree (tmpfs: the tree is the directory). */
void d_pin(struct dentry *d);
void d_unpin(struct dentry *d);
bool vfs_ready(void);
int pipe_init(void);
/*
 * For calls that make a name (mkdir, mknod, symlink, link): resolve the
 * parent, lock its inode, and return the negative dentry for the last
 * name in *@d. On success the caller owns @parent, *@d and the lock.
 * Trailing slashes are allowed only when @is_dir.
 */
int lookup_create(int dirfd, const char *name, bool is_dir,
		  struct path *parent, struct dentry **d);
/* Undo lookup_create's lock and references. */
void done_create(struct path *parent, struct dentry *d);
int mount_attach_root(struct file_system_type *type, const char *source,
		      unsigned long flags, const char *data);
void timespec_now(struct timespec64 *ts);
#endif

#endif
