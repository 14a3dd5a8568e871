/*
 * poll: readiness through poll, ppoll, select and pselect6 on pipes,
 * regular files and bad descriptors; timeouts; wake-up by another
 * process; and the argument errors Linux reports.
 */
#include "ufw.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

TEST(poll_empty_pipe_times_out_with_zero)
{
	int p[2];
	struct pollfd pf;
	long long t0;

	CHECK_OK(pipe(p));
	pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
	t0 = now_ms();
	CHECK_EQ(poll(&pf, 1, 50), 0);
	CHECK(now_ms() - t0 >= 45);
	CHECK_EQ(pf.revents, 0);
}

TEST(poll_pipe_readable_after_write)
{
	int p[2];
	struct pollfd pf;

	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "x", 1), 1);
	pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK_EQ(pf.revents, POLLIN);
}

TEST(poll_pipe_write_end_ready_when_empty)
{
	int p[2];
	struct pollfd pf;

	CHECK_OK(pipe(p));
	pf = (struct pollfd){ .fd = p[1], .events = POLLOUT | POLLIN };
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK_EQ(pf.revents, POLLOUT);
}

TEST(poll_pipe_hup_after_last_writer_closes)
{
	int p[2];
	struct pollfd pf;

	CHECK_OK(pipe(p));
	CHECK_OK(close(p[1]));
	pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK_EQ(pf.revents, POLLHUP);
}

TEST(poll_pipe_pollerr_for_writer_without_readers)
{
	int p[2];
	struct pollfd pf;

	CHECK_OK(pipe(p));
	CHECK_OK(close(p[0]));
	pf = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK(pf.revents & POLLERR);
}

TEST(poll_closed_fd_reports_pollnval)
{
	struct pollfd pf[2] = {
		{ .fd = 1000, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },	/* negative: ignored */
	};

	CHECK_EQ(poll(pf, 2, 0), 1);
	CHECK_EQ(pf[0].revents, POLLNVAL);
	CHECK_EQ(pf[1].revents, 0);
}

TEST(poll_regular_file_always_ready)
{
	struct pollfd pf;
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	pf = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK_EQ(pf.revents, POLLIN | POLLOUT);
}

static int write_later(void *arg)
{
	int fd = *(int *)arg;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	return write(fd, "w", 1) == 1 ? 0 : 1;
}

TEST(poll_infinite_wakes_when_another_process_writes)
{
	int p[2], status;
	struct pollfd pf;
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(write_later(&p[1]));
	pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK_EQ(poll(&pf, 1, -1), 1);
	CHECK_EQ(pf.revents, POLLIN);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(poll_more_fds_than_rlimit_einval)
{
	struct rlimit rl;
	struct pollfd pf = { .fd = 0, .events = POLLIN };

	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
	CHECK_ERR(syscall(SYS_poll, &pf, (unsigned long)rl.rlim_cur + 1, 0), EINVAL);
}

TEST(poll_bad_pointer_efault)
{
	CHECK_ERR(syscall(SYS_poll, (void *)8, 1UL, 0), EFAULT);
}

TEST(ppoll_bad_sigset_size_einval)
{
	struct pollfd pf = { .fd = 0, .events = 0 };
	struct timespec ts = { 0, 0 };
	unsigned long mask = 0;

	CHECK_ERR(syscall(SYS_ppoll, &pf, 1UL, &ts, &mask, 4UL), EINVAL);
}

TEST(ppoll_negative_timeout_einval)
{
	struct pollfd pf = { .fd = 0, .events = 0 };
	struct timespec ts = { -1, 0 };

	CHECK_ERR(syscall(SYS_ppoll, &pf, 1UL, &ts, NULL, 8UL), EINVAL);
}

TEST(select_reports_readable_pipe_and_clears_others)
{
	int p[2], q[2];
	fd_set rd;
	struct timeval tv = { 0, 0 };

	CHECK_OK(pipe(p));
	CHECK_OK(pipe(q));
	CHECK_EQ(write(p[1], "x", 1), 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	FD_SET(q[0], &rd);
	CHECK_EQ(select(q[0] > p[0] ? q[0] + 1 : p[0] + 1, &rd, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(p[0], &rd));
	CHECK(!FD_ISSET(q[0], &rd));
}

TEST(select_counts_bits_not_fds)
{
	int p[2];
	fd_set rd, wr;
	struct timeval tv = { 0, 0 };

	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_OK(dup2(p[0], 10));
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(10, &rd);
	FD_SET(p[1], &wr);
	CHECK_EQ(select(11, &rd, &wr, NULL, &tv), 2);
}

/* The raw call: libc wrappers may pass the kernel a copy of the timeval. */
TEST(select_timeout_expires_and_updates_timeval)
{
	int p[2];
	fd_set rd;
	struct timeval tv = { 0, 30000 };

	CHECK_OK(pipe(p));
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	CHECK_EQ(syscall(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv), 0);
	CHECK(!FD_ISSET(p[0], &rd));
	CHECK_EQ(tv.tv_sec, 0);
	CHECK_EQ(tv.tv_usec, 0);
}

/* A closed descriptor inside the table (Linux clips nfds to the table). */
TEST(select_closed_fd_ebadf)
{
	fd_set rd;
	struct timeval tv = { 0, 0 };

	CHECK_OK(dup2(0, 40));
	CHECK_OK(close(40));
	FD_ZERO(&rd);
	FD_SET(40, &rd);
	CHECK_ERR(select(41, &rd, NULL, NULL, &tv), EBADF);
}

TEST(select_negative_nfds_einval)
{
	struct timeval tv = { 0, 0 };

	CHECK_ERR(syscall(SYS_select, -1, NULL, NULL, NULL, &tv), EINVAL);
}

TEST(pselect6_null_timeout_returns_ready_fd)
{
	int p[2];
	fd_set rd;

	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "x", 1), 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	CHECK_EQ(pselect(p[0] + 1, &rd, NULL, NULL, NULL, NULL), 1);
	CHECK(FD_ISSET(p[0], &rd));
}
