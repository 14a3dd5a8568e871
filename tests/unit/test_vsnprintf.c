/*
 * Tests for lib/vsnprintf.c, built here as k_snprintf/k_vsnprintf: output
 * and return value compared with the host's snprintf over many formats,
 * plus truncation, %pS and the kernel-only behaviour.
 */
#include "unit.h"

/* Malformed and odd formats are tested on purpose. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

#define vsnprintf k_vsnprintf
#define snprintf k_snprintf
#include "../../lib/vsnprintf.c"
#undef vsnprintf
#undef snprintf

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fake symbol table: foo at 0x1000 (0x40 bytes), bar at 0x1040 (0x20). */
bool ksym_lookup(uintptr_t addr, const char **name, uintptr_t *offset,
		 uintptr_t *size)
{
	if (addr >= 0x1000 && addr < 0x1040) {
		*name = "foo";
		*offset = addr - 0x1000;
		*size = 0x40;
		return true;
	}
	if (addr >= 0x1040 && addr < 0x1060) {
		*name = "bar";
		*offset = addr - 0x1040;
		*size = 0x20;
		return true;
	}
	return false;
}

/* Same format and arguments to both; outputs and return values must agree. */
#define SAME(...)							\
	do {								\
		char ka_[512], ha_[512];				\
		int kr_ = k_snprintf(ka_, sizeof(ka_), __VA_ARGS__);	\
		int hr_ = snprintf(ha_, sizeof(ha_), __VA_ARGS__);	\
		EXPECT_STREQ(ka_, ha_);					\
		EXPECT_EQ(kr_, hr_);					\
	} while (0)

#define KEQ(expect, ...)						\
	do {								\
		char ka_[256];						\
		int kr_ = k_snprintf(ka_, sizeof(ka_), __VA_ARGS__);	\
		EXPECT_STREQ(ka_, expect);				\
		EXPECT_EQ(kr_, (int)strlen(expect));			\
	} while (0)

