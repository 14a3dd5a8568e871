/*
 * spawn: posix_spawn(3) of the tiny static binary and waitpid(2). musl
 * implements it with clone(CLONE_VM | CLONE_VFORK): no address-space copy.
 */
#include <spawn.h>
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
		pid_t pid;

		errno = posix_spawn(&pid, HELLO, NULL, NULL, args, env);
		if (errno)
			bench_die("spawn_exec", "posix_spawn " HELLO);
		if (waitpid(pid, &status, 0) != pid || status != 0)
			bench_die("spawn_exec", "waitpid");
	}
	bench_report("spawn_exec", bench_now_ns() - t0, n);
	return 0;
}
