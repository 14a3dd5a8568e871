/*
 * devtmpfs: one tmpfs instance, shared by every mount of type
 * "devtmpfs", holding the device nodes with Linux's numbers. Users may
 * add and remove entries like in any tmpfs; the kernel fills it once.
 */
#include <ferrite/devices.h>
#include <ferrite/fs.h>
#include <ferrite/printk.h>
#include <ferrite/string.h>
#include <ferrite/tty.h>

/* [I] after devtmpfs_init; holds a reference so it is never freed. */
static struct super_block *devtmpfs_sb;

static struct super_block *devtmpfs_mount(struct file_system_type *type,
					  const char *source,
					  unsigned long flags, const char *data)
{
	struct super_block *sb = READ_ONCE(devtmpfs_sb);

	if (!sb)
		return ERR_PTR(-ENODEV);
	__atomic_add_fetch(&sb->refcount, 1, __ATOMIC_RELAXED);
	return sb;
}

static struct file_system_type devtmpfs_fs_type = {
	.name = "devtmpfs",
	.mount = devtmpfs_mount,
};

struct devnode {
	const char *name;
	umode_t mode;
	u32 major, minor;
	const char *target;	/* symlinks */
};

/* Linux's numbers and modes (devtmpfs and udev defaults). */
static const struct devnode nodes[] = {
	{ "console", S_IFCHR | 0600, 5, 1, NULL },
	{ "tty", S_IFCHR | 0666, 5, 0, NULL },
	{ "ttyS0", S_IFCHR | 0660, 4, 64, NULL },
	{ "ptmx", S_IFCHR | 0666, 5, 2, NULL },
	{ "null", S_IFCHR | 0666, 1, 3, NULL },
	{ "zero", S_IFCHR | 0666, 1, 5, NULL },
	{ "full", S_IFCHR | 0666, 1, 7, NULL },
	{ "random", S_IFCHR | 0666, 1, 8, NULL },
	{ "urandom", S_IFCHR | 0666, 1, 9, NULL },
	{ "shm", S_IFDIR | 01777, 0, 0, NULL },
	{ "pts", S_IFDIR | 0755, 0, 0, NULL },
	{ "fd", S_IFLNK | 0777, 0, 0, "/proc/self/fd" },
	{ "stdin", S_IFLNK | 0777, 0, 0, "/proc/self/fd/0" },
	{ "stdout", S_IFLNK | 0777, 0, 0, "/proc/self/fd/1" },
	{ "stderr", S_IFLNK | 0777, 0, 0, "/proc/self/fd/2" },
};

/* Create one entry in the root through the filesystem's own operations. */
static int devtmpfs_add(const struct devnode *n)
{
	struct dentry *root = devtmpfs_sb->root;
	struct inode *dir = root->inode;
	struct dentry *d;
	int err;

	mutex_lock(&dir->lock);
	d = d_lookup_locked(root, n->name, (u32)strlen(n->name));
	if (!d || IS_ERR(d)) {
		err = d ? (int)PTR_ERR(d) : -ENOMEM;
		goto out_unlock;
	}
	if (d->inode)
		err = -EEXIST;
	else if (S_ISLNK(n->mode))
		err = dir->i_op->symlink(dir, d, n->target);
	else if (S_ISDIR(n->mode))
		err = dir->i_op->mkdir(dir, d, n->mode);
	else
		err = dir->i_op->mknod(dir, d, n->mode, MKDEV(n->major, n->minor));
	dentry_put(d);
out_unlock:
	mutex_unlock(&dir->lock);
	return err;
}

int devtmpfs_init(void)
{
	struct super_block *sb;
	struct inode *root;
	int err;

	sb = tmpfs_fs_type.mount(&devtmpfs_fs_type, "devtmpfs", 0, NULL);
	if (IS_ERR(sb))
		return (int)PTR_ERR(sb);
	root = sb->root->inode;
	mutex_lock(&root->lock);
	root->mode = S_IFDIR | 0755;	/* Linux's /dev, not tmpfs's 1777 */
	mutex_unlock(&root->lock);
	devtmpfs_sb = sb;
	err = devpts_init();
	if (err)
		pr_err("devtmpfs: devpts: error %d\n", err);
	for (unsigned int i = 0; i < ARRAY_SIZE(nodes); i++) {
		err = devtmpfs_add(&nodes[i]);
		if (err)
			pr_err("devtmpfs: %s: error %d\n", nodes[i].name, err);
	}
	return register_filesystem(&devtmpfs_fs_type);
}

/* mkdir -p for one level: an existing directory is fine. */
static int ensure_dir(const char *path)
{
	int err = vfs_mkdir_path(path, 0755);

	return err == -EEXIST ? 0 : err;
}

/*
 * After the initramfs is unpacked: devtmpfs on /dev, devpts on /dev/pts
 * and proc on /proc (the directories are made if the archive lacks them),
 * so init finds its console, ptys and /proc without mounting anything.
 */
void devices_mount(void)
{
	static const struct {
		const char *dir, *type;
	} mounts[] = {
		{ "/dev", "devtmpfs" },
		{ "/dev/pts", "devpts" },
		{ "/proc", "proc" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(mounts); i++) {
		int err = ensure_dir(mounts[i].dir);

		if (!err)
			err = do_mount(mounts[i].type, mounts[i].dir,
				       mounts[i].type, 0, NULL);
		if (err)
			pr_err("devices: mounting %s on %s: error %d\n",
			       mounts[i].type, mounts[i].dir, err);
	}
}
