/*
 * The buddy page allocator: mem_map (one struct page per frame) and free
 * lists of naturally aligned 2^order page blocks. mm_init() builds it from
 * memblock; everything after boot allocates pages here. With
 * CONFIG_FAIL_ALLOC, alloc_pages() asks the injection hook first.
 */
#include <ferrite/errno.h>
#include <ferrite/fail_alloc.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/selftest.h>
#include <ferrite/spinlock.h>

#define PAGE_POISON	0x6b	/* freed pages read as 0x6b6b6b... */

struct page *mem_map;		/* [I] after mm_init */
pfn_t max_pfn;			/* [I] after mm_init */

/*
 * The one zone. A free block is represented by its head page alone:
 * PG_BUDDY set, order valid, linked on free_area[order]. Pages inside a
 * block (not its head) carry stale flags that nothing reads.
 */
static struct {
	spinlock_t lock;
	struct list_head free_area[MAX_ORDER];	/* [lock] */
	u64 nr_free;				/* [lock], read racily */
	u64 nr_total;				/* [I] after mm_init */
} zone = { .lock = SPINLOCK_INIT };

/*
 * Put the block of 2^order pages at @pfn on the free lists, merging with
 * its buddy as long as the buddy is a free block of the same order.
 * Caller holds zone.lock and owns the block.
 */
static void buddy_free_block(pfn_t pfn, unsigned int order)
{
	struct page *head;

	zone.nr_free += 1UL << order;
	while (order < MAX_ORDER - 1) {
		pfn_t buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (buddy_pfn >= max_pfn)
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!(buddy->flags & PG_BUDDY) || buddy->order != order)
			break;
		list_del(&buddy->list);
		buddy->flags &= ~PG_BUDDY;
		pfn &= ~(1UL << order);
		order++;
	}
	head = pfn_to_page(pfn);
	head->flags = PG_BUDDY;
	head->order = order;
	list_add(&head->list, &zone.free_area[order]);
}

/*
 * Take a block of 2^order pages off the free lists, splitting a larger
 * one if needed; the unused halves go back to the lower lists. Caller
 * holds zone.lock. NULL when no block is large enough.
 */
static struct page *buddy_take_block(unsigned int order)
{
	unsigned int o;
	struct page *p;

	for (o = order; o < MAX_ORDER; o++)
		if (!list_empty(&zone.free_area[o]))
			break;
	if (o == MAX_ORDER)
		return NULL;
	p = list_first_entry(&zone.free_area[o], struct page, list);
	list_del(&p->list);
	p->flags &= ~PG_BUDDY;
	while (o > order) {
		struct page *half;

		o--;
		half = p + (1UL << o);
		half->flags = PG_BUDDY;
		half->order = o;
		list_add(&half->list, &zone.free_area[o]);
	}
	zone.nr_free -= 1UL << order;
	return p;
}

void buddy_init(struct page *map, pfn_t nr_pfns)
{
	pfn_t pfn;
	unsigned int o;

	mem_map = map;
	max_pfn = nr_pfns;
	for (o = 0; o < MAX_ORDER; o++)
		list_init(&zone.free_area[o]);
	zone.nr_free = 0;
	zone.nr_total = 0;
	/* The map is zeroed by its allocator: only the flag needs setting. */
	for (pfn = 0; pfn < nr_pfns; pfn++)
		map[pfn].flags = PG_RESERVED;
}

/*
 * Hand [start, end) to the allocator in the largest naturally aligned
 * blocks, so boot costs one list insertion per block, not per page.
 * No poisoning here: nobody has used this memory yet.
 */
void buddy_add_free_range(pfn_t start, pfn_t end)
{
	unsigned long flags;

	end = MIN(end, max_pfn);
	flags = spin_lock_irqsave(&zone.lock);
	while (start < end) {
		unsigned int order = MAX_ORDER - 1;

		while (order > 0 && (!IS_ALIGNED(start, 1UL << order) ||
				     start + (1UL << order) > end))
			order--;
		buddy_free_block(start, order);
		zone.nr_total += 1UL << order;
		start += 1UL << order;
	}
	spin_unlock_irqrestore(&zone.lock, flags);
}

/*
 * Give boot-reserved memory to the allocator once its contents are no
 * longer needed (the initrd after unpacking). Only whole pages inside
 * [base, base+len) are freed: a partial page at either end may hold
 * something else. Pages not marked reserved are left alone (WARN).
 */
void free_reserved_range(phys_addr_t base, u64 len)
{
	pfn_t start = ALIGN_UP(base, PAGE_SIZE) >> PAGE_SHIFT;
	pfn_t end = (base + len) >> PAGE_SHIFT;

	if (base + len < base || end > max_pfn)
		return;
	for (pfn_t pfn = start; pfn < end; pfn++)
		if (WARN_ON(pfn_to_page(pfn)->flags != PG_RESERVED))
			return;
	buddy_add_free_range(start, end);
}

#ifdef CONFIG_FAIL_ALLOC
/*
 * Who allocated each block (the low 32 bits of the caller's address, at
 * the head pfn), for the leak hunt of fail_alloc runs: a Ferrite cousin
 * of Linux's page_owner. Set up by an initcall; NULL if it did not fit.
 */
