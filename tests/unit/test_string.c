/*
 * Tests for lib/string.c (built as k_* by kstring.c): each routine against
 * the host libc on the same inputs, plus strscpy/kstrtou64/memparse edges.
 */
#include "unit.h"
#include "kstring.h"

#include <ferrite/compiler.h>
#include <ferrite/errno.h>
#include <stdlib.h>
#include <string.h>

static unsigned int seed = 12345;

static unsigned int rnd(void)
{
	seed = seed * 1103515245 + 12345;
	return (seed >> 8) & 0xffffff;
}

TEST(memcpy_memset_all_lengths_and_offsets)
{
	unsigned char src[300], a[300], b[300];
	size_t off, len, i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)rnd();
	for (off = 0; off < 9; off++) {
		for (len = 0; len + off < 280; len += 1 + len / 8) {
			memset(a, 0xaa, sizeof(a));
			memset(b, 0xaa, sizeof(b));
			EXPECT(k_memcpy(a + off, src + 3, len) == a + off);
			memcpy(b + off, src + 3, len);
			EXPECT(!memcmp(a, b, sizeof(a)));
			EXPECT(k_memset(a + off, 0x5c, len) == a + off);
			memset(b + off, 0x5c, len);
			EXPECT(!memcmp(a, b, sizeof(a)));
		}
	}
}

TEST(memset_uses_low_byte_of_c)
{
	unsigned char a[8] = { 0 };

	k_memset(a, 0x1ff, 4);
	EXPECT_EQ(a[0], 0xff);
	EXPECT_EQ(a[3], 0xff);
	EXPECT_EQ(a[4], 0);
}

