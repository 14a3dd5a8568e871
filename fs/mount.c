/*
 * The mount table: which superblock's tree sits on which dentry of which
 * mount, mounting and unmounting (umount2 with lazy detach), the text of
 * /proc/mounts, and the mount/umount2 system calls.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include "internal.h"

DEFINE_SPINLOCK(mount_lock);
static LIST_HEAD(mounts);		/* [mount_lock] newest first */
struct mount *root_mount;		/* [I] after vfs_init */

struct mount *mount_get(struct mount *m)
{
	__atomic_add_fetch(&m->refcount, 1, __ATOMIC_RELAXED);
	return m;
}

static void sb_put(struct super_block *sb)
{
	if (__atomic_sub_fetch(&sb->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (sb->type && sb->type->kill_sb) {
		sb->type->kill_sb(sb);
		return;
	}
	if (sb->s_op && sb->s_op->put_super)
		sb->s_op->put_super(sb);
	if (sb->root)
		dentry_put(sb->root);
	kfree(sb);
}

/* The last reference goes only after umount took the mount off the tree. */
void mount_put(struct mount *m)
{
	if (__atomic_sub_fetch(&m->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	dentry_put(m->root);
	if (m->parent != m) {
		dentry_put(m->mountpoint);
		mount_put(m->parent);
	}
	sb_put(m->sb);
	kfree(m->source);
	kfree(m);
}

struct mount *mount_lookup(struct mount *parent, struct dentry *d)
{
	struct mount *m, *found = NULL;
	unsigned long fl = spin_lock_irqsave(&mount_lock);

	list_for_each_entry(m, &mounts, node) {
		if (m->parent == parent && m->mountpoint == d && m != parent) {
			found = mount_get(m);
			break;
		}
	}
	spin_unlock_irqrestore(&mount_lock, fl);
	return found;
}

static char *kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(n, GFP_KERNEL);

	if (d)
		memcpy(d, s, n);
	return d;
}

/*
 * Make a mount of @sb (whose reference it takes over) on @at, or the
 * root mount when @at is NULL.
 */
static int mount_attach(struct super_block *sb, const char *source,
			unsigned long flags, const struct path *at)
{
	struct mount *m = kzalloc(sizeof(*m), GFP_KERNEL);
	unsigned long fl;

	if (!m)
		return -ENOMEM;
	m->source = kstrdup(source ? source : "none");
	if (!m->source) {
		kfree(m);
		return -ENOMEM;
	}
	m->sb = sb;
	m->root = dentry_get(sb->root);
	m->flags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
			    MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
	m->refcount = 1;		/* the table's */
	if (at) {
		m->parent = mount_get(at->mnt);
		m->mountpoint = dentry_get(at->dentry);
	} else {
		m->parent = m;
		m->mountpoint = m->root;
	}
	fl = spin_lock_irqsave(&mount_lock);
	list_add(&m->node, &mounts);
	if (at) {
		unsigned long dfl = spin_lock_irqsave(&dcache_lock);

		at->dentry->flags |= DENTRY_MOUNTED;
		spin_unlock_irqrestore(&dcache_lock, dfl);
	} else {
		root_mount = m;
	}
	spin_unlock_irqrestore(&mount_lock, fl);
	return 0;
}

static int do_remount(const char *target, unsigned long flags)
{
	struct path p;
	int err = kern_path(target, LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	if (p.dentry != p.mnt->root) {
		err = -EINVAL;
	} else {
		unsigned long fl = spin_lock_irqsave(&mount_lock);

		p.mnt->flags = (p.mnt->flags & ~(unsigned long)MS_RDONLY) |
			       (flags & MS_RDONLY);
		spin_unlock_irqrestore(&mount_lock, fl);
	}
	path_put(&p);
	return err;
}

int do_mount(const char *source, const char *target, const char *fstype,
	     unsigned long flags, const char *data)
{
	struct file_system_type *type;
	struct super_block *sb;
	struct path at;
	int err;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	if (flags & MS_REMOUNT)
		return do_remount(target, flags);
	/* Bind mounts, moves and propagation changes are not supported yet. */
	if (flags & (MS_BIND | MS_MOVE))
		return -EINVAL;
	if (!fstype)
		return -EINVAL;
	type = get_fs_type(fstype);
	if (!type)
		return -ENODEV;
	if (!target)
		return root_mount ? -EBUSY : mount_attach_root(type, source,
							       flags, data);
	err = kern_path(target, LOOKUP_FOLLOW, &at);
	if (err)
		return err;
	err = -ENOTDIR;
	if (!path_is_dir(&at))
		goto out_put;
	err = -ENOENT;
	if (d_unlinked(at.dentry))
		goto out_put;
	sb = type->mount(type, source, flags, data);
	if (IS_ERR(sb)) {
		err = (int)PTR_ERR(sb);
		goto out_put;
	}
	err = mount_attach(sb, source, flags, &at);
	if (err)
		sb_put(sb);
out_put:
	path_put(&at);
	return err;
}

int mount_attach_root(struct file_system_type *type, const char *source,
		      unsigned long flags, const char *data)
{
	struct super_block *sb = type->mount(type, source, flags, data);
	int err;

	if (IS_ERR(sb))
		return (int)PTR_ERR(sb);
	err = mount_attach(sb, source, flags, NULL);
	if (err)
		sb_put(sb);
	return err;
}

/* Is another live mount still on @d (after @m left)? mount_lock held. */
static bool still_mounted(struct dentry *d)
{
	struct mount *m;

	list_for_each_entry(m, &mounts, node)
		if (m->mountpoint == d && m->parent != m)
			return true;
	return false;
}

int do_umount(const char *target, int flags)
{
	struct path p;
	struct mount *m;
	unsigned long fl;
	int err;

	err = kern_path(target, (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW,
			&p);
	if (err)
		return err;
	m = p.mnt;
	err = -EINVAL;
	if (p.dentry != m->root)
		goto out_put;
	err = -EBUSY;
	if (m->parent == m)
		goto out_put;
	fl = spin_lock_irqsave(&mount_lock);
	/* Two references: the table's and our lookup's. More means busy. */
	if (!(flags & MNT_DETACH) && READ_ONCE(m->refcount) > 2) {
		spin_unlock_irqrestore(&mount_lock, fl);
		goto out_put;
	}
	list_del(&m->node);
	m->detached = true;
	if (!still_mounted(m->mountpoint)) {
		unsigned long dfl = spin_lock_irqsave(&dcache_lock);

		m->mountpoint->flags &= ~DENTRY_MOUNTED;
		spin_unlock_irqrestore(&dcache_lock, dfl);
	}
	spin_unlock_irqrestore(&mount_lock, fl);
	mount_put(m);			/* the table's reference */
	err = 0;
out_put:
	path_put(&p);
	return err;
}

/* snprintf-style append: keeps counting past the end of the buffer. */
static size_t show_append(char *buf, size_t len, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (at < len)
		memcpy(buf + at, s, MIN(n, len - at));
	return at + n;
}

int mounts_show(char *buf, size_t len)
{
	char *tmp = kmalloc(PATH_MAX, GFP_KERNEL);
	struct mount *m;
	size_t at = 0;
	unsigned long fl;

	if (!tmp)
		return -ENOMEM;
	fl = spin_lock_irqsave(&mount_lock);
	list_for_each_entry(m, &mounts, node) {
		struct path where = { m, m->root };
		char *path = d_path(&where, tmp, PATH_MAX);

		if (IS_ERR(path))
			continue;
		at = show_append(buf, len, at, m->source);
		at = show_append(buf, len, at, " ");
		at = show_append(buf, len, at, path);
		at = show_append(buf, len, at, " ");
		at = show_append(buf, len, at, m->sb->type->name);
		at = show_append(buf, len, at,
				 (m->flags & MS_RDONLY) ? " ro" : " rw");
		if (m->flags & MS_NOSUID)
			at = show_append(buf, len, at, ",nosuid");
		if (m->flags & MS_NODEV)
			at = show_append(buf, len, at, ",nodev");
		if (m->flags & MS_NOEXEC)
			at = show_append(buf, len, at, ",noexec");
		at = show_append(buf, len, at, " 0 0\n");
	}
	spin_unlock_irqrestore(&mount_lock, fl);
	kfree(tmp);
	if (len)
		buf[MIN(at, len - 1)] = '\0';
	return (int)at;
}

/* Copy mount(2)'s optional string arguments; NULL stays NULL. */
static char *getname_opt(user_addr_t u)
{
	return uaddr_is_null(u) ? NULL : getname(u);
}

SYSCALL_DEFINE5(mount, user_addr_t, usource, user_addr_t, utarget,
		user_addr_t, utype, unsigned long, flags, user_addr_t, udata)
{
	char *source = NULL, *target = NULL, *type = NULL, *data = NULL;
	long err;

	source = getname_opt(usource);
	target = getname(utarget);
	type = getname_opt(utype);
	data = getname_opt(udata);
	err = IS_ERR(source) ? PTR_ERR(source) : IS_ERR(target) ?
	      PTR_ERR(target) : IS_ERR(type) ? PTR_ERR(type) :
	      IS_ERR(data) ? PTR_ERR(data) : 0;
	if (!err)
		err = do_mount(source, target, type, flags, data);
	putname(source);
	putname(target);
	putname(type);
	putname(data);
	return err;
}

SYSCALL_DEFINE2(umount2, user_addr_t, utarget, int, flags)
{
	char *target;
	long err;

	/* MNT_EXPIRE's two-step protocol is not supported. */
	if (flags & ~(MNT_FORCE | MNT_DETACH | UMOUNT_NOFOLLOW))
		return -EINVAL;
	target = getname(utarget);
	if (IS_ERR(target))
		return PTR_ERR(target);
	err = do_umount(target, flags);
	putname(target);
	return err;
}
