/*
 * pipe: pipe/pipe2 behaviour: EOF, EPIPE, PIPE_BUF atomicity with two
 * writers, blocking and non-blocking reads and writes, and bad input.
 */
#include "ufw.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

TEST(pipe_roundtrip_and_fstat_fifo)
{
	int p[2];
	char buf[8];
	struct stat st;

	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "hello", 5), 5);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 5);
	CHECK_MEM(buf, "hello", 5);
	CHECK_OK(fstat(p[0], &st));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_ERR(write(p[0], "x", 1), EBADF);
	CHECK_ERR(read(p[1], buf, 1), EBADF);
}

TEST(pipe_read_closed_writer_eof)
{
	int p[2];
	char buf[8];

	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "ab", 2), 2);
	close(p[1]);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 2);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
}

/*
 * With SIGPIPE ignored the write returns EPIPE instead of killing (the
 * default action is tested in signal.c). The child reports the errno as
 * its exit code.
 */
static int write_to_closed_pipe(void *arg)
{
	int *p = arg;

	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	if (write(p[1], "x", 1) != -1)
		return 200;
	return errno;
}

TEST(pipe_write_closed_reader_epipe)
{
	int p[2], st;

	CHECK_OK(pipe(p));
	close(p[0]);
	st = ufw_run_child(write_to_closed_pipe, p);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), EPIPE);
}

TEST(pipe_nonblock_empty_read_eagain)
{
	int p[2];
	char c;

	CHECK_OK(pipe2(p, O_NONBLOCK | O_CLOEXEC));
	CHECK_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(p[1], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	CHECK_ERR(read(p[0], &c, 1), EAGAIN);
}

TEST(pipe_nonblock_full_write_eagain)
{
	static char buf[4096];
	int p[2];
	long total = 0;
	ssize_t n;

	CHECK_OK(pipe2(p, O_NONBLOCK));
	for (int i = 0; i < 1024; i++) {
		n = write(p[1], buf, sizeof(buf));
		if (n < 0)
			break;
		total += n;
	}
	CHECK_EQ(n, -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK(total >= PIPE_BUF);
	ufw_note("capacity %ld bytes", total);
	/* Room for one byte still fails to take a whole PIPE_BUF write. */
	CHECK_EQ(read(p[0], buf, 1), 1);
	CHECK_ERR(write(p[1], buf, PIPE_BUF), EAGAIN);
}

TEST(pipe2_bad_flags_einval_bad_pointer_efault)
{
	int p[2];

	CHECK_ERR(pipe2(p, 0x1), EINVAL);
	CHECK_ERR(syscall(SYS_pipe2, UFW_UNMAPPED_PTR, 0), EFAULT);
	CHECK_ERR(syscall(SYS_pipe, UFW_KERNEL_PTR), EFAULT);
}

static int late_writer(void *arg)
{
	int *p = arg;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	close(p[0]);
	nanosleep(&ts, NULL);
	return write(p[1], "late", 4) == 4 ? 0 : 1;
}

TEST(pipe_blocking_read_waits_for_writer)
{
	int p[2], st;
	char buf[8];
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(late_writer(p));
	close(p[1]);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 4);
	CHECK_MEM(buf, "late", 4);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
}

#define CHUNKS 64

static void writer(int fd, char c)
{
	char buf[PIPE_BUF];

	memset(buf, c, sizeof(buf));
	for (int i = 0; i < CHUNKS; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			_exit(1);
	_exit(0);
}

TEST(pipe_buf_writes_atomic_with_two_writers)
{
	static char all[2 * CHUNKS * PIPE_BUF];
	size_t got = 0;
	int p[2], st;
	pid_t a, b;
	ssize_t n;

	CHECK_OK(pipe(p));
	a = CHECK_OK(fork());
	if (a == 0)
		writer(p[1], 'A');
	b = CHECK_OK(fork());
	if (b == 0)
		writer(p[1], 'B');
	close(p[1]);
	while (got < sizeof(all) &&
	       (n = read(p[0], all + got, sizeof(all) - got)) > 0)
		got += n;
	CHECK_EQ(got, sizeof(all));
	for (size_t i = 0; i < sizeof(all); i += PIPE_BUF)
		for (size_t j = 1; j < PIPE_BUF; j++)
			if (all[i + j] != all[i])
				ufw_fail(__LINE__, "chunk at %zu interleaved", i);
	CHECK_EQ(waitpid(a, &st, 0), a);
	CHECK_EQ(st, 0);
	CHECK_EQ(waitpid(b, &st, 0), b);
	CHECK_EQ(st, 0);
}

TEST(pipe_large_write_crosses_capacity)
{
	static char out[300000], in[300000];
	size_t got = 0;
	int p[2], st;
	pid_t pid;
	ssize_t n;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i % 251);
	CHECK_OK(pipe(p));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		close(p[0]);
		_exit(write(p[1], out, sizeof(out)) == sizeof(out) ? 0 : 1);
	}
	close(p[1]);
	while ((n = read(p[0], in + got, sizeof(in) - got)) > 0)
		got += n;
	CHECK_EQ(got, sizeof(in));
	CHECK_MEM(in, out, sizeof(in));
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
}

TEST(pipe_fd_survives_exec_and_fork_shares)
{
	int p[2], st;
	char c;
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		char *args[] = { "helper", "echo", NULL };
		execv(ufw_sibling("helper"), args);
		_exit(99);
	}
	close(p[1]);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'a');
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
}
