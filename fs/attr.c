/*
 * Changing and checking attributes: chmod, chown, utimensat and its
 * older forms, truncate/ftruncate, and access/faccessat/faccessat2.
 * Every change goes through vfs_setattr, which stamps ctime.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/syscall.h>
#include "internal.h"

int vfs_setattr(struct dentry *d, struct iattr *attr)
{
	struct inode *i = d->inode;

	if (!i->i_op || !i->i_op->setattr)
		return -EPERM;
	if (!(attr->valid & ATTR_CTIME)) {
		attr->valid |= ATTR_CTIME;
		attr->ctime = current_time();
	}
	return i->i_op->setattr(d, attr);
}

/*
 * What every filesystem's setattr does once it has accepted the change:
 * copy mode bits, owner and times into @i. The caller holds i->lock and
 * has dealt with ATTR_SIZE itself.
 */
void setattr_copy(struct inode *i, const struct iattr *a)
{
	if (a->valid & ATTR_MODE)
		i->mode = (i->mode & S_IFMT) | (a->mode & S_IALLUGO);
	if (a->valid & ATTR_UID)
		i->uid = a->uid;
	if (a->valid & ATTR_GID)
		i->gid = a->gid;
	if (a->valid & ATTR_ATIME)
		i->atime = a->atime;
	if (a->valid & ATTR_MTIME)
		i->mtime = a->mtime;
	if (a->valid & ATTR_CTIME)
		i->ctime = a->ctime;
}

int vfs_truncate(const struct path *p, u64 size)
{
	struct inode *i = p->dentry->inode;
	struct iattr a = { .valid = ATTR_SIZE | ATTR_MTIME };

	if (S_ISDIR(i->mode))
		return -EISDIR;
	if (!S_ISREG(i->mode))
		return -EINVAL;
	if ((s64)size < 0)
		return -EINVAL;
	a.size = size;
	a.mtime = current_time();
	return vfs_setattr(p->dentry, &a);
}

int vfs_setattr_path(const char *name, const struct iattr *attr, bool follow)
{
	struct iattr a = *attr;
	struct path p;
	int err = kern_path(name, follow ? LOOKUP_FOLLOW : 0, &p);

	if (err)
		return err;
	err = vfs_setattr(p.dentry, &a);
	path_put(&p);
	return err;
}

/*
 * Look up a user name relative to @dirfd with AT_* @atflags (only
 * AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH mean anything here).
 */
