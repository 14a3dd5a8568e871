/*
 * User address spaces: struct mm (page tables + an ordered set of VMAs),
 * vm_object (a refcounted set of pages indexed by page number, backing
 * tmpfs files and shared anonymous memory), and the operations the rest
 * of the kernel uses: fault handling, fork's copy, exec's fresh space.
 * mm/ implements it on top of the arch page-table interface (pgtable.h).
 */
#ifndef FERRITE_VM_H
#define FERRITE_VM_H

#include <ferrite/mm.h>
#include <ferrite/mutex.h>
#include <ferrite/rbtree.h>

struct file;

/* VMA flags (the low bits match PROT_READ/WRITE/EXEC). */
#define VM_READ		0x1
#define VM_WRITE	0x2
#define VM_EXEC		0x4
#define VM_SHARED	0x8	/* MAP_SHARED: writes reach the object */
#define VM_MAYREAD	0x10
#define VM_MAYWRITE	0x20
#define VM_MAYEXEC	0x40
#define VM_GROWSDOWN	0x100	/* the main stack */
#define VM_DONTCOPY	0x200	/* MADV_DONTFORK */
#define VM_WIPEONFORK	0x400	/* MADV_WIPEONFORK: the child starts zeroed */
#define VM_NORESERVE	0x800	/* MAP_NORESERVE: not counted against RAM */
#define VM_PROT_MASK	(VM_READ | VM_WRITE | VM_EXEC)
#define VM_MAY_ALL	(VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

/* Linux's vm.max_map_count default: more VMAs than this is -ENOMEM. */
#define MM_MAX_VMAS	65530
/* Lowest address mmap picks by itself (Linux's mmap_min_addr). */
#define MM_MIN_ADDR	0x10000UL
/* Free space kept below a VM_GROWSDOWN stack (Linux's stack_guard_gap). */
#define MM_STACK_GUARD_GAP	(256UL * PAGE_SIZE)
/* Stack size limit when no process limit can be read (RLIMIT_STACK). */
#define MM_DEFAULT_STACK_LIMIT	(8UL << 20)
/*
 * When arch_pte_slot(va, false) is NULL, no table holds PTEs for the
 * naturally aligned block of this size around va (x86_64: one page
 * table covers 2 MiB), so range walks skip to the next block.
 */
#define VM_PTE_TABLE_SPAN	(512UL * PAGE_SIZE)

/*
 * A page store: page i of a file or of shared anonymous memory. Pages
 * held here carry one reference for the object. Legend: [lock].
 */
struct vm_object {
	u32 refcount;			/* [a] */
	struct mutex lock;
	struct rb_root chunks;		/* [lock] index -> page, sparse */
	u64 nr_pages;			/* [lock] pages present */
};

/*
 * Lock order: mm->lock, then vm_object->lock. Never hold an object's
 * lock while touching user memory (a fault there takes mm->lock).
 */

struct vm_object *vm_object_create(void);	/* NULL on ENOMEM */
void vm_object_get(struct vm_object *obj);
void vm_object_put(struct vm_object *obj);
/*
 * Page @index with a reference for the caller. With @alloc, a missing
 * page is created zeroed; without, NULL means "hole". ERR_PTR(-ENOMEM).
 */
struct page *vm_object_get_page(struct vm_object *obj, u64 index, bool alloc);
/* Drop every page at index >= @first (truncate). */
void vm_object_truncate(struct vm_object *obj, u64 first);
/* Page @index if present, without a reference (mincore); needs no page. */
bool vm_object_has_page(struct vm_object *obj, u64 index);

/*
 * Page references (mm/page_ref.c): a page is freed when its last user
 * puts it. Every present user PTE holds one reference, and so does a
 * vm_object for each page it stores.
 */
void get_page(struct page *p);
void put_page(struct page *p);
static inline u32 page_count(const struct page *p)
{
	return __atomic_load_n(&p->refcount, __ATOMIC_RELAXED);
}

/*
 * One mapping. Anonymous private memory has no object until pages are
 * touched (they are plain pages in the page tables); file and shared
 * anonymous mappings take pages from @obj at offset @pgoff.
 * Legend: [mm] the owning mm's lock.
 */
struct vm_area {
	uintptr_t start, end;		/* [mm] page aligned, [start, end) */
	unsigned long flags;		/* [mm] VM_* */
	struct rb_node node;		/* [mm] in mm->vmas, keyed by start */
	struct vm_object *obj;		/* [mm] holds a reference, or NULL */
	u64 pgoff;			/* [mm] page index of start in obj */
	struct file *file;		/* [mm] for /proc/pid/maps; a reference */
};

/* Architecture page-table root (asm/arch_inline.h defines struct arch_mm). */
struct mm {
	u32 refcount;			/* [a] CLONE_VM / vfork sharers */
	struct mutex lock;		/* the VMA tree and the page tables */
	struct arch_mm arch;		/* [lock] */
	struct rb_root vmas;		/* [lock] */
	unsigned int nr_vmas;		/* [lock] */
	u64 rss_pages;			/* [lock] pages mapped (for OOM, /proc) */
	u64 total_pages;		/* [lock] pages covered by VMAs (VmSize) */

	/* Layout, set by exec; [lock] after. */
	uintptr_t start_code, end_code, start_data, end_data;
	uintptr_t start_brk, brk;
	uintptr_t start_stack;
	uintptr_t arg_start, arg_end, env_start, env_end;
	uintptr_t mmap_base;		/* top of the mmap area, below the stack */
	u64 auxv[48];			/* copy of the auxiliary vector, 0-ended */
};

