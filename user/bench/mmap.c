/*
 * mmap: mmap(2)+munmap(2) of 1 MiB of anonymous memory never touched:
 * the cost of the mapping bookkeeping alone.
 */
#include <sys/mman.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 5000);
	uint64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			bench_die("mmap_1m", "mmap");
		if (munmap(p, 1 << 20))
			bench_die("mmap_1m", "munmap");
	}
	bench_report("mmap_1m", bench_now_ns() - t0, n);
	return 0;
}
