/*
 * tty_jobctl: controlling terminals and job control on a pty, each test
 * in its own session (setsid) so it behaves the same on the host and in
 * the guest: acquiring and dropping the terminal, /dev/tty, ^C to the
 * foreground group, SIGTTIN/SIGTTOU for background groups, SIGWINCH, and
 * SIGHUP on hang-up and when the session leader exits.
 */
#include "ufw.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int open_master(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0 || unlockpt(m) < 0)
		ufw_fail(__LINE__, "posix_openpt: %s", ufw_errname(errno));
	return m;
}

/* In a new session, open the slave so that it becomes the ctty. */
/*
 * The job-control signals start at their defaults: a shell that ran the
 * suite in the background leaves SIGINT and SIGQUIT ignored, which would
 * make the ^C/^\ tests wait for a death that never comes.
 */
static void default_job_signals(void)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN,
				    SIGTTOU, SIGHUP, SIGCONT, SIGWINCH };

	for (unsigned int i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

static int become_leader_with_ctty(int m)
{
	default_job_signals();
	if (setsid() < 0)
		_exit(90);
	int s = open(ptsname(m), O_RDWR);

	if (s < 0)
		_exit(91);
	return s;
}

static int wait_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		ufw_fail(__LINE__, "waitpid: %s", ufw_errname(errno));
	return st;
}

/* The child's verdict: exit 0 means all its checks passed. */
#define CHECK_CHILD_OK(pid)						\
	do {								\
		int st_ = wait_status(pid);				\
		if (!WIFEXITED(st_) || WEXITSTATUS(st_) != 0)		\
			ufw_fail(__LINE__, "child status 0x%x", st_);	\
	} while (0)

#define EXPECT(cond, code)						\
	do {								\
		if (!(cond))						\
			_exit(code);					\
	} while (0)

/* Wait for one byte on @fd (a pipe) for up to @ms. */
static bool got_byte(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	return poll(&p, 1, ms) == 1 && read(fd, &c, 1) == 1;
}

TEST(open_without_noctty_makes_session_leader_acquire_tty)
{
	int m = open_master();
	pid_t pid = fork();

	if (pid == 0) {
		int s = become_leader_with_ctty(m), pg, sid;

		EXPECT(ioctl(s, TIOCGPGRP, &pg) == 0 && pg == getpid(), 1);
		EXPECT(ioctl(s, TIOCGSID, &sid) == 0 && sid == getpid(), 2);
		EXPECT(tcgetpgrp(s) == getpid(), 3);
		int t = open("/dev/tty", O_RDWR);

		EXPECT(t >= 0, 4);
		EXPECT(write(t, "T", 1) == 1, 5);
		_exit(0);
	}
	CHECK_CHILD_OK(pid);
	char c;

	CHECK_EQ(read(m, &c, 1), 1);
	CHECK_EQ(c, 'T');
}

TEST(noctty_open_leaves_dev_tty_enxio_until_tiocsctty)
{
	int m = open_master();
	pid_t pid = fork();

	if (pid == 0) {
		EXPECT(setsid() > 0, 1);
		int s = open(ptsname(m), O_RDWR | O_NOCTTY), pg;

		EXPECT(s >= 0, 2);
		EXPECT(open("/dev/tty", O_RDWR) < 0, 3);
		EXPECT(errno == ENXIO, 30);
		EXPECT(ioctl(s, TIOCGPGRP, &pg) < 0 && errno == ENOTTY, 4);
		EXPECT(ioctl(s, TIOCSCTTY, 0) == 0, 5);
		EXPECT(ioctl(s, TIOCSCTTY, 0) == 0, 6);	/* already ours */
		EXPECT(open("/dev/tty", O_RDWR) >= 0, 7);
		_exit(0);
	}
	CHECK_CHILD_OK(pid);
}

