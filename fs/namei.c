/*
 * The path walk: from a name (kernel string) and a starting directory
 * (dirfd, cwd or root) to a referenced struct path. Handles ".", "..",
 * mount crossings both ways, symlinks anywhere (at most MAXSYMLINKS per
 * walk) and trailing slashes. A symlink met in the middle is spliced into
 * the remaining text (target + "/" + rest) so the walk never recurses.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/string.h>
#include "internal.h"

struct nameidata {
	struct path path;	/* where the walk stands; referenced */
	struct path root;	/* the caller's root; referenced */
	unsigned int links;	/* symlinks followed so far */
	char *buf[2];		/* spliced names, PATH_MAX * 2 each */
	int cur;		/* which buffer holds the text being walked */
};

#define SPLICE_MAX	(2 * PATH_MAX)

char *getname(user_addr_t uname)
{
	char *s = kmalloc(PATH_MAX, GFP_KERNEL);
	long n;

	if (!s)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(s, uname, PATH_MAX);
	if (n < 0) {
		kfree(s);
		return ERR_PTR(n);
	}
	return s;
}

void putname(char *name)
{
	if (!IS_ERR_OR_NULL(name))
		kfree(name);
}

static void nd_set(struct nameidata *nd, struct mount *m, struct dentry *d)
{
	struct path old = nd->path;

	nd->path.mnt = mount_get(m);
	nd->path.dentry = dentry_get(d);
	path_put(&old);
}

/* Step onto what is mounted at the current dentry, repeatedly. */
void path_follow_mounts(struct path *p)
{
	while (READ_ONCE(p->dentry->flags) & DENTRY_MOUNTED) {
		struct mount *m = mount_lookup(p->mnt, p->dentry);

		if (!m)
			break;
		dentry_put(p->dentry);
		mount_put(p->mnt);
		p->mnt = m;
		p->dentry = dentry_get(m->root);
	}
}

static void nd_dotdot(struct nameidata *nd)
{
	for (;;) {
		struct mount *m = nd->path.mnt;
		struct dentry *d = nd->path.dentry;
		struct dentry *parent;
		unsigned long fl;

		if (d == nd->root.dentry && m == nd->root.mnt)
			return;
		if (d == m->root) {
			if (m->parent == m || m->detached)
				return;
			nd_set(nd, m->parent, m->mountpoint);
			continue;
		}
		fl = spin_lock_irqsave(&dcache_lock);
		parent = dentry_get(d->parent);	/* rename moves d->parent */
		spin_unlock_irqrestore(&dcache_lock, fl);
		nd_set(nd, m, parent);
		dentry_put(parent);
		path_follow_mounts(&nd->path);
		return;
	}
}

static struct dentry *lookup_child(struct dentry *dir, const char *name,
				   u32 len)
{
	struct inode *di = dir->inode;
	struct dentry *d;

	mutex_lock(&di->lock);
	d = d_lookup_locked(dir, name, len);
	mutex_unlock(&di->lock);
	return d;
}

/*
 * Replace the text still to walk (@rest) with target + rest, in the spare
 * buffer. Moves the walk to the root for an absolute target.
 */
static int nd_splice_link(struct nameidata *nd, struct dentry *link,
			  const char **rest)
{
	int spare = !nd->cur;
	char *out = nd->buf[spare];
	size_t rlen = strlen(*rest);
	ssize_t n;

	if (++nd->links > MAXSYMLINKS)
		return -ELOOP;
	if (!out) {
		out = kmalloc(SPLICE_MAX, GFP_KERNEL);
		if (!out)
			return -ENOMEM;
		nd->buf[spare] = out;
	}
	if (!link->inode->i_op || !link->inode->i_op->readlink)
		return -EINVAL;
	n = link->inode->i_op->readlink(link, out, PATH_MAX);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENOENT;
	if ((size_t)n + rlen + 1 >= SPLICE_MAX)
		return -ENAMETOOLONG;
	/* rest may live in the other buffer only: spare never aliases it. */
	memcpy(out + n, *rest, rlen + 1);
	nd->cur = spare;
	*rest = out;
	if (out[0] == '/')
		nd_set(nd, nd->root.mnt, nd->root.dentry);
	return 0;
}

static bool is_dot(const char *c, u32 len)
{
	return len == 1 && c[0] == '.';
}

static bool is_dotdot(const char *c, u32 len)
{
	return len == 2 && c[0] == '.' && c[1] == '.';
}

/* Does only slashes (or nothing) remain after *p? */
static bool at_last(const char *p)
{
	while (*p == '/')
		p++;
	return !*p;
}

static int nd_start(struct nameidata *nd, int dirfd, const char *name,
		    unsigned int flags)
{
	struct fs_context *fs = current_fs();
	unsigned long fl;

	memset(nd, 0, sizeof(*nd));
	fl = spin_lock_irqsave(&fs->lock);
	nd->root = fs->root;
	path_get(&nd->root);
	if (name[0] == '/' || dirfd == AT_FDCWD) {
		nd->path = name[0] == '/' ? fs->root : fs->cwd;
		path_get(&nd->path);
		spin_unlock_irqrestore(&fs->lock, fl);
		return 0;
	}
	spin_unlock_irqrestore(&fs->lock, fl);

	struct file *f = fget(dirfd);

	if (!f)
		return -EBADF;
	nd->path = f->path;
	path_get(&nd->path);
	fput(f);
	if (name[0] && !path_is_dir(&nd->path))
		return -ENOTDIR;
	return 0;
}

