/*
 * In-kernel self-tests of the VFS through the kernel API (no process:
 * the kernel's own fs context and fd table): files, directories, links,
 * renames, path-walk edge cases, pipes and mounts on the tmpfs root.
 */
#include <ferrite/fs.h>
#include <ferrite/mm.h>
#include <ferrite/selftest.h>
#include <ferrite/string.h>
#include "internal.h"

static void ensure_vfs(void)
{
	if (!vfs_ready())
		vfs_init();
}

static int lookup_err(const char *name, unsigned int flags)
{
	struct path p;
	int err = kern_path(name, flags, &p);

	if (!err)
		path_put(&p);
	return err;
}

static ssize_t write_file(const char *name, int flags, const char *s)
{
	struct file *f = filp_open(name, flags, 0644);
	ssize_t r;
	u64 pos = 0;

	if (IS_ERR(f))
		return PTR_ERR(f);
	mutex_lock(&f->pos_lock);
	pos = f->pos;
	r = kernel_write(f, s, strlen(s), &pos);
	f->pos = pos;
	mutex_unlock(&f->pos_lock);
	fput(f);
	return r;
}

static ssize_t read_file(const char *name, char *buf, size_t len)
{
	struct file *f = filp_open(name, O_RDONLY, 0);
	ssize_t r;
	u64 pos = 0;

	if (IS_ERR(f))
		return PTR_ERR(f);
	r = kernel_read(f, buf, len, &pos);
	fput(f);
	return r;
}

SELFTEST(vfs_create_write_read)
{
	char buf[32];

	ensure_vfs();
	ST_EXPECT(vfs_mkdir_path("/tmp/st1", 0755) == 0);
	ST_EXPECT(write_file("/tmp/st1/a", O_CREAT | O_WRONLY, "hello") == 5);
	ST_EXPECT(write_file("/tmp/st1/a", O_WRONLY | O_APPEND, " world") == 6);
	memset(buf, 0, sizeof(buf));
	ST_EXPECT(read_file("/tmp/st1/a", buf, sizeof(buf)) == 11);
	ST_EXPECT(!memcmp(buf, "hello world", 11));
	ST_EXPECT(write_file("/tmp/st1/a", O_CREAT | O_EXCL | O_WRONLY, "x") ==
		  -EEXIST);
	ST_EXPECT(write_file("/tmp/st1/a", O_WRONLY | O_TRUNC, "") == 0);
	ST_EXPECT(read_file("/tmp/st1/a", buf, sizeof(buf)) == 0);
	ST_EXPECT(read_file("/tmp/st1", buf, sizeof(buf)) == -EISDIR);
	ST_EXPECT(IS_ERR(filp_open("/tmp/st1", O_WRONLY, 0)));
	ST_EXPECT(vfs_unlink_at(AT_FDCWD, "/tmp/st1/a", false) == 0);
	ST_EXPECT(vfs_unlink_at(AT_FDCWD, "/tmp/st1", true) == 0);
	ST_EXPECT(lookup_err("/tmp/st1", 0) == -ENOENT);
	return 0;
}

