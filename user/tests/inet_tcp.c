/*
 * inet_tcp: AF_INET stream sockets over the loopback: echo, refused and
 * non-blocking connects, accept4 flags, SO_REUSEADDR, shutdown, reset,
 * MSG_PEEK/DONTWAIT/WAITALL, SIGPIPE, poll/select readiness and names.
 */
#include "ufw.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Upper bound of every wait for an event that must come: a hang guard. */
#define GUARD_MS 20000

static struct sockaddr_in loopback(unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	return a;
}

static unsigned short port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	CHECK_OK(getsockname(fd, (struct sockaddr *)&a, &len));
	return ntohs(a.sin_port);
}

/* A listening socket on 127.0.0.1 and an ephemeral port. */
static int listener(int *port)
{
	struct sockaddr_in a = loopback(0);
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));

	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(fd, 16));
	*port = port_of(fd);
	return fd;
}

static int connect_to(int port)
{
	struct sockaddr_in a = loopback(port);
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));

	CHECK_OK(connect(fd, (struct sockaddr *)&a, sizeof(a)));
	return fd;
}

/* A connected pair: *c the client end, *s the accepted end. */
static void tcp_pair(int *c, int *s)
{
	int port, l = listener(&port);

	*c = connect_to(port);
	*s = CHECK_OK(accept(l, NULL, NULL));
	close(l);
}

/* Waits (bounded) for @events on @fd; returns revents. */
static short wait_for(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	CHECK_EQ(poll(&p, 1, GUARD_MS), 1);
	return p.revents;
}

static void read_exact(int fd, char *buf, size_t len)
{
	while (len) {
		ssize_t r = read(fd, buf, len);

		CHECK(r > 0);
		buf += r;
		len -= r;
	}
}

TEST(tcp_echo_roundtrip)
{
	int c, s;
	char buf[64];

	tcp_pair(&c, &s);
	CHECK_EQ(write(c, "ping", 4), 4);
	read_exact(s, buf, 4);
	CHECK_MEM(buf, "ping", 4);
	CHECK_EQ(send(s, "pong!", 5, 0), 5);
	read_exact(c, buf, 5);
	CHECK_MEM(buf, "pong!", 5);
	close(c);
	CHECK_EQ(read(s, buf, sizeof(buf)), 0);	/* EOF after the close */
	close(s);
}

/* 256 KiB each way through one connection, checked byte for byte. */
static int bulk_writer(void *arg)
{
	int fd = *(int *)arg;
	static char block[4096];

	for (int i = 0; i < 64; i++) {
		memset(block, 'a' + i % 26, sizeof(block));
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			return 1;
	}
	return 0;
}

TEST(tcp_bulk_transfer_in_order)
{
	int c, s, st;
	static char block[4096];

	tcp_pair(&c, &s);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(bulk_writer(&c));
	for (int i = 0; i < 64; i++) {
		read_exact(s, block, sizeof(block));
		for (size_t j = 0; j < sizeof(block); j++)
			if (block[j] != 'a' + i % 26)
				ufw_fail(__LINE__, "block %d byte %zu is %d", i,
					 j, block[j]);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
}

TEST(tcp_connect_closed_port_refused)
{
	/* A bound socket that does not listen answers a SYN with a reset. */
	int b = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in a = loopback(0);

	CHECK_OK(bind(b, (struct sockaddr *)&a, sizeof(a)));
	a = loopback(port_of(b));
	int c = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	close(c);
	close(b);
}

TEST(tcp_nonblocking_connect_inprogress_then_writable)
{
	int port, l = listener(&port);
	struct sockaddr_in a = loopback(port);
	int c = CHECK_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	int err = -1;
	socklen_t len = sizeof(err);

	CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	CHECK(wait_for(c, POLLOUT) & POLLOUT);
	CHECK_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, 0);
	CHECK_EQ(len, sizeof(int));
	/* Connecting again collects the result once, then it is EISCONN. */
	CHECK_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EISCONN);
	int s = CHECK_OK(accept(l, NULL, NULL));
	CHECK_EQ(write(c, "x", 1), 1);
	char ch;
	CHECK_EQ(read(s, &ch, 1), 1);
}

TEST(tcp_nonblocking_connect_refused_reports_so_error)
{
	int b = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in a = loopback(0);
	int err = -1;
	socklen_t len = sizeof(err);

	CHECK_OK(bind(b, (struct sockaddr *)&a, sizeof(a)));
	a = loopback(port_of(b));
	int c = CHECK_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	CHECK(wait_for(c, POLLOUT) & (POLLOUT | POLLERR));
	CHECK_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, ECONNREFUSED);
	/* The error is reported once. */
	CHECK_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, 0);
}

