/*
 * Host tests for arch/x86_64/uaccess.c: the range checks against USER_TOP
 * (including wrap-around) and how the string routines tell "too long"
 * from "ran into a fault or the end of user space". The faultable
 * primitives are simulated here: one window of user addresses is backed
 * by a buffer, every other address "faults".
 */
#include <string.h>
#include "unit.h"
#include <ferrite/errno.h>
#include <ferrite/uaccess.h>

#define WIN_SIZE	64

static uintptr_t win_base;		/* user address of the window */
static unsigned char win[WIN_SIZE];
static int prim_calls;			/* primitives reached (range check passed) */

static unsigned char *win_at(uintptr_t a)
{
	return a >= win_base && a - win_base < WIN_SIZE ? &win[a - win_base] : NULL;
}

/*
 * Which side of a copy is the user's: the tests only use user addresses
 * in the window, below 1 MiB or in the last MiB before USER_TOP, where
 * host buffers never are.
 */
static bool is_user(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	return win_at(a) || a < 0x100000 ||
	       (a < USER_TOP && a >= USER_TOP - 0x100000);
}

size_t uaccess_copy(void *dst, const void *src, size_t len);
size_t uaccess_clear(void *dst, size_t len);
long uaccess_strncpy(char *dst, const char *src, size_t max);
long uaccess_strnlen(const char *src, size_t max);

size_t uaccess_copy(void *dst, const void *src, size_t len)
{
	bool from_user = is_user(src);
	uintptr_t u = from_user ? (uintptr_t)src : (uintptr_t)dst;

	prim_calls++;
	for (size_t i = 0; i < len; i++) {
		unsigned char *p = win_at(u + i);

		if (!p)
			return len - i;
		if (from_user)
			((unsigned char *)dst)[i] = *p;
		else
			*p = ((const unsigned char *)src)[i];
	}
	return 0;
}

size_t uaccess_clear(void *dst, size_t len)
{
	prim_calls++;
	for (size_t i = 0; i < len; i++) {
		unsigned char *p = win_at((uintptr_t)dst + i);

		if (!p)
			return len - i;
		*p = 0;
	}
	return 0;
}

long uaccess_strncpy(char *dst, const char *src, size_t max)
{
	prim_calls++;
	for (size_t i = 0; i < max; i++) {
		unsigned char *p = win_at((uintptr_t)src + i);

		if (!p)
			return -1;
		dst[i] = (char)*p;
		if (!*p)
			return (long)i;
	}
	return (long)max;
}

long uaccess_strnlen(const char *src, size_t max)
{
	prim_calls++;
	for (size_t i = 0; i < max; i++) {
		unsigned char *p = win_at((uintptr_t)src + i);

		if (!p)
			return -1;
		if (!*p)
			return (long)i;
	}
	return (long)max;
}

static void setup(uintptr_t base)
{
	win_base = base;
	memset(win, 'a', sizeof(win));
	prim_calls = 0;
}

TEST(range_ok_boundaries)
{
	EXPECT(uaddr_range_ok(UADDR(0), 0));
	EXPECT(uaddr_range_ok(UADDR(USER_TOP - 8), 8));
	EXPECT(uaddr_range_ok(UADDR(USER_TOP), 0));
	EXPECT(!uaddr_range_ok(UADDR(USER_TOP - 8), 9));
	EXPECT(!uaddr_range_ok(UADDR(USER_TOP), 1));
	EXPECT(!uaddr_range_ok(UADDR(~0UL - 3), 8));	/* wraps to small */
	EXPECT(!uaddr_range_ok(UADDR(0x1000), ~0UL));
	EXPECT(!uaddr_range_ok(UADDR(0xffff888000000000UL), 1));
}

