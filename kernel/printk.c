/*
 * printk: formats a message, stamps each new line with the time, stores it
 * in the log ring and writes it to every console whose level allows it.
 * Works before any console exists: the first console gets the ring replayed.
 */
#include <ferrite/printk.h>
#include <ferrite/printk_ctl.h>
#include <ferrite/spinlock.h>
#include <ferrite/string.h>

#define LOG_BUF_SIZE	(1UL << CONFIG_LOG_BUF_SHIFT)
#define LOGLEVEL_DEFAULT LOGLEVEL_WARNING	/* no KERN_ prefix: as Linux */

int console_loglevel = CONFIG_DEFAULT_CONSOLE_LOGLEVEL;

static DEFINE_SPINLOCK(log_lock);
static LIST_HEAD(consoles);		/* [log_lock] */
static char log_buf[LOG_BUF_SIZE];	/* [log_lock] */
static u64 log_head;		/* [log_lock] bytes ever written to log_buf */
static bool line_open;		/* [log_lock] last line not yet ended */
static int line_level;		/* [log_lock] level of the open line */
static bool panic_mode;		/* set once, never cleared */

void printk_panic_mode(void)
{
	WRITE_ONCE(panic_mode, true);
}

void printk_set_console_loglevel(int level)
{
	if (level < 0)
		level = 0;
	if (level > 15)
		level = 15;
	WRITE_ONCE(console_loglevel, level);
}

/*
 * Take the log lock unless in panic mode. Returns whether it was taken,
 * so the unlock releases only a lock this caller holds.
 */
static bool log_lock_take(unsigned long *flags)
{
	if (!READ_ONCE(panic_mode)) {
		*flags = spin_lock_irqsave(&log_lock);
		return true;
	}
	*flags = arch_irq_save();
	return false;
}

static void log_lock_give(unsigned long flags, bool locked)
{
	if (locked)
		spin_unlock_irqrestore(&log_lock, flags);
	else
		arch_irq_restore(flags);
}

static void ring_write(const char *s, size_t len)
{
	while (len--)
		log_buf[log_head++ & (LOG_BUF_SIZE - 1)] = *s++;
}

static void consoles_write(const char *s, size_t len, int level)
{
	struct console *con;

	if (!len || level >= READ_ONCE(console_loglevel))
		return;
	list_for_each_entry(con, &consoles, link)
		con->write(con, s, len);
}

/* Begin a line: "<level>[time] " in the ring, "[time] " on consoles. */
static void line_start(int level)
{
	char tmp[48];
	u64 ns = arch_clock_ns();
	int n;

	n = snprintf(tmp, sizeof(tmp), "<%d>[%5llu.%06llu] ", level,
		     (unsigned long long)(ns / 1000000000),
		     (unsigned long long)(ns % 1000000000 / 1000));
	ring_write(tmp, (size_t)n);
	consoles_write(tmp + 3, (size_t)n - 3, level);
	line_open = true;
	line_level = level;
}

/* Store and print @text, stamping each line it starts. */
static void log_emit(const char *text, size_t len, int level, bool cont)
{
	const char *nl;
	size_t n;

	/* A new message ends a line someone left open. */
	if (line_open && !cont) {
		ring_write("\n", 1);
		consoles_write("\n", 1, line_level);
		line_open = false;
	}
	if (cont && line_open)
		level = line_level;
	while (len) {
		if (!line_open)
			line_start(level);
		nl = memchr(text, '\n', len);
		n = nl ? (size_t)(nl - text) + 1 : len;
		ring_write(text, n);
		consoles_write(text, n, level);
		if (nl)
			line_open = false;
		text += n;
		len -= n;
	}
}

/* Strip KERN_SOH prefixes from *fmt; returns the level, -1 if none. */
static int parse_level(const char **fmt, bool *cont)
{
	const char *f = *fmt;
	int level = -1;

	*cont = false;
	while (f[0] == KERN_SOH[0] && f[1]) {
		if (f[1] >= '0' && f[1] <= '7')
			level = f[1] - '0';
		else if (f[1] == 'c')
			*cont = true;
		f += 2;
	}
	*fmt = f;
	return level;
}

