/*
 * Memory and string routines with their C library meanings, and the number
 * parsers kstrtou64/kstrtos64/memparse. The host unit test compiles this
 * file under renamed symbols so it never replaces the host's libc.
 */
#include <ferrite/string.h>
#include <ferrite/ctype.h>
#include <ferrite/errno.h>

/*
 * gcc turns byte loops into calls to memset/memcpy/strlen; inside the very
 * functions that implement those, that would recurse forever.
 */
#pragma GCC optimize("no-tree-loop-distribute-patterns")

/*
 * Bulk copies move 8-byte words with "rep movsq"/"rep stosq" and finish
 * with bytes. On hardware with ERMS a byte-wise rep is as fast, but QEMU's
 * TCG emulates rep string instructions one element at a time, so words
 * make zeroing and copying 8x cheaper there (it dominated boot time).
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n >> 3, bytes = n & 7;

	__asm__ __volatile__("rep movsq\n\t"
			     "movq %3, %%rcx\n\t"
			     "rep movsb"
			     : "+D"(d), "+S"(src), "+c"(words)
			     : "r"(bytes) : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	void *d;

	/* Forward is safe unless dst starts inside [src, src + n). */
	if ((uintptr_t)dst - (uintptr_t)src >= n)
		return memcpy(dst, src, n);
	if (!n)
		return dst;
	d = (char *)dst + n - 1;
	src = (const char *)src + n - 1;
	__asm__ __volatile__("std; rep movsb; cld"
			     : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	u64 pattern = 0x0101010101010101ULL * (u8)c;
	size_t words = n >> 3, bytes = n & 7;

	__asm__ __volatile__("rep stosq\n\t"
			     "movq %3, %%rcx\n\t"
			     "rep stosb"
			     : "+D"(d), "+c"(words)
			     : "a"(pattern), "r"(bytes) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p < *q ? -1 : 1;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p == *q ? 0 : (*p < *q ? -1 : 1);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
		if (!*p)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t nlen = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncmp(haystack, needle, nlen))
			return (char *)haystack;
	return nlen ? NULL : (char *)haystack;
}

ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (!size)
		return -E2BIG;
	n = strnlen(src, size);
	if (n == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, n + 1);
	return (ssize_t)n;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static unsigned int digit_value(char c)
{
	if (isdigit(c))
		return (unsigned int)(c - '0');
	if (isxdigit(c))
		return (unsigned int)(tolower(c) - 'a' + 10);
	return 36;	/* larger than any base we accept */
}

/*
 * Choose the base the way Linux's parsers do: base 0 means "0x" + hex digit
 * -> 16, a leading '0' -> 8 (that '0' is then parsed as a digit), else 10;
 * base 16 may carry an optional "0x". Returns where the digits start.
 */
static const char *fixup_base(const char *s, unsigned int *base)
{
	bool hex_prefix = s[0] == '0' && tolower(s[1]) == 'x' &&
			  isxdigit(s[2]);

	if (*base == 0) {
		if (hex_prefix)
			*base = 16;
		else if (s[0] == '0')
			*base = 8;
		else
			*base = 10;
	}
	if (*base == 16 && hex_prefix)
		s += 2;
	return s;
}

/*
 * Accumulate digits of @base from @s. Returns the first byte that is not
 * a digit; *overflow is set (and the value wraps) when it exceeds 64 bits.
 */
static const char *parse_digits(const char *s, unsigned int base, u64 *val,
				bool *overflow)
{
	u64 v = 0;
	unsigned int d;

	*overflow = false;
	for (; (d = digit_value(*s)) < base; s++) {
		if (v > (UINT64_MAX - d) / base)
			*overflow = true;
		v = v * base + d;
	}
	*val = v;
	return s;
}

/* Parse "[+]digits[\n]" in full; the shared tail of the kstrto* family. */
static int parse_whole(const char *s, unsigned int base, u64 *out)
{
	const char *start, *end;
	bool overflow;
	u64 v;

	if (base == 1 || base > 16)
		return -EINVAL;
	if (*s == '+')
		s++;
	start = fixup_base(s, &base);
	end = parse_digits(start, base, &v, &overflow);
	if (end == start)
		return -EINVAL;
	if (*end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

int kstrtou64(const char *s, unsigned int base, u64 *out)
{
	return parse_whole(s, base, out);
}

int kstrtos64(const char *s, unsigned int base, s64 *out)
{
	bool neg = *s == '-';
	u64 v;
	int err;

	/* "-+5" is not a number: the sign is checked once, here. */
	if (neg && s[1] == '+')
		return -EINVAL;
	err = parse_whole(neg ? s + 1 : s, base, &v);
	if (err)
		return err;
	if (neg) {
		if (v > (u64)1 << 63)
			return -ERANGE;
		*out = (s64)(0 - v);
	} else {
		if (v > (u64)INT64_MAX)
			return -ERANGE;
		*out = (s64)v;
	}
	return 0;
}

u64 memparse(const char *s, const char **end)
{
	unsigned int base = 0;
	const char *digits = fixup_base(s, &base);
	unsigned int shift = 0;
	bool overflow;
	const char *p;
	u64 v;

	p = parse_digits(digits, base, &v, &overflow);
	if (p == digits) {
		/* No number at all: consume nothing, as Linux does. */
		if (end)
			*end = s;
		return 0;
	}
	switch (tolower(*p)) {
	case 'e':
		shift += 10;
		/* fall through */
	case 'p':
		shift += 10;
		/* fall through */
	case 't':
		shift += 10;
		/* fall through */
	case 'g':
		shift += 10;
		/* fall through */
	case 'm':
		shift += 10;
		/* fall through */
	case 'k':
		shift += 10;
		p++;
		break;
	default:
		break;
	}
	if (end)
		*end = p;
	return v << shift;
}
