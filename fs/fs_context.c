/*
 * Filesystem context of a process (root, cwd, umask), the kernel's own
 * context used when no process is running (like Linux's init_task), and
 * the calls that change it: chdir, fchdir, getcwd, umask.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/syscall.h>
#include "internal.h"

struct fs_context kernel_fs = { .refcount = 1, .lock = SPINLOCK_INIT,
				.umask = 022 };

struct fs_context *current_fs(void)
{
	struct process *p = current_process();

	return p && p->fs ? p->fs : &kernel_fs;
}

struct fs_context *fs_context_create(const struct path *root)
{
	struct fs_context *fs = kzalloc(sizeof(*fs), GFP_KERNEL);

	if (!fs)
		return NULL;
	fs->refcount = 1;
	spin_lock_init(&fs->lock);
	fs->root = *root;
	fs->cwd = *root;
	path_get(&fs->root);
	path_get(&fs->cwd);
	fs->umask = 022;
	return fs;
}

struct fs_context *fs_context_dup(struct fs_context *src)
{
	struct fs_context *fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	unsigned long fl;

	if (!fs)
		return NULL;
	fs->refcount = 1;
	spin_lock_init(&fs->lock);
	fl = spin_lock_irqsave(&src->lock);
	fs->root = src->root;
	fs->cwd = src->cwd;
	path_get(&fs->root);
	path_get(&fs->cwd);
	fs->umask = src->umask;
	spin_unlock_irqrestore(&src->lock, fl);
	return fs;
}

void fs_context_put(struct fs_context *fs)
{
	if (__atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	path_put(&fs->root);
	path_put(&fs->cwd);
	if (fs != &kernel_fs)
		kfree(fs);
}

/* Make @p (reference taken over) the cwd. */
static void set_cwd(struct path *p)
{
	struct fs_context *fs = current_fs();
	unsigned long fl = spin_lock_irqsave(&fs->lock);
	struct path old = fs->cwd;

	fs->cwd = *p;
	spin_unlock_irqrestore(&fs->lock, fl);
	path_put(&old);
}

static int chdir_path(struct path *p)
{
	int err;

	if (!path_is_dir(p))
		return -ENOTDIR;
	err = inode_permission(p->dentry->inode, MAY_EXEC);
	if (err)
		return err;
	path_get(p);
	set_cwd(p);
	return 0;
}

SYSCALL_DEFINE1(chdir, user_addr_t, upath)
{
	char *name = getname(upath);
	struct path p;
	int err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	err = kern_path(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	putname(name);
	if (err)
		return err;
	err = chdir_path(&p);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	err = chdir_path(&f->path);
	fput(f);
	return err;
}

SYSCALL_DEFINE2(getcwd, user_addr_t, ubuf, unsigned long, size)
{
	struct fs_context *fs = current_fs();
	char *page = kmalloc(PATH_MAX, GFP_KERNEL);
	struct path cwd;
	unsigned long fl;
	size_t len;
	char *s;
	long err;

	if (!page)
		return -ENOMEM;
	fl = spin_lock_irqsave(&fs->lock);
	cwd = fs->cwd;
	path_get(&cwd);
	spin_unlock_irqrestore(&fs->lock, fl);
	err = -ENOENT;
	if (d_unlinked(cwd.dentry))
		goto out;
	s = d_path(&cwd, page, PATH_MAX);
	err = PTR_ERR(s);
	if (IS_ERR(s))
		goto out;
	len = strlen(s) + 1;
	err = -ERANGE;
	if (len > size)
		goto out;
	err = copy_to_user(ubuf, s, len);
	if (!err)
		err = (long)len;
out:
	path_put(&cwd);
	kfree(page);
	return err;
}

SYSCALL_DEFINE1(umask, int, mask)
{
	struct fs_context *fs = current_fs();
	unsigned long fl = spin_lock_irqsave(&fs->lock);
	u32 old = fs->umask;

	fs->umask = (u32)mask & 0777;
	spin_unlock_irqrestore(&fs->lock, fl);
	return old;
}

u32 current_umask(void)
{
	struct fs_context *fs = current_fs();

	return READ_ONCE(fs->umask);
}
