/*
 * Deliberate crashes, chosen with "crashtest=<kind>" on the command line
 * (CONFIG_SELFTEST only). The boot tests use them to check that a dying
 * kernel says why, shows a symbolized backtrace and powers off instead of
 * hanging: the report is the point, so each crash has its own function
 * name to look for in the trace.
 */
#include <ferrite/arch.h>
#include <ferrite/err.h>
#include <ferrite/mm.h>
#include <ferrite/pgtable.h>
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/selftest.h>
#include <ferrite/string.h>
#include <ferrite/uaccess.h>
#include <ferrite/vm.h>

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

/* Writes @n bytes the compiler cannot see the bound of. */
static __noinline void crashtest_fill(volatile char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)0xa5;
}

/*
 * Overrun a local array up to the frame pointer: that covers the canary
 * (just below the saved rbp) but not the saved rbp or the return address,
 * so the check fires and the backtrace from __stack_chk_fail still walks.
 */
static __noinline void crashtest_stack_smash(void)
{
	volatile char buf[16];
	char *fp = __builtin_frame_address(0);

	pr_emerg("crashtest: overrunning a stack buffer\n");
	crashtest_fill(buf, (size_t)(fp - (char *)buf));
}

/* An ordinary user address, away from 0 so it is not mistaken for NULL. */
#define CRASHTEST_UADDR	0x10000000UL

/*
 * With SMAP, a copy routine may read a user page but a plain load may
 * not. Map one user page in a private address space, read it through
 * copy_from_user (must work: the stac window), then directly (must fault).
 */
static __noinline void crashtest_smap_read(void)
{
	static struct arch_mm am;
	void *page = get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);
	pte_t *slot;
	int v = 0;

	if (!page || arch_mm_create(&am))
		panic("crashtest: out of memory");
	slot = arch_pte_slot(&am, CRASHTEST_UADDR, true);
	if (!slot)
		panic("crashtest: out of memory");
	*slot = arch_pte_make(virt_to_phys(page), VM_READ | VM_WRITE);
	*(int *)page = 0x5a5a;
	current()->arch.borrowed_mm = &am;
	arch_mm_switch(&am);
	if (copy_from_user(&v, UADDR(CRASHTEST_UADDR), sizeof(v)) || v != 0x5a5a)
		panic("crashtest: copy_from_user could not read the user page");
	pr_emerg("crashtest: copy_from_user read the user page; now reading it directly\n");
	v = *(volatile int *)CRASHTEST_UADDR;
	panic("crashtest: the direct read of a user page did not fault (no SMAP?)");
}

/* Values the compiler cannot fold, so the checks happen at run time. */
static volatile int crashtest_int_max = 0x7fffffff;
static volatile unsigned int crashtest_shift = 70, crashtest_index = 9;

/*
 * Not a crash: undefined behaviour for the sanitizer build to report
 * (CONFIG_UBSAN; tools/suites/ubsan.py). Each site runs twice and must be
 * reported once; then the boot goes on.
 */
static __noinline void crashtest_ubsan(void)
{
	int table[8] = { 0 };

	for (int i = 0; i < 2; i++) {
		volatile int sum = crashtest_int_max + 1 + i;
		volatile unsigned long shifted = 1UL << crashtest_shift;
		volatile int elem = table[crashtest_index - (unsigned int)i];

		(void)sum;
		(void)shifted;
		(void)elem;
	}
	pr_emerg("crashtest: undefined behaviour done, carrying on\n");
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
	else if (!strcmp(kind, "stackprot"))
		crashtest_stack_smash();
	else if (!strcmp(kind, "smap"))
		crashtest_smap_read();
	else if (!strcmp(kind, "ubsan"))
		crashtest_ubsan();
	else if (!strcmp(kind, "panic"))
		panic("crashtest: requested panic");
	else
		pr_err("crashtest: unknown kind '%s' (null, ud2, bug, overflow, stackprot, smap, ubsan, panic)\n",
		       kind);
}

#endif
