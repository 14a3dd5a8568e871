/*
 * The line discipline: what happens to each byte typed at the terminal
 * (canonical line editing, echo, ISIG characters) and to each byte
 * written to it (OPOST output processing). Pure logic: the driver
 * (drivers/tty/tty.c) holds its lock around every call.
 */
#include <ferrite/string.h>
#include <ferrite/tty.h>

#define MASK		(N_TTY_BUF_SIZE - 1)

static bool lflag(const struct n_tty *t, u32 f)
{
	return (t->termios.c_lflag & f) != 0;
}

/* Is @c the (enabled: nonzero) special character @idx? */
static bool is_cc(const struct n_tty *t, u8 c, int idx)
{
	return t->termios.c_cc[idx] != 0 && c == t->termios.c_cc[idx];
}

static bool is_ctl(u8 c)
{
	return c < 32 || c == 127;
}

/* A UTF-8 continuation byte takes no column of its own. */
static bool utf8_cont(const struct termios *t, u8 c)
{
	return (t->c_iflag & IUTF8) && (c & 0xc0) == 0x80;
}

void n_tty_default_termios(struct termios *t)
{
	static const u8 cc[NCCS] = {
		[VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025,
		[VEOF] = 004, [VTIME] = 0, [VMIN] = 1, [VSTART] = 021,
		[VSTOP] = 023, [VSUSP] = 032, [VREPRINT] = 022,
		[VDISCARD] = 017, [VWERASE] = 027, [VLNEXT] = 026,
	};

	memset(t, 0, sizeof(*t));
	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE |
		     IEXTEN;
	memcpy(t->c_cc, cc, sizeof(cc));
}

void n_tty_init(struct n_tty *t, void (*echo)(void *, const u8 *, size_t),
		void (*signal)(void *, int), void *ctx)
{
	memset(t, 0, sizeof(*t));
	n_tty_default_termios(&t->termios);
	t->echo = echo;
	t->signal = signal;
	t->ctx = ctx;
}

size_t n_tty_process_output(const struct termios *t, u32 *column,
			    const u8 *in, size_t len, u8 *out, size_t cap,
			    size_t *used)
{
	u32 of = t->c_oflag;
	size_t i = 0, o = 0;

	for (; i < len && o + 2 <= cap; i++) {
		u8 c = in[i];

		if (!(of & OPOST)) {
			out[o++] = c;
			continue;
		}
		switch (c) {
		case '\n':
			if (of & (ONLCR | ONLRET))
				*column = 0;
			if (of & ONLCR)
				out[o++] = '\r';
			out[o++] = '\n';
			break;
		case '\r':
			if ((of & ONOCR) && *column == 0)
				break;
			if (of & OCRNL) {
				out[o++] = '\n';
				if (of & ONLRET)
					*column = 0;
				break;
			}
			*column = 0;
			out[o++] = '\r';
			break;
		case '\t':
			*column = (*column | 7) + 1;
			out[o++] = c;
			break;
		case '\b':
			if (*column)
				(*column)--;
			out[o++] = c;
			break;
		default:
			if (!is_ctl(c) && !utf8_cont(t, c))
				(*column)++;
			out[o++] = c;
		}
	}
	*used = i;
	return o;
}

/* ---- echo ---------------------------------------------------------------- */

static void echo_raw(struct n_tty *t, const u8 *s, size_t n)
{
	u8 out[64];

	while (n) {
		size_t used, o = n_tty_process_output(&t->termios, &t->column,
						      s, n, out, sizeof(out),
						      &used);

		if (t->echo && o)
			t->echo(t->ctx, out, o);
		s += used;
		n -= used;
	}
}

/* Echo @c as the user typed it: control characters as ^X with ECHOCTL. */
static void echo_char(struct n_tty *t, u8 c)
{
	if (lflag(t, ECHOCTL) && is_ctl(c) && c != '\t' && c != '\n') {
		u8 s[2] = { '^', (u8)(c ^ 0100) };

		echo_raw(t, s, 2);
		return;
	}
	echo_raw(t, &c, 1);
}

/* Column the cursor had after echoing everything up to position @end. */
static u32 line_column(const struct n_tty *t, u32 end)
{
	u32 col = t->canon_column;

	for (u32 i = t->canon_head; i != end; i++) {
		u8 c = t->buf[i & MASK];

		if (c == '\t')
			col = (col | 7) + 1;
		else if (is_ctl(c))
			col += lflag(t, ECHOCTL) ? 2 : 0;
		else if (!utf8_cont(&t->termios, c))
			col++;
	}
	return col;
}

/* Remove the last character of the line being edited, visibly. */
static void erase_one(struct n_tty *t)
{
	static const u8 rub[] = "\b \b\b \b";
	u8 c;

	if (t->head == t->canon_head)
		return;
	do {
		c = t->buf[--t->head & MASK];
	} while (utf8_cont(&t->termios, c) && t->head != t->canon_head);
	if (!lflag(t, ECHO))
		return;
	if (!lflag(t, ECHOE)) {
		echo_char(t, t->termios.c_cc[VERASE]);
		return;
	}
	if (c == '\t') {
		u32 col = line_column(t, t->head);

		while (t->column > col) {
			u8 b = '\b';

			echo_raw(t, &b, 1);
		}
	} else if (is_ctl(c) && lflag(t, ECHOCTL)) {
		echo_raw(t, rub, 6);
	} else if (!is_ctl(c)) {
		echo_raw(t, rub, 3);
	}
}

static void kill_line(struct n_tty *t, u8 c)
{
	if (lflag(t, ECHO) && lflag(t, ECHOKE) && lflag(t, ECHOE)) {
		while (t->head != t->canon_head)
			erase_one(t);
		return;
	}
	t->head = t->canon_head;
	if (!lflag(t, ECHO))
		return;
	echo_char(t, c);
	if (lflag(t, ECHOK)) {
		u8 nl = '\n';

		echo_raw(t, &nl, 1);
	}
}

static bool is_space(u8 c)
{
	return c == ' ' || c == '\t';
}

/* VWERASE: blanks before the cursor, then the word before them. */
static void erase_word(struct n_tty *t)
{
	while (t->head != t->canon_head &&
	       is_space(t->buf[(t->head - 1) & MASK]))
		erase_one(t);
	while (t->head != t->canon_head &&
	       !is_space(t->buf[(t->head - 1) & MASK]))
		erase_one(t);
}

/* ---- input --------------------------------------------------------------- */

static u32 used_bytes(const struct n_tty *t)
{
	return t->head - t->read_tail;
}

static void put_byte(struct n_tty *t, u8 c, u8 flags)
{
	t->buf[t->head & MASK] = c;
	t->flags[t->head & MASK] = flags;
	t->head++;
}

void n_tty_flush_input(struct n_tty *t)
{
	t->read_tail = t->canon_head = t->head;
	t->canon_column = t->column;
}

static bool handle_signal_char(struct n_tty *t, u8 c)
{
	int sig;

	if (is_cc(t, c, VINTR))
		sig = SIGINT;
	else if (is_cc(t, c, VQUIT))
		sig = SIGQUIT;
	else if (is_cc(t, c, VSUSP))
		sig = SIGTSTP;
	else
		return false;
	if (!lflag(t, NOFLSH))
		n_tty_flush_input(t);
	if (lflag(t, ECHO))
		echo_char(t, c);
	if (t->signal)
		t->signal(t->ctx, sig);
	return true;
}

/* Canonical mode: editing characters, or a byte of the line. */
static void receive_canon(struct n_tty *t, u8 c)
{
	bool eof = is_cc(t, c, VEOF);
	bool delim = c == '\n' || eof || is_cc(t, c, VEOL) ||
		     (lflag(t, IEXTEN) && is_cc(t, c, VEOL2));

	if (is_cc(t, c, VERASE) || c == '\b') {
		erase_one(t);
		return;
	}
	if (is_cc(t, c, VKILL)) {
		kill_line(t, c);
		return;
	}
	if (lflag(t, IEXTEN) && is_cc(t, c, VWERASE)) {
		erase_word(t);
		return;
	}
	/* Keep the last slot for a delimiter, so a full line can still end. */
	if (used_bytes(t) >= N_TTY_BUF_SIZE - (delim ? 0 : 1))
		return;
	if (!eof && lflag(t, ECHO))
		echo_char(t, c);
	else if (c == '\n' && lflag(t, ECHONL))
		echo_raw(t, &c, 1);
	put_byte(t, c, delim ? (u8)(N_TTY_DELIM | (eof ? N_TTY_EOF : 0)) : 0);
	if (delim) {
		t->canon_head = t->head;
		t->canon_column = t->column;
	}
}

void n_tty_receive(struct n_tty *t, u8 c)
{
	u32 iflag = t->termios.c_iflag;

	if (iflag & ISTRIP)
		c &= 0x7f;
	if (t->lnext) {
		/* Literal: no input mapping, no special meaning. */
		t->lnext = false;
		goto store;
	}
	if (c == '\r') {
		if (iflag & IGNCR)
			return;
		if (iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (iflag & INLCR)) {
		c = '\r';
	}
	if (lflag(t, ISIG) && handle_signal_char(t, c))
		return;
	/* Flow control is not implemented; like Linux, the byte is eaten. */
	if ((iflag & IXON) && (is_cc(t, c, VSTOP) || is_cc(t, c, VSTART)))
		return;
	if (lflag(t, IEXTEN) && is_cc(t, c, VLNEXT)) {
		t->lnext = true;
		if (lflag(t, ECHO) && lflag(t, ECHOCTL)) {
			static const u8 s[] = "^\b";

			echo_raw(t, s, 2);
		}
		return;
	}
	if (lflag(t, ICANON)) {
		receive_canon(t, c);
		return;
	}
store:
	if (lflag(t, ICANON)) {
		if (used_bytes(t) >= N_TTY_BUF_SIZE - 1)
			return;
		if (lflag(t, ECHO))
			echo_char(t, c);
		put_byte(t, c, 0);
		return;
	}
	if (used_bytes(t) >= N_TTY_BUF_SIZE)
		return;		/* full: dropped, as on Linux */
	if (lflag(t, ECHO))
		echo_char(t, c);
	put_byte(t, c, 0);
	t->canon_head = t->head;
}

void n_tty_set_termios(struct n_tty *t, const struct termios *nt)
{
	bool was_canon = lflag(t, ICANON);

	t->termios = *nt;
	/* Raw mode reads everything typed so far, even half a line. */
	if (was_canon && !lflag(t, ICANON)) {
		t->canon_head = t->head;
		t->canon_column = t->column;
	}
}

size_t n_tty_readable(const struct n_tty *t)
{
	return t->canon_head - t->read_tail;
}

size_t n_tty_inq(const struct n_tty *t)
{
	return lflag(t, ICANON) ? t->canon_head - t->read_tail
				: t->head - t->read_tail;
}

size_t n_tty_read(struct n_tty *t, u8 *dst, size_t len, bool *eof)
{
	size_t n = 0;

	*eof = false;
	while (n < len && t->read_tail != t->canon_head) {
		u32 i = t->read_tail & MASK;
		u8 f = t->flags[i];

		t->read_tail++;
		if (f & N_TTY_EOF) {
			*eof = true;
			break;
		}
		dst[n++] = t->buf[i];
		if ((f & N_TTY_DELIM) && lflag(t, ICANON))
			break;
	}
	return n;
}
