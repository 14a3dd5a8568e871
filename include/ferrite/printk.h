/*
 * Kernel logging. Messages carry a Linux-style level prefix (KERN_*); the
 * console prints those below console_loglevel, and every message goes to
 * the in-memory log ring.
 */
#ifndef FERRITE_PRINTK_H
#define FERRITE_PRINTK_H

#include <ferrite/compiler.h>
#include <ferrite/list.h>

#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_CONT	KERN_SOH "c"	/* continue the previous line */

#define LOGLEVEL_EMERG	0
#define LOGLEVEL_ERR	3
#define LOGLEVEL_WARNING 4
#define LOGLEVEL_NOTICE	5
#define LOGLEVEL_INFO	6
#define LOGLEVEL_DEBUG	7

/* Messages with a level numerically below this reach the console. */
extern int console_loglevel;

struct console {
	const char *name;
	void (*write)(struct console *con, const char *s, size_t len);
	struct list_head link;	/* [console_lock] */
};
void console_register(struct console *con);

__printf(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);

__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#define pr_emerg(fmt, ...)	printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_alert(fmt, ...)	printk(KERN_ALERT fmt, ##__VA_ARGS__)
#define pr_crit(fmt, ...)	printk(KERN_CRIT fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...)	printk(KERN_CONT fmt, ##__VA_ARGS__)
#ifdef CONFIG_DEBUG_LOG
#define pr_debug(fmt, ...)	printk(KERN_DEBUG fmt, ##__VA_ARGS__)
#else
#define pr_debug(fmt, ...)	do { if (0) printk(KERN_DEBUG fmt, ##__VA_ARGS__); } while (0)
#endif

/* Stop the machine with a message, registers of the caller and backtrace. */
__noreturn __printf(1, 2) void panic(const char *fmt, ...);
/* The same, without the backtrace: the caller has printed the context. */
__noreturn __printf(1, 2) void panic_no_trace(const char *fmt, ...);

#define BUG_ON(cond)							\
	do {								\
		if (unlikely(cond))					\
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

/* Log once per call site, with a backtrace, and carry on. Yields cond. */
#define WARN_ON(cond) ({						\
	bool __c = !!(cond);						\
	if (unlikely(__c))						\
		warn_slowpath(__FILE__, __LINE__, #cond);		\
	__c; })
void warn_slowpath(const char *file, int line, const char *what);

#endif
