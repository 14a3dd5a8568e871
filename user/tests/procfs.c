/*
 * procfs: the first /proc in Linux's formats: /proc/self/{stat,status,
 * cmdline,exe,fd}, /proc/meminfo, /proc/uptime, /proc/mounts, pid_max.
 */
#include "ufw.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *slurp(const char *path)
{
	static char buf[65536];
	size_t got = 0;
	ssize_t n;
	int fd = CHECK_OK(open(path, O_RDONLY));

	/* Small reads: /proc files must continue where the last read ended. */
	while (got < sizeof(buf) - 1 &&
	       (n = read(fd, buf + got, 100)) > 0)
		got += n;
	buf[got] = 0;
	close(fd);
	return buf;
}

TEST(proc_self_stat_fields)
{
	char *s = slurp("/proc/self/stat");
	char *rp = strrchr(s, ')');
	char state;
	int pid, ppid, pgrp, session;

	CHECK_EQ(sscanf(s, "%d", &pid), 1);
	CHECK_EQ(pid, getpid());
	CHECK(strchr(s, '(') != NULL && rp != NULL);
	CHECK_EQ(sscanf(rp + 1, " %c %d %d %d", &state, &ppid, &pgrp,
			&session), 4);
	CHECK_EQ(state, 'R');
	CHECK_EQ(ppid, getppid());
	CHECK_EQ(pgrp, getpgrp());
	CHECK_EQ(session, getsid(0));
	/* 52 fields in all since Linux 3.5: 50 after the comm field. */
	int fields = 0;
	for (char *t = strtok(rp + 1, " \n"); t; t = strtok(NULL, " \n"))
		fields++;
	CHECK(fields >= 50);
}

TEST(proc_self_status_names_pid)
{
	char *s = slurp("/proc/self/status");
	char want[64];

	CHECK(strncmp(s, "Name:\t", 6) == 0);
	snprintf(want, sizeof(want), "\nPid:\t%d\n", (int)getpid());
	CHECK(strstr(s, want) != NULL);
	snprintf(want, sizeof(want), "\nPPid:\t%d\n", (int)getppid());
	CHECK(strstr(s, want) != NULL);
}

TEST(proc_self_cmdline_nul_separated)
{
	int fd = CHECK_OK(open("/proc/self/cmdline", O_RDONLY));
	char buf[4096];
	ssize_t n = CHECK_OK(read(fd, buf, sizeof(buf)));

	CHECK(n > 0);
	CHECK_EQ(buf[n - 1], 0);
	CHECK(strstr(buf, "procfs") != NULL);
	close(fd);
}

TEST(proc_self_exe_names_binary)
{
	char buf[4096];
	ssize_t n = CHECK_OK(readlink("/proc/self/exe", buf, sizeof(buf) - 1));

	buf[n] = 0;
	CHECK_STR(buf, ufw_sibling("procfs"));
}

TEST(proc_self_is_link_to_pid)
{
	char buf[32], want[32];
	ssize_t n = CHECK_OK(readlink("/proc/self", buf, sizeof(buf) - 1));

	buf[n] = 0;
	snprintf(want, sizeof(want), "%d", (int)getpid());
	CHECK_STR(buf, want);
}

TEST(proc_self_fd_lists_open_fds)
{
	int fd = CHECK_OK(open(".", O_RDONLY));
	int fd2 = CHECK_OK(dup2(fd, 37));
	char path[64], buf[512], cwd[512];
	bool seen37 = false;
	struct dirent *de;
	DIR *d;

	CHECK(fd2 == 37);
	d = opendir("/proc/self/fd");
	CHECK(d != NULL);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, "37") == 0)
			seen37 = true;
	closedir(d);
	CHECK(seen37);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = CHECK_OK(readlink(path, buf, sizeof(buf) - 1));
	buf[n] = 0;
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_STR(buf, cwd);
	CHECK_ERR(readlink("/proc/self/fd/999", buf, sizeof(buf)), ENOENT);
}

TEST(proc_meminfo_format)
{
	char *s = slurp("/proc/meminfo");
	unsigned long total = 0, fr = 0, avail = 0;
	char *l;

	CHECK(strncmp(s, "MemTotal:", 9) == 0);
	for (l = s; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char key[64];
		unsigned long v;

		if (*l == '\n' || !*l)
			break;
		if (sscanf(l, "%63[^:]: %lu", key, &v) != 2)
			ufw_fail(__LINE__, "bad meminfo line: %.40s", l);
		if (!strcmp(key, "MemTotal"))
			total = v;
		else if (!strcmp(key, "MemFree"))
			fr = v;
		else if (!strcmp(key, "MemAvailable"))
			avail = v;
	}
	CHECK(total > 0);
	CHECK(fr > 0 && fr <= total);
	CHECK(avail > 0 && avail <= total);
	CHECK(strstr(s, "MemTotal:") && strstr(s, " kB\n"));
}

TEST(proc_uptime_format)
{
	char *s = slurp("/proc/uptime");
	double up, idle;
	char end;

	CHECK_EQ(sscanf(s, "%lf %lf%c", &up, &idle, &end), 3);
	CHECK_EQ(end, '\n');
	CHECK(up > 0);
	CHECK(strchr(s, '.') != NULL);
}

TEST(proc_mounts_has_root_and_proc)
{
	char *s = slurp("/proc/mounts");

	CHECK(strstr(s, " / ") != NULL);
	CHECK(strstr(s, " /proc proc ") != NULL);
}

TEST(proc_pid_max_and_cpuinfo)
{
	char *s = slurp("/proc/sys/kernel/pid_max");

	CHECK(atoi(s) >= 32768);
	s = slurp("/proc/cpuinfo");
	CHECK(strncmp(s, "processor\t: 0\n", 14) == 0);
}

TEST(proc_missing_pid_enoent)
{
	struct stat st;

	CHECK_ERR(stat("/proc/999999999", &st), ENOENT);
	CHECK_ERR(open("/proc/self/nonexistent", O_RDONLY), ENOENT);
}

/*
 * Regression: rounding busy and idle time to ticks separately once made
 * the "user" column of /proc/stat step backwards, and top showed a
 * wrapped-around percentage. Every cpu counter must only grow.
 */
TEST(proc_stat_cpu_counters_never_decrease)
{
	unsigned long long prev[10] = { 0 }, cur[10];
	struct timespec nap = { 0, 2 * 1000 * 1000 };

	for (int round = 0; round < 200; round++) {
		char *text = slurp("/proc/stat");
		int n;

		n = sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &cur[0], &cur[1], &cur[2], &cur[3], &cur[4], &cur[5],
			   &cur[6], &cur[7], &cur[8], &cur[9]);
		CHECK(n >= 4);
		for (int i = 0; i < n; i++) {
			if (cur[i] < prev[i])
				ufw_fail(__LINE__, "cpu field %d went from %llu to %llu",
					 i, prev[i], cur[i]);
			prev[i] = cur[i];
		}
		/* Burn a little CPU, then sleep: both columns move. */
		for (volatile int spin = 0; spin < 20000; spin++)
			;
		nanosleep(&nap, NULL);
	}
}
