/*
 * inet_load: many loopback TCP connections, one after another and all at
 * once, must leave no socket behind: /proc/net/sockstat's "TCP: inuse"
 * returns to its value from before.
 */
#include "ufw.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SEQUENTIAL 1000
#define CONCURRENT 100
/* How long closing sockets may take to be gone: a hang guard only. */
#define SETTLE_MS 20000

/*
 * On the host, other programs open TCP sockets in the same network
 * namespace: work in a fresh one (root only) with its loopback up, so the
 * count is ours alone. The guest runs nothing else, and a kernel without
 * network namespaces keeps its single one.
 */
static void private_netns(void)
{
	struct ifreq ifr = { 0 };
	int fd;

	if (ufw_in_guest() || unshare(CLONE_NEWNET) != 0)
		return;
	fd = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
	strcpy(ifr.ifr_name, "lo");
	CHECK_OK(ioctl(fd, SIOCGIFFLAGS, &ifr));
	ifr.ifr_flags |= IFF_UP;
	CHECK_OK(ioctl(fd, SIOCSIFFLAGS, &ifr));
	close(fd);
}

/*
 * TCP sockets in use: sockstat's figure (listening and connected sockets,
 * not TIME_WAIT ones); where a kernel has no sockstat, the /proc/net/tcp
 * entries that are not in TIME_WAIT (state 06), the same set.
 */
static long tcp_inuse(void)
{
	char line[512];
	long n = -1;
	FILE *f = fopen("/proc/net/sockstat", "r");

	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "TCP: inuse %ld", &n) == 1)
				break;
		fclose(f);
		if (n >= 0)
			return n;
	}
	f = fopen("/proc/net/tcp", "r");
	if (!f)
		ufw_fail(__LINE__, "neither /proc/net/sockstat nor /proc/net/tcp");
	n = 0;
	if (!fgets(line, sizeof(line), f))	/* the header */
		ufw_fail(__LINE__, "/proc/net/tcp is empty");
	while (fgets(line, sizeof(line), f)) {
		unsigned st = 0;

		if (sscanf(line, "%*s %*s %*s %x", &st) == 1 && st != 6)
			n++;
	}
	fclose(f);
	return n;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits (bounded) until the count is back to @base; fails otherwise. */
static void settle(long base)
{
	long start = now_ms(), n;
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	while ((n = tcp_inuse()) != base) {
		if (now_ms() - start > SETTLE_MS)
			ufw_fail(__LINE__, "TCP inuse %ld, was %ld before", n,
				 base);
		nanosleep(&tick, NULL);
	}
}

static int listener(unsigned short *port, int backlog)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(fd, backlog));
	CHECK_OK(getsockname(fd, (struct sockaddr *)&a, &len));
	*port = a.sin_port;
	return fd;
}

static int connect_nb(unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = port };
	int fd = CHECK_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		CHECK_EQ(errno, EINPROGRESS);
	return fd;
}

static void wait_fd(int fd, short ev)
{
	struct pollfd p = { .fd = fd, .events = ev };

	CHECK_EQ(poll(&p, 1, SETTLE_MS), 1);
	CHECK(p.revents & ev);
}

/* One request/answer over a fresh connection, both ends closed. */
static void one_exchange(int l, unsigned short port, int i)
{
	int c = connect_nb(port), s;
	char buf[4], want[4];

	wait_fd(l, POLLIN);
	s = CHECK_OK(accept(l, NULL, NULL));
	wait_fd(c, POLLOUT);
	memcpy(want, &i, sizeof(i));
	CHECK_EQ(write(c, want, 4), 4);
	wait_fd(s, POLLIN);
	CHECK_EQ(read(s, buf, 4), 4);
	CHECK_MEM(buf, want, 4);
	CHECK_EQ(write(s, buf, 4), 4);
	close(s);
	wait_fd(c, POLLIN);
	CHECK_EQ(read(c, buf, 4), 4);
	CHECK_MEM(buf, want, 4);
	close(c);
}

TEST(tcp_1000_sequential_connections_leave_nothing)
{
	unsigned short port;
	long base;

	private_netns();
	base = tcp_inuse();
	int l = listener(&port, 16);
	for (int i = 0; i < SEQUENTIAL; i++)
		one_exchange(l, port, i);
	close(l);
	settle(base);
}

TEST(tcp_100_concurrent_connections_leave_nothing)
{
	static int c[CONCURRENT], s[CONCURRENT];
	unsigned short port;
	long base;
	char ch;

	private_netns();
	base = tcp_inuse();
	int l = listener(&port, CONCURRENT + 28);
	for (int i = 0; i < CONCURRENT; i++)
		c[i] = connect_nb(port);
	/* Accepted in whatever order: s[i] is the server end of c[i]. */
	for (int i = 0; i < CONCURRENT; i++) {
		struct sockaddr_in peer, me;
		socklen_t len = sizeof(peer);
		int fd, j;

		wait_fd(l, POLLIN);
		fd = CHECK_OK(accept(l, (struct sockaddr *)&peer, &len));
		for (j = 0; j < CONCURRENT; j++) {
			len = sizeof(me);
			CHECK_OK(getsockname(c[j], (struct sockaddr *)&me, &len));
			if (me.sin_port == peer.sin_port)
				break;
		}
		CHECK(j < CONCURRENT);
		s[j] = fd;
	}
	/* All open at once: every client says its number to its server end. */
	for (int i = 0; i < CONCURRENT; i++) {
		wait_fd(c[i], POLLOUT);
		ch = (char)i;
		CHECK_EQ(write(c[i], &ch, 1), 1);
	}
	CHECK(tcp_inuse() >= base + 2 * CONCURRENT + 1);
	for (int i = 0; i < CONCURRENT; i++) {
		wait_fd(s[i], POLLIN);
		CHECK_EQ(read(s[i], &ch, 1), 1);
	}
	/* Half the connections closed by the server first, half by the
	 * client, the listener last. */
	for (int i = 0; i < CONCURRENT; i++) {
		close(i % 2 ? s[i] : c[i]);
		wait_fd(i % 2 ? c[i] : s[i], POLLIN);
		CHECK_EQ(read(i % 2 ? c[i] : s[i], &ch, 1), 0);
		close(i % 2 ? c[i] : s[i]);
	}
	close(l);
	settle(base);
}