TEST(memmove_overlapping_both_directions)
{
	char a[64], b[64];
	int d, s, n;

	for (d = 0; d < 20; d++)
		for (s = 0; s < 20; s++)
			for (n = 0; n < 40; n += 3) {
				for (int i = 0; i < 64; i++)
					a[i] = b[i] = (char)i;
				EXPECT(k_memmove(a + d, a + s, (size_t)n) == a + d);
				memmove(b + d, b + s, (size_t)n);
				EXPECT(!memcmp(a, b, sizeof(a)));
			}
	/* The direction flag must be clear again after a backward copy. */
	k_memmove(a + 1, a, 10);
	k_memcpy(b, a, 10);
	EXPECT(!memcmp(a, b, 10));
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

TEST(memcmp_strcmp_strncmp_signs_match_libc)
{
	static const char *s[] = { "", "a", "b", "ab", "abc", "abd", "\xff",
				   "\x01", "a\xff", "abcdef" };
	size_t i, j, n;

	for (i = 0; i < ARRAY_SIZE(s); i++)
		for (j = 0; j < ARRAY_SIZE(s); j++) {
			EXPECT_EQ(sign(k_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
			for (n = 0; n < 5; n++)
				EXPECT_EQ(sign(k_strncmp(s[i], s[j], n)),
					  sign(strncmp(s[i], s[j], n)));
			n = strlen(s[i]) < strlen(s[j]) ? strlen(s[i]) : strlen(s[j]);
			EXPECT_EQ(sign(k_memcmp(s[i], s[j], n + 1)),
				  sign(memcmp(s[i], s[j], n + 1)));
		}
	EXPECT_EQ(k_memcmp("x", "y", 0), 0);
}

TEST(search_functions_match_libc)
{
	const char *h = "hello, world; hello again";

	EXPECT(k_strchr(h, 'o') == strchr(h, 'o'));
	EXPECT(k_strchr(h, 'z') == NULL);
	EXPECT(k_strchr(h, '\0') == h + strlen(h));
	EXPECT(k_strrchr(h, 'o') == strrchr(h, 'o'));
	EXPECT(k_strrchr(h, 'z') == NULL);
	EXPECT(k_strrchr(h, '\0') == h + strlen(h));
	EXPECT(k_memchr(h, 'w', 5) == NULL);
	EXPECT(k_memchr(h, 'w', strlen(h)) == memchr(h, 'w', strlen(h)));
	EXPECT(k_memchr(h, 'h' + 256, 3) == h);
	EXPECT(k_strstr(h, "hello") == h);
	EXPECT(k_strstr(h, "again") == strstr(h, "again"));
	EXPECT(k_strstr(h, "") == h);
	EXPECT(k_strstr(h, "hellx") == NULL);
	EXPECT(k_strstr("aaab", "aab") == strstr("aaab", "aab"));
	EXPECT(k_strstr("", "a") == NULL);
	EXPECT_EQ(k_strlen(""), 0);
	EXPECT_EQ(k_strlen(h), strlen(h));
	EXPECT_EQ(k_strnlen(h, 3), 3);
	EXPECT_EQ(k_strnlen(h, 1000), strlen(h));
	EXPECT_EQ(k_strnlen("ab", 0), 0);
}

TEST(strscpy_truncates_and_reports_e2big)
{
	char *d = malloc(5);	/* exact size: ASan catches any overrun */

	ASSERT(d);
	EXPECT_EQ(strscpy(d, "abcd", 5), 4);
	EXPECT_STREQ(d, "abcd");
	EXPECT_EQ(strscpy(d, "abcde", 5), -E2BIG);
	EXPECT_STREQ(d, "abcd");
	EXPECT_EQ(strscpy(d, "", 5), 0);
	EXPECT_STREQ(d, "");
	EXPECT_EQ(strscpy(d, "xyz", 1), -E2BIG);
	EXPECT_STREQ(d, "");
	d[0] = 'q';
	EXPECT_EQ(strscpy(d, "xyz", 0), -E2BIG);
	EXPECT_EQ(d[0], 'q');
	free(d);
}

TEST(strlcpy_returns_source_length)
{
	char d[4];

	EXPECT_EQ(k_strlcpy(d, "abcdef", sizeof(d)), 6);
	EXPECT_STREQ(d, "abc");
	EXPECT_EQ(k_strlcpy(d, "ab", sizeof(d)), 2);
	EXPECT_STREQ(d, "ab");
	d[0] = 'z';
	EXPECT_EQ(k_strlcpy(d, "ab", 0), 2);
	EXPECT_EQ(d[0], 'z');
}

TEST(kstrtou64_bases_and_prefixes)
{
	u64 v = 0;

	EXPECT_EQ(kstrtou64("0", 0, &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(kstrtou64("123", 0, &v), 0);
	EXPECT_EQ(v, 123);
	EXPECT_EQ(kstrtou64("0x1F", 0, &v), 0);
	EXPECT_EQ(v, 31);
	EXPECT_EQ(kstrtou64("0X1f", 16, &v), 0);
	EXPECT_EQ(v, 31);
	EXPECT_EQ(kstrtou64("ff", 16, &v), 0);
	EXPECT_EQ(v, 255);
	EXPECT_EQ(kstrtou64("017", 0, &v), 0);
	EXPECT_EQ(v, 15);
	EXPECT_EQ(kstrtou64("017", 10, &v), 0);
	EXPECT_EQ(v, 17);
	EXPECT_EQ(kstrtou64("+7", 10, &v), 0);
	EXPECT_EQ(v, 7);
	EXPECT_EQ(kstrtou64("42\n", 0, &v), 0);
	EXPECT_EQ(v, 42);
	EXPECT_EQ(kstrtou64("18446744073709551615", 0, &v), 0);
	EXPECT_EQ(v, UINT64_MAX);
	EXPECT_EQ(kstrtou64("0xffffffffffffffff", 0, &v), 0);
	EXPECT_EQ(v, UINT64_MAX);
}

TEST(kstrtou64_rejects_bad_input_without_writing)
{
	u64 v = 99;

	EXPECT_EQ(kstrtou64("", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("\n", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("12a", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("0x", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("08", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("-1", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtou64(" 1", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("1 ", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("1\n\n", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("+", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("12", 1, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("12", 17, &v), -EINVAL);
	EXPECT_EQ(kstrtou64("18446744073709551616", 0, &v), -ERANGE);
	EXPECT_EQ(kstrtou64("0x10000000000000000", 0, &v), -ERANGE);
	EXPECT_EQ(kstrtou64("99999999999999999999999", 10, &v), -ERANGE);
	EXPECT_EQ(v, 99);
}

TEST(kstrtos64_range_edges)
{
	s64 v = 5;

	EXPECT_EQ(kstrtos64("-9223372036854775808", 0, &v), 0);
	EXPECT_EQ(v, INT64_MIN);
	EXPECT_EQ(kstrtos64("9223372036854775807", 0, &v), 0);
	EXPECT_EQ(v, INT64_MAX);
	EXPECT_EQ(kstrtos64("-0x10", 0, &v), 0);
	EXPECT_EQ(v, -16);
	v = 5;
	EXPECT_EQ(kstrtos64("9223372036854775808", 0, &v), -ERANGE);
	EXPECT_EQ(kstrtos64("-9223372036854775809", 0, &v), -ERANGE);
	EXPECT_EQ(kstrtos64("-", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtos64("--1", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtos64("-+1", 0, &v), -EINVAL);
	EXPECT_EQ(v, 5);
}

TEST(memparse_suffixes_and_end)
{
	const char *end;

	EXPECT_EQ(memparse("4096", &end), 4096);
	EXPECT_EQ(*end, '\0');
	EXPECT_EQ(memparse("64k", &end), 64 << 10);
	EXPECT_EQ(memparse("64K", &end), 64 << 10);
	EXPECT_EQ(memparse("512M@0x1000", &end), 512ULL << 20);
	EXPECT_STREQ(end, "@0x1000");
	EXPECT_EQ(memparse("2G", &end), 2ULL << 30);
	EXPECT_EQ(memparse("3t", &end), 3ULL << 40);
	EXPECT_EQ(memparse("1P", &end), 1ULL << 50);
	EXPECT_EQ(memparse("1E", &end), 1ULL << 60);
	EXPECT_EQ(memparse("0x10M", &end), 16ULL << 20);
	EXPECT_EQ(*end, '\0');
	EXPECT_EQ(memparse("12x", &end), 12);
	EXPECT_STREQ(end, "x");
	EXPECT_EQ(memparse("junk", &end), 0);
	EXPECT_STREQ(end, "junk");
	EXPECT_EQ(memparse("", &end), 0);
	EXPECT_EQ(memparse("7", NULL), 7);
}
