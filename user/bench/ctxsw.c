/*
 * ctxsw: two processes pass one byte back and forth over two pipes; the
 * figure is one hand-off (half a round trip): a pipe write, a wakeup and a
 * switch to the other process, as lmbench's lat_ctx with no working set.
 */
#include <sys/wait.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 5000);
	int ping[2], pong[2], status;
	uint64_t t0;
	pid_t pid;
	char c = 'x';

	if (pipe(ping) || pipe(pong))
		bench_die("ctx_switch", "pipe");
	pid = fork();
	if (pid < 0)
		bench_die("ctx_switch", "fork");
	if (pid == 0) {
		/* Only the parent may hold ping's write end, or EOF never comes. */
		close(ping[1]);
		close(pong[0]);
		for (;;) {
			if (read(ping[0], &c, 1) != 1)
				_exit(0);	/* parent closed: done */
			if (write(pong[1], &c, 1) != 1)
				_exit(1);
		}
	}
	close(ping[0]);
	close(pong[1]);
	/* One untimed round trip: the child is running and waiting. */
	if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
		bench_die("ctx_switch", "warm-up round trip");
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			bench_die("ctx_switch", "round trip");
	bench_report("ctx_switch", bench_now_ns() - t0, 2 * n);
	close(ping[1]);
	waitpid(pid, &status, 0);
	return 0;
}
