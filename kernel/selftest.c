/*
 * Runs the in-kernel self-tests (SELFTEST() in any file) when the command
 * line says "selftest". Each prints one line the test harness counts.
 */
#include <ferrite/printk.h>
#include <ferrite/selftest.h>

extern const struct selftest __selftests_start[], __selftests_end[];

int selftest_run_all(void)
{
	int passed = 0, failed = 0;

	for (const struct selftest *t = __selftests_start; t < __selftests_end; t++) {
		if (t->fn() == 0) {
			printk(KERN_NOTICE "selftest: ok %s\n", t->name);
			passed++;
		} else {
			printk(KERN_NOTICE "selftest: FAIL %s\n", t->name);
			failed++;
		}
	}
	printk(KERN_NOTICE "selftest: %d passed, %d failed\n", passed, failed);
	return failed;
}
