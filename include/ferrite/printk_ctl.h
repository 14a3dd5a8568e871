/*
 * Control of the kernel log beyond <ferrite/printk.h>: panic mode, the
 * console level, and reading the log ring back (for dmesg/syslog later).
 */
#ifndef FERRITE_PRINTK_CTL_H
#define FERRITE_PRINTK_CTL_H

#include <ferrite/types.h>

#define PRINTK_LINE_MAX	512	/* one printk formats at most this much */

/*
 * From now on printk never takes its lock, so a panic raised while the
 * lock is held (inside printk or a console driver) can still print. Only
 * for the one CPU left running in panic().
 */
void printk_panic_mode(void);

/* Set console_loglevel ("loglevel=", "quiet"); clamped to 0..15. */
void printk_set_console_loglevel(int level);

/*
 * Copy the newest whole lines of the log ring that fit in @len bytes,
 * oldest first, each as "<level>[seconds.micros] text\n" (the format of
 * Linux's syslog(2)). Returns the bytes copied; no NUL is added.
 */
size_t printk_log_copy(char *buf, size_t len);

#endif
