/*
 * arch_prctl(2): the thread's FS and GS base (TLS). The values live in
 * task->arch and are loaded into the MSRs at every switch to the thread;
 * here they are set in both places at once, with interrupts off, so a
 * switch in between cannot see one without the other.
 */
#include <ferrite/sched.h>
#include <ferrite/selftest.h>
#include <ferrite/syscall.h>
#include <asm/user.h>
#include <asm/x86.h>

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

static long set_base(int code, u64 base)
{
	struct task *t = current();
	unsigned long irq;

	/* Linux: a base at or above TASK_SIZE_MAX (our USER_TOP) is EPERM. */
	if (base >= USER_TOP)
		return -EPERM;
	irq = arch_irq_save();
	if (code == ARCH_SET_FS)
		t->arch.fs_base = base;
	else
		t->arch.gs_base = base;
	x86_load_user_tls(t);
	arch_irq_restore(irq);
	return 0;
}

SYSCALL_DEFINE2(arch_prctl, int, code, unsigned long, addr)
{
	struct task *t = current();

	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		return set_base(code, addr);
	case ARCH_GET_FS:
		return put_user(t->arch.fs_base, UADDR(addr));
	case ARCH_GET_GS:
		return put_user(t->arch.gs_base, UADDR(addr));
	default:
		/* CPUID faulting, shadow stacks, AMX, vDSO mapping: not here. */
		return -EINVAL;
	}
}

/* --- self-test ------------------------------------------------------------ */

static long call_arch_prctl(int code, u64 addr)
{
	struct trap_frame regs = { .rdi = (u64)code, .rsi = addr };

	return sys_arch_prctl(&regs);
}

SELFTEST(arch_prctl_sets_fs_and_gs_base)
{
	struct task *t = current();
	u64 old_fs = t->arch.fs_base, old_gs = t->arch.gs_base;
	u64 fs, gs;
	bool ok;

	ST_EXPECT(call_arch_prctl(ARCH_SET_FS, 0x7f0012345000) == 0);
	ST_EXPECT(call_arch_prctl(ARCH_SET_GS, 0x1000) == 0);
	fs = rdmsr(MSR_FS_BASE);
	gs = rdmsr(MSR_KERNEL_GS_BASE);		/* the user's GS while in the kernel */
	ok = t->arch.fs_base == 0x7f0012345000 && t->arch.gs_base == 0x1000;
	/* Failures change nothing. */
	ok = ok && call_arch_prctl(ARCH_SET_FS, USER_TOP) == -EPERM;
	ok = ok && call_arch_prctl(ARCH_SET_GS, 0xffff888000000000UL) == -EPERM;
	ok = ok && call_arch_prctl(0x1005, 0) == -EINVAL;
	ok = ok && t->arch.fs_base == 0x7f0012345000;
	/* GET into a kernel address is refused by the range check. */
	ok = ok && call_arch_prctl(ARCH_GET_FS, (u64)(uintptr_t)&fs) == -EFAULT;
	call_arch_prctl(ARCH_SET_FS, old_fs);
	call_arch_prctl(ARCH_SET_GS, old_gs);
	ST_EXPECT(fs == 0x7f0012345000);
	ST_EXPECT(gs == 0x1000);
	ST_EXPECT(ok);
	ST_EXPECT(rdmsr(MSR_FS_BASE) == old_fs);
	return 0;
}