TEST(tiocsctty_refused_to_non_leader_and_second_tty)
{
	int m1 = open_master(), m2 = open_master();
	pid_t pid = fork();

	if (pid == 0) {
		int s1 = become_leader_with_ctty(m1);
		int s2 = open(ptsname(m2), O_RDWR | O_NOCTTY);

		(void)s1;
		EXPECT(s2 >= 0, 1);
		EXPECT(ioctl(s2, TIOCSCTTY, 0) < 0 && errno == EPERM, 2);
		pid_t c = fork();

		if (c == 0) {
			/* Same session, not its leader. */
			int s3 = open(ptsname(m2), O_RDWR | O_NOCTTY);

			_exit(ioctl(s3, TIOCSCTTY, 0) < 0 && errno == EPERM ? 0 : 3);
		}
		int st;

		EXPECT(waitpid(c, &st, 0) == c && WIFEXITED(st), 4);
		_exit(WEXITSTATUS(st));
	}
	CHECK_CHILD_OK(pid);
}

TEST(tiocsctty_refused_for_another_sessions_tty)
{
	int m = open_master(), ready[2];
	pid_t owner, pid;

	CHECK_OK(pipe(ready));
	owner = fork();
	if (owner == 0) {
		become_leader_with_ctty(m);
		(void)!write(ready[1], "r", 1);
		pause();
		_exit(0);
	}
	CHECK(got_byte(ready[0], 5000));
	pid = fork();
	if (pid == 0) {
		EXPECT(setsid() > 0, 1);
		int s = open(ptsname(m), O_RDWR);	/* does not acquire it */

		EXPECT(s >= 0, 2);
		EXPECT(open("/dev/tty", O_RDWR) < 0 && errno == ENXIO, 3);
		EXPECT(ioctl(s, TIOCSCTTY, 0) < 0 && errno == EPERM, 4);
		_exit(0);
	}
	CHECK_CHILD_OK(pid);
	kill(owner, SIGKILL);
	wait_status(owner);
}

TEST(tiocnotty_by_leader_drops_tty_and_signals_foreground)
{
	int m = open_master();
	pid_t pid = fork();

	if (pid == 0) {
		int s = become_leader_with_ctty(m), pg;

		signal(SIGHUP, SIG_IGN);	/* the leader's own group gets it */
		EXPECT(ioctl(s, TIOCNOTTY) == 0, 1);
		EXPECT(open("/dev/tty", O_RDWR) < 0 && errno == ENXIO, 2);
		EXPECT(ioctl(s, TIOCGPGRP, &pg) < 0 && errno == ENOTTY, 3);
		EXPECT(ioctl(s, TIOCNOTTY) < 0 && errno == ENOTTY, 4);
		_exit(0);
	}
	CHECK_CHILD_OK(pid);
}

TEST(tiocnotty_by_leader_sends_sighup_to_foreground)
{
	int m = open_master();
	pid_t pid = fork();

	if (pid == 0) {
		int s = become_leader_with_ctty(m);

		ioctl(s, TIOCNOTTY);
		_exit(0);
	}
	int st = wait_status(pid);

	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGHUP);
}

TEST(ctrl_c_from_master_sends_sigint_and_echoes)
{
	int m = open_master(), ready[2];
	char buf[16];
	pid_t pid;

	CHECK_OK(pipe(ready));
	pid = fork();
	if (pid == 0) {
		int s = become_leader_with_ctty(m);
		char c;

		(void)!write(ready[1], "r", 1);
		(void)!read(s, &c, 1);
		_exit(1);
	}
	CHECK(got_byte(ready[0], 5000));
	usleep(100000);		/* let it block in read */
	CHECK_EQ(write(m, "\x03", 1), 1);
	int st = wait_status(pid);

	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGINT);
	CHECK_EQ(read(m, buf, sizeof(buf)), 2);
	CHECK_MEM(buf, "^C", 2);
}

/*
 * Stop signals are discarded for orphaned groups (a session leader's own
 * group, here), so the reader is a foreground job the leader started.
 */
