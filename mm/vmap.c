/*
 * The vmap area [VMAP_BASE, VMAP_BASE + VMAP_SIZE): kernel virtual ranges
 * with an unmapped guard page on each side, for kernel stacks (backed by
 * fresh pages here) and for ioremap (address space only).
 */
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/selftest.h>
#include <ferrite/spinlock.h>

/*
 * One reservation. It spans [start - PAGE_SIZE, start + npages pages +
 * PAGE_SIZE): the guards belong to the area, so neighbours never share
 * one and a fault address maps to exactly one owner.
 */
struct vmap_area {
	uintptr_t start;	/* [I] first usable byte */
	size_t npages;		/* [I] usable pages */
	bool backed;		/* [I] pages are ours to free (vmalloc) */
	struct list_head link;	/* [vmap_lock] sorted by start */
};

static DEFINE_SPINLOCK(vmap_lock);
static LIST_HEAD(vmap_areas);		/* [vmap_lock] */
static u64 vmap_nr_areas;		/* [vmap_lock], read racily */

static uintptr_t area_span_start(const struct vmap_area *a)
{
	return a->start - PAGE_SIZE;
}

static uintptr_t area_span_end(const struct vmap_area *a)
{
	return a->start + (a->npages + 1) * PAGE_SIZE;
}

/*
 * First fit over the sorted list: find the lowest gap that holds the
 * area and its guards, link @a there and set a->start. 0 or -ENOMEM.
 */
static int vmap_reserve(struct vmap_area *a)
{
	size_t span = (a->npages + 2) * PAGE_SIZE;
	uintptr_t pos = VMAP_BASE;
	struct list_head *before = &vmap_areas;
	struct vmap_area *it;
	unsigned long flags;
	int ret = -ENOMEM;

	if (a->npages == 0 || a->npages > VMAP_SIZE / PAGE_SIZE - 2)
		return -ENOMEM;
	flags = spin_lock_irqsave(&vmap_lock);
	list_for_each_entry(it, &vmap_areas, link) {
		if (area_span_start(it) - pos >= span)
			break;
		pos = area_span_end(it);
		before = &it->link;
	}
	if (VMAP_BASE + VMAP_SIZE - pos >= span) {
		a->start = pos + PAGE_SIZE;
		list_add(&a->link, before);
		vmap_nr_areas++;
		ret = 0;
	}
	spin_unlock_irqrestore(&vmap_lock, flags);
	return ret;
}

static void vmap_unlink(struct vmap_area *a)
{
	unsigned long flags = spin_lock_irqsave(&vmap_lock);

	list_del(&a->link);
	vmap_nr_areas--;
	spin_unlock_irqrestore(&vmap_lock, flags);
}

/*
 * Remove and return the area starting exactly at @va, provided its kind
 * (backed or range only) matches; NULL leaves the list untouched.
 */
static struct vmap_area *vmap_find_unlink(uintptr_t va, bool backed)
{
	struct vmap_area *it, *found = NULL;
	unsigned long flags;

	flags = spin_lock_irqsave(&vmap_lock);
	list_for_each_entry(it, &vmap_areas, link) {
		if (it->start == va) {
			if (it->backed == backed) {
				list_del(&it->link);
				vmap_nr_areas--;
				found = it;
			}
			break;
		}
	}
	spin_unlock_irqrestore(&vmap_lock, flags);
	return found;
}

/* Unmap and free the first @n pages of a backed area. */
static void vmap_unmap_pages(struct vmap_area *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		phys_addr_t pa = arch_kunmap_page(a->start + i * PAGE_SIZE);

		free_pages(pfn_to_page(pa >> PAGE_SHIFT), 0);
	}
}

/* Back every page of @a with a fresh zeroed page. 0 or -ENOMEM. */
static int vmap_populate(struct vmap_area *a)
{
	size_t i;

	for (i = 0; i < a->npages; i++) {
		struct page *pg = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);

		if (!pg)
			goto out_unmap;
		if (arch_kmap_page(a->start + i * PAGE_SIZE, page_to_phys(pg),
				   KMAP_READ | KMAP_WRITE) != 0) {
			free_pages(pg, 0);
			goto out_unmap;
		}
	}
	return 0;

