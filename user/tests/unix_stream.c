/*
 * unix_stream: AF_UNIX SOCK_STREAM behaviour: socketpair, path and
 * abstract names, listen/connect/accept (blocking, non-blocking, full
 * backlog), EOF, EPIPE/SIGPIPE, ECONNRESET, shutdown, MSG_* flags, poll
 * readiness, and the errors of bad input.
 */
#include "ufw.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static socklen_t mkaddr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

/* "\0name": an abstract address of exactly 2 + 1 + strlen(name) bytes. */
static socklen_t mkabstract(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static int listener(const char *path, int backlog)
{
	struct sockaddr_un a;
	socklen_t len = mkaddr(&a, path);
	int fd = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));

	CHECK_OK(bind(fd, (struct sockaddr *)&a, len));
	CHECK_OK(listen(fd, backlog));
	return fd;
}

static int connect_to(const char *path, int flags)
{
	struct sockaddr_un a;
	socklen_t len = mkaddr(&a, path);
	int fd = CHECK_OK(socket(AF_UNIX, SOCK_STREAM | flags, 0));

	CHECK_OK(connect(fd, (struct sockaddr *)&a, len));
	return fd;
}

static short poll1(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	CHECK(poll(&p, 1, 0) >= 0);
	return p.revents;
}

TEST(socketpair_roundtrip_fstat_and_fd_link)
{
	int sv[2];
	char buf[16], link[64], want[64];
	struct stat st;
	ssize_t n;

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_EQ(write(sv[0], "hello", 5), 5);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 5);
	CHECK_MEM(buf, "hello", 5);
	CHECK_EQ(send(sv[1], "back", 4, 0), 4);
	CHECK_EQ(recv(sv[0], buf, sizeof(buf), 0), 4);
	CHECK_MEM(buf, "back", 4);
	CHECK_OK(fstat(sv[0], &st));
	CHECK(S_ISSOCK(st.st_mode));
	snprintf(buf, sizeof(buf), "%d", sv[0]);
	snprintf(want, sizeof(want), "/proc/self/fd/%d", sv[0]);
	n = CHECK_OK(readlink(want, link, sizeof(link) - 1));
	link[n] = 0;
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
	CHECK_STR(link, want);
	CHECK_ERR(lseek(sv[0], 0, SEEK_SET), ESPIPE);
}

TEST(socketpair_flags_and_bad_args)
{
	int sv[2];

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
	CHECK_EQ(fcntl(sv[0], F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(sv[1], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, UFW_UNMAPPED_PTR), EFAULT);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM | 0x10000000, 0, sv), EINVAL);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 7, sv), EPROTONOSUPPORT);
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
}

TEST(socket_bad_family_type_protocol)
{
	CHECK_ERR(socket(1234, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, 4 /* SOCK_RDM */, 0), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 5), EPROTONOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, SOCK_STREAM | 0x40000, 0), EINVAL);
}