/*
 * listen(fd, 1) queues two established connections (backlog + 1); a third
 * SYN is dropped while the queue is full, so that connect stays in
 * progress, and gets in by a retransmitted SYN once accept() made room.
 * Each client connects only after the one before it is established, so
 * the queue's state at each SYN does not depend on timing.
 */
TEST(tcp_backlog_full_queue_holds_a_connect_until_accept)
{
	struct sockaddr_in a = loopback(0);
	int l = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
	int c[3], s[3];

	CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(l, 1));
	a = loopback(port_of(l));
	for (int i = 0; i < 3; i++) {
		c[i] = CHECK_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
		if (connect(c[i], (struct sockaddr *)&a, sizeof(a)))
			CHECK_EQ(errno, EINPROGRESS);
		if (i < 2)
			CHECK(wait_for(c[i], POLLOUT) & POLLOUT);
	}
	struct pollfd p = { .fd = c[2], .events = POLLOUT };
	CHECK_EQ(poll(&p, 1, 300), 0);
	CHECK_ERR(connect(c[2], (struct sockaddr *)&a, sizeof(a)), EALREADY);
	s[0] = CHECK_OK(accept(l, NULL, NULL));
	CHECK(wait_for(c[2], POLLOUT) & POLLOUT);
	int err = -1;
	socklen_t len = sizeof(err);
	CHECK_OK(getsockopt(c[2], SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, 0);
	s[1] = CHECK_OK(accept(l, NULL, NULL));
	s[2] = CHECK_OK(accept(l, NULL, NULL));
	/* In the order they were established. */
	for (int i = 0; i < 3; i++) {
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);

		CHECK_OK(getpeername(s[i], (struct sockaddr *)&peer, &plen));
		CHECK_EQ(ntohs(peer.sin_port), port_of(c[i]));
	}
}

TEST(tcp_accept4_flags)
{
	int port, l = listener(&port);
	int c1 = connect_to(port), c2 = connect_to(port);
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);

	int s1 = CHECK_OK(accept4(l, (struct sockaddr *)&peer, &len,
				  SOCK_NONBLOCK | SOCK_CLOEXEC));
	CHECK_EQ(len, sizeof(peer));
	CHECK_EQ(peer.sin_family, AF_INET);
	CHECK_EQ(ntohl(peer.sin_addr.s_addr), INADDR_LOOPBACK);
	CHECK_EQ(ntohs(peer.sin_port), port_of(c1));
	CHECK_EQ(fcntl(s1, F_GETFD), FD_CLOEXEC);
	CHECK(fcntl(s1, F_GETFL) & O_NONBLOCK);
	char ch;
	CHECK_ERR(read(s1, &ch, 1), EAGAIN);

	int s2 = CHECK_OK(accept4(l, NULL, NULL, 0));
	CHECK_EQ(fcntl(s2, F_GETFD), 0);
	CHECK_EQ(fcntl(s2, F_GETFL) & O_NONBLOCK, 0);
	/* The raw call: musl's wrapper retries a refused accept4 as accept. */
	CHECK_ERR(syscall(SYS_accept4, l, NULL, NULL, 0x1234), EINVAL);
	/* Nothing pending on a non-blocking listener. */
	CHECK_OK(fcntl(l, F_SETFL, O_NONBLOCK));
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	close(c1);
	close(c2);
}

TEST(tcp_accept_on_unlistened_socket_einval)
{
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));

	CHECK_ERR(accept(fd, NULL, NULL), EINVAL);
}

/*
 * The server end closes first, so its port stays bound (FIN_WAIT or
 * TIME_WAIT) after both ends closed: a new bind of that port conflicts
 * unless both the old and the new socket set SO_REUSEADDR.
 */
static int closed_server_port(bool reuse)
{
	int one = 1, port;
	struct sockaddr_in a = loopback(0);
	int l = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
	char ch;

	if (reuse)
		CHECK_OK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one,
				    sizeof(one)));
	CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(l, 4));
	port = port_of(l);
	int c = connect_to(port);
	int s = CHECK_OK(accept(l, NULL, NULL));
	close(l);
	close(s);
	CHECK_EQ(read(c, &ch, 1), 0);	/* the server's FIN arrived */
	close(c);
	return port;
}

