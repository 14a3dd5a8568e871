/*
 * tmpfs: a filesystem in memory. The dentry tree is its directory store
 * (positive dentries are pinned there), file data lives in each inode's
 * vm_object, symlink targets in inode->private. This file has the
 * superblock and the directory-changing inode operations.
 */
#include <ferrite/mm.h>
#include <ferrite/string.h>
#include <ferrite/vm.h>
#include "../internal.h"
#include "tmpfs.h"

static const struct inode_operations tmpfs_dir_iops;
static const struct inode_operations tmpfs_symlink_iops;
static const struct inode_operations tmpfs_special_iops;

static struct tmpfs_sb *TSB(struct super_block *sb)
{
	return sb->private;
}

static struct inode *tmpfs_new_inode(struct super_block *sb, umode_t mode,
				     dev_t dev)
{
	struct inode *i = inode_alloc(sb, mode);

	if (!i)
		return NULL;
	switch (mode & S_IFMT) {
	case S_IFREG:
		i->i_op = &tmpfs_file_iops;
		i->i_fop = &tmpfs_file_fops;
		i->data = vm_object_create();
		if (!i->data) {
			inode_put(i);
			return NULL;
		}
		break;
	case S_IFDIR:
		i->i_op = &tmpfs_dir_iops;
		i->i_fop = &tmpfs_dir_fops;
		i->nlink = 2;
		i->size = 2 * TMPFS_DIRENT_SIZE;
		break;
	case S_IFLNK:
		i->i_op = &tmpfs_symlink_iops;
		break;
	default:
		i->i_op = &tmpfs_special_iops;
		i->rdev = dev;
		break;
	}
	__atomic_add_fetch(&TSB(sb)->nr_inodes, 1, __ATOMIC_RELAXED);
	return i;
}

static void tmpfs_evict(struct inode *i)
{
	if (S_ISLNK(i->mode))
		kfree(i->private);
	__atomic_sub_fetch(&TSB(i->sb)->nr_inodes, 1, __ATOMIC_RELAXED);
}

/* A name entered the directory: sizes and times as Linux's tmpfs. */
static void dir_changed(struct inode *dir, s64 size_delta)
{
	dir->size = (u64)((s64)dir->size + size_delta);
	dir->mtime = dir->ctime = current_time();
}

static int tmpfs_lookup(struct inode *dir, struct dentry *d)
{
	return 0;	/* not in the tree: the name does not exist */
}

static int tmpfs_mknod(struct inode *dir, struct dentry *d, umode_t mode,
		       dev_t dev)
{
	struct inode *i = tmpfs_new_inode(dir->sb, mode, dev);

	if (!i)
		return -ENOMEM;
	if (S_ISDIR(mode))
		dir->nlink++;
	d_instantiate(d, i);
	d_pin(d);
	dir_changed(dir, TMPFS_DIRENT_SIZE);
	return 0;
}

static int tmpfs_create(struct inode *dir, struct dentry *d, umode_t mode)
{
	return tmpfs_mknod(dir, d, (mode & S_IALLUGO) | S_IFREG, 0);
}

static int tmpfs_mkdir(struct inode *dir, struct dentry *d, umode_t mode)
{
	return tmpfs_mknod(dir, d, (mode & S_IALLUGO) | S_IFDIR, 0);
}

static int tmpfs_symlink(struct inode *dir, struct dentry *d,
			 const char *target)
{
	size_t len = strlen(target);
	struct inode *i;
	char *copy = kmalloc(len + 1, GFP_KERNEL);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, target, len + 1);
	i = tmpfs_new_inode(dir->sb, S_IFLNK | 0777, 0);
	if (!i) {
		kfree(copy);
		return -ENOMEM;
	}
	i->private = copy;
	i->size = len;
	d_instantiate(d, i);
	d_pin(d);
	dir_changed(dir, TMPFS_DIRENT_SIZE);
	return 0;
}

static int tmpfs_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *i = old->inode;

	mutex_lock(&i->lock);
	i->nlink++;
	i->ctime = current_time();
	mutex_unlock(&i->lock);
	d_instantiate(d, inode_get(i));
	d_pin(d);
	dir_changed(dir, TMPFS_DIRENT_SIZE);
	return 0;
}

/* Take @d's name out of @dir; its inode lives on while referenced. */
static void tmpfs_drop_name(struct inode *dir, struct dentry *d)
{
	struct inode *i = d->inode;

	/* The VFS already holds a victim directory's lock (rmdir, rename). */
	if (S_ISDIR(i->mode)) {
		i->nlink = 0;
		dir->nlink--;
		i->ctime = current_time();
	} else {
		mutex_lock(&i->lock);
		i->nlink--;
		i->ctime = current_time();
		mutex_unlock(&i->lock);
	}
	dir_changed(dir, -TMPFS_DIRENT_SIZE);
	d_delete(d);
	d_unpin(d);
}

static int tmpfs_unlink(struct inode *dir, struct dentry *d)
{
	tmpfs_drop_name(dir, d);
	return 0;
}

