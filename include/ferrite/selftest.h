/*
 * In-kernel self-tests (CONFIG_SELFTEST). A test is a function returning 0
 * on success; SELFTEST() places a descriptor in the .selftests section and
 * kernel/selftest.c runs them all when the command line says "selftest".
 */
#ifndef FERRITE_SELFTEST_H
#define FERRITE_SELFTEST_H

#include <ferrite/printk.h>

struct selftest {
	const char *name;
	int (*fn)(void);
};

#ifdef CONFIG_SELFTEST
#define SELFTEST(tname)							\
	static int selftest_##tname(void);				\
	static const struct selftest __selftest_##tname			\
		__used __section(".selftests") __aligned(8) =		\
		{ #tname, selftest_##tname };				\
	static int selftest_##tname(void)
#else
#define SELFTEST(tname) static __unused int selftest_##tname(void)
#endif

/* Fail the current test with a message naming the condition and line. */
#define ST_EXPECT(cond)							\
	do {								\
		if (!(cond)) {						\
			pr_err("selftest: %s:%d: expected %s\n",	\
			       __FILE__, __LINE__, #cond);		\
			return -1;					\
		}							\
	} while (0)

int selftest_run_all(void);	/* returns the number of failures */
void crashtest_run(const char *kind);	/* crashtest=<kind>: crash on purpose */

#endif