TEST(path_bind_listen_connect_accept_names)
{
	struct sockaddr_un a, got;
	socklen_t len;
	struct stat st;
	int l, c, s;
	char buf[8];

	l = listener("srv", 5);
	CHECK_OK(stat("srv", &st));
	CHECK(S_ISSOCK(st.st_mode));
	c = connect_to("srv", 0);
	len = sizeof(got);
	s = CHECK_OK(accept(l, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path));	/* unnamed client */
	CHECK_EQ(got.sun_family, AF_UNIX);

	len = sizeof(got);
	CHECK_OK(getsockname(l, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, mkaddr(&a, "srv"));
	CHECK_STR(got.sun_path, "srv");
	len = sizeof(got);
	CHECK_OK(getpeername(c, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, mkaddr(&a, "srv"));
	CHECK_STR(got.sun_path, "srv");
	len = sizeof(got);
	CHECK_OK(getsockname(s, (struct sockaddr *)&got, &len));
	CHECK_STR(got.sun_path, "srv");
	len = sizeof(got);
	CHECK_OK(getsockname(c, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path));
	/* A short buffer gets the cut name and the full length. */
	len = 4;
	memset(&got, 'x', sizeof(got));
	CHECK_OK(getpeername(c, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, mkaddr(&a, "srv"));
	CHECK_EQ(got.sun_path[1], 'r');
	CHECK_EQ(got.sun_path[2], 'x');

	CHECK_EQ(write(c, "ping", 4), 4);
	CHECK_EQ(read(s, buf, sizeof(buf)), 4);
	CHECK_EQ(write(s, "pong", 4), 4);
	CHECK_EQ(read(c, buf, sizeof(buf)), 4);
	CHECK_MEM(buf, "pong", 4);
	CHECK_ERR(getpeername(l, (struct sockaddr *)&got, &len), ENOTCONN);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, mkaddr(&a, "srv")), EISCONN);
	CHECK_ERR(connect(l, (struct sockaddr *)&a, mkaddr(&a, "srv")), EINVAL);
}

TEST(data_sent_before_accept_is_kept)
{
	int l = listener("srv", 5), c = connect_to("srv", 0), s;
	char buf[8];

	CHECK_EQ(write(c, "early", 5), 5);
	s = CHECK_OK(accept(l, NULL, NULL));
	CHECK_EQ(read(s, buf, sizeof(buf)), 5);
	CHECK_MEM(buf, "early", 5);
}

TEST(bind_errors)
{
	struct sockaddr_un a;
	int fd = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	int fd2 = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));

	ufw_write_file("file", "x", 1);
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, mkaddr(&a, "file")), EADDRINUSE);
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, mkaddr(&a, "nodir/sock")), ENOENT);
	CHECK_OK(bind(fd, (struct sockaddr *)&a, mkaddr(&a, "one")));
	CHECK_ERR(bind(fd2, (struct sockaddr *)&a, mkaddr(&a, "one")), EADDRINUSE);
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, mkaddr(&a, "two")), EINVAL);
	CHECK_ERR(access("two", F_OK), ENOENT);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_INET;
	strcpy(a.sun_path, "four");
	CHECK_ERR(bind(fd2, (struct sockaddr *)&a, sizeof(a)), EINVAL);
	CHECK_ERR(bind(fd2, (struct sockaddr *)&a, 1), EINVAL);
	CHECK_ERR(bind(fd2, (struct sockaddr *)&a, -1), EINVAL);
	CHECK_ERR(bind(fd2, (struct sockaddr *)&a, 4096), EINVAL);
	CHECK_ERR(bind(fd2, UFW_UNMAPPED_PTR, sizeof(a)), EFAULT);
	CHECK_ERR(bind(-1, (struct sockaddr *)&a, mkaddr(&a, "x")), EBADF);
	CHECK_ERR(bind(0x7ffff, (struct sockaddr *)&a, mkaddr(&a, "x")), EBADF);
}

TEST(not_a_socket_enotsock)
{
	int p[2];
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	int v = 1;

	CHECK_OK(pipe(p));
	CHECK_ERR(bind(p[0], (struct sockaddr *)&a, mkaddr(&a, "x")), ENOTSOCK);
	CHECK_ERR(listen(p[0], 1), ENOTSOCK);
	CHECK_ERR(accept(p[0], NULL, NULL), ENOTSOCK);
	CHECK_ERR(getsockname(p[0], (struct sockaddr *)&a, &len), ENOTSOCK);
	CHECK_ERR(send(p[1], "x", 1, 0), ENOTSOCK);
	CHECK_ERR(recv(p[0], &v, 1, 0), ENOTSOCK);
	CHECK_ERR(shutdown(p[0], SHUT_RD), ENOTSOCK);
	CHECK_ERR(setsockopt(p[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)), ENOTSOCK);
}

TEST(connect_errors)
{
	struct sockaddr_un a;
	int fd = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	int b = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));

	CHECK_ERR(connect(fd, (struct sockaddr *)&a, mkaddr(&a, "missing")), ENOENT);
	ufw_write_file("file", "x", 1);
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, mkaddr(&a, "file")), ECONNREFUSED);
	/* bound but not listening */
	CHECK_OK(bind(b, (struct sockaddr *)&a, mkaddr(&a, "bound")));
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, mkaddr(&a, "bound")), ECONNREFUSED);
	/* the name outlives its socket, the socket does not */
	close(b);
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, mkaddr(&a, "bound")), ECONNREFUSED);
	CHECK_OK(bind(d, (struct sockaddr *)&a, mkaddr(&a, "dgram")));
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, mkaddr(&a, "dgram")), EPROTOTYPE);
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, 2), EINVAL);
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, 1), EINVAL);
	CHECK_ERR(connect(fd, UFW_UNMAPPED_PTR, sizeof(a)), EFAULT);
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, mkabstract(&a, "nobody-here-xyz")),
		  ECONNREFUSED);
}

