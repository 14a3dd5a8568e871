/* Exception vectors and the fault-fixup table (arch/x86_64 only). */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/x86.h>

#define X86_TRAP_DE	0
#define X86_TRAP_DB	1
#define X86_TRAP_NMI	2
#define X86_TRAP_BP	3
#define X86_TRAP_UD	6
#define X86_TRAP_DF	8
#define X86_TRAP_GP	13
#define X86_TRAP_PF	14
#define X86_TRAP_MC	18

/*
 * A faulting instruction inside a user-copy routine and where to resume;
 * emitted into the __ex_table section next to the instruction.
 */
struct exception_entry {
	u64 insn;
	u64 fixup;
};

void trap_dump_frame(const struct trap_frame *tf);
void trap_dispatch(struct trap_frame *tf);

#endif
