/*
 * Host tests of the slab allocator and kmalloc (mm/slab.c), on top of the
 * real buddy allocator over an arena standing for physical memory.
 */
#include <stdlib.h>
#include <string.h>

#include <ferrite/mm.h>
#include "unit.h"

#define NPAGES	2048		/* 8 MiB */

extern unsigned int host_warn_count;

static void setup(void)
{
	static bool done;
	struct page *map;
	void *arena;

	if (done)
		return;
	done = true;
	arena = aligned_alloc(PAGE_SIZE, NPAGES * PAGE_SIZE);
	map = calloc(NPAGES, sizeof(*map));
	host_direct_map_base = (uintptr_t)arena;
	buddy_init(map, NPAGES);
	buddy_add_free_range(1, NPAGES);	/* pfn 0 stays reserved */
	slab_init();
}

TEST(every_size_class_round_trip)
{
	static const size_t sizes[] = {
		1, 7, 8, 9, 16, 24, 32, 33, 64, 65, 96, 97, 128, 150, 192,
		200, 256, 400, 512, 1000, 1024, 1500, 2048
	};
	void *objs[ARRAY_SIZE(sizes)];
	u64 base;
	unsigned int i, j;

	setup();
	base = slab_objects_in_use();
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		objs[i] = kmalloc(sizes[i], GFP_KERNEL);
		ASSERT(objs[i]);
		EXPECT(virt_to_page(objs[i])->flags & PG_SLAB);
		EXPECT(IS_ALIGNED((uintptr_t)objs[i], 8));
		memset(objs[i], 0x5a, sizes[i]);
		for (j = 0; j < i; j++)
			EXPECT(objs[i] != objs[j]);
	}
	/* Power-of-two classes are naturally aligned. */
	EXPECT(IS_ALIGNED((uintptr_t)objs[ARRAY_SIZE(sizes) - 1], 2048));
	EXPECT(IS_ALIGNED((uintptr_t)objs[18], 512));
	EXPECT_EQ(slab_objects_in_use(), base + ARRAY_SIZE(sizes));
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(objs[i]);
	EXPECT_EQ(slab_objects_in_use(), base);
	EXPECT_EQ(buddy_verify(), 0);
}

