/*
 * Tests for kernel/ksyms.c: lookups on a fake table laid out as
 * tools/gen_ksyms.py emits it, both through ksym_table_lookup() and
 * through ksym_lookup() on the ksyms_* symbols this file defines.
 */
#include "unit.h"

#include <ferrite/ksyms.h>
#include <stdio.h>

/* Three functions at 0x100 (0x10 bytes), 0x110 (0x30), 0x140 (0x20). */
const u64 ksyms_count = 3;
const u64 ksyms_addrs[] = { 0x100, 0x110, 0x140, 0x160 };
const u32 ksyms_name_off[] = { 0, 6, 12 };
const char ksyms_strings[] = "start\0alpha\0omega";

TEST(lookup_inside_each_symbol)
{
	const char *name = NULL;
	uintptr_t off = 99, size = 99;

	EXPECT(ksym_lookup(0x100, &name, &off, &size));
	EXPECT_STREQ(name, "start");
	EXPECT_EQ(off, 0);
	EXPECT_EQ(size, 0x10);
	EXPECT(ksym_lookup(0x10f, &name, &off, &size));
	EXPECT_STREQ(name, "start");
	EXPECT_EQ(off, 0xf);
	EXPECT(ksym_lookup(0x110, &name, &off, &size));
	EXPECT_STREQ(name, "alpha");
	EXPECT_EQ(off, 0);
	EXPECT_EQ(size, 0x30);
	EXPECT(ksym_lookup(0x15f, &name, &off, &size));
	EXPECT_STREQ(name, "omega");
	EXPECT_EQ(off, 0x1f);
	EXPECT_EQ(size, 0x20);
}

TEST(lookup_outside_fails)
{
	const char *name = "unchanged";

	EXPECT(!ksym_lookup(0xff, &name, NULL, NULL));
	EXPECT(!ksym_lookup(0x160, &name, NULL, NULL));
	EXPECT(!ksym_lookup(0, &name, NULL, NULL));
	EXPECT(!ksym_lookup(UINTPTR_MAX, &name, NULL, NULL));
	EXPECT_STREQ(name, "unchanged");
}

TEST(null_out_pointers_are_allowed)
{
	EXPECT(ksym_lookup(0x120, NULL, NULL, NULL));
}

TEST(empty_table_finds_nothing)
{
	static const u64 addrs[] = { 0 };
	static const u32 offs[] = { 0 };
	const struct ksym_table t = { 0, addrs, offs, "" };

	EXPECT(!ksym_table_lookup(&t, 0, NULL, NULL, NULL));
	EXPECT(!ksym_table_lookup(&t, 0x1000, NULL, NULL, NULL));
}

TEST(large_table_every_address)
{
	enum { N = 1000 };
	static u64 addrs[N + 1];
	static u32 offs[N];
	static char strings[N * 8];
	const struct ksym_table t = { N, addrs, offs, strings };
	const char *name;
	uintptr_t off, size, a;
	unsigned int i, pos = 0;

	for (i = 0; i <= N; i++)
		addrs[i] = 0xffffffff80000000ULL + (u64)i * i * 3;	/* varied sizes */
	for (i = 0; i < N; i++) {
		offs[i] = pos;
		pos += (unsigned int)snprintf(strings + pos, 8, "f%u", i) + 1;
	}
	for (i = 1; i < N; i++) {
		a = addrs[i] + (addrs[i + 1] - addrs[i]) / 2;
		ASSERT(ksym_table_lookup(&t, a, &name, &off, &size));
		EXPECT_EQ(name - strings, offs[i]);
		EXPECT_EQ(off, a - addrs[i]);
		EXPECT_EQ(size, addrs[i + 1] - addrs[i]);
	}
	EXPECT(ksym_table_lookup(&t, addrs[0] + 2, &name, &off, &size));
	EXPECT_STREQ(name, "f0");
	EXPECT_EQ(size, 3);
	EXPECT(!ksym_table_lookup(&t, addrs[N], &name, &off, &size));
}

TEST(zero_sized_entry_is_skipped_for_the_next)
{
	/* Two names at one address: the later, non-empty one is reported. */
	static const u64 addrs[] = { 0x10, 0x10, 0x20 };
	static const u32 offs[] = { 0, 2 };
	const struct ksym_table t = { 2, addrs, offs, "a\0b" };
	const char *name;
	uintptr_t size;

	EXPECT(ksym_table_lookup(&t, 0x10, &name, NULL, &size));
	EXPECT_STREQ(name, "b");
	EXPECT_EQ(size, 0x10);
}
