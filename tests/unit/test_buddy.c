/*
 * Host tests of the buddy allocator (mm/page_alloc.c): a mem_map built
 * over an arena that stands for physical memory from address 0.
 */
#include <stdlib.h>
#include <string.h>

#include <ferrite/mm.h>
#include "unit.h"

#define NPAGES	4096		/* 16 MiB: four order-10 blocks */

extern unsigned int host_warn_count;

static struct page *map;
static u8 *arena;

/* Fresh allocator over [start, end) of an arena of NPAGES pages. */
static void setup_range(pfn_t start, pfn_t end)
{
	if (!arena) {
		arena = aligned_alloc(PAGE_SIZE, NPAGES * PAGE_SIZE);
		map = calloc(NPAGES, sizeof(*map));
	}
	memset(map, 0, NPAGES * sizeof(*map));
	host_direct_map_base = (uintptr_t)arena;
	buddy_init(map, NPAGES);
	buddy_add_free_range(start, end);
}

TEST(handover_counts_and_reserved_holes)
{
	setup_range(1, 1000);
	buddy_add_free_range(1030, NPAGES);
	EXPECT_EQ(nr_total_pages(), 999 + (NPAGES - 1030));
	EXPECT_EQ(nr_free_pages(), nr_total_pages());
	EXPECT_EQ(buddy_verify(), 0);
	EXPECT(map[0].flags & PG_RESERVED);
	EXPECT(map[1010].flags & PG_RESERVED);
	EXPECT(!(map[1].flags & PG_RESERVED));	/* head of a free block */
}

TEST(handover_uses_largest_aligned_blocks)
{
	int i;

	setup_range(0, NPAGES);
	for (i = 0; i < NPAGES / 1024; i++)
		EXPECT(alloc_pages(GFP_KERNEL, MAX_ORDER - 1) != NULL);
	EXPECT(alloc_pages(GFP_KERNEL, MAX_ORDER - 1) == NULL);
	EXPECT(alloc_pages(GFP_KERNEL, 0) == NULL);
	EXPECT_EQ(nr_free_pages(), 0);
}

TEST(split_then_merge_restores_big_block)
{
	struct page *p, *q, *big;

	setup_range(0, 1024);
	p = alloc_pages(GFP_KERNEL, 0);
	ASSERT(p);
	EXPECT_EQ(page_to_pfn(p), 0);
	EXPECT_EQ(p->refcount, 1);
	EXPECT(alloc_pages(GFP_KERNEL, MAX_ORDER - 1) == NULL);
	q = alloc_pages(GFP_KERNEL, 0);
	ASSERT(q);
	EXPECT_EQ(page_to_pfn(q), 1);		/* p's buddy */
	EXPECT_EQ(nr_free_pages(), 1022);
	EXPECT_EQ(buddy_verify(), 0);
	free_pages(p, 0);
	free_pages(q, 0);
	EXPECT_EQ(buddy_verify(), 0);
	big = alloc_pages(GFP_KERNEL, MAX_ORDER - 1);
	EXPECT(big == &map[0]);
}

TEST(range_end_blocks_stay_inside_range)
{
	struct page *p;

	/* 3 pages at pfn 5: blocks of order 0 (5) and order 1 (6-7). */
	setup_range(5, 8);
	EXPECT_EQ(nr_free_pages(), 3);
	EXPECT(alloc_pages(GFP_KERNEL, 2) == NULL);
	p = alloc_pages(GFP_KERNEL, 1);
	ASSERT(p);
	EXPECT_EQ(page_to_pfn(p), 6);
	free_pages(p, 1);
	/* 4-7 must not merge with reserved page 4. */
	EXPECT(alloc_pages(GFP_KERNEL, 2) == NULL);
	EXPECT_EQ(buddy_verify(), 0);
}

TEST(exhaustion_returns_null_and_recovers)
{
	static struct page *got[NPAGES];
	unsigned int n = 0, i;

	setup_range(0, NPAGES);
	while (n < NPAGES && (got[n] = alloc_pages(GFP_KERNEL, 0)) != NULL)
		n++;
	EXPECT_EQ(n, NPAGES);
	EXPECT(alloc_pages(GFP_KERNEL, 0) == NULL);
	EXPECT_EQ(nr_free_pages(), 0);
	for (i = 0; i < n; i++)
		free_pages(got[i], 0);
	EXPECT_EQ(nr_free_pages(), NPAGES);
	EXPECT_EQ(buddy_verify(), 0);
	EXPECT(alloc_pages(GFP_KERNEL, MAX_ORDER - 1) != NULL);
}

TEST(order_out_of_range)
{
	struct page *p;
	unsigned int warns;

	setup_range(0, NPAGES);
	EXPECT(alloc_pages(GFP_KERNEL, MAX_ORDER) == NULL);
	EXPECT(get_free_pages(GFP_KERNEL, 99) == NULL);
	p = alloc_pages(GFP_KERNEL, 0);
	ASSERT(p);
	warns = host_warn_count;
	free_pages(p, MAX_ORDER);
	EXPECT_EQ(host_warn_count, warns + 1);
	EXPECT_EQ(nr_free_pages(), NPAGES - 1);
	free_pages(p, 0);
	EXPECT_EQ(nr_free_pages(), NPAGES);
}

