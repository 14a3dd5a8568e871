/*
 * fsops: metadata and namespace calls: stat family and statx, getdents64,
 * mkdir/rmdir, unlink, rename/renameat2, links and symlinks, chmod/chown/
 * utimensat, access, cwd, mount/umount2 of tmpfs and statfs.
 */
#include "ufw.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif
#define TMPFS_MAGIC 0x01021994

/* musl 1.2.3 has no statx(): the Linux ABI layout, called directly. */
struct ufw_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};
struct ufw_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct ufw_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct ufw_statx) == 256, "statx ABI size");
#define UFW_STATX_BASIC_STATS 0x7ffu
#define UFW_STATX_RESERVED 0x80000000u

static int statx_(int dfd, const char *path, int flags, unsigned mask,
		  struct ufw_statx *sx)
{
	return syscall(SYS_statx, dfd, path, flags, mask, sx);
}

static void mkfile(const char *path, const char *text)
{
	ufw_write_file(path, text, strlen(text));
}

static void check_contents(const char *path, const char *want)
{
	char buf[256] = { 0 };
	int fd = CHECK_OK(open(path, O_RDONLY));

	CHECK_EQ(read(fd, buf, sizeof(buf) - 1), (long long)strlen(want));
	CHECK_STR(buf, want);
	close(fd);
}

