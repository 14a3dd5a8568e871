/*
 * panic() and WARN_ON(): the kernel's last words. A panic prints the
 * reason, the current task and a symbolized backtrace, then powers the
 * machine off so that a test run fails fast instead of hanging.
 */
#include <ferrite/arch.h>
#include <ferrite/printk.h>
#include <ferrite/printk_ctl.h>
#include <ferrite/sched.h>

#define PANIC_EXIT_CODE	0x7f	/* isa-debug-exit value for "panicked" */

static int panic_depth;		/* [cpu] a nested panic stops at once */

static void print_current(void)
{
	struct task *t = current();

	if (t)
		pr_emerg("CPU: 0 PID: %d Comm: %s\n", t->tid, t->name);
	else
		pr_emerg("CPU: 0 (before the scheduler)\n");
}

static __noreturn void panic_stop(const char *fmt, va_list ap, bool trace)
{
	static char msg[256];

	arch_irq_disable();
	switch (panic_depth++) {
	case 0:
		break;
	case 1:
		/*
		 * A panic inside the panic (formatting, the backtrace or the
		 * power-off faulted): say so with the raw format, in as few
		 * steps as possible, and still stop the machine rather than
		 * hang silently.
		 */
		printk_panic_mode();
		pr_emerg("Kernel panic - not syncing: panic while panicking: %s\n",
			 fmt);
		arch_test_exit(PANIC_EXIT_CODE);
	default:
		arch_halt_forever();	/* the power-off itself panicked */
	}
	printk_panic_mode();
	vsnprintf(msg, sizeof(msg), fmt, ap);
	pr_emerg("Kernel panic - not syncing: %s\n", msg);
	print_current();
	if (trace) {
		arch_dump_regs();
		arch_dump_stack();
	}
	pr_emerg("---[ end Kernel panic - not syncing: %s ]---\n", msg);
	arch_test_exit(PANIC_EXIT_CODE);
}

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_stop(fmt, ap, true);
}

/* For the trap code, which has already printed the faulting context. */
__noreturn void panic_no_trace(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_stop(fmt, ap, false);
}

void warn_slowpath(const char *file, int line, const char *what)
{
	pr_warn("WARNING: %s:%d: %s\n", file, line, what);
	print_current();
	arch_dump_stack();
}
