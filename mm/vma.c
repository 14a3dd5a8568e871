/*
 * The VMA tree of an address space: lookup, placement, split and merge,
 * and the range operations behind munmap, mprotect, mremap, brk and
 * madvise. Every function here expects mm->lock held by the caller
 * (except mm_for_each_vma, which takes it). Pages are reached only
 * through the arch page-table interface (pgtable.h).
 */
#include <ferrite/err.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/pgtable.h>
#include <ferrite/printk.h>
#include <ferrite/vm.h>
#include <uapi/mman_abi.h>

static inline u64 vma_pages(const struct vm_area *v)
{
	return (v->end - v->start) >> PAGE_SHIFT;
}

static struct vm_area *vma_next(struct vm_area *v)
{
	return rb_entry_safe(rb_next(&v->node), struct vm_area, node);
}

static struct vm_area *vma_prev(struct vm_area *v)
{
	return rb_entry_safe(rb_prev(&v->node), struct vm_area, node);
}

/* Lowest address a mapping below @v may reach: stacks keep a guard gap. */
static uintptr_t vma_start_gap(const struct vm_area *v)
{
	if (!(v->flags & VM_GROWSDOWN))
		return v->start;
	return v->start > MM_STACK_GUARD_GAP ? v->start - MM_STACK_GUARD_GAP : 0;
}

struct vm_area *vma_alloc(void)
{
	struct vm_area *v = kzalloc(sizeof(*v), GFP_KERNEL);

	if (v)
		RB_CLEAR_NODE(&v->node);
	return v;
}

void vma_free(struct vm_area *v)
{
	if (v->obj)
		vm_object_put(v->obj);
	if (v->file)
		fput(v->file);
	kfree(v);
}

void vma_link(struct mm *mm, struct vm_area *v)
{
	struct rb_node **link = &mm->vmas.rb_node, *parent = NULL;

	while (*link) {
		struct vm_area *o = rb_entry(*link, struct vm_area, node);

		parent = *link;
		link = v->start < o->start ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&v->node, parent, link);
	rb_insert_color(&v->node, &mm->vmas);
	mm->nr_vmas++;
	mm->total_pages += vma_pages(v);
}

void vma_unlink(struct mm *mm, struct vm_area *v)
{
	rb_erase(&v->node, &mm->vmas);
	RB_CLEAR_NODE(&v->node);
	mm->nr_vmas--;
	mm->total_pages -= vma_pages(v);
}

struct vm_area *vm_find_next(struct mm *mm, uintptr_t addr)
{
	struct rb_node *n = mm->vmas.rb_node;
	struct vm_area *best = NULL;

