/*
 * Host tests of user address spaces (mm/vma.c, fault.c, mm.c,
 * vm_object.c): VMA split/merge/placement, faults, COW after mm_dup,
 * mremap, brk, stack growth, the VMA limit and leak-free teardown. The
 * real buddy and slab allocators run over an arena; page tables are a
 * fake: a list of 512-entry tables per 2 MiB block, with x86-like bits.
 */
#include <stdlib.h>
#include <string.h>

#include <ferrite/err.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/pgtable.h>
#include <ferrite/sched.h>
#include <ferrite/vm.h>
#include <uapi/mman_abi.h>
#include "unit.h"

#define NPAGES	16384		/* 64 MiB arena */
#define PG	PAGE_SIZE

/* ---- host stand-ins ------------------------------------------------- */

struct cpu boot_cpu;		/* current() reads it: NULL task */

void mutex_init(struct mutex *m) { m->owner = NULL; }
void mutex_lock(struct mutex *m) { m->owner = (struct task *)1; }
void mutex_unlock(struct mutex *m) { m->owner = NULL; }
bool mutex_owned(struct mutex *m) { return m->owner != NULL; }

struct file *get_file(struct file *f) { f->refcount++; return f; }
void fput(struct file *f) { f->refcount--; }

/* ---- fake page tables -------------------------------------------------- */

#define F_P	0x1UL
#define F_W	0x2UL
#define F_U	0x4UL
#define F_NX	(1UL << 63)
#define F_ADDR	0x000ffffffffff000UL

struct fake_table {
	uintptr_t base;
	pte_t pte[512];
	struct fake_table *next;
};

static int fake_fail_after = -1;	/* table creations before -ENOMEM */
static unsigned long fake_tables_live;

int arch_mm_create(struct arch_mm *am)
{
	am->pml4 = calloc(1, sizeof(struct fake_table *));
	am->root = 1;
	return am->pml4 ? 0 : -ENOMEM;
}

void arch_mm_destroy(struct arch_mm *am)
{
	struct fake_table *t = *(struct fake_table **)am->pml4, *n;

	for (; t; t = n) {
		n = t->next;
		free(t);
		fake_tables_live--;
	}
	free(am->pml4);
	am->pml4 = NULL;
}

void arch_mm_switch(struct arch_mm *am) { }
void arch_flush_tlb_page(struct arch_mm *am, uintptr_t va) { }
void arch_flush_tlb_all(struct arch_mm *am) { }

pte_t *arch_pte_slot(struct arch_mm *am, uintptr_t va, bool create)
{
	struct fake_table **head = (struct fake_table **)am->pml4, *t;
	uintptr_t base = ALIGN_DOWN(va, VM_PTE_TABLE_SPAN);

	if (va >= USER_TOP)
		return NULL;
	for (t = *head; t; t = t->next)
		if (t->base == base)
			return &t->pte[(va - base) >> PAGE_SHIFT];
	if (!create || fake_fail_after == 0)
		return NULL;
	if (fake_fail_after > 0)
		fake_fail_after--;
	t = calloc(1, sizeof(*t));
	t->base = base;
	t->next = *head;
	*head = t;
	fake_tables_live++;
	return &t->pte[(va - base) >> PAGE_SHIFT];
}

static pte_t fake_bits(unsigned long prot)
{
	pte_t b = F_P;

	if (prot & VM_PROT_MASK)
		b |= F_U;
	if (prot & VM_WRITE)
		b |= F_W;
	if (!(prot & VM_EXEC))
		b |= F_NX;
	return b;
}

