/*
 * futex: waiting on a user word and waking it, within a process and
 * across processes sharing memory; timeouts; and the errors Linux gives
 * for bad values, addresses and operations. Also the CPU-affinity calls.
 */
#include "ufw.h"

#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Linux's futex operations (musl ships no <linux/futex.h>). */
#define FUTEX_WAIT			0
#define FUTEX_WAKE			1
#define FUTEX_CMP_REQUEUE		4
#define FUTEX_WAIT_BITSET		9
#define FUTEX_WAKE_BITSET		10
#define FUTEX_PRIVATE_FLAG		128
#define FUTEX_WAIT_PRIVATE		(FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE		(FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE	(FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE	(FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE	(FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY		0xffffffffU

static long futex(uint32_t *uaddr, int op, uint32_t val,
		  const struct timespec *ts, uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

TEST(futex_wait_value_mismatch_eagain)
{
	uint32_t w = 1;

	CHECK_ERR(futex(&w, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0), EAGAIN);
}

TEST(futex_wait_relative_timeout_etimedout)
{
	uint32_t w = 0;
	struct timespec ts = { 0, 30 * 1000 * 1000 };

	CHECK_ERR(futex(&w, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0), ETIMEDOUT);
}

TEST(futex_wait_bitset_absolute_past_etimedout)
{
	uint32_t w = 0;
	struct timespec ts = { 0, 1 };	/* long ago on CLOCK_MONOTONIC */

	CHECK_ERR(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL,
			FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
}

TEST(futex_wake_without_waiters_returns_zero)
{
	uint32_t w = 0;

	CHECK_EQ(futex(&w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0);
	CHECK_EQ(futex(&w, FUTEX_WAKE, 10, NULL, NULL, 0), 0);
}

TEST(futex_unaligned_address_einval)
{
	uint32_t w[2] = { 0, 0 };

	CHECK_ERR(futex((uint32_t *)((char *)w + 1), FUTEX_WAIT_PRIVATE, 0,
			NULL, NULL, 0), EINVAL);
}

TEST(futex_bad_address_efault)
{
	CHECK_ERR(futex((uint32_t *)8, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0),
		  EFAULT);
	CHECK_ERR(futex((uint32_t *)8, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);
}

TEST(futex_bitset_zero_einval)
{
	uint32_t w = 0;

	CHECK_ERR(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0), EINVAL);
	CHECK_ERR(futex(&w, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0), EINVAL);
}

TEST(futex_unknown_operation_enosys)
{
	uint32_t w = 0;

	CHECK_ERR(futex(&w, 99, 0, NULL, NULL, 0), ENOSYS);
}

TEST(futex_cmp_requeue_value_mismatch_eagain)
{
	uint32_t a = 1, b = 0;

	CHECK_ERR(syscall(SYS_futex, &a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &b, 2),
		  EAGAIN);
}

/* A child sleeps on a shared word; the parent changes it and wakes it. */
TEST(futex_wake_reaches_process_sharing_the_page)
{
	uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	int st;
	pid_t pid;
	long woke = 0;

	CHECK(w != MAP_FAILED);
	*w = 0;
	pid = CHECK_OK(fork());
	if (pid == 0) {
		while (__atomic_load_n(w, __ATOMIC_SEQ_CST) == 0)
			futex(w, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(*w == 7 ? 0 : 1);
	}
	for (int i = 0; i < 100 && !woke; i++) {
		nanosleep(&pause, NULL);
		__atomic_store_n(w, 7, __ATOMIC_SEQ_CST);
		woke = futex(w, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

TEST(sched_getaffinity_self_includes_cpu0)
{
	unsigned long mask = 0;

	CHECK_EQ(syscall(SYS_sched_getaffinity, 0, sizeof(mask), &mask),
		 sizeof(mask));
	CHECK(mask & 1);
}

TEST(sched_getaffinity_errors)
{
	unsigned long mask;

	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, &mask), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 999999, sizeof(mask), &mask), ESRCH);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, sizeof(mask), (void *)8), EFAULT);
}

TEST(sched_setaffinity_cpu0_ok_empty_mask_einval)
{
	unsigned long mask = 1;

	CHECK_OK(syscall(SYS_sched_setaffinity, 0, sizeof(mask), &mask));
	mask = 0;
	CHECK_ERR(syscall(SYS_sched_setaffinity, 0, sizeof(mask), &mask), EINVAL);
}