	while (n) {
		struct vm_area *v = rb_entry(n, struct vm_area, node);

		if (v->end > addr) {
			best = v;
			if (v->start <= addr)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

struct vm_area *vm_find(struct mm *mm, uintptr_t addr)
{
	struct vm_area *v = vm_find_next(mm, addr);

	return v && v->start <= addr ? v : NULL;
}

bool vm_range_mapped(struct mm *mm, uintptr_t addr, size_t len)
{
	uintptr_t end = addr + len;

	while (addr < end) {
		struct vm_area *v = vm_find(mm, addr);

		if (!v)
			return false;
		addr = v->end;
	}
	return true;
}

/* Is [start, end) free of VMAs and of stack guard gaps? */
static bool range_free(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct vm_area *v = vm_find_next(mm, start);

	return !v || (v->start >= end && vma_start_gap(v) >= end);
}

/* ---- page tables ---------------------------------------------------- */

void vm_zap_ptes(struct mm *mm, uintptr_t start, uintptr_t end)
{
	uintptr_t va = start;

	while (va < end) {
		pte_t *slot = arch_pte_slot(&mm->arch, va, false);
		struct page *p;

		if (!slot) {
			/* No table here: skip the whole block it would cover. */
			va = ALIGN_DOWN(va, VM_PTE_TABLE_SPAN) + VM_PTE_TABLE_SPAN;
			continue;
		}
		if (arch_pte_present(*slot)) {
			p = pfn_to_page(arch_pte_phys(*slot) >> PAGE_SHIFT);
			*slot = 0;
			/* Flush before the put: the page must be unreachable. */
			arch_flush_tlb_page(&mm->arch, va);
			put_page(p);
			mm->rss_pages--;
		}
		va += PAGE_SIZE;
	}
}

/*
 * Give the present PTEs of [start, end) in @v the VMA's protection. A
 * private PTE that is read-only stays so (it may be shared COW, or an
 * object page): the write fault decides whether it can be made writable.
 */
static void vma_reprotect_ptes(struct mm *mm, struct vm_area *v)
{
	unsigned long prot = v->flags & VM_PROT_MASK;
	uintptr_t va = v->start;

	while (va < v->end) {
		pte_t *slot = arch_pte_slot(&mm->arch, va, false);
		unsigned long p = prot;

		if (!slot) {
			va = ALIGN_DOWN(va, VM_PTE_TABLE_SPAN) + VM_PTE_TABLE_SPAN;
			continue;
		}
		if (arch_pte_present(*slot)) {
			if (!(v->flags & VM_SHARED) && !arch_pte_writable(*slot))
				p &= ~VM_WRITE;
			*slot = arch_pte_setprot(*slot, p);
			arch_flush_tlb_page(&mm->arch, va);
		}
		va += PAGE_SIZE;
	}
}

/* ---- split and merge ------------------------------------------------ */

static bool vma_can_merge(const struct vm_area *a, const struct vm_area *b)
{
	if (a->end != b->start || a->flags != b->flags || a->obj != b->obj ||
	    a->file != b->file)
		return false;
	return !a->obj || a->pgoff + vma_pages(a) == b->pgoff;
}

/* Merge @v with its neighbours where possible; returns the survivor. */
static struct vm_area *vma_merge_around(struct mm *mm, struct vm_area *v)
{
	struct vm_area *prev = vma_prev(v), *next = vma_next(v);

	if (next && vma_can_merge(v, next)) {
		vma_unlink(mm, next);
		mm->total_pages += vma_pages(next);
		v->end = next->end;
		vma_free(next);
	}
	if (prev && vma_can_merge(prev, v)) {
		vma_unlink(mm, v);
		mm->total_pages += vma_pages(v);
		prev->end = v->end;
		vma_free(v);
		v = prev;
	}
	return v;
}

/* Cut @v at @addr (strictly inside it): @v keeps the lower part. */
static int vma_split(struct mm *mm, struct vm_area *v, uintptr_t addr)
{
	struct vm_area *n;

	if (mm->nr_vmas >= MM_MAX_VMAS)
		return -ENOMEM;
	n = vma_alloc();
	if (!n)
		return -ENOMEM;
	n->start = addr;
	n->end = v->end;
	n->flags = v->flags;
	n->obj = v->obj;
	n->pgoff = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);
	n->file = v->file;
	if (n->obj)
		vm_object_get(n->obj);
	if (n->file)
		get_file(n->file);
	mm->total_pages -= (v->end - addr) >> PAGE_SHIFT;
	v->end = addr;
	vma_link(mm, n);
	return 0;
}

/* Make VMA boundaries fall on @start and @end. */
static int split_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct vm_area *v = vm_find(mm, start);
	int err;

	if (v && v->start < start) {
		err = vma_split(mm, v, start);
		if (err)
			return err;
	}
	v = vm_find(mm, end);
	if (v && v->start < end) {
		err = vma_split(mm, v, end);
		if (err) {
			/* Undo the first cut so nothing visible changed. */
			v = vm_find(mm, start);
			if (v)
				vma_merge_around(mm, v);
			return err;
		}
	}
	return 0;
}

/* Remove every mapping in [start, end), page aligned. */
static int unmap_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct vm_area *v;
	int err = split_range(mm, start, end);

