/*
 * pipebw: a child writes 64 KiB blocks into a pipe as fast as the parent
 * reads them; the figure is ns per 64 KiB moved (MiB/s is printed too).
 */
#include <sys/wait.h>
#include "bench.h"

#define BLOCK (64 * 1024)

static char buf[BLOCK];

/* Reads exactly @len bytes (a pipe read may return less than asked). */
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

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 1000);
	int fds[2], status;
	uint64_t t0, ns;
	pid_t pid;

	if (pipe(fds))
		bench_die("pipe_64k", "pipe");
	pid = fork();
	if (pid < 0)
		bench_die("pipe_64k", "fork");
	if (pid == 0) {
		close(fds[0]);
		for (long i = 0; i <= n; i++)	/* one extra: the warm-up */
			if (write(fds[1], buf, BLOCK) != BLOCK)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read_full(fds[0], buf, BLOCK))
		bench_die("pipe_64k", "warm-up read");
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (read_full(fds[0], buf, BLOCK))
			bench_die("pipe_64k", "read");
	ns = bench_now_ns() - t0;
	if (waitpid(pid, &status, 0) != pid || status != 0)
		bench_die("pipe_64k", "writer");
	bench_report("pipe_64k", ns, n);
	printf("# pipe_64k %llu MiB/s\n", ns ? (unsigned long long)
	       ((uint64_t)n * BLOCK * 1000000000u / ns >> 20) : 0ULL);
	return 0;
}
