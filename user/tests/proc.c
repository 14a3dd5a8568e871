/*
 * proc: process life cycle: fork/vfork/posix_spawn, execve (argv, envp,
 * auxv, #! scripts, its errors), wait4 status encoding, WNOHANG, ECHILD,
 * orphans, ids, sessions and process groups, umask and the uid/gid calls.
 */
#include "ufw.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Runs the helper with @args in a child; returns its stdout (static). */
static const char *helper_output(char *const args[], char *const envp[],
				 const char *path)
{
	static char out[4096];
	size_t got = 0;
	int p[2], st;
	ssize_t n;
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execve(path ? path : ufw_sibling("helper"), args, envp);
		_exit(99);
	}
	close(p[1]);
	while (got < sizeof(out) - 1 &&
	       (n = read(p[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += n;
	out[got] = 0;
	close(p[0]);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
	return out;
}

static int exit_with(void *arg)
{
	return (int)(long)arg;
}

TEST(fork_wait_exit_codes_0_1_255)
{
	int codes[] = { 0, 1, 42, 255 };

	for (int i = 0; i < 4; i++) {
		int st = ufw_run_child(exit_with, (void *)(long)codes[i]);

		CHECK(WIFEXITED(st));
		CHECK(!WIFSIGNALED(st));
		CHECK_EQ(WEXITSTATUS(st), codes[i]);
		CHECK_EQ(st, codes[i] << 8);
	}
	/* Only the low 8 bits of the exit code survive. */
	CHECK_EQ(ufw_run_child(exit_with, (void *)256L), 0);
}

TEST(fork_child_has_own_memory_copy)
{
	static volatile int value = 1;
	int st;
	pid_t pid = CHECK_OK(fork());

	if (pid == 0) {
		value = 2;
		_exit(value == 2 ? 0 : 1);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
	CHECK_EQ(value, 1);
}

TEST(fork_child_ids)
{
	int p[2], st;
	pid_t ids[3], pid;

	CHECK_OK(pipe(p));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		ids[0] = getpid();
		ids[1] = getppid();
		ids[2] = syscall(SYS_gettid);
		_exit(write(p[1], ids, sizeof(ids)) == sizeof(ids) ? 0 : 1);
	}
	CHECK_EQ(read(p[0], ids, sizeof(ids)), sizeof(ids));
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(ids[0], pid);
	CHECK_EQ(ids[1], getpid());
	CHECK_EQ(ids[2], pid);
	CHECK_EQ(syscall(SYS_gettid), getpid());
}

TEST(wait4_returns_rusage)
{
	struct rusage ru;
	int st;
	pid_t pid = CHECK_OK(fork());

	if (pid == 0)
		_exit(3);
	memset(&ru, 0xff, sizeof(ru));
	CHECK_EQ(wait4(pid, &st, 0, &ru), pid);
	CHECK_EQ(WEXITSTATUS(st), 3);
	CHECK(ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec < 1000000);
	CHECK(ru.ru_stime.tv_sec >= 0 && ru.ru_stime.tv_usec < 1000000);
}

TEST(wait_any_child_then_echild)
{
	int st, seen = 0;

	for (int i = 0; i < 3; i++)
		if (CHECK_OK(fork()) == 0)
			_exit(10 + i);
	for (int i = 0; i < 3; i++) {
		CHECK(wait(&st) > 0);
		seen |= 1 << (WEXITSTATUS(st) - 10);
	}
	CHECK_EQ(seen, 7);
	CHECK_ERR(wait(&st), ECHILD);
	CHECK_ERR(waitpid(1, &st, 0), ECHILD);
	CHECK_ERR(waitpid(-1, &st, 0x40000), EINVAL);
}

TEST(waitpid_wnohang_running_child)
{
	int p[2], st;
	char c;
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 5 : 6);
	}
	close(p[0]);
	CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
	close(p[1]);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(WEXITSTATUS(st), 5);
}

TEST(wait_status_bad_pointer_efault)
{
	pid_t pid = CHECK_OK(fork());

	if (pid == 0)
		_exit(0);
	CHECK_ERR(wait4(pid, UFW_KERNEL_PTR, 0, NULL), EFAULT);
}

TEST(vfork_child_runs_first_in_shared_memory)
{
	static volatile int marker;
	int st;
	pid_t pid;

	marker = 0;
	pid = vfork();
	if (pid == 0) {
		marker = 1;
		_exit(9);
	}
	CHECK(pid > 0);
	/* The parent resumes only after the child exited. */
	CHECK_EQ(marker, 1);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(WEXITSTATUS(st), 9);
}

TEST(posix_spawn_clone_vm_vfork)
{
	char *args[] = { "helper", "exit", "7", NULL };
	pid_t pid;
	int st;

	CHECK_EQ(posix_spawn(&pid, ufw_sibling("helper"), NULL, NULL, args,
			     environ), 0);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(WEXITSTATUS(st), 7);
	/* The exec failure comes back through the shared memory. */
	CHECK_EQ(posix_spawn(&pid, "./missing", NULL, NULL, args, environ),
		 ENOENT);
}

TEST(execve_passes_argv_and_envp)
{
	char *args[] = { "helper", "echo", "one", "two words", "", NULL };
	char *envp[] = { "UFW_A=1", "UFW_B=x y", "OTHER=2", NULL };

	CHECK_STR(helper_output(args, envp, NULL),
		  "argv[0]=helper\nargv[1]=echo\nargv[2]=one\n"
		  "argv[3]=two words\nargv[4]=\nenv=UFW_A=1\nenv=UFW_B=x y\n");
}

TEST(execve_auxv_pagesz_random)
{
	char *args[] = { "helper", "auxv", NULL };
	char *envp[] = { NULL };
	char want[128];

	snprintf(want, sizeof(want),
		 "pagesz=4096 random=yes entry=yes phdr=yes uid=%d\n",
		 (int)getuid());
	CHECK_STR(helper_output(args, envp, NULL), want);
}

TEST(execve_shebang_script_with_argument)
{
	char script[4200];
	char *args[] = { "./script", "arg1", NULL };
	char *envp[] = { NULL };
	char want[9000];

	snprintf(script, sizeof(script), "#!%s echo\nignored\n",
		 ufw_sibling("helper"));
	ufw_write_file("script", script, strlen(script));
	CHECK_OK(chmod("script", 0755));
	snprintf(want, sizeof(want),
		 "argv[0]=%s\nargv[1]=echo\nargv[2]=./script\nargv[3]=arg1\n",
		 ufw_sibling("helper"));
	CHECK_STR(helper_output(args, envp, "./script"), want);
}

TEST(execve_missing_enoent)
{
	char *args[] = { "x", NULL };

	CHECK_ERR(execve("./missing", args, environ), ENOENT);
	CHECK_ERR(execve("", args, environ), ENOENT);
	ufw_write_file("script", "#!/nonexistent/interp\n", 22);
	CHECK_OK(chmod("script", 0755));
	CHECK_ERR(execve("./script", args, environ), ENOENT);
}

TEST(execve_not_executable_eacces)
{
	char *args[] = { "x", NULL };

	ufw_write_file("f", "#!/bin/sh\n", 10);
	CHECK_OK(chmod("f", 0644));
	CHECK_ERR(execve("./f", args, environ), EACCES);
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(execve("./d", args, environ), EACCES);
}

TEST(execve_garbage_enoexec)
{
	char *args[] = { "x", NULL };
	char junk[512];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 37 + 11);
	ufw_write_file("junk", junk, sizeof(junk));
	CHECK_OK(chmod("junk", 0755));
	CHECK_ERR(execve("./junk", args, environ), ENOEXEC);
	ufw_write_file("empty", "", 0);
	CHECK_OK(chmod("empty", 0755));
	CHECK_ERR(execve("./empty", args, environ), ENOEXEC);
}

