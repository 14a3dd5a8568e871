/*
 * Signal behaviour as Linux defines it: delivery order and masking,
 * queued RT signals, SA_RESTART/EINTR, SA_RESETHAND, SA_NODEFER, nested
 * handlers, sigaltstack, fault signals with si_code/si_addr, sigsuspend,
 * sigtimedwait, kill to groups, job-control stops, SIGCHLD, SIGPIPE and
 * the interval timers. Each test also runs on the host's Linux.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include "ufw.h"

static volatile int order[16], norder;
static volatile int depth, max_depth, calls;

static void on(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(sig, &sa, NULL));
}

static void record(int sig)
{
	if (norder < 16)
		order[norder++] = sig;
}

static void block(int sig, int how)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	CHECK_OK(sigprocmask(how, &s, NULL));
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A child that sends @sig to the parent after @ms, then exits. */
static pid_t signal_later(int sig, int ms)
{
	pid_t parent = getpid(), pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		usleep(ms * 1000);
		kill(parent, sig);
		_exit(0);
	}
	return pid;
}

TEST(pending_signals_arrive_lowest_number_first)
{
	int sigs[] = { SIGTERM, SIGUSR2, SIGHUP, SIGUSR1 };
	sigset_t all, none;

	struct sigaction sa = { .sa_handler = record };

	sigemptyset(&all);
	for (int i = 0; i < 4; i++)
		sigaddset(&all, sigs[i]);
	/*
	 * Each handler blocks the others: otherwise the frames of all four
	 * stack up at once and the last one built (the highest) runs first.
	 */
	sa.sa_mask = all;
	for (int i = 0; i < 4; i++)
		CHECK_OK(sigaction(sigs[i], &sa, NULL));
	CHECK_OK(sigprocmask(SIG_BLOCK, &all, NULL));
	for (int i = 0; i < 4; i++)
		CHECK_OK(raise(sigs[i]));
	CHECK_EQ(norder, 0);
	sigemptyset(&none);
	CHECK_OK(sigprocmask(SIG_SETMASK, &none, NULL));
	CHECK_EQ(norder, 4);
	CHECK_EQ(order[0], SIGHUP);
	CHECK_EQ(order[1], SIGUSR1);
	CHECK_EQ(order[2], SIGUSR2);
	CHECK_EQ(order[3], SIGTERM);
}

TEST(blocked_standard_signal_is_pending_once)
{
	sigset_t pend;

	on(SIGUSR1, record, 0);
	block(SIGUSR1, SIG_BLOCK);
	CHECK_OK(raise(SIGUSR1));
	CHECK_OK(raise(SIGUSR1));
	CHECK_OK(sigpending(&pend));
	CHECK(sigismember(&pend, SIGUSR1));
	CHECK(!sigismember(&pend, SIGUSR2));
	CHECK_EQ(norder, 0);
	block(SIGUSR1, SIG_UNBLOCK);
	CHECK_EQ(norder, 1);		/* standard signals do not queue */
	CHECK_OK(sigpending(&pend));
	CHECK(!sigismember(&pend, SIGUSR1));
}

TEST(rt_signals_queue_in_order_with_values)
{
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	CHECK_OK(sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 9 }));
	for (int v = 1; v <= 3; v++)
		CHECK_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = v }));
	for (int v = 1; v <= 3; v++) {
		CHECK_EQ(sigwaitinfo(&set, &si), SIGRTMIN);
		CHECK_EQ(si.si_code, SI_QUEUE);
		CHECK_EQ(si.si_value.sival_int, v);
		CHECK_EQ(si.si_pid, getpid());
		CHECK_EQ(si.si_uid, getuid());
	}
	CHECK_EQ(sigwaitinfo(&set, &si), SIGRTMIN + 1);
	CHECK_EQ(si.si_value.sival_int, 9);
}

TEST(sigkill_and_sigstop_cannot_be_caught_or_blocked)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };
	sigset_t s, cur;

	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(65, &sa, NULL), EINVAL);
	CHECK_OK(sigaction(SIGKILL, NULL, &sa));	/* reading is fine */
	sigfillset(&s);
	CHECK_OK(sigprocmask(SIG_SETMASK, &s, NULL));
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &cur));
	CHECK(!sigismember(&cur, SIGKILL));
	CHECK(!sigismember(&cur, SIGSTOP));
	CHECK(sigismember(&cur, SIGUSR1));
	CHECK_ERR(syscall(SYS_rt_sigprocmask, 7, &s, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, NULL, 4), EINVAL);
}

