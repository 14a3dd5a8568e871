/*
 * Per-CPU data for the entry code and the context switch (asm/percpu.h).
 * One CPU today: x86_cpu0. The GS base points at it while in the kernel.
 */
#include <asm/percpu.h>
#include <asm/x86.h>

struct x86_percpu x86_cpu0;

/*
 * Runs once on the boot CPU before anything can enter from ring 3. The
 * user's GS base starts at 0, as the first user program expects.
 */
void percpu_init(void)
{
	struct x86_percpu *pc = &x86_cpu0;

	pc->self = pc;
	wrmsr(MSR_GS_BASE, (u64)(uintptr_t)pc);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_FS_BASE, 0);
	pc->fs_base = 0;
	pc->user_gs_base = 0;
}
