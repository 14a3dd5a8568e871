/*
 * Signals as the Linux x86-64 ABI defines them: numbers, sigaction flags,
 * si_code values, and the layouts user space shares with the kernel
 * (siginfo, stack_t, the kernel's struct sigaction). Only types.h needed.
 */
#ifndef UAPI_SIGNAL_ABI_H
#define UAPI_SIGNAL_ABI_H

#include <ferrite/types.h>

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGSTKFLT	16
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGIO		29
#define SIGPWR		30
#define SIGSYS		31
#define SIGRTMIN	32
#define SIGRTMAX	64
#define NSIG_MAX	64	/* highest signal number */

/* The kernel's sigset_t on x86-64: one bit per signal, bit (sig - 1). */
typedef u64 ksigset_t;
#define KSIGSET_SIZE	8	/* the sigsetsize argument the calls accept */

static inline ksigset_t sigmask(int sig)
{
	return 1ULL << (sig - 1);
}

#define SIG_DFL		0UL
#define SIG_IGN		1UL

#define SA_NOCLDSTOP	0x00000001UL
#define SA_NOCLDWAIT	0x00000002UL
#define SA_SIGINFO	0x00000004UL
#define SA_UNSUPPORTED	0x00000400UL
#define SA_EXPOSE_TAGBITS 0x00000800UL
#define SA_RESTORER	0x04000000UL
#define SA_ONSTACK	0x08000000UL
#define SA_RESTART	0x10000000UL
#define SA_NODEFER	0x40000000UL
#define SA_RESETHAND	0x80000000UL

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

/* si_code: who sent it (<= 0 from user space, > 0 from the kernel). */
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_QUEUE	(-1)
#define SI_TIMER	(-2)
#define SI_MESGQ	(-3)
#define SI_ASYNCIO	(-4)
#define SI_SIGIO	(-5)
#define SI_TKILL	(-6)

#define ILL_ILLOPC	1
#define ILL_ILLOPN	2
#define ILL_ILLADR	3
#define ILL_ILLTRP	4
#define ILL_PRVOPC	5
#define ILL_PRVREG	6
#define ILL_COPROC	7
#define ILL_BADSTK	8

#define FPE_INTDIV	1
#define FPE_INTOVF	2
#define FPE_FLTDIV	3
#define FPE_FLTOVF	4
#define FPE_FLTUND	5
#define FPE_FLTRES	6
#define FPE_FLTINV	7
#define FPE_FLTSUB	8

#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define SEGV_PKUERR	4

#define BUS_ADRALN	1
#define BUS_ADRERR	2
#define BUS_OBJERR	3

#define TRAP_BRKPT	1
#define TRAP_TRACE	2

#define CLD_EXITED	1
#define CLD_KILLED	2
#define CLD_DUMPED	3
#define CLD_TRAPPED	4
#define CLD_STOPPED	5
#define CLD_CONTINUED	6

/* sigaltstack */
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SS_AUTODISARM	(1U << 31)
#define MINSIGSTKSZ	2048

/* setitimer */
#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define ITIMER_PROF	2

/*
 * siginfo_t: 128 bytes, three ints, padding, then a union at offset 16
 * whose member depends on the signal and si_code.
 */
struct linux_siginfo {
	s32 si_signo;
	s32 si_errno;
	s32 si_code;
	s32 _pad0;
	union {
		struct {		/* kill, tkill, sigqueue (SI_USER, SI_QUEUE, ...) */
			s32 pid;
			u32 uid;
			u64 value;	/* sigval, for SI_QUEUE */
		} rt;
		struct {		/* POSIX timers (SI_TIMER) */
			s32 tid;
			s32 overrun;
			u64 value;
		} timer;
		struct {		/* SIGCHLD */
			s32 pid;
			u32 uid;
			s32 status;
			s32 _pad;
			s64 utime;	/* clock ticks */
			s64 stime;
		} chld;
		struct {		/* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			u64 addr;
			s16 addr_lsb;
		} fault;
		struct {		/* SIGIO / SIGPOLL */
			s64 band;
			s32 fd;
		} poll;
		u8 _bytes[112];
	} f;
};

_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo is 128 bytes");
_Static_assert(__builtin_offsetof(struct linux_siginfo, f.rt.pid) == 16, "si_pid");
_Static_assert(__builtin_offsetof(struct linux_siginfo, f.rt.value) == 24, "si_value");
_Static_assert(__builtin_offsetof(struct linux_siginfo, f.chld.status) == 24, "si_status");
_Static_assert(__builtin_offsetof(struct linux_siginfo, f.chld.utime) == 32, "si_utime");
_Static_assert(__builtin_offsetof(struct linux_siginfo, f.chld.stime) == 40, "si_stime");
_Static_assert(__builtin_offsetof(struct linux_siginfo, f.fault.addr) == 16, "si_addr");
_Static_assert(__builtin_offsetof(struct linux_siginfo, f.poll.fd) == 24, "si_fd");

/* stack_t (sigaltstack, uc_stack). */
struct linux_stack {
	u64 ss_sp;
	s32 ss_flags;
	s32 _pad;
	u64 ss_size;
};

_Static_assert(sizeof(struct linux_stack) == 24, "stack_t is 24 bytes");
_Static_assert(__builtin_offsetof(struct linux_stack, ss_size) == 16, "ss_size");

/* The kernel's struct sigaction, as rt_sigaction takes it (not libc's). */
struct linux_sigaction {
	u64 handler;		/* SIG_DFL, SIG_IGN or a user address */
	u64 flags;		/* SA_* */
	u64 restorer;		/* SA_RESTORER: where the handler returns */
	ksigset_t mask;		/* blocked while the handler runs */
};

_Static_assert(sizeof(struct linux_sigaction) == 32, "kernel sigaction is 32 bytes");
_Static_assert(__builtin_offsetof(struct linux_sigaction, restorer) == 16, "sa_restorer");
_Static_assert(__builtin_offsetof(struct linux_sigaction, mask) == 24, "sa_mask");

/* struct itimerval (timeval from fs_abi.h has the same shape). */
struct linux_itimerval {
	s64 it_interval_sec, it_interval_usec;
	s64 it_value_sec, it_value_usec;
};

_Static_assert(sizeof(struct linux_itimerval) == 32, "itimerval is 32 bytes");

#endif
