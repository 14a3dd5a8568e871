/*
 * Processes: what the tasks (threads) of one program share — address
 * space, open files, filesystem context, credentials, limits, and the
 * parent/child tree with exit status for wait. A task (sched.h) is the
 * schedulable part; task->proc points here. Single-threaded processes
 * are the only kind created today, but nothing here assumes it.
 */
#ifndef FERRITE_PROCESS_H
#define FERRITE_PROCESS_H

#include <ferrite/list.h>
#include <ferrite/mutex.h>
#include <ferrite/sched.h>
#include <ferrite/signal.h>
#include <ferrite/spinlock.h>
#include <ferrite/uaccess.h>
#include <ferrite/wait.h>
#include <uapi/fs_abi.h>

struct mm;
struct files;
struct fs_context;
struct path;

#define RLIMIT_CPU		0
#define RLIMIT_FSIZE		1
#define RLIMIT_DATA		2
#define RLIMIT_STACK		3
#define RLIMIT_CORE		4
#define RLIMIT_RSS		5
#define RLIMIT_NPROC		6
#define RLIMIT_NOFILE		7
#define RLIMIT_MEMLOCK		8
#define RLIMIT_AS		9
#define RLIMIT_LOCKS		10
#define RLIMIT_SIGPENDING	11
#define RLIMIT_MSGQUEUE		12
#define RLIMIT_NICE		13
#define RLIMIT_RTPRIO		14
#define RLIMIT_RTTIME		15
#define RLIM_NLIMITS		16
#define RLIM_INFINITY		(~0ULL)

struct rlimit64 {
	u64 rlim_cur;
	u64 rlim_max;
};

#define NGROUPS_MAX	65536

/* Credentials. Copied on fork; changed only by the owning process. */
struct cred {
	u32 uid, euid, suid, fsuid;
	u32 gid, egid, sgid, fsgid;
	u32 ngroups;
	u32 *groups;		/* kmalloc'ed, ngroups entries, or NULL */
};

enum process_state {
	PROCESS_ALIVE,
	PROCESS_ZOMBIE,		/* exited, waiting for the parent's wait */
	PROCESS_DEAD,		/* reaped; the struct is about to be freed */
};

/*
 * Legend: [I] immutable after creation, [pt] process_tree_lock (the
 * parent/child links, states and pgid/sid of all processes), [self] only
 * tasks of this process, [a] atomic.
 */
struct process {
	int pid;			/* [I] = tid of the first task */
	u32 refcount;			/* [a] */
	enum process_state state;	/* [pt] */
	int exit_status;		/* [pt] wait status encoding, when zombie */

	struct process *parent;		/* [pt] init (pid 1) for orphans */
	struct list_head children;	/* [pt] of struct process.sibling */
	struct list_head sibling;	/* [pt] in parent->children */
	struct list_head all_node;	/* [pt] on the global process list */
	wait_queue_head_t child_exit;	/* woken when a child changes state */

	struct list_head threads;	/* [pt] struct task.thread_node */
	unsigned int nr_threads;	/* [pt] */

	int pgid;			/* [pt] process group */
	int sid;			/* [pt] session */

	struct mm *mm;			/* [self] written under [pt]; others read under [pt] */
	struct files *files;		/* [self] written under [pt], as mm */
	struct fs_context *fs;		/* [self] written under [pt], as mm */
	struct cred cred;		/* [self] */
	struct rlimit64 rlim[RLIM_NLIMITS];	/* [self] */
	struct path *exe;		/* [self] written under [pt]: /proc/pid/exe */

	u64 start_ns;			/* [I] arch_clock_ns() at creation */
	u64 utime_ns, stime_ns;		/* [self] (accounting is coarse today) */
	u64 cutime_ns, cstime_ns;	/* [pt] reaped children's totals */

	struct completion *vfork_done;	/* [self] parent waits on it */

	/* Added for issue 3 (process helper). */
	struct task *leader;		/* [I] first task; referenced until the
					 * process is freed, so the pid stays taken
					 * while it is a zombie */
	int exit_signal;		/* [pt] signal for the parent (clone's CSIGNAL); SIGCHLD once reparented */
	int pdeath_signal;		/* [self] PR_SET_PDEATHSIG (stored only) */
	int dumpable;			/* [self] PR_SET_DUMPABLE */
	bool did_exec;			/* [pt] setpgid's EACCES rule */
	u64 cminflt, cmajflt;		/* [pt] reaped children (always 0 today) */

	/* Added for issue 4 (signals): actions, shared pending, stop state. */
	struct signal_state sig;

	/*
	 * Issue 6: allocations of this process fail on the fail_alloc=
	 * schedule (CONFIG_FAIL_ALLOC). Set through /proc/<pid>/make-it-fail,
	 * inherited by fork, as Linux's task flag.
	 */
	bool make_it_fail;		/* [a] READ_ONCE/WRITE_ONCE */

	/* personality(2): kept over fork and exec (ADDR_NO_RANDOMIZE). */
#define ADDR_NO_RANDOMIZE	0x0040000
	unsigned int personality;	/* [self] */
};

/*
 * The arch's user-thread interface (being added to <ferrite/arch.h> by
 * the arch-user helper). Repeated here, identically, so this code builds
 * before that lands; delete once arch.h declares them.
 */
struct trap_frame;
int arch_thread_init(struct task *t, const struct task *parent);
void arch_thread_free(struct task *t);
int arch_task_fork(struct task *child, const struct trap_frame *parent_regs,
		   uintptr_t new_sp, bool set_tls, uintptr_t tls);