	if (err)
		return err;
	v = vm_find_next(mm, start);
	while (v && v->start < end) {
		struct vm_area *next = vma_next(v);

		vm_zap_ptes(mm, v->start, v->end);
		vma_unlink(mm, v);
		vma_free(v);
		v = next;
	}
	return 0;
}

/* ---- mmap / munmap -------------------------------------------------- */

long vm_get_unmapped_area(struct mm *mm, uintptr_t hint, size_t len,
			  uintptr_t limit)
{
	uintptr_t high = limit;
	struct rb_node *n;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len || len > USER_TOP - MM_MIN_ADDR)
		return -ENOMEM;
	hint = ALIGN_UP(hint, PAGE_SIZE);
	if (hint >= MM_MIN_ADDR && hint <= USER_TOP - len &&
	    range_free(mm, hint, hint + len))
		return hint;
	/*
	 * Top-down first fit: walk down from the highest VMA, looking at
	 * the gap between each one's end and the lowest start seen so far.
	 * O(nr_vmas) in the worst case; an augmented tree would fix that.
	 */
	for (n = rb_last(&mm->vmas); n; n = rb_prev(n)) {
		struct vm_area *v = rb_entry(n, struct vm_area, node);

		if (vma_start_gap(v) >= high)
			continue;
		if (v->end <= high && high - v->end >= len)
			return high - len;
		high = vma_start_gap(v);
	}
	if (high >= MM_MIN_ADDR && high - MM_MIN_ADDR >= len)
		return high - len;
	return -ENOMEM;
}

long vm_map(struct mm *mm, uintptr_t addr, size_t len, unsigned long flags,
	    struct vm_object *obj, u64 pgoff, struct file *file, bool fixed)
{
	struct vm_object *own = NULL;
	struct vm_area *v;
	long ret;
	int err;

	if (!len)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len || len > USER_TOP)
		return -ENOMEM;
	if (mm->nr_vmas >= MM_MAX_VMAS)
		return -ENOMEM;
	/*
	 * Linux's default overcommit heuristic: one private writable (or
	 * shared anonymous) mapping may not exceed all of RAM (there is no
	 * swap), unless MAP_NORESERVE says not to count it. It turns absurd requests - a 64 TiB bss, say - into ENOMEM
	 * up front instead of an OOM later.
	 */
	if (!(flags & VM_NORESERVE) &&
	    ((flags & (VM_WRITE | VM_SHARED)) == VM_WRITE ||
	     ((flags & VM_SHARED) && !obj)) &&
	    (len >> PAGE_SHIFT) > nr_total_pages())
		return -ENOMEM;
	if (fixed) {
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		/* No floor for MAP_FIXED: Linux lets root map page 0 too. */
		if (addr > USER_TOP - len)
			return -ENOMEM;
	} else {
		ret = vm_get_unmapped_area(mm, addr, len, mm->mmap_base);
		if (ret < 0)
			return ret;
		addr = ret;
	}
	/* Shared anonymous memory: its own store, so fork keeps it shared. */
	if ((flags & VM_SHARED) && !obj) {
		own = vm_object_create();
		if (!own)
			return -ENOMEM;
		obj = own;
		pgoff = 0;
	}
	if (!file)
		flags |= VM_MAY_ALL;
	v = vma_alloc();
	if (!v) {
		ret = -ENOMEM;
		goto out_put_own;
	}
	v->start = addr;
	v->end = addr + len;
	v->flags = flags;
	v->obj = obj;
	v->pgoff = obj ? pgoff : 0;
	v->file = file;
	if (obj)
		vm_object_get(obj);
	if (file)
		get_file(file);
	if (fixed) {
		err = unmap_range(mm, addr, addr + len);
		if (err) {
			vma_free(v);
			ret = err;
			goto out_put_own;
		}
	}
	vma_link(mm, v);
	vma_merge_around(mm, v);
	ret = addr;
