/*
 * Declaring system calls. SYSCALL_DEFINEn(name, type, arg, ...) defines
 * sys_<name>(const struct trap_frame *), which decodes the registers into
 * typed arguments (user pointers become user_addr_t) and calls the body.
 * The dispatch table (generated from kernel/syscalls.tbl by
 * tools/gen_syscalls.py) points every number at sys_<name>; a call nobody
 * defined resolves to sys_ni_syscall: -ENOSYS, logged once by name.
 * One syscall family per file, under kernel/sys/ or the owning subsystem.
 */
#ifndef FERRITE_SYSCALL_H
#define FERRITE_SYSCALL_H

#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/uaccess.h>

typedef long (*syscall_fn_t)(const struct trap_frame *regs);

static inline user_addr_t __sc_uaddr(u64 v) { return UADDR(v); }
static inline u64 __sc_raw(u64 v) { return v; }

/* Register i converted to type t: user_addr_t by value, integers as C does. */
#define __SC_ARG(t, i)							\
	_Generic((t){0}, user_addr_t: __sc_uaddr, default: __sc_raw)	\
		(regs_syscall_arg(__regs, i))

#define __SYSCALL_WRAP(name, ...)					\
	long sys_##name(const struct trap_frame *__regs);		\
	long sys_##name(const struct trap_frame *__regs)		\
	{								\
		return __do_sys_##name(__VA_ARGS__);			\
	}

#define SYSCALL_DEFINE0(name)						\
	static long __do_sys_##name(void);				\
	long sys_##name(const struct trap_frame *__regs);		\
	long sys_##name(const struct trap_frame *__regs __unused)	\
	{								\
		return __do_sys_##name();				\
	}								\
	static long __do_sys_##name(void)

#define SYSCALL_DEFINE1(name, t1, a1)					\
	static long __do_sys_##name(t1 a1);				\
	__SYSCALL_WRAP(name, __SC_ARG(t1, 0))				\
	static long __do_sys_##name(t1 a1)

#define SYSCALL_DEFINE2(name, t1, a1, t2, a2)				\
	static long __do_sys_##name(t1 a1, t2 a2);			\
	__SYSCALL_WRAP(name, __SC_ARG(t1, 0), __SC_ARG(t2, 1))		\
	static long __do_sys_##name(t1 a1, t2 a2)

#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)			\
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3);		\
	__SYSCALL_WRAP(name, __SC_ARG(t1, 0), __SC_ARG(t2, 1),		\
		       __SC_ARG(t3, 2))					\
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3)

#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4)		\
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4);	\
	__SYSCALL_WRAP(name, __SC_ARG(t1, 0), __SC_ARG(t2, 1),		\
		       __SC_ARG(t3, 2), __SC_ARG(t4, 3))		\
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4)

#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)	\
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5); \
	__SYSCALL_WRAP(name, __SC_ARG(t1, 0), __SC_ARG(t2, 1),		\
		       __SC_ARG(t3, 2), __SC_ARG(t4, 3), __SC_ARG(t5, 4)) \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5)

#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6); \
	__SYSCALL_WRAP(name, __SC_ARG(t1, 0), __SC_ARG(t2, 1),		\
		       __SC_ARG(t3, 2), __SC_ARG(t4, 3), __SC_ARG(t5, 4), \
		       __SC_ARG(t6, 5))					\
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6)

/* The table and names (generated). */
extern const syscall_fn_t syscall_table[];
extern const char *const syscall_names[];
extern const unsigned int syscall_count;

long sys_ni_syscall(const struct trap_frame *regs);

/* Called by the arch entry code with the saved user registers. */
void syscall_dispatch(struct trap_frame *regs);

#endif
