/*
 * forkexec: fork(2), execve(2) of a tiny static binary (hello, next to
 * this one) that exits at once, and waitpid(2).
 */
#include <sys/wait.h>
#include "bench.h"

#define HELLO "/bench/bin/hello"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 200);
	char *args[] = { HELLO, NULL };
	char *env[] = { NULL };
	uint64_t t0 = bench_now_ns();
	int status;

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			bench_die("fork_exec", "fork");
		if (pid == 0) {
			execve(HELLO, args, env);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid || status != 0)
			bench_die("fork_exec", "waitpid (or execve " HELLO ")");
	}
	bench_report("fork_exec", bench_now_ns() - t0, n);
	return 0;
}