/*
 * mm_create: an empty space (mmap_base defaults to MM_DEFAULT_MMAP_BASE;
 * exec sets the layout), refcount 1, or NULL. mm_dup takes src->lock.
 * mm_put frees pages, tables, VMAs and object references on the last
 * put; the caller must have switched away from it (mm_activate(NULL) or
 * another mm) first.
 */
#define MM_DEFAULT_MMAP_BASE	(USER_TOP - (1UL << 30))
struct mm *mm_create(void);		/* empty space, or NULL */
struct mm *mm_dup(struct mm *src);	/* fork: COW copy, or NULL */
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);
void mm_activate(struct mm *mm);	/* switch page tables (NULL: kernel) */

/*
 * Map [addr, addr+len) with VM_* @flags, backed by @obj at @pgoff (or
 * anonymous when NULL). With @fixed the range replaces what is there;
 * otherwise @addr is a hint and a free range is chosen top-down below
 * mmap_base. Returns the address or -errno. Caller holds mm->lock.
 * The VMA takes its own references on @obj and @file; the caller keeps
 * its own. VM_MAY* bits missing from @flags are added for anonymous
 * memory; for objects the caller says what the file allows.
 */
long vm_map(struct mm *mm, uintptr_t addr, size_t len, unsigned long flags,
	    struct vm_object *obj, u64 pgoff, struct file *file, bool fixed);
/* The rest take mm->lock being held too. All return 0 or -errno. */
int vm_unmap(struct mm *mm, uintptr_t addr, size_t len);
/* @prot is PROT_* (= VM_READ/WRITE/EXEC); -ENOMEM on holes, -EACCES. */
int vm_protect(struct mm *mm, uintptr_t addr, size_t len, unsigned long prot);
struct vm_area *vm_find(struct mm *mm, uintptr_t addr);	/* covering addr */
/* The first VMA ending above @addr (covering it or the next one up). */
struct vm_area *vm_find_next(struct mm *mm, uintptr_t addr);
/* A free range of @len below @limit (top-down), or -ENOMEM. */
long vm_get_unmapped_area(struct mm *mm, uintptr_t hint, size_t len,
			  uintptr_t limit);
/* mremap: the new address or -errno (MREMAP_* flags from mman_abi.h). */
long vm_remap(struct mm *mm, uintptr_t old, size_t old_len, size_t new_len,
	      unsigned int flags, uintptr_t new_addr);
/* brk: the new break, or the old one when it cannot move (Linux). */
uintptr_t vm_brk(struct mm *mm, uintptr_t new_brk);
/* Drop the pages of [addr, addr+len) (MADV_DONTNEED); VMAs stay. */
void vm_zap_range(struct mm *mm, uintptr_t addr, size_t len);
/* Set or clear VM_* bits in @set/@clear over a fully mapped range. */
int vm_change_flags(struct mm *mm, uintptr_t addr, size_t len,
		    unsigned long set, unsigned long clear);
/* Is [addr, addr+len) covered by VMAs without a hole? */
bool vm_range_mapped(struct mm *mm, uintptr_t addr, size_t len);
/* Fault in [addr, addr+len) (MAP_POPULATE, MADV_POPULATE_*). */
int vm_populate(struct mm *mm, uintptr_t addr, size_t len, bool write);
/* Is the page at @addr resident (mincore)? */
bool vm_page_resident(struct mm *mm, struct vm_area *vma, uintptr_t addr);

/*
 * Call @fn for each VMA in address order under mm->lock (taken here);
 * stops at and returns the first non-zero result. @fn must not sleep on
 * user memory (/proc formats into a kernel buffer).
 */
int mm_for_each_vma(struct mm *mm, int (*fn)(struct vm_area *vma, void *arg),
		    void *arg);

/* mm/ internals shared between vma.c, fault.c and mm.c. */
struct vm_area *vma_alloc(void);
void vma_free(struct vm_area *vma);	/* drops its obj and file references */
void vma_link(struct mm *mm, struct vm_area *vma);
void vma_unlink(struct mm *mm, struct vm_area *vma);
/* Clear PTEs of [start, end), putting their pages; no VMA change. */
void vm_zap_ptes(struct mm *mm, uintptr_t start, uintptr_t end);
/* Fault-in with mm->lock held: what mm_handle_fault does inside. */
int vm_fault_locked(struct mm *mm, uintptr_t addr, unsigned int flags);

/* Fault flags for mm_handle_fault. */
#define FAULT_WRITE	0x1
#define FAULT_EXEC	0x2
#define FAULT_USER	0x4	/* from user mode (else a kernel user-copy) */

/*
 * Resolve a page fault at @addr in @mm: demand-zero, file/object page,
 * copy-on-write. 0 when the access can be retried, -EFAULT when the
 * address is not mapped or the access is not allowed, -ENOMEM.
 */
int mm_handle_fault(struct mm *mm, uintptr_t addr, unsigned int flags);	/* takes mm->lock */

/*
 * Copy into another process's memory (exec's stack setup, ptrace later),
 * faulting pages in as a write would. Takes mm->lock. 0 or -EFAULT/-ENOMEM.
 */
int mm_copy_to(struct mm *mm, uintptr_t dst, const void *src, size_t len);

#endif
