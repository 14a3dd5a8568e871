/*
 * fileio: open/openat flags, read/write and their vector and positioned
 * forms, lseek and sparse files, sendfile, truncate, dup and fcntl, and the
 * bad-input cases (EBADF, EFAULT, EINVAL) of each.
 */
#include "ufw.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int mkfile(const char *path, const char *text)
{
	ufw_write_file(path, text, strlen(text));
	return 0;
}

static void check_contents(const char *path, const char *want)
{
	char buf[256] = { 0 };
	int fd = CHECK_OK(open(path, O_RDONLY));
	ssize_t n = CHECK_OK(read(fd, buf, sizeof(buf) - 1));

	CHECK_EQ(n, (long long)strlen(want));
	CHECK_STR(buf, want);
	close(fd);
}

TEST(open_missing_path_enoent)
{
	CHECK_ERR(open("nope", O_RDONLY), ENOENT);
	CHECK_ERR(open("nodir/file", O_RDONLY | O_CREAT, 0644), ENOENT);
}

TEST(open_empty_path_enoent)
{
	CHECK_ERR(open("", O_RDONLY), ENOENT);
}

TEST(open_creat_excl_existing_eexist)
{
	int fd = CHECK_OK(open("f", O_WRONLY | O_CREAT | O_EXCL, 0600));

	close(fd);
	CHECK_ERR(open("f", O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST);
}

TEST(open_creat_excl_dangling_symlink_eexist)
{
	CHECK_OK(symlink("target", "link"));
	CHECK_ERR(open("link", O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST);
	CHECK_ERR(access("target", F_OK), ENOENT);
}

TEST(open_creat_mode_honours_umask)
{
	struct stat st;

	umask(027);
	close(CHECK_OK(open("f", O_WRONLY | O_CREAT, 0777)));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode & 07777, 0750);
	CHECK(S_ISREG(st.st_mode));
}

TEST(open_trunc_empties_file)
{
	struct stat st;

	mkfile("f", "hello");
	close(CHECK_OK(open("f", O_WRONLY | O_TRUNC)));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_size, 0);
}

TEST(open_append_writes_at_end)
{
	int fd;

	mkfile("f", "abc");
	fd = CHECK_OK(open("f", O_WRONLY | O_APPEND));
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "de", 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
	close(fd);
	check_contents("f", "abcde");
}

TEST(open_directory_on_file_enotdir)
{
	mkfile("f", "x");
	CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	close(CHECK_OK(open(".", O_RDONLY | O_DIRECTORY)));
}

TEST(open_dir_for_write_eisdir)
{
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(open("d", O_WRONLY), EISDIR);
	CHECK_ERR(open("d", O_RDWR), EISDIR);
}

TEST(open_nofollow_symlink_eloop)
{
	mkfile("f", "x");
	CHECK_OK(symlink("f", "l"));
	CHECK_ERR(open("l", O_RDONLY | O_NOFOLLOW), ELOOP);
	close(CHECK_OK(open("f", O_RDONLY | O_NOFOLLOW)));
}

TEST(open_path_fd_cannot_read)
{
	char c;
	int fd;

	mkfile("f", "x");
	fd = CHECK_OK(open("f", O_PATH));
	CHECK_ERR(read(fd, &c, 1), EBADF);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 1);
	close(fd);
}

TEST(open_path_on_symlink_nofollow_ok)
{
	struct stat st;
	int fd;

	CHECK_OK(symlink("nowhere", "l"));
	fd = CHECK_OK(open("l", O_PATH | O_NOFOLLOW));
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISLNK(st.st_mode));
	close(fd);
}