static void nothing(int sig)
{
	calls++;
}

/* A read blocked on an empty pipe, a signal after 100 ms, data after 300. */
static ssize_t read_interrupted(int flags, char *buf)
{
	int p[2];
	pid_t parent = getpid(), pid;
	ssize_t r;

	on(SIGUSR1, nothing, flags);
	CHECK_OK(pipe(p));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		usleep(100000);
		kill(parent, SIGUSR1);
		usleep(200000);
		write(p[1], "late", 4);
		_exit(0);
	}
	close(p[1]);
	r = read(p[0], buf, 8);
	waitpid(pid, NULL, 0);
	return r;
}

TEST(pipe_read_interrupted_without_sa_restart_is_eintr)
{
	char buf[8];

	errno = 0;
	CHECK_EQ(read_interrupted(0, buf), -1);
	CHECK_EQ(errno, EINTR);
	CHECK_EQ(calls, 1);
}

TEST(pipe_read_restarts_under_sa_restart)
{
	char buf[8];

	CHECK_EQ(read_interrupted(SA_RESTART, buf), 4);
	CHECK_MEM(buf, "late", 4);
	CHECK_EQ(calls, 1);
}

TEST(sa_resethand_restores_default_after_one_delivery)
{
	struct sigaction old;

	on(SIGUSR1, nothing, SA_RESETHAND);
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(calls, 1);
	CHECK_OK(sigaction(SIGUSR1, NULL, &old));
	CHECK(old.sa_handler == SIG_DFL);
}

static void reenter(int sig)
{
	calls++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (calls == 1)
		raise(sig);
	depth--;
}

TEST(sa_nodefer_lets_a_handler_interrupt_itself)
{
	on(SIGUSR1, reenter, SA_NODEFER);
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(calls, 2);
	CHECK_EQ(max_depth, 2);
}

TEST(handler_blocks_its_own_signal_by_default)
{
	on(SIGUSR1, reenter, 0);
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(calls, 2);		/* delivered after the first returned */
	CHECK_EQ(max_depth, 1);
}

static void outer(int sig)
{
	record(sig);
	raise(SIGUSR2);
	record(-sig);
}

TEST(handlers_nest_for_different_signals)
{
	sigset_t cur;

	on(SIGUSR1, outer, 0);
	on(SIGUSR2, record, 0);
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(norder, 3);
	CHECK_EQ(order[0], SIGUSR1);
	CHECK_EQ(order[1], SIGUSR2);
	CHECK_EQ(order[2], -SIGUSR1);
	/* The mask is back to what it was before the handlers. */
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &cur));
	CHECK(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2));
}

static char *alt_base;
static volatile uintptr_t handler_sp;
static volatile int alt_flags, alt_eperm;

static void on_alt(int sig)
{
	int local;
	stack_t cur, ss = { .ss_sp = alt_base, .ss_size = 65536 };

	handler_sp = (uintptr_t)&local;
	sigaltstack(NULL, &cur);
	alt_flags = cur.ss_flags;
	alt_eperm = sigaltstack(&ss, NULL) == -1 && errno == EPERM;
}