static int leader_runs_foreground_job(int m)
{
	int s = become_leader_with_ctty(m), go[2], ready[2], st;
	pid_t job;

	if (pipe(go) < 0 || pipe(ready) < 0)
		return 80;
	job = fork();
	if (job == 0) {
		char c;

		setpgid(0, 0);
		(void)!read(go[0], &c, 1);
		(void)!write(ready[1], "r", 1);
		(void)!read(s, &c, 1);
		_exit(1);
	}
	setpgid(job, job);
	if (tcsetpgrp(s, job) < 0)
		return 81;
	(void)!write(go[1], "g", 1);
	if (!got_byte(ready[0], 5000))
		return 82;
	usleep(100000);
	(void)!write(m, "\x1a", 1);
	if (waitpid(job, &st, WUNTRACED) != job || !WIFSTOPPED(st))
		return 83;
	if (WSTOPSIG(st) != SIGTSTP)
		return 84;
	(void)!write(m, "\x1c", 1);
	kill(job, SIGCONT);
	if (waitpid(job, &st, 0) != job || !WIFSIGNALED(st))
		return 85;
	return WTERMSIG(st) == SIGQUIT ? 0 : 86;
}

TEST(ctrl_z_stops_foreground_job_and_ctrl_backslash_quits_it)
{
	int m = open_master();
	pid_t pid = fork();

	if (pid == 0)
		_exit(leader_runs_foreground_job(m));
	CHECK_CHILD_OK(pid);
}

/*
 * Run @fn in a background process group of a session whose terminal is
 * the pty; its wait status comes back as the session leader's exit code
 * (stopped: 100 + signal, exited: its code).
 */
static int in_background(int m, int (*fn)(int s))
{
	pid_t pid = fork();

	if (pid == 0) {
		int s = become_leader_with_ctty(m), st;
		pid_t bg = fork();

		if (bg == 0) {
			setpgid(0, 0);
			_exit(fn(s));
		}
		setpgid(bg, bg);
		if (waitpid(bg, &st, WUNTRACED) != bg)
			_exit(92);
		if (WIFSTOPPED(st)) {
			kill(bg, SIGKILL);
			waitpid(bg, NULL, 0);
			_exit(100 + WSTOPSIG(st));
		}
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 93);
	}
	int st = wait_status(pid);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int bg_read(int s)
{
	char c;

	return read(s, &c, 1) < 0 && errno == EIO ? 0 : 1;
}

TEST(background_read_stops_with_sigttin)
{
	CHECK_EQ(in_background(open_master(), bg_read), 100 + SIGTTIN);
}

static int bg_read_ignored(int s)
{
	signal(SIGTTIN, SIG_IGN);
	return bg_read(s);
}

TEST(background_read_with_sigttin_ignored_is_eio)
{
	CHECK_EQ(in_background(open_master(), bg_read_ignored), 0);
}

static int bg_write(int s)
{
	return write(s, "w", 1) == 1 ? 0 : 1;
}

TEST(background_write_allowed_without_tostop)
{
	CHECK_EQ(in_background(open_master(), bg_write), 0);
}

/* Set through the master: from the background it would stop the caller. */
static int set_tostop(int m)
{
	struct termios t;

	if (tcgetattr(m, &t) < 0)
		return -1;
	t.c_lflag |= TOSTOP;
	return tcsetattr(m, TCSANOW, &t);
}

TEST(background_write_with_tostop_stops_with_sigttou)
{
	int m = open_master();

	CHECK_OK(set_tostop(m));
	CHECK_EQ(in_background(m, bg_write), 100 + SIGTTOU);
}

static int bg_write_ttou_ignored(int s)
{
	signal(SIGTTOU, SIG_IGN);
	return bg_write(s);
}

TEST(background_write_with_tostop_and_sigttou_ignored_succeeds)
{
	int m = open_master();

	CHECK_OK(set_tostop(m));
	CHECK_EQ(in_background(m, bg_write_ttou_ignored), 0);
}

static int bg_tcsetattr(int s)
{
	struct termios t;

	if (tcgetattr(s, &t) < 0)
		return 2;
	return tcsetattr(s, TCSANOW, &t) == 0 ? 0 : 1;
}

TEST(background_tcsetattr_stops_with_sigttou)
{
	CHECK_EQ(in_background(open_master(), bg_tcsetattr), 100 + SIGTTOU);
}

