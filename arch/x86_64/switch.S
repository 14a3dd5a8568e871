/*
 * Kernel thread switch. Only callee-saved registers need saving: the
 * switch is an ordinary function call from the compiler's point of view.
 * struct arch_context holds just the stack pointer.
 */
	.text
	.globl arch_context_switch
/* void arch_context_switch(struct arch_context *from, struct arch_context *to) */
arch_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * First code a new thread runs: arch_context_init() left fn in %r12 and
 * its argument in %r13. %rbp is zero, so backtraces stop here.
 */
	.globl thread_trampoline
thread_trampoline:
	movq %r13, %rdi
	call *%r12
	ud2
