/*
 * Memory and string routines (lib/string.c) with the C library's names and
 * meanings, plus the kernel's number parsers. gcc itself emits calls to
 * memcpy/memset/memmove/memcmp, so those must keep exactly these names.
 */
#ifndef FERRITE_STRING_H
#define FERRITE_STRING_H

#include <ferrite/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

/*
 * Copy @src into @dst of @size bytes, always NUL-terminated when size > 0.
 * Returns the length copied, or -E2BIG when @src did not fit (truncated).
 */
ssize_t strscpy(char *dst, const char *src, size_t size);
/* BSD strlcpy: returns strlen(src); truncated when that is >= size. */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * Parse a whole string as an unsigned/signed number in @base (0 means
 * auto: "0x" hex, leading "0" octal, else decimal). One trailing newline
 * is allowed, as in Linux. Returns 0, -EINVAL (empty, bad digit, trailing
 * junk) or -ERANGE (does not fit); *out is written only on success.
 */
int kstrtou64(const char *s, unsigned int base, u64 *out);
int kstrtos64(const char *s, unsigned int base, s64 *out);
#define kstrtoull kstrtou64
#define kstrtoll kstrtos64

/*
 * Parse a size like "64M" or "0x1000k": a number (base auto) with an
 * optional K/M/G/T/P/E suffix (either case) multiplying by a power of 1024.
 * *end (if not NULL) points past what was consumed. Overflow wraps, as in
 * Linux; callers wanting strictness check *end and the range themselves.
 */
u64 memparse(const char *s, const char **end);

#endif
