/*
 * fork: fork(2) of this small process, the child's _exit(2), and the
 * parent's waitpid(2): address-space copy and teardown, no exec.
 */
#include <sys/wait.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 300);
	uint64_t t0 = bench_now_ns();
	int status;

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			bench_die("fork_exit", "fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid || status != 0)
			bench_die("fork_exit", "waitpid");
	}
	bench_report("fork_exit", bench_now_ns() - t0, n);
	return 0;
}
