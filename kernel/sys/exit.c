/*
 * exit and exit_group. With one thread per process both end the
 * process; exit will end only the calling thread once threads exist.
 */
#include <ferrite/process.h>
#include <ferrite/syscall.h>

SYSCALL_DEFINE1(exit, int, code)
{
	process_exit(W_EXITCODE(code, 0));
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	process_exit(W_EXITCODE(code, 0));
}
