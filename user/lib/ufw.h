/*
 * ufw: the behaviour-test framework for Ferrite's user-space test programs.
 * Each TEST() runs in its own forked child inside a fresh temporary
 * directory and prints "ok - <binary>.<test>" or "not ok - ... (reason)".
 */
#ifndef UFW_H
#define UFW_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*ufw_fn)(void);

void ufw_register(const char *name, ufw_fn fn, bool root_only);
/* Print "not ok" with the reason and end the test (never returns). */
__attribute__((noreturn, format(printf, 2, 3)))
void ufw_fail(int line, const char *fmt, ...);
/* A "# ..." comment line: information the runner shows, never pass/fail. */
__attribute__((format(printf, 1, 2))) void ufw_note(const char *fmt, ...);
const char *ufw_errname(int e);

/* Absolute path of a file next to the running binary (the helper). */
const char *ufw_sibling(const char *name);
/* True when FERRITE_GUEST=1 is in the environment (set by the guest /init). */
bool ufw_in_guest(void);
/* Write @len bytes of @data to a new file @path (fails the test on error). */
void ufw_write_file(const char *path, const void *data, size_t len);
/* Fork, run @fn in the child (its return value is the exit code), wait and
 * return the raw wait status. */
int ufw_run_child(int (*fn)(void *), void *arg);

#define TEST_(name, root)						\
	static void ufw_test_##name(void);				\
	__attribute__((constructor)) static void ufw_reg_##name(void)	\
	{ ufw_register(#name, ufw_test_##name, root); }			\
	static void ufw_test_##name(void)
/* A test case; its name says the behaviour it checks. */
#define TEST(name) TEST_(name, false)
/* A test that needs root (mount, chown): skipped, never failed, otherwise. */
#define TEST_ROOT(name) TEST_(name, true)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			ufw_fail(__LINE__, "CHECK(%s) failed errno %s",	\
				 #cond, ufw_errname(errno));		\
	} while (0)

/* Integer equality; the reason shows both values. */
#define CHECK_EQ(got, want)						\
	do {								\
		long long g_ = (long long)(got), w_ = (long long)(want);	\
		if (g_ != w_)						\
			ufw_fail(__LINE__, "%s: expected %lld got %lld errno %s", \
				 #got, w_, g_, ufw_errname(errno));	\
	} while (0)

/* A system call that must succeed (result != -1); evaluates to the result. */
#define CHECK_OK(expr)							\
	({								\
		errno = 0;						\
		long long r_ = (long long)(expr);			\
		if (r_ == -1)						\
			ufw_fail(__LINE__, "%s: expected success got -1 errno %s", \
				 #expr, ufw_errname(errno));		\
		r_;							\
	})

/* A system call that must fail with -1 and errno @e. */
#define CHECK_ERR(expr, e)						\
	do {								\
		errno = 0;						\
		long long r_ = (long long)(expr);			\
		int e_ = errno;						\
		if (r_ != -1 || e_ != (e))				\
			ufw_fail(__LINE__, "%s: expected -1 %s got %lld errno %s", \
				 #expr, ufw_errname(e), r_, ufw_errname(e_)); \
	} while (0)

/* String equality. */
#define CHECK_STR(got, want)						\
	do {								\
		const char *g_ = (got), *w_ = (want);			\
		if (!g_ || strcmp(g_, w_) != 0)				\
			ufw_fail(__LINE__, "%s: expected \"%s\" got \"%s\"", \
				 #got, w_, g_ ? g_ : "(null)");	\
	} while (0)

#define CHECK_MEM(got, want, n)						\
	do {								\
		if (memcmp((got), (want), (n)) != 0)			\
			ufw_fail(__LINE__, "%s: %zu bytes differ from %s", \
				 #got, (size_t)(n), #want);		\
	} while (0)

/* Kernel-half and never-mapped addresses for EFAULT tests. */
#define UFW_KERNEL_PTR ((void *)0xffffffff81000000ul)
#define UFW_UNMAPPED_PTR ((void *)0x10000ul)

#endif /* UFW_H */
