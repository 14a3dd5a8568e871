/*
 * mm: address-space calls: brk, anonymous and file mmap (private and
 * shared), MAP_FIXED and MAP_FIXED_NOREPLACE, munmap, mprotect, mremap,
 * and the faults that kill a child (status: signal 11).
 */
#include "ufw.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define PG 4096UL

/* Runs @fn in a child and checks it died of SIGSEGV. */
static void expect_segv(int (*fn)(void *), void *arg)
{
	int st = ufw_run_child(fn, arg);

	if (!WIFSIGNALED(st))
		ufw_fail(__LINE__, "expected death by signal 11, got exit %d",
			 WEXITSTATUS(st));
	CHECK_EQ(WTERMSIG(st), SIGSEGV);
}

static int touch_write(void *arg)
{
	*(volatile char *)arg = 1;
	return 0;
}

static int touch_read(void *arg)
{
	return *(volatile char *)arg;
}

TEST(brk_grows_and_shrinks)
{
	char *cur = (char *)syscall(SYS_brk, 0);
	char *got;

	CHECK(cur != NULL);
	got = (char *)syscall(SYS_brk, cur + 64 * PG);
	CHECK(got == cur + 64 * PG);
	memset(cur, 0x5a, 64 * PG);
	CHECK_EQ(cur[64 * PG - 1], 0x5a);
	got = (char *)syscall(SYS_brk, cur + PG);
	CHECK(got == cur + PG);
	/* Growing again gives zeroed memory. */
	got = (char *)syscall(SYS_brk, cur + 2 * PG);
	CHECK(got == cur + 2 * PG);
	CHECK_EQ(cur[PG + 10], 0);
	/* A request below the start is refused: the old break comes back. */
	got = (char *)syscall(SYS_brk, 4096);
	CHECK(got == cur + 2 * PG);
}

TEST(mmap_anonymous_private_zeroed)
{
	char *p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	CHECK(((uintptr_t)p & (PG - 1)) == 0);
	for (size_t i = 0; i < 16 * PG; i += 512)
		CHECK_EQ(p[i], 0);
	memset(p, 7, 16 * PG);
	CHECK_OK(munmap(p, 16 * PG));
}

TEST(mmap_private_is_copied_on_fork)
{
	int st;
	char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	CHECK(p != MAP_FAILED);
	p[0] = 1;
	pid = CHECK_OK(fork());
	if (pid == 0) {
		p[0] = 2;
		_exit(p[0] == 2 ? 0 : 1);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
	CHECK_EQ(p[0], 1);
}

TEST(mmap_shared_anonymous_shared_across_fork)
{
	volatile int *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int st;
	pid_t pid;

	CHECK(p != MAP_FAILED);
	p[0] = 1;
	pid = CHECK_OK(fork());
	if (pid == 0) {
		p[1] = p[0] + 41;
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(p[1], 42);
}

TEST(mmap_fixed_replaces_mapping)
{
	char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q;

	CHECK(p != MAP_FAILED);
	memset(p, 9, 4 * PG);
	q = mmap(p + PG, PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + PG);
	CHECK_EQ(q[0], 0);
	CHECK_EQ(p[0], 9);
	CHECK_EQ(p[2 * PG], 9);
}

TEST(mmap_fixed_noreplace_eexist)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	CHECK(mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED);
	CHECK_EQ(errno, EEXIST);
	CHECK_OK(munmap(p + PG, PG));
	CHECK(mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_FIXED_NOREPLACE, -1, 0) == p + PG);
}

TEST(mmap_bad_arguments)
{
	int fd;

	errno = 0;
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	      MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == EINVAL);
	errno = 0;
	CHECK(mmap((void *)(0x100000 + 1), PG, PROT_READ,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	      MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED &&
	      errno == EBADF);
	ufw_write_file("f", "x", 1);
	fd = CHECK_OK(open("f", O_RDONLY));
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
	      MAP_FAILED && errno == EACCES);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 1) == MAP_FAILED &&
	      errno == EINVAL);
	close(fd);
	CHECK_ERR(munmap((void *)(0x100000 + 1), PG), EINVAL);
	CHECK_ERR(munmap(NULL, 0), EINVAL);
}