pte_t arch_pte_make(phys_addr_t pa, unsigned long p) { return pa | fake_bits(p); }
bool arch_pte_present(pte_t pte) { return pte & F_P; }
bool arch_pte_writable(pte_t pte) { return pte & F_W; }
phys_addr_t arch_pte_phys(pte_t pte) { return pte & F_ADDR; }
pte_t arch_pte_wrprotect(pte_t pte) { return pte & ~F_W; }
pte_t arch_pte_mkwrite(pte_t pte) { return pte | F_W; }
pte_t arch_pte_setprot(pte_t pte, unsigned long p)
{
	return (pte & ~(F_P | F_W | F_U | F_NX)) | fake_bits(p);
}

/* ---- helpers ------------------------------------------------------------ */

#define RW	(VM_READ | VM_WRITE)
#define A	0x10000000UL	/* a fixed test address */

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
	buddy_add_free_range(1, NPAGES);
	slab_init();
}

static struct mm *new_mm(void)
{
	struct mm *mm;

	setup();
	mm = mm_create();
	if (mm)
		mm->mmap_base = 0x7f0000000000UL;
	return mm;
}

static long map(struct mm *mm, uintptr_t addr, size_t len, unsigned long fl)
{
	return vm_map(mm, addr, len, fl, NULL, 0, NULL, true);
}

/* The byte at @va through its PTE, or NULL if no page is there. */
static u8 *at(struct mm *mm, uintptr_t va)
{
	pte_t *s = arch_pte_slot(&mm->arch, va, false);

	if (!s || !arch_pte_present(*s))
		return NULL;
	return (u8 *)phys_to_virt(arch_pte_phys(*s)) + (va & ~PAGE_MASK);
}

static bool pte_w(struct mm *mm, uintptr_t va)
{
	return arch_pte_writable(*arch_pte_slot(&mm->arch, va, false));
}

/* Baselines after one warm-up round, so retained slab pages do not count. */
static void baseline(u64 *free0, u64 *slab0)
{
	struct mm *mm = new_mm();

	map(mm, A, PG, RW);
	mm_handle_fault(mm, A, FAULT_WRITE);
	mm_put(mm);
	*free0 = nr_free_pages();
	*slab0 = slab_objects_in_use();
}

/* ---- placement, split, merge ------------------------------------------ */

TEST(anon_maps_go_top_down_and_merge)
{
	struct mm *mm = new_mm();
	long a, b;

	ASSERT(mm);
	a = vm_map(mm, 0, 3 * PG, RW, NULL, 0, NULL, false);
	EXPECT_EQ(a, mm->mmap_base - 3 * PG);
	b = vm_map(mm, 0, PG + 1, RW, NULL, 0, NULL, false);
	EXPECT_EQ(b, a - 2 * PG);
	EXPECT_EQ(mm->nr_vmas, 1);		/* same flags: one VMA */
	EXPECT_EQ(vm_find(mm, b)->end, mm->mmap_base);
	EXPECT_EQ(mm->total_pages, 5);
	/* Different protection: adjacent but separate. */
	EXPECT_EQ(vm_map(mm, 0, PG, VM_READ, NULL, 0, NULL, false), b - PG);
	EXPECT_EQ(mm->nr_vmas, 2);
	mm_put(mm);
}

TEST(hint_used_when_free_else_top_down)
{
	struct mm *mm = new_mm();

	ASSERT(mm);
	EXPECT_EQ(vm_map(mm, A + 5, PG, RW, NULL, 0, NULL, false), A + PG);
	EXPECT_EQ(vm_map(mm, A + PG, PG, RW, NULL, 0, NULL, false),
		  mm->mmap_base - PG);
	/* Hints below the minimum address are ignored. */
	EXPECT_EQ(vm_map(mm, 0x1000, PG, RW, NULL, 0, NULL, false),
		  mm->mmap_base - 2 * PG);
	mm_put(mm);
}