static void nd_end(struct nameidata *nd)
{
	if (nd->path.dentry)
		path_put(&nd->path);
	if (nd->root.dentry)
		path_put(&nd->root);
	kfree(nd->buf[0]);
	kfree(nd->buf[1]);
}

/*
 * The walk proper. With LOOKUP_PARENT it stops before the last component
 * and copies it to @last; otherwise nd->path ends on the named object.
 */
static int nd_walk(struct nameidata *nd, const char *name, unsigned int flags,
		   char *last, u32 *last_len, bool *trailing)
{
	const char *p = name;
	bool slash_end = false;
	int err;

	if (!*name && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	for (;;) {
		const char *comp;
		u32 len;
		bool slash;
		struct dentry *child;
		struct inode *dir = nd->path.dentry->inode;
		int r = path_next_component(&p, &comp, &len, &slash);

		if (r < 0)
			return r;
		if (r == 0) {
			if (flags & LOOKUP_PARENT) {
				*last_len = 0;	/* the name was "/" or "" */
				last[0] = '\0';
			}
			break;
		}
		if (!S_ISDIR(dir->mode))
			return -ENOTDIR;
		err = inode_permission(dir, MAY_EXEC);
		if (err)
			return err;
		if (at_last(p)) {
			slash_end = slash;
			if (flags & LOOKUP_PARENT) {
				memcpy(last, comp, len);
				last[len] = '\0';
				*last_len = len;
				break;
			}
		}
		if (is_dot(comp, len))
			continue;
		if (is_dotdot(comp, len)) {
			nd_dotdot(nd);
			continue;
		}
		child = lookup_child(nd->path.dentry, comp, len);
		if (IS_ERR(child))
			return (int)PTR_ERR(child);
		if (!child->inode) {
			dentry_put(child);
			return -ENOENT;
		}
		if (S_ISLNK(child->inode->mode) &&
		    (!at_last(p) || (flags & LOOKUP_FOLLOW) || slash)) {
			err = nd_splice_link(nd, child, &p);
			dentry_put(child);
			if (err)
				return err;
			continue;
		}
		nd_set(nd, nd->path.mnt, child);
		dentry_put(child);
		path_follow_mounts(&nd->path);
	}
	if (trailing)
		*trailing = slash_end;
	if (flags & LOOKUP_PARENT)
		return path_is_dir(&nd->path) ? 0 : -ENOTDIR;
	if ((slash_end || (flags & LOOKUP_DIRECTORY)) &&
	    !path_is_dir(&nd->path))
		return -ENOTDIR;
	return 0;
}

int path_lookup_at(int dirfd, const char *name, unsigned int flags,
		   struct path *out)
{
	struct nameidata nd;
	int err;

	if (strnlen(name, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	err = nd_start(&nd, dirfd, name, flags);
	if (!err)
		err = nd_walk(&nd, name, flags & ~LOOKUP_PARENT, NULL, NULL,
			      NULL);
	if (!err) {
		*out = nd.path;
		nd.path.dentry = NULL;
	}
	nd_end(&nd);
	return err;
}

int kern_path(const char *name, unsigned int flags, struct path *out)
{
	return path_lookup_at(AT_FDCWD, name, flags, out);
}

int path_parent_at(int dirfd, const char *name, unsigned int flags,
		   struct path *parent, char *last, u32 *last_len,
		   bool *trailing_slash)
{
	struct nameidata nd;
	int err;

	if (strnlen(name, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	err = nd_start(&nd, dirfd, name, flags);
	if (!err)
		err = nd_walk(&nd, name, flags | LOOKUP_PARENT, last, last_len,
			      trailing_slash);
	if (!err) {
		*parent = nd.path;
		nd.path.dentry = NULL;
	}
	nd_end(&nd);
	return err;
}

int lookup_create(int dirfd, const char *name, bool is_dir,
		  struct path *parent, struct dentry **dp)
{
	char *last = kmalloc(NAME_MAX + 1, GFP_KERNEL);
	struct inode *dir;
	struct dentry *d;
	bool trailing;
	u32 len;
	int err;

	if (!last)
		return -ENOMEM;
	err = path_parent_at(dirfd, name, 0, parent, last, &len, &trailing);
	if (err)
		goto out_free;
	err = -EEXIST;
	if (!len || is_dot(last, len) || is_dotdot(last, len))
		goto out_parent;
	err = -ENOENT;
	if (trailing && !is_dir)
		goto out_parent;
	dir = parent->dentry->inode;
	err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	if (err)
		goto out_parent;
	mutex_lock(&dir->lock);
	d = d_lookup_locked(parent->dentry, last, len);
	err = PTR_ERR(d);
	if (IS_ERR(d))
		goto out_unlock;
	err = -EEXIST;
	if (d->inode)
		goto out_dput;
	err = -ENOENT;
	if (d_unlinked(parent->dentry))
		goto out_dput;
	*dp = d;
	kfree(last);
	return 0;
out_dput:
	dentry_put(d);
out_unlock:
	mutex_unlock(&dir->lock);
out_parent:
	path_put(parent);
out_free:
	kfree(last);
	return err;
}

void done_create(struct path *parent, struct dentry *d)
{
	mutex_unlock(&parent->dentry->inode->lock);
	dentry_put(d);
	path_put(parent);
}
