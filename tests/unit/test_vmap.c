/*
 * Host tests of the guarded vmap area (mm/vmap.c). The arch mapping calls
 * are faked with a small table that a test can make fail on the Nth call,
 * to check that every failure path gives back pages, slots and records.
 */
#include <stdlib.h>
#include <string.h>

#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include "unit.h"

#define NPAGES	1024
#define MAX_MAPPINGS	64

extern unsigned int host_warn_count;

static struct {
	uintptr_t va;
	phys_addr_t pa;
} mappings[MAX_MAPPINGS];
static unsigned int nr_mappings;
static int kmap_fail_in = -1;	/* fail the call after this many; -1 never */

static int find_mapping(uintptr_t va)
{
	unsigned int i;

	for (i = 0; i < nr_mappings; i++)
		if (mappings[i].va == va)
			return (int)i;
	return -1;
}

int arch_kmap_page(uintptr_t va, phys_addr_t pa, unsigned int prot)
{
	if (kmap_fail_in == 0)
		return -ENOMEM;
	if (kmap_fail_in > 0)
		kmap_fail_in--;
	if (va < VMAP_BASE || va >= VMAP_BASE + VMAP_SIZE ||
	    !IS_ALIGNED(va, PAGE_SIZE) || prot != (KMAP_READ | KMAP_WRITE))
		return -EINVAL;
	if (find_mapping(va) >= 0)
		return -EEXIST;
	if (nr_mappings == MAX_MAPPINGS)
		return -ENOMEM;
	mappings[nr_mappings].va = va;
	mappings[nr_mappings].pa = pa;
	nr_mappings++;
	return 0;
}

phys_addr_t arch_kunmap_page(uintptr_t va)
{
	int i = find_mapping(va);
	phys_addr_t pa;

	if (i < 0)
		return 0;
	pa = mappings[i].pa;
	mappings[i] = mappings[--nr_mappings];
	return pa;
}

static void setup(void)
{
	static bool done;
	struct page *map;
	void *arena;

	kmap_fail_in = -1;
	if (done)
		return;
	done = true;
	arena = aligned_alloc(PAGE_SIZE, NPAGES * PAGE_SIZE);
	map = calloc(NPAGES, sizeof(*map));
	host_direct_map_base = (uintptr_t)arena;
	buddy_init(map, NPAGES);
	buddy_add_free_range(1, NPAGES);
	slab_init();
	/* Warm the kmalloc cache the area records come from. */
	vfree_guarded(vmalloc_guarded(1));
}

TEST(maps_fresh_pages_between_guards)
{
	u64 pages, objs;
	uintptr_t va;
	unsigned int i, j;

	setup();
	pages = nr_free_pages();
	objs = slab_objects_in_use();
	va = (uintptr_t)vmalloc_guarded(3 * PAGE_SIZE + 1);
	ASSERT(va);
	EXPECT(va >= VMAP_BASE + PAGE_SIZE && va < VMAP_BASE + VMAP_SIZE);
	EXPECT(IS_ALIGNED(va, PAGE_SIZE));
	EXPECT_EQ(nr_mappings, 4);
	for (i = 0; i < 4; i++)
		EXPECT(find_mapping(va + i * PAGE_SIZE) >= 0);
	for (i = 0; i < nr_mappings; i++)
		for (j = 0; j < i; j++)
			EXPECT(mappings[i].pa != mappings[j].pa);
	EXPECT(find_mapping(va - PAGE_SIZE) < 0);
	EXPECT(find_mapping(va + 4 * PAGE_SIZE) < 0);
	EXPECT(vmap_is_guard(va - 1));
	EXPECT(vmap_is_guard(va - PAGE_SIZE));
	EXPECT(vmap_is_guard(va + 4 * PAGE_SIZE));
	EXPECT(vmap_is_guard(va + 5 * PAGE_SIZE - 1));
	EXPECT(!vmap_is_guard(va));
	EXPECT(!vmap_is_guard(va + 4 * PAGE_SIZE - 1));
	EXPECT(!vmap_is_guard(va + 5 * PAGE_SIZE));
	EXPECT(!vmap_is_guard(0x1000));
	EXPECT_EQ(nr_free_pages(), pages - 4);
	vfree_guarded((void *)va);
	EXPECT_EQ(nr_mappings, 0);
	EXPECT(!vmap_is_guard(va - 1));
	EXPECT_EQ(nr_free_pages(), pages);
	EXPECT_EQ(slab_objects_in_use(), objs);
}

