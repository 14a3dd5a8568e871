/*
 * System-call dispatch: bounds-check the number, call the typed handler
 * from the generated table, store the result. Numbers nobody implements
 * get -ENOSYS, and the first use of each is logged with its name so a
 * missing call shows up in the console instead of as a mystery.
 */
#include <ferrite/printk.h>
#include <ferrite/sched.h>
#include <ferrite/syscall.h>

#define NR_SYSCALL_SLOTS 512

static u8 ni_logged[NR_SYSCALL_SLOTS / 8];	/* [a] bit per number, set once */

long sys_ni_syscall(const struct trap_frame *regs)
{
	u64 nr = regs_syscall_nr(regs);
	struct task *t = current();

	if (nr < NR_SYSCALL_SLOTS) {
		u8 bit = 1u << (nr & 7);

		if (__atomic_fetch_or(&ni_logged[nr / 8], bit, __ATOMIC_RELAXED) & bit)
			return -ENOSYS;
	}
	pr_warn("%s[%d]: system call %s (%llu) is not implemented: ENOSYS\n",
		t ? t->name : "?", t ? t->tid : 0,
		nr < syscall_count && syscall_names[nr] ? syscall_names[nr] : "?",
		(unsigned long long)nr);
	return -ENOSYS;
}

void syscall_dispatch(struct trap_frame *regs)
{
	u64 nr = regs_syscall_nr(regs);
	syscall_fn_t fn = nr < syscall_count ? syscall_table[nr] : NULL;

	regs_set_return(regs, fn ? fn(regs) : sys_ni_syscall(regs));
}