TEST(sigaltstack_runs_handler_on_the_alternate_stack)
{
	stack_t ss, old;

	alt_base = malloc(65536);
	CHECK(alt_base);
	ss = (stack_t){ .ss_sp = alt_base, .ss_size = MINSIGSTKSZ - 1 };
	CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_flags = 12345;
	ss.ss_size = 65536;
	CHECK_ERR(sigaltstack(&ss, NULL), EINVAL);
	ss.ss_flags = 0;
	CHECK_OK(sigaltstack(&ss, NULL));
	CHECK_OK(sigaltstack(NULL, &old));
	CHECK(old.ss_sp == alt_base && old.ss_size == 65536 && old.ss_flags == 0);
	on(SIGUSR1, on_alt, SA_ONSTACK);
	CHECK_OK(raise(SIGUSR1));
	CHECK(handler_sp > (uintptr_t)alt_base &&
	      handler_sp < (uintptr_t)alt_base + 65536);
	CHECK_EQ(alt_flags, SS_ONSTACK);
	CHECK(alt_eperm);
	/* Without SA_ONSTACK the handler stays on the normal stack. */
	on(SIGUSR1, on_alt, 0);
	CHECK_OK(raise(SIGUSR1));
	CHECK(handler_sp < (uintptr_t)alt_base ||
	      handler_sp >= (uintptr_t)alt_base + 65536);
	ss.ss_flags = SS_DISABLE;
	CHECK_OK(sigaltstack(&ss, NULL));
	CHECK_OK(sigaltstack(NULL, &old));
	CHECK_EQ(old.ss_flags, SS_DISABLE);
}

/* --- faults ---------------------------------------------------------- */

static sigjmp_buf fault_jmp;
static siginfo_t fault_info;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	fault_info = *si;
	siglongjmp(fault_jmp, 1);
}

static void catch_fault(int sig)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(sig, &sa, NULL));
	memset(&fault_info, 0, sizeof(fault_info));
}

/* Through a volatile variable: the compiler must not see the constant. */
static volatile int *volatile bad_ptr16 = (volatile int *)16;

TEST(null_dereference_is_segv_maperr_at_address)
{
	volatile int *p = bad_ptr16;

	catch_fault(SIGSEGV);
	if (!sigsetjmp(fault_jmp, 1))
		(void)*p;
	CHECK_EQ(fault_info.si_signo, SIGSEGV);
	CHECK_EQ(fault_info.si_code, SEGV_MAPERR);
	CHECK(fault_info.si_addr == (void *)16);
}

TEST(write_to_read_only_mapping_is_segv_accerr)
{
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	catch_fault(SIGSEGV);
	if (!sigsetjmp(fault_jmp, 1))
		*(volatile char *)(p + 100) = 1;
	CHECK_EQ(fault_info.si_code, SEGV_ACCERR);
	CHECK(fault_info.si_addr == p + 100);
}

TEST(access_past_end_of_file_mapping_is_sigbus)
{
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	char *p;

	CHECK(fd >= 0);
	CHECK_OK(write(fd, "x", 1));
	p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	catch_fault(SIGBUS);
	CHECK_EQ(p[0], 'x');
	if (!sigsetjmp(fault_jmp, 1))
		(void)*(volatile char *)(p + 4096 + 8);
	CHECK_EQ(fault_info.si_signo, SIGBUS);
	CHECK_EQ(fault_info.si_code, BUS_ADRERR);
	CHECK(fault_info.si_addr == p + 4096 + 8);
}

extern char ud2_insn[], div_insn[];

TEST(ud2_is_sigill_illopn_at_the_instruction)
{
	catch_fault(SIGILL);
	if (!sigsetjmp(fault_jmp, 1))
		__asm__ volatile(".globl ud2_insn\nud2_insn: ud2");
	CHECK_EQ(fault_info.si_signo, SIGILL);
	CHECK_EQ(fault_info.si_code, ILL_ILLOPN);
	CHECK(fault_info.si_addr == ud2_insn);
}

TEST(integer_divide_by_zero_is_sigfpe_intdiv)
{
	catch_fault(SIGFPE);
	if (!sigsetjmp(fault_jmp, 1))
		__asm__ volatile("xor %%ecx, %%ecx\n mov $1, %%eax\n cltd\n"
				 ".globl div_insn\ndiv_insn: idivl %%ecx"
				 ::: "eax", "ecx", "edx");
	CHECK_EQ(fault_info.si_signo, SIGFPE);
	CHECK_EQ(fault_info.si_code, FPE_INTDIV);
	CHECK(fault_info.si_addr == div_insn);
}

TEST(int3_is_sigtrap_from_the_kernel)
{
	catch_fault(SIGTRAP);
	if (!sigsetjmp(fault_jmp, 1))
		__asm__ volatile("int3");
	CHECK_EQ(fault_info.si_signo, SIGTRAP);
	CHECK_EQ(fault_info.si_code, SI_KERNEL);
}