TEST(execve_bad_pointers_efault)
{
	char *args[] = { "x", UFW_KERNEL_PTR, NULL };

	CHECK_ERR(execve(UFW_UNMAPPED_PTR, args, environ), EFAULT);
	CHECK_ERR(execve(ufw_sibling("helper"), args, environ), EFAULT);
	CHECK_ERR(execve(ufw_sibling("helper"), UFW_KERNEL_PTR, environ),
		  EFAULT);
}

/*
 * The orphan must be re-parented to the nearest subreaper, or to init when
 * there is none. prctl(PR_SET_CHILD_SUBREAPER) makes the host answer
 * deterministic; where the call is missing, init (pid 1) is the answer.
 */
TEST(orphan_reparented_to_subreaper_or_init)
{
	pid_t expect = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 ? getpid() : 1;
	int p[2], q[2], st;
	pid_t mid, ppid = 0;
	char c;

	CHECK_OK(pipe(p));
	CHECK_OK(pipe(q));
	mid = CHECK_OK(fork());
	if (mid == 0) {
		if (fork() == 0) {
			/* Wait until the middle process is gone. */
			close(q[1]);
			if (read(q[0], &c, 1) != 0)
				_exit(1);
			for (int i = 0; i < 2000 && getppid() != expect; i++)
				usleep(1000);
			ppid = getppid();
			_exit(write(p[1], &ppid, sizeof(ppid)) == sizeof(ppid) ? 0 : 1);
		}
		_exit(0);
	}
	close(q[0]);
	close(q[1]);
	close(p[1]);
	CHECK_EQ(waitpid(mid, &st, 0), mid);
	CHECK_EQ(read(p[0], &ppid, sizeof(ppid)), sizeof(ppid));
	CHECK_EQ(ppid, expect);
	if (expect == getpid())
		CHECK(wait(&st) > 0);
}

