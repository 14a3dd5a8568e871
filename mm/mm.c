/*
 * Address-space lifetime: creation, fork's copy-on-write duplicate,
 * reference counting and teardown, switching page tables. The VMA
 * operations live in vma.c, faults in fault.c, syscalls in mmap.c.
 */
#include <ferrite/err.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/pgtable.h>
#include <ferrite/printk.h>
#include <ferrite/selftest.h>
#include <ferrite/string.h>
#include <ferrite/vm.h>

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	if (arch_mm_create(&mm->arch)) {
		kfree(mm);
		return NULL;
	}
	mm->refcount = 1;
	mutex_init(&mm->lock);
	mm->vmas = RB_ROOT;
	mm->mmap_base = MM_DEFAULT_MMAP_BASE;
	return mm;
}

void mm_get(struct mm *mm)
{
	__atomic_fetch_add(&mm->refcount, 1, __ATOMIC_RELAXED);
}

/* The last reference is gone: nobody else can see @mm, no lock needed. */
static void mm_destroy(struct mm *mm)
{
	struct rb_node *n;

	while ((n = rb_first(&mm->vmas))) {
		struct vm_area *v = rb_entry(n, struct vm_area, node);

		vm_zap_ptes(mm, v->start, v->end);
		vma_unlink(mm, v);
		vma_free(v);
	}
	WARN_ON(mm->rss_pages != 0);
	arch_mm_destroy(&mm->arch);
	kfree(mm);
}

void mm_put(struct mm *mm)
{
	if (mm && !__atomic_sub_fetch(&mm->refcount, 1, __ATOMIC_ACQ_REL))
		mm_destroy(mm);
}

void mm_activate(struct mm *mm)
{
	arch_mm_switch(mm ? &mm->arch : NULL);
}

/*
 * Share the present pages of private @v with @dst: both sides get the
 * PTE read-only and each holds a reference, so the first write on
 * either side copies (fault.c). Shared VMAs copy no PTEs: the child
 * faults their pages in from the object, which is what keeps them shared.
 * VM_WIPEONFORK VMAs copy none either: the child sees fresh zero pages.
 */
static int copy_ptes(struct mm *dst, struct mm *src, struct vm_area *v)
{
	uintptr_t va = v->start;

	if (v->flags & (VM_SHARED | VM_WIPEONFORK))
		return 0;
	while (va < v->end) {
		pte_t *s = arch_pte_slot(&src->arch, va, false);
		pte_t *d;

		if (!s) {
			va = ALIGN_DOWN(va, VM_PTE_TABLE_SPAN) + VM_PTE_TABLE_SPAN;
			continue;
		}
		if (arch_pte_present(*s)) {
			d = arch_pte_slot(&dst->arch, va, true);
			if (!d)
				return -ENOMEM;
			if (arch_pte_writable(*s))
				*s = arch_pte_wrprotect(*s);
			get_page(pfn_to_page(arch_pte_phys(*s) >> PAGE_SHIFT));
			*d = *s;
			dst->rss_pages++;
		}
		va += PAGE_SIZE;
	}
	return 0;
}

static int dup_vma(struct mm *dst, struct mm *src, struct vm_area *v)
{
	struct vm_area *n = vma_alloc();

	if (!n)
		return -ENOMEM;
	n->start = v->start;
	n->end = v->end;
	n->flags = v->flags;
	n->obj = v->obj;
	n->pgoff = v->pgoff;
	n->file = v->file;
	if (n->obj)
		vm_object_get(n->obj);
	if (n->file)
		get_file(n->file);
	vma_link(dst, n);
	return copy_ptes(dst, src, v);
}

static void copy_layout(struct mm *dst, const struct mm *src)
{
	dst->start_code = src->start_code;
	dst->end_code = src->end_code;
	dst->start_data = src->start_data;
	dst->end_data = src->end_data;
	dst->start_brk = src->start_brk;
	dst->brk = src->brk;
	dst->start_stack = src->start_stack;
	dst->arg_start = src->arg_start;
	dst->arg_end = src->arg_end;
	dst->env_start = src->env_start;
	dst->env_end = src->env_end;
	dst->mmap_base = src->mmap_base;
	memcpy(dst->auxv, src->auxv, sizeof(dst->auxv));
}

/*
 * On failure the partial child is dropped with mm_put(), which returns
 * every reference it took; the parent keeps its pages, some of them now
 * read-only, which only costs a write fault that finds them unshared.
 */
struct mm *mm_dup(struct mm *src)
{
	struct mm *dst = mm_create();
	struct rb_node *n;
	int err = 0;

	if (!dst)
		return NULL;
	mutex_lock(&src->lock);
	copy_layout(dst, src);
	for (n = rb_first(&src->vmas); n && !err; n = rb_next(n)) {
		struct vm_area *v = rb_entry(n, struct vm_area, node);

		if (!(v->flags & VM_DONTCOPY))
			err = dup_vma(dst, src, v);
	}
	/* The parent's PTEs lost their write bit. */
	arch_flush_tlb_all(&src->arch);
	mutex_unlock(&src->lock);
	if (err) {
		mm_put(dst);
		return NULL;
	}
	return dst;
}

/* ---- self-tests (need the arch page tables) ------------------------ */

#define ST_BASE	0x400000UL

static u8 *st_page(struct mm *mm, uintptr_t va)
{
	pte_t *slot = arch_pte_slot(&mm->arch, va, false);

	if (!slot || !arch_pte_present(*slot))
		return NULL;
	return phys_to_virt(arch_pte_phys(*slot)) + (va & ~PAGE_MASK);
}

