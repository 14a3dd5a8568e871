/*
 * ptyrun: runs a shell on a new pseudo-terminal and drives it from the
 * master side, for the interactive tests (tests/interactive/). Prints
 * "ptyrun: ok" when the shell's output shows the command ran, else
 * "ptyrun: FAIL <why>" and the transcript; exit status 0 or 1.
 *
 *   ptyrun [COMMANDS [EXPECTED-OUTPUT]]   (default "echo hi; exit", "hi")
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LIMIT_MS	15000
#define OUT_MAX		8192

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The child: a new session whose controlling terminal is the slave. */
static void run_shell(const char *slave_name, int master)
{
	int s;

	close(master);
	if (setsid() < 0) {
		perror("ptyrun: setsid");
		_exit(126);
	}
	s = open(slave_name, O_RDWR);
	if (s < 0) {
		perror("ptyrun: open slave");
		_exit(126);
	}
	/* Opening may already have made it ours (Linux does without
	 * O_NOCTTY); asking explicitly is what the test is about. */
	if (ioctl(s, TIOCSCTTY, 0) < 0 && errno != EPERM) {
		perror("ptyrun: TIOCSCTTY");
		_exit(126);
	}
	dup2(s, 0);
	dup2(s, 1);
	dup2(s, 2);
	if (s > 2)
		close(s);
	execl("/bin/sh", "sh", (char *)NULL);
	perror("ptyrun: exec /bin/sh");
	_exit(127);
}

/* Read the master until the slave side is gone (EIO or EOF) or time runs out. */
static size_t collect(int m, char *out, size_t cap, bool *timed_out)
{
	long end = now_ms() + LIMIT_MS;
	size_t len = 0;

	*timed_out = false;
	for (;;) {
		struct pollfd p = { .fd = m, .events = POLLIN };
		long left = end - now_ms();
		ssize_t n;

		if (left <= 0) {
			*timed_out = true;
			break;
		}
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = read(m, out + len, cap - 1 - len);
		if (n <= 0 && !(n < 0 && errno == EINTR))
			break;	/* EIO: the last slave fd closed */
		if (n > 0)
			len += (size_t)n;
		if (len == cap - 1)
			break;
	}
	out[len] = 0;
	return len;
}

/*
 * Did the shell print @want as the end of a line? The prompt may come
 * first on the same line, and the echoed command must not count: it has
 * "hi;" where the output has "hi" and CR LF (ONLCR is on).
 */
static bool has_output(const char *out, const char *want)
{
	char line[256];

	snprintf(line, sizeof(line), "%s\r\n", want);
	return strstr(out, line) != NULL;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "echo hi; exit";
	const char *want = argc > 2 ? argv[2] : "hi";
	static char out[OUT_MAX];
	bool timed_out;
	char *name;
	int m, status;
	pid_t pid;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || !(name = ptsname(m))) {
		printf("ptyrun: FAIL opening a pty: %s\n", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		printf("ptyrun: FAIL fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		run_shell(name, m);
	if (dprintf(m, "%s\n", cmd) < 0) {
		printf("ptyrun: FAIL write to master: %s\n", strerror(errno));
		kill(pid, SIGKILL);
		return 1;
	}
	collect(m, out, sizeof(out), &timed_out);
	if (timed_out)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(m);
	if (!timed_out && has_output(out, want) && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0) {
		printf("ptyrun: ok (slave %s)\n", name);
		return 0;
	}
	printf("ptyrun: FAIL %s, shell status 0x%x; transcript:\n%s\n",
	       timed_out ? "timed out" : has_output(out, want) ?
	       "bad exit status" : "expected line missing", status, out);
	return 1;
}
