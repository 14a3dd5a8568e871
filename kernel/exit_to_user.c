/*
 * The last generic work before the arch returns a task to user mode:
 * reschedule if a tick or a wake-up asked for it, and deliver pending
 * signals (run a handler, stop, die), restart interrupted system calls
 * and restore a temporary signal mask. Loops until nothing is left, as
 * a handler's frame or a reschedule may let new work arrive.
 */
#include <ferrite/process.h>
#include <ferrite/signal.h>

void exit_to_user_mode(struct trap_frame *regs)
{
	struct task *t = current();
	bool irqs_on = arch_irqs_enabled();

	for (;;) {
		if (need_resched()) {
			arch_irq_enable();
			schedule();	/* still TASK_RUNNING: stays runnable */
		} else if (t->proc && signal_work_pending(t, regs)) {
			arch_irq_enable();
			do_signal(regs);
		} else {
			break;
		}
		arch_irq_disable();
	}
	if (irqs_on)
		arch_irq_enable();
}