TEST(copy_rejects_ranges_before_touching_memory)
{
	char buf[16];

	setup(0x10000);
	EXPECT_EQ(copy_from_user(buf, UADDR(USER_TOP - 4), 8), -EFAULT);
	EXPECT_EQ(copy_to_user(UADDR(~0UL - 3), buf, 8), -EFAULT);
	EXPECT_EQ(clear_user(UADDR(0xffffffff80000000UL), 1), -EFAULT);
	EXPECT_EQ(prim_calls, 0);
	/* Zero length at any user address is fine and touches nothing. */
	EXPECT_EQ(copy_from_user(buf, UADDR(USER_TOP), 0), 0);
	EXPECT_EQ(prim_calls, 0);
}

TEST(copy_fault_midway_is_efault_with_partial_write)
{
	char buf[8] = "12345678";

	setup(0x10000);
	EXPECT_EQ(copy_to_user(UADDR(0x10000 + WIN_SIZE - 3), buf, 8), -EFAULT);
	EXPECT_EQ(win[WIN_SIZE - 3], '1');
	EXPECT_EQ(win[WIN_SIZE - 1], '3');
	EXPECT_EQ(copy_from_user(buf, UADDR(0x10000), 8), 0);
	EXPECT_EQ(buf[0], 'a');
	EXPECT_EQ(clear_user(UADDR(0x10000 + 4), 4), 0);
	EXPECT_EQ(win[4], 0);
	EXPECT_EQ(win[8], 'a');
}

TEST(strncpy_from_user_lengths_and_errors)
{
	char buf[128];

	setup(0x10000);
	memcpy(win, "hello", 6);
	EXPECT_EQ(strncpy_from_user(buf, UADDR(0x10000), sizeof(buf)), 5);
	EXPECT_STREQ(buf, "hello");
	EXPECT_EQ(strncpy_from_user(buf, UADDR(0x10000), 6), 5);	/* NUL fits */
	EXPECT_EQ(strncpy_from_user(buf, UADDR(0x10000), 5), -ENAMETOOLONG);
	EXPECT_EQ(strncpy_from_user(buf, UADDR(0x10000), 0), -ENAMETOOLONG);
	/* Runs off the mapped window: a fault, not "too long". */
	EXPECT_EQ(strncpy_from_user(buf, UADDR(0x10000 + 8), sizeof(buf)), -EFAULT);
	EXPECT_EQ(strncpy_from_user(buf, UADDR(USER_TOP), sizeof(buf)), -EFAULT);
	EXPECT_EQ(strncpy_from_user(buf, UADDR(0xffff888000001000UL), 8), -EFAULT);
}

TEST(strncpy_stops_at_user_top)
{
	char buf[128];

	/* The window ends exactly at USER_TOP with no NUL in it. */
	setup(USER_TOP - WIN_SIZE);
	EXPECT_EQ(strncpy_from_user(buf, UADDR(USER_TOP - 16), sizeof(buf)), -EFAULT);
	/* ...but a caller limit inside user space is "too long". */
	EXPECT_EQ(strncpy_from_user(buf, UADDR(USER_TOP - 16), 8), -ENAMETOOLONG);
	win[WIN_SIZE - 1] = 0;
	EXPECT_EQ(strncpy_from_user(buf, UADDR(USER_TOP - 16), sizeof(buf)), 15);
}

TEST(strnlen_user_counts_the_nul)
{
	setup(0x10000);
	memcpy(win, "abc", 4);
	EXPECT_EQ(strnlen_user(UADDR(0x10000), 64), 4);
	EXPECT_EQ(strnlen_user(UADDR(0x10000), 4), 4);
	EXPECT_EQ(strnlen_user(UADDR(0x10000), 3), 4);	/* > max: too long */
	EXPECT_EQ(strnlen_user(UADDR(0x10000 + 8), 1000), 0);	/* fault */
	EXPECT_EQ(strnlen_user(UADDR(USER_TOP), 8), 0);
	EXPECT_EQ(strnlen_user(UADDR(0x10000), 0), 0);
}