TEST(double_free_is_caught_and_ignored)
{
	struct page *a, *b;
	unsigned int warns;

	setup_range(0, 2);
	a = alloc_pages(GFP_KERNEL, 0);
	b = alloc_pages(GFP_KERNEL, 0);
	ASSERT(a && b);
	free_pages(a, 0);
	warns = host_warn_count;
	free_pages(a, 0);		/* a still listed as a free block */
	EXPECT_EQ(host_warn_count, warns + 1);
	free_pages(b, 0);		/* merges a and b into one block */
	free_pages(a, 0);		/* a is now inside that block */
	free_pages(b, 0);
	EXPECT_EQ(host_warn_count, warns + 3);
	EXPECT_EQ(nr_free_pages(), 2);
	EXPECT_EQ(buddy_verify(), 0);
	a = alloc_pages(GFP_KERNEL, 0);
	b = alloc_pages(GFP_KERNEL, 0);
	EXPECT(a && b && a != b);
	EXPECT(alloc_pages(GFP_KERNEL, 0) == NULL);
}

TEST(bad_frees_are_refused)
{
	struct page *p;
	unsigned int warns;

	setup_range(8, 16);
	warns = host_warn_count;
	free_pages(&map[0], 0);		/* reserved */
	EXPECT_EQ(host_warn_count, warns + 1);
	p = alloc_pages(GFP_KERNEL, 1);
	ASSERT(p);
	free_pages(p + 1, 1);		/* misaligned for its order */
	EXPECT_EQ(host_warn_count, warns + 2);
	free_pages(NULL, 0);
	free_pages_addr(NULL, 0);
	EXPECT_EQ(host_warn_count, warns + 2);
	EXPECT_EQ(nr_free_pages(), 6);
	EXPECT_EQ(buddy_verify(), 0);
}

TEST(gfp_zero_and_poison)
{
	u8 *va;
	size_t i;
	bool zero = true;

	setup_range(0, 16);
	va = get_free_pages(GFP_KERNEL, 1);
	ASSERT(va);
	memset(va, 0xff, 2 * PAGE_SIZE);
	free_pages_addr(va, 1);
#ifdef CONFIG_DEBUG_CHECKS
	EXPECT_EQ(va[0], 0x6b);
	EXPECT_EQ(va[2 * PAGE_SIZE - 1], 0x6b);
#endif
	va = get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);
	ASSERT(va);
	for (i = 0; i < 2 * PAGE_SIZE; i++)
		zero &= va[i] == 0;
	EXPECT(zero);
}

/* Random orders, random frees, a shadow owner map and invariant checks. */
TEST(random_stress_keeps_invariants)
{
	enum { SLOTS = 256 };
	static struct page *slot[SLOTS];
	static unsigned int slot_order[SLOTS];
	static u16 owner[NPAGES];	/* slot + 1 owning the page, 0 = free */
	unsigned int iter, i, j;
	bool overlap = false;

	setup_range(3, NPAGES - 5);
	memset(slot, 0, sizeof(slot));
	memset(owner, 0, sizeof(owner));
	srand(1234);
	for (iter = 0; iter < 20000; iter++) {
		i = (unsigned int)rand() % SLOTS;
		if (slot[i]) {
			pfn_t pfn = page_to_pfn(slot[i]);

			for (j = 0; j < (1u << slot_order[i]); j++)
				owner[pfn + j] = 0;
			free_pages(slot[i], slot_order[i]);
			slot[i] = NULL;
		} else {
			unsigned int order = (unsigned int)rand() % 6;
			struct page *p = alloc_pages(GFP_KERNEL, order);
			pfn_t pfn;

			if (!p)
				continue;
			pfn = page_to_pfn(p);
			EXPECT(IS_ALIGNED(pfn, 1u << order));
			for (j = 0; j < (1u << order); j++) {
				overlap |= owner[pfn + j] != 0;
				owner[pfn + j] = (u16)(i + 1);
			}
			slot[i] = p;
			slot_order[i] = order;
		}
		if (iter % 1000 == 0)
			EXPECT_EQ(buddy_verify(), 0);
	}
	EXPECT(!overlap);
	for (i = 0; i < SLOTS; i++)
		if (slot[i])
			free_pages(slot[i], slot_order[i]);
	EXPECT_EQ(nr_free_pages(), NPAGES - 8);
	EXPECT_EQ(nr_free_pages(), nr_total_pages());
	EXPECT_EQ(buddy_verify(), 0);
	/* Everything merged back: the two middle order-10 blocks exist. */
	EXPECT(alloc_pages(GFP_KERNEL, MAX_ORDER - 1) != NULL);
	EXPECT(alloc_pages(GFP_KERNEL, MAX_ORDER - 1) != NULL);
	EXPECT(alloc_pages(GFP_KERNEL, MAX_ORDER - 1) == NULL);
}

TEST(lock_is_released)
{
	setup_range(0, 16);
	EXPECT_EQ(host_irq_depth, 0);
	free_pages(alloc_pages(GFP_KERNEL, 0), 0);
	EXPECT_EQ(host_irq_depth, 0);
}
