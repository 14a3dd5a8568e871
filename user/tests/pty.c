/*
 * pty: pseudo-terminal pairs as Linux makes them: /dev/ptmx and
 * /dev/pts/N, locking, data both ways through the slave's line
 * discipline (canonical editing, echo, ICRNL, ONLCR, VMIN/VTIME), window
 * size, flushing, and hang-up in both directions. No signals needed.
 */
#include "ufw.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

/* A master and its unlocked slave, neither a controlling terminal. */
static void open_pair(int *m, int *s)
{
	*m = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY));
	CHECK_OK(unlockpt(*m));
	*s = CHECK_OK(open(ptsname(*m), O_RDWR | O_NOCTTY));
}

/* Read what arrives on @fd within @ms milliseconds (up to @len bytes). */
static int read_for(int fd, char *buf, int len, int ms)
{
	int got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, ms) <= 0 || !(p.revents & POLLIN))
			break;
		int n = read(fd, buf + got, len - got);

		if (n <= 0)
			break;
		got += n;
		ms = 50;	/* the rest follows quickly */
	}
	buf[got] = '\0';
	return got;
}

static void set_lflag(int fd, tcflag_t on, tcflag_t off)
{
	struct termios t;

	CHECK_OK(tcgetattr(fd, &t));
	t.c_lflag = (t.c_lflag | on) & ~off;
	CHECK_OK(tcsetattr(fd, TCSANOW, &t));
}

static long ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

TEST(pty_master_write_reaches_slave_as_a_line)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(m, "hello\n", 6), 6);
	CHECK_EQ(read(s, buf, sizeof(buf)), 6);
	CHECK_MEM(buf, "hello\n", 6);
}

TEST(pty_canonical_read_waits_for_newline)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_OK(fcntl(s, F_SETFL, O_NONBLOCK));
	CHECK_EQ(write(m, "abc", 3), 3);
	CHECK_ERR(read(s, buf, sizeof(buf)), EAGAIN);
	CHECK_EQ(write(m, "\n", 1), 1);
	CHECK_EQ(read(s, buf, sizeof(buf)), 4);
	CHECK_MEM(buf, "abc\n", 4);
}

TEST(pty_one_line_per_canonical_read)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(m, "a\nbc\n", 5), 5);
	CHECK_EQ(read(s, buf, sizeof(buf)), 2);
	CHECK_EQ(read(s, buf, sizeof(buf)), 3);
	CHECK_MEM(buf, "bc\n", 3);
}

TEST(pty_echo_with_onlcr_visible_on_master)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(m, "hi\n", 3), 3);
	CHECK_EQ(read_for(m, buf, 63, 1000), 4);
	CHECK_STR(buf, "hi\r\n");
}

TEST(pty_slave_output_gets_onlcr)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(s, "x\ny\n", 4), 4);
	CHECK_EQ(read_for(m, buf, 63, 1000), 6);
	CHECK_STR(buf, "x\r\ny\r\n");
}

TEST(pty_opost_off_sends_bytes_unchanged)
{
	int m, s;
	char buf[64];
	struct termios t;

	open_pair(&m, &s);
	CHECK_OK(tcgetattr(s, &t));
	t.c_oflag &= ~OPOST;
	CHECK_OK(tcsetattr(s, TCSANOW, &t));
	CHECK_EQ(write(s, "x\n", 2), 2);
	CHECK_EQ(read_for(m, buf, 63, 1000), 2);
	CHECK_STR(buf, "x\n");
}

TEST(pty_echo_off_echoes_nothing)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	set_lflag(s, 0, ECHO);
	CHECK_EQ(write(m, "secret\n", 7), 7);
	CHECK_EQ(read(s, buf, sizeof(buf)), 7);
	CHECK_EQ(read_for(m, buf, 63, 200), 0);
}