static bool dir_is_empty(struct dentry *d)
{
	struct dentry *c;
	bool empty = true;
	unsigned long fl = spin_lock_irqsave(&dcache_lock);

	list_for_each_entry(c, &d->children, sibling) {
		if (c->inode) {
			empty = false;
			break;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, fl);
	return empty;
}

static int tmpfs_rmdir(struct inode *dir, struct dentry *d)
{
	if (!dir_is_empty(d))
		return -ENOTEMPTY;
	tmpfs_drop_name(dir, d);
	return 0;
}

/*
 * The VFS has checked types, emptiness is checked here; @new may be
 * positive (replaced) or negative. Directory link counts follow the
 * ".." entries that move.
 */
static int tmpfs_rename(struct inode *old_dir, struct dentry *old,
			struct inode *new_dir, struct dentry *new,
			unsigned int flags)
{
	char oname[NAME_MAX + 1], nname[NAME_MAX + 1];
	u32 olen = old->name_len, nlen = new->name_len;
	struct dentry *oparent = old->parent, *nparent = new->parent;
	bool odir = S_ISDIR(old->inode->mode);
	int err;

	memcpy(oname, old->name, olen);
	memcpy(nname, new->name, nlen);
	if (flags & RENAME_EXCHANGE) {
		bool ndir = S_ISDIR(new->inode->mode);

		err = d_move(old, nparent, nname, nlen);
		if (!err)
			err = d_move(new, oparent, oname, olen);
		if (err)
			return err;
		if (odir != ndir && old_dir != new_dir) {
			if (odir) {
				old_dir->nlink--;
				new_dir->nlink++;
			} else {
				old_dir->nlink++;
				new_dir->nlink--;
			}
		}
		dir_changed(old_dir, 0);
		dir_changed(new_dir, 0);
		old->inode->ctime = new->inode->ctime = current_time();
		return 0;
	}
	if (new->inode) {
		if (S_ISDIR(new->inode->mode) && !dir_is_empty(new))
			return -ENOTEMPTY;
		tmpfs_drop_name(new_dir, new);
	}
	err = d_move(old, nparent, nname, nlen);
	if (err)
		return err;
	if (odir && old_dir != new_dir) {
		old_dir->nlink--;
		new_dir->nlink++;
	}
	dir_changed(old_dir, -TMPFS_DIRENT_SIZE);
	dir_changed(new_dir, TMPFS_DIRENT_SIZE);
	old->inode->ctime = current_time();
	return 0;
}

static ssize_t tmpfs_readlink(struct dentry *d, char *buf, size_t len)
{
	const char *t = d->inode->private;
	size_t n = MIN(len, (size_t)d->inode->size);

	memcpy(buf, t, n);
	return (ssize_t)n;
}

static const struct inode_operations tmpfs_dir_iops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.mknod = tmpfs_mknod,
	.mkdir = tmpfs_mkdir,
	.rmdir = tmpfs_rmdir,
	.unlink = tmpfs_unlink,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
};

static const struct inode_operations tmpfs_symlink_iops = {
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
};

static const struct inode_operations tmpfs_special_iops = {
	.setattr = tmpfs_setattr,
};

/* Half of RAM, as Linux's default size= for tmpfs. */
static int tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	u64 total = nr_total_pages() / 2;
	u64 free = nr_free_pages();
	u64 used = total > free ? total - free : 0;

	st->f_type = TMPFS_MAGIC;
	st->f_blocks = total;
	st->f_bfree = total - MIN(used, total);
	st->f_bavail = st->f_bfree;
	st->f_files = total;
	st->f_ffree = total - MIN(READ_ONCE(TSB(sb)->nr_inodes), total);
	return 0;
}

/* Drop every pin of the tree below @d (unmount of the whole tmpfs). */
static void tmpfs_unpin_tree(struct dentry *d)
{
	for (;;) {
		struct dentry *c = NULL, *it;
		unsigned long fl = spin_lock_irqsave(&dcache_lock);

		list_for_each_entry(it, &d->children, sibling) {
			if (it->inode) {
				c = it;
				c->refcount++;
				break;
			}
		}
		spin_unlock_irqrestore(&dcache_lock, fl);
		if (!c)
			return;
		tmpfs_unpin_tree(c);
		d_delete(c);
		d_unpin(c);
		dentry_put(c);
	}
}

static void tmpfs_kill_sb(struct super_block *sb)
{
	tmpfs_unpin_tree(sb->root);
	dentry_put(sb->root);
	kfree(sb->private);
	kfree(sb);
}

static const struct super_operations tmpfs_sops = {
	.statfs = tmpfs_statfs,
	.evict_inode = tmpfs_evict,
};

static struct super_block *tmpfs_mount(struct file_system_type *type,
				       const char *source, unsigned long flags,
				       const char *data)
{
	struct super_block *sb = sb_alloc(type, TMPFS_MAGIC);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->s_op = &tmpfs_sops;
	sb->private = kzalloc(sizeof(struct tmpfs_sb), GFP_KERNEL);
	if (!sb->private)
		goto out_sb;
	root = tmpfs_new_inode(sb, S_IFDIR | 01777, 0);
	if (!root)
		goto out_priv;
	if (sb_make_root(sb, root))
		goto out_priv;
	return sb;
out_priv:
	kfree(sb->private);
out_sb:
	kfree(sb);
	return ERR_PTR(-ENOMEM);
}

struct file_system_type tmpfs_fs_type = {
	.name = "tmpfs",
	.mount = tmpfs_mount,
	.kill_sb = tmpfs_kill_sb,
};
