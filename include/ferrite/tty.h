/*
 * Terminals: Linux's termios ABI, the line discipline's pure state
 * machine (drivers/tty/n_tty.c; host-tested), the tty core every terminal
 * shares (drivers/tty/tty.c: the serial console, job control, controlling
 * terminals) and pseudo-terminals (drivers/tty/pty.c, fs/devpts/).
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
_Static_assert(sizeof(struct winsize) == 8, "struct winsize ABI");

/* struct termios2 (TCGETS2/TCSETS2): termios plus the two speeds. */
struct termios2 {
	u32 c_iflag;
	u32 c_oflag;
	u32 c_cflag;
	u32 c_lflag;
	u8 c_line;
	u8 c_cc[NCCS];
	u32 c_ispeed;
	u32 c_ospeed;
};
_Static_assert(sizeof(struct termios2) == 44, "struct termios2 ABI");

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
#define CBAUD	0010017
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
#define TIOCSTI		0x5412
#define TIOCEXCL	0x540C
#define TIOCNXCL	0x540D
#define TIOCPKT		0x5420
#define TIOCNOTTY	0x5422
#define TIOCGSID	0x5429
#define TCGETS2		0x802c542a
#define TCSETS2		0x402c542b
#define TCSETSW2	0x402c542c
#define TCSETSF2	0x402c542d
#define TIOCGPTN	0x80045430
#define TIOCSPTLCK	0x40045431
#define TIOCGPTLCK	0x80045439
#define TIOCGPKT	0x80045438
#define TIOCGPTPEER	0x5441
#define TIOCVHANGUP	0x5437

/* TCXONC arguments */
#define TCOOFF		0
#define TCOON		1
#define TCIOFF		2
#define TCION		3

#define TCIFLUSH	0
#define TCOFLUSH	1
#define TCIOFLUSH	2

/* The ISIG signals n_tty reports (the same numbers as uapi/signal_abi.h). */
#ifndef SIGINT
#define SIGINT		2
#endif
#ifndef SIGQUIT
#define SIGQUIT		3
#endif
#ifndef SIGTSTP
#define SIGTSTP		20
#endif

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

/* ---- the tty core (drivers/tty/tty.c) ----------------------------------- */

#ifndef FERRITE_HOST_TEST
#include <ferrite/fs.h>
#include <ferrite/mutex.h>
#include <ferrite/spinlock.h>
#include <ferrite/wait.h>

struct tty;
struct poll_table;

/* What a terminal's driver (the serial port, a pty slave) provides. */
struct tty_ops {
	/*
	 * Output, already processed (OPOST); under tty->lock, must not sleep.
	 * Returns how much was taken: at most write_room() bytes.
	 */
	size_t (*write)(struct tty *t, const u8 *buf, size_t n);
	size_t (*write_room)(struct tty *t);		/* under tty->lock */
	size_t (*chars_in_buffer)(struct tty *t);	/* under tty->lock */
	void (*flush_output)(struct tty *t);		/* under tty->lock */
	/*
	 * A file opens (0, or -EIO for a pty whose master is gone or which is
	 * locked) or closes. open runs under tty_list_lock: no sleeping.
	 */
	int (*open)(struct tty *t, struct file *f);
	void (*close)(struct tty *t, struct file *f);
	/* Driver ioctls the core does not know; -ENOTTY if none. */
	long (*ioctl)(struct tty *t, struct file *f, unsigned int cmd,
		      unsigned long arg);
	/* The last reference is gone (after it left the tty list). */
	void (*destroy)(struct tty *t);
};

/*
 * One terminal. Legend: [I] immutable after tty_register, [lock] the
 * spinlock, [tl] tty_list_lock, [rm]/[wm] the read/write mutex.
 * A file of the tty has f->private_data = the tty and one reference.
 */