out_put_own:
	if (own)
		vm_object_put(own);
	return ret;
}

int vm_unmap(struct mm *mm, uintptr_t addr, size_t len)
{
	if ((addr & ~PAGE_MASK) || addr > USER_TOP || len > USER_TOP - addr)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len)
		return -EINVAL;
	return unmap_range(mm, addr, addr + len);
}

/* ---- flag changes (mprotect, MADV_DONTFORK) ---------------------------- */

/*
 * Set the flags of every VMA in [start, end) (fully mapped, checked by
 * the caller) to (flags & ~clear) | set, splitting at the ends and
 * merging afterwards.
 */
static int change_range(struct mm *mm, uintptr_t start, uintptr_t end,
			unsigned long set, unsigned long clear, bool ptes)
{
	struct vm_area *v;
	int err = split_range(mm, start, end);

	if (err)
		return err;
	for (v = vm_find(mm, start); v && v->start < end; v = vma_next(v)) {
		v->flags = (v->flags & ~clear) | set;
		if (ptes)
			vma_reprotect_ptes(mm, v);
	}
	for (v = vm_find(mm, start); v && v->start < end; v = vma_next(v))
		v = vma_merge_around(mm, v);
	/* The VMA just past the range may now match the last one. */
	v = vm_find(mm, end);
	if (v)
		vma_merge_around(mm, v);
	return 0;
}

int vm_protect(struct mm *mm, uintptr_t addr, size_t len, unsigned long prot)
{
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	struct vm_area *v;
	uintptr_t end;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = ALIGN_UP(len, PAGE_SIZE);
	end = addr + len;
	if (end <= addr)
		return -ENOMEM;
	prot &= ~grows;
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP) || grows == PROT_GROWSUP ||
	    (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)))
		return -EINVAL;
	if (end > USER_TOP)
		return -ENOMEM;
	v = vm_find_next(mm, addr);
	if (!v)
		return -ENOMEM;
	if (grows) {
		/* PROT_GROWSDOWN: the change reaches down to the stack's start. */
		if (v->start >= end)
			return -ENOMEM;
		if (!(v->flags & VM_GROWSDOWN))
			return -EINVAL;
		addr = v->start;
	}
	/* Check everything before changing anything. */
	if (!vm_range_mapped(mm, addr, end - addr))
		return -ENOMEM;
	prot &= VM_PROT_MASK;
	for (v = vm_find(mm, addr); v && v->start < end; v = vma_next(v)) {
		/* The VM_MAY* bits sit 4 above the VM_* bits they allow. */
		if ((prot << 4) & ~v->flags & (VM_MAY_ALL))
			return -EACCES;
	}
	return change_range(mm, addr, end, prot, VM_PROT_MASK, true);
}

int vm_change_flags(struct mm *mm, uintptr_t addr, size_t len,
		    unsigned long set, unsigned long clear)
{
	if (!vm_range_mapped(mm, addr, len))
		return -ENOMEM;
	return change_range(mm, addr, addr + len, set, clear, false);
}

void vm_zap_range(struct mm *mm, uintptr_t addr, size_t len)
{
	uintptr_t end = addr + len;
	struct vm_area *v;

	for (v = vm_find_next(mm, addr); v && v->start < end; v = vma_next(v))
		vm_zap_ptes(mm, MAX(v->start, addr), MIN(v->end, end));
}

/* ---- mremap ----------------------------------------------------------- */

/*
 * Move the VMA that covers exactly [old, old+old_len) (after the split
 * done here) to [new, new+new_len), taking its pages along. Page-table
 * slots at the destination are created before anything moves, so the
 * only failure leaves every mapping where it was. With @keep_old
 * (MREMAP_DONTUNMAP) the old range stays mapped, emptied of its pages.
 */
