/*
 * The last generic work before the arch returns a task to user mode:
 * reschedule if a tick or a wake-up asked for it. Pending signals will
 * be delivered from here in the next issue.
 */
#include <ferrite/process.h>

void exit_to_user_mode(struct trap_frame *regs)
{
	while (need_resched()) {
		bool irqs_on = arch_irqs_enabled();

		arch_irq_enable();
		schedule();	/* still TASK_RUNNING: stays runnable */
		if (!irqs_on)
			arch_irq_disable();
	}
}