TEST(listen_accept_errors)
{
	int fd = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	int sv[2];

	CHECK_ERR(listen(fd, 5), EINVAL);		/* not bound */
	CHECK_ERR(listen(d, 5), EOPNOTSUPP);
	CHECK_ERR(accept(fd, NULL, NULL), EINVAL);	/* not listening */
	CHECK_ERR(accept(d, NULL, NULL), EOPNOTSUPP);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_ERR(listen(sv[0], 5), EINVAL);		/* connected */
	CHECK_ERR(accept4(fd, NULL, NULL, 0x1234), EINVAL);
}

TEST(nonblocking_accept_and_accept4_flags)
{
	int l = listener("srv", 5), c, s;

	CHECK_OK(fcntl(l, F_SETFL, O_NONBLOCK));
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	CHECK_EQ(poll1(l, POLLIN | POLLOUT), 0);
	c = connect_to("srv", SOCK_NONBLOCK);
	CHECK_EQ(poll1(l, POLLIN), POLLIN);
	s = CHECK_OK(accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC));
	CHECK_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(s, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	(void)c;
}

TEST(accepted_socket_does_not_inherit_nonblock)
{
	int l = listener("srv", 5), s;

	connect_to("srv", 0);
	CHECK_OK(fcntl(l, F_SETFL, O_NONBLOCK));
	s = CHECK_OK(accept(l, NULL, NULL));
	CHECK_EQ(fcntl(s, F_GETFL) & O_NONBLOCK, 0);
}

TEST(full_backlog_nonblocking_connect_eagain)
{
	struct sockaddr_un a;
	socklen_t len = mkaddr(&a, "srv");
	int l = listener("srv", 1), ok = 0, fd, k;

	for (k = 0; k < 10; k++) {
		fd = CHECK_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
		if (connect(fd, (struct sockaddr *)&a, len) != 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		ok++;
	}
	CHECK_EQ(ok, 2);		/* backlog + 1, as Linux counts */
	/* accepting one makes room */
	close(CHECK_OK(accept(l, NULL, NULL)));
	CHECK_OK(connect(fd, (struct sockaddr *)&a, len));
}

static int blocked_connect(void *arg)
{
	struct sockaddr_un a;
	socklen_t len = mkaddr(&a, "srv");
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	/* the backlog is full: this blocks until the parent accepts */
	if (connect(fd, (struct sockaddr *)&a, len) != 0)
		return 10;
	return write(fd, "z", 1) == 1 ? 0 : 11;
}

TEST(full_backlog_blocking_connect_waits_for_accept)
{
	int l = listener("srv", 0), s, st;
	pid_t pid;
	char c;

	connect_to("srv", 0);		/* fills backlog 0 (one pending) */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(blocked_connect(NULL));
	usleep(100000);
	close(CHECK_OK(accept(l, NULL, NULL)));
	s = CHECK_OK(accept(l, NULL, NULL));
	CHECK_EQ(read(s, &c, 1), 1);
	CHECK_EQ(c, 'z');
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

TEST(listener_closed_with_pending_connection_resets_client)
{
	int l = listener("srv", 5), c = connect_to("srv", 0);
	char buf[4];

	close(l);
	CHECK_ERR(read(c, buf, sizeof(buf)), ECONNRESET);
	CHECK_EQ(read(c, buf, sizeof(buf)), 0);
}

TEST(peer_close_gives_eof_after_data)
{
	int sv[2];
	char buf[8];

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_EQ(write(sv[0], "abc", 3), 3);
	close(sv[0]);
	CHECK_EQ(poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		 POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 3);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
}

TEST(peer_close_with_unread_data_econnreset)
{
	int sv[2];
	char buf[8];
	int err = -1;
	socklen_t len = sizeof(err);

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_EQ(write(sv[0], "abc", 3), 3);
	close(sv[1]);			/* closes with "abc" unread */
	CHECK(poll1(sv[0], POLLIN) & POLLERR);
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, ECONNRESET);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 0);	/* read once: cleared */

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_EQ(write(sv[0], "abc", 3), 3);
	close(sv[1]);
	CHECK_ERR(read(sv[0], buf, sizeof(buf)), ECONNRESET);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 0);
}

