/*
 * stat: stat(2) of a file two directories deep on tmpfs, so the figure is
 * path walking plus attribute copy-out.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "bench.h"

#define DIR1 "/tmp/bench-stat"
#define DIR2 DIR1 "/dir"
#define FILE DIR2 "/file"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 10000);
	struct stat st;
	uint64_t t0;
	int fd;

	mkdir(DIR1, 0755);
	mkdir(DIR2, 0755);
	fd = open(FILE, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		bench_die("stat", "create " FILE);
	close(fd);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (stat(FILE, &st))
			bench_die("stat", "stat");
	bench_report("stat", bench_now_ns() - t0, n);
	unlink(FILE);
	rmdir(DIR2);
	rmdir(DIR1);
	return 0;
}