static int renameat2_(const char *a, const char *b, unsigned flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

TEST(stat_regular_file_fields)
{
	struct stat st;

	mkfile("f", "12345");
	CHECK_OK(stat("f", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0644);
	CHECK_EQ(st.st_size, 5);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_uid, getuid());
	CHECK(st.st_blocks >= 1);
	CHECK(st.st_blksize > 0);
	CHECK(st.st_ino != 0);
}

TEST(stat_directory_nlink_counts_subdirs)
{
	struct stat st;

	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(stat("d", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_OK(mkdir("d/a", 0755));
	CHECK_OK(mkdir("d/b", 0755));
	CHECK_OK(stat("d", &st));
	CHECK_EQ(st.st_nlink, 4);
}

TEST(fstat_matches_stat)
{
	struct stat a, b;
	int fd;

	mkfile("f", "abc");
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_OK(stat("f", &a));
	CHECK_OK(fstat(fd, &b));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_EQ(a.st_dev, b.st_dev);
	CHECK_EQ(a.st_size, b.st_size);
	CHECK_ERR(fstat(-5, &b), EBADF);
	CHECK_ERR(syscall(SYS_fstat, fd, UFW_UNMAPPED_PTR), EFAULT);
	close(fd);
}

TEST(lstat_sees_link_stat_follows)
{
	struct stat st;

	mkfile("f", "abcdef");
	CHECK_OK(symlink("f", "l"));
	CHECK_OK(lstat("l", &st));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(st.st_size, 1);
	CHECK_OK(stat("l", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_size, 6);
}

TEST(fstatat_flags)
{
	struct stat st;
	int dfd;

	CHECK_OK(mkdir("d", 0755));
	mkfile("d/f", "x");
	CHECK_OK(symlink("f", "d/l"));
	dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	CHECK_OK(fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_OK(fstatat(dfd, "l", &st, 0));
	CHECK(S_ISREG(st.st_mode));
	CHECK_OK(fstatat(dfd, "", &st, AT_EMPTY_PATH));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_ERR(fstatat(dfd, "", &st, 0), ENOENT);
	CHECK_ERR(fstatat(dfd, "f", &st, 0x40000000), EINVAL);
	close(dfd);
}

TEST(stat_missing_and_bad_pointer)
{
	struct stat st;

	CHECK_ERR(stat("missing", &st), ENOENT);
	CHECK_ERR(syscall(SYS_stat, UFW_KERNEL_PTR, &st), EFAULT);
	CHECK_ERR(syscall(SYS_stat, ".", UFW_KERNEL_PTR), EFAULT);
	CHECK_ERR(syscall(SYS_lstat, ".", UFW_UNMAPPED_PTR), EFAULT);
}

TEST(statx_basic_fields)
{
	struct ufw_statx sx;
	struct stat st;

	mkfile("f", "1234567");
	CHECK_OK(stat("f", &st));
	CHECK_OK(statx_(AT_FDCWD, "f", 0, UFW_STATX_BASIC_STATS, &sx));
	CHECK_EQ(sx.stx_mask & UFW_STATX_BASIC_STATS, UFW_STATX_BASIC_STATS);
	CHECK_EQ(sx.stx_ino, st.st_ino);
	CHECK_EQ(sx.stx_mtime.tv_sec, st.st_mtim.tv_sec);
	CHECK_EQ(sx.stx_mtime.tv_nsec, st.st_mtim.tv_nsec);
	CHECK_EQ(sx.stx_size, 7);
	CHECK(S_ISREG(sx.stx_mode));
	CHECK_EQ(sx.stx_nlink, 1);
	CHECK_ERR(statx_(AT_FDCWD, "f", 0, UFW_STATX_RESERVED, &sx), EINVAL);
	CHECK_ERR(statx_(AT_FDCWD, "f", 0x12340000, UFW_STATX_BASIC_STATS, &sx),
		  EINVAL);
	CHECK_ERR(statx_(AT_FDCWD, "missing", 0, UFW_STATX_BASIC_STATS, &sx),
		  ENOENT);
}

TEST(write_advances_mtime)
{
	struct stat a, b;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int fd;

	mkfile("f", "x");
	CHECK_OK(stat("f", &a));
	nanosleep(&ts, NULL);
	fd = CHECK_OK(open("f", O_WRONLY | O_APPEND));
	CHECK_EQ(write(fd, "y", 1), 1);
	close(fd);
	CHECK_OK(stat("f", &b));
	CHECK(b.st_mtim.tv_sec > a.st_mtim.tv_sec ||
	      (b.st_mtim.tv_sec == a.st_mtim.tv_sec &&
	       b.st_mtim.tv_nsec > a.st_mtim.tv_nsec));
	CHECK(b.st_ctim.tv_sec > a.st_ctim.tv_sec ||
	      (b.st_ctim.tv_sec == a.st_ctim.tv_sec &&
	       b.st_ctim.tv_nsec > a.st_ctim.tv_nsec));
}

TEST(getdents64_lists_all_with_types)
{
	char buf[4096];
	int fd, seen = 0;
	long n;

	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(mkdir("d/sub", 0755));
	mkfile("d/file", "x");
	CHECK_OK(symlink("file", "d/link"));
	for (int i = 0; i < 40; i++) {
		char name[32];
		snprintf(name, sizeof(name), "d/many%02d", i);
		mkfile(name, "");
	}
	fd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	/* Small reads force the directory offset to carry across calls. */
	while ((n = syscall(SYS_getdents64, fd, buf, 200)) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *de = (void *)(buf + off);
			int want = -1;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				want = DT_DIR;
			else if (!strcmp(de->d_name, "sub"))
				want = DT_DIR;
			else if (!strcmp(de->d_name, "file") ||
				 !strncmp(de->d_name, "many", 4))
				want = DT_REG;
			else if (!strcmp(de->d_name, "link"))
				want = DT_LNK;
			if (want < 0)
				ufw_fail(__LINE__, "unexpected entry %s", de->d_name);
			CHECK_EQ(de->d_type, want);
			seen++;
			off += de->d_reclen;
		}
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(seen, 45);
	close(fd);
}

TEST(getdents64_errors)
{
	char buf[64];
	int fd;

	mkfile("f", "x");
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR);
	close(fd);
	fd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, 4), EINVAL);
	CHECK_ERR(syscall(SYS_getdents64, fd, UFW_UNMAPPED_PTR, 4096), EFAULT);
	CHECK_ERR(syscall(SYS_getdents64, 777, buf, sizeof(buf)), EBADF);
	close(fd);
}

TEST(mkdir_existing_eexist)
{
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	mkfile("f", "");
	CHECK_ERR(mkdir("f", 0755), EEXIST);
	CHECK_ERR(mkdir("missing/d", 0755), ENOENT);
	CHECK_ERR(mkdir("f/d", 0755), ENOTDIR);
}

TEST(mkdir_trailing_slash_ok)
{
	struct stat st;

	CHECK_OK(mkdir("d/", 0755));
	CHECK_OK(stat("d/", &st));
	CHECK(S_ISDIR(st.st_mode));
}

TEST(rmdir_nonempty_enotempty)
{
	CHECK_OK(mkdir("d", 0755));
	mkfile("d/f", "");
	CHECK_ERR(rmdir("d"), ENOTEMPTY);
	CHECK_OK(unlink("d/f"));
	CHECK_OK(rmdir("d"));
	CHECK_ERR(rmdir("d"), ENOENT);
}

TEST(rmdir_special_names)
{
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(rmdir("d/."), EINVAL);
	CHECK_ERR(rmdir("d/.."), ENOTEMPTY);
	mkfile("f", "");
	CHECK_ERR(rmdir("f"), ENOTDIR);
}

TEST(unlink_open_file_survives)
{
	char buf[8] = { 0 };
	struct stat st;
	int fd;

	mkfile("f", "alive");
	fd = CHECK_OK(open("f", O_RDWR));
	CHECK_OK(unlink("f"));
	CHECK_ERR(access("f", F_OK), ENOENT);
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(read(fd, buf, 5), 5);
	CHECK_STR(buf, "alive");
	CHECK_EQ(write(fd, "!", 1), 1);
	close(fd);
}

TEST(unlink_directory_eisdir)
{
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(unlink("d"), EISDIR);
	CHECK_ERR(unlink("missing"), ENOENT);
	CHECK_OK(unlinkat(AT_FDCWD, "d", AT_REMOVEDIR));
	CHECK_ERR(unlinkat(AT_FDCWD, "x", 0x1), EINVAL);
}

TEST(rename_over_existing_file)
{
	struct stat a, b;

	mkfile("a", "A");
	mkfile("b", "B");
	CHECK_OK(stat("a", &a));
	CHECK_OK(rename("a", "b"));
	CHECK_ERR(access("a", F_OK), ENOENT);
	CHECK_OK(stat("b", &b));
	CHECK_EQ(a.st_ino, b.st_ino);
	check_contents("b", "A");
}

TEST(rename_dir_over_empty_dir)
{
	CHECK_OK(mkdir("a", 0755));
	mkfile("a/f", "x");
	CHECK_OK(mkdir("b", 0755));
	CHECK_OK(rename("a", "b"));
	check_contents("b/f", "x");
	CHECK_OK(mkdir("c", 0755));
	mkfile("c/g", "");
	CHECK_ERR(rename("b", "c"), ENOTEMPTY);
}

TEST(rename_type_mismatch_eisdir_enotdir)
{
	CHECK_OK(mkdir("d", 0755));
	mkfile("f", "");
	CHECK_ERR(rename("f", "d"), EISDIR);
	CHECK_ERR(rename("d", "f"), ENOTDIR);
}

TEST(rename_into_own_subdir_einval)
{
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(mkdir("d/e", 0755));
	CHECK_ERR(rename("d", "d/e/x"), EINVAL);
	CHECK_ERR(rename("missing", "x"), ENOENT);
}

TEST(rename_same_file_is_noop)
{
	mkfile("a", "A");
	CHECK_OK(link("a", "b"));
	CHECK_OK(rename("a", "b"));
	CHECK_OK(access("a", F_OK));
	CHECK_OK(rename("a", "a"));
}

TEST(renameat2_noreplace_eexist)
{
	mkfile("a", "A");
	mkfile("b", "B");
	CHECK_ERR(renameat2_("a", "b", RENAME_NOREPLACE), EEXIST);
	CHECK_OK(renameat2_("a", "c", RENAME_NOREPLACE));
	check_contents("c", "A");
}

TEST(renameat2_exchange_swaps)
{
	mkfile("a", "A");
	CHECK_OK(mkdir("b", 0755));
	CHECK_OK(renameat2_("a", "b", RENAME_EXCHANGE));
	check_contents("b", "A");
	struct stat st;
	CHECK_OK(stat("a", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_ERR(renameat2_("a", "missing", RENAME_EXCHANGE), ENOENT);
	CHECK_ERR(renameat2_("a", "b", RENAME_EXCHANGE | RENAME_NOREPLACE),
		  EINVAL);
	CHECK_ERR(renameat2_("a", "b", 0x100), EINVAL);
}

TEST(link_counts_and_errors)
{
	struct stat st;

	mkfile("a", "A");
	CHECK_OK(link("a", "b"));
	CHECK_OK(stat("a", &st));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_ERR(link("a", "b"), EEXIST);
	CHECK_ERR(link("missing", "c"), ENOENT);
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(link("d", "e"), EPERM);
	CHECK_OK(unlink("a"));
	CHECK_OK(stat("b", &st));
	CHECK_EQ(st.st_nlink, 1);
}

TEST(symlink_readlink_roundtrip)
{
	char buf[64];

	CHECK_OK(symlink("some/where", "l"));
	CHECK_EQ(readlink("l", buf, sizeof(buf)), 10);
	CHECK_MEM(buf, "some/where", 10);
	/* Truncated, not NUL-terminated. */
	CHECK_EQ(readlink("l", buf, 4), 4);
	CHECK_MEM(buf, "some", 4);
	mkfile("f", "");
	CHECK_ERR(readlink("f", buf, sizeof(buf)), EINVAL);
	CHECK_ERR(syscall(SYS_readlink, "l", buf, 0), EINVAL);
	CHECK_ERR(symlink("x", "l"), EEXIST);
	CHECK_ERR(symlink("", "m"), ENOENT);
}

TEST(symlink_dangling_enoent)
{
	struct stat st;

	CHECK_OK(symlink("nothing", "l"));
	CHECK_ERR(stat("l", &st), ENOENT);
	CHECK_OK(lstat("l", &st));
	/* O_CREAT through a dangling link creates the target. */
	close(CHECK_OK(open("l", O_WRONLY | O_CREAT, 0644)));
	CHECK_OK(access("nothing", F_OK));
}

TEST(symlink_loop_eloop)
{
	struct stat st;

	CHECK_OK(symlink("b", "a"));
	CHECK_OK(symlink("a", "b"));
	CHECK_ERR(stat("a", &st), ELOOP);
	CHECK_ERR(open("a", O_RDONLY), ELOOP);
}

TEST(symlink_chain_40_ok_41_eloop)
{
	char a[16], b[16];
	struct stat st;

	mkfile("t", "end");
	CHECK_OK(symlink("t", "l0"));
	for (int i = 1; i <= 40; i++) {
		snprintf(a, sizeof(a), "l%d", i - 1);
		snprintf(b, sizeof(b), "l%d", i);
		CHECK_OK(symlink(a, b));
	}
	CHECK_OK(stat("l39", &st));
	CHECK_ERR(stat("l40", &st), ELOOP);
}

TEST(symlink_trailing_slash_rules)
{
	struct stat st;

	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(symlink("d", "ld"));
	mkfile("f", "");
	CHECK_OK(symlink("f", "lf"));
	/* A trailing slash follows the link and needs a directory. */
	CHECK_OK(lstat("ld/", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_ERR(lstat("lf/", &st), ENOTDIR);
	CHECK_ERR(stat("f/", &st), ENOTDIR);
	CHECK_ERR(unlink("ld/"), ENOTDIR);
	CHECK_ERR(rmdir("ld/"), ENOTDIR);
	CHECK_OK(unlink("ld"));
}

TEST(symlink_relative_to_link_dir)
{
	CHECK_OK(mkdir("d", 0755));
	mkfile("d/f", "inner");
	CHECK_OK(symlink("f", "d/l"));
	check_contents("d/l", "inner");
	CHECK_OK(symlink("../d/f", "d/up"));
	check_contents("d/up", "inner");
}

TEST(dotdot_walks_up)
{
	CHECK_OK(mkdir("a", 0755));
	CHECK_OK(mkdir("a/b", 0755));
	mkfile("top", "T");
	check_contents("a/b/../../top", "T");
	check_contents("a/./b/.././../top", "T");
	struct stat r, rr;
	CHECK_OK(stat("/", &r));
	CHECK_OK(stat("/..", &rr));
	CHECK_EQ(r.st_ino, rr.st_ino);
}

TEST(chmod_fchmod_fchmodat)
{
	struct stat st;
	int fd;

	mkfile("f", "");
	CHECK_OK(chmod("f", 04751));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode & 07777, 04751);
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_OK(fchmod(fd, 0600));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_OK(fchmodat(AT_FDCWD, "f", 0644, 0));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode & 07777, 0644);
	CHECK_ERR(chmod("missing", 0644), ENOENT);
	CHECK_ERR(fchmod(999, 0644), EBADF);
	close(fd);
}

TEST_ROOT(chown_family_changes_owner)
{
	struct stat st;
	int fd;

	mkfile("f", "");
	CHECK_OK(chown("f", 1234, 5678));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_uid, 1234);
	CHECK_EQ(st.st_gid, 5678);
	CHECK_OK(symlink("f", "l"));
	CHECK_OK(lchown("l", 42, 43));
	CHECK_OK(lstat("l", &st));
	CHECK_EQ(st.st_uid, 42);
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_uid, 1234);
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_OK(fchown(fd, -1, 7));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_uid, 1234);
	CHECK_EQ(st.st_gid, 7);
	CHECK_OK(fchownat(AT_FDCWD, "f", 0, 0, 0));
	CHECK_ERR(chown("missing", 0, 0), ENOENT);
	close(fd);
}

TEST(utimensat_sets_and_omits)
{
	struct timespec ts[2] = { { 1000000000, 123456789 },
				  { 1500000000, 5 } };
	struct stat st;

	mkfile("f", "");
	CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ(st.st_atim.tv_nsec, 123456789);
	CHECK_EQ(st.st_mtim.tv_sec, 1500000000);
	CHECK_EQ(st.st_mtim.tv_nsec, 5);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK(st.st_mtim.tv_sec > 1600000000);
	ts[0].tv_nsec = 1000000000;
	CHECK_ERR(utimensat(AT_FDCWD, "f", ts, 0), EINVAL);
	CHECK_ERR(utimensat(AT_FDCWD, "missing", NULL, 0), ENOENT);
}

TEST(access_faccessat_modes)
{
	mkfile("f", "");
	CHECK_OK(chmod("f", 0755));
	CHECK_OK(access("f", F_OK));
	CHECK_OK(access("f", R_OK | W_OK | X_OK));
	CHECK_OK(faccessat(AT_FDCWD, "f", R_OK, 0));
	CHECK_ERR(access("missing", F_OK), ENOENT);
	CHECK_ERR(access("f", 0x80), EINVAL);
	CHECK_OK(chmod("f", 0644));
	/* Even root needs one x bit to execute. */
	CHECK_ERR(access("f", X_OK), EACCES);
	CHECK_OK(syscall(SYS_faccessat2, AT_FDCWD, "f", R_OK, AT_EACCESS));
}

TEST(getcwd_chdir_fchdir)
{
	char start[512], buf[512];
	int fd;

	CHECK(getcwd(start, sizeof(start)) != NULL);
	CHECK_OK(mkdir("sub", 0755));
	CHECK_OK(chdir("sub"));
	CHECK(getcwd(buf, sizeof(buf)) != NULL);
	CHECK_EQ(strlen(buf), strlen(start) + 4);
	CHECK_STR(buf + strlen(start), "/sub");
	CHECK_OK(chdir(".."));
	CHECK(getcwd(buf, sizeof(buf)) != NULL);
	CHECK_STR(buf, start);
	fd = CHECK_OK(open("sub", O_RDONLY | O_DIRECTORY));
	CHECK_OK(fchdir(fd));
	CHECK(getcwd(buf, sizeof(buf)) != NULL);
	CHECK_STR(buf + strlen(start), "/sub");
	close(fd);
	CHECK_ERR(chdir("missing"), ENOENT);
	mkfile("f", "");
	CHECK_ERR(chdir("f"), ENOTDIR);
	CHECK_ERR(fchdir(999), EBADF);
}

TEST(getcwd_small_buffer_erange)
{
	char buf[2];

	CHECK_ERR(syscall(SYS_getcwd, buf, 1), ERANGE);
	CHECK_ERR(syscall(SYS_getcwd, UFW_UNMAPPED_PTR, 4096), EFAULT);
}

TEST(getcwd_of_removed_dir_enoent)
{
	char buf[512];

	CHECK_OK(mkdir("gone", 0755));
	CHECK_OK(chdir("gone"));
	CHECK_OK(rmdir("../gone"));
	CHECK_ERR(syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT);
	CHECK_ERR(open("new", O_CREAT | O_WRONLY, 0644), ENOENT);
}

TEST_ROOT(mount_tmpfs_and_umount)
{
	struct statfs sf;
	struct stat st;

	CHECK_OK(mkdir("mnt", 0755));
	CHECK_OK(mount("none", "mnt", "tmpfs", 0, "size=1m"));
	CHECK_OK(statfs("mnt", &sf));
	CHECK_EQ(sf.f_type, TMPFS_MAGIC);
	mkfile("mnt/f", "on tmpfs");
	CHECK_OK(stat("mnt/f", &st));
	CHECK_ERR(rename("mnt/f", "f"), EXDEV);
	CHECK_ERR(link("mnt/f", "f"), EXDEV);
	int fd = CHECK_OK(open("mnt/f", O_RDONLY));
	CHECK_ERR(umount2("mnt", 0), EBUSY);
	close(fd);
	CHECK_OK(umount2("mnt", 0));
	CHECK_ERR(stat("mnt/f", &st), ENOENT);
	CHECK_ERR(umount2("mnt", 0), EINVAL);
	CHECK_ERR(mount("none", "missing", "tmpfs", 0, NULL), ENOENT);
	CHECK_ERR(mount("none", "mnt", "nosuchfs", 0, NULL), ENODEV);
}

TEST(statfs_fstatfs_agree)
{
	struct statfs a, b;
	int fd = CHECK_OK(open(".", O_RDONLY));

	CHECK_OK(statfs(".", &a));
	CHECK_OK(fstatfs(fd, &b));
	CHECK_EQ(a.f_type, b.f_type);
	CHECK(a.f_bsize > 0);
	CHECK(a.f_namelen >= 255);
	CHECK_ERR(statfs("missing", &a), ENOENT);
	CHECK_ERR(fstatfs(999, &a), EBADF);
	CHECK_ERR(syscall(SYS_statfs, ".", UFW_KERNEL_PTR), EFAULT);
	close(fd);
}
