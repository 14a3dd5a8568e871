/*
 * read: read(2) of one byte from /dev/zero, the shortest path through the
 * file layer to a character device.
 */
#include <fcntl.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 20000);
	int fd = open("/dev/zero", O_RDONLY);
	char c;
	uint64_t t0;

	if (fd < 0)
		bench_die("read_devzero", "open /dev/zero");
	for (int i = 0; i < 100; i++)
		if (read(fd, &c, 1) != 1)
			bench_die("read_devzero", "read");
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (read(fd, &c, 1) != 1)
			bench_die("read_devzero", "read");
	bench_report("read_devzero", bench_now_ns() - t0, n);
	return 0;
}