out_unmap:
	vmap_unmap_pages(a, i);
	return -ENOMEM;
}

void *vmalloc_guarded(size_t size)
{
	struct vmap_area *a;

	if (size == 0 || size > VMAP_SIZE)	/* also keeps the round-up from wrapping */
		return NULL;
	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return NULL;
	a->npages = DIV_ROUND_UP(size, PAGE_SIZE);
	a->backed = true;
	if (vmap_reserve(a) != 0)
		goto out_free_area;
	if (vmap_populate(a) != 0)
		goto out_unlink;
	return (void *)a->start;

out_unlink:
	vmap_unlink(a);
out_free_area:
	kfree(a);
	return NULL;
}

void vfree_guarded(void *va)
{
	struct vmap_area *a;

	if (!va)
		return;
	a = vmap_find_unlink((uintptr_t)va, true);
	if (WARN_ON(!a))	/* not from vmalloc_guarded, or freed twice */
		return;
	vmap_unmap_pages(a, a->npages);
	kfree(a);
}

uintptr_t vmap_alloc_range(size_t npages)
{
	struct vmap_area *a = kmalloc(sizeof(*a), GFP_KERNEL);

	if (!a)
		return 0;
	a->npages = npages;
	a->backed = false;
	if (vmap_reserve(a) != 0) {
		kfree(a);
		return 0;
	}
	return a->start;
}

void vmap_free_range(uintptr_t va, size_t npages)
{
	struct vmap_area *a = vmap_find_unlink(va, false);

	if (WARN_ON(!a))
		return;
	WARN_ON(a->npages != npages);	/* the caller lost track of its size */
	kfree(a);
}

u64 vmap_areas_in_use(void)
{
	return READ_ONCE(vmap_nr_areas);
}

/*
 * Called from the page fault handler: a hit means a kernel stack
 * overflowed (or underflowed) into its guard page.
 */
bool vmap_is_guard(uintptr_t addr)
{
	struct vmap_area *it;
	unsigned long flags;
	bool hit = false;

	if (addr < VMAP_BASE || addr - VMAP_BASE >= VMAP_SIZE)
		return false;
	flags = spin_lock_irqsave(&vmap_lock);
	list_for_each_entry(it, &vmap_areas, link) {
		if (addr < area_span_start(it))
			break;
		if (addr < area_span_end(it)) {
			hit = addr < it->start ||
			      addr >= it->start + it->npages * PAGE_SIZE;
			break;
		}
	}
	spin_unlock_irqrestore(&vmap_lock, flags);
	return hit;
}

SELFTEST(vmalloc_guarded_whole_range)
{
	size_t size = 4 * PAGE_SIZE + 100, i;
	u64 pages, objects, areas;
	u8 *p;

	/* Warm up: the first area struct may cost kmalloc a slab page. */
	vfree_guarded(vmalloc_guarded(PAGE_SIZE));
	pages = nr_free_pages();
	objects = slab_objects_in_use();
	areas = vmap_areas_in_use();
	p = vmalloc_guarded(size);
	ST_EXPECT(p != NULL);
	ST_EXPECT(nr_free_pages() == pages - 5);
	for (i = 0; i < 5 * PAGE_SIZE; i++)
		p[i] = (u8)i;
	for (i = 0; i < 5 * PAGE_SIZE; i++)
		ST_EXPECT(p[i] == (u8)i);
	ST_EXPECT(vmap_is_guard((uintptr_t)p - 1));
	ST_EXPECT(vmap_is_guard((uintptr_t)p + 5 * PAGE_SIZE));
	ST_EXPECT(!vmap_is_guard((uintptr_t)p));
	ST_EXPECT(!vmap_is_guard((uintptr_t)p + 5 * PAGE_SIZE - 1));
	vfree_guarded(p);
	ST_EXPECT(!vmap_is_guard((uintptr_t)p - 1));
	ST_EXPECT(vmalloc_guarded(0) == NULL);
	ST_EXPECT(nr_free_pages() == pages);
	ST_EXPECT(slab_objects_in_use() == objects);
	ST_EXPECT(vmap_areas_in_use() == areas);
	return 0;
}