TEST(munmap_then_access_segv)
{
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	CHECK_OK(munmap(p + PG, PG));
	p[0] = p[2 * PG] = 1;
	expect_segv(touch_read, p + PG);
	/* Unmapping a hole is not an error. */
	CHECK_OK(munmap(p + PG, PG));
}

TEST(mprotect_readonly_write_segv)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	p[0] = 5;
	CHECK_OK(mprotect(p, PG, PROT_READ));
	CHECK_EQ(p[0], 5);
	expect_segv(touch_write, p);
	p[PG] = 1;
	CHECK_OK(mprotect(p, PG, PROT_READ | PROT_WRITE));
	p[0] = 6;
	CHECK_ERR(syscall(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL);
	CHECK_ERR(mprotect(p, PG, 0x100), EINVAL);
}

TEST(prot_none_read_segv)
{
	char *p = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	expect_segv(touch_read, p);
}

TEST(null_and_kernel_access_segv)
{
	expect_segv(touch_read, NULL);
	expect_segv(touch_write, UFW_KERNEL_PTR);
}

TEST(mremap_grow_in_place_or_move)
{
	char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q;

	CHECK(p != MAP_FAILED);
	p[0] = 'x';
	q = mremap(p, PG, 64 * PG, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED);
	CHECK_EQ(q[0], 'x');
	CHECK_EQ(q[63 * PG], 0);
	q = mremap(q, 64 * PG, 2 * PG, 0);
	CHECK(q != MAP_FAILED);
	CHECK_EQ(q[0], 'x');
	errno = 0;
	CHECK(mremap(q + 1, PG, 2 * PG, MREMAP_MAYMOVE) == MAP_FAILED &&
	      errno == EINVAL);
}

TEST(file_mapping_private_does_not_write_back)
{
	char buf[4] = { 0 };
	int fd;
	char *p;

	ufw_write_file("f", "abcd", 4);
	fd = CHECK_OK(open("f", O_RDWR));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK_MEM(p, "abcd", 4);
	CHECK_EQ(p[4], 0);
	p[0] = 'Z';
	CHECK_EQ(pread(fd, buf, 4, 0), 4);
	CHECK_MEM(buf, "abcd", 4);
	CHECK_OK(munmap(p, PG));
	close(fd);
}

TEST(file_mapping_shared_writes_back)
{
	char buf[4] = { 0 };
	int fd;
	char *p, *q;

	ufw_write_file("f", "abcd", 4);
	fd = CHECK_OK(open("f", O_RDWR));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	p[1] = 'Y';
	CHECK_EQ(pread(fd, buf, 4, 0), 4);
	CHECK_MEM(buf, "aYcd", 4);
	CHECK_EQ(pwrite(fd, "W", 1, 2), 1);
	CHECK_EQ(p[2], 'W');
	q = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(q != MAP_FAILED);
	CHECK_EQ(q[1], 'Y');
	CHECK_OK(msync(p, PG, MS_SYNC));
	CHECK_OK(munmap(p, PG));
	CHECK_OK(munmap(q, PG));
	close(fd);
}

TEST(file_mapping_survives_close_and_unlink)
{
	int fd;
	char *p;

	ufw_write_file("f", "keep", 4);
	fd = CHECK_OK(open("f", O_RDONLY));
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	close(fd);
	CHECK_OK(unlink("f"));
	CHECK_MEM(p, "keep", 4);
}

TEST(big_anonymous_mapping_is_lazy)
{
	size_t len = 64UL << 30;	/* far more than the guest's RAM */
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	CHECK(p != MAP_FAILED);
	p[0] = 1;
	p[len - 1] = 2;
	CHECK_OK(munmap(p, len));
}
