/*
 * tcpbw: TCP throughput over the loopback inside one machine: a child
 * writes 64 KiB blocks to 127.0.0.1 as fast as the parent reads them
 * (default 1024 blocks, 64 MiB); the figure is ns per 64 KiB (MiB/s too).
 * `tcpbw serve PORT BLOCKS` is the network tests' sender instead: it sends
 * BLOCKS blocks to the first client of PORT and says how the sending ended.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "bench.h"

#define BLOCK (64 * 1024)

static char buf[BLOCK];

/* Linux's initramfs starts with the loopback down: bring it up (nothing to
 * do, or no such ioctl, where it is up already). */
static void loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

static int read_full(int fd, char *p, size_t len)
{
	while (len) {
		ssize_t r = read(fd, p, len);

		if (r <= 0)
			return -1;
		p += r;
		len -= r;
	}
	return 0;
}

/*
 * tools/suites/net.py's peer-disappears check: the host reads a little and
 * resets the connection; the write that follows must fail (EPIPE or
 * ECONNRESET), not hang. Exit 0: all sent; 3: a write failed; 1: set-up.
 */
static int serve(int port, long blocks)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	long long sent = 0;
	int one = 1, l, s;

	signal(SIGPIPE, SIG_IGN);	/* the error, not the signal */
	a.sin_port = htons((unsigned short)port);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1)) {
		printf("tcpbw serve: set-up: %s\n", strerror(errno));
		return 1;
	}
	printf("tcpbw serve: listening on %d\n", port);
	fflush(stdout);
	s = accept(l, NULL, NULL);
	if (s < 0) {
		printf("tcpbw serve: accept: %s\n", strerror(errno));
		return 1;
	}
	for (long i = 0; i < blocks; i++) {
		ssize_t w = write(s, buf, BLOCK);

		if (w < 0) {
			printf("tcpbw serve: write error %s after %lld bytes\n",
			       strerror(errno), sent);
			return 3;
		}
		sent += w;
	}
	printf("tcpbw serve: sent all %lld bytes\n", sent);
	return 0;
}

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 1024);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int l, s, status;
	uint64_t t0, ns;
	pid_t pid;

	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(atoi(argv[2]), atol(argv[3]));
	loopback_up();
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		bench_die("tcp_64k", "socket");
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &alen))
		bench_die("tcp_64k", "bind/listen");
	pid = fork();
	if (pid < 0)
		bench_die("tcp_64k", "fork");
	if (pid == 0) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
			_exit(1);
		for (long i = 0; i <= n; i++)	/* one extra: the warm-up */
			if (write(c, buf, BLOCK) != BLOCK)
				_exit(1);
		_exit(0);
	}
	s = accept(l, NULL, NULL);
	if (s < 0)
		bench_die("tcp_64k", "accept");
	if (read_full(s, buf, BLOCK))
		bench_die("tcp_64k", "warm-up read");
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (read_full(s, buf, BLOCK))
			bench_die("tcp_64k", "read");
	ns = bench_now_ns() - t0;
	if (waitpid(pid, &status, 0) != pid || status != 0)
		bench_die("tcp_64k", "writer");
	bench_report("tcp_64k", ns, n);
	printf("# tcp_64k %llu MiB/s\n", ns ? (unsigned long long)
	       ((uint64_t)n * BLOCK * 1000000000u / ns >> 20) : 0ULL);
	return 0;
}
