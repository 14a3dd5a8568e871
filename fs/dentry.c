/*
 * Dentries: the name tree. A dentry names one inode (or nothing: a
 * negative entry) under its parent. Lookups find children on the
 * parent's list under dcache_lock; a dentry whose last reference goes
 * away leaves the tree. tmpfs pins its positive dentries (d_pin) because
 * the tree is its only directory store; unlink marks a dentry dead and
 * unpins it, and open files keep it (and its inode) alive.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/string.h>
#include "internal.h"

DEFINE_SPINLOCK(dcache_lock);

struct dentry *dentry_alloc(struct dentry *parent, const char *name, u32 len)
{
	struct dentry *d;

	if (len > NAME_MAX)
		return NULL;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	if (len >= DENTRY_INLINE_NAME) {
		d->name = kmalloc(len + 1, GFP_KERNEL);
		if (!d->name) {
			kfree(d);
			return NULL;
		}
	} else {
		d->name = d->iname;
	}
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->name_len = len;
	d->refcount = 1;
	list_init(&d->children);
	list_init(&d->sibling);
	if (parent) {
		d->parent = dentry_get(parent);
		d->sb = parent->sb;
	} else {
		d->parent = d;	/* a root: the caller sets d->sb */
	}
	return d;
}

struct dentry *dentry_get(struct dentry *d)
{
	__atomic_add_fetch(&d->refcount, 1, __ATOMIC_RELAXED);
	return d;
}

static void dentry_free(struct dentry *d)
{
	if (d->inode)
		inode_put(d->inode);
	if (d->name != d->iname)
		kfree(d->name);
	kfree(d);
}

/*
 * The count drops under dcache_lock so a lookup (which takes its
 * reference under the same lock) never revives a dentry being freed.
 * Walk up iteratively: each child holds a reference on its parent.
 */
void dentry_put(struct dentry *d)
{
	while (d) {
		struct dentry *parent = NULL;
		unsigned long fl = spin_lock_irqsave(&dcache_lock);

		if (--d->refcount) {
			spin_unlock_irqrestore(&dcache_lock, fl);
			return;
		}
		if (d->parent != d) {
			parent = d->parent;
			if (!list_empty(&d->sibling))
				list_del(&d->sibling);
			list_init(&d->sibling);
		}
		spin_unlock_irqrestore(&dcache_lock, fl);
		dentry_free(d);
		d = parent;
	}
}

void d_instantiate(struct dentry *d, struct inode *inode)
{
	unsigned long fl = spin_lock_irqsave(&dcache_lock);

	d->inode = inode;
	spin_unlock_irqrestore(&dcache_lock, fl);
}

static u64 dentry_seq = 2;	/* [dcache_lock]; 0 and 1 are "." and ".." */

/* Append to @parent's children with a fresh cursor position. */
static void d_link_child_locked(struct dentry *parent, struct dentry *d)
{
	d->seq = dentry_seq++;
	list_add_tail(&d->sibling, &parent->children);
}
void d_add_child(struct dentry *parent, struct dentry *d)
{

	unsigned long fl = spin_lock_irqsave(&dcache_lock);

	d_link_child_locked(parent, d);
	spin_unlock_irqrestore(&dcache_lock, fl);
}

void d_remove_child(struct dentry *d)
{
	unsigned long fl = spin_lock_irqsave(&dcache_lock);

	if (!list_empty(&d->sibling))
		list_del(&d->sibling);
	list_init(&d->sibling);
	spin_unlock_irqrestore(&dcache_lock, fl);
}

void d_delete(struct dentry *d)
{
	unsigned long fl = spin_lock_irqsave(&dcache_lock);

	d->flags |= DENTRY_DEAD;
	if (!list_empty(&d->sibling))
		list_del(&d->sibling);
	list_init(&d->sibling);
	spin_unlock_irqrestore(&dcache_lock, fl);
}

void d_pin(struct dentry *d)
{
	dentry_get(d);
}

void d_unpin(struct dentry *d)
{
	dentry_put(d);
}

bool d_unlinked(const struct dentry *d)
{
	return READ_ONCE(d->flags) & DENTRY_DEAD;
}

void path_get(const struct path *p)
{
	mount_get(p->mnt);
	dentry_get(p->dentry);
}

void path_put(const struct path *p)
{
	dentry_put(p->dentry);
	mount_put(p->mnt);
}