TEST(neighbours_do_not_share_guards_and_gaps_are_reused)
{
	uintptr_t a, b, c, d;

	setup();
	a = (uintptr_t)vmalloc_guarded(PAGE_SIZE);
	b = (uintptr_t)vmalloc_guarded(PAGE_SIZE);
	c = (uintptr_t)vmalloc_guarded(PAGE_SIZE);
	ASSERT(a && b && c);
	EXPECT_EQ(b - a, 3 * PAGE_SIZE);
	EXPECT_EQ(c - b, 3 * PAGE_SIZE);
	EXPECT(vmap_is_guard(a + PAGE_SIZE));	/* a's upper guard */
	EXPECT(vmap_is_guard(b - PAGE_SIZE));	/* b's lower guard */
	vfree_guarded((void *)b);
	d = (uintptr_t)vmalloc_guarded(PAGE_SIZE);
	EXPECT_EQ(d, b);			/* first fit */
	vfree_guarded((void *)d);
	d = (uintptr_t)vmalloc_guarded(2 * PAGE_SIZE);	/* too big for b's hole */
	EXPECT(d > c);
	EXPECT_EQ(vmap_areas_in_use(), 3);
	vfree_guarded((void *)a);
	vfree_guarded((void *)c);
	vfree_guarded((void *)d);
	EXPECT_EQ(nr_mappings, 0);
	EXPECT_EQ(vmap_areas_in_use(), 0);
}

TEST(kmap_failure_unwinds_everything)
{
	u64 pages, objs;
	uintptr_t first, again;
	int fail_at;

	setup();
	first = (uintptr_t)vmalloc_guarded(PAGE_SIZE);
	ASSERT(first);
	vfree_guarded((void *)first);
	pages = nr_free_pages();
	objs = slab_objects_in_use();
	for (fail_at = 0; fail_at < 4; fail_at++) {
		kmap_fail_in = fail_at;
		EXPECT(vmalloc_guarded(4 * PAGE_SIZE) == NULL);
		EXPECT_EQ(nr_mappings, 0);
		EXPECT_EQ(nr_free_pages(), pages);
		EXPECT_EQ(slab_objects_in_use(), objs);
		EXPECT_EQ(vmap_areas_in_use(), 0);
		EXPECT(!vmap_is_guard(first - 1));
	}
	kmap_fail_in = -1;
	again = (uintptr_t)vmalloc_guarded(PAGE_SIZE);
	EXPECT_EQ(again, first);		/* the range was given back */
	vfree_guarded((void *)again);
}

TEST(page_shortage_unwinds_everything)
{
	static struct page *hog[NPAGES];
	unsigned int n = 0;
	u64 objs;

	setup();
	objs = slab_objects_in_use();
	while ((hog[n] = alloc_pages(GFP_KERNEL, 0)) != NULL)
		n++;
	/* Leave two pages: a four-page area must fail half way. */
	free_pages(hog[--n], 0);
	free_pages(hog[--n], 0);
	EXPECT(vmalloc_guarded(4 * PAGE_SIZE) == NULL);
	EXPECT_EQ(nr_mappings, 0);
	EXPECT_EQ(nr_free_pages(), 2);
	EXPECT_EQ(slab_objects_in_use(), objs);
	EXPECT_EQ(vmap_areas_in_use(), 0);
	while (n)
		free_pages(hog[--n], 0);
}

TEST(range_only_areas)
{
	uintptr_t va;
	unsigned int warns;
	u64 objs;

	setup();
	objs = slab_objects_in_use();
	va = vmap_alloc_range(3);
	ASSERT(va);
	EXPECT_EQ(nr_mappings, 0);
	EXPECT(vmap_is_guard(va - 1));
	EXPECT(vmap_is_guard(va + 3 * PAGE_SIZE));
	EXPECT(!vmap_is_guard(va + 2 * PAGE_SIZE));
	warns = host_warn_count;
	vfree_guarded((void *)va);		/* wrong release call */
	EXPECT_EQ(host_warn_count, warns + 1);
	EXPECT(vmap_is_guard(va - 1));		/* still reserved */
	vmap_free_range(va, 3);
	EXPECT(!vmap_is_guard(va - 1));
	EXPECT_EQ(host_warn_count, warns + 1);
	EXPECT_EQ(vmap_areas_in_use(), 0);
	EXPECT_EQ(vmap_alloc_range(0), 0);
	EXPECT_EQ(vmap_alloc_range(VMAP_SIZE / PAGE_SIZE), 0);
	EXPECT_EQ(slab_objects_in_use(), objs);
}

TEST(bad_requests)
{
	unsigned int warns;
	u64 objs;

	setup();
	objs = slab_objects_in_use();
	EXPECT(vmalloc_guarded(0) == NULL);
	EXPECT(vmalloc_guarded(VMAP_SIZE) == NULL);
	EXPECT(vmalloc_guarded(SIZE_MAX - 10) == NULL);
	warns = host_warn_count;
	vfree_guarded((void *)(VMAP_BASE + 0x5000));
	EXPECT_EQ(host_warn_count, warns + 1);
	vfree_guarded(NULL);
	EXPECT_EQ(host_warn_count, warns + 1);
	EXPECT_EQ(slab_objects_in_use(), objs);
	EXPECT_EQ(host_irq_depth, 0);
}