TEST(tcp_rebind_without_reuseaddr_eaddrinuse)
{
	int port = closed_server_port(false);
	struct sockaddr_in a = loopback(port);
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));

	CHECK_ERR(bind(fd, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
}

TEST(tcp_rebind_with_reuseaddr_succeeds)
{
	int one = 1, port = closed_server_port(true);
	struct sockaddr_in a = loopback(port);
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));

	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(fd, 4));
	int c = connect_to(port);
	int s = CHECK_OK(accept(fd, NULL, NULL));
	CHECK_EQ(write(c, "r", 1), 1);
	char ch;
	CHECK_EQ(read(s, &ch, 1), 1);
}

TEST(tcp_bind_listening_port_eaddrinuse)
{
	int one = 1, port, l = listener(&port);
	struct sockaddr_in a = loopback(port);
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));

	/* Even with SO_REUSEADDR: the port has a listener. */
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
	close(l);
}

TEST(tcp_shutdown_wr_peer_reads_eof_and_can_still_send)
{
	int c, s;
	char buf[16];

	tcp_pair(&c, &s);
	CHECK_EQ(write(c, "last", 4), 4);
	CHECK_OK(shutdown(c, SHUT_WR));
	read_exact(s, buf, 4);
	CHECK_MEM(buf, "last", 4);
	CHECK_EQ(read(s, buf, sizeof(buf)), 0);
	CHECK_EQ(read(s, buf, sizeof(buf)), 0);	/* EOF stays */
	/* The other direction still works. */
	CHECK_EQ(write(s, "reply", 5), 5);
	read_exact(c, buf, 5);
	CHECK_MEM(buf, "reply", 5);
	CHECK_OK(shutdown(s, SHUT_RDWR));
	CHECK_EQ(read(c, buf, sizeof(buf)), 0);
}

TEST(tcp_shutdown_bad_input)
{
	int c, s;
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));

	CHECK_ERR(shutdown(fd, SHUT_RDWR), ENOTCONN);
	tcp_pair(&c, &s);
	CHECK_ERR(shutdown(c, 7), EINVAL);
	CHECK_ERR(shutdown(c, -1), EINVAL);
}

/* Closing with SO_LINGER {1, 0} sends a reset instead of a FIN. */
static void abort_close(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	close(fd);
}

TEST(tcp_peer_reset_econnreset_then_eof)
{
	int c, s;
	char buf[8];

	tcp_pair(&c, &s);
	abort_close(s);
	CHECK_ERR(read(c, buf, sizeof(buf)), ECONNRESET);
	CHECK_EQ(read(c, buf, sizeof(buf)), 0);	/* reported once */
}

TEST(tcp_peer_reset_reported_by_poll_and_so_error)
{
	int c, s, err = -1;
	socklen_t len = sizeof(err);

	tcp_pair(&c, &s);
	abort_close(s);
	short re = wait_for(c, POLLIN);
	CHECK(re & POLLIN);
	CHECK(re & POLLERR);
	CHECK(re & POLLHUP);
	CHECK_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, ECONNRESET);
}

