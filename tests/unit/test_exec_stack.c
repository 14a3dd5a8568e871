/*
 * Tests for lib/exec_stack.c: the initial stack image is decoded back from
 * an arena standing for user memory (argc, argv, envp, auxv, strings,
 * 16-byte alignment), and too-small space, bad blobs and write failures
 * are reported instead of writing past the floor.
 */
#include "unit.h"

#include <ferrite/elf.h>
#include <ferrite/errno.h>
#include <stdlib.h>
#include <string.h>

#define ARENA	(64 * 1024)
#define BASE	0x7ffffff00000ULL	/* user address of arena[0] */

struct arena {
	unsigned char mem[ARENA];
	int writes_left;	/* fail after this many writes (-1: never) */
	bool outside;		/* a write landed outside the arena */
};

static int arena_write(void *ctx, uintptr_t dst, const void *src, size_t len)
{
	struct arena *a = ctx;

	if (a->writes_left == 0)
		return -EFAULT;
	if (a->writes_left > 0)
		a->writes_left--;
	if (dst < BASE || dst + len > BASE + ARENA) {
		a->outside = true;
		return -EFAULT;
	}
	memcpy(a->mem + (dst - BASE), src, len);
	return 0;
}

static u64 word(struct arena *a, uintptr_t addr)
{
	u64 v;

	memcpy(&v, a->mem + (addr - BASE), 8);
	return v;
}

static const char *str(struct arena *a, u64 addr)
{
	return (const char *)a->mem + (addr - BASE);
}