TEST(pty_echonl_echoes_only_newline)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	set_lflag(s, ECHONL, ECHO);
	CHECK_EQ(write(m, "pw\n", 3), 3);
	CHECK_EQ(read_for(m, buf, 63, 500), 2);
	CHECK_STR(buf, "\r\n");
}

TEST(pty_icrnl_maps_cr_to_nl_and_off_keeps_cr)
{
	int m, s;
	char buf[64];
	struct termios t;

	open_pair(&m, &s);
	CHECK_EQ(write(m, "a\r", 2), 2);
	CHECK_EQ(read(s, buf, sizeof(buf)), 2);
	CHECK_MEM(buf, "a\n", 2);
	CHECK_OK(tcgetattr(s, &t));
	t.c_iflag &= ~ICRNL;
	t.c_lflag &= ~ICANON;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	CHECK_OK(tcsetattr(s, TCSANOW, &t));
	CHECK_EQ(write(m, "b\r", 2), 2);
	CHECK_EQ(read_for(s, buf, 2, 1000), 2);
	CHECK_MEM(buf, "b\r", 2);
}

TEST(pty_igncr_drops_cr)
{
	int m, s;
	char buf[64];
	struct termios t;

	open_pair(&m, &s);
	CHECK_OK(tcgetattr(s, &t));
	t.c_iflag |= IGNCR;
	CHECK_OK(tcsetattr(s, TCSANOW, &t));
	CHECK_EQ(write(m, "a\rb\n", 4), 4);
	CHECK_EQ(read(s, buf, sizeof(buf)), 3);
	CHECK_MEM(buf, "ab\n", 3);
}

TEST(pty_erase_and_kill_edit_the_line)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(m, "abx\x7f" "c\n", 6), 6);
	CHECK_EQ(read(s, buf, sizeof(buf)), 4);
	CHECK_MEM(buf, "abc\n", 4);
	CHECK_EQ(read_for(m, buf, 63, 500), 9);
	CHECK_STR(buf, "abx\b \bc\r\n");
	CHECK_EQ(write(m, "junk\x15ok\n", 8), 8);
	CHECK_EQ(read(s, buf, sizeof(buf)), 3);
	CHECK_MEM(buf, "ok\n", 3);
}

TEST(pty_werase_removes_a_word)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(m, "one two\x17three\n", 14), 14);
	CHECK_EQ(read(s, buf, sizeof(buf)), 10);
	CHECK_MEM(buf, "one three\n", 10);
}

TEST(pty_lnext_makes_erase_literal)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(m, "a\x16\x7f\n", 4), 4);
	CHECK_EQ(read(s, buf, sizeof(buf)), 3);
	CHECK_MEM(buf, "a\x7f\n", 3);
}

TEST(pty_echoctl_shows_control_chars_as_caret)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(m, "\x01\n", 2), 2);
	CHECK_EQ(read_for(m, buf, 63, 500), 4);
	CHECK_STR(buf, "^A\r\n");
}

TEST(pty_ctrl_d_is_end_of_file)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(m, "ab\x04", 3), 3);
	CHECK_EQ(read(s, buf, sizeof(buf)), 2);
	CHECK_EQ(write(m, "\x04", 1), 1);
	CHECK_EQ(read(s, buf, sizeof(buf)), 0);
}

static void set_raw(int s, int vmin, int vtime)
{
	struct termios t;

	CHECK_OK(tcgetattr(s, &t));
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = vmin;
	t.c_cc[VTIME] = vtime;
	CHECK_OK(tcsetattr(s, TCSANOW, &t));
}

TEST(pty_raw_vmin0_vtime0_returns_at_once)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	set_raw(s, 0, 0);
	CHECK_EQ(read(s, buf, sizeof(buf)), 0);
	CHECK_EQ(write(m, "q", 1), 1);
	usleep(50000);
	CHECK_EQ(read(s, buf, sizeof(buf)), 1);
}