TEST(fixed_formats_match_host)
{
	SAME("plain text");
	SAME("");
	SAME("%d %i %u", 1, -2, 3u);
	SAME("%d %d", INT_MIN, INT_MAX);
	SAME("%u %x %X %o", UINT_MAX, UINT_MAX, 0xabcdefu, 0777u);
	SAME("%ld %lu %lx", LONG_MIN, ULONG_MAX, 0xdeadbeefcafeUL);
	SAME("%lld %llu %llx %llo", LLONG_MIN, ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
	SAME("%hhd %hhu %hhx", 300, 300, -1);
	SAME("%hd %hu %hx", 70000, 70000, -1);
	SAME("%zu %zd %zx", (size_t)-1, (ssize_t)-5, (size_t)12345);
	SAME("%td %tx", (ptrdiff_t)-77, (ptrdiff_t)77);
	SAME("%jd %ju", (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX);
	SAME("%c%c%c", 'a', 0x142, '!');
	SAME("[%5c|%-5c]", 'x', 'y');
	SAME("%s|%10s|%-10s|%.2s|%10.3s|%-10.1s|", "abc", "abc", "abc", "abc",
	     "abcdef", "abcdef");
	SAME("%.0s|%.10s|", "abc", "abc");
	SAME("100%%");
	SAME("%#x %#X %#o %#x %#o", 255u, 255u, 8u, 0u, 0u);
	SAME("%#.0o %.0o %.0x %.0d %5.0d|", 0u, 0u, 0u, 0, 0);
	SAME("%+d %+d % d % d %+ d", 5, -5, 5, -5, 5);
	SAME("%05d %05d %-05d %05.3d", 42, -42, 42, 42);
	SAME("%*d|%-*d|%*d", 6, 1, 6, 2, -6, 3);
	SAME("%.*d|%.*d|%*.*d", 4, 7, -1, 7, 8, 3, 9);
	SAME("%*s|%.*s|%-*.*s|", 5, "ab", 1, "ab", 6, 2, "abcd");
	SAME("%p %20p %-20p|", (void *)0x1234, (void *)0xffffffff80001000UL,
	     (void *)0x10);
	SAME("%s", "a very long string that is longer than a lot of widths");
	SAME("%030d|%-30d|", INT_MIN, INT_MIN);
	SAME("%#030x|%#-30llx|", 0xabcu, 0xabcULL);
}

static const long long int_values[] = {
	0, 1, -1, 7, -7, 42, 255, 256, -256, 65535, 65536, 0x7fffffff,
	-0x7fffffff - 1, 0xffffffffLL, 1LL << 40, -(1LL << 40),
	LLONG_MAX, LLONG_MIN,
};

/*
 * Every combination of flags, width, precision and length modifier for
 * every integer conversion, on boundary values. Built at run time, so the
 * format is not a literal: compared through the va_list entry points.
 */
static int k_fmt(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = k_vsnprintf(b, n, f, ap);
	va_end(ap);
	return r;
}

static int h_fmt(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = vsnprintf(b, n, f, ap);
	va_end(ap);
	return r;
}

static void compare_one(const char *fmt, const char *len, long long v)
{
	char kb[128], hb[128];
	int kr, hr;

	if (!strcmp(len, "ll") || !strcmp(len, "l") || !strcmp(len, "j")) {
		kr = k_fmt(kb, sizeof(kb), fmt, v);
		hr = h_fmt(hb, sizeof(hb), fmt, v);
	} else if (!strcmp(len, "z") || !strcmp(len, "t")) {
		kr = k_fmt(kb, sizeof(kb), fmt, (long)v);
		hr = h_fmt(hb, sizeof(hb), fmt, (long)v);
	} else {
		kr = k_fmt(kb, sizeof(kb), fmt, (int)v);
		hr = h_fmt(hb, sizeof(hb), fmt, (int)v);
	}
	if (strcmp(kb, hb) || kr != hr)
		unit_fail(__FILE__, __LINE__, "format \"%s\" value %lld: "
			  "kernel \"%s\" (%d), host \"%s\" (%d)", fmt, v, kb,
			  kr, hb, hr);
}

TEST(integer_conversion_matrix_matches_host)
{
	static const char *flags[] = { "", "-", "0", "+", " ", "#", "-0", "+0",
				       "#0", "-#", "+ ", "0 #", "-+#0 " };
	static const char *widths[] = { "", "1", "6", "25" };
	static const char *precs[] = { "", ".", ".0", ".1", ".4", ".22" };
	static const char *lens[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
	static const char convs[] = "diuxXo";
	char fmt[64];
	size_t f, w, p, l, c, v;
	unsigned int checked = 0;

	for (f = 0; f < ARRAY_SIZE(flags); f++)
	for (w = 0; w < ARRAY_SIZE(widths); w++)
	for (p = 0; p < ARRAY_SIZE(precs); p++)
	for (l = 0; l < ARRAY_SIZE(lens); l++)
	for (c = 0; c < sizeof(convs) - 1; c++) {
		snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flags[f],
			 widths[w], precs[p], lens[l], convs[c]);
		for (v = 0; v < ARRAY_SIZE(int_values); v++) {
			compare_one(fmt, lens[l], int_values[v]);
			checked++;
		}
	}
	EXPECT(checked > 100000);
}

TEST(string_and_char_matrix_matches_host)
{
	static const char *flags[] = { "", "-" };
	static const char *widths[] = { "", "1", "3", "12" };
	static const char *precs[] = { "", ".", ".0", ".2", ".9" };
	static const char *strs[] = { "", "a", "hello", "hello world!" };
	char fmt[32], kb[64], hb[64];
	size_t f, w, p, s;

	for (f = 0; f < ARRAY_SIZE(flags); f++)
	for (w = 0; w < ARRAY_SIZE(widths); w++)
	for (p = 0; p < ARRAY_SIZE(precs); p++) {
		snprintf(fmt, sizeof(fmt), "[%%%s%s%ss]", flags[f], widths[w],
			 precs[p]);
		for (s = 0; s < ARRAY_SIZE(strs); s++) {
			EXPECT_EQ(k_fmt(kb, sizeof(kb), fmt, strs[s]),
				  h_fmt(hb, sizeof(hb), fmt, strs[s]));
			EXPECT_STREQ(kb, hb);
		}
		snprintf(fmt, sizeof(fmt), "[%%%s%sc]", flags[f], widths[w]);
		EXPECT_EQ(k_fmt(kb, sizeof(kb), fmt, 'Q'),
			  h_fmt(hb, sizeof(hb), fmt, 'Q'));
		EXPECT_STREQ(kb, hb);
	}
}

TEST(truncation_returns_full_length_and_terminates)
{
	char *b;
	size_t size;
	int r;

	/* Exact-size heap buffers: ASan reports any byte written past them. */
	for (size = 1; size < 16; size++) {
		b = malloc(size);
		ASSERT(b);
		r = k_snprintf(b, size, "%s-%d", "abcdef", 12345);
		EXPECT_EQ(r, 12);
		EXPECT_EQ(strlen(b), size - 1 < 12 ? size - 1 : 12);
		EXPECT(!strncmp(b, "abcdef-12345", strlen(b)));
		free(b);
	}
	EXPECT_EQ(k_snprintf(NULL, 0, "%d", 123456), 6);
	b = malloc(1);
	ASSERT(b);
	b[0] = 'x';
	EXPECT_EQ(k_snprintf(b, 0, "abc"), 3);
	EXPECT_EQ(b[0], 'x');
	free(b);
}

TEST(null_string_and_pointer)
{
	KEQ("(null)", "%s", (char *)NULL);
	KEQ("  (nul", "%6.4s", (char *)NULL);
	KEQ("0x0", "%p", NULL);
	KEQ("  0x0", "%5p", NULL);
	KEQ("0xffffffff81000000", "%p", (void *)0xffffffff81000000UL);
}

TEST(symbolic_pointers)
{
	KEQ("foo+0x0/0x40", "%pS", (void *)0x1000);
	KEQ("foo+0x3f/0x40", "%pS", (void *)0x103f);
	KEQ("bar+0x1/0x20", "%pS", (void *)0x1041);
	KEQ("bar", "%ps", (void *)0x1041);
	KEQ("0x2000", "%pS", (void *)0x2000);
	KEQ("0xfff", "%ps", (void *)0xfff);
	KEQ("[   foo+0x1/0x40]", "[%15pS]", (void *)0x1001);
	KEQ("[bar+0x0/0x20  ]", "[%-14pS]", (void *)0x1040);
	KEQ("at foo+0x4/0x40, ok", "at %pS, ok", (void *)0x1004);
	KEQ("0x1000 and 0x1000", "%px and %p", (void *)0x1000, (void *)0x1000);
}

TEST(malformed_formats_are_echoed)
{
	KEQ("50%", "50%");
	KEQ("x%-5", "x%-5");
	KEQ("a%lb", "a%lb");
	KEQ("%y1", "%y%d", 1);
	KEQ("%hh", "%hh");
	KEQ("%|%", "%5%|%-5%");
}

TEST(huge_width_is_counted_not_written)
{
	char b[8];

	EXPECT_EQ(k_snprintf(b, sizeof(b), "%1000d", 1), 1000);
	EXPECT_STREQ(b, "       ");
	/* Beyond WIDTH_MAX the kernel clamps instead of padding for ever. */
	EXPECT_EQ(k_snprintf(b, sizeof(b), "%*d", INT_MIN, 5), 4096);
	EXPECT_STREQ(b, "5      ");
	EXPECT_EQ(k_snprintf(b, sizeof(b), "%99999999999d", 5), 4096);
	EXPECT_EQ(k_snprintf(b, sizeof(b), "%.*d", INT_MAX, 5), 4096);
}