static struct mm *st_mm_with(size_t len, unsigned long flags)
{
	struct mm *mm = mm_create();
	long addr;

	if (!mm)
		return NULL;
	mutex_lock(&mm->lock);
	addr = vm_map(mm, ST_BASE, len, flags, NULL, 0, NULL, true);
	mutex_unlock(&mm->lock);
	if (addr != (long)ST_BASE) {
		mm_put(mm);
		return NULL;
	}
	return mm;
}

SELFTEST(mm_demand_zero_and_teardown)
{
	struct mm *mm;
	u64 free0, slab0;
	u8 *p;

	/* Warm the slab caches so their retained pages do not count. */
	mm_put(st_mm_with(PAGE_SIZE, VM_READ | VM_WRITE));
	free0 = nr_free_pages();
	slab0 = slab_objects_in_use();
	mm = st_mm_with(4 * PAGE_SIZE, VM_READ | VM_WRITE);
	ST_EXPECT(mm);
	ST_EXPECT(mm->rss_pages == 0 && st_page(mm, ST_BASE) == NULL);
	ST_EXPECT(mm_handle_fault(mm, ST_BASE + 5, FAULT_WRITE | FAULT_USER) == 0);
	ST_EXPECT(mm->rss_pages == 1);
	p = st_page(mm, ST_BASE);
	ST_EXPECT(p && p[0] == 0 && p[PAGE_SIZE - 1] == 0);
	ST_EXPECT(mm_handle_fault(mm, ST_BASE + 4 * PAGE_SIZE, FAULT_USER) == -EFAULT);
	ST_EXPECT(mm_copy_to(mm, ST_BASE + PAGE_SIZE - 2, "abcd", 4) == 0);
	ST_EXPECT(mm->rss_pages == 2);
	ST_EXPECT(st_page(mm, ST_BASE + PAGE_SIZE)[1] == 'd');
	ST_EXPECT(mm_copy_to(mm, ST_BASE + 4 * PAGE_SIZE - 1, "xy", 2) == -EFAULT);
	mm_put(mm);
	ST_EXPECT(nr_free_pages() == free0);
	ST_EXPECT(slab_objects_in_use() == slab0);
	return 0;
}

SELFTEST(mm_readonly_and_protnone_fault)
{
	struct mm *mm = st_mm_with(2 * PAGE_SIZE, VM_READ);

	ST_EXPECT(mm);
	ST_EXPECT(mm_handle_fault(mm, ST_BASE, FAULT_WRITE | FAULT_USER) == -EFAULT);
	ST_EXPECT(mm_handle_fault(mm, ST_BASE, FAULT_EXEC | FAULT_USER) == -EFAULT);
	ST_EXPECT(mm_handle_fault(mm, ST_BASE, FAULT_USER) == 0);
	mutex_lock(&mm->lock);
	ST_EXPECT(vm_protect(mm, ST_BASE, PAGE_SIZE, 0) == 0);
	ST_EXPECT(mm->nr_vmas == 2);
	mutex_unlock(&mm->lock);
	ST_EXPECT(mm_handle_fault(mm, ST_BASE, FAULT_USER) == -EFAULT);
	ST_EXPECT(mm->rss_pages == 1);	/* PROT_NONE keeps the page */
	mm_put(mm);
	return 0;
}

SELFTEST(mm_fork_copy_on_write)
{
	struct mm *parent, *child;
	struct page *pg;
	u64 free0;
	u8 *pp, *cp;

	mm_put(st_mm_with(PAGE_SIZE, VM_READ | VM_WRITE));
	free0 = nr_free_pages();
	parent = st_mm_with(PAGE_SIZE, VM_READ | VM_WRITE);
	ST_EXPECT(parent);
	ST_EXPECT(mm_copy_to(parent, ST_BASE, "A", 1) == 0);
	child = mm_dup(parent);
	ST_EXPECT(child);
	pp = st_page(parent, ST_BASE);
	cp = st_page(child, ST_BASE);
	ST_EXPECT(pp == cp && pp[0] == 'A');
	pg = virt_to_page(pp);
	ST_EXPECT(page_count(pg) == 2);
	ST_EXPECT(!arch_pte_writable(*arch_pte_slot(&parent->arch, ST_BASE, false)));
	ST_EXPECT(mm_copy_to(child, ST_BASE, "B", 1) == 0);
	cp = st_page(child, ST_BASE);
	ST_EXPECT(cp != pp && cp[0] == 'B' && pp[0] == 'A');
	ST_EXPECT(page_count(pg) == 1);
	/* The parent's copy is now unshared: written in place, no new page. */
	ST_EXPECT(mm_handle_fault(parent, ST_BASE, FAULT_WRITE | FAULT_USER) == 0);
	ST_EXPECT(st_page(parent, ST_BASE) == pp);
	mm_put(child);
	mm_put(parent);
	ST_EXPECT(nr_free_pages() == free0);
	return 0;
}

SELFTEST(mm_shared_anon_survives_fork)
{
	struct mm *parent, *child;

	parent = st_mm_with(PAGE_SIZE, VM_READ | VM_WRITE | VM_SHARED);
	ST_EXPECT(parent);
	child = mm_dup(parent);
	ST_EXPECT(child);
	/* Touched only after the fork, by the child first. */
	ST_EXPECT(mm_copy_to(child, ST_BASE, "S", 1) == 0);
	ST_EXPECT(mm_handle_fault(parent, ST_BASE, FAULT_USER) == 0);
	ST_EXPECT(st_page(parent, ST_BASE) == st_page(child, ST_BASE));
	ST_EXPECT(st_page(parent, ST_BASE)[0] == 'S');
	mm_put(child);
	mm_put(parent);
	return 0;
}