static int bg_tcsetpgrp_ignored(int s)
{
	signal(SIGTTOU, SIG_IGN);
	/* What a shell does to bring a job to the foreground. */
	return tcsetpgrp(s, getpgrp()) == 0 && tcgetpgrp(s) == getpgrp() ? 0 : 1;
}

TEST(background_tcsetpgrp_with_sigttou_ignored_takes_foreground)
{
	CHECK_EQ(in_background(open_master(), bg_tcsetpgrp_ignored), 0);
}

static int bg_tcsetpgrp(int s)
{
	return tcsetpgrp(s, getpgrp()) == 0 ? 0 : 1;
}

TEST(background_tcsetpgrp_stops_with_sigttou)
{
	CHECK_EQ(in_background(open_master(), bg_tcsetpgrp), 100 + SIGTTOU);
}

TEST(tcsetpgrp_rejects_group_of_another_session)
{
	int m = open_master();
	pid_t pid = fork();

	if (pid == 0) {
		int s = become_leader_with_ctty(m);

		EXPECT(tcsetpgrp(s, getppid()) < 0, 1);
		EXPECT(errno == EPERM || errno == ESRCH, 2);
		EXPECT(tcsetpgrp(s, 0x7ffffff0) < 0 && errno == ESRCH, 3);
		EXPECT(tcsetpgrp(s, -1) < 0 && errno == EINVAL, 4);
		_exit(0);
	}
	CHECK_CHILD_OK(pid);
}

static volatile sig_atomic_t winches;

static void on_winch(int sig)
{
	winches++;
}

TEST(window_size_change_sends_sigwinch_to_foreground)
{
	int m = open_master();
	pid_t pid = fork();

	if (pid == 0) {
		int s = become_leader_with_ctty(m);
		struct winsize w = { .ws_row = 10, .ws_col = 20 };

		signal(SIGWINCH, on_winch);
		EXPECT(ioctl(m, TIOCSWINSZ, &w) == 0, 1);
		EXPECT(winches == 1, 2);
		EXPECT(ioctl(s, TIOCSWINSZ, &w) == 0, 3);	/* same size */
		EXPECT(winches == 1, 4);
		w.ws_col = 21;
		EXPECT(ioctl(s, TIOCSWINSZ, &w) == 0, 5);
		EXPECT(winches == 2, 6);
		_exit(0);
	}
	CHECK_CHILD_OK(pid);
}

TEST(master_close_sends_sighup_to_session_leader)
{
	int m = open_master(), ready[2];
	pid_t pid;

	CHECK_OK(pipe(ready));
	pid = fork();
	if (pid == 0) {
		int s = become_leader_with_ctty(m);
		char c;

		close(m);
		(void)!write(ready[1], "r", 1);
		(void)!read(s, &c, 1);
		pause();
		_exit(1);
	}
	CHECK(got_byte(ready[0], 5000));
	usleep(100000);
	CHECK_OK(close(m));
	int st = wait_status(pid);

	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGHUP);
}

static int hup_pipe = -1;

static void on_hup(int sig)
{
	(void)!write(hup_pipe, "H", 1);
	_exit(0);
}

TEST(session_leader_exit_sends_sighup_to_foreground_group)
{
	int m = open_master(), ready[2], hup[2];
	pid_t pid;

	CHECK_OK(pipe(ready));
	CHECK_OK(pipe(hup));
	pid = fork();
	if (pid == 0) {
		become_leader_with_ctty(m);
		if (fork() == 0) {
			/* Stays in the leader's (foreground) group. */
			hup_pipe = hup[1];
			signal(SIGHUP, on_hup);
			(void)!write(ready[1], "r", 1);
			for (;;)
				pause();
		}
		if (!got_byte(ready[0], 5000))
			_exit(2);
		_exit(0);
	}
	CHECK_CHILD_OK(pid);
	CHECK(got_byte(hup[0], 5000));
}

TEST(dev_tty_without_controlling_terminal_is_enxio_in_new_session)
{
	pid_t pid = fork();

	if (pid == 0) {
		EXPECT(setsid() > 0, 1);
		EXPECT(open("/dev/tty", O_RDWR) < 0 && errno == ENXIO, 2);
		_exit(0);
	}
	CHECK_CHILD_OK(pid);
}