static u32 *page_owner;		/* [I] pointer; entries [owner of the block] */

static inline void page_owner_set(struct page *p, void *caller)
{
	if (page_owner)
		page_owner[page_to_pfn(p)] = (u32)(uintptr_t)caller;
}
#else
static inline void page_owner_set(struct page *p, void *caller)
{
}
#endif

/* The buddy allocation itself; alloc_pages() is this plus the hook. */
static struct page *buddy_alloc(gfp_t gfp, unsigned int order, void *caller)
{
	unsigned long flags;
	struct page *p;

	if (order >= MAX_ORDER)
		return NULL;
	flags = spin_lock_irqsave(&zone.lock);
	p = buddy_take_block(order);
	spin_unlock_irqrestore(&zone.lock, flags);
	if (!p)
		return NULL;
	page_owner_set(p, caller);
	/* The block is ours now: no lock needed for its struct page. */
	p->flags = 0;
	p->order = order;
	p->refcount = 1;
	p->inuse = 0;
	p->freelist = NULL;
	p->slab_cache = NULL;
	list_init(&p->list);
	if (gfp & __GFP_ZERO)
		__builtin_memset(page_address(p), 0, PAGE_SIZE << order);
	return p;
}

#ifdef CONFIG_FAIL_ALLOC
struct page *__alloc_pages(gfp_t gfp, unsigned int order)
{
	return buddy_alloc(gfp, order, __builtin_return_address(0));
}
#endif

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	void *caller = __builtin_return_address(0);

	if (fail_alloc_should_fail(gfp, caller))
		return NULL;
	return buddy_alloc(gfp, order, caller);
}

/*
 * Refuse frees that would corrupt the free lists. The refcount test
 * catches double frees even after the first free merged the block
 * into a bigger one (its head then no longer has PG_BUDDY).
 */
static bool free_pages_is_bad(struct page *p, unsigned int order)
{
	pfn_t pfn;

	if (WARN_ON(order >= MAX_ORDER))
		return true;
	pfn = page_to_pfn(p);
	if (WARN_ON(pfn >= max_pfn || !IS_ALIGNED(pfn, 1UL << order) ||
		    pfn + (1UL << order) > max_pfn))
		return true;
	/* Cheap enough to keep without CONFIG_DEBUG_CHECKS. */
	if (WARN_ON(p->flags & PG_RESERVED))
		return true;
	if (WARN_ON(p->flags & (PG_BUDDY | PG_SLAB)))
		return true;
	if (WARN_ON(p->refcount != 1))
		return true;
	return false;
}

void free_pages(struct page *p, unsigned int order)
{
	unsigned long flags;

	if (!p || free_pages_is_bad(p, order))
		return;
	p->refcount = 0;
	p->flags = 0;
#ifdef CONFIG_DEBUG_CHECKS
	/* Still ours until it is on a list: poison outside the lock. */
	__builtin_memset(page_address(p), PAGE_POISON, PAGE_SIZE << order);
#endif
	flags = spin_lock_irqsave(&zone.lock);
	buddy_free_block(page_to_pfn(p), order);
	spin_unlock_irqrestore(&zone.lock, flags);
}

void *get_free_pages(gfp_t gfp, unsigned int order)
{
	void *caller = __builtin_return_address(0);
	struct page *p;

	if (fail_alloc_should_fail(gfp, caller))
		return NULL;
	p = buddy_alloc(gfp, order, caller);
	return p ? page_address(p) : NULL;
}

void free_pages_addr(void *va, unsigned int order)
{
	if (va)
		free_pages(virt_to_page(va), order);
}

u64 nr_free_pages(void)
{
	return READ_ONCE(zone.nr_free);
}

u64 nr_total_pages(void)
{
	return zone.nr_total;
}

/*
 * Every listed block: a PG_BUDDY head of the list's order, naturally
 * aligned, inside mem_map; and the blocks add up to nr_free.
 */
int buddy_verify(void)
{
	unsigned long flags;
	struct page *p;
	unsigned int o;
	u64 sum = 0;
	int ret = 0;

	flags = spin_lock_irqsave(&zone.lock);
	for (o = 0; o < MAX_ORDER && ret == 0; o++) {
		list_for_each_entry(p, &zone.free_area[o], list) {
			pfn_t pfn = page_to_pfn(p);

			if (!(p->flags & PG_BUDDY) || p->order != o ||
			    !IS_ALIGNED(pfn, 1UL << o) ||
			    pfn + (1UL << o) > max_pfn) {
				pr_err("buddy: bad free block pfn %#llx order %u\n",
				       (unsigned long long)pfn, o);
				ret = -1;
				break;
			}
			sum += 1UL << o;
		}
	}
	if (ret == 0 && sum != zone.nr_free) {
		pr_err("buddy: free lists hold %llu pages, count says %llu\n",
		       (unsigned long long)sum,
		       (unsigned long long)zone.nr_free);
		ret = -1;
	}
	spin_unlock_irqrestore(&zone.lock, flags);
	return ret ? -EINVAL : 0;
}

