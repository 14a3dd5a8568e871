/*
 * Deliberate crashes, chosen with "crashtest=<kind>" on the command line
 * (CONFIG_SELFTEST only). The boot tests use them to check that a dying
 * kernel says why, shows a symbolized backtrace and powers off instead of
 * hanging: the report is the point, so each crash has its own function
 * name to look for in the trace.
 */
#include <ferrite/arch.h>
#include <ferrite/err.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/selftest.h>
#include <ferrite/string.h>

#ifdef CONFIG_SELFTEST

static __noinline void crashtest_null_deref(void)
{
	pr_emerg("crashtest: reading address 0\n");
	(void)*(volatile int *)0;
}

static __noinline void crashtest_invalid_opcode(void)
{
	pr_emerg("crashtest: executing ud2\n");
	__asm__ __volatile__("ud2");
}

static __noinline void crashtest_bug_on(void)
{
	volatile int broken = 1;

	BUG_ON(broken);
}

/* Never reached: it only hides the unbounded recursion from the compiler. */
static volatile unsigned long crashtest_depth_limit = ~0UL;

/* Each frame holds a buffer the compiler cannot drop, so the stack runs out. */
static __noinline unsigned long crashtest_recurse(unsigned long depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth == crashtest_depth_limit)
		return 0;
	return crashtest_recurse(depth + 1) + frame[0];
}

static void crashtest_overflow_thread(void *arg)
{
	pr_emerg("crashtest: recursing until the kernel stack overflows\n");
	crashtest_recurse(0);
}

static void crashtest_stack_overflow(void)
{
	struct task *t = kthread_create(crashtest_overflow_thread, NULL,
					"crashtest");

	if (IS_ERR(t))
		panic("crashtest: cannot create the thread");
	kthread_join(t);
}

void crashtest_run(const char *kind)
{
	if (!strcmp(kind, "null"))
		crashtest_null_deref();
	else if (!strcmp(kind, "ud2"))
		crashtest_invalid_opcode();
	else if (!strcmp(kind, "bug"))
		crashtest_bug_on();
	else if (!strcmp(kind, "overflow"))
		crashtest_stack_overflow();
	else if (!strcmp(kind, "panic"))
		panic("crashtest: requested panic");
	else
		pr_err("crashtest: unknown kind '%s' (null, ud2, bug, overflow, panic)\n",
		       kind);
}

#endif