bool path_is_dir(const struct path *p)
{
	return p->dentry->inode && S_ISDIR(p->dentry->inode->mode);
}

static struct dentry *d_find_child(struct dentry *dir, const char *name,
				   u32 len)
{
	struct dentry *c;
	unsigned long fl = spin_lock_irqsave(&dcache_lock);

	list_for_each_entry(c, &dir->children, sibling) {
		if (c->name_len == len && !memcmp(c->name, name, len)) {
			c->refcount++;
			spin_unlock_irqrestore(&dcache_lock, fl);
			return c;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, fl);
	return NULL;
}

/*
 * Find or make the child @name of @dir. A new dentry goes on the list
 * negative and the filesystem's lookup may fill it; the directory lock
 * the caller holds keeps two lookups from making the same name twice.
 */
struct dentry *d_lookup_locked(struct dentry *dir, const char *name, u32 len)
{
	struct dentry *d = d_find_child(dir, name, len);
	const struct inode_operations *iop = dir->inode->i_op;
	int err;

	if (d)
		return d;
	d = dentry_alloc(dir, name, len);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d_add_child(dir, d);
	if (iop && iop->lookup) {
		err = iop->lookup(dir->inode, d);
		if (err) {
			d_remove_child(d);
			dentry_put(d);
			return ERR_PTR(err);
		}
	}
	return d;
}

/* Prepend @len bytes of @s before *@pos (which moves); false if full. */
static bool prepend(char *buf, char **pos, const char *s, size_t len)
{
	if ((size_t)(*pos - buf) < len)
		return false;
	*pos -= len;
	memcpy(*pos, s, len);
	return true;
}

/*
 * Walk from @p up to the caller's root, crossing mounts. A path outside
 * the root (after a chroot, later) prints from the global root, as the
 * walk simply ends at the top mount.
 */
char *d_path(const struct path *p, char *buf, size_t len)
{
	struct fs_context *fs = current_fs();
	struct mount *mnt = p->mnt;
	struct dentry *d = p->dentry;
	char *pos = buf + len;
	bool ok = true;
	unsigned long fl;

	if (!len)
		return ERR_PTR(-ENAMETOOLONG);
	*--pos = '\0';
	if (d_unlinked(d))
		ok = prepend(buf, &pos, " (deleted)", 10);
	fl = spin_lock_irqsave(&dcache_lock);
	while (ok) {
		if (d == fs->root.dentry && mnt == fs->root.mnt)
			break;
		if (d->parent == d && d != mnt->root) {
			/* A pseudo file (pipe:[ino]): its name is the path. */
			ok = prepend(buf, &pos, d->name, d->name_len);
			spin_unlock_irqrestore(&dcache_lock, fl);
			return ok ? pos : ERR_PTR(-ENAMETOOLONG);
		}
		if (d == mnt->root) {
			if (mnt->parent == mnt || mnt->detached)
				break;
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		ok = prepend(buf, &pos, d->name, d->name_len) &&
		     prepend(buf, &pos, "/", 1);
		d = d->parent;
	}
	spin_unlock_irqrestore(&dcache_lock, fl);
	/* Every component starts with '/': anything else is the root. */
	if (ok && *pos != '/')
		ok = prepend(buf, &pos, "/", 1);
	return ok ? pos : ERR_PTR(-ENAMETOOLONG);
}

int d_move(struct dentry *d, struct dentry *parent, const char *name, u32 len)
{
	char *nm = NULL, *old_nm = NULL;
	struct dentry *old_parent;
	unsigned long fl;

	if (len >= DENTRY_INLINE_NAME) {
		nm = kmalloc(len + 1, GFP_KERNEL);
		if (!nm)
			return -ENOMEM;
		memcpy(nm, name, len);
		nm[len] = '\0';
	}
	dentry_get(parent);
	fl = spin_lock_irqsave(&dcache_lock);
	if (d->name != d->iname)
		old_nm = d->name;
	if (nm) {
		d->name = nm;
	} else {
		memmove(d->iname, name, len);
		d->iname[len] = '\0';
		d->name = d->iname;
	}
	d->name_len = len;
	if (!list_empty(&d->sibling))
		list_del(&d->sibling);
	old_parent = d->parent;
	d->parent = parent;
	d_link_child_locked(parent, d);
	spin_unlock_irqrestore(&dcache_lock, fl);
	kfree(old_nm);
	dentry_put(old_parent);
	return 0;
}