TEST(fixed_map_errors)
{
	struct mm *mm = new_mm();

	ASSERT(mm);
	EXPECT_EQ(map(mm, A + 1, PG, RW), -EINVAL);
	EXPECT_EQ(map(mm, A, 0, RW), -EINVAL);
	EXPECT_EQ(map(mm, USER_TOP - PG, 2 * PG, RW), -ENOMEM);
	EXPECT_EQ(map(mm, A, (size_t)-1, RW), -ENOMEM);
	EXPECT_EQ(mm->nr_vmas, 0);
	EXPECT_EQ(map(mm, 0, PG, RW), 0);	/* root may map page 0 (Linux) */
	mm_put(mm);
}

TEST(munmap_middle_splits_and_holes_are_fine)
{
	struct mm *mm = new_mm();

	ASSERT(mm);
	EXPECT_EQ(map(mm, A, 10 * PG, RW), A);
	EXPECT_EQ(vm_unmap(mm, A + 3 * PG, 3 * PG), 0);
	EXPECT_EQ(mm->nr_vmas, 2);
	EXPECT(vm_find(mm, A + 3 * PG) == NULL);
	EXPECT(vm_find(mm, A + 5 * PG + PG - 1) == NULL);
	EXPECT_EQ(vm_find(mm, A + 2 * PG)->end, A + 3 * PG);
	EXPECT_EQ(vm_find(mm, A + 6 * PG)->start, A + 6 * PG);
	EXPECT_EQ(vm_find_next(mm, A + 3 * PG)->start, A + 6 * PG);
	EXPECT_EQ(mm->total_pages, 7);
	EXPECT_EQ(vm_unmap(mm, A + 3 * PG, PG), 0);	/* already a hole */
	EXPECT_EQ(vm_unmap(mm, A + 1, PG), -EINVAL);
	EXPECT_EQ(vm_unmap(mm, A, 0), -EINVAL);
	EXPECT_EQ(vm_unmap(mm, A, 100 * PG), 0);
	EXPECT_EQ(mm->nr_vmas, 0);
	EXPECT_EQ(mm->total_pages, 0);
	mm_put(mm);
}

TEST(mprotect_splits_then_merges_back)
{
	struct mm *mm = new_mm();

	ASSERT(mm);
	map(mm, A, 10 * PG, RW);
	EXPECT_EQ(mm_handle_fault(mm, A + 4 * PG, FAULT_WRITE), 0);
	EXPECT_EQ(vm_protect(mm, A + 4 * PG, 2 * PG, PROT_READ), 0);
	EXPECT_EQ(mm->nr_vmas, 3);
	EXPECT_EQ(vm_find(mm, A + 4 * PG)->flags & VM_PROT_MASK, VM_READ);
	EXPECT_EQ(vm_find(mm, A + 6 * PG)->flags & VM_PROT_MASK, RW);
	EXPECT(!pte_w(mm, A + 4 * PG));
	EXPECT_EQ(mm_handle_fault(mm, A + 4 * PG, FAULT_WRITE), -EFAULT);
	EXPECT_EQ(vm_protect(mm, A + 4 * PG, 2 * PG, PROT_READ | PROT_WRITE), 0);
	EXPECT_EQ(mm->nr_vmas, 1);
	/* A private page alone: the write fault makes it writable in place. */
	{
		u8 *before = at(mm, A + 4 * PG);

		EXPECT_EQ(mm_handle_fault(mm, A + 4 * PG, FAULT_WRITE), 0);
		EXPECT(at(mm, A + 4 * PG) == before);
		EXPECT(pte_w(mm, A + 4 * PG));
	}
	mm_put(mm);
}

