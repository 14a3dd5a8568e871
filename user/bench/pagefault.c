/*
 * pagefault: first touch of every page of a fresh 64 MiB anonymous
 * mapping; the figure is per page: fault entry, a zeroed frame, the PTE.
 */
#include <sys/mman.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long rounds = bench_iters(argc, argv, 3);
	size_t len = 64u << 20, page = 4096;
	uint64_t ns = 0;

	/* A tiny count (make test) also shrinks the mapping. */
	if (rounds < 3)
		len = 1u << 20;
	for (long r = 0; r < rounds; r++) {
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t t0;

		if (p == MAP_FAILED)
			bench_die("page_fault", "mmap");
		t0 = bench_now_ns();
		for (size_t off = 0; off < len; off += page)
			p[off] = 1;
		ns += bench_now_ns() - t0;
		if (munmap((void *)p, len))
			bench_die("page_fault", "munmap");
	}
	bench_report("page_fault", ns, rounds * (long)(len / page));
	return 0;
}
