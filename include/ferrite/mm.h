/*
 * Physical memory: the page array, the buddy page allocator, the boot-time
 * memblock allocator and the slab/kmalloc allocator. Every allocation can
 * fail; callers get NULL and must handle it. Nothing here panics after boot.
 */
#ifndef FERRITE_MM_H
#define FERRITE_MM_H

#include <ferrite/arch.h>
#include <ferrite/list.h>

typedef unsigned int gfp_t;
#define GFP_KERNEL	0x0	/* may sleep (no reclaim exists yet)  */
#define GFP_ATOMIC	0x1	/* never sleeps; for interrupt context */
#define __GFP_ZERO	0x2	/* zero the memory */

#define MAX_ORDER	11	/* orders 0..10: up to 4 MiB blocks */

/* struct page flags */
#define PG_RESERVED	0x01	/* never handed to the buddy allocator */
#define PG_BUDDY	0x02	/* head of a free buddy block; order valid */
#define PG_SLAB		0x04	/* owned by a slab cache */
#define PG_HEAD		0x08	/* head of an allocated multi-page block */

/*
 * One per physical page frame, in one array indexed by pfn. Fields are
 * protected by the owner of the page: the buddy lock while free, the slab
 * cache lock while in a slab, the allocating caller otherwise.
 */
struct page {
	u32 flags;		/* PG_* */
	u32 order;		/* buddy/head: order of the block */
	struct list_head list;	/* buddy free list or slab list */
	u32 refcount;		/* users of an allocated page (COW later) */
	u32 inuse;		/* slab: objects handed out */
	void *freelist;		/* slab: first free object */
	struct kmem_cache *slab_cache;	/* slab: owning cache */
};

extern struct page *mem_map;	/* indexed by pfn */
extern pfn_t max_pfn;		/* one past the last pfn in mem_map */

static inline pfn_t page_to_pfn(const struct page *p)
{
	return (pfn_t)(p - mem_map);
}

static inline struct page *pfn_to_page(pfn_t pfn)
{
	return &mem_map[pfn];
}

static inline phys_addr_t page_to_phys(const struct page *p)
{
	return (phys_addr_t)page_to_pfn(p) << PAGE_SHIFT;
}

static inline void *page_address(const struct page *p)
{
	return phys_to_virt(page_to_phys(p));
}

static inline struct page *virt_to_page(const void *va)
{
	return pfn_to_page(virt_to_phys(va) >> PAGE_SHIFT);
}

/* Buddy allocator (mm/page_alloc.c). */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
void free_pages(struct page *p, unsigned int order);
void *get_free_pages(gfp_t gfp, unsigned int order);	/* direct-map address */
void free_pages_addr(void *va, unsigned int order);
u64 nr_free_pages(void);
/* Hand boot-reserved pages (e.g. the unpacked initrd) to the allocator. */
void free_reserved_range(phys_addr_t base, u64 len);
u64 nr_total_pages(void);

/* Boot-time allocator (mm/memblock.c), usable before the buddy exists. */
void memblock_add(phys_addr_t base, u64 len);
void memblock_reserve(phys_addr_t base, u64 len);
/* Zeroed, aligned physical memory; panics on failure (boot only). */
phys_addr_t memblock_alloc(u64 len, u64 align);
/* memblock_alloc() only returns memory below @limit (~0 lifts it). */
void memblock_set_limit(phys_addr_t limit);
/* One past the last byte of RAM added with memblock_add(). */
phys_addr_t memblock_end_of_ram(void);
/* Call @fn for every range of memory minus reserved, ascending. */
void memblock_for_each_free_range(void (*fn)(phys_addr_t base,
					     phys_addr_t end, void *arg),
				  void *arg);
/* mm_init(): from now on memblock_alloc() panics; the buddy owns RAM. */
void memblock_close(void);

/* Called once by kernel_main after arch paging is up. */
void mm_init(void);

/*
 * Buddy internals, used by mm_init() and by the host unit tests, which
 * build a mem_map over an arena of their own. buddy_init() makes every
 * page of @map reserved; buddy_add_free_range() hands [start, end) over.
 * buddy_verify() checks the free lists under the lock: 0 or -EINVAL.
 */
void buddy_init(struct page *map, pfn_t nr_pfns);
void buddy_add_free_range(pfn_t start, pfn_t end);
int buddy_verify(void);

/* Slab caches and kmalloc (mm/slab.c). */
struct kmem_cache;
/* kmalloc(0) returns this: not NULL, never dereferenceable, kfree()-able. */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(p)	((uintptr_t)(p) <= (uintptr_t)ZERO_SIZE_PTR)
#define KMALLOC_MAX_CACHE_SIZE	2048	/* above: whole pages from the buddy */
struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align);
void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *c, void *obj);
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);	/* overflow -> NULL */
void kfree(const void *p);
void slab_init(void);
/* Live objects in all caches plus live large kmalloc blocks (leak checks). */
u64 slab_objects_in_use(void);
void slab_dump(void);			/* one line per cache via printk */

/*
 * Kernel virtual allocations with unmapped guard pages (mm/vmap.c): used
 * for kernel stacks, so an overflow faults instead of corrupting memory.
 */
void *vmalloc_guarded(size_t size);
void vfree_guarded(void *va);
bool vmap_is_guard(uintptr_t addr);	/* fault address hit a guard page? */
/*
 * Reserve @npages of vmap address space between two guard pages, mapping
 * nothing (ioremap maps it itself). Returns the first usable address or 0.
 * vmap_free_range() releases it; the caller must have unmapped it. Both
 * need slab_init() to have run (area records come from kmalloc).
 */
uintptr_t vmap_alloc_range(size_t npages);
void vmap_free_range(uintptr_t va, size_t npages);
u64 vmap_areas_in_use(void);		/* live areas of both kinds (leak checks) */

#endif