TEST(mprotect_errors_change_nothing)
{
	struct mm *mm = new_mm();
	struct file f = { .refcount = 1 };
	struct vm_object *obj;

	ASSERT(mm);
	map(mm, A, 2 * PG, RW);
	map(mm, A + 3 * PG, 2 * PG, RW);
	EXPECT_EQ(vm_protect(mm, A, 5 * PG, PROT_READ), -ENOMEM);
	EXPECT_EQ(vm_find(mm, A)->flags & VM_PROT_MASK, RW);
	EXPECT_EQ(mm->nr_vmas, 2);
	EXPECT_EQ(vm_protect(mm, A + 1, PG, PROT_READ), -EINVAL);
	EXPECT_EQ(vm_protect(mm, A, PG, 0x10), -EINVAL);
	EXPECT_EQ(vm_protect(mm, A, 0, PROT_READ), 0);
	/* A shared mapping of a read-only file cannot become writable. */
	obj = vm_object_create();
	ASSERT(obj);
	EXPECT_EQ(vm_map(mm, A + 10 * PG, PG, VM_READ | VM_SHARED | VM_MAYREAD,
			 obj, 0, &f, true), A + 10 * PG);
	EXPECT_EQ(f.refcount, 2);
	EXPECT_EQ(vm_protect(mm, A + 10 * PG, PG, PROT_READ | PROT_WRITE), -EACCES);
	vm_object_put(obj);
	mm_put(mm);
	EXPECT_EQ(f.refcount, 1);
}

TEST(protnone_keeps_pages_and_faults)
{
	struct mm *mm = new_mm();

	ASSERT(mm);
	map(mm, A, PG, RW);
	EXPECT_EQ(mm_copy_to(mm, A, "z", 1), 0);
	EXPECT_EQ(vm_protect(mm, A, PG, PROT_NONE), 0);
	EXPECT_EQ(mm_handle_fault(mm, A, 0), -EFAULT);
	EXPECT_EQ(mm->rss_pages, 1);
	EXPECT_EQ(vm_protect(mm, A, PG, PROT_READ), 0);
	EXPECT_EQ(*at(mm, A), 'z');
	mm_put(mm);
}

/* ---- faults, fork, teardown ------------------------------------------- */

TEST(demand_zero_fixed_replace_and_no_leak)
{
	u64 free0, slab0;
	struct mm *mm;
	int i;

	setup();
	baseline(&free0, &slab0);
	mm = new_mm();
	map(mm, A, 4 * PG, RW);
	EXPECT_EQ(mm->rss_pages, 0);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(mm_handle_fault(mm, A + i * PG + 7, FAULT_WRITE | FAULT_USER), 0);
	EXPECT_EQ(mm->rss_pages, 4);
	EXPECT_EQ(*at(mm, A + PG), 0);
	EXPECT_EQ(mm_handle_fault(mm, A + 4 * PG, 0), -EFAULT);
	EXPECT_EQ(mm_handle_fault(mm, A - 1, 0), -EFAULT);
	/* MAP_FIXED over the middle drops those pages. */
	EXPECT_EQ(map(mm, A + PG, 2 * PG, VM_READ), A + PG);
	EXPECT_EQ(mm->rss_pages, 2);
	EXPECT_EQ(mm->nr_vmas, 3);
	EXPECT(at(mm, A + PG) == NULL);
	mm_put(mm);
	EXPECT_EQ(nr_free_pages(), free0);
	EXPECT_EQ(slab_objects_in_use(), slab0);
	EXPECT_EQ(buddy_verify(), 0);
}

TEST(copy_to_crosses_pages_and_stops_at_holes)
{
	struct mm *mm = new_mm();

	ASSERT(mm);
	map(mm, A, 2 * PG, RW);
	map(mm, A + 3 * PG, PG, VM_READ);
	EXPECT_EQ(mm_copy_to(mm, A + PG - 2, "wxyz", 4), 0);
	EXPECT_EQ(memcmp(at(mm, A + PG - 2), "wx", 2), 0);
	EXPECT_EQ(memcmp(at(mm, A + PG), "yz", 2), 0);
	EXPECT_EQ(mm_copy_to(mm, A + 2 * PG - 1, "ab", 2), -EFAULT);
	EXPECT_EQ(mm_copy_to(mm, A + 3 * PG, "ab", 2), -EFAULT);	/* read-only */
	EXPECT_EQ(mm_copy_to(mm, USER_TOP - 1, "ab", 2), -EFAULT);
	mm_put(mm);
}