static long move_mapping(struct mm *mm, uintptr_t old, size_t old_len,
			 uintptr_t new, size_t new_len, bool keep_old)
{
	struct vm_area *v, *n;
	uintptr_t off;
	int err;

	err = split_range(mm, old, old + old_len);
	if (err)
		return err;
	v = vm_find(mm, old);
	if (mm->nr_vmas >= MM_MAX_VMAS)
		return -ENOMEM;
	n = vma_alloc();
	if (!n)
		return -ENOMEM;
	n->start = new;
	n->end = new + new_len;
	n->flags = v->flags;
	n->obj = v->obj;
	n->pgoff = v->pgoff;
	n->file = v->file;
	if (n->obj)
		vm_object_get(n->obj);
	if (n->file)
		get_file(n->file);
	for (off = 0; off < old_len; off += PAGE_SIZE) {
		pte_t *s = arch_pte_slot(&mm->arch, old + off, false);

		if (!s || !arch_pte_present(*s))
			continue;
		if (!arch_pte_slot(&mm->arch, new + off, true)) {
			vma_free(n);
			return -ENOMEM;	/* empty tables are freed with the mm */
		}
	}
	for (off = 0; off < MIN(old_len, new_len); off += PAGE_SIZE) {
		pte_t *s = arch_pte_slot(&mm->arch, old + off, false);
		pte_t *d;

		if (!s || !arch_pte_present(*s))
			continue;
		d = arch_pte_slot(&mm->arch, new + off, false);
		*d = *s;
		*s = 0;
		arch_flush_tlb_page(&mm->arch, old + off);
	}
	if (!keep_old) {
		vma_unlink(mm, v);
		vma_free(v);
	}
	vma_link(mm, n);
	vma_merge_around(mm, n);
	return new;
}

static long remap_fixed(struct mm *mm, uintptr_t old, size_t old_len,
			size_t new_len, uintptr_t new, bool keep_old)
{
	struct vm_area *v;
	int err;

	if (new & ~PAGE_MASK)
		return -EINVAL;
	if (new_len > USER_TOP || new > USER_TOP - new_len)
		return -EINVAL;
	if (new < old + old_len && old < new + new_len)
		return -EINVAL;
	/* The tail beyond new_len goes away, so only the rest must be mapped. */
	v = vm_find(mm, old);
	if (!v || MIN(old_len, new_len) > v->end - old)
		return -EFAULT;
	err = unmap_range(mm, new, new + new_len);
	if (err)
		return err;
	if (old_len > new_len) {
		err = unmap_range(mm, old + new_len, old + old_len);
		if (err)
			return err;
		old_len = new_len;
	}
	return move_mapping(mm, old, old_len, new, new_len, keep_old);
}

/* old_len 0: a second mapping of the same shared pages (Linux allows it). */
static long remap_duplicate(struct mm *mm, struct vm_area *v, uintptr_t old,
			    size_t new_len, unsigned int flags, uintptr_t new)
{
	if (!(v->flags & VM_SHARED))
		return -EINVAL;
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	return vm_map(mm, new, new_len, v->flags, v->obj,
		      v->pgoff + ((old - v->start) >> PAGE_SHIFT), v->file,
		      flags & MREMAP_FIXED);
}

