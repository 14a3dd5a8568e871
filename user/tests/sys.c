/*
 * sys: system information and time: rlimits, uname, sysinfo, times,
 * getrusage, clocks, nanosleep, getrandom, sched_yield, prctl names.
 */
#include "ufw.h"

#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <fcntl.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

static long long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

TEST(getrlimit_setrlimit_roundtrip)
{
	struct rlimit rl, rl2;

	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
	CHECK(rl.rlim_cur <= rl.rlim_max);
	rl2 = rl;
	rl2.rlim_cur = 64;
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl2));
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl2));
	CHECK_EQ(rl2.rlim_cur, 64);
	rl2.rlim_cur = rl2.rlim_max + 1;
	if (rl2.rlim_max != RLIM_INFINITY)
		CHECK_ERR(setrlimit(RLIMIT_NOFILE, &rl2), EINVAL);
	CHECK_ERR(getrlimit(99, &rl), EINVAL);
	CHECK_ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, UFW_KERNEL_PTR), EFAULT);
}

TEST(rlimit_nofile_limits_open)
{
	struct rlimit rl = { 8, 8 };

	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	for (int i = 0; i < 8; i++)
		dup(0);
	CHECK_ERR(dup(0), EMFILE);
	CHECK_ERR(fcntl(0, F_DUPFD, 20), EINVAL);
}

TEST(prlimit_self_reads_and_writes)
{
	struct rlimit old, nw = { 1 << 20, RLIM_INFINITY };

	CHECK_OK(prlimit(0, RLIMIT_STACK, NULL, &old));
	CHECK_OK(getrlimit(RLIMIT_STACK, &nw));
	CHECK_EQ(old.rlim_cur, nw.rlim_cur);
	nw.rlim_cur = 1 << 20;
	CHECK_OK(prlimit(getpid(), RLIMIT_STACK, &nw, &old));
	CHECK_OK(getrlimit(RLIMIT_STACK, &old));
	CHECK_EQ(old.rlim_cur, 1 << 20);
	CHECK_ERR(prlimit(999999, RLIMIT_STACK, NULL, &old), ESRCH);
}

TEST(uname_fields)
{
	struct utsname u;

	CHECK_OK(uname(&u));
	CHECK_STR(u.sysname, "Linux");
	CHECK_STR(u.machine, "x86_64");
	CHECK(u.release[0] >= '3' && u.release[0] <= '9');
	CHECK(strchr(u.release, '.') != NULL);
	CHECK_ERR(syscall(SYS_uname, UFW_KERNEL_PTR), EFAULT);
}

TEST(sysinfo_sane)
{
	struct sysinfo si;

	CHECK_OK(sysinfo(&si));
	CHECK(si.totalram > 0);
	CHECK(si.freeram <= si.totalram);
	CHECK(si.mem_unit >= 1);
	CHECK(si.procs >= 1);
	CHECK(si.uptime < 100UL * 365 * 86400);
	CHECK_ERR(syscall(SYS_sysinfo, UFW_UNMAPPED_PTR), EFAULT);
}

TEST(times_and_getrusage_advance)
{
	struct tms a, b;
	struct rusage ru;
	clock_t t0 = times(&a), t1;
	volatile unsigned long x = 0;
	struct timespec s, e;

	CHECK(t0 != (clock_t)-1);
	clock_gettime(CLOCK_MONOTONIC, &s);
	do {
		for (int i = 0; i < 100000; i++)
			x += i;
		clock_gettime(CLOCK_MONOTONIC, &e);
	} while (ns(&e) - ns(&s) < 60 * 1000000LL);
	t1 = times(&b);
	CHECK(t1 >= t0);
	CHECK(b.tms_utime + b.tms_stime >= a.tms_utime + a.tms_stime);
	CHECK_OK(getrusage(RUSAGE_SELF, &ru));
	CHECK(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
	      ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec >= 10000);
	CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
	CHECK_ERR(getrusage(42, &ru), EINVAL);
	sysconf(_SC_CLK_TCK) == 100 ? (void)0 : ufw_fail(__LINE__, "CLK_TCK");
}

TEST(clock_gettime_monotonic_and_realtime)
{
	struct timespec a, b, r;
	struct timeval tv;

	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &a));
	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &b));
	CHECK(ns(&b) >= ns(&a));
	CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &r));
	CHECK(r.tv_sec > 1600000000);
	CHECK_OK(gettimeofday(&tv, NULL));
	CHECK(tv.tv_sec - r.tv_sec <= 2 && tv.tv_sec - r.tv_sec >= 0);
	CHECK(time(NULL) >= r.tv_sec);
	CHECK_OK(clock_gettime(CLOCK_BOOTTIME, &a));
	CHECK_OK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a));
	CHECK_ERR(syscall(SYS_clock_gettime, 1000, &a), EINVAL);
	CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, UFW_KERNEL_PTR),
		  EFAULT);
}

TEST(clock_getres_small)
{
	struct timespec r;

	CHECK_OK(clock_getres(CLOCK_MONOTONIC, &r));
	CHECK_EQ(r.tv_sec, 0);
	CHECK(r.tv_nsec > 0 && r.tv_nsec <= 10000000);
	CHECK_ERR(clock_getres(1000, &r), EINVAL);
}

TEST(nanosleep_sleeps_at_least_requested)
{
	struct timespec req = { 0, 30 * 1000 * 1000 }, a, b;

	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &a));
	CHECK_OK(nanosleep(&req, NULL));
	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &b));
	CHECK(ns(&b) - ns(&a) >= ns(&req));
	CHECK(ns(&b) - ns(&a) < 5000000000LL);
	req.tv_nsec = 1000000000;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL);
	req.tv_sec = -1;
	req.tv_nsec = 0;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_nanosleep, UFW_UNMAPPED_PTR, NULL), EFAULT);
}

TEST(clock_nanosleep_absolute)
{
	struct timespec t, now;

	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &t));
	t.tv_nsec += 20 * 1000 * 1000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL), 0);
	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &now));
	CHECK(ns(&now) >= ns(&t));
}

TEST(getrandom_fills_and_rejects_bad_input)
{
	unsigned char a[64] = { 0 }, b[64] = { 0 };

	CHECK_EQ(getrandom(a, sizeof(a), 0), sizeof(a));
	CHECK_EQ(getrandom(b, sizeof(b), GRND_NONBLOCK), sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_EQ(getrandom(a, 0, 0), 0);
	CHECK_ERR(getrandom(a, sizeof(a), 0x100), EINVAL);
	CHECK_ERR(getrandom(UFW_UNMAPPED_PTR, 16, 0), EFAULT);
	CHECK_ERR(getrandom(UFW_KERNEL_PTR, 16, 0), EFAULT);
}

TEST(sched_yield_succeeds)
{
	for (int i = 0; i < 100; i++)
		CHECK_EQ(sched_yield(), 0);
}

TEST(prctl_set_get_name)
{
	char name[32] = { 0 };

	CHECK_OK(prctl(PR_SET_NAME, "ufw-name-test"));
	CHECK_OK(prctl(PR_GET_NAME, name));
	CHECK_STR(name, "ufw-name-test");
	CHECK_ERR(prctl(0x7fffffff, 0), EINVAL);
}

TEST(bad_syscall_number_enosys)
{
	CHECK_ERR(syscall(5000), ENOSYS);
	CHECK_ERR(syscall(-1), ENOSYS);
}