/* The child's exit code: 1 SIGPIPE-free EPIPE, 2 wrong result. */
static int write_after_reset(void *arg)
{
	int fd = *(int *)arg;
	char buf[4];

	if (read(fd, buf, sizeof(buf)) != -1 || errno != ECONNRESET)
		return 2;
	errno = 0;
	if (send(fd, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		return 3;
	send(fd, "x", 1, 0);	/* SIGPIPE, default action: dies */
	return 1;
}

TEST(tcp_send_after_reset_epipe_and_sigpipe)
{
	int c, s;

	tcp_pair(&c, &s);
	abort_close(s);
	int st = ufw_run_child(write_after_reset, &c);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGPIPE);
}

static int send_after_shutdown(void *arg)
{
	int fd = *(int *)arg;

	if (send(fd, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	if (write(fd, "x", 1) != -1 || errno != EPIPE)
		return 3;
	signal(SIGPIPE, SIG_DFL);
	write(fd, "x", 1);
	return 1;
}

TEST(tcp_send_after_shutdown_wr_sigpipe_unless_nosignal)
{
	int c, s;

	tcp_pair(&c, &s);
	CHECK_OK(shutdown(c, SHUT_WR));
	int st = ufw_run_child(send_after_shutdown, &c);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGPIPE);
}

TEST(tcp_msg_peek_and_dontwait)
{
	int c, s;
	char buf[16];

	tcp_pair(&c, &s);
	CHECK_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK_EQ(send(c, "hello", 5, 0), 5);
	CHECK_EQ(recv(s, buf, sizeof(buf), MSG_PEEK), 5);
	CHECK_MEM(buf, "hello", 5);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(recv(s, buf, 2, MSG_PEEK), 2);
	CHECK_MEM(buf, "he", 2);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 5);
	CHECK_MEM(buf, "hello", 5);
	CHECK_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* The socket itself stays blocking. */
	CHECK_EQ(fcntl(s, F_GETFL) & O_NONBLOCK, 0);
}

static int dribble(void *arg)
{
	int fd = *(int *)arg;
	const char *parts[] = { "01", "2345", "6", "789" };

	for (int i = 0; i < 4; i++)
		if (write(fd, parts[i], strlen(parts[i])) < 0)
			return 1;
	return 0;
}

TEST(tcp_msg_waitall_collects_pieces)
{
	int c, s;
	char buf[16];

	tcp_pair(&c, &s);
	CHECK_EQ(ufw_run_child(dribble, &c), 0);
	CHECK_EQ(recv(s, buf, 10, MSG_WAITALL), 10);
	CHECK_MEM(buf, "0123456789", 10);
	/* EOF before the count: what there is. */
	CHECK_EQ(write(c, "abc", 3), 3);
	close(c);
	CHECK_EQ(recv(s, buf, sizeof(buf), MSG_WAITALL), 3);
	CHECK_MEM(buf, "abc", 3);
}

TEST(tcp_poll_readiness)
{
	int port, l = listener(&port);
	struct pollfd p = { .fd = l, .events = POLLIN | POLLOUT };

	CHECK_EQ(poll(&p, 1, 0), 0);	/* nothing pending */
	int c = connect_to(port);
	CHECK_EQ(wait_for(l, POLLIN), POLLIN);
	int s = CHECK_OK(accept(l, NULL, NULL));

	p = (struct pollfd){ .fd = s, .events = POLLIN | POLLOUT };
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK_EQ(p.revents, POLLOUT);	/* writable, nothing to read */
	CHECK_EQ(write(c, "d", 1), 1);
	CHECK(wait_for(s, POLLIN) & POLLIN);
	char ch;
	CHECK_EQ(read(s, &ch, 1), 1);
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	CHECK_EQ(poll(&p, 1, 0), 0);
	CHECK_OK(shutdown(c, SHUT_WR));
	short re = wait_for(s, POLLIN | POLLRDHUP);
	CHECK(re & POLLIN);
	CHECK(re & POLLRDHUP);
	CHECK_EQ(re & POLLHUP, 0);	/* only half closed */
	CHECK_EQ(read(s, &ch, 1), 0);
}

TEST(tcp_select_readiness)
{
	int c, s;
	fd_set r, w;
	struct timeval tv = { 0, 0 };

	tcp_pair(&c, &s);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(s, &r);
	FD_SET(s, &w);
	CHECK_EQ(select(s + 1, &r, &w, NULL, &tv), 1);
	CHECK(!FD_ISSET(s, &r));
	CHECK(FD_ISSET(s, &w));
	CHECK_EQ(write(c, "z", 1), 1);
	FD_ZERO(&r);
	FD_SET(s, &r);
	tv = (struct timeval){ GUARD_MS / 1000, 0 };
	CHECK_EQ(select(s + 1, &r, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(s, &r));
}

TEST(tcp_getsockname_getpeername)
{
	int c, s;
	struct sockaddr_in a, b;
	socklen_t len = sizeof(a);
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));

	/* Unbound: the wildcard address and port 0. */
	CHECK_OK(getsockname(fd, (struct sockaddr *)&a, &len));
	CHECK_EQ(len, sizeof(a));
	CHECK_EQ(a.sin_family, AF_INET);
	CHECK_EQ(a.sin_addr.s_addr, 0);
	CHECK_EQ(a.sin_port, 0);
	CHECK_ERR(getpeername(fd, (struct sockaddr *)&a, &len), ENOTCONN);

	tcp_pair(&c, &s);
	len = sizeof(a);
	CHECK_OK(getsockname(c, (struct sockaddr *)&a, &len));
	len = sizeof(b);
	CHECK_OK(getpeername(s, (struct sockaddr *)&b, &len));
	CHECK_EQ(len, sizeof(b));
	CHECK_EQ(ntohl(b.sin_addr.s_addr), INADDR_LOOPBACK);
	CHECK_EQ(a.sin_port, b.sin_port);
	CHECK(a.sin_port != 0);	/* connect picked an ephemeral port */

	/* A short buffer is filled as far as it goes; len says the full size. */
	unsigned char small[4];
	len = sizeof(small);
	CHECK_OK(getpeername(c, (struct sockaddr *)small, &len));
	CHECK_EQ(len, sizeof(struct sockaddr_in));
	CHECK_EQ(small[0] | small[1] << 8, AF_INET);
	CHECK_ERR(getsockname(c, UFW_UNMAPPED_PTR, &len), EFAULT);
}