SELFTEST(vfs_sparse_and_truncate)
{
	struct file *f;
	char buf[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	u64 pos = 3 * PAGE_SIZE;

	ensure_vfs();
	f = filp_open("/tmp/sparse", O_CREAT | O_RDWR, 0600);
	ST_EXPECT(!IS_ERR(f));
	ST_EXPECT(kernel_write(f, "end", 3, &pos) == 3);
	ST_EXPECT(f->inode->size == 3 * PAGE_SIZE + 3);
	pos = 100;
	ST_EXPECT(kernel_read(f, buf, 8, &pos) == 8);
	ST_EXPECT(buf[0] == 0 && buf[7] == 0);	/* a hole reads as zeros */
	ST_EXPECT(vfs_truncate(&f->path, 3 * PAGE_SIZE + 1) == 0);
	ST_EXPECT(vfs_truncate(&f->path, 3 * PAGE_SIZE + 3) == 0);
	pos = 3 * PAGE_SIZE;
	ST_EXPECT(kernel_read(f, buf, 8, &pos) == 3);
	ST_EXPECT(buf[0] == 'e' && buf[1] == 0 && buf[2] == 0);
	ST_EXPECT(vfs_llseek(f, 0, SEEK_END) == 3 * PAGE_SIZE + 3);
	ST_EXPECT(vfs_llseek(f, -1, SEEK_SET) == -EINVAL);
	ST_EXPECT(vfs_llseek(f, 0, 7) == -EINVAL);
	fput(f);
	ST_EXPECT(vfs_unlink_at(AT_FDCWD, "/tmp/sparse", false) == 0);
	return 0;
}

SELFTEST(vfs_unlinked_file_lives_while_open)
{
	struct file *f;
	char buf[4];
	u64 pos = 0;

	ensure_vfs();
	ST_EXPECT(write_file("/tmp/gone", O_CREAT | O_WRONLY, "abc") == 3);
	f = filp_open("/tmp/gone", O_RDONLY, 0);
	ST_EXPECT(!IS_ERR(f));
	ST_EXPECT(vfs_unlink_at(AT_FDCWD, "/tmp/gone", false) == 0);
	ST_EXPECT(lookup_err("/tmp/gone", 0) == -ENOENT);
	ST_EXPECT(f->inode->nlink == 0);
	ST_EXPECT(kernel_read(f, buf, 4, &pos) == 3);
	fput(f);
	return 0;
}

SELFTEST(vfs_path_walk_edges)
{
	static char longname[NAME_MAX + 8];

	ensure_vfs();
	ST_EXPECT(vfs_mkdir_path("/tmp/w", 0755) == 0);
	ST_EXPECT(vfs_mkdir_path("/tmp/w/d", 0755) == 0);
	ST_EXPECT(write_file("/tmp/w/f", O_CREAT | O_WRONLY, "x") == 1);
	ST_EXPECT(lookup_err("/tmp/w/./d/../d/.", 0) == 0);
	ST_EXPECT(lookup_err("/../../tmp/w", 0) == 0);	/* .. at / stays */
	ST_EXPECT(lookup_err("//tmp///w//", 0) == 0);
	ST_EXPECT(lookup_err("/tmp/w/f/", 0) == -ENOTDIR);
	ST_EXPECT(lookup_err("/tmp/w/f/x", 0) == -ENOTDIR);
	ST_EXPECT(lookup_err("/tmp/w/f", LOOKUP_DIRECTORY) == -ENOTDIR);
	ST_EXPECT(lookup_err("", 0) == -ENOENT);
	ST_EXPECT(lookup_err("/tmp/w/nope", 0) == -ENOENT);
	memset(longname, 'a', NAME_MAX + 2);	/* "/" + 256 letters */
	longname[0] = '/';
	longname[NAME_MAX + 2] = '\0';
	ST_EXPECT(lookup_err(longname, 0) == -ENAMETOOLONG);
	ST_EXPECT(vfs_mkdir_path("/tmp/w/d", 0755) == -EEXIST);
	ST_EXPECT(vfs_mkdir_path("/tmp/w/f/x", 0755) == -ENOTDIR);
	ST_EXPECT(vfs_mkdir_path("/", 0755) == -EEXIST);
	ST_EXPECT(vfs_mkdir_path("/tmp/w/new/", 0755) == 0);
	ST_EXPECT(vfs_mknod_path("/tmp/w/nf/", S_IFIFO | 0644, 0) == -ENOENT);
	ST_EXPECT(vfs_unlink_at(AT_FDCWD, "/tmp/w/d", false) == -EISDIR);
	ST_EXPECT(vfs_unlink_at(AT_FDCWD, "/tmp/w/f/", false) == -ENOTDIR);
	ST_EXPECT(vfs_unlink_at(AT_FDCWD, "/tmp/w/f", true) == -ENOTDIR);
	ST_EXPECT(vfs_unlink_at(AT_FDCWD, "/tmp/w", true) == -ENOTEMPTY);
	ST_EXPECT(vfs_unlink_at(AT_FDCWD, "/tmp/w/.", true) == -EINVAL);
	ST_EXPECT(vfs_unlink_at(AT_FDCWD, "/", true) == -EBUSY);
	return 0;
}

SELFTEST(vfs_symlinks)
{
	char buf[64];
	struct path p;
	int k;

	ensure_vfs();
	ST_EXPECT(vfs_mkdir_path("/tmp/s", 0755) == 0);
	ST_EXPECT(write_file("/tmp/s/t", O_CREAT | O_WRONLY, "data") == 4);
	ST_EXPECT(vfs_symlink_path("t", "/tmp/s/rel") == 0);
	ST_EXPECT(vfs_symlink_path("/tmp/s/rel", "/tmp/s/abs") == 0);
	ST_EXPECT(vfs_symlink_path("/tmp/s", "/tmp/s/dirlink") == 0);
	ST_EXPECT(read_file("/tmp/s/abs", buf, sizeof(buf)) == 4);
	ST_EXPECT(read_file("/tmp/s/dirlink/dirlink/t", buf, sizeof(buf)) == 4);
	ST_EXPECT(vfs_readlink_at(AT_FDCWD, "/tmp/s/abs", buf, sizeof(buf)) ==
		  10);
	ST_EXPECT(vfs_readlink_at(AT_FDCWD, "/tmp/s/t", buf, sizeof(buf)) ==
		  -EINVAL);
	ST_EXPECT(kern_path("/tmp/s/abs", 0, &p) == 0);
	ST_EXPECT(S_ISLNK(p.dentry->inode->mode));
	path_put(&p);
	ST_EXPECT(IS_ERR(filp_open("/tmp/s/abs", O_RDONLY | O_NOFOLLOW, 0)));
	ST_EXPECT(PTR_ERR(filp_open("/tmp/s/abs", O_RDONLY | O_NOFOLLOW, 0)) ==
		  -ELOOP);
	ST_EXPECT(lookup_err("/tmp/s/rel/", LOOKUP_FOLLOW) == -ENOTDIR);
	ST_EXPECT(lookup_err("/tmp/s/dirlink/", 0) == 0);
	ST_EXPECT(vfs_symlink_path("", "/tmp/s/empty") == -ENOENT);
	/* A self loop, and a chain longer than MAXSYMLINKS. */
	ST_EXPECT(vfs_symlink_path("loop", "/tmp/s/loop") == 0);
	ST_EXPECT(lookup_err("/tmp/s/loop", LOOKUP_FOLLOW) == -ELOOP);
	for (k = 0; k < MAXSYMLINKS + 1; k++) {
		char name[32], target[32];

		snprintf(name, sizeof(name), "/tmp/s/c%d", k);
		snprintf(target, sizeof(target), k ? "c%d" : "t", k - 1);
		ST_EXPECT(vfs_symlink_path(target, name) == 0);
	}
	ST_EXPECT(lookup_err("/tmp/s/c39", LOOKUP_FOLLOW) == 0);
	ST_EXPECT(lookup_err("/tmp/s/c40", LOOKUP_FOLLOW) == -ELOOP);
	return 0;
}

SELFTEST(vfs_rename_and_link)
{
	char buf[16];
	struct path p;

	ensure_vfs();
	ST_EXPECT(vfs_mkdir_path("/tmp/r", 0755) == 0);
	ST_EXPECT(vfs_mkdir_path("/tmp/r/d", 0755) == 0);
	ST_EXPECT(vfs_mkdir_path("/tmp/r/d/sub", 0755) == 0);
	ST_EXPECT(write_file("/tmp/r/a", O_CREAT | O_WRONLY, "A") == 1);
	ST_EXPECT(write_file("/tmp/r/b", O_CREAT | O_WRONLY, "BB") == 2);
	ST_EXPECT(vfs_rename_at(AT_FDCWD, "/tmp/r/a", AT_FDCWD, "/tmp/r/b",
				RENAME_NOREPLACE) == -EEXIST);
	ST_EXPECT(vfs_rename_at(AT_FDCWD, "/tmp/r/a", AT_FDCWD, "/tmp/r/b",
				RENAME_EXCHANGE) == 0);
	ST_EXPECT(read_file("/tmp/r/a", buf, sizeof(buf)) == 2);
	ST_EXPECT(vfs_rename_at(AT_FDCWD, "/tmp/r/a", AT_FDCWD, "/tmp/r/b", 0) ==
		  0);
	ST_EXPECT(read_file("/tmp/r/b", buf, sizeof(buf)) == 2);
	ST_EXPECT(lookup_err("/tmp/r/a", 0) == -ENOENT);
	ST_EXPECT(vfs_rename_at(AT_FDCWD, "/tmp/r/d", AT_FDCWD,
				"/tmp/r/d/sub/x", 0) == -EINVAL);
	ST_EXPECT(vfs_rename_at(AT_FDCWD, "/tmp/r/b", AT_FDCWD, "/tmp/r/d", 0) ==
		  -EISDIR);
	ST_EXPECT(vfs_rename_at(AT_FDCWD, "/tmp/r/d", AT_FDCWD, "/tmp/r/b", 0) ==
		  -ENOTDIR);
	ST_EXPECT(vfs_rename_at(AT_FDCWD, "/tmp/r/d/.", AT_FDCWD, "/tmp/r/x",
				0) == -EBUSY);
	ST_EXPECT(vfs_rename_at(AT_FDCWD, "/tmp/r/d", AT_FDCWD,
				"/tmp/r/moved", 0) == 0);
	ST_EXPECT(lookup_err("/tmp/r/moved/sub", 0) == 0);
	ST_EXPECT(kern_path("/tmp/r/moved/sub", 0, &p) == 0);
	{
		char *page = kmalloc(PATH_MAX, GFP_KERNEL);
		char *s = page ? d_path(&p, page, PATH_MAX) : NULL;

		ST_EXPECT(!IS_ERR_OR_NULL(s) && !strcmp(s, "/tmp/r/moved/sub"));
		kfree(page);
	}
	path_put(&p);
	ST_EXPECT(vfs_link_path("/tmp/r/b", "/tmp/r/hard") == 0);
	ST_EXPECT(vfs_link_path("/tmp/r/moved", "/tmp/r/dl") == -EPERM);
	ST_EXPECT(vfs_link_path("/tmp/r/b", "/tmp/r/hard") == -EEXIST);
	ST_EXPECT(kern_path("/tmp/r/hard", 0, &p) == 0);
	ST_EXPECT(p.dentry->inode->nlink == 2);
	path_put(&p);
	return 0;
}

SELFTEST(vfs_pipe_roundtrip)
{
	struct file *rd, *wr;
	char buf[8];
	u64 pos = 0;

	ensure_vfs();
	ST_EXPECT(pipe_create(&rd, &wr, O_NONBLOCK) == 0);
	ST_EXPECT(kernel_read(rd, buf, sizeof(buf), &pos) == -EAGAIN);
	ST_EXPECT(kernel_write(wr, "ping", 4, &pos) == 4);
	ST_EXPECT(kernel_read(rd, buf, sizeof(buf), &pos) == 4);
	ST_EXPECT(!memcmp(buf, "ping", 4));
	ST_EXPECT(kernel_read(wr, buf, 1, &pos) == -EBADF);
	ST_EXPECT(vfs_llseek(rd, 0, SEEK_SET) == -ESPIPE);
	fput(wr);
	ST_EXPECT(kernel_read(rd, buf, sizeof(buf), &pos) == 0);	/* EOF */
	fput(rd);
	ST_EXPECT(pipe_create(&rd, &wr, 0) == 0);
	fput(rd);
	ST_EXPECT(kernel_write(wr, "x", 1, &pos) == -EPIPE);
	fput(wr);
	return 0;
}

SELFTEST(vfs_mount_umount)
{
	struct path p;
	char *buf;
	int n;

	ensure_vfs();
	ST_EXPECT(vfs_mkdir_path("/tmp/m", 0755) == 0);
	ST_EXPECT(do_mount("none", "/tmp/m", "nosuchfs", 0, NULL) == -ENODEV);
	ST_EXPECT(do_mount("scratch", "/tmp/m", "tmpfs", 0, NULL) == 0);
	ST_EXPECT(write_file("/tmp/m/in", O_CREAT | O_WRONLY, "z") == 1);
	ST_EXPECT(lookup_err("/tmp/m/../m/in", 0) == 0);	/* .. crosses */
	ST_EXPECT(vfs_link_path("/tmp/m/in", "/tmp/out") == -EXDEV);
	buf = kmalloc(4096, GFP_KERNEL);
	ST_EXPECT(buf);
	n = mounts_show(buf, 4096);
	ST_EXPECT(n > 0 && strstr(buf, "scratch /tmp/m tmpfs rw 0 0\n"));
	kfree(buf);
	ST_EXPECT(kern_path("/tmp/m/in", 0, &p) == 0);
	ST_EXPECT(do_umount("/tmp/m", 0) == -EBUSY);
	ST_EXPECT(do_umount("/tmp/m/in", 0) == -EINVAL);
	path_put(&p);
	ST_EXPECT(do_umount("/tmp/m", 0) == 0);
	ST_EXPECT(lookup_err("/tmp/m/in", 0) == -ENOENT);
	ST_EXPECT(do_umount("/", 0) == -EBUSY);
	return 0;
}