TEST(fork_shares_private_pages_copy_on_write)
{
	struct mm *parent, *child;
	u64 free0, slab0;
	struct page *pg;
	u8 *pp;

	setup();
	baseline(&free0, &slab0);
	parent = new_mm();
	map(parent, A, 2 * PG, RW);
	EXPECT_EQ(mm_copy_to(parent, A, "A", 1), 0);
	parent->brk = 0x1234;
	child = mm_dup(parent);
	ASSERT(child);
	EXPECT_EQ(child->brk, 0x1234);
	EXPECT_EQ(child->nr_vmas, 1);
	EXPECT_EQ(child->rss_pages, 1);
	pp = at(parent, A);
	EXPECT(at(child, A) == pp);
	EXPECT(!pte_w(parent, A) && !pte_w(child, A));
	pg = virt_to_page(pp);
	EXPECT_EQ(page_count(pg), 2);
	/* Child writes: gets its own copy. */
	EXPECT_EQ(mm_copy_to(child, A, "B", 1), 0);
	EXPECT(at(child, A) != pp);
	EXPECT_EQ(*at(child, A), 'B');
	EXPECT_EQ(*pp, 'A');
	EXPECT_EQ(page_count(pg), 1);
	/* Parent writes: alone now, so no copy. */
	EXPECT_EQ(mm_handle_fault(parent, A, FAULT_WRITE), 0);
	EXPECT(at(parent, A) == pp);
	mm_put(parent);
	EXPECT_EQ(*at(child, A), 'B');
	mm_put(child);
	EXPECT_EQ(nr_free_pages(), free0);
	EXPECT_EQ(slab_objects_in_use(), slab0);
}

TEST(fork_keeps_shared_anon_shared_and_skips_dontfork)
{
	struct mm *parent, *child;
	u64 free0, slab0;

	setup();
	baseline(&free0, &slab0);
	parent = new_mm();
	EXPECT_EQ(map(parent, A, 2 * PG, RW | VM_SHARED), A);
	map(parent, A + 4 * PG, PG, RW);
	EXPECT_EQ(vm_change_flags(parent, A + 4 * PG, PG, VM_DONTCOPY, 0), 0);
	map(parent, A + 6 * PG, PG, RW);
	EXPECT_EQ(vm_change_flags(parent, A + 6 * PG, PG, VM_WIPEONFORK, 0), 0);
	EXPECT_EQ(mm_copy_to(parent, A + 6 * PG, "w", 1), 0);
	EXPECT_EQ(vm_change_flags(parent, A + 7 * PG, PG, VM_DONTCOPY, 0), -ENOMEM);
	EXPECT_EQ(mm_copy_to(parent, A, "p", 1), 0);
	child = mm_dup(parent);
	ASSERT(child);
	EXPECT(vm_find(child, A + 4 * PG) == NULL);
	EXPECT(vm_find(child, A + 6 * PG) != NULL);
	EXPECT(at(child, A + 6 * PG) == NULL);
	EXPECT_EQ(*at(parent, A + 6 * PG), 'w');
	/* Page 0 touched before the fork, page 1 after: both shared. */
	EXPECT_EQ(mm_handle_fault(child, A, 0), 0);
	EXPECT(at(child, A) == at(parent, A));
	EXPECT_EQ(mm_copy_to(child, A + PG, "c", 1), 0);
	EXPECT_EQ(mm_handle_fault(parent, A + PG, 0), 0);
	EXPECT(at(parent, A + PG) == at(child, A + PG));
	EXPECT_EQ(*at(parent, A + PG), 'c');
	mm_put(child);
	mm_put(parent);
	EXPECT_EQ(nr_free_pages(), free0);
	EXPECT_EQ(slab_objects_in_use(), slab0);
}

