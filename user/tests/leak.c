/*
 * leak: 1,000 rounds of fork + execve(helper) + wait must leave MemFree in
 * /proc/meminfo where it started. In the guest a difference fails; on the
 * host other processes move MemFree, so the figure is only reported.
 */
#include "ufw.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 1000
#define WARMUP 20

static long memfree_kb(void)
{
	char buf[4096] = { 0 };
	int fd = CHECK_OK(open("/proc/meminfo", O_RDONLY));
	char *p;

	CHECK(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	p = strstr(buf, "\nMemFree:");
	CHECK(p != NULL);
	return strtol(p + 9, NULL, 10);
}

static void rounds(int n)
{
	char *args[] = { "helper", "true", NULL };
	char *envp[] = { NULL };
	const char *path = ufw_sibling("helper");

	for (int i = 0; i < n; i++) {
		int st;
		pid_t pid = fork();

		if (pid < 0)
			ufw_fail(__LINE__, "fork round %d: errno %s", i,
				 ufw_errname(errno));
		if (pid == 0) {
			execve(path, args, envp);
			_exit(99);
		}
		if (waitpid(pid, &st, 0) != pid || st != 0)
			ufw_fail(__LINE__, "round %d: status %d", i, st);
	}
}

TEST(fork_exec_wait_1000_rounds_memfree_stable)
{
	long before, after;

	/* Warm-up: slab caches and page-table pools reach their steady state. */
	rounds(WARMUP);
	before = memfree_kb();
	rounds(ROUNDS);
	after = memfree_kb();
	ufw_note("MemFree before %ld kB, after %ld kB, delta %ld kB",
		 before, after, after - before);
	if (ufw_in_guest())
		CHECK_EQ(after, before);
}