/*
 * Regression (found by the syscall fuzzer): an orphan's exit signal goes
 * back to SIGCHLD when it is re-parented, so a child made with
 * clone(SIGUSR1) cannot kill its new parent (init, or a subreaper) when
 * it exits. Here SIGUSR1 would end this test process, the subreaper.
 */
TEST(orphan_exit_signal_reset_to_sigchld)
{
	bool reaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
	int st;
	pid_t mid = CHECK_OK(fork());

	if (mid == 0) {
		/* A fork-like clone whose exit signal is SIGUSR1. */
		long g = syscall(SYS_clone, (long)SIGUSR1, 0L, 0L, 0L, 0L);

		if (g == 0) {
			usleep(100 * 1000);	/* outlive the middle process */
			_exit(0);
		}
		_exit(g > 0 ? 0 : 1);
	}
	CHECK_EQ(waitpid(mid, &st, 0), mid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	usleep(300 * 1000);		/* the orphan exits meanwhile */
	if (reaper)			/* a plain wait reaps it: it is a SIGCHLD child now */
		CHECK(waitpid(-1, &st, 0) > 0);
}

TEST(setsid_new_session_leader)
{
	int st;
	pid_t pid = CHECK_OK(fork());

	if (pid == 0) {
		if (setsid() != getpid())
			_exit(1);
		if (getsid(0) != getpid() || getpgid(0) != getpid() ||
		    getpgrp() != getpid())
			_exit(2);
		/* A group leader cannot start another session. */
		if (setsid() != -1 || errno != EPERM)
			_exit(3);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
	CHECK_ERR(getsid(999999), ESRCH);
}

TEST(setpgid_moves_child_group)
{
	int p[2], st;
	char c;
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 && getpgrp() == getpid() ? 0 : 1);
	}
	CHECK_OK(setpgid(pid, pid));
	CHECK_EQ(getpgid(pid), pid);
	CHECK_EQ(getpgid(0), getpgrp());
	CHECK_ERR(setpgid(pid, -1), EINVAL);
	CHECK_ERR(setpgid(999999, 0), ESRCH);
	CHECK_ERR(getpgid(999999), ESRCH);
	close(p[1]);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
}

TEST(umask_returns_previous)
{
	CHECK_EQ(umask(077), 022);
	CHECK_EQ(umask(0777 | 01000), 077);
	CHECK_EQ(umask(022), 0777);
}

TEST(uid_gid_calls_store_and_return)
{
	int st;
	pid_t pid;

	CHECK_EQ(getuid(), geteuid());
	CHECK_EQ(getgid(), getegid());
	if (getuid() != 0)
		return;
	pid = CHECK_OK(fork());
	if (pid == 0) {
		uid_t r, e, s;
		gid_t gr, ge, gs;

		if (setresgid(5, 6, 7) || getresgid(&gr, &ge, &gs) ||
		    gr != 5 || ge != 6 || gs != 7 || getgid() != 5 ||
		    getegid() != 6)
			_exit(1);
		if (setresuid(1, 2, 3) || getresuid(&r, &e, &s) ||
		    r != 1 || e != 2 || s != 3 || getuid() != 1 ||
		    geteuid() != 2)
			_exit(2);
		/* Not root any more: raising to 0 is refused. */
		if (setuid(0) != -1 || errno != EPERM)
			_exit(3);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
}

TEST(exit_group_ends_process_with_code)
{
	int st;
	pid_t pid = CHECK_OK(fork());

	if (pid == 0)
		syscall(SYS_exit_group, 77);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(WEXITSTATUS(st), 77);
}
