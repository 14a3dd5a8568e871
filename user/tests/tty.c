/*
 * tty: terminal ioctls as a test sees them. The tests run with their
 * output in a pipe or file and without a controlling terminal, so
 * terminal ioctls on those answer ENOTTY, exactly as on Linux.
 */
#include "ufw.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/wait.h>
#include <unistd.h>

TEST(tcgetattr_on_pipe_enotty)
{
	int p[2];
	struct termios t;

	CHECK_OK(pipe(p));
	CHECK_ERR(tcgetattr(p[0], &t), ENOTTY);
	CHECK(!isatty(p[0]));
}

TEST(tiocgwinsz_on_regular_file_enotty)
{
	struct winsize ws;
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_ERR(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
}

TEST(dev_tty_without_controlling_terminal_enxio)
{
	/* setsid drops any controlling terminal first, as on Linux. */
	if (fork() == 0) {
		setsid();
		_exit(open("/dev/tty", O_RDWR) == -1 && errno == ENXIO ? 0 : 1);
	}
	int st;

	CHECK_OK(wait(&st));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