TEST(pty_raw_vtime_only_times_out)
{
	int m, s;
	char buf[64];
	struct timespec t0;

	open_pair(&m, &s);
	set_raw(s, 0, 2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ(read(s, buf, sizeof(buf)), 0);
	CHECK(ms_since(&t0) >= 150);
	CHECK(ms_since(&t0) < 2000);
}

TEST(pty_raw_vmin_waits_for_count)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	set_raw(s, 3, 0);
	CHECK_EQ(write(m, "ab", 2), 2);
	if (fork() == 0) {
		usleep(100000);
		_exit(write(m, "c", 1) == 1 ? 0 : 1);
	}
	CHECK_EQ(read(s, buf, sizeof(buf)), 3);
	CHECK_MEM(buf, "abc", 3);
	wait(NULL);
}

TEST(pty_raw_vmin_vtime_inter_byte_timer)
{
	int m, s;
	char buf[64];
	struct timespec t0;

	open_pair(&m, &s);
	set_raw(s, 5, 1);
	CHECK_EQ(write(m, "ab", 2), 2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ(read(s, buf, sizeof(buf)), 2);
	CHECK(ms_since(&t0) >= 50);
}

TEST(pty_leaving_canonical_makes_partial_line_readable)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(m, "part", 4), 4);
	usleep(50000);
	set_raw(s, 1, 0);
	CHECK_EQ(read(s, buf, sizeof(buf)), 4);
}

TEST(pty_window_size_set_on_master_seen_on_slave)
{
	int m, s;
	struct winsize w = { .ws_row = 33, .ws_col = 101 }, r;

	open_pair(&m, &s);
	CHECK_OK(ioctl(s, TIOCGWINSZ, &r));
	CHECK_EQ(r.ws_row, 0);
	CHECK_OK(ioctl(m, TIOCSWINSZ, &w));
	CHECK_OK(ioctl(s, TIOCGWINSZ, &r));
	CHECK_EQ(r.ws_row, 33);
	CHECK_EQ(r.ws_col, 101);
}

TEST(pty_fionread_counts_both_directions)
{
	int m, s, n;

	open_pair(&m, &s);
	CHECK_EQ(write(m, "abc\n", 4), 4);
	usleep(50000);
	CHECK_OK(ioctl(s, FIONREAD, &n));
	CHECK_EQ(n, 4);
	set_lflag(s, 0, ECHO);
	CHECK_OK(tcflush(m, TCIFLUSH));		/* drop the echo */
	CHECK_EQ(write(s, "xy", 2), 2);
	usleep(50000);
	CHECK_OK(ioctl(m, FIONREAD, &n));
	CHECK_EQ(n, 2);
}

TEST(pty_tcflush_discards_typed_input)
{
	int m, s;
	char buf[64];

	open_pair(&m, &s);
	CHECK_EQ(write(m, "gone\n", 5), 5);
	usleep(50000);
	CHECK_OK(tcflush(s, TCIFLUSH));
	CHECK_OK(fcntl(s, F_SETFL, O_NONBLOCK));
	CHECK_ERR(read(s, buf, sizeof(buf)), EAGAIN);
	CHECK_ERR(tcflush(s, 7), EINVAL);
}

TEST(pty_numbers_are_distinct_and_nodes_exist)
{
	int m1 = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY));
	int m2 = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY));
	int n1, n2;
	char name[32];
	struct stat st;

	CHECK_OK(ioctl(m1, TIOCGPTN, &n1));
	CHECK_OK(ioctl(m2, TIOCGPTN, &n2));
	CHECK(n1 != n2 && n1 >= 0 && n2 >= 0);
	snprintf(name, sizeof(name), "/dev/pts/%d", n2);
	CHECK_STR(ptsname(m2), name);
	CHECK_OK(stat(name, &st));
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(major(st.st_rdev), 136);
	CHECK_EQ(minor(st.st_rdev), n2);
	CHECK_EQ(st.st_uid, getuid());
}

