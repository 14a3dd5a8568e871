/*
 * The console terminal: Linux's termios ABI, the line discipline's pure
 * state machine (drivers/tty/n_tty.c: canonical editing, echo, output
 * processing; host-tested) and the tty device over the serial port
 * (drivers/tty/tty.c) that /dev/console, /dev/tty and /dev/ttyS0 reach.
 */
#ifndef FERRITE_TTY_H
#define FERRITE_TTY_H

#include <ferrite/types.h>

/* struct termios as the kernel's TCGETS/TCSETS use it (asm-generic). */
#define NCCS	19
struct termios {
	u32 c_iflag;
	u32 c_oflag;
	u32 c_cflag;
	u32 c_lflag;
	u8 c_line;
	u8 c_cc[NCCS];
};
_Static_assert(sizeof(struct termios) == 36, "struct termios ABI");

struct winsize {
	u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* c_cc indices */
#define VINTR		0
#define VQUIT		1
#define VERASE		2
#define VKILL		3
#define VEOF		4
#define VTIME		5
#define VMIN		6
#define VSWTC		7
#define VSTART		8
#define VSTOP		9
#define VSUSP		10
#define VEOL		11
#define VREPRINT	12
#define VDISCARD	13
#define VWERASE		14
#define VLNEXT		15
#define VEOL2		16

/* c_iflag */
#define IGNBRK	0000001
#define BRKINT	0000002
#define ISTRIP	0000040
#define INLCR	0000100
#define IGNCR	0000200
#define ICRNL	0000400
#define IXON	0002000
#define IXOFF	0010000
#define IMAXBEL	0020000
#define IUTF8	0040000

/* c_oflag */
#define OPOST	0000001
#define ONLCR	0000004
#define OCRNL	0000010
#define ONOCR	0000020
#define ONLRET	0000040

/* c_cflag */
#define B38400	0000017
#define CS8	0000060
#define CREAD	0000200
#define HUPCL	0002000
#define CLOCAL	0004000
#define B115200	0010002

/* c_lflag */
#define ISIG	0000001
#define ICANON	0000002
#define ECHO	0000010
#define ECHOE	0000020
#define ECHOK	0000040
#define ECHONL	0000100
#define NOFLSH	0000200
#define TOSTOP	0000400
#define ECHOCTL	0001000
#define ECHOPRT	0002000
#define ECHOKE	0004000
#define IEXTEN	0100000

/* ioctls (asm-generic/ioctls.h) */
#define TCGETS		0x5401
#define TCSETS		0x5402
#define TCSETSW		0x5403
#define TCSETSF		0x5404
#define TCSBRK		0x5409
#define TCXONC		0x540A
#define TCFLSH		0x540B
#define TIOCSCTTY	0x540E
#define TIOCGPGRP	0x540F
#define TIOCSPGRP	0x5410
#define TIOCOUTQ	0x5411
#define TIOCGWINSZ	0x5413
#define TIOCSWINSZ	0x5414
#define FIONREAD	0x541B
#define TIOCNOTTY	0x5422
#define TIOCGSID	0x5429

#define TCIFLUSH	0
#define TCOFLUSH	1
#define TCIOFLUSH	2

#define SIGINT		2
#define SIGQUIT		3
#define SIGTSTP		20

/* ---- the line discipline (pure) ----------------------------------------- */

#define N_TTY_BUF_SIZE	4096	/* input ring; a power of two */

#define N_TTY_DELIM	0x1	/* ends a line: readable in canonical mode */
#define N_TTY_EOF	0x2	/* the delimiter is VEOF: not copied out */

/*
 * Input state. The driver holds its lock around every call; echo and
 * signal go back to it. Positions count bytes ever received (u32 wrap
 * is fine: only differences are used).
 */
struct n_tty {
	struct termios termios;
	u32 read_tail;			/* next byte a reader takes */
	u32 canon_head;			/* end of complete lines */
	u32 head;			/* end of input (line being edited) */
	u32 column;			/* output column (echo and writes) */
	u32 canon_column;		/* column where the edited line began */
	bool lnext;			/* VLNEXT seen: next byte is literal */
	u8 buf[N_TTY_BUF_SIZE];
	u8 flags[N_TTY_BUF_SIZE];	/* N_TTY_* per byte */
	/* Bytes to echo, already in output form (output processing done). */
	void (*echo)(void *ctx, const u8 *s, size_t n);
	/* ISIG character: deliver @sig to the foreground process group. */
	void (*signal)(void *ctx, int sig);
	void *ctx;
};

void n_tty_init(struct n_tty *t, void (*echo)(void *, const u8 *, size_t),
		void (*signal)(void *, int), void *ctx);
/* Linux's defaults for a serial console: canonical, echo, ICRNL, ONLCR. */
void n_tty_default_termios(struct termios *t);
/* New settings; leaving canonical mode makes the line being edited readable. */
void n_tty_set_termios(struct n_tty *t, const struct termios *nt);
/* One byte from the device. */
void n_tty_receive(struct n_tty *t, u8 c);
/* Bytes a read could return now (canonical: complete lines only). */
size_t n_tty_readable(const struct n_tty *t);
/* Bytes received and not read, for FIONREAD (Linux counts lines only
 * in canonical mode too). */
size_t n_tty_inq(const struct n_tty *t);
/*
 * Take up to @len bytes for a reader: canonical mode stops after one
 * line (and swallows an end-of-file mark); *eof says a VEOF was taken.
 */
size_t n_tty_read(struct n_tty *t, u8 *dst, size_t len, bool *eof);
void n_tty_flush_input(struct n_tty *t);
/*
 * Output processing (OPOST: ONLCR, OCRNL, ONLRET, ONOCR) of in[] into
 * out[] (cap >= 2). Returns bytes produced; *used says how much of in[]
 * went in. @column tracks the cursor column for ONOCR.
 */
size_t n_tty_process_output(const struct termios *t, u32 *column,
			    const u8 *in, size_t len, u8 *out, size_t cap,
			    size_t *used);

/* ---- the device ------------------------------------------------------------ */

/* Called by the UART receive interrupt with each byte. */
void tty_receive_byte(u8 c);

/*
 * The console port, implemented by the arch (arch/x86_64/serial.c):
 * raw output (no newline translation: the line discipline did it), and
 * a handler the receive interrupt calls with each byte (in interrupt
 * context). serial_set_rx_handler() routes and unmasks the interrupt.
 */
void serial_tx(const u8 *buf, size_t len);
void serial_set_rx_handler(void (*fn)(u8 byte));

#endif