TEST(open_cloexec_fd_closed_in_exec)
{
	int fd = CHECK_OK(open(".", O_RDONLY | O_CLOEXEC));
	int keep = CHECK_OK(open(".", O_RDONLY));
	char num[16], num2[16];
	pid_t pid;
	int st;

	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	snprintf(num, sizeof(num), "%d", fd);
	snprintf(num2, sizeof(num2), "%d", keep);
	pid = CHECK_OK(fork());
	if (pid == 0) {
		char *args[] = { "helper", "fdclosed", num, NULL };
		execv(ufw_sibling("helper"), args);
		_exit(99);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
	pid = CHECK_OK(fork());
	if (pid == 0) {
		char *args[] = { "helper", "fdopen", num2, NULL };
		execv(ufw_sibling("helper"), args);
		_exit(99);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
}

TEST(open_nonblock_regular_file_reads)
{
	char buf[8];
	int fd;

	mkfile("f", "abc");
	fd = CHECK_OK(open("f", O_RDONLY | O_NONBLOCK));
	CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 3);
	close(fd);
}

TEST(open_bad_pointer_efault)
{
	CHECK_ERR(open(UFW_UNMAPPED_PTR, O_RDONLY), EFAULT);
	CHECK_ERR(open(UFW_KERNEL_PTR, O_RDONLY), EFAULT);
	CHECK_ERR(open(NULL, O_RDONLY), EFAULT);
}

TEST(open_name_too_long_enametoolong)
{
	char name[300];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	CHECK_ERR(open(name, O_RDONLY | O_CREAT, 0644), ENAMETOOLONG);
}

TEST(open_path_too_long_enametoolong)
{
	static char path[5000];

	for (int i = 0; i < 4999; i++)
		path[i] = i % 2 ? '/' : 'a';
	CHECK_ERR(open(path, O_RDONLY), ENAMETOOLONG);
}

TEST(open_through_file_enotdir)
{
	mkfile("f", "x");
	CHECK_ERR(open("f/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("f/", O_RDONLY), ENOTDIR);
}

TEST(openat_relative_to_dirfd)
{
	int dfd;

	CHECK_OK(mkdir("d", 0755));
	mkfile("d/f", "in d");
	dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	close(CHECK_OK(openat(dfd, "f", O_RDONLY)));
	close(CHECK_OK(openat(dfd, "new", O_WRONLY | O_CREAT, 0644)));
	CHECK_OK(access("d/new", F_OK));
	close(dfd);
}

TEST(openat_file_dirfd_enotdir)
{
	int fd;

	mkfile("f", "x");
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR);
	CHECK_ERR(openat(12345, "x", O_RDONLY), EBADF);
	/* An absolute path ignores the bad dirfd. */
	close(CHECK_OK(openat(12345, "/", O_RDONLY)));
	close(fd);
}

TEST(close_bad_fd_ebadf)
{
	CHECK_ERR(close(-1), EBADF);
	CHECK_ERR(close(9999), EBADF);
	int fd = CHECK_OK(open(".", O_RDONLY));
	CHECK_OK(close(fd));
	CHECK_ERR(close(fd), EBADF);
}

TEST(read_bad_fd_ebadf)
{
	char c;

	CHECK_ERR(read(-1, &c, 1), EBADF);
	CHECK_ERR(read(4000, &c, 1), EBADF);
}

TEST(read_write_only_fd_ebadf)
{
	char c;
	int fd = CHECK_OK(open("f", O_WRONLY | O_CREAT, 0644));

	CHECK_ERR(read(fd, &c, 1), EBADF);
	close(fd);
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(write(fd, "x", 1), EBADF);
	close(fd);
}

TEST(read_directory_eisdir)
{
	char buf[16];
	int fd = CHECK_OK(open(".", O_RDONLY));

	CHECK_ERR(read(fd, buf, sizeof(buf)), EISDIR);
	close(fd);
}

TEST(read_bad_pointer_efault)
{
	int fd;

	mkfile("f", "data");
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(read(fd, UFW_UNMAPPED_PTR, 4), EFAULT);
	CHECK_ERR(read(fd, UFW_KERNEL_PTR, 4), EFAULT);
	close(fd);
}

TEST(write_bad_pointer_efault)
{
	int fd = CHECK_OK(open("f", O_WRONLY | O_CREAT, 0644));

	CHECK_ERR(write(fd, UFW_UNMAPPED_PTR, 4), EFAULT);
	CHECK_ERR(write(fd, UFW_KERNEL_PTR, 4), EFAULT);
	close(fd);
}

TEST(read_zero_bytes_returns_zero)
{
	int fd;

	mkfile("f", "data");
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_EQ(read(fd, NULL, 0), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
	close(fd);
}

TEST(read_at_eof_returns_zero)
{
	char buf[8];
	int fd;

	mkfile("f", "ab");
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_EQ(read(fd, buf, 8), 2);
	CHECK_EQ(read(fd, buf, 8), 0);
	close(fd);
}

TEST(write_then_read_back_large)
{
	static char out[70000], in[70000];
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 3);
	CHECK_EQ(write(fd, out, sizeof(out)), sizeof(out));
	CHECK_EQ(pread(fd, in, sizeof(in), 0), sizeof(in));
	CHECK_MEM(in, out, sizeof(in));
	close(fd);
}

TEST(pread_pwrite_keep_offset)
{
	char buf[8] = { 0 };
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_EQ(write(fd, "0123456789", 10), 10);
	CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
	CHECK_EQ(pread(fd, buf, 3, 5), 3);
	CHECK_STR(buf, "567");
	CHECK_EQ(pwrite(fd, "xy", 2, 0), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
	close(fd);
	check_contents("f", "xy23456789");
}

TEST(pread_negative_offset_einval)
{
	char c;
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_ERR(pread(fd, &c, 1, -1), EINVAL);
	CHECK_ERR(pwrite(fd, &c, 1, -1), EINVAL);
	close(fd);
}

TEST(pread_on_pipe_espipe)
{
	int p[2];
	char c;

	CHECK_OK(pipe(p));
	CHECK_ERR(pread(p[0], &c, 1, 0), ESPIPE);
	CHECK_ERR(pwrite(p[1], &c, 1, 0), ESPIPE);
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
}

TEST(readv_writev_scatter_gather)
{
	char a[3], b[4];
	struct iovec wv[] = { { "abc", 3 }, { "", 0 }, { "defg", 4 } };
	struct iovec rv[] = { { a, 3 }, { b, 4 } };
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_EQ(writev(fd, wv, 3), 7);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(readv(fd, rv, 2), 7);
	CHECK_MEM(a, "abc", 3);
	CHECK_MEM(b, "defg", 4);
	close(fd);
}

TEST(preadv_pwritev_at_offset)
{
	char a[2], b[2];
	struct iovec wv[] = { { "12", 2 }, { "34", 2 } };
	struct iovec rv[] = { { a, 2 }, { b, 2 } };
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_EQ(pwritev(fd, wv, 2, 10), 4);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
	CHECK_EQ(preadv(fd, rv, 2, 10), 4);
	CHECK_MEM(a, "12", 2);
	CHECK_MEM(b, "34", 2);
	close(fd);
}

TEST(writev_bad_iovec_efault_einval)
{
	struct iovec v = { UFW_UNMAPPED_PTR, 4 };
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_ERR(writev(fd, UFW_UNMAPPED_PTR, 1), EFAULT);
	CHECK_ERR(writev(fd, &v, 1), EFAULT);
	CHECK_ERR(writev(fd, &v, -1), EINVAL);
	CHECK_ERR(writev(fd, &v, 1025), EINVAL);
	close(fd);
}

TEST(lseek_whence_and_errors)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_EQ(write(fd, "12345", 5), 5);
	CHECK_EQ(lseek(fd, -2, SEEK_END), 3);
	CHECK_EQ(lseek(fd, 1, SEEK_CUR), 4);
	CHECK_ERR(lseek(fd, -10, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, 0, 77), EINVAL);
	CHECK_ERR(lseek(999, 0, SEEK_SET), EBADF);
	close(fd);
}

TEST(lseek_beyond_eof_write_makes_sparse_file)
{
	char buf[8192];
	struct stat st;
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_EQ(lseek(fd, 1 << 20, SEEK_SET), 1 << 20);
	CHECK_EQ(write(fd, "end", 3), 3);
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, (1 << 20) + 3);
	/* A hole reads as zeroes and uses (almost) no blocks. */
	CHECK(st.st_blocks < 64);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 4096), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i])
			ufw_fail(__LINE__, "hole byte %zu is %d", i, buf[i]);
	close(fd);
}