static int write_after_peer_close(void *arg)
{
	int sv[2];

	if (arg)
		signal(SIGPIPE, SIG_IGN);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 100;
	close(sv[1]);
	errno = 0;
	if (write(sv[0], "x", 1) != -1)
		return 101;
	return errno;
}

TEST(write_to_closed_peer_sigpipe_and_epipe)
{
	int st;

	st = ufw_run_child(write_after_peer_close, NULL);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGPIPE);
	st = ufw_run_child(write_after_peer_close, (void *)1);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), EPIPE);
}

static int send_nosignal(void *arg)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 100;
	close(sv[1]);
	errno = 0;
	if (send(sv[0], "x", 1, MSG_NOSIGNAL) != -1)
		return 101;
	return errno;
}

TEST(msg_nosignal_gives_epipe_without_signal)
{
	int st = ufw_run_child(send_nosignal, NULL);

	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), EPIPE);
}

TEST(shutdown_write_and_read)
{
	int sv[2];
	char buf[8];

	signal(SIGPIPE, SIG_IGN);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_EQ(write(sv[0], "hi", 2), 2);
	CHECK_OK(shutdown(sv[0], SHUT_WR));
	CHECK_ERR(write(sv[0], "x", 1), EPIPE);
	CHECK_EQ(poll1(sv[1], POLLIN | POLLRDHUP), POLLIN | POLLRDHUP);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 2);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
	/* the other direction still works */
	CHECK_EQ(write(sv[1], "yo", 2), 2);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 2);
	CHECK_OK(shutdown(sv[1], SHUT_WR));
	CHECK_EQ(poll1(sv[0], POLLIN | POLLOUT), POLLIN | POLLOUT | POLLHUP);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 0);
	CHECK_ERR(shutdown(sv[0], 3), EINVAL);
	CHECK_ERR(shutdown(sv[0], -1), EINVAL);
	CHECK_ERR(shutdown(-1, SHUT_RD), EBADF);
}

TEST(shutdown_read_lets_peer_get_epipe)
{
	int sv[2];

	signal(SIGPIPE, SIG_IGN);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_OK(shutdown(sv[1], SHUT_RD));
	CHECK_ERR(write(sv[0], "x", 1), EPIPE);
}

TEST(unconnected_stream_errors_and_poll)
{
	int fd = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	char c;

	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(fd, "x", 1), ENOTCONN);
	CHECK_ERR(read(fd, &c, 1), EINVAL);
	CHECK_EQ(poll1(fd, POLLIN | POLLOUT), POLLOUT | POLLHUP);
}

TEST(sendto_with_address_on_stream)
{
	struct sockaddr_un a;
	int sv[2], fd = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_ERR(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, mkaddr(&a, "x")),
		  EISCONN);
	CHECK_ERR(sendto(fd, "x", 1, 0, (struct sockaddr *)&a, mkaddr(&a, "x")),
		  EOPNOTSUPP);
}

TEST(msg_peek_dontwait_and_fionread)
{
	int sv[2], n = -1;
	char buf[16];

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK_EQ(write(sv[0], "abc", 3), 3);
	CHECK_EQ(write(sv[0], "def", 3), 3);
	CHECK_OK(ioctl(sv[1], FIONREAD, &n));
	CHECK_EQ(n, 6);
	CHECK_EQ(recv(sv[1], buf, 4, MSG_PEEK), 4);
	CHECK_MEM(buf, "abcd", 4);
	CHECK_EQ(recv(sv[1], buf, 2, 0), 2);
	CHECK_MEM(buf, "ab", 2);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 4);
	CHECK_MEM(buf, "cdef", 4);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 4);
	CHECK_MEM(buf, "cdef", 4);
	CHECK_OK(ioctl(sv[1], FIONREAD, &n));
	CHECK_EQ(n, 0);
}

static int slow_writer(void *arg)
{
	int fd = *(int *)arg;

	for (int k = 0; k < 4; k++) {
		usleep(20000);
		if (write(fd, "ab", 2) != 2)
			return 1;
	}
	return 0;
}

TEST(msg_waitall_gathers_pieces)
{
	int sv[2], st;
	char buf[8];
	pid_t pid;

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(slow_writer(&sv[0]));
	CHECK_EQ(recv(sv[1], buf, 8, MSG_WAITALL), 8);
	CHECK_MEM(buf, "abababab", 8);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
}