static int user_path_at(int dirfd, user_addr_t uname, unsigned int atflags,
			bool follow_default, struct path *p)
{
	unsigned int lf = 0;
	char *name;
	int err;

	if (follow_default && !(atflags & AT_SYMLINK_NOFOLLOW))
		lf |= LOOKUP_FOLLOW;
	if (atflags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	name = getname(uname);
	if (IS_ERR(name))
		return (int)PTR_ERR(name);
	err = path_lookup_at(dirfd, name, lf, p);
	putname(name);
	return err;
}

static int chmod_path(struct path *p, umode_t mode)
{
	struct iattr a = { .valid = ATTR_MODE, .mode = mode & S_IALLUGO };

	return vfs_setattr(p->dentry, &a);
}

static int do_fchmodat(int dirfd, user_addr_t uname, umode_t mode,
		       unsigned int flags)
{
	struct path p;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path_at(dirfd, uname, flags, true, &p);
	if (err)
		return err;
	/* Linux refuses to chmod a symlink itself. */
	err = S_ISLNK(p.dentry->inode->mode) ? -EOPNOTSUPP :
	      chmod_path(&p, mode);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE2(chmod, user_addr_t, name, umode_t, mode)
{
	return do_fchmodat(AT_FDCWD, name, mode, 0);
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, user_addr_t, name, umode_t, mode)
{
	return do_fchmodat(dirfd, name, mode, 0);
}

static long with_file(int fd, bool allow_path, struct file **out)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	if (!allow_path && (f->mode & FMODE_PATH)) {
		fput(f);
		return -EBADF;
	}
	*out = f;
	return 0;
}

SYSCALL_DEFINE2(fchmod, int, fd, umode_t, mode)
{
	struct file *f;
	long err = with_file(fd, false, &f);

	if (err)
		return err;
	err = chmod_path(&f->path, mode);
	fput(f);
	return err;
}

static int chown_path(struct path *p, u32 uid, u32 gid)
{
	struct inode *i = p->dentry->inode;
	struct iattr a = { 0 };

	if (uid != (u32)-1) {
		a.valid |= ATTR_UID;
		a.uid = uid;
	}
	if (gid != (u32)-1) {
		a.valid |= ATTR_GID;
		a.gid = gid;
	}
	/* A real owner change drops set-id bits of executables (Linux). */
	if (a.valid && !S_ISDIR(i->mode)) {
		umode_t m = i->mode & ~(umode_t)S_ISUID;

		if (m & 010)
			m &= ~(umode_t)S_ISGID;
		if (m != i->mode) {
			a.valid |= ATTR_MODE;
			a.mode = m;
		}
	}
	return vfs_setattr(p->dentry, &a);
}

static long do_fchownat(int dirfd, user_addr_t uname, u32 uid, u32 gid,
			unsigned int flags)
{
	struct path p;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path_at(dirfd, uname, flags, true, &p);
	if (err)
		return err;
	err = chown_path(&p, uid, gid);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE3(chown, user_addr_t, name, u32, uid, u32, gid)
{
	return do_fchownat(AT_FDCWD, name, uid, gid, 0);
}

SYSCALL_DEFINE3(lchown, user_addr_t, name, u32, uid, u32, gid)
{
	return do_fchownat(AT_FDCWD, name, uid, gid, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE5(fchownat, int, dirfd, user_addr_t, name, u32, uid, u32, gid,
		int, flags)
{
	return do_fchownat(dirfd, name, uid, gid, (unsigned int)flags);
}

SYSCALL_DEFINE3(fchown, int, fd, u32, uid, u32, gid)
{
	struct file *f;
	long err = with_file(fd, false, &f);

	if (err)
		return err;
	err = chown_path(&f->path, uid, gid);
	fput(f);
	return err;
}

/* Turn two timespecs (or NULL: now) into an iattr; -EINVAL if invalid. */
static int times_to_iattr(const struct linux_timespec *ts, struct iattr *a)
{
	struct timespec64 now = current_time();
	int k;

	a->valid = 0;
	for (k = 0; k < 2; k++) {
		struct timespec64 *dst = k ? &a->mtime : &a->atime;
		unsigned int bit = k ? ATTR_MTIME : ATTR_ATIME;

		if (!ts || ts[k].tv_nsec == UTIME_NOW) {
			*dst = now;
		} else if (ts[k].tv_nsec == UTIME_OMIT) {
			continue;
		} else if (ts[k].tv_nsec < 0 || ts[k].tv_nsec >= 1000000000) {
			return -EINVAL;
		} else {
			dst->tv_sec = ts[k].tv_sec;
			dst->tv_nsec = (long)ts[k].tv_nsec;
		}
		a->valid |= bit;
	}
	return 0;
}

/* The common tail of utimensat, futimesat, utimes and utime. */
static long do_utimes(int dirfd, user_addr_t uname,
		      const struct linux_timespec *ts, unsigned int flags)
{
	struct iattr a;
	struct path p;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = times_to_iattr(ts, &a);
	if (err)
		return err;
	if (uaddr_is_null(uname)) {
		/* futimens: the dirfd itself. */
		struct file *f;
		long e;

		if (dirfd == AT_FDCWD)
			return -EINVAL;
		e = with_file(dirfd, true, &f);
		if (e)
			return e;
		p = f->path;
		path_get(&p);
		fput(f);
	} else {
		err = user_path_at(dirfd, uname, flags, true, &p);
		if (err)
			return err;
	}
	err = a.valid ? vfs_setattr(p.dentry, &a) : 0;
	path_put(&p);
	return err;
}

SYSCALL_DEFINE4(utimensat, int, dirfd, user_addr_t, name, user_addr_t, utimes,
		int, flags)
{
	struct linux_timespec ts[2];

	if (!uaddr_is_null(utimes) && copy_from_user(ts, utimes, sizeof(ts)))
		return -EFAULT;
	return do_utimes(dirfd, name, uaddr_is_null(utimes) ? NULL : ts,
			 (unsigned int)flags);
}

static long do_futimesat(int dirfd, user_addr_t name, user_addr_t utv)
{
	struct linux_timeval tv[2];
	struct linux_timespec ts[2];
	int k;

	if (uaddr_is_null(utv))
		return do_utimes(dirfd, name, NULL, 0);
	if (copy_from_user(tv, utv, sizeof(tv)))
		return -EFAULT;
	for (k = 0; k < 2; k++) {
		if (tv[k].tv_usec < 0 || tv[k].tv_usec >= 1000000)
			return -EINVAL;
		ts[k].tv_sec = tv[k].tv_sec;
		ts[k].tv_nsec = tv[k].tv_usec * 1000;
	}
	return do_utimes(dirfd, name, ts, 0);
}

SYSCALL_DEFINE3(futimesat, int, dirfd, user_addr_t, name, user_addr_t, utv)
{
	return do_futimesat(dirfd, name, utv);
}

SYSCALL_DEFINE2(utimes, user_addr_t, name, user_addr_t, utv)
{
	return do_futimesat(AT_FDCWD, name, utv);
}

SYSCALL_DEFINE2(utime, user_addr_t, name, user_addr_t, ubuf)
{
	struct linux_utimbuf b;
	struct linux_timespec ts[2];

	if (uaddr_is_null(ubuf))
		return do_utimes(AT_FDCWD, name, NULL, 0);
	if (copy_from_user(&b, ubuf, sizeof(b)))
		return -EFAULT;
	ts[0].tv_sec = b.actime;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = b.modtime;
	ts[1].tv_nsec = 0;
	return do_utimes(AT_FDCWD, name, ts, 0);
}

SYSCALL_DEFINE2(truncate, user_addr_t, uname, s64, length)
{
	struct path p;
	int err;

	if (length < 0)
		return -EINVAL;
	err = user_path_at(AT_FDCWD, uname, 0, true, &p);
	if (err)
		return err;
	if (!S_ISDIR(p.dentry->inode->mode))
		err = inode_permission(p.dentry->inode, MAY_WRITE);
	if (!err)
		err = vfs_truncate(&p, (u64)length);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE2(ftruncate, int, fd, s64, length)
{
	struct file *f;
	long err = with_file(fd, false, &f);

	if (err)
		return err;
	if (length < 0 || !(f->mode & FMODE_WRITE) ||
	    !S_ISREG(f->inode->mode))
		err = -EINVAL;
	else
		err = vfs_truncate(&f->path, (u64)length);
	fput(f);
	return err;
}

static long do_faccessat(int dirfd, user_addr_t uname, int mode, int flags)
{
	struct path p;
	int err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path_at(dirfd, uname, (unsigned int)flags, true, &p);
	if (err)
		return err;
	/* The bits of R_OK/W_OK/X_OK are those of MAY_READ/WRITE/EXEC. */
	if (mode)
		err = inode_permission(p.dentry->inode, mode);
	path_put(&p);
	return err;
}

SYSCALL_DEFINE2(access, user_addr_t, name, int, mode)
{
	return do_faccessat(AT_FDCWD, name, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dirfd, user_addr_t, name, int, mode)
{
	return do_faccessat(dirfd, name, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, user_addr_t, name, int, mode,
		int, flags)
{
	return do_faccessat(dirfd, name, mode, flags);
}
