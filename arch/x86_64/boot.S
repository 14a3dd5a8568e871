/*
 * Kernel entry points. Two boot protocols enter here, at physical
 * addresses with only low memory identity mapped (or paging off):
 *   pvh_entry     - PVH (Xen ELF note PHYS32_ENTRY): 32-bit protected mode,
 *                   paging off, %ebx = struct hvm_start_info. QEMU -kernel,
 *                   Firecracker >= 1.12, Cloud Hypervisor.
 *   linux64_entry - the Linux x86-64 64-bit boot protocol: long mode, the
 *                   loader's identity map, %rsi = boot_params. The ELF entry
 *                   point, used by Firecracker's ELF loader.
 * Both load the early page tables below, reach the higher half and call
 * x86_64_start(protocol, info_phys, entry_tsc) on the boot stack.
 */
#include <asm/boot_defs.h>

#define PTE_P	0x1
#define PTE_W	0x2
#define PTE_PS	0x80

	.section .note.Xen, "a"
	.balign 4
	.long 4			/* name size */
	.long 4			/* descriptor size */
	.long 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.long pvh_entry
	.balign 4

	.section .boot.text, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	cli
	cld
	rdtsc				/* first thing: the boot clock starts here */
	movl %eax, entry_tsc
	movl %edx, entry_tsc + 4
	movl %ebx, entry_info

	movl $early_pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $0x20, %eax			/* CR4.PAE */
	movl %eax, %cr4
	movl $0xc0000080, %ecx		/* EFER */
	rdmsr
	orl $0x900, %eax		/* LME | NXE */
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax		/* PG | WP | PE */
	movl %eax, %cr0
	lgdt early_gdt_desc
	ljmp $BOOT_GDT_CS, $pvh_long

	.code64
pvh_long:
	movl $BOOT_GDT_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq entry_tsc(%rip), %rdx
	movl entry_info(%rip), %esi
	movl $BOOT_PROTO_PVH, %edi
	jmp to_high_half

	.globl linux64_entry
linux64_entry:
	cli
	cld
	rdtsc
	shlq $32, %rdx
	orq %rax, %rdx
	movq %rdx, %r9			/* entry TSC */
	movq %rsi, %r8			/* boot_params */
	/* Our tables also identity-map low memory, so this code stays put. */
	leaq early_pml4(%rip), %rax
	movq %rax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl $0x900, %eax		/* NXE (LME is already on) */
	wrmsr
	lgdt early_gdt_desc(%rip)
	pushq $BOOT_GDT_CS
	leaq 1f(%rip), %rax
	pushq %rax
	lretq				/* reload CS from our GDT */
1:	movl $BOOT_GDT_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq %r9, %rdx
	movq %r8, %rsi
	movl $BOOT_PROTO_LINUX64, %edi

to_high_half:
	movabsq $high_entry, %rax
	jmp *%rax

	/*
	 * Early page tables: physical [0, 1 GiB) in 2 MiB pages, mapped at
	 * 0 (identity, for the jump), at the direct-map base and at
	 * KERNEL_VMA. paging_init() replaces them with the real tables.
	 */
	.section .boot.data, "aw"
	.balign 4096
early_pml4:
	.quad early_pdpt_low + (PTE_P | PTE_W)
	.fill 272, 8, 0
	.quad early_pdpt_low + (PTE_P | PTE_W)	/* 273: 0xffff888000000000 */
	.fill 237, 8, 0
	.quad early_pdpt_high + (PTE_P | PTE_W)	/* 511: 0xffffff8000000000 */
early_pdpt_low:
	.quad early_pd + (PTE_P | PTE_W)
	.fill 511, 8, 0
early_pdpt_high:
	.fill 510, 8, 0
	.quad early_pd + (PTE_P | PTE_W)	/* 510: 0xffffffff80000000 */
	.quad 0
early_pd:
	.set i, 0
	.rept 512
	.quad (i << 21) | (PTE_P | PTE_W | PTE_PS)
	.set i, i + 1
	.endr

	.balign 16
early_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit kernel code */
	.quad 0x00cf92000000ffff	/* 0x10: kernel data */
early_gdt_end:
early_gdt_desc:
	.word early_gdt_end - early_gdt - 1
	.quad early_gdt
entry_tsc:
	.quad 0
entry_info:
	.long 0

	.text
high_entry:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movq %rdi, %r12
	movq %rsi, %r13
	movq %rdx, %r14
	movabsq $__bss_start, %rdi
	movabsq $__bss_end, %rcx
	subq %rdi, %rcx
	shrq $3, %rcx			/* .bss is 16-byte aligned and sized */
	xorl %eax, %eax
	rep stosq			/* words: TCG emulates rep per element */
	movq %r12, %rdi
	movq %r13, %rsi
	movq %r14, %rdx
	call x86_64_start
2:	cli
	hlt
	jmp 2b

	.bss
	.balign 4096
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
