/*
 * The only instructions that touch user memory. Each may fault; the
 * __ex_table entry beside it sends the fault to a fixup that reports how
 * far the routine got (traps.c first lets mm_handle_fault resolve demand
 * paging or copy-on-write and retries). Range checks are in uaccess.c.
 */

/* Register @insn as faultable, resuming at @fixup. */
.macro EX_ENTRY insn, fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
.endm

	.text
/*
 * size_t uaccess_copy(void *dst, const void *src, size_t len)
 * Returns the number of bytes NOT copied: 0 on success.
 */
	.globl uaccess_copy
uaccess_copy:
	movq %rdx, %rcx
1:	rep movsb
2:	movq %rcx, %rax		/* rep leaves the remaining count in rcx */
	ret
	EX_ENTRY 1b, 2b

/* size_t uaccess_clear(void *dst, size_t len): bytes NOT cleared. */
	.globl uaccess_clear
uaccess_clear:
	movq %rsi, %rcx
	xorl %eax, %eax
1:	rep stosb
2:	movq %rcx, %rax
	ret
	EX_ENTRY 1b, 2b

/*
 * long uaccess_strncpy(char *dst, const char *src, size_t max)
 * Copies bytes up to and including a NUL, at most @max. Returns the
 * string length (NUL not counted) if a NUL was copied, @max if none was
 * found in @max bytes, -1 on a fault.
 */
	.globl uaccess_strncpy
uaccess_strncpy:
	xorl %eax, %eax
3:	cmpq %rdx, %rax
	je 5f
1:	movb (%rsi, %rax), %cl
	movb %cl, (%rdi, %rax)
	testb %cl, %cl
	jz 5f
	incq %rax
	jmp 3b
5:	ret
2:	movq $-1, %rax
	ret
	EX_ENTRY 1b, 2b

/*
 * long uaccess_strnlen(const char *src, size_t max)
 * Length without the NUL if one is found within @max bytes, @max if not,
 * -1 on a fault.
 */
	.globl uaccess_strnlen
uaccess_strnlen:
	xorl %eax, %eax
3:	cmpq %rsi, %rax
	je 5f
1:	cmpb $0, (%rdi, %rax)
	je 5f
	incq %rax
	jmp 3b
5:	ret
2:	movq $-1, %rax
	ret
	EX_ENTRY 1b, 2b
