/*
 * tmpfs internals shared by its files: inode creation, the operation
 * tables, and the per-superblock counters statfs reports.
 */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include <ferrite/fs.h>

#define TMPFS_DIRENT_SIZE	20	/* Linux's BOGO_DIRENT_SIZE */

struct tmpfs_sb {
	u64 nr_inodes;			/* [a] live inodes */
};

extern const struct file_operations tmpfs_file_fops;
extern const struct file_operations tmpfs_dir_fops;
extern const struct inode_operations tmpfs_file_iops;

int tmpfs_setattr(struct dentry *d, const struct iattr *attr);
/* Truncate or extend a regular file to @size. Caller holds i->lock. */
int tmpfs_set_size(struct inode *i, u64 size);
void tmpfs_update_blocks(struct inode *i);

#endif