static int fault_with_segv_blocked(void *arg)
{
	sigset_t s;

	catch_fault(SIGSEGV);
	sigemptyset(&s);
	sigaddset(&s, SIGSEGV);
	sigprocmask(SIG_BLOCK, &s, NULL);
	*bad_ptr16 = 1;			/* blocked: the fault must kill */
	return 0;
}

TEST(fault_with_its_signal_blocked_kills)
{
	int st = ufw_run_child(fault_with_segv_blocked, NULL);

	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGSEGV);
}

/* The handler moves rip past the ud2: the ucontext is what sigreturn uses. */
static void skip_ud2(int sig, siginfo_t *si, void *p)
{
	ucontext_t *uc = p;

	uc->uc_mcontext.gregs[REG_RIP] += 2;
	uc->uc_mcontext.gregs[REG_RBX] = 0x1234;
	calls++;
}

TEST(sigreturn_takes_registers_from_the_edited_ucontext)
{
	struct sigaction sa = { 0 };
	long rbx;

	sa.sa_sigaction = skip_ud2;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(SIGILL, &sa, NULL));
	__asm__ volatile("mov $0, %%rbx\n ud2\n mov %%rbx, %0" : "=r"(rbx) : : "rbx");
	CHECK_EQ(calls, 1);
	CHECK_EQ(rbx, 0x1234);
}

static void clobber_fpu(int sig)
{
	volatile double x = 3.0;

	for (int i = 0; i < 10; i++)
		x = x * 1.5 + 0.25;
	calls++;
}

TEST(fpu_registers_survive_a_handler)
{
	double a = 1.0;
	volatile double keep;

	on(SIGUSR1, clobber_fpu, 0);
	__asm__ volatile("movsd %1, %%xmm7\n"
			 "mov $62, %%eax\n mov %2, %%edi\n mov $10, %%esi\n syscall\n"
			 "movsd %%xmm7, %0"
			 : "=m"(keep) : "m"(a), "r"(getpid())
			 : "rax", "rdi", "rsi", "rcx", "r11", "xmm7", "memory");
	CHECK_EQ(calls, 1);
	CHECK(keep == 1.0);
}

struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

static int handler_without_restorer(void *arg)
{
	struct ksigaction ka = { .handler = nothing };

	if (syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 8))
		return 1;
	kill(getpid(), SIGUSR1);
	return 2;
}

TEST(handler_without_sa_restorer_kills_with_sigsegv)
{
	int st = ufw_run_child(handler_without_restorer, NULL);

	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGSEGV);
}

/* --- waiting for signals ------------------------------------------- */

TEST(sigsuspend_waits_then_restores_the_mask)
{
	sigset_t empty, cur;
	pid_t pid;

	on(SIGUSR1, nothing, 0);
	block(SIGUSR1, SIG_BLOCK);
	pid = signal_later(SIGUSR1, 50);
	sigemptyset(&empty);
	CHECK_ERR(sigsuspend(&empty), EINTR);
	CHECK_EQ(calls, 1);
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &cur));
	CHECK(sigismember(&cur, SIGUSR1));
	waitpid(pid, NULL, 0);
}

TEST(pause_returns_eintr_after_a_handler)
{
	pid_t pid;

	on(SIGUSR2, nothing, SA_RESTART);
	pid = signal_later(SIGUSR2, 50);
	CHECK_ERR(pause(), EINTR);	/* never restarted, even with SA_RESTART */
	CHECK_EQ(calls, 1);
	waitpid(pid, NULL, 0);
}

TEST(sigtimedwait_times_out_with_eagain)
{
	sigset_t set;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	long t0 = now_ms();

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	block(SIGUSR1, SIG_BLOCK);
	CHECK_ERR(sigtimedwait(&set, NULL, &ts), EAGAIN);
	CHECK(now_ms() - t0 >= 40);
	ts.tv_nsec = 1000000000;
	CHECK_ERR(sigtimedwait(&set, NULL, &ts), EINVAL);
}

TEST(sigtimedwait_takes_a_signal_sent_later)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 5, 0 };
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	block(SIGUSR1, SIG_BLOCK);
	pid = signal_later(SIGUSR1, 50);
	CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGUSR1);
	CHECK_EQ(si.si_code, SI_USER);
	CHECK_EQ(si.si_pid, pid);
	waitpid(pid, NULL, 0);
}

