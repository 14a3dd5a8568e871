/*
 * Inodes: allocation, references, eviction, timestamps, the stat view of
 * an inode and the permission check. A filesystem allocates inodes from
 * its superblock; the last inode_put() hands it back through evict_inode.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/vm.h>
#include "internal.h"

struct timespec64 current_time(void)
{
	u64 ns = arch_boot_realtime_ns() + arch_clock_ns();
	struct timespec64 ts = {
		.tv_sec = (s64)(ns / 1000000000ULL),
		.tv_nsec = (long)(ns % 1000000000ULL),
	};

	return ts;
}

void timespec_now(struct timespec64 *ts)
{
	*ts = current_time();
}

struct inode *inode_alloc(struct super_block *sb, umode_t mode)
{
	struct inode *i = kzalloc(sizeof(*i), GFP_KERNEL);

	if (!i)
		return NULL;
	i->ino = __atomic_add_fetch(&sb->next_ino, 1, __ATOMIC_RELAXED);
	i->mode = mode;
	i->nlink = 1;
	i->uid = current_fsuid();
	i->gid = current_fsgid();
	i->refcount = 1;
	mutex_init(&i->lock);
	i->sb = sb;
	i->atime = i->mtime = i->ctime = i->btime = current_time();
	return i;
}

struct inode *inode_get(struct inode *i)
{
	__atomic_add_fetch(&i->refcount, 1, __ATOMIC_RELAXED);
	return i;
}

void inode_put(struct inode *i)
{
	if (!i || __atomic_sub_fetch(&i->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (i->sb && i->sb->s_op && i->sb->s_op->evict_inode)
		i->sb->s_op->evict_inode(i);
	if (i->pipe)
		pipe_release_inode(i);
	if (i->data)
		vm_object_put(i->data);
	kfree(i);
}

/* Linux's new_encode_dev: 12-bit major, 20-bit minor, split. */
static u64 encode_dev(dev_t d)
{
	u32 ma = MAJOR(d), mi = MINOR(d);

	return (mi & 0xff) | ((u64)ma << 8) | ((u64)(mi & ~0xffU) << 12);
}

void inode_fill_stat(const struct inode *i, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = encode_dev(i->sb ? i->sb->dev : 0);
	st->st_ino = i->ino;
	st->st_nlink = i->nlink;
	st->st_mode = i->mode;
	st->st_uid = i->uid;
	st->st_gid = i->gid;
	st->st_rdev = encode_dev(i->rdev);
	st->st_size = (s64)i->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = (s64)i->blocks;
	st->st_atime_sec = (u64)i->atime.tv_sec;
	st->st_atime_nsec = (u64)i->atime.tv_nsec;
	st->st_mtime_sec = (u64)i->mtime.tv_sec;
	st->st_mtime_nsec = (u64)i->mtime.tv_nsec;
	st->st_ctime_sec = (u64)i->ctime.tv_sec;
	st->st_ctime_nsec = (u64)i->ctime.tv_nsec;
}

u32 current_fsuid(void)
{
	struct process *p = current_process();

	return p ? p->cred.fsuid : 0;
}

u32 current_fsgid(void)
{
	struct process *p = current_process();

	return p ? p->cred.fsgid : 0;
}

/*
 * Unix permission bits against the caller's fs ids. Root may read and
 * write anything, and search any directory, but executes a file only if
 * some execute bit is set (Linux's generic_permission does the same).
 */
int inode_permission(const struct inode *i, int mask)
{
	u32 uid = current_fsuid();
	umode_t m = i->mode;
	unsigned int bits;

	if (uid == 0) {
		if (!(mask & MAY_EXEC) || S_ISDIR(m) || (m & 0111))
			return 0;
		return -EACCES;
	}
	if (uid == i->uid)
		bits = (m >> 6) & 7;
	else if (current_fsgid() == i->gid)
		bits = (m >> 3) & 7;
	else
		bits = m & 7;
	return (bits & (unsigned int)mask) == (unsigned int)mask ? 0 : -EACCES;
}
