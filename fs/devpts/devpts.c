/*
 * devpts: the filesystem on /dev/pts. It stores nothing: each lookup of
 * "N" asks the pty layer (drivers/tty/pty.c) whether pty N exists and
 * makes a fresh character-device inode (136:N) for it; "ptmx" is the
 * multiplexer node (5:2). Names vanish when their master closes.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <ferrite/tty.h>
#include "../internal.h"

/*
 * One instance shared by every mount (Linux's behaviour without
 * "newinstance"). [I] after devpts_init; holds a reference of its own.
 */
static struct super_block *devpts_sb;

/* Linux's inode numbers: the root 1, ptmx 2, pts N is N + 3. */
#define DEVPTS_ROOT_INO		1
#define DEVPTS_PTMX_INO		2
#define DEVPTS_PTY_INO(n)	((u64)(n) + 3)

/* "N" without sign or leading zeros, below PTY_MAX; -1 otherwise. */
static int parse_index(const char *s, u32 len)
{
	int v = 0;

	if (!len || len > 3 || (s[0] == '0' && len > 1))
		return -1;
	for (u32 i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < PTY_MAX ? v : -1;
}

static struct inode *devpts_node(struct super_block *sb, u64 ino,
				 umode_t mode, dev_t rdev, u32 uid, u32 gid,
				 struct timespec64 when)
{
	struct inode *i = inode_alloc(sb, mode);

	if (!i)
		return NULL;
	i->ino = ino;
	i->rdev = rdev;
	i->uid = uid;
	i->gid = gid;
	i->atime = i->mtime = i->ctime = i->btime = when;
	return i;
}

/* chown and chmod of /dev/pts/N, as dropbear and login programs do. */
static int devpts_pty_setattr(struct dentry *d, const struct iattr *a)
{
	struct inode *i = d->inode;
	int err;

	if (a->valid & ATTR_SIZE)
		return -EINVAL;
	err = pty_node_setattr((int)(i->ino - DEVPTS_PTY_INO(0)), a);
	if (err)
		return err;
	mutex_lock(&i->lock);
	setattr_copy(i, a);
	mutex_unlock(&i->lock);
	return 0;
}

static const struct inode_operations devpts_pty_iops = {
	.setattr = devpts_pty_setattr,
};

static int devpts_lookup(struct inode *dir, struct dentry *d)
{
	struct pty_node n;
	struct inode *i;
	int idx;

	if (d->name_len == 4 && !memcmp(d->name, "ptmx", 4)) {
		/* Linux's default ptmxmode is 000: /dev/ptmx is the one used. */
		i = devpts_node(dir->sb, DEVPTS_PTMX_INO, S_IFCHR,
				MKDEV(PTY_MASTER_MAJOR, 2), 0, 0, dir->ctime);
		goto found;
	}
	idx = parse_index(d->name, d->name_len);
	if (idx < 0 || !pty_node_info(idx, &n))
		return 0;			/* negative: no such pty */
	i = devpts_node(dir->sb, DEVPTS_PTY_INO(idx), n.mode,
			MKDEV(PTY_SLAVE_MAJOR, idx), n.uid, n.gid, n.ctime);
	if (i)
		i->i_op = &devpts_pty_iops;
found:
	if (!i)
		return -ENOMEM;
	d_instantiate(d, i);
	return 0;
}

static int devpts_iterate(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->path.dentry;

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, DEVPTS_ROOT_INO, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, dir->parent->inode->ino, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	if (ctx->pos == 2) {
		if (!ctx->emit(ctx, "ptmx", 4, DEVPTS_PTMX_INO, DT_CHR))
			return 0;
		ctx->pos = 3;
	}
	/* Position 3 + N: the next pty at or after N. */
	for (;;) {
		int idx = pty_next_index((int)(ctx->pos - 3));
		char name[8];

		if (idx < 0)
			return 0;
		snprintf(name, sizeof(name), "%d", idx);
		if (!ctx->emit(ctx, name, (u32)strlen(name),
			       DEVPTS_PTY_INO(idx), DT_CHR))
			return 0;
		ctx->pos = 3 + (u64)idx + 1;
	}
}

static const struct inode_operations devpts_dir_iops = {
	.lookup = devpts_lookup,
};

static const struct file_operations devpts_dir_fops = {
	.iterate = devpts_iterate,
	.llseek = dir_index_llseek,
};

static struct super_block *devpts_mount(struct file_system_type *type,
					const char *source, unsigned long flags,
					const char *data)
{
	struct super_block *sb = READ_ONCE(devpts_sb);

	if (!sb)
		return ERR_PTR(-ENODEV);
	__atomic_add_fetch(&sb->refcount, 1, __ATOMIC_RELAXED);
	return sb;
}

static struct super_block *devpts_make_sb(struct file_system_type *type)
{
	struct super_block *sb = sb_alloc(type, DEVPTS_SUPER_MAGIC);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	root = devpts_node(sb, DEVPTS_ROOT_INO, S_IFDIR | 0755, 0, 0, 0,
			   current_time());
	if (!root)
		goto out_sb;
	root->i_op = &devpts_dir_iops;
	root->i_fop = &devpts_dir_fops;
	root->nlink = 2;
	if (sb_make_root(sb, root))
		goto out_sb;
	return sb;
out_sb:
	kfree(sb);
	return ERR_PTR(-ENOMEM);
}

static struct file_system_type devpts_fs_type = {
	.name = "devpts",
	.mount = devpts_mount,
};

int devpts_init(void)
{
	struct super_block *sb = devpts_make_sb(&devpts_fs_type);

	if (IS_ERR(sb))
		return (int)PTR_ERR(sb);
	devpts_sb = sb;
	return register_filesystem(&devpts_fs_type);
}

/*
 * The master of pty @index closed: take /dev/pts/N out of the tree now,
 * even while slave files keep its dentry alive (Linux's devpts_pty_kill).
 */
void devpts_pty_kill(int index)
{
	struct super_block *sb = READ_ONCE(devpts_sb);
	struct dentry *root, *d;
	char name[8];

	if (!sb)
		return;
	root = sb->root;
	snprintf(name, sizeof(name), "%d", index);
	mutex_lock(&root->inode->lock);
	d = d_lookup_locked(root, name, (u32)strlen(name));
	if (!IS_ERR(d)) {
		if (d->inode)
			d_delete(d);
		dentry_put(d);
	}
	mutex_unlock(&root->inode->lock);
}
