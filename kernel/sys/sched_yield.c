/* sched_yield: go to the back of the run queue; always succeeds. */
#include <ferrite/sched.h>
#include <ferrite/syscall.h>

SYSCALL_DEFINE0(sched_yield)
{
	sched_yield();
	return 0;
}
