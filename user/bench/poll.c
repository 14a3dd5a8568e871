/*
 * poll: poll(2) with a zero timeout on the write ends of 10 empty pipes,
 * all ready: the per-call setup plus 10 driver poll callbacks.
 */
#include <poll.h>
#include "bench.h"

#define NFDS 10

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 10000);
	struct pollfd pfd[NFDS];
	uint64_t t0;

	for (int i = 0; i < NFDS; i++) {
		int fds[2];

		if (pipe(fds))
			bench_die("poll_10", "pipe");
		pfd[i].fd = fds[1];
		pfd[i].events = POLLOUT;
	}
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (poll(pfd, NFDS, 0) != NFDS)
			bench_die("poll_10", "poll");
	bench_report("poll_10", bench_now_ns() - t0, n);
	return 0;
}