TEST(nanosleep_interrupted_reports_time_left)
{
	struct timespec req = { 2, 0 }, rem = { 0, 0 };
	pid_t pid;

	on(SIGUSR1, nothing, SA_RESTART);
	pid = signal_later(SIGUSR1, 50);
	CHECK_ERR(nanosleep(&req, &rem), EINTR);
	CHECK(rem.tv_sec >= 1 && rem.tv_sec <= 2);
	waitpid(pid, NULL, 0);
}

/* --- sending ----------------------------------------------------------- */

static int sleep_forever(void *arg)
{
	for (;;)
		pause();
	return 0;
}

static pid_t spawn(int (*fn)(void *), pid_t pgid)
{
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		if (pgid >= 0)
			setpgid(0, pgid);
		_exit(fn(NULL));
	}
	if (pgid >= 0)
		setpgid(pid, pgid ? pgid : pid);
	return pid;
}

TEST(kill_negative_pid_signals_the_whole_group)
{
	pid_t a = spawn(sleep_forever, 0);
	pid_t b = spawn(sleep_forever, a);
	int st;

	CHECK_OK(kill(-a, SIGTERM));
	CHECK_EQ(waitpid(a, &st, 0), a);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	CHECK_EQ(waitpid(b, &st, 0), b);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	CHECK_ERR(kill(-a, SIGTERM), ESRCH);
	CHECK_ERR(kill(a, 0), ESRCH);
	CHECK_ERR(kill(getpid(), 65), EINVAL);
	CHECK_OK(kill(getpid(), 0));
}

static void exit_33(int sig)
{
	_exit(33);
}

static int wait_for_sigurg(void *arg)
{
	signal(SIGURG, exit_33);
	for (;;)
		pause();
	return 0;
}

/*
 * SIGURG is ignored by default, so kill(-1) harms nobody (the test's
 * parents and the guest's /init survive); a child with a handler shows
 * it arrived, the caller itself must not get it.
 */
static int kill_everyone(void *arg)
{
	pid_t a;
	int st;

	on(SIGURG, nothing, 0);
	a = spawn(wait_for_sigurg, -1);
	usleep(50000);			/* let it install the handler */
	if (kill(-1, SIGURG))
		return 1;
	if (waitpid(a, &st, 0) != a || !WIFEXITED(st) || WEXITSTATUS(st) != 33)
		return 2;
	return calls ? 3 : 0;
}

TEST(kill_minus_one_reaches_others_but_not_the_caller)
{
	int st;

	ufw_note("kill(-1) runs only in the guest");
	if (!ufw_in_guest())
		return;		/* on the host it would reach every process */
	st = ufw_run_child(kill_everyone, NULL);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

TEST(tgkill_reaches_the_calling_thread)
{
	on(SIGUSR1, nothing, 0);
	CHECK_OK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
	CHECK_OK(syscall(SYS_tkill, gettid(), SIGUSR1));
	CHECK_EQ(calls, 2);
	CHECK_ERR(syscall(SYS_tgkill, getpid() + 100000, gettid(), SIGUSR1), ESRCH);
	CHECK_ERR(syscall(SYS_tgkill, 0, gettid(), SIGUSR1), EINVAL);
}

/* --- job control and children -------------------------------------- */

TEST(stop_and_continue_report_through_waitpid)
{
	/*
	 * Its own group, whose parent (we) is in another group of the
	 * session: not orphaned, so SIGTSTP stops it (an orphaned group,
	 * such as init's, would discard SIGTSTP).
	 */
	pid_t pid = spawn(sleep_forever, 0);
	int st;

	CHECK_OK(kill(pid, SIGSTOP));
	CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
	CHECK_EQ(st, 0x137f);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK_EQ(waitpid(pid, &st, WUNTRACED | WNOHANG), 0);	/* reported once */
	CHECK_OK(kill(pid, SIGCONT));
	CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
	CHECK_EQ(st, 0xffff);
	CHECK_OK(kill(pid, SIGTSTP));
	CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP);
	CHECK_OK(kill(pid, SIGKILL));		/* SIGKILL ends a stopped process */
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, SIGKILL);
}