TEST(mm_dup_enomem_undoes_everything)
{
	struct mm *parent, *child;
	u64 free1, slab1;
	u64 free0, slab0;

	setup();
	baseline(&free0, &slab0);
	parent = new_mm();
	map(parent, A, PG, RW);
	map(parent, A + 8 * VM_PTE_TABLE_SPAN, PG, VM_READ);
	EXPECT_EQ(mm_handle_fault(parent, A, FAULT_WRITE), 0);
	EXPECT_EQ(mm_handle_fault(parent, A + 8 * VM_PTE_TABLE_SPAN, 0), 0);
	free1 = nr_free_pages();
	slab1 = slab_objects_in_use();
	fake_fail_after = 1;	/* the child's second table fails */
	child = mm_dup(parent);
	fake_fail_after = -1;
	EXPECT(child == NULL);
	EXPECT_EQ(nr_free_pages(), free1);
	EXPECT_EQ(slab_objects_in_use(), slab1);
	EXPECT_EQ(page_count(virt_to_page(at(parent, A))), 1);
	/* The parent's page lost its write bit, but the fault restores it. */
	EXPECT_EQ(mm_handle_fault(parent, A, FAULT_WRITE), 0);
	EXPECT(pte_w(parent, A));
	mm_put(parent);
	EXPECT_EQ(nr_free_pages(), free0);
	EXPECT_EQ(slab_objects_in_use(), slab0);
}

TEST(object_private_cow_and_shared_write_through)
{
	struct mm *mm = new_mm();
	struct vm_object *obj = vm_object_create();
	struct page *p0;
	u64 free0;

	ASSERT(mm && obj);
	p0 = vm_object_get_page(obj, 1, true);
	ASSERT(!IS_ERR_OR_NULL(p0));
	*(u8 *)page_address(p0) = 'X';
	EXPECT(vm_object_get_page(obj, 5, false) == NULL);
	EXPECT(vm_object_has_page(obj, 1));
	EXPECT_EQ(vm_map(mm, A, 2 * PG, RW, obj, 0, NULL, true), A);
	EXPECT_EQ(vm_map(mm, A + 4 * PG, 2 * PG, RW | VM_SHARED, obj, 0, NULL,
			 true), A + 4 * PG);
	/* Private read maps the object's page read-only. */
	EXPECT_EQ(mm_handle_fault(mm, A + PG, 0), 0);
	EXPECT(at(mm, A + PG) == page_address(p0));
	EXPECT(!pte_w(mm, A + PG));
	EXPECT(vm_page_resident(mm, vm_find(mm, A + PG), A + PG));
	/* Private write copies; the object keeps 'X'. */
	EXPECT_EQ(mm_copy_to(mm, A + PG, "Y", 1), 0);
	EXPECT(at(mm, A + PG) != page_address(p0));
	EXPECT_EQ(*(u8 *)page_address(p0), 'X');
	/* Shared write reaches the object. */
	EXPECT_EQ(mm_copy_to(mm, A + 5 * PG, "S", 1), 0);
	EXPECT(at(mm, A + 5 * PG) == page_address(p0));
	EXPECT_EQ(*(u8 *)page_address(p0), 'S');
	EXPECT_EQ(page_count(p0), 3);	/* object, our ref, shared PTE */
	put_page(p0);
	free0 = nr_free_pages();
	mm_put(mm);
	EXPECT_EQ(nr_free_pages(), free0 + 1);	/* the private copy */
	vm_object_truncate(obj, 0);
	EXPECT_EQ(nr_free_pages(), free0 + 2);
	EXPECT_EQ(obj->nr_pages, 0);
	vm_object_put(obj);
}

