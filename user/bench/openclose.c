/*
 * openclose: open(2)+close(2) of an existing tmpfs file: path walk, file
 * object and descriptor allocation, and their release.
 */
#include <fcntl.h>
#include "bench.h"

#define FILE "/tmp/bench-open"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 10000);
	uint64_t t0;
	int fd = open(FILE, O_CREAT | O_WRONLY, 0644);

	if (fd < 0)
		bench_die("open_close", "create " FILE);
	close(fd);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		fd = open(FILE, O_RDONLY);
		if (fd < 0)
			bench_die("open_close", "open");
		close(fd);
	}
	bench_report("open_close", bench_now_ns() - t0, n);
	unlink(FILE);
	return 0;
}
