/*
 * tmpfs: creat(2)+close(2)+unlink(2) of an empty file in a tmpfs
 * directory: dentry and inode creation and removal.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "bench.h"

#define DIR "/tmp/bench-create"

int main(int argc, char **argv)
{
	long n = bench_iters(argc, argv, 3000);
	char name[64];
	uint64_t t0;

	mkdir(DIR, 0755);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(name, sizeof(name), DIR "/f%ld", i & 63);
		fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0)
			bench_die("tmpfs_create", "create");
		close(fd);
		if (unlink(name))
			bench_die("tmpfs_create", "unlink");
	}
	bench_report("tmpfs_create", bench_now_ns() - t0, n);
	rmdir(DIR);
	return 0;
}
