/*
 * fcboot entry and exit: the PVH note QEMU looks for, the 32-bit entry it
 * calls, and the final switch into 64-bit mode with the register state
 * Firecracker gives a Linux kernel (see fcboot.c for the memory side).
 */
#define XEN_ELFNOTE_PHYS32_ENTRY	18

	.section .note.Xen, "a"
	.p2align 2
	.long	4			/* namesz: "Xen\0" */
	.long	4			/* descsz: a 32-bit entry address */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
	.asciz	"Xen"
	.long	fcboot_start

	.section .text.entry, "ax"
	.code32
	.globl	fcboot_start
fcboot_start:
	/* PVH: flat 32-bit protected mode, paging off, %ebx = start_info. */
	cli
	cld
	/* Zero our own bss (it holds the stack) before anything uses it. */
	movl	$__bss_start, %edi
	movl	$__stub_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	$fcboot_stack_top, %esp
	pushl	%ebx
	call	fcboot_main		/* returns only when the kernel is loaded */

	/* Long mode with the tables fcboot_main wrote to low memory. */
	lgdt	gdt_desc
	movl	%cr4, %eax
	orl	$0x20, %eax		/* CR4.PAE */
	movl	%eax, %cr4
	movl	$0x9000, %eax		/* PML4 */
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx	/* EFER */
	rdmsr
	orl	$0x100, %eax		/* EFER.LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000001, %eax	/* CR0.PG | CR0.PE */
	movl	%eax, %cr0
	ljmp	$0x08, $long_mode

	.code64
long_mode:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	lidt	idt_desc(%rip)
	movq	$0x8ff0, %rsp
	movq	%rsp, %rbp
	movq	$0x7000, %rsi		/* boot_params */
	/* Every other general register is zero, as KVM_SET_REGS leaves it. */
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	/* Last, since the XORs above set flags: RFLAGS = 0x2 (IF clear). */
	pushq	$2
	popfq
	jmp	*fcboot_kernel_entry(%rip)

	.section .rodata
	.p2align 3
gdt_desc:				/* 32-bit lgdt: 2-byte limit, 4-byte base */
	.word	4 * 8 - 1
	.long	0x500
	.p2align 3
idt_desc:				/* 64-bit lidt: 2-byte limit, 8-byte base */
	.word	8 - 1
	.quad	0x520

	.section .bss
	.p2align 4
	.skip	16384
	.globl	fcboot_stack_top
fcboot_stack_top:
