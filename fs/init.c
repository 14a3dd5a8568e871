/*
 * Bringing the VFS up: register tmpfs, mount one as "/", give the kernel
 * context its root and cwd, and make the standard directories the
 * devices helper mounts devtmpfs and proc on.
 */
#include <ferrite/fs.h>
#include <ferrite/printk.h>
#include "internal.h"

static bool vfs_up;

bool vfs_ready(void)
{
	return READ_ONCE(vfs_up);
}

static void vfs_mkdir_boot(const char *path, umode_t mode)
{
	int err = vfs_mkdir_path(path, mode);

	if (err && err != -EEXIST)
		pr_err("vfs: mkdir %s: %d\n", path, err);
}

void vfs_init(void)
{
	struct iattr a = { .valid = ATTR_MODE, .mode = 0755 };
	struct path root;
	int err;

	if (vfs_up)
		return;
	err = register_filesystem(&tmpfs_fs_type);
	if (!err)
		err = mount_attach_root(&tmpfs_fs_type, "rootfs", 0, NULL);
	if (!err)
		err = pipe_init();
	if (err) {
		pr_emerg("vfs: cannot mount the root tmpfs: %d\n", err);
		return;
	}
	root.mnt = root_mount;
	root.dentry = root_mount->root;
	kernel_fs.root = root;
	kernel_fs.cwd = root;
	path_get(&kernel_fs.root);
	path_get(&kernel_fs.cwd);
	vfs_setattr(root.dentry, &a);
	vfs_mkdir_boot("/dev", 0755);
	vfs_mkdir_boot("/proc", 0555);
	vfs_mkdir_boot("/sys", 0555);
	vfs_mkdir_boot("/tmp", 01777);
	vfs_mkdir_boot("/root", 0700);
	/* umask applies to mkdir: set the sticky /tmp mode exactly. */
	a.mode = 01777;
	vfs_setattr_path("/tmp", &a, true);
	WRITE_ONCE(vfs_up, true);
	pr_info("vfs: tmpfs root mounted\n");
}