void arch_exec_set_regs(struct trap_frame *regs, uintptr_t ip, uintptr_t sp);
__noreturn void arch_return_to_user(void);
void arch_thread_exec_reset(struct task *t);
u64 arch_elf_hwcap(void);
const char *arch_elf_platform(void);
struct trap_frame *task_user_regs(struct task *t);
struct trap_frame *current_user_regs(void);

/* Exit work on every return to user mode (kernel/exit_to_user.c). */
void exit_to_user_mode(struct trap_frame *regs);

extern spinlock_t process_tree_lock;
extern struct process *init_process;	/* pid 1, [I] once started */

static inline struct process *current_process(void)
{
	struct task *t = current();

	return t ? t->proc : NULL;
}

struct process *process_get(struct process *p);
void process_put(struct process *p);
struct process *process_lookup(int pid);	/* with a reference, or NULL */

/* The process's CPU time: its live threads plus the dead ones. */
u64 process_cpu_time_ns(struct process *p);

/* Resource-limit defaults (Linux's INIT_RLIMITS), for init. */
void process_default_rlimits(struct rlimit64 *rlim);

/* A new process with no task, mm or files: refcount 1. NULL on ENOMEM. */
struct process *process_alloc(void);
/* Copy credentials (with their own groups array): 0 or -ENOMEM. */
int cred_copy(struct cred *dst, const struct cred *src);
void cred_release(struct cred *c);

/* struct rusage as the x86-64 ABI lays it out (timeval: uapi/fs_abi.h). */
struct linux_rusage {
	struct linux_timeval ru_utime, ru_stime;
	s64 ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt;
	s64 ru_nswap, ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv;
	s64 ru_nsignals, ru_nvcsw, ru_nivcsw;
};
_Static_assert(sizeof(struct linux_rusage) == 144, "struct rusage is 144 bytes");

/* A zeroed rusage with the two times filled in (kernel/sys/times.c). */
void rusage_from_times(struct linux_rusage *ru, u64 utime_ns, u64 stime_ns);

/* Internals shared by kernel/process.c, fork.c, exit.c, waitpid.c, sys/. */
void process_list_add_locked(struct process *p);	/* tree lock held */
struct list_head *process_list_head(void);		/* tree lock held */
void process_vfork_release(struct process *p);	/* exec and exit */

/* clone(2)'s work. Returns the child's pid or -errno. */
#define CSIGNAL			0x000000ff
#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_PIDFD		0x00001000
#define CLONE_PTRACE		0x00002000
#define CLONE_VFORK		0x00004000
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_NEWNS		0x00020000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_UNTRACED		0x00800000
#define CLONE_CHILD_SETTID	0x01000000
#define CLONE_NEWCGROUP		0x02000000
#define CLONE_NEWUTS		0x04000000
#define CLONE_NEWIPC		0x08000000
#define CLONE_NEWUSER		0x10000000
#define CLONE_NEWPID		0x20000000
#define CLONE_NEWNET		0x40000000
#define CLONE_IO		0x80000000UL

/* SIGKILL, SIGSEGV, SIGCHLD, NSIG_MAX: <uapi/signal_abi.h> (via signal.h). */

long do_fork(unsigned long flags, uintptr_t new_sp, user_addr_t parent_tid,
	     user_addr_t child_tid, uintptr_t tls);

/*
 * execve's work (kernel/exec.c): @name is a kernel string, @argv/@envp
 * user arrays. On success the caller's registers are those of the new
 * program and 0 is returned; on failure the old program is untouched.
 */
int do_execveat(int dirfd, const char *name, user_addr_t argv,
		user_addr_t envp, int flags);
/* The same with kernel string arrays (for init). */
int kernel_execve(const char *name, const char *const *argv,
		  const char *const *envp);

/* wait4/waitid's selector and result (kernel/waitpid.c). */
#define WNOHANG		0x00000001
#define WUNTRACED	0x00000002
#define WSTOPPED	WUNTRACED
#define WEXITED		0x00000004
#define WCONTINUED	0x00000008
#define WNOWAIT		0x01000000
#define __WNOTHREAD	0x20000000
#define __WALL		0x40000000
#define __WCLONE	0x80000000U

#define P_ALL		0
#define P_PID		1
#define P_PGID		2
#define P_PIDFD		3

struct wait_result {
	int pid;		/* 0: WNOHANG found nothing */
	int status;		/* wait4 status encoding */
	u32 uid;
	u64 utime_ns, stime_ns;	/* the child's own, for siginfo */
	u64 ru_utime_ns, ru_stime_ns;	/* child + its reaped children */
};

/* Wait for a child matching (idtype, id). 0, -ECHILD, -EINVAL. */
int do_wait(int idtype, int id, unsigned int options, struct wait_result *r);

/* Wait-status encoding (the values wait4 reports). */
#define W_EXITCODE(code, sig)	(((code) & 0xff) << 8 | ((sig) & 0x7f))

/*
 * End the calling process with a wait status. Closes files, drops the
 * address space, re-parents children to init, becomes a zombie and wakes
 * the parent. Never returns.
 */
__noreturn void process_exit(int status);

/*
 * Fatal faults are signals now: force_sig_fault() (signal.h); the
 * "segfault at ..." line is printed when such a signal kills.
 */

/* Start /init (or rdinit=/init=) as pid 1 from the kernel's boot thread. */
int process_start_init(const char *path, const char *const *argv,
		       const char *const *envp);

#endif
