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

/* Page references: a page is freed when its last user puts it. */
void get_page(struct page *p);
void put_page(struct page *p);

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

	/* Layout, set by exec; [lock] after. */
	uintptr_t start_code, end_code, start_data, end_data;
	uintptr_t start_brk, brk;
	uintptr_t start_stack;
	uintptr_t arg_start, arg_end, env_start, env_end;
	uintptr_t mmap_base;		/* top of the mmap area, below the stack */
	u64 auxv[48];			/* copy of the auxiliary vector, 0-ended */
};

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
 */
long vm_map(struct mm *mm, uintptr_t addr, size_t len, unsigned long flags,
	    struct vm_object *obj, u64 pgoff, struct file *file, bool fixed);
int vm_unmap(struct mm *mm, uintptr_t addr, size_t len);
int vm_protect(struct mm *mm, uintptr_t addr, size_t len, unsigned long prot);
struct vm_area *vm_find(struct mm *mm, uintptr_t addr);	/* covering addr */

/* Fault flags for mm_handle_fault. */
#define FAULT_WRITE	0x1
#define FAULT_EXEC	0x2
#define FAULT_USER	0x4	/* from user mode (else a kernel user-copy) */

/*
 * Resolve a page fault at @addr in @mm: demand-zero, file/object page,
 * copy-on-write. 0 when the access can be retried, -EFAULT when the
 * address is not mapped or the access is not allowed, -ENOMEM.
 */
int mm_handle_fault(struct mm *mm, uintptr_t addr, unsigned int flags);

/* Copy into another process's memory (exec's stack setup, ptrace later). */
int mm_copy_to(struct mm *mm, uintptr_t dst, const void *src, size_t len);

#endif