#ifdef CONFIG_FAIL_ALLOC
static int page_owner_init(void)
{
	u64 bytes = (u64)max_pfn * sizeof(u32);
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	/* Debug aid only: without the table the counts are just missing. */
	if (order < MAX_ORDER)
		page_owner = get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
	return 0;
}
initcall(INITCALL_SUBSYS, page_owner_init);

/*
 * "owner_<function>: <pages>" for every allocated block outside the slab
 * (snprintf's convention): compared before and after a fail_alloc run,
 * the line that grew names the leaking caller.
 */
int page_owner_show(char *buf, size_t len)
{
	enum { SLOTS = 96 };
	static u32 who[SLOTS];		/* [zone.lock] */
	static u64 count[SLOTS];	/* [zone.lock] */
	unsigned int used = 0, i;
	unsigned long flags;
	pfn_t pfn = 0;
	int n = 0;

	if (!page_owner)
		return 0;
	flags = spin_lock_irqsave(&zone.lock);
	while (pfn < max_pfn) {
		struct page *p = pfn_to_page(pfn);
		unsigned int order = p->order < MAX_ORDER ? p->order : 0;

		if (p->flags & PG_RESERVED) {
			pfn++;
			continue;
		}
		if (!(p->flags & (PG_BUDDY | PG_SLAB)) && p->refcount) {
			for (i = 0; i < used && who[i] != page_owner[pfn]; i++)
				;
			if (i == used && used < SLOTS) {
				who[used] = page_owner[pfn];
				count[used++] = 0;
			}
			if (i < used)
				count[i] += 1UL << order;
		}
		pfn += 1UL << order;
	}
	spin_unlock_irqrestore(&zone.lock, flags);
	/* The kernel image lives in the top 2 GiB: sign-extend back. */
	for (i = 0; i < used; i++) {
		size_t off = MIN((size_t)n, len);

		n += snprintf(buf ? buf + off : NULL, len - off,
			      "owner_%ps: %llu\n",
			      (void *)(uintptr_t)(s64)(s32)who[i],
			      (unsigned long long)count[i]);
	}
	return n;
}
#endif

static void mm_free_range_cb(phys_addr_t base, phys_addr_t end, void *arg)
{
	/* Partial pages at either end stay reserved. */
	buddy_add_free_range(ALIGN_UP(base, PAGE_SIZE) >> PAGE_SHIFT,
			     end >> PAGE_SHIFT);
}

void mm_init(void)
{
	pfn_t nr = memblock_end_of_ram() >> PAGE_SHIFT;
	u64 map_bytes = nr * sizeof(struct page);
	struct page *map;

	map = phys_to_virt(memblock_alloc(map_bytes, PAGE_SIZE));
	buddy_init(map, nr);
	memblock_for_each_free_range(mm_free_range_cb, NULL);
	memblock_close();
	pr_info("mm: %llu MiB managed, %llu KiB mem_map for %llu frames\n",
		(unsigned long long)(zone.nr_total >> (20 - PAGE_SHIFT)),
		(unsigned long long)(map_bytes >> 10),
		(unsigned long long)nr);
}

SELFTEST(buddy_round_trip)
{
	u64 before = nr_free_pages();
	struct page *a = alloc_pages(GFP_KERNEL, 0);
	struct page *b = alloc_pages(GFP_KERNEL | __GFP_ZERO, 3);
	const u8 *bytes;
	size_t i;

	ST_EXPECT(a && b && a != b);
	ST_EXPECT(nr_free_pages() == before - 9);
	ST_EXPECT(a->refcount == 1 && b->refcount == 1);
	bytes = page_address(b);
	for (i = 0; i < (PAGE_SIZE << 3); i++)
		ST_EXPECT(bytes[i] == 0);
	ST_EXPECT(alloc_pages(GFP_KERNEL, MAX_ORDER) == NULL);
	free_pages(a, 0);
	free_pages(b, 3);
	ST_EXPECT(nr_free_pages() == before);
	ST_EXPECT(buddy_verify() == 0);
	return 0;
}

/* Drain every order-10 block, check the next one fails, give all back. */
SELFTEST(buddy_exhaust_max_order)
{
	u64 before = nr_free_pages();
	struct list_head taken;
	struct page *p, *tmp;
	unsigned long n = 0;

	list_init(&taken);
	while ((p = alloc_pages(GFP_KERNEL, MAX_ORDER - 1)) != NULL) {
		list_add(&p->list, &taken);
		n++;
	}
	ST_EXPECT(n > 0);
	ST_EXPECT(alloc_pages(GFP_KERNEL, MAX_ORDER - 1) == NULL);
	/* Smaller blocks are still there unless RAM is tiny. */
	p = alloc_pages(GFP_KERNEL, 0);
	if (p)
		free_pages(p, 0);
	list_for_each_entry_safe(p, tmp, &taken, list) {
		list_del(&p->list);
		free_pages(p, MAX_ORDER - 1);
	}
	ST_EXPECT(nr_free_pages() == before);
	ST_EXPECT(buddy_verify() == 0);
	return 0;
}