static volatile siginfo_t chld_info;
static volatile int chld_count;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	chld_info = *si;
	chld_count++;
}

static int exit_seven(void *arg)
{
	return 7;
}

TEST(sigchld_carries_the_child_exit_siginfo)
{
	struct sigaction sa = { 0 };
	sigset_t set, empty;
	pid_t pid;
	int st;

	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigemptyset(&empty);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	pid = spawn(exit_seven, -1);
	while (!chld_count)
		sigsuspend(&empty);
	CHECK_EQ(chld_info.si_signo, SIGCHLD);
	CHECK_EQ(chld_info.si_code, CLD_EXITED);
	CHECK_EQ(chld_info.si_pid, pid);
	CHECK_EQ(chld_info.si_status, 7);
	CHECK_EQ(chld_info.si_uid, getuid());
	CHECK_EQ(waitpid(pid, &st, 0), pid);

	chld_count = 0;
	pid = spawn(sleep_forever, -1);
	CHECK_OK(kill(pid, SIGSTOP));
	while (!chld_count)
		sigsuspend(&empty);
	CHECK_EQ(chld_info.si_code, CLD_STOPPED);
	CHECK_EQ(chld_info.si_status, SIGSTOP);
	CHECK_OK(kill(pid, SIGKILL));
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	/* Its SIGCHLD is pending (blocked): take it without the handler. */
	CHECK_EQ(sigtimedwait(&set, NULL, &(struct timespec){ 0, 0 }), SIGCHLD);

	/* Standard signals do not queue: one child event at a time. */
	chld_count = 0;
	pid = spawn(sleep_forever, -1);
	CHECK_OK(kill(pid, SIGTERM));
	while (!chld_count)
		sigsuspend(&empty);
	CHECK_EQ(chld_info.si_code, CLD_KILLED);
	CHECK_EQ(chld_info.si_status, SIGTERM);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
}

TEST(ignoring_sigchld_reaps_children_automatically)
{
	pid_t pid;

	signal(SIGCHLD, SIG_IGN);
	pid = spawn(exit_seven, -1);
	/* wait blocks until the child is gone, then finds nothing. */
	CHECK_ERR(waitpid(pid, NULL, 0), ECHILD);
}

static int write_to_closed_pipe(void *arg)
{
	int p[2];

	if (pipe(p))
		return 1;
	close(p[0]);
	write(p[1], "x", 1);
	return 2;
}

TEST(sigpipe_default_kills_with_status_13)
{
	int st = ufw_run_child(write_to_closed_pipe, NULL);

	CHECK_EQ(st, SIGPIPE);
}

static int raise_segv_default(void *arg)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);	/* no core: no 0x80 bit, as Linux */
	raise(SIGSEGV);
	return 1;
}

TEST(default_core_signal_without_core_dump_reports_plain_signal)
{
	CHECK_EQ(ufw_run_child(raise_segv_default, NULL), SIGSEGV);
}

/* --- timers ------------------------------------------------------------ */

TEST(alarm_delivers_sigalrm_and_reports_the_old_value)
{
	on(SIGALRM, nothing, 0);
	CHECK_EQ(alarm(5), 0);
	CHECK_EQ(alarm(1), 5);
	CHECK_ERR(pause(), EINTR);
	CHECK_EQ(calls, 1);
	CHECK_EQ(alarm(0), 0);
}

TEST(setitimer_interval_repeats)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur;
	sigset_t empty;

	on(SIGALRM, nothing, 0);
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	sigemptyset(&empty);
	while (calls < 3)
		sigsuspend(&empty);
	CHECK_OK(getitimer(ITIMER_REAL, &cur));
	CHECK_EQ(cur.it_interval.tv_usec, 20000);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 20000);
	it = (struct itimerval){ { 0, 0 }, { 0, 0 } };
	CHECK_OK(setitimer(ITIMER_REAL, &it, &cur));
	CHECK_EQ(cur.it_interval.tv_usec, 20000);
	CHECK_OK(getitimer(ITIMER_REAL, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	it.it_value.tv_usec = 1000000;
	CHECK_ERR(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
}
