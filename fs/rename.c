/*
 * rename, renameat, renameat2 (RENAME_NOREPLACE, RENAME_EXCHANGE). All
 * renames are serialized by rename_mutex, so the loop check (no moving a
 * directory under itself) cannot race with another rename; the two
 * parent directories are then locked ancestor first.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/syscall.h>
#include "internal.h"

struct mutex rename_mutex = {
	.lock = SPINLOCK_INIT,
	.waiters = WAIT_QUEUE_HEAD_INIT(rename_mutex.waiters),
};

/* Is @anc an ancestor of (or equal to) @d? */
static bool is_ancestor(struct dentry *anc, struct dentry *d)
{
	unsigned long fl = spin_lock_irqsave(&dcache_lock);
	bool found = false;

	for (;;) {
		if (d == anc) {
			found = true;
			break;
		}
		if (d->parent == d)
			break;
		d = d->parent;
	}
	spin_unlock_irqrestore(&dcache_lock, fl);
	return found;
}

static void lock_two(struct dentry *a, struct dentry *b)
{
	if (a == b) {
		mutex_lock(&a->inode->lock);
		return;
	}
	if (is_ancestor(b, a) || (!is_ancestor(a, b) && b < a)) {
		struct dentry *t = a;

		a = b;
		b = t;
	}
	mutex_lock(&a->inode->lock);
	mutex_lock(&b->inode->lock);
}

static void unlock_two(struct dentry *a, struct dentry *b)
{
	mutex_unlock(&a->inode->lock);
	if (a != b)
		mutex_unlock(&b->inode->lock);
}

static bool last_is_bad(const char *n, u32 len)
{
	return !len || (len == 1 && n[0] == '.') ||
	       (len == 2 && n[0] == '.' && n[1] == '.');
}

/* The type and loop rules, with both dentries found. */
static int rename_check(struct dentry *od, struct dentry *nd, bool otrail,
			bool ntrail, struct dentry *oparent,
			struct dentry *nparent, unsigned int flags)
{
	bool odir, ndir;

	if (!od->inode)
		return -ENOENT;
	odir = S_ISDIR(od->inode->mode);
	if ((otrail || ntrail) && !odir)
		return -ENOTDIR;
	if ((flags & RENAME_EXCHANGE) && !nd->inode)
		return -ENOENT;
	if (nd->inode == od->inode)
		return 1;	/* the same file: nothing to do */
	if ((flags & RENAME_NOREPLACE) && nd->inode)
		return -EEXIST;
	ndir = nd->inode && S_ISDIR(nd->inode->mode);
	if (nd->inode && !(flags & RENAME_EXCHANGE)) {
		if (odir && !ndir)
			return -ENOTDIR;
		if (!odir && ndir)
			return -EISDIR;
	}
	if ((READ_ONCE(od->flags) | READ_ONCE(nd->flags)) & DENTRY_MOUNTED)
		return -EBUSY;
	if (odir && is_ancestor(od, nparent))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && ndir && is_ancestor(nd, oparent))
		return -EINVAL;
	if (ndir && !(flags & RENAME_EXCHANGE) && is_ancestor(nd, oparent))
		return -ENOTEMPTY;
	return 0;
}

struct rename_side {
	struct path parent;
	char last[NAME_MAX + 1];
	u32 len;
	bool trailing;
};

static int rename_locked(struct rename_side *o, struct rename_side *n,
			 unsigned int flags)
{
	struct inode *odir = o->parent.dentry->inode;
	struct inode *ndir = n->parent.dentry->inode;
	struct dentry *od, *nd;
	int err;

	od = d_lookup_locked(o->parent.dentry, o->last, o->len);
	if (IS_ERR(od))
		return (int)PTR_ERR(od);
	nd = d_lookup_locked(n->parent.dentry, n->last, n->len);
	err = PTR_ERR(nd);
	if (IS_ERR(nd))
		goto out_od;
	err = rename_check(od, nd, o->trailing, n->trailing, o->parent.dentry,
			   n->parent.dentry, flags);
	if (err) {
		err = err > 0 ? 0 : err;
		goto out_nd;
	}
	if (!odir->i_op || !odir->i_op->rename) {
		err = -EPERM;
		goto out_nd;
	}
	/* A replaced directory must be empty: lock it against creations. */
	if (nd->inode && S_ISDIR(nd->inode->mode))
		mutex_lock(&nd->inode->lock);
	err = odir->i_op->rename(odir, od, ndir, nd, flags);
	if (nd->inode && S_ISDIR(nd->inode->mode))
		mutex_unlock(&nd->inode->lock);
out_nd:
	dentry_put(nd);
out_od:
	dentry_put(od);
	return err;
}

int vfs_rename_at(int olddfd, const char *oldname, int newdfd,
		  const char *newname, unsigned int flags)
{
	struct rename_side *s;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;	/* RENAME_WHITEOUT: overlay only */
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	s = kzalloc(2 * sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	err = path_parent_at(olddfd, oldname, 0, &s[0].parent, s[0].last,
			     &s[0].len, &s[0].trailing);
	if (err)
		goto out_free;
	err = path_parent_at(newdfd, newname, 0, &s[1].parent, s[1].last,
			     &s[1].len, &s[1].trailing);
	if (err)
		goto out_old;
	err = -EBUSY;
	if (last_is_bad(s[0].last, s[0].len) || last_is_bad(s[1].last, s[1].len))
		goto out_new;
	err = -EXDEV;
	if (s[0].parent.mnt != s[1].parent.mnt)
		goto out_new;
	err = inode_permission(s[0].parent.dentry->inode, MAY_WRITE | MAY_EXEC);
	if (!err)
		err = inode_permission(s[1].parent.dentry->inode,
				       MAY_WRITE | MAY_EXEC);
	if (err)
		goto out_new;
	mutex_lock(&rename_mutex);
	lock_two(s[0].parent.dentry, s[1].parent.dentry);
	err = rename_locked(&s[0], &s[1], flags);
	unlock_two(s[0].parent.dentry, s[1].parent.dentry);
	mutex_unlock(&rename_mutex);
out_new:
	path_put(&s[1].parent);
out_old:
	path_put(&s[0].parent);
out_free:
	kfree(s);
	return err;
}

static long do_renameat2(int olddfd, user_addr_t uold, int newdfd,
			 user_addr_t unew, unsigned int flags)
{
	char *old = getname(uold), *new = getname(unew);
	long err = IS_ERR(old) ? PTR_ERR(old) : IS_ERR(new) ? PTR_ERR(new) : 0;

	if (!err)
		err = vfs_rename_at(olddfd, old, newdfd, new, flags);
	putname(old);
	putname(new);
	return err;
}

SYSCALL_DEFINE2(rename, user_addr_t, old, user_addr_t, new)
{
	return do_renameat2(AT_FDCWD, old, AT_FDCWD, new, 0);
}

SYSCALL_DEFINE4(renameat, int, olddfd, user_addr_t, old, int, newdfd,
		user_addr_t, new)
{
	return do_renameat2(olddfd, old, newdfd, new, 0);
}

SYSCALL_DEFINE5(renameat2, int, olddfd, user_addr_t, old, int, newdfd,
		user_addr_t, new, unsigned int, flags)
{
	return do_renameat2(olddfd, old, newdfd, new, flags);
}