static const u8 rnd[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const u64 aux[] = { AT_PAGESZ, 4096, AT_RANDOM, 0, AT_EXECFN, 0,
			   AT_PLATFORM, 0, AT_ENTRY, 0x401000 };

static void desc_init(struct exec_stack_desc *d, struct arena *a,
		      const struct exec_blob *argv, unsigned int na,
		      const struct exec_blob *envp, unsigned int ne)
{
	memset(d, 0, sizeof(*d));
	d->top = BASE + ARENA;
	d->floor = BASE;
	d->argv = argv;
	d->nr_argv = na;
	d->envp = envp;
	d->nr_envp = ne;
	d->execfn = "/bin/prog";
	d->platform = "x86_64";
	d->random = rnd;
	d->auxv = aux;
	d->nr_auxv = 5;
	d->write = arena_write;
	d->ctx = a;
}

TEST(layout_decodes_like_linux)
{
	static struct arena a = { .writes_left = -1 };
	struct exec_blob argv[2] = {
		{ "sh\0-x\0", 6, 2 },		/* a #! prefix */
		{ "script\0arg\0", 11, 2 },
	};
	struct exec_blob envp[1] = { { "A=1\0PATH=/bin\0", 14, 2 } };
	struct exec_stack_desc d;
	struct exec_stack_layout l;
	uintptr_t sp;

	desc_init(&d, &a, argv, 2, envp, 1);
	ASSERT(exec_stack_build(&d, &l) == 0);
	sp = l.sp;
	EXPECT_EQ(sp % 16, 0);
	EXPECT_EQ(word(&a, sp), 4);
	EXPECT_STREQ(str(&a, word(&a, sp + 8)), "sh");
	EXPECT_STREQ(str(&a, word(&a, sp + 16)), "-x");
	EXPECT_STREQ(str(&a, word(&a, sp + 24)), "script");
	EXPECT_STREQ(str(&a, word(&a, sp + 32)), "arg");
	EXPECT_EQ(word(&a, sp + 40), 0);
	EXPECT_STREQ(str(&a, word(&a, sp + 48)), "A=1");
	EXPECT_STREQ(str(&a, word(&a, sp + 56)), "PATH=/bin");
	EXPECT_EQ(word(&a, sp + 64), 0);
	/* auxv: the placeholders became addresses of the right bytes. */
	EXPECT_EQ(word(&a, sp + 72), AT_PAGESZ);
	EXPECT_EQ(word(&a, sp + 80), 4096);
	EXPECT_EQ(word(&a, sp + 88), AT_RANDOM);
	EXPECT(memcmp(str(&a, word(&a, sp + 96)), rnd, 16) == 0);
	EXPECT_EQ(word(&a, sp + 104), AT_EXECFN);
	EXPECT_STREQ(str(&a, word(&a, sp + 112)), "/bin/prog");
	EXPECT_EQ(word(&a, sp + 120), AT_PLATFORM);
	EXPECT_STREQ(str(&a, word(&a, sp + 128)), "x86_64");
	EXPECT_EQ(word(&a, sp + 136), AT_ENTRY);
	EXPECT_EQ(word(&a, sp + 144), 0x401000);
	EXPECT_EQ(word(&a, sp + 152), AT_NULL);
	/* /proc/pid/cmdline and environ ranges, and the zero top word. */
	EXPECT_EQ(l.arg_end - l.arg_start, 17);
	EXPECT(memcmp(str(&a, l.arg_start), "sh\0-x\0script\0arg\0", 17) == 0);
	EXPECT_EQ(l.env_end - l.env_start, 14);
	EXPECT_EQ(l.env_end + 10 + 8, BASE + ARENA);
	EXPECT_EQ(word(&a, BASE + ARENA - 8), 0);
	EXPECT_EQ(l.auxv[2 * 5], AT_NULL);
	EXPECT(!a.outside);
}

TEST(no_arguments_and_no_platform)
{
	static struct arena a = { .writes_left = -1 };
	struct exec_stack_desc d;
	struct exec_stack_layout l;

	desc_init(&d, &a, NULL, 0, NULL, 0);
	d.platform = NULL;
	ASSERT(exec_stack_build(&d, &l) == 0);
	EXPECT_EQ(l.sp % 16, 0);
	EXPECT_EQ(word(&a, l.sp), 0);
	EXPECT_EQ(word(&a, l.sp + 8), 0);	/* argv NULL */
	EXPECT_EQ(word(&a, l.sp + 16), 0);	/* envp NULL */
	/* AT_PLATFORM is left out entirely. */
	EXPECT_EQ(word(&a, l.sp + 24 + 16 * 3), AT_ENTRY);
	EXPECT_EQ(word(&a, l.sp + 24 + 16 * 4), AT_NULL);
}

TEST(too_big_for_space_is_e2big_and_stays_above_floor)
{
	static struct arena a = { .writes_left = -1 };
	static char big[ARENA];
	struct exec_blob argv[1] = { { big, sizeof(big), 1 } };
	struct exec_blob small[1] = { { big, ARENA - 100, 1 } };
	struct exec_stack_desc d;
	struct exec_stack_layout l;

	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = 0;
	desc_init(&d, &a, argv, 1, NULL, 0);
	EXPECT_EQ(exec_stack_build(&d, &l), -E2BIG);
	/* Strings fit but the table does not. */
	big[ARENA - 101] = 0;
	desc_init(&d, &a, small, 1, NULL, 0);
	EXPECT_EQ(exec_stack_build(&d, &l), -E2BIG);
	EXPECT(!a.outside);
}

TEST(malformed_blob_is_einval)
{
	static struct arena a = { .writes_left = -1 };
	struct exec_blob unterminated[1] = { { "abc", 3, 1 } };
	struct exec_blob miscounted[1] = { { "a\0b\0", 4, 3 } };
	struct exec_stack_desc d;
	struct exec_stack_layout l;

	desc_init(&d, &a, unterminated, 1, NULL, 0);
	EXPECT_EQ(exec_stack_build(&d, &l), -EINVAL);
	desc_init(&d, &a, miscounted, 1, NULL, 0);
	EXPECT_EQ(exec_stack_build(&d, &l), -EINVAL);
}

TEST(write_failure_is_returned)
{
	static struct arena a;
	struct exec_blob argv[1] = { { "x\0", 2, 1 } };
	struct exec_stack_desc d;
	struct exec_stack_layout l;

	for (int n = 0; n < 6; n++) {
		a.writes_left = n;
		desc_init(&d, &a, argv, 1, NULL, 0);
		EXPECT_EQ(exec_stack_build(&d, &l), -EFAULT);
	}
}

TEST(many_arguments_cross_the_staging_chunks)
{
	static struct arena a = { .writes_left = -1 };
	static char blob[300 * 4];
	struct exec_blob argv[1] = { { blob, sizeof(blob), 300 } };
	struct exec_stack_desc d;
	struct exec_stack_layout l;

	for (int i = 0; i < 300; i++)
		{
		blob[4 * i] = (char)('0' + i / 100);
		blob[4 * i + 1] = (char)('0' + i / 10 % 10);
		blob[4 * i + 2] = (char)('0' + i % 10);
		blob[4 * i + 3] = 0;
	}
	desc_init(&d, &a, argv, 1, NULL, 0);
	ASSERT(exec_stack_build(&d, &l) == 0);
	EXPECT_EQ(word(&a, l.sp), 300);
	EXPECT_STREQ(str(&a, word(&a, l.sp + 8 * 300)), "299");
	EXPECT_STREQ(str(&a, word(&a, l.sp + 8 * 65)), "064");
	EXPECT_EQ(word(&a, l.sp + 8 * 301), 0);
}
