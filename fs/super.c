/*
 * Filesystem types and superblocks: the registry do_mount() searches,
 * superblock allocation with a unique device number, and statfs/fstatfs.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include "internal.h"

static LIST_HEAD(fs_types);		/* [fs_types_lock] */
static DEFINE_SPINLOCK(fs_types_lock);
static u32 next_anon_minor = 1;		/* [a] anonymous device numbers */

int register_filesystem(struct file_system_type *fs)
{
	struct file_system_type *t;
	unsigned long fl = spin_lock_irqsave(&fs_types_lock);

	list_for_each_entry(t, &fs_types, node) {
		if (!strcmp(t->name, fs->name)) {
			spin_unlock_irqrestore(&fs_types_lock, fl);
			return -EBUSY;
		}
	}
	list_add_tail(&fs->node, &fs_types);
	spin_unlock_irqrestore(&fs_types_lock, fl);
	return 0;
}

struct file_system_type *get_fs_type(const char *name)
{
	struct file_system_type *t, *found = NULL;
	unsigned long fl = spin_lock_irqsave(&fs_types_lock);

	list_for_each_entry(t, &fs_types, node) {
		if (!strcmp(t->name, name)) {
			found = t;
			break;
		}
	}
	spin_unlock_irqrestore(&fs_types_lock, fl);
	return found;
}

/* Anonymous superblocks get major 0, like Linux's "none" devices. */
struct super_block *sb_alloc(struct file_system_type *type, u64 magic)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL);

	if (!sb)
		return NULL;
	sb->type = type;
	sb->magic = magic;
	sb->refcount = 1;
	sb->dev = MKDEV(0, __atomic_fetch_add(&next_anon_minor, 1,
					      __ATOMIC_RELAXED));
	return sb;
}

int vfs_statfs(const struct path *p, struct kstatfs *st)
{
	struct super_block *sb = p->dentry->sb;
	int err = 0;

	memset(st, 0, sizeof(*st));
	st->f_type = sb->magic;
	st->f_bsize = PAGE_SIZE;
	st->f_frsize = PAGE_SIZE;
	st->f_namelen = NAME_MAX;
	if (sb->s_op && sb->s_op->statfs)
		err = sb->s_op->statfs(sb, st);
	st->f_flags |= ST_VALID;
	if (p->mnt->flags & MS_RDONLY)
		st->f_flags |= ST_RDONLY;
	if (p->mnt->flags & MS_NOSUID)
		st->f_flags |= ST_NOSUID;
	if (p->mnt->flags & MS_NODEV)
		st->f_flags |= ST_NODEV;
	if (p->mnt->flags & MS_NOEXEC)
		st->f_flags |= ST_NOEXEC;
	return err;
}

static int statfs_to_user(const struct path *p, user_addr_t ubuf)
{
	struct kstatfs k;
	struct linux_statfs u;
	int err = vfs_statfs(p, &k);

	if (err)
		return err;
	memset(&u, 0, sizeof(u));
	u.f_type = (s64)k.f_type;
	u.f_bsize = (s64)k.f_bsize;
	u.f_blocks = k.f_blocks;
	u.f_bfree = k.f_bfree;
	u.f_bavail = k.f_bavail;
	u.f_files = k.f_files;
	u.f_ffree = k.f_ffree;
	u.f_fsid[0] = (s32)p->dentry->sb->dev;
	u.f_namelen = (s64)k.f_namelen;
	u.f_frsize = (s64)k.f_frsize;
	u.f_flags = (s64)k.f_flags;
	return copy_to_user(ubuf, &u, sizeof(u));
}

SYSCALL_DEFINE2(statfs, user_addr_t, upath, user_addr_t, ubuf)
{
	char *name = getname(upath);
	struct path p;
	int err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	err = kern_path(name, LOOKUP_FOLLOW, &p);
	putname(name);
	if (err)
		return err;
	err = statfs_to_user(&p, ubuf);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE2(fstatfs, int, fd, user_addr_t, ubuf)
{
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	err = statfs_to_user(&f->path, ubuf);
	fput(f);
	return err;
}

/*
 * Give @sb its root dentry "/" holding @root. The inode reference moves
 * to the dentry; on -ENOMEM it is dropped, so the caller only unwinds
 * the superblock.
 */
int sb_make_root(struct super_block *sb, struct inode *root)
{
	sb->root = dentry_alloc(NULL, "/", 1);
	if (!sb->root) {
		inode_put(root);
		return -ENOMEM;
	}
	sb->root->sb = sb;
	d_instantiate(sb->root, root);
	return 0;
}
