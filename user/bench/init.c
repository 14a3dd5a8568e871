/*
 * init: the /init of the benchmark initramfs, the same binary on Ferrite
 * and on Linux. Its first act is to read the TSC, so boot time is measured
 * the same way on both; then it reports free memory and runs what argv[1]
 * asks (boot | echo | micro [iters] | smoke), and powers the machine off.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "bench.h"

#define BIN_DIR "/bench/bin"
#define MAX_PROGS 64

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/*
 * TSC ticks per second, against the kernel's CLOCK_MONOTONIC over 100 ms:
 * one method for both kernels. The clock is read once first, as under TCG
 * the first call also pays for translating the vDSO code. 0 when the clock
 * does not advance within about 10 s of TSC ticks (no usable clocksource).
 */
static uint64_t tsc_hz(void)
{
	uint64_t c0, t0, t;

	bench_now_ns();
	c0 = rdtsc();
	t0 = bench_now_ns();
	while ((t = bench_now_ns()) - t0 < 100000000)
		if (rdtsc() - c0 > 30000000000ull)
			return 0;
	return (rdtsc() - c0) * 1000000000u / (t - t0);
}

/* Linux's initramfs has no /dev nodes: mount what both kernels offer. */
static void setup_fs(void)
{
	struct stat st;

	mkdir("/proc", 0555);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	if (stat("/proc/self", &st))
		mount("proc", "/proc", "proc", 0, NULL);
	if (stat("/dev/null", &st))
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	/* No console on fd 1 (Linux without /dev/console in the archive). */
	if (fcntl(1, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
}

static long meminfo_kb(const char *key)
{
	char line[128];
	size_t klen = strlen(key);
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			kb = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/*
 * Linux's own figure: the printk time stamp of "Run /init as init process",
 * read back from the kernel log (its clock starts at TSC set-up, not at
 * entry). -1 where there is no readable log (Ferrite prints its figure).
 */
static long long klog_init_us(void)
{
	static char buf[1 << 18];
	int len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	char *hit, *open;

	if (len <= 0)
		return -1;
	buf[len] = 0;
	hit = strstr(buf, "Run /init as init process");
	if (!hit)
		return -1;
	for (open = hit; open > buf && *open != '['; open--)
		;
	if (*open != '[')
		return -1;
	return (long long)(strtod(open + 1, NULL) * 1e6);
}

static int run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char *env[] = { "PATH=/bin:/sbin", "HOME=/", NULL };

		execve(argv[0], argv, env);
		printf("bench-init: execve %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every program of /bench/bin but hello, in name order, with @iters. */
static int run_all(char *iters)
{
	static char *names[MAX_PROGS];
	static char paths[MAX_PROGS][64];
	DIR *d = opendir(BIN_DIR);
	struct dirent *e;
	int n = 0, failed = 0;

	if (!d) {
		printf("bench-init: opendir " BIN_DIR ": %s\n", strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) && n < MAX_PROGS)
		if (e->d_name[0] != '.' && strcmp(e->d_name, "hello"))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		char *argv[] = { paths[i], iters, NULL };
		int st;

		snprintf(paths[i], sizeof(paths[i]), BIN_DIR "/%s", names[i]);
		st = run(argv);
		printf("bench-init: program %s status %d\n", names[i], st);
		fflush(stdout);
		failed |= st != 0;
	}
	return failed;
}

int main(int argc, char **argv)
{
	uint64_t tsc0 = rdtsc(), hz = 0;
	const char *mode = argc > 1 ? argv[1] : "boot";
	int st = 0;

	setup_fs();
	/* Boot runs power off at once: the host times the whole VM. */
	if (strcmp(mode, "boot") && strcmp(mode, "echo"))
		hz = tsc_hz();
	printf("bench-init: tsc_at_init %llu tsc_hz %llu memfree_kb %ld "
	       "memtotal_kb %ld klog_init_us %lld\n",
	       (unsigned long long)tsc0, (unsigned long long)hz,
	       meminfo_kb("MemFree"), meminfo_kb("MemTotal"), klog_init_us());
	fflush(stdout);
	if (!strcmp(mode, "echo")) {
		char *sh[] = { "/bin/sh", "-c", "echo ok", NULL };

		st = run(sh);
		printf("bench-init: echo status %d\n", st);
	} else if (!strcmp(mode, "micro")) {
		st = run_all(argc > 2 ? argv[2] : NULL);
	} else if (!strcmp(mode, "smoke")) {
		st = run_all("2");
	} else if (!strcmp(mode, "shell")) {
		char *sh[] = { "/bin/sh", NULL };

		run(sh);
	}
	printf("bench-init: done %s status %d\n", mode, st);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	/* Still here: exiting makes Linux panic (panic=-1 then resets). */
	return 1;
}