long vm_remap(struct mm *mm, uintptr_t old, size_t old_len, size_t new_len,
	      unsigned int flags, uintptr_t new)
{
	struct vm_area *v;
	long ret;
	int err;

	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (old & ~PAGE_MASK)
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (!new_len || old_len > USER_TOP || old > USER_TOP - old_len)
		return -EINVAL;
	/* DONTUNMAP moves the pages and leaves the old range mapped, empty. */
	if ((flags & MREMAP_DONTUNMAP) &&
	    (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (!old_len) {
		v = vm_find(mm, old);
		if (!v)
			return -EFAULT;
		return remap_duplicate(mm, v, old, new_len, flags, new);
	}
	if (flags & MREMAP_FIXED)
		return remap_fixed(mm, old, old_len, new_len, new,
				   flags & MREMAP_DONTUNMAP);
	if (flags & MREMAP_DONTUNMAP) {
		v = vm_find(mm, old);
		if (!v || old_len > v->end - old)
			return -EFAULT;
		ret = vm_get_unmapped_area(mm, 0, new_len, mm->mmap_base);
		if (ret < 0)
			return ret;
		return move_mapping(mm, old, old_len, ret, new_len, true);
	}
	if (old_len >= new_len) {
		if (old_len > new_len) {
			err = unmap_range(mm, old + new_len, old + old_len);
			if (err)
				return err;
		}
		return old;
	}
	v = vm_find(mm, old);
	if (!v || old_len > v->end - old)
		return -EFAULT;
	/* Grow in place when the VMA ends here and the space above is free. */
	if (old + old_len == v->end && new_len <= USER_TOP - old &&
	    range_free(mm, v->end, old + new_len)) {
		mm->total_pages += (old + new_len - v->end) >> PAGE_SHIFT;
		v->end = old + new_len;
		vma_merge_around(mm, v);
		return old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	ret = vm_get_unmapped_area(mm, 0, new_len, mm->mmap_base);
	if (ret < 0)
		return ret;
	return move_mapping(mm, old, old_len, ret, new_len, false);
}

/* ---- brk ---------------------------------------------------------------- */

uintptr_t vm_brk(struct mm *mm, uintptr_t new_brk)
{
	uintptr_t old_brk = mm->brk;
	uintptr_t new_end, old_end;

	if (new_brk < mm->start_brk || new_brk > USER_TOP)
		return old_brk;
	new_end = ALIGN_UP(new_brk, PAGE_SIZE);
	old_end = ALIGN_UP(old_brk, PAGE_SIZE);
	if (new_end < old_end) {
		if (unmap_range(mm, new_end, old_end))
			return old_brk;
	} else if (new_end > old_end) {
		/*
		 * Never over another mapping or into a stack's guard gap, and
		 * (as Linux) keep one free page above the new break.
		 */
		if (new_end > USER_TOP - PAGE_SIZE ||
		    !range_free(mm, old_end, new_end + PAGE_SIZE))
			return old_brk;
		if (vm_map(mm, old_end, new_end - old_end, VM_READ | VM_WRITE,
			   NULL, 0, NULL, true) < 0)
			return old_brk;
	}
	mm->brk = new_brk;
	return new_brk;
}

/* ---- residency, population, iteration ------------------------------- */

bool vm_page_resident(struct mm *mm, struct vm_area *v, uintptr_t addr)
{
	pte_t *slot = arch_pte_slot(&mm->arch, addr, false);

	if (slot && arch_pte_present(*slot))
		return true;
	return v->obj && vm_object_has_page(v->obj, v->pgoff +
					    ((addr - v->start) >> PAGE_SHIFT));
}

int vm_populate(struct mm *mm, uintptr_t addr, size_t len, bool write)
{
	uintptr_t va = ALIGN_DOWN(addr, PAGE_SIZE), end = addr + len;
	int err;

	for (; va < end; va += PAGE_SIZE) {
		err = vm_fault_locked(mm, va, write ? FAULT_WRITE : 0);
		if (err)
			return err;
	}
	return 0;
}

int mm_for_each_vma(struct mm *mm, int (*fn)(struct vm_area *vma, void *arg),
		    void *arg)
{
	struct rb_node *n;
	int ret = 0;

	mutex_lock(&mm->lock);
	for (n = rb_first(&mm->vmas); n && !ret; n = rb_next(n))
		ret = fn(rb_entry(n, struct vm_area, node), arg);
	mutex_unlock(&mm->lock);
	return ret;
}
