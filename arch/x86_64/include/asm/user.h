/*
 * x86_64 user-mode internals shared by the files under arch/x86_64/: the
 * SYSCALL MSRs, the user register frame at the top of each kernel stack,
 * the FPU state helpers and the return-to-user checks. See docs/user-mode.md.
 */
#ifndef ASM_USER_H
#define ASM_USER_H

#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_CSTAR	0xc0000083
#define MSR_FMASK	0xc0000084

/*
 * Bytes reserved at the top of every kernel stack for the user register
 * frame: sizeof(struct trap_frame) rounded to 16 (checked in user.c). An
 * entry from ring 3 (TSS rsp0 or the syscall entry) builds it exactly there.
 */
#define USER_FRAME_RESERVE	176

#define X86_EFLAGS_FIXED	0x2UL		/* bit 1 always reads as 1 */
#define X86_EFLAGS_TF		0x100UL
#define X86_EFLAGS_DF		0x400UL
#define X86_EFLAGS_RF		0x10000UL
/* Flags a user program may hold: CF PF AF ZF SF TF DF OF AC ID. */
#define X86_EFLAGS_USER		0x254dd5UL

/* For the entry code, which cannot include the C headers; user.c checks them. */
#define ENTRY_USER_CS		0x33	/* GDT_USER_CS */
#define ENTRY_USER_DS		0x2b	/* GDT_USER_DS */
#define ENTRY_TRAP_SYSCALL	0x100	/* TRAP_SYSCALL */
#define ENTRY_ENOSYS		38

#ifndef __ASSEMBLY__

#include <ferrite/arch.h>
#include <ferrite/uaccess.h>
#include <asm/setup.h>

struct task;

void syscall_init(void);			/* user.c: STAR/LSTAR/FMASK/EFER */
void x86_user_init(void);			/* percpu, syscall MSRs, FPU, SMEP */

/* FPU (fpu.c). The state lives in the registers while its task runs. */
void fpu_init(void);
void fpu_save(void *area);			/* registers -> area */
void fpu_restore(const void *area);		/* area -> registers */
size_t fpu_state_size(void);
bool fpu_has_xsave(void);
void fpu_switch(struct task *prev, struct task *next);
/*
 * Signal frames (issue 4, arch/x86_64/signal.c): the current task's
 * registers to a user image (XSAVE with Linux's fpx_sw_bytes and magic,
 * or FXSAVE) and back after checking it (-EINVAL: an image the CPU would
 * refuse; NULL: clean state); the clean state for a handler.
 */
size_t fpu_sigframe_size(void);
int fpu_save_to_user(user_addr_t buf);
int fpu_restore_from_user(user_addr_t buf);
void fpu_reset_current(void);

/* Load @t's FS base and user GS base into the MSRs (interrupts off). */
void x86_load_user_tls(const struct task *t);

/*
 * Called last on every way back to ring 3, interrupts off: forces user
 * CS/SS and sane RFLAGS into @regs and tells whether SYSRET can return
 * (true) or IRETQ must (rcx/r11 differ from rip/rflags, TF/RF set).
 */
bool x86_prepare_user_return(struct trap_frame *regs);

/* user.c: the C half of the syscall entry; true means "return with SYSRET". */
bool x86_do_syscall(struct trap_frame *regs);

/* syscall_entry.S: load @regs and IRETQ to ring 3 (swapgs included). */
__noreturn void x86_iret_to_user(struct trap_frame *regs);

/*
 * Self-tests run user code in kernel threads that have no process. The
 * syscall and user-exception paths hand such a thread's traps to this
 * hook (set only by a test); it returns true when it handled the trap.
 */
bool x86_user_test_trap(struct trap_frame *regs);

#endif /* __ASSEMBLY__ */
#endif
