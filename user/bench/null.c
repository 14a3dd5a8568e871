/*
 * null: the cheapest round trip into the kernel and back, getppid(2)
 * called through syscall(2) so no libc cache can answer it.
 */
#include <sys/syscall.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 20000);
	uint64_t t0;

	for (int i = 0; i < 100; i++)
		syscall(SYS_getppid);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	bench_report("null_syscall", bench_now_ns() - t0, n);
	return 0;
}