TEST(pty_node_listed_in_dev_pts)
{
	int m = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY)), n;
	char name[16];
	bool found = false;
	struct dirent *e;
	DIR *d;

	CHECK_OK(ioctl(m, TIOCGPTN, &n));
	snprintf(name, sizeof(name), "%d", n);
	d = opendir("/dev/pts");
	CHECK(d != NULL);
	while ((e = readdir(d)))
		found |= strcmp(e->d_name, name) == 0;
	closedir(d);
	CHECK(found);
}

TEST(pty_slave_locked_until_unlockpt)
{
	int m = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY)), v = 0;
	char name[32];

	strcpy(name, ptsname(m));
	CHECK_OK(ioctl(m, TIOCGPTLCK, &v));
	CHECK_EQ(v, 1);
	CHECK_ERR(open(name, O_RDWR | O_NOCTTY), EIO);
	CHECK_ERR(ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY), EIO);
	CHECK_OK(unlockpt(m));
	CHECK_OK(ioctl(m, TIOCGPTLCK, &v));
	CHECK_EQ(v, 0);
	CHECK_OK(open(name, O_RDWR | O_NOCTTY));
}

TEST(pty_tiocgptpeer_opens_the_slave)
{
	int m = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY)), s, n;
	char buf[16];
	struct stat a, b;

	CHECK_OK(unlockpt(m));
	s = CHECK_OK(ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
	CHECK(isatty(s));
	CHECK_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
	CHECK_OK(fstat(s, &a));
	CHECK_OK(stat(ptsname(m), &b));
	CHECK_EQ(a.st_rdev, b.st_rdev);
	CHECK_ERR(ioctl(s, TIOCGPTN, &n), ENOTTY);
	CHECK_EQ(write(s, "z", 1), 1);
	CHECK_EQ(read_for(m, buf, 15, 1000), 1);
}

TEST(pty_master_read_before_slave_open_would_block)
{
	int m = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK));
	char buf[8];
	struct pollfd p = { .fd = m, .events = POLLIN | POLLOUT };

	CHECK_ERR(read(m, buf, sizeof(buf)), EAGAIN);
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK_EQ(p.revents, POLLOUT);
}

TEST(pty_master_reads_eio_after_slave_closes)
{
	int m, s;
	char buf[8];
	struct pollfd p;

	open_pair(&m, &s);
	set_lflag(s, 0, ECHO);
	CHECK_EQ(write(s, "k", 1), 1);
	CHECK_OK(close(s));
	p = (struct pollfd){ .fd = m, .events = POLLIN };
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK(p.revents & POLLHUP);
	CHECK_EQ(read(m, buf, sizeof(buf)), 1);		/* what was left */
	CHECK_ERR(read(m, buf, sizeof(buf)), EIO);
	/* Typing still queues input for the next opener. */
	CHECK_EQ(write(m, "again\n", 6), 6);
	s = CHECK_OK(open(ptsname(m), O_RDWR | O_NOCTTY));
	CHECK_EQ(read(s, buf, sizeof(buf)), 6);
}

TEST(pty_slave_hung_up_after_master_closes)
{
	int m, s;
	char buf[8], name[32];
	struct pollfd p;
	struct termios t;
	struct stat st;

	open_pair(&m, &s);
	strcpy(name, ptsname(m));
	CHECK_EQ(write(m, "unread\n", 7), 7);
	CHECK_OK(close(m));
	CHECK_EQ(read(s, buf, sizeof(buf)), 0);
	CHECK_ERR(write(s, "x", 1), EIO);
	CHECK_ERR(tcgetattr(s, &t), EIO);
	p = (struct pollfd){ .fd = s, .events = POLLIN | POLLOUT };
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK(p.revents & POLLHUP);
	CHECK_ERR(stat(name, &st), ENOENT);
}

TEST(pty_ptmx_has_its_device_number)
{
	struct stat st;

	CHECK_OK(stat("/dev/ptmx", &st));
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(major(st.st_rdev), 5);
	CHECK_EQ(minor(st.st_rdev), 2);
}