TEST(tcp_socket_options)
{
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
	int v = -1, one = 1;
	socklen_t len = sizeof(v);

	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK_EQ(v, SOCK_STREAM);
	CHECK_EQ(len, sizeof(int));
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len));
	CHECK_EQ(v, 0);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len));
	CHECK_EQ(v, AF_INET);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len));
	CHECK_EQ(v, IPPROTO_TCP);
	CHECK_OK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len));
	CHECK_EQ(v, 0);
	CHECK_OK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	CHECK_OK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len));
	CHECK_EQ(v, 1);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len));
	CHECK_EQ(v, 0);
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len));
	CHECK_EQ(v, 1);
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, &len));
	CHECK_EQ(v, 1);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	CHECK_EQ(v, 0);
	struct sockaddr_in a = loopback(0);
	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(fd, 1));
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	CHECK_EQ(v, 1);

	/* Bad input. */
	CHECK_ERR(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, 2), EINVAL);
	CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, UFW_UNMAPPED_PTR,
			     sizeof(int)), EFAULT);
	CHECK_ERR(getsockopt(fd, SOL_SOCKET, SO_TYPE, UFW_UNMAPPED_PTR, &len),
		  EFAULT);
	CHECK_ERR(getsockopt(fd, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
	CHECK_ERR(getsockopt(fd, IPPROTO_TCP, 9999, &v, &len), ENOPROTOOPT);
}

TEST(inet_socket_bad_input)
{
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
	int file = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	struct sockaddr_in a = loopback(0);
	char buf[4];

	CHECK_ERR(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR(socket(AF_INET, 77, 0), EINVAL);
	CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	CHECK_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	CHECK_ERR(socket(AF_INET, SOCK_STREAM | 0x1000000, 0), EINVAL);

	CHECK_ERR(bind(999, (struct sockaddr *)&a, sizeof(a)), EBADF);
	CHECK_ERR(bind(file, (struct sockaddr *)&a, sizeof(a)), ENOTSOCK);
	CHECK_ERR(listen(file, 1), ENOTSOCK);
	CHECK_ERR(connect(file, (struct sockaddr *)&a, sizeof(a)), ENOTSOCK);
	CHECK_ERR(send(file, "x", 1, 0), ENOTSOCK);
	CHECK_ERR(recv(file, buf, 1, 0), ENOTSOCK);
	CHECK_ERR(send(999, "x", 1, 0), EBADF);
	CHECK_ERR(bind(fd, UFW_UNMAPPED_PTR, sizeof(a)), EFAULT);
	CHECK_ERR(connect(fd, UFW_KERNEL_PTR, sizeof(a)), EFAULT);
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, 4), EINVAL);
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, -1), EINVAL);
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, 4), EINVAL);

	struct sockaddr_in wrong = a;
	wrong.sin_family = AF_UNIX;
	CHECK_ERR(bind(fd, (struct sockaddr *)&wrong, sizeof(wrong)),
		  EAFNOSUPPORT);
	CHECK_ERR(connect(fd, (struct sockaddr *)&wrong, sizeof(wrong)),
		  EAFNOSUPPORT);

	/* Not an address of this machine. */
	struct sockaddr_in far = loopback(0);
	far.sin_addr.s_addr = htonl(0xc0000201);	/* 192.0.2.1, TEST-NET */
	CHECK_ERR(bind(fd, (struct sockaddr *)&far, sizeof(far)),
		  EADDRNOTAVAIL);

	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, sizeof(a)), EINVAL);
	CHECK_ERR(recv(fd, buf, 1, 0), ENOTCONN);
}

TEST(tcp_recv_bad_buffer_efault_keeps_data)
{
	int c, s;
	char buf[8];

	tcp_pair(&c, &s);
	CHECK_EQ(write(c, "keep", 4), 4);
	CHECK(wait_for(s, POLLIN) & POLLIN);
	CHECK_ERR(recv(s, UFW_UNMAPPED_PTR, 4, 0), EFAULT);
	CHECK_ERR(send(c, UFW_KERNEL_PTR, 4, 0), EFAULT);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 4);
	CHECK_MEM(buf, "keep", 4);
}
