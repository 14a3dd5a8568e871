/* The line discipline's pure part (drivers/tty/n_tty.c): editing, echo,
 * signals, raw mode and output processing. */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include <ferrite/tty.h>

static struct n_tty tty;
static char echoed[4096];
static size_t echo_len;
static int last_sig;

static void cap_echo(void *ctx, const u8 *s, size_t n)
{
	if (echo_len + n >= sizeof(echoed))
		n = sizeof(echoed) - 1 - echo_len;	/* keep the start */
	memcpy(echoed + echo_len, s, n);
	echo_len += n;
	echoed[echo_len] = 0;
}

static void cap_signal(void *ctx, int sig)
{
	last_sig = sig;
}

static void setup(void)
{
	n_tty_init(&tty, cap_echo, cap_signal, NULL);
	echo_len = 0;
	echoed[0] = 0;
	last_sig = 0;
}

static void type(const char *s)
{
	while (*s)
		n_tty_receive(&tty, (u8)*s++);
}

/* One read of up to @len bytes as a string. */
static const char *rd(size_t len, bool *eof)
{
	static char out[4200];
	bool e;
	size_t n = n_tty_read(&tty, (u8 *)out, len, &e);

	out[n] = 0;
	if (eof)
		*eof = e;
	return out;
}

TEST(canonical_line_needs_newline_and_cr_maps_to_nl)
{
	setup();
	type("ls");
	EXPECT_EQ(n_tty_readable(&tty), 0);
	EXPECT_EQ(n_tty_inq(&tty), 0);
	type("\r");
	EXPECT_EQ(n_tty_readable(&tty), 3);
	EXPECT_STREQ(rd(100, NULL), "ls\n");
	EXPECT_STREQ(echoed, "ls\r\n");
}

TEST(erase_with_del_and_backspace)
{
	setup();
	type("abc\x7f" "d\b\bx\n");
	EXPECT_STREQ(rd(100, NULL), "ax\n");
	EXPECT_STREQ(echoed, "abc\b \bd\b \b\b \bx\r\n");
	/* Erase at the start of a line does nothing and echoes nothing. */
	setup();
	type("\x7f\x7fz\n");
	EXPECT_STREQ(rd(100, NULL), "z\n");
	EXPECT_STREQ(echoed, "z\r\n");
}

TEST(kill_erases_the_line_only)
{
	setup();
	type("one\n");
	type("junk\x15two\n");
	EXPECT_STREQ(rd(100, NULL), "one\n");
	EXPECT_STREQ(rd(100, NULL), "two\n");
	EXPECT(strstr(echoed, "junk\b \b\b \b\b \b\b \btwo"));
}

TEST(werase_removes_the_last_word)
{
	setup();
	type("echo hello  \x17world\n");
	EXPECT_STREQ(rd(100, NULL), "echo world\n");
}

TEST(eof_alone_reads_zero_and_after_text_pushes)
{
	bool eof;

	setup();
	type("\x04");
	EXPECT_EQ(n_tty_readable(&tty), 1);
	EXPECT_STREQ(rd(100, &eof), "");
	EXPECT(eof);
	EXPECT_EQ(n_tty_readable(&tty), 0);
	type("abc\x04");
	EXPECT_STREQ(rd(100, &eof), "abc");
	EXPECT(eof);
	EXPECT_EQ(n_tty_readable(&tty), 0);
	EXPECT_STREQ(echoed, "abc");		/* ^D is not echoed */
}

TEST(one_line_per_read_and_short_reads)
{
	setup();
	type("first\nsecond\n");
	EXPECT_STREQ(rd(3, NULL), "fir");
	EXPECT_STREQ(rd(100, NULL), "st\n");
	EXPECT_STREQ(rd(100, NULL), "second\n");
	EXPECT_STREQ(rd(100, NULL), "");
}

TEST(ctrl_c_flushes_echoes_and_signals)
{
	setup();
	type("half");
	type("\x03");
	EXPECT_EQ(last_sig, SIGINT);
	EXPECT(strstr(echoed, "half^C"));
	type("\n");
	EXPECT_STREQ(rd(100, NULL), "\n");
	/* VINTR disabled (0): a NUL byte is data, not a signal. */
	setup();
	tty.termios.c_cc[VINTR] = 0;
	tty.termios.c_lflag &= ~ICANON;
	n_tty_receive(&tty, 0);
	EXPECT_EQ(last_sig, 0);
	EXPECT_EQ(n_tty_readable(&tty), 1);
}

TEST(control_chars_echo_as_caret)
{
	setup();
	type("a\x01" "b\x7f\x7f\n");
	EXPECT_STREQ(rd(100, NULL), "a\n");
	EXPECT_STREQ(echoed, "a^Ab\b \b\b \b\b \b\r\n");
}

TEST(raw_mode_min_time_and_no_echo)
{
	struct termios t;

	setup();
	type("par");
	t = tty.termios;
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	n_tty_set_termios(&tty, &t);
	/* The half line typed in canonical mode becomes readable. */
	EXPECT_EQ(n_tty_readable(&tty), 3);
	type("\x7f\r");
	EXPECT_EQ(n_tty_inq(&tty), 5);
	EXPECT_STREQ(rd(100, NULL), "par\x7f\n");
	EXPECT_STREQ(echoed, "par");
}

TEST(lnext_makes_the_next_byte_literal)
{
	setup();
	type("a\x16\x7f" "b\n");
	EXPECT_STREQ(rd(100, NULL), "a\x7f" "b\n");
}

TEST(full_buffer_keeps_room_for_newline)
{
	setup();
	for (int i = 0; i < N_TTY_BUF_SIZE + 100; i++)
		n_tty_receive(&tty, 'x');
	EXPECT_EQ(n_tty_readable(&tty), 0);
	n_tty_receive(&tty, '\n');
	EXPECT_EQ(n_tty_readable(&tty), N_TTY_BUF_SIZE);
	EXPECT_EQ(strlen(rd(N_TTY_BUF_SIZE + 10, NULL)), N_TTY_BUF_SIZE);
}

TEST(output_processing)
{
	struct termios t;
	u8 out[64];
	size_t used, n;
	u32 col = 0;

	n_tty_default_termios(&t);
	n = n_tty_process_output(&t, &col, (const u8 *)"a\nb", 3, out, sizeof(out), &used);
	EXPECT_EQ(n, 4);
	EXPECT_EQ(used, 3);
	EXPECT(!memcmp(out, "a\r\nb", 4));
	EXPECT_EQ(col, 1);
	/* A small output buffer: stops before a \n that does not fit. */
	n = n_tty_process_output(&t, &col, (const u8 *)"x\n", 2, out, 2, &used);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(used, 1);
	t.c_oflag &= ~OPOST;
	n = n_tty_process_output(&t, &col, (const u8 *)"a\nb", 3, out, sizeof(out), &used);
	EXPECT_EQ(n, 3);
	EXPECT(!memcmp(out, "a\nb", 3));
	t.c_oflag = OPOST | OCRNL;
	n = n_tty_process_output(&t, &col, (const u8 *)"\r", 1, out, sizeof(out), &used);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(out[0], '\n');
}

TEST(tab_erase_backs_up_to_previous_column)
{
	setup();
	type("ab\t");
	EXPECT_EQ(tty.column, 8);
	echo_len = 0;
	type("\x7f");
	EXPECT_STREQ(echoed, "\b\b\b\b\b\b");
	EXPECT_EQ(tty.column, 2);
}
