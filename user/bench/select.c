/*
 * select: select(2) with a zero timeout on the write ends of 10 empty
 * pipes, all ready; the fd_set is rebuilt each call as programs do.
 */
#include <sys/select.h>
#include "bench.h"

#define NFDS 10

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 10000);
	int wfd[NFDS], maxfd = 0;
	uint64_t t0;

	for (int i = 0; i < NFDS; i++) {
		int fds[2];

		if (pipe(fds))
			bench_die("select_10", "pipe");
		wfd[i] = fds[1];
		if (fds[1] > maxfd)
			maxfd = fds[1];
	}
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		struct timeval tv = { 0, 0 };
		fd_set w;

		FD_ZERO(&w);
		for (int j = 0; j < NFDS; j++)
			FD_SET(wfd[j], &w);
		if (select(maxfd + 1, NULL, &w, NULL, &tv) != NFDS)
			bench_die("select_10", "select");
	}
	bench_report("select_10", bench_now_ns() - t0, n);
	return 0;
}
