/*
 * The SYSCALL entry (MSR_LSTAR) and the ways back to ring 3. The entry
 * builds a struct trap_frame at the top of the task's kernel stack in the
 * same shape an interrupt from ring 3 does, runs x86_do_syscall (user.c),
 * and returns with SYSRET when that is safe, IRETQ otherwise.
 */
#include <asm/percpu.h>
#include <asm/frame.h>
#include <asm/user.h>

	.text
	.balign 16
	.globl syscall_entry
syscall_entry:
	/*
	 * Interrupts are off (FMASK clears IF), rsp is the user's and GS is
	 * the user's until swapgs: nothing here may fault or be interrupted.
	 */
	swapgs
	movq %rsp, %gs:PERCPU_USER_RSP
	movq %gs:PERCPU_KSTACK_TOP, %rsp
	pushq $ENTRY_USER_DS		/* ss */
	pushq %gs:PERCPU_USER_RSP	/* rsp */
	pushq %r11			/* rflags, as SYSCALL saved them */
	pushq $ENTRY_USER_CS		/* cs */
	pushq %rcx			/* rip: the instruction after syscall */
	pushq %rax			/* error_code: the call number */
	pushq $ENTRY_TRAP_SYSCALL	/* vector */
	SAVE_GPRS
	xorl %ebp, %ebp			/* kernel backtraces stop here */
	movq %rsp, %rdi			/* 22 pushes from a 16-aligned top: aligned */
	call x86_do_syscall		/* back with interrupts off */
	testb %al, %al
	jz 1f
	/*
	 * SYSRET: x86_do_syscall checked that the frame's rcx is its rip and
	 * its r11 its rflags, so the restored rcx/r11 are what SYSRET needs.
	 */
	RESTORE_GPRS
	movq 5 * 8(%rsp), %rsp		/* skip vector..rflags: the user rsp */
	swapgs
	sysretq
1:
	movq %rsp, %rdi
	jmp x86_iret_to_user

/*
 * void x86_iret_to_user(struct trap_frame *regs): leave for ring 3
 * through @regs, which x86_prepare_user_return() has checked. Whatever
 * was on the kernel stack below the frame is abandoned.
 */
	.globl x86_iret_to_user
x86_iret_to_user:
	cli
	movq %rdi, %rsp
	RESTORE_GPRS
	addq $16, %rsp			/* vector and error code */
	swapgs
	iretq

/*
 * SYSCALL from 32-bit compatibility mode (MSR_CSTAR; only AMD CPUs get
 * here, Intel raises #UD). 32-bit system calls are not supported: return
 * -ENOSYS without touching memory, GS or the stack.
 */
	.balign 16
	.globl syscall32_entry
syscall32_entry:
	movl $-ENTRY_ENOSYS, %eax
	sysretl
