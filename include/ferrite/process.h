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
#include <ferrite/spinlock.h>
#include <ferrite/wait.h>

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

	struct mm *mm;			/* [self] address space */
	struct files *files;		/* [self] fd table */
	struct fs_context *fs;		/* [self] root, cwd, umask */
	struct cred cred;		/* [self] */
	struct rlimit64 rlim[RLIM_NLIMITS];	/* [self] */
	struct path *exe;		/* [self] program file (/proc/pid/exe) */

	u64 start_ns;			/* [I] arch_clock_ns() at creation */
	u64 utime_ns, stime_ns;		/* [self] (accounting is coarse today) */
	u64 cutime_ns, cstime_ns;	/* [pt] reaped children's totals */

	struct completion *vfork_done;	/* [self] parent waits on it */
};

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

/* Wait-status encoding (the values wait4 reports). */
#define W_EXITCODE(code, sig)	(((code) & 0xff) << 8 | ((sig) & 0x7f))

/*
 * End the calling process with a wait status. Closes files, drops the
 * address space, re-parents children to init, becomes a zombie and wakes
 * the parent. Never returns.
 */
__noreturn void process_exit(int status);

/*
 * Kill the current process because of a fatal fault (no signals yet):
 * logs "<comm>[pid]: <why> at ip ... addr ..." like Linux's segfault line
 * and exits with status @sig (e.g. SIGSEGV = 11).
 */
__noreturn void process_fatal_fault(int sig, const char *why, u64 addr);

/* Start /init (or rdinit=/init=) as pid 1 from the kernel's boot thread. */
int process_start_init(const char *path, const char *const *argv,
		       const char *const *envp);

#endif
