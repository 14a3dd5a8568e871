/*
 * The only instructions that touch user memory. Each may fault; the
 * __ex_table entry beside it sends the fault to a fixup that reports how
 * far the routine got (traps.c first lets mm_handle_fault resolve demand
 * paging or copy-on-write and retries). Range checks are in uaccess.c.
 * With SMAP on, each routine opens the window (stac) around its loop and
 * closes it (clac) on every way out, the fixups included.
 */

/* Register @insn as faultable, resuming at @fixup. */
.macro EX_ENTRY insn, fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
.endm

/*
 * Open / close the SMAP window. stac and clac are #UD on a CPU without
 * SMAP, so they run only once x86_user_init() has turned SMAP on and set
 * x86_smap_enabled; the flag is read-mostly and the branch predicts well.
 * An interrupt inside the window saves RFLAGS.AC in its frame and iretq
 * restores it, so preemption or a sleeping fault cannot close it for us.
 */
.macro USER_ACCESS_OPEN
	cmpb $0, x86_smap_enabled(%rip)
	je 90f
	stac
90:
.endm

.macro USER_ACCESS_CLOSE
	cmpb $0, x86_smap_enabled(%rip)
	je 91f
	clac
91:
.endm

	.data
	.globl x86_smap_enabled
x86_smap_enabled:
	.byte 0

	.text
/*
 * size_t uaccess_copy(void *dst, const void *src, size_t len)
 * Returns the number of bytes NOT copied: 0 on success.
 */
	.globl uaccess_copy
uaccess_copy:
	movq %rdx, %rcx
	USER_ACCESS_OPEN
1:	rep movsb
2:	USER_ACCESS_CLOSE
	movq %rcx, %rax		/* rep leaves the remaining count in rcx */
	ret
	EX_ENTRY 1b, 2b

/* size_t uaccess_clear(void *dst, size_t len): bytes NOT cleared. */
	.globl uaccess_clear
uaccess_clear:
	movq %rsi, %rcx
	xorl %eax, %eax
	USER_ACCESS_OPEN
1:	rep stosb
2:	USER_ACCESS_CLOSE
	movq %rcx, %rax
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
	USER_ACCESS_OPEN
3:	cmpq %rdx, %rax
	je 5f
1:	movb (%rsi, %rax), %cl
	movb %cl, (%rdi, %rax)
	testb %cl, %cl
	jz 5f
	incq %rax
	jmp 3b
5:	USER_ACCESS_CLOSE
	ret
2:	USER_ACCESS_CLOSE
	movq $-1, %rax
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
	USER_ACCESS_OPEN
3:	cmpq %rsi, %rax
	je 5f
1:	cmpb $0, (%rdi, %rax)
	je 5f
	incq %rax
	jmp 3b
5:	USER_ACCESS_CLOSE
	ret
2:	USER_ACCESS_CLOSE
	movq $-1, %rax
	ret
	EX_ENTRY 1b, 2b
