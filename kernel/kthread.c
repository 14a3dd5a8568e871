/*
 * Kernel threads: creation on a fresh guarded stack, exit, and join. The
 * scheduler-side lifetime (reaping the stack after the switch away) is in
 * sched.c.
 */
#include <ferrite/sched.h>
#include <ferrite/err.h>

/* Where every kernel thread starts (via arch_context_init). */
static void kthread_main(void *arg)
{
	struct task *self = arg;

	sched_finish_switch();
	self->fn(self->arg);
	kthread_exit(0);
}

struct task *kthread_create(void (*fn)(void *arg), void *arg,
			    const char *name)
{
	struct task *t;

	t = task_alloc(name, TF_KTHREAD);
	if (IS_ERR(t))
		return t;	/* task_alloc unwound everything */
	t->fn = fn;
	t->arg = arg;
	arch_context_init(&t->ctx, (char *)t->stack + t->stack_size,
			  kthread_main, t);
	/* One reference for running (dropped by the reaper), one for the
	 * caller. Nothing can fail from here on. */
	task_get(t);
	sched_start_task(t);
	return t;
}

__noreturn void kthread_exit(int code)
{
	struct task *self = current();

	self->exit_code = code;
	/*
	 * No preemption between waking the joiner and switching away: the
	 * joiner then always finds us reaped, so its task_put() is the
	 * last and frees the task (the 200-thread self-test checks this).
	 * sched_exit_current() drops the count again.
	 */
	preempt_disable();
	complete_all(&self->exited);
	sched_exit_current();
}

int kthread_join(struct task *t)
{
	int code;

	BUG_ON(t == current());
	wait_for_completion(&t->exited);
	code = t->exit_code;
	task_put(t);
	return code;
}