TEST(sendfile_copies_and_advances_offset)
{
	off_t off = 2;
	int in, out;

	mkfile("src", "0123456789");
	in = CHECK_OK(open("src", O_RDONLY));
	out = CHECK_OK(open("dst", O_WRONLY | O_CREAT, 0644));
	CHECK_EQ(sendfile(out, in, &off, 5), 5);
	CHECK_EQ(off, 7);
	CHECK_EQ(lseek(in, 0, SEEK_CUR), 0);
	CHECK_EQ(sendfile(out, in, NULL, 3), 3);
	CHECK_EQ(lseek(in, 0, SEEK_CUR), 3);
	close(out);
	check_contents("dst", "23456012");
	CHECK_ERR(sendfile(out, in, NULL, 1), EBADF);
	close(in);
}

TEST(truncate_grow_and_shrink)
{
	char buf[16];
	struct stat st;
	int fd;

	mkfile("f", "hello world");
	CHECK_OK(truncate("f", 5));
	check_contents("f", "hello");
	CHECK_OK(truncate("f", 8));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_size, 8);
	fd = CHECK_OK(open("f", O_RDWR));
	CHECK_EQ(read(fd, buf, 16), 8);
	CHECK_MEM(buf, "hello\0\0\0", 8);
	CHECK_OK(ftruncate(fd, 2));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 2);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	close(fd);
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(ftruncate(fd, 0), EINVAL);
	close(fd);
	CHECK_ERR(truncate("missing", 0), ENOENT);
	CHECK_ERR(truncate(".", 0), EISDIR);
}

