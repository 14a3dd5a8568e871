/*
 * Interrupt and exception entry. One 16-byte stub per vector pushes a
 * zero error code where the CPU does not push one, then the vector, and
 * joins trap_common, which saves the registers as struct trap_frame
 * (asm/arch_inline.h) and calls trap_dispatch(frame). From ring 3 the CPU
 * took rsp0 from the TSS (the top of the task's kernel stack), so the frame
 * is the task's user frame; GS is swapped on the way in and out.
 */
#include <asm/boot_defs.h>
#include <asm/frame.h>

	.text
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	/* Vectors for which the CPU pushes an error code. */
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

trap_common:
	testb $3, 24(%rsp)		/* frame->cs: came from ring 3? */
	jz 1f
	swapgs
1:
	SAVE_GPRS
	cld
	/*
	 * Close the SMAP window on every entry: user mode can set EFLAGS.AC
	 * itself, and an interrupt in the middle of a user copy arrives
	 * with it open. iretq restores the interrupted flags either way.
	 */
	cmpb $0, x86_smap_enabled(%rip)
	je 3f
	clac
3:
	/*
	 * A fake call frame whose return address is the interrupted rip, so
	 * frame-pointer backtraces walk through the interruption.
	 */
	pushq 17 * 8(%rsp)		/* frame->rip */
	pushq %rbp
	movq %rsp, %rbp
	leaq 16(%rsp), %rdi
	call trap_dispatch
	addq $16, %rsp
	RESTORE_GPRS
	addq $16, %rsp			/* vector and error code */
	testb $3, 8(%rsp)		/* going back to ring 3? */
	jz 2f
	swapgs
2:
	iretq
