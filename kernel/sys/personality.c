/*
 * personality(2): the execution domain flags of a process. Only Linux's
 * native domain (PER_LINUX, 0) exists; the flag bits are stored, and
 * ADDR_NO_RANDOMIZE turns address-space randomization off at the next exec.
 */
#include <ferrite/process.h>
#include <ferrite/syscall.h>

SYSCALL_DEFINE1(personality, unsigned int, persona)
{
	struct process *p = current_process();
	unsigned int old = p->personality;

	/* 0xffffffff only asks; anything else is stored like Linux does. */
	if (persona != 0xffffffffU)
		p->personality = persona;
	return old;
}
