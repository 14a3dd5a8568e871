/*
 * Boot-time physical memory allocator: two sorted, merged range tables
 * (usable RAM and reserved), filled by the arch code from e820. mm_init()
 * hands memory minus reserved to the buddy allocator and closes it.
 */
#include <ferrite/mm.h>
#include <ferrite/printk.h>

#define MEMBLOCK_MAX_REGIONS	128

struct memblock_region {
	phys_addr_t base;
	phys_addr_t end;	/* exclusive */
};

/*
 * Only the boot CPU touches these, before any other thread exists, so
 * there is no lock: the tables are frozen (read-only) once mm_init() ran.
 */
struct memblock_type {
	const char *name;
	unsigned int cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];	/* sorted */
};

static struct memblock_type mb_memory = { .name = "memory" };
static struct memblock_type mb_reserved = { .name = "reserved" };
static phys_addr_t mb_limit = ~(phys_addr_t)0;
static bool mb_closed;		/* set by memblock_close() in mm_init() */

#ifdef FERRITE_HOST_TEST
void memblock_reset(void);
void memblock_reset(void)
{
	mb_memory.cnt = 0;
	mb_reserved.cnt = 0;
	mb_limit = ~(phys_addr_t)0;
	mb_closed = false;
}
#endif

/*
 * Add [base, end) to @type, merging with every region it overlaps or
 * touches, so the table stays sorted with gaps between all regions.
 */
static void memblock_insert(struct memblock_type *type, phys_addr_t base,
			    phys_addr_t end)
{
	unsigned int i, j, k, removed;

	if (base >= end)
		return;
	/* First region that ends at or after base may merge with us. */
	for (i = 0; i < type->cnt && type->regions[i].end < base; i++)
		;
	for (j = i; j < type->cnt && type->regions[j].base <= end; j++) {
		base = MIN(base, type->regions[j].base);
		end = MAX(end, type->regions[j].end);
	}
	removed = j - i;	/* regions [i, j) are absorbed */
	if (removed == 0) {
		if (type->cnt == MEMBLOCK_MAX_REGIONS)
			panic("memblock: %s table full (%u regions)",
			      type->name, MEMBLOCK_MAX_REGIONS);
		for (k = type->cnt; k > i; k--)
			type->regions[k] = type->regions[k - 1];
		type->cnt++;
	} else if (removed > 1) {
		for (k = j; k < type->cnt; k++)
			type->regions[k - removed + 1] = type->regions[k];
		type->cnt -= removed - 1;
	}
	type->regions[i].base = base;
	type->regions[i].end = end;
}

/* Clip a (base, len) pair that would wrap past the top of the space. */
static phys_addr_t range_end(phys_addr_t base, u64 len)
{
	phys_addr_t end = base + len;

	return end < base ? ~(phys_addr_t)0 : end;
}

void memblock_add(phys_addr_t base, u64 len)
{
	memblock_insert(&mb_memory, base, range_end(base, len));
}

void memblock_reserve(phys_addr_t base, u64 len)
{
	memblock_insert(&mb_reserved, base, range_end(base, len));
}

void memblock_set_limit(phys_addr_t limit)
{
	mb_limit = limit;
}

phys_addr_t memblock_end_of_ram(void)
{
	if (mb_memory.cnt == 0)
		return 0;
	return mb_memory.regions[mb_memory.cnt - 1].end;
}

/*
 * Walk memory minus reserved in ascending order. Both tables are sorted
 * and disjoint, so one pass with a cursor into the reserved table does.
 */
void memblock_for_each_free_range(void (*fn)(phys_addr_t base,
					     phys_addr_t end, void *arg),
				  void *arg)
{
	unsigned int m, r = 0;

	for (m = 0; m < mb_memory.cnt; m++) {
		phys_addr_t pos = mb_memory.regions[m].base;
		phys_addr_t end = mb_memory.regions[m].end;

		while (pos < end) {
			const struct memblock_region *res;

			while (r < mb_reserved.cnt &&
			       mb_reserved.regions[r].end <= pos)
				r++;
			if (r == mb_reserved.cnt ||
			    mb_reserved.regions[r].base >= end) {
				fn(pos, end, arg);
				break;
			}
			res = &mb_reserved.regions[r];
			if (res->base > pos)
				fn(pos, res->base, arg);
			pos = res->end;
		}
	}
}

struct alloc_search {
	u64 len, align;
	phys_addr_t best;	/* highest fitting base so far, 0 = none */
};

/*
 * Top-down placement keeps low memory (below 16 MiB, below 4 GiB) for
 * whoever needs it later. Address 0 is never returned: it is the
 * failure value and the zero page below 1 MiB is reserved anyway.
 */
static void alloc_try_range(phys_addr_t base, phys_addr_t end, void *arg)
{
	struct alloc_search *s = arg;
	phys_addr_t cand;

	end = MIN(end, mb_limit);
	if (base == 0)
		base = s->align;
	if (end <= base || end - base < s->len)
		return;
	cand = ALIGN_DOWN(end - s->len, s->align);
	if (cand >= base && cand > s->best)
		s->best = cand;
}

phys_addr_t memblock_alloc(u64 len, u64 align)
{
	struct alloc_search s = { .len = len, .align = align, .best = 0 };

	if (mb_closed)
		panic("memblock_alloc(%llu) after mm_init: use alloc_pages/kmalloc",
		      (unsigned long long)len);
	if (align == 0)
		s.align = align = PAGE_SIZE;
	if (len == 0 || (align & (align - 1)) != 0)
		panic("memblock_alloc: bad request len=%llu align=%llu",
		      (unsigned long long)len, (unsigned long long)align);
	memblock_for_each_free_range(alloc_try_range, &s);
	if (s.best == 0)
		panic("memblock_alloc: no %llu bytes (align %llu) below %#llx",
		      (unsigned long long)len, (unsigned long long)align,
		      (unsigned long long)mb_limit);
	memblock_reserve(s.best, len);
	__builtin_memset(phys_to_virt(s.best), 0, len);
	return s.best;
}

void memblock_close(void)
{
	mb_closed = true;
}