struct tty {
	spinlock_t lock;
	const struct tty_ops *ops;	/* [I] */
	void *driver_data;		/* [I] */
	dev_t dev;			/* [I] what stat shows, e.g. 136:N */
	struct n_tty ld;		/* [lock] */
	struct winsize winsize;		/* [lock] */
	int pgrp;			/* [lock] foreground process group */
	int sid;			/* [lock] session it controls, 0 none */
	unsigned int pending_sigs;	/* [lock] ISIG signals to send (bits) */
	bool hung_up;			/* [lock] reads 0, writes EIO, POLLHUP */
	bool stopped;			/* [lock] TCOOFF: output waits */
	bool exclusive;			/* [lock] TIOCEXCL */
	u32 refcount;			/* [tl] files and lookups */
	struct list_head node;		/* [tl] on the tty list */
	wait_queue_head_t read_wait;	/* input readable, or hang-up */
	wait_queue_head_t write_wait;	/* output room, or hang-up */
	struct mutex read_mutex;	/* one reader at a time: whole lines */
	struct mutex write_mutex;	/* writes are not interleaved */
	u8 read_buf[N_TTY_BUF_SIZE];	/* [rm] */
	u8 write_in[256];		/* [wm] */
	u8 write_out[512];		/* [wm] */
};

extern spinlock_t tty_list_lock;

/* Set up @t (termios defaults, 0x0 window); not yet findable. */
void tty_init(struct tty *t, const struct tty_ops *ops, void *data,
	      dev_t dev);
/* Put @t on the tty list with one reference, the caller's. */
void tty_register(struct tty *t);
/* A registered tty by device number, referenced, or NULL. */
struct tty *tty_find_get(dev_t dev);
/* Drop a reference; the last one unlinks the tty and calls destroy. */
void tty_put(struct tty *t);

/*
 * The generic file operations on f->private_data (a referenced tty);
 * pty.c builds the slave's operations from them.
 */
ssize_t tty_file_read(struct file *f, struct iov_iter *to, u64 *pos);
ssize_t tty_file_write(struct file *f, struct iov_iter *from, u64 *pos);
long tty_file_ioctl(struct file *f, unsigned int cmd, unsigned long arg);
unsigned int tty_file_poll(struct file *f, struct poll_table *pt);
int tty_file_release(struct inode *inode, struct file *f);
/*
 * Finish an open: @f now refers to @t (reference taken by the caller);
 * a session leader without a terminal acquires @t unless @noctty.
 */
void tty_open_finish(struct tty *t, struct file *f, bool noctty);
/*
 * The termios/window/job-control ioctls. @master: asked through the pty
 * master, which reaches its slave without being a controlling terminal.
 */
long tty_ioctl(struct tty *t, struct file *f, unsigned int cmd,
	       unsigned long arg, bool master);
/* Bytes from the device into the line discipline (task context). */
void tty_receive(struct tty *t, const u8 *buf, size_t n);
/* Bytes a reader of @t could take now. */
size_t tty_input_readable(struct tty *t);
/*
 * The device went away (pty master closed): every file of @t reads 0 and
 * writes EIO from now on; the session leader gets SIGHUP and SIGCONT and
 * the session loses its terminal.
 */
void tty_hangup(struct tty *t);
/*
 * Process exit calls this when a session leader exits: the foreground
 * process group of the terminal session @sid controls gets SIGHUP, and
 * the terminal is no longer controlling. Task context, without
 * process_tree_lock held (it sends signals).
 */
void tty_session_leader_exit(int sid);

/* ---- pseudo-terminals (drivers/tty/pty.c) for devpts --------------------- */

#define PTY_MAX			64
#define PTY_MASTER_MAJOR	5	/* /dev/ptmx is 5:2 */
#define PTY_SLAVE_MAJOR		136	/* /dev/pts/N is 136:N */

/* What stat shows for /dev/pts/N; false when there is no such pty. */
struct pty_node {
	u32 uid, gid;
	umode_t mode;
	struct timespec64 ctime;
};
bool pty_node_info(int index, struct pty_node *out);
struct iattr;
/* chown/chmod of /dev/pts/N: 0, or -ENOENT when the pty is gone. */
int pty_node_setattr(int index, const struct iattr *a);
/* The lowest visible pty index >= @from, or -1. */
int pty_next_index(int from);
int pty_register_devices(void);

/* The devpts filesystem (fs/devpts/devpts.c). */
#define DEVPTS_SUPER_MAGIC	0x1cd1
int devpts_init(void);
/* The master of pty @index is gone: /dev/pts/N leaves the tree. */
void devpts_pty_kill(int index);
#endif /* FERRITE_HOST_TEST */

/* ---- the device ------------------------------------------------------------ */

/* Called by the UART receive interrupt with each byte (interrupt context). */
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