int vprintk(const char *fmt, va_list ap)
{
	char text[PRINTK_LINE_MAX];
	unsigned long flags;
	bool cont, locked;
	int level, n;
	size_t len;

	level = parse_level(&fmt, &cont);
	/* An explicit level starts a new message even after KERN_CONT. */
	if (level >= 0)
		cont = false;
	else
		level = LOGLEVEL_DEFAULT;
	n = vsnprintf(text, sizeof(text), fmt, ap);
	if (n < 0)
		return n;
	len = (size_t)n;
	if (len >= sizeof(text)) {
		/* Truncated: end with "..." so the loss is visible. */
		len = sizeof(text) - 1;
		memcpy(text + len - 3, "...", 3);
	}
	locked = log_lock_take(&flags);
	log_emit(text, len, level, cont);
	log_lock_give(flags, locked);
	return (int)len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Oldest byte still valid in the ring. After a wrap the first line is
 * partly overwritten: start after its newline.
 */
static u64 log_oldest_line(void)
{
	u64 pos;

	if (log_head <= LOG_BUF_SIZE)
		return 0;
	for (pos = log_head - LOG_BUF_SIZE; pos < log_head; pos++)
		if (log_buf[pos & (LOG_BUF_SIZE - 1)] == '\n')
			return pos + 1;
	return log_head;
}

/* Parse "<L>" at ring position @pos; returns the level, -1 if malformed. */
static int ring_level_at(u64 pos)
{
	char c0 = log_buf[pos & (LOG_BUF_SIZE - 1)];
	char c1 = log_buf[(pos + 1) & (LOG_BUF_SIZE - 1)];
	char c2 = log_buf[(pos + 2) & (LOG_BUF_SIZE - 1)];

	if (c0 != '<' || c2 != '>' || c1 < '0' || c1 > '7')
		return -1;
	return c1 - '0';
}

/* Write ring bytes [pos, end) to one console, in up to two pieces. */
static void replay_range(struct console *con, u64 pos, u64 end)
{
	while (pos < end) {
		size_t off = pos & (LOG_BUF_SIZE - 1);
		size_t n = LOG_BUF_SIZE - off;

		if (n > end - pos)
			n = end - pos;
		con->write(con, log_buf + off, n);
		pos += n;
	}
}

/* Show a new console what was logged before it existed, line by line. */
static void replay_to(struct console *con)
{
	u64 pos = log_oldest_line(), end;
	int level;

	while (pos < log_head) {
		level = ring_level_at(pos);
		for (end = pos; end < log_head; end++)
			if (log_buf[end & (LOG_BUF_SIZE - 1)] == '\n') {
				end++;
				break;
			}
		if (level >= 0 && level < READ_ONCE(console_loglevel))
			replay_range(con, pos + 3, end);
		pos = end;
	}
}

void console_register(struct console *con)
{
	unsigned long flags;
	bool locked = log_lock_take(&flags);
	bool first = list_empty(&consoles);

	list_add_tail(&con->link, &consoles);
	if (first)
		replay_to(con);
	log_lock_give(flags, locked);
}

size_t printk_log_copy(char *buf, size_t len)
{
	unsigned long flags;
	bool locked = log_lock_take(&flags);
	u64 start = log_oldest_line(), pos;
	size_t n = 0;

	/* Skip the oldest lines until the rest fits. */
	while (log_head - start > len) {
		for (pos = start; pos < log_head; pos++)
			if (log_buf[pos & (LOG_BUF_SIZE - 1)] == '\n')
				break;
		if (pos == log_head) {
			start = log_head;	/* one open line longer than @len */
			break;
		}
		start = pos + 1;
	}
	for (pos = start; pos < log_head; pos++)
		buf[n++] = log_buf[pos & (LOG_BUF_SIZE - 1)];
	log_lock_give(flags, locked);
	return n;
}