TEST(madvise_dontneed_rezeroes_private_memory)
{
	struct mm *mm = new_mm();

	ASSERT(mm);
	map(mm, A, 3 * PG, RW);
	EXPECT_EQ(mm_copy_to(mm, A + PG, "q", 1), 0);
	vm_zap_range(mm, A, 3 * PG);
	EXPECT_EQ(mm->rss_pages, 0);
	EXPECT_EQ(mm->nr_vmas, 1);
	EXPECT_EQ(mm_handle_fault(mm, A + PG, 0), 0);
	EXPECT_EQ(*at(mm, A + PG), 0);
	mm_put(mm);
}

/* ---- mremap, brk, stack --------------------------------------------------- */

TEST(mremap_grow_shrink_move)
{
	struct mm *mm = new_mm();
	long r;

	ASSERT(mm);
	map(mm, A, 2 * PG, RW);
	EXPECT_EQ(mm_copy_to(mm, A, "m", 1), 0);
	EXPECT_EQ(vm_remap(mm, A, 2 * PG, 4 * PG, 0, 0), A);	/* in place */
	EXPECT_EQ(vm_find(mm, A)->end, A + 4 * PG);
	map(mm, A + 5 * PG, PG, VM_READ);
	EXPECT_EQ(vm_remap(mm, A, 4 * PG, 8 * PG, 0, 0), -ENOMEM);
	r = vm_remap(mm, A, 4 * PG, 8 * PG, MREMAP_MAYMOVE, 0);
	EXPECT(r > 0 && r != (long)A);
	EXPECT(vm_find(mm, A) == NULL);
	EXPECT_EQ(*at(mm, r), 'm');
	EXPECT_EQ(mm->rss_pages, 1);
	EXPECT_EQ(vm_find(mm, r)->end, r + 8 * PG);
	/* Shrink in place. */
	EXPECT_EQ(vm_remap(mm, r, 8 * PG, 3 * PG, 0, 0), r);
	EXPECT_EQ(vm_find(mm, r)->end, r + 3 * PG);
	/* FIXED: overlapping ranges refused, then moved where asked. */
	EXPECT_EQ(vm_remap(mm, r, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
			   r + PG), -EINVAL);
	EXPECT_EQ(vm_remap(mm, r, 3 * PG, 3 * PG, MREMAP_FIXED, A), -EINVAL);
	EXPECT_EQ(vm_remap(mm, r, 3 * PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED,
			   A + 5 * PG), A + 5 * PG);	/* replaces the R page */
	EXPECT_EQ(*at(mm, A + 5 * PG), 'm');
	EXPECT_EQ(vm_find(mm, A + 5 * PG)->flags & VM_PROT_MASK, RW);
	EXPECT(vm_find(mm, r) == NULL);
	EXPECT_EQ(vm_remap(mm, A + 100 * PG, PG, 2 * PG, MREMAP_MAYMOVE, 0), -EFAULT);
	EXPECT_EQ(vm_remap(mm, A + 1, PG, 2 * PG, MREMAP_MAYMOVE, 0), -EINVAL);
	EXPECT_EQ(vm_remap(mm, A + 5 * PG, PG, 0, MREMAP_MAYMOVE, 0), -EINVAL);
	EXPECT_EQ(vm_remap(mm, A + 5 * PG, PG, PG, 8, 0), -EINVAL);
	/* old_len 0 duplicates only shared mappings. */
	EXPECT_EQ(vm_remap(mm, A + 5 * PG, 0, PG, MREMAP_MAYMOVE, 0), -EINVAL);
	/* DONTUNMAP: pages move, the old range stays mapped and reads zero. */
	EXPECT_EQ(vm_remap(mm, A + 5 * PG, PG, PG, MREMAP_DONTUNMAP, 0), -EINVAL);
	r = vm_remap(mm, A + 5 * PG, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	EXPECT(r > 0 && r != (long)(A + 5 * PG));
	EXPECT_EQ(*at(mm, r), 'm');
	EXPECT(vm_find(mm, A + 5 * PG) != NULL);
	EXPECT(at(mm, A + 5 * PG) == NULL);
	EXPECT_EQ(mm_handle_fault(mm, A + 5 * PG, 0), 0);
	EXPECT_EQ(*at(mm, A + 5 * PG), 0);
	mm_put(mm);
}

TEST(brk_grows_shrinks_and_refuses_collisions)
{
	struct mm *mm = new_mm();
	uintptr_t b = A + 0x3800;

	ASSERT(mm);
	mm->start_brk = mm->brk = b;
	EXPECT_EQ(vm_brk(mm, 0), b);			/* query */
	EXPECT_EQ(vm_brk(mm, b + 10000), b + 10000);
	EXPECT_EQ(vm_find(mm, b + 10000)->start, A + 4 * PG);
	EXPECT_EQ(vm_find(mm, b + 10000)->end, A + 6 * PG);
	EXPECT_EQ(mm_handle_fault(mm, b + 9999, FAULT_WRITE), 0);
	EXPECT_EQ(vm_brk(mm, b - 1), b + 10000);	/* below start_brk */
	EXPECT_EQ(vm_brk(mm, b + 10), b + 10);		/* shrink */
	EXPECT(vm_find(mm, A + 5 * PG) == NULL);
	EXPECT_EQ(mm->rss_pages, 0);
	map(mm, A + 9 * PG, PG, VM_READ);
	EXPECT_EQ(vm_brk(mm, A + 9 * PG), b + 10);	/* one free page above */
	EXPECT_EQ(vm_brk(mm, A + 8 * PG), A + 8 * PG);
	mm_put(mm);
}

TEST(stack_grows_down_within_limit)
{
	struct mm *mm = new_mm();
	uintptr_t top = 0x7ff000000000UL;

	ASSERT(mm);
	map(mm, top - PG, PG, RW | VM_GROWSDOWN);
	EXPECT_EQ(mm_handle_fault(mm, top - 100 * PG + 8, FAULT_WRITE), 0);
	EXPECT_EQ(vm_find(mm, top - 100 * PG)->start, top - 100 * PG);
	EXPECT_EQ(mm->nr_vmas, 1);
	EXPECT_EQ(mm_handle_fault(mm, top - MM_DEFAULT_STACK_LIMIT - PG, 0), -EFAULT);
	/* The guard gap keeps it away from the mapping below. */
	map(mm, top - 200 * PG - MM_STACK_GUARD_GAP, PG, RW);
	EXPECT_EQ(mm_handle_fault(mm, top - 200 * PG, 0), -EFAULT);
	EXPECT_EQ(mm_handle_fault(mm, top - 150 * PG, 0), 0);
	/* Placement keeps the gap below a stack too. */
	mm_put(mm);
}

TEST(vma_count_is_bounded)
{
	struct mm *mm = new_mm();
	uintptr_t base = 0x100000000UL;
	long r = 0;
	unsigned int i;

	ASSERT(mm);
	EXPECT_EQ(map(mm, A, 3 * PG, RW), A);
	for (i = 0; mm->nr_vmas < MM_MAX_VMAS; i++) {
		r = map(mm, base + i * PG, PG, (i & 1) ? RW : VM_READ);
		if (r < 0)
			break;
	}
	EXPECT(r >= 0);
	EXPECT_EQ(mm->nr_vmas, MM_MAX_VMAS);
	EXPECT_EQ(map(mm, base - 2 * PG, PG, RW), -ENOMEM);
	EXPECT_EQ(vm_unmap(mm, A + PG, PG), -ENOMEM);	/* would split */
	EXPECT_EQ(vm_protect(mm, A + PG, PG, PROT_READ), -ENOMEM);
	EXPECT_EQ(vm_find(mm, A)->end, A + 3 * PG);
	EXPECT_EQ(vm_unmap(mm, A, 3 * PG), 0);
	EXPECT_EQ(mm->nr_vmas, MM_MAX_VMAS - 1);
	mm_put(mm);
	EXPECT_EQ(fake_tables_live, 0);
}
