/*
 * Host tests of the boot-time allocator (mm/memblock.c): range merging,
 * free-range iteration, and top-down aligned, zeroed, limited allocation.
 */
#include <stdlib.h>
#include <string.h>

#include <ferrite/mm.h>
#include "unit.h"

#define ARENA_SIZE	(1UL << 20)

void memblock_reset(void);	/* host-only, in mm/memblock.c */

struct ranges {
	unsigned int n;
	phys_addr_t r[16][2];
};

static void collect(phys_addr_t base, phys_addr_t end, void *arg)
{
	struct ranges *rs = arg;

	if (rs->n < 16) {
		rs->r[rs->n][0] = base;
		rs->r[rs->n][1] = end;
	}
	rs->n++;
}

static struct ranges free_ranges(void)
{
	struct ranges rs = { 0 };

	memblock_for_each_free_range(collect, &rs);
	return rs;
}

static u8 *arena;

/* memblock_alloc zeroes through phys_to_virt: give it an arena. */
static void setup(void)
{
	if (!arena)
		arena = aligned_alloc(PAGE_SIZE, ARENA_SIZE);
	memset(arena, 0xff, ARENA_SIZE);
	host_direct_map_base = (uintptr_t)arena;
	memblock_reset();
}

TEST(adjacent_and_overlapping_adds_merge)
{
	struct ranges rs;

	setup();
	memblock_add(0x3000, 0x1000);
	memblock_add(0x1000, 0x1000);
	memblock_add(0x2000, 0x1000);	/* touches both: one range */
	memblock_add(0x9000, 0x1000);
	memblock_add(0x8800, 0x1000);	/* overlaps the one above */
	rs = free_ranges();
	ASSERT(rs.n == 2);
	EXPECT_EQ(rs.r[0][0], 0x1000);
	EXPECT_EQ(rs.r[0][1], 0x4000);
	EXPECT_EQ(rs.r[1][0], 0x8800);
	EXPECT_EQ(rs.r[1][1], 0xa000);
	EXPECT_EQ(memblock_end_of_ram(), 0xa000);
}

TEST(add_spanning_many_ranges_collapses_them)
{
	struct ranges rs;
	unsigned int i;

	setup();
	for (i = 0; i < 10; i++)
		memblock_add(0x10000 + i * 0x2000, 0x1000);
	EXPECT_EQ(free_ranges().n, 10);
	/* Fills the gaps up to range 8, which ends at 0x21000. */
	memblock_add(0x11000, 0x10000);
	rs = free_ranges();
	ASSERT(rs.n == 2);
	EXPECT_EQ(rs.r[0][0], 0x10000);
	EXPECT_EQ(rs.r[0][1], 0x21000);
	EXPECT_EQ(rs.r[1][0], 0x22000);
}

TEST(table_holds_128_disjoint_ranges)
{
	unsigned int i;

	setup();
	for (i = 0; i < 128; i++)
		memblock_add((phys_addr_t)i * 0x2000, 0x1000);
	EXPECT_EQ(free_ranges().n, 128);
	EXPECT_EQ(memblock_end_of_ram(), 127 * 0x2000 + 0x1000);
}

TEST(reserved_ranges_are_cut_out)
{
	struct ranges rs;

	setup();
	memblock_add(0, 0x10000);
	memblock_add(0x20000, 0x10000);
	memblock_reserve(0x2000, 0x1000);
	memblock_reserve(0x5000, 0x1000);
	memblock_reserve(0xf000, 0x12000);	/* across the hole */
	memblock_reserve(0x40000, 0x1000);	/* outside any memory */
	rs = free_ranges();
	ASSERT(rs.n == 4);
	EXPECT_EQ(rs.r[0][0], 0);
	EXPECT_EQ(rs.r[0][1], 0x2000);
	EXPECT_EQ(rs.r[1][0], 0x3000);
	EXPECT_EQ(rs.r[1][1], 0x5000);
	EXPECT_EQ(rs.r[2][0], 0x6000);
	EXPECT_EQ(rs.r[2][1], 0xf000);
	EXPECT_EQ(rs.r[3][0], 0x21000);
	EXPECT_EQ(rs.r[3][1], 0x30000);
}

TEST(wrapping_length_is_clipped)
{
	setup();
	memblock_add(0x1000, ~0ULL);
	EXPECT_EQ(memblock_end_of_ram(), ~0ULL);
	EXPECT_EQ(free_ranges().n, 1);
}

TEST(alloc_is_top_down_aligned_zeroed_and_reserved)
{
	phys_addr_t a, b;
	size_t i;
	bool zero = true;

	setup();
	memblock_add(0, ARENA_SIZE);
	a = memblock_alloc(100, 64);
	EXPECT_EQ(a, ALIGN_DOWN(ARENA_SIZE - 100, 64));
	for (i = 0; i < 100; i++)
		zero &= arena[a + i] == 0;
	EXPECT(zero);
	EXPECT_EQ(arena[a + 100], 0xff);	/* no more than asked */
	b = memblock_alloc(PAGE_SIZE, PAGE_SIZE);
	EXPECT(IS_ALIGNED(b, PAGE_SIZE));
	EXPECT(b + PAGE_SIZE <= a);		/* does not overlap a */
	/* Below b, between b and a, and the sliver above a's 100 bytes. */
	EXPECT_EQ(free_ranges().n, 3);
}

TEST(alloc_skips_reserved_and_respects_limit)
{
	phys_addr_t a;

	setup();
	memblock_add(0, ARENA_SIZE);
	memblock_reserve(0x40000, ARENA_SIZE - 0x40000);
	memblock_set_limit(0x20000);
	a = memblock_alloc(0x3000, 0x10000);
	EXPECT_EQ(a, 0x10000);
	EXPECT(a + 0x3000 <= 0x20000);
	memblock_set_limit(~0ULL);
	a = memblock_alloc(0x1000, 0);		/* align 0 means a page */
	EXPECT_EQ(a, 0x3f000);
}

TEST(alloc_never_returns_zero)
{
	phys_addr_t a;

	setup();
	memblock_add(0, 0x2000);
	a = memblock_alloc(0x1000, 0x1000);
	EXPECT_EQ(a, 0x1000);
	memblock_reset();
	memblock_add(0, 0x1800);
	a = memblock_alloc(0x800, 8);
	EXPECT_EQ(a, 0x1000);
}