TEST(dup_shares_offset)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	int fd2 = CHECK_OK(dup(fd));

	CHECK(fd2 != fd);
	CHECK_EQ(write(fd, "abcd", 4), 4);
	CHECK_EQ(lseek(fd2, 0, SEEK_CUR), 4);
	CHECK_ERR(dup(777), EBADF);
}

TEST(dup_returns_lowest_free_fd)
{
	int fd = CHECK_OK(open(".", O_RDONLY));
	int a = CHECK_OK(dup(fd)), b = CHECK_OK(dup(fd));

	CHECK_EQ(b, a + 1);
	close(a);
	CHECK_EQ(dup(fd), a);
}

TEST(dup2_replaces_and_same_fd)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	int other = CHECK_OK(open(".", O_RDONLY));

	CHECK_EQ(dup2(fd, other), other);
	CHECK_EQ(write(other, "x", 1), 1);
	CHECK_EQ(dup2(fd, fd), fd);
	CHECK_ERR(dup2(999, fd), EBADF);
	CHECK_ERR(dup2(fd, -1), EBADF);
	CHECK_EQ(dup2(fd, 100), 100);
	CHECK_EQ(fcntl(100, F_GETFD), 0);
}

TEST(dup3_same_fd_einval)
{
	int fd = CHECK_OK(open(".", O_RDONLY));

	CHECK_ERR(dup3(fd, fd, 0), EINVAL);
	CHECK_ERR(syscall(SYS_dup3, fd, 50, 0x4), EINVAL);
	CHECK_EQ(dup3(fd, 50, O_CLOEXEC), 50);
	CHECK_EQ(fcntl(50, F_GETFD), FD_CLOEXEC);
}

TEST(fcntl_dupfd_at_least_arg)
{
	int fd = CHECK_OK(open(".", O_RDONLY));

	CHECK_EQ(fcntl(fd, F_DUPFD, 40), 40);
	CHECK_EQ(fcntl(fd, F_DUPFD, 40), 41);
	CHECK_EQ(fcntl(fd, F_DUPFD_CLOEXEC, 60), 60);
	CHECK_EQ(fcntl(60, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(40, F_GETFD), 0);
	CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
}

TEST(fcntl_getfd_setfd)
{
	int fd = CHECK_OK(open(".", O_RDONLY));

	CHECK_EQ(fcntl(fd, F_GETFD), 0);
	CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_OK(fcntl(fd, F_SETFD, 0));
	CHECK_EQ(fcntl(fd, F_GETFD), 0);
	CHECK_ERR(fcntl(555, F_GETFD), EBADF);
}

TEST(fcntl_getfl_setfl)
{
	int fd = CHECK_OK(open("f", O_WRONLY | O_CREAT, 0644));

	CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
		 O_WRONLY);
	CHECK_OK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDWR));
	/* The access mode cannot change through F_SETFL. */
	CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
		 O_WRONLY | O_APPEND | O_NONBLOCK);
}

TEST(fcntl_unknown_cmd_einval)
{
	int fd = CHECK_OK(open(".", O_RDONLY));

	CHECK_ERR(fcntl(fd, 12345), EINVAL);
}

TEST(fsync_fdatasync_succeed)
{
	int fd = CHECK_OK(open("f", O_WRONLY | O_CREAT, 0644));

	CHECK_OK(fsync(fd));
	CHECK_OK(fdatasync(fd));
	CHECK_ERR(fsync(900), EBADF);
	sync();
}

TEST(dev_null_zero_full)
{
	char buf[4] = { 1, 1, 1, 1 };
	int fd = CHECK_OK(open("/dev/null", O_RDWR));

	CHECK_EQ(write(fd, "abc", 3), 3);
	CHECK_EQ(read(fd, buf, 4), 0);
	close(fd);
	fd = CHECK_OK(open("/dev/zero", O_RDONLY));
	CHECK_EQ(read(fd, buf, 4), 4);
	CHECK_MEM(buf, "\0\0\0\0", 4);
	close(fd);
	fd = CHECK_OK(open("/dev/full", O_WRONLY));
	CHECK_ERR(write(fd, "x", 1), ENOSPC);
	close(fd);
}