TEST(zero_size_and_null)
{
	u64 base;
	unsigned int warns;

	setup();
	base = slab_objects_in_use();
	warns = host_warn_count;
	EXPECT(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	EXPECT(kzalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	EXPECT_EQ(slab_objects_in_use(), base);
	EXPECT_EQ(host_warn_count, warns);
}

TEST(large_kmalloc_uses_whole_pages)
{
	u64 pages, objs;
	u8 *p;
	struct page *pg;

	setup();
	pages = nr_free_pages();
	objs = slab_objects_in_use();
	p = kmalloc(5000, GFP_KERNEL);
	ASSERT(p);
	EXPECT(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
	pg = virt_to_page(p);
	EXPECT(pg->flags & PG_HEAD);
	EXPECT_EQ(pg->order, 1);
	EXPECT_EQ(nr_free_pages(), pages - 2);
	EXPECT_EQ(slab_objects_in_use(), objs + 1);
	memset(p, 1, 5000);
	kfree(p);
	EXPECT_EQ(nr_free_pages(), pages);
	EXPECT_EQ(slab_objects_in_use(), objs);
	EXPECT(kmalloc((PAGE_SIZE << (MAX_ORDER - 1)) + 1, GFP_KERNEL) == NULL);
}

TEST(kcalloc_zeroes_and_refuses_overflow)
{
	u8 *p;
	size_t i;
	bool zero = true;

	setup();
	p = kmalloc(80, GFP_KERNEL);
	ASSERT(p);
	memset(p, 0xee, 80);
	kfree(p);
	p = kcalloc(10, 8, GFP_KERNEL);	/* likely the same object again */
	ASSERT(p);
	for (i = 0; i < 80; i++)
		zero &= p[i] == 0;
	EXPECT(zero);
	kfree(p);
	EXPECT(kcalloc(SIZE_MAX / 2 + 1, 2, GFP_KERNEL) == NULL);
	EXPECT(kcalloc(2, SIZE_MAX / 2 + 1, GFP_KERNEL) == NULL);
}

TEST(double_free_is_caught_and_ignored)
{
	void *a, *b, *c;
	u64 base;
	unsigned int warns;

	setup();
	base = slab_objects_in_use();
	a = kmalloc(64, GFP_KERNEL);
	c = kmalloc(64, GFP_KERNEL);	/* keeps the slab from going empty */
	ASSERT(a && c);
	kfree(a);
	warns = host_warn_count;
	kfree(a);
	EXPECT_EQ(host_warn_count, warns + 1);
	EXPECT_EQ(slab_objects_in_use(), base + 1);
	/* The object must not be on the free list twice. */
	a = kmalloc(64, GFP_KERNEL);
	b = kmalloc(64, GFP_KERNEL);
	EXPECT(a && b && a != b);
	kfree(a);
	kfree(b);
	kfree(c);
	EXPECT_EQ(slab_objects_in_use(), base);
}

TEST(double_free_of_tiny_object_is_caught)
{
	void *a, *keep;
	unsigned int warns;

	setup();
	keep = kmalloc(8, GFP_KERNEL);
	a = kmalloc(8, GFP_KERNEL);
	ASSERT(a && keep);
	kfree(a);
	warns = host_warn_count;
	kfree(a);
	EXPECT_EQ(host_warn_count, warns + 1);
	kfree(keep);
}

TEST(live_object_that_looks_free_is_still_freed)
{
	struct kmem_cache *c = NULL;
	void **a, **b;
	u64 base;
	unsigned int warns;

	setup();
	c = kmem_cache_create("lookalike", 8, 8);
	ASSERT(c);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	ASSERT(a && b);
	*a = b;			/* an in-slab pointer, like a free link */
	base = slab_objects_in_use();
	warns = host_warn_count;
	kmem_cache_free(c, a);
	EXPECT_EQ(host_warn_count, warns);
	EXPECT_EQ(slab_objects_in_use(), base - 1);
	kmem_cache_free(c, b);
}

#ifdef CONFIG_DEBUG_CHECKS
TEST(freed_objects_are_poisoned_and_writes_after_free_reported)
{
	u8 *p, *q;
	unsigned int warns;

	setup();
	p = kmalloc(128, GFP_KERNEL);
	ASSERT(p);
	memset(p, 0, 128);
	kfree(p);
	EXPECT_EQ(p[8], 0x6b);
	EXPECT_EQ(p[127], 0x6b);
	p[40] = 1;		/* write after free */
	warns = host_warn_count;
	q = kmalloc(128, GFP_KERNEL);	/* LIFO: gets p back */
	EXPECT(q == p);
	EXPECT_EQ(host_warn_count, warns + 1);
	kfree(q);
}
#endif

TEST(one_empty_slab_is_kept_the_rest_returned)
{
	void *objs[100];
	u64 pages;
	unsigned int i;

	setup();
	/* Warm up so the kmalloc-256 cache holds exactly one spare slab. */
	kfree(kmalloc(256, GFP_KERNEL));
	pages = nr_free_pages();
	for (i = 0; i < 100; i++) {
		objs[i] = kmalloc(256, GFP_KERNEL);
		ASSERT(objs[i]);
	}
	/* 16 per page: the spare plus six new slabs. */
	EXPECT_EQ(nr_free_pages(), pages - 6);
	for (i = 0; i < 100; i++)
		kfree(objs[i]);
	EXPECT_EQ(nr_free_pages(), pages);
	EXPECT_EQ(buddy_verify(), 0);
}

TEST(cache_create_checks_and_alignment)
{
	struct kmem_cache *c;
	void *a, *b, *other;
	unsigned int warns;

	setup();
	EXPECT(kmem_cache_create("bad", 40, 12) == NULL);
	EXPECT(kmem_cache_create("zero", 0, 8) == NULL);
	EXPECT(kmem_cache_create("huge", PAGE_SIZE + 1, 8) == NULL);
	c = kmem_cache_create("aligned-40", 40, 64);
	ASSERT(c);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL | __GFP_ZERO);
	ASSERT(a && b);
	EXPECT(IS_ALIGNED((uintptr_t)a, 64) && IS_ALIGNED((uintptr_t)b, 64));
	EXPECT_EQ(((u8 *)b)[39], 0);
	/* Freeing into the wrong cache is refused. */
	warns = host_warn_count;
	other = kmalloc(32, GFP_KERNEL);
	kmem_cache_free(c, other);
	EXPECT_EQ(host_warn_count, warns + 1);
	kfree(other);
	/* So is a pointer into the middle of an object. */
	kmem_cache_free(c, (u8 *)a + 8);
	EXPECT_EQ(host_warn_count, warns + 2);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	EXPECT_EQ(host_warn_count, warns + 2);
}

TEST(exhaustion_returns_null_then_recovers)
{
	static void *objs[NPAGES * 2];
	unsigned int n = 0, i;
	u64 pages, base;

	setup();
	base = slab_objects_in_use();
	kfree(kmalloc(2048, GFP_KERNEL));
	pages = nr_free_pages();
	while (n < ARRAY_SIZE(objs) &&
	       (objs[n] = kmalloc(2048, GFP_KERNEL)) != NULL)
		n++;
	EXPECT(n < ARRAY_SIZE(objs));
	EXPECT_EQ(nr_free_pages(), 0);
	EXPECT(kmalloc(5000, GFP_KERNEL) == NULL);
	for (i = 0; i < n; i++)
		kfree(objs[i]);
	EXPECT_EQ(nr_free_pages(), pages);
	EXPECT_EQ(slab_objects_in_use(), base);
}

TEST(dump_runs)
{
	setup();
	slab_dump();
	EXPECT_EQ(host_irq_depth, 0);
}
