/*
 * Host stand-ins for the few kernel services every unit test links against:
 * printk, panic, warn_slowpath, ksym_lookup. They are weak, so a test that
 * links the real kernel file (kernel/printk.c, kernel/ksyms.c) gets that.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <ferrite/printk.h>
#include <ferrite/ksyms.h>

uintptr_t host_direct_map_base;
int host_irq_depth;
unsigned int host_warn_count;	/* WARN_ONs hit, for tests that expect one */

/* Skip the KERN_SOH level/continuation markers at the head of @fmt. */
static const char *host_skip_level(const char *fmt)
{
	while (fmt[0] == KERN_SOH[0] && fmt[1])
		fmt += 2;
	return fmt;
}

__attribute__((weak)) int vprintk(const char *fmt, va_list ap)
{
	return vprintf(host_skip_level(fmt), ap);
}

__attribute__((weak)) int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

__attribute__((weak)) void panic(const char *fmt, ...)
{
	va_list ap;

	printf("# panic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	abort();
}

__attribute__((weak)) void warn_slowpath(const char *file, int line,
					 const char *what)
{
	host_warn_count++;
	printf("# WARNING at %s:%d: %s\n", file, line, what);
}

__attribute__((weak)) bool ksym_lookup(uintptr_t addr, const char **name,
				       uintptr_t *offset, uintptr_t *size)
{
	return false;
}
