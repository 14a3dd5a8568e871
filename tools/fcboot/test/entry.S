/*
 * fcboot test fixture entry: records the register state exactly as the
 * loader left it (before any instruction that changes flags), then calls
 * fixture_main() on the loader's stack.
 */
	.section .text.entry, "ax"
	.code64
	.globl	fixture_start
fixture_start:
	/* Moves do not touch RFLAGS, so record the GPRs first. */
	movq	%rsi, entry_rsi
	movq	%rsp, entry_rsp
	movq	%rbp, entry_rbp
	movq	%rax, entry_gpr_or
	pushfq
	popq	entry_rflags
	/* From here flags may change: OR the GPRs that must be zero. */
	orq	%rbx, entry_gpr_or
	orq	%rcx, entry_gpr_or
	orq	%rdx, entry_gpr_or
	orq	%rdi, entry_gpr_or
	orq	%r8, entry_gpr_or
	orq	%r9, entry_gpr_or
	orq	%r10, entry_gpr_or
	orq	%r11, entry_gpr_or
	orq	%r12, entry_gpr_or
	orq	%r13, entry_gpr_or
	orq	%r14, entry_gpr_or
	orq	%r15, entry_gpr_or
	movw	%cs, entry_seg + 0
	movw	%ds, entry_seg + 2
	movw	%es, entry_seg + 4
	movw	%ss, entry_seg + 6
	movw	%fs, entry_seg + 8
	movw	%gs, entry_seg + 10
	movq	%cr0, %rax
	movq	%rax, entry_cr0
	movq	%cr3, %rax
	movq	%rax, entry_cr3
	movq	%cr4, %rax
	movq	%rax, entry_cr4
	movl	$0xc0000080, %ecx
	rdmsr
	movl	%eax, entry_efer
	movl	%edx, entry_efer + 4
	sgdt	entry_gdtr
	sidt	entry_idtr
	call	fixture_main
1:	cli
	hlt
	jmp	1b