TEST(nonblocking_write_fills_then_drains)
{
	int sv[2], sndbuf = 0;
	socklen_t len = sizeof(sndbuf);
	static char big[65536];
	size_t total = 0;
	ssize_t n;

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	CHECK_EQ(poll1(sv[0], POLLOUT), POLLOUT);
	for (;;) {
		n = write(sv[0], big, sizeof(big));
		if (n < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		total += (size_t)n;
		CHECK(total < 64u << 20);
	}
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &len));
	CHECK(total >= (size_t)sndbuf / 4);
	CHECK_EQ(poll1(sv[0], POLLOUT), 0);
	CHECK_EQ(poll1(sv[1], POLLIN), POLLIN);
	while (total) {
		n = read(sv[1], big, sizeof(big));
		CHECK(n > 0);
		total -= (size_t)n;
	}
	CHECK_EQ(poll1(sv[0], POLLOUT), POLLOUT);
	CHECK_ERR(read(sv[1], big, 1), EAGAIN);
}

TEST(rcvtimeo_ends_blocking_read)
{
	struct timeval tv = { 0, 100000 }, got;
	socklen_t len = sizeof(got);
	int sv[2];
	char c;

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &len));
	CHECK_EQ(len, sizeof(got));
	CHECK_EQ(got.tv_sec, 0);
	CHECK_EQ(got.tv_usec, 100000);
	CHECK_ERR(read(sv[0], &c, 1), EAGAIN);
}

TEST(abstract_names)
{
	struct sockaddr_un a, got;
	socklen_t alen = mkabstract(&a, "ufw-abstract-test"), len;
	int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	int l2 = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	int c = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0)), s;
	char buf[4];

	CHECK_OK(bind(l, (struct sockaddr *)&a, alen));
	CHECK_ERR(bind(l2, (struct sockaddr *)&a, alen), EADDRINUSE);
	CHECK_OK(bind(d, (struct sockaddr *)&a, alen));	/* names are per type */
	CHECK_OK(listen(l, 1));
	len = sizeof(got);
	CHECK_OK(getsockname(l, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, alen);
	CHECK_MEM(&got, &a, alen);
	CHECK_OK(connect(c, (struct sockaddr *)&a, alen));
	s = CHECK_OK(accept(l, NULL, NULL));
	CHECK_EQ(write(c, "q", 1), 1);
	CHECK_EQ(read(s, buf, 4), 1);
	len = sizeof(got);
	CHECK_OK(getpeername(c, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, alen);
	/* a longer name with the same prefix is a different name */
	a.sun_path[alen - 2] = 'X';
	CHECK_ERR(connect(l2, (struct sockaddr *)&a, alen + 1), ECONNREFUSED);
	close(l);
	a.sun_path[alen - 2] = 0;
	CHECK_OK(bind(l2, (struct sockaddr *)&a, alen));	/* free again */
}

TEST(autobind_on_empty_bind)
{
	struct sockaddr_un a, got;
	socklen_t len = sizeof(got);
	int fd = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(sa_family_t)));
	CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + 6);
	CHECK_EQ(got.sun_path[0], 0);
	for (int k = 1; k < 6; k++)
		CHECK(strchr("0123456789abcdef", got.sun_path[k]) != NULL);
	/* a second autobind keeps the name */
	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(sa_family_t)));
	CHECK_OK(listen(fd, 1));
}

TEST(bad_pointers_efault)
{
	int sv[2];
	socklen_t len = sizeof(struct sockaddr_un);

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_ERR(send(sv[0], UFW_UNMAPPED_PTR, 4, 0), EFAULT);
	CHECK_ERR(send(sv[0], UFW_KERNEL_PTR, 4, 0), EFAULT);
	CHECK_EQ(write(sv[0], "data", 4), 4);
	CHECK_ERR(recv(sv[1], UFW_KERNEL_PTR, 4, 0), EFAULT);
	CHECK_ERR(getsockname(sv[0], UFW_UNMAPPED_PTR, &len), EFAULT);
	CHECK_ERR(getsockname(sv[0], NULL, UFW_UNMAPPED_PTR), EFAULT);
	CHECK_ERR(getpeername(sv[0], (struct sockaddr *)&len, UFW_KERNEL_PTR), EFAULT);
	len = (socklen_t)-1;
	CHECK_ERR(getsockname(sv[0], (struct sockaddr *)&sv, &len), EINVAL);
}
