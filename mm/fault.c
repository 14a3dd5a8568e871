/*
 * Page faults on user addresses: demand-zero anonymous pages, pages of
 * a vm_object (tmpfs files, shared anonymous memory), copy-on-write
 * after fork or for private file mappings, and stack growth. Also
 * mm_copy_to(), which writes into an address space that is not running.
 */
#include <ferrite/err.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/oom.h>
#include <ferrite/pgtable.h>
#include <ferrite/process.h>
#include <ferrite/string.h>
#include <ferrite/vm.h>

/* RLIMIT_STACK of the process owning @mm when it is the caller's. */
static u64 stack_limit(struct mm *mm)
{
	struct process *p = current_process();

	if (p && p->mm == mm)
		return READ_ONCE(p->rlim[RLIMIT_STACK].rlim_cur);
	return MM_DEFAULT_STACK_LIMIT;
}

/*
 * Extend the VM_GROWSDOWN @v down to cover @addr, within the stack
 * limit and never closer than the guard gap to the mapping below.
 */
static int grow_stack(struct mm *mm, struct vm_area *v, uintptr_t addr)
{
	uintptr_t start = ALIGN_DOWN(addr, PAGE_SIZE);
	struct rb_node *pn = rb_prev(&v->node);
	struct vm_area *prev = rb_entry_safe(pn, struct vm_area, node);

	if (start < MM_MIN_ADDR || v->end - start > stack_limit(mm))
		return -EFAULT;
	if (prev && start - prev->end < MM_STACK_GUARD_GAP)
		return -EFAULT;
	if (v->obj && v->pgoff < ((v->start - start) >> PAGE_SHIFT))
		return -EFAULT;
	if (v->obj)
		v->pgoff -= (v->start - start) >> PAGE_SHIFT;
	mm->total_pages += (v->start - start) >> PAGE_SHIFT;
	v->start = start;
	return 0;
}

/* May an access of kind @flags touch @v? x86 cannot map write- or exec-only. */
static bool access_ok_vma(const struct vm_area *v, unsigned int flags)
{
	if (flags & FAULT_WRITE)
		return v->flags & VM_WRITE;
	if (flags & FAULT_EXEC)
		return v->flags & VM_EXEC;
	return v->flags & VM_PROT_MASK;
}

/* Past the end of the file behind @v? (Linux raises SIGBUS there.) */
static bool beyond_eof(const struct vm_area *v, u64 index)
{
	struct inode *inode = v->file ? v->file->inode : NULL;

	if (!inode || !S_ISREG(inode->mode))
		return false;
	return index >= DIV_ROUND_UP(READ_ONCE(inode->size), PAGE_SIZE);
}

static struct page *copy_page_new(struct page *src)
{
	struct page *p = alloc_pages(GFP_KERNEL, 0);

	if (p)
		memcpy(page_address(p), page_address(src), PAGE_SIZE);
	return p;
}

/* A write to a present read-only PTE in a writable VMA. */
static int fault_cow(struct mm *mm, struct vm_area *v, pte_t *slot,
		     uintptr_t va)
{
	struct page *old = pfn_to_page(arch_pte_phys(*slot) >> PAGE_SHIFT);
	struct page *copy;

	/*
	 * Shared mappings write the object's page itself. A private page
	 * nobody else references (the other side of a fork let go) needs
	 * no copy: only this PTE can reach it, so the count cannot rise.
	 */
	if ((v->flags & VM_SHARED) || page_count(old) == 1) {
		*slot = arch_pte_mkwrite(*slot);
		arch_flush_tlb_page(&mm->arch, va);
		return 0;
	}
	copy = copy_page_new(old);
	if (!copy)
		return -ENOMEM;
	*slot = arch_pte_make(page_to_phys(copy), v->flags & VM_PROT_MASK);
	arch_flush_tlb_page(&mm->arch, va);
	put_page(old);
	return 0;
}

/* No page yet: take it from the object or make a zeroed one. */
static int fault_missing(struct mm *mm, struct vm_area *v, pte_t *slot,
			 uintptr_t va, unsigned int flags)
{
	unsigned long prot = v->flags & VM_PROT_MASK;
	struct page *p, *copy;
	u64 index;

	if (!v->obj) {
		p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
		if (!p)
			return -ENOMEM;
		goto out_map;
	}
	index = v->pgoff + ((va - v->start) >> PAGE_SHIFT);
	if (beyond_eof(v, index))
		return -EFAULT;
	p = vm_object_get_page(v->obj, index, true);
	if (IS_ERR(p))
		return PTR_ERR(p);
	if (v->flags & VM_SHARED)
		goto out_map;
	if (!(flags & FAULT_WRITE)) {
		/* Private: read the object's page until the first write. */
		prot &= ~VM_WRITE;
		goto out_map;
	}
	copy = copy_page_new(p);
	put_page(p);
	if (!copy)
		return -ENOMEM;
	p = copy;
out_map:
	*slot = arch_pte_make(page_to_phys(p), prot);
	mm->rss_pages++;
	return 0;
}

int vm_fault_locked(struct mm *mm, uintptr_t addr, unsigned int flags)
{
	uintptr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	struct vm_area *v;
	pte_t *slot;
	int err;

	if (addr >= USER_TOP)
		return -EFAULT;
	v = vm_find_next(mm, addr);
	if (!v)
		return -EFAULT;
	if (v->start > addr) {
		if (!(v->flags & VM_GROWSDOWN))
			return -EFAULT;
		err = grow_stack(mm, v, addr);
		if (err)
			return err;
	}
	if (!access_ok_vma(v, flags))
		return -EFAULT;
	slot = arch_pte_slot(&mm->arch, va, true);
	if (!slot)
		return -ENOMEM;
	if (!arch_pte_present(*slot))
		return fault_missing(mm, v, slot, va, flags);
	if ((flags & FAULT_WRITE) && !arch_pte_writable(*slot))
		return fault_cow(mm, v, slot, va);
	/* Already resolved (a stale TLB entry): flush and retry. */
	arch_flush_tlb_page(&mm->arch, va);
	return 0;
}

/* OOM rounds one fault goes through before it gives up. */
#define FAULT_OOM_TRIES	8

/*
 * A page that cannot be had goes to the OOM killer (outside mm->lock:
 * the victim may share this mm, and it waits for the victim to exit),
 * then the fault is retried. A user fault that still fails while memory
 * is plentiful (injected failures) re-runs the instruction rather than
 * killing anyone; a user fault out of memory for real ends in SIGKILL.
 */
int mm_handle_fault(struct mm *mm, uintptr_t addr, unsigned int flags)
{
	int err, tries = 0;

	if (!mm)
		return -EFAULT;
	for (;;) {
		mutex_lock(&mm->lock);
		err = vm_fault_locked(mm, addr, flags);
		mutex_unlock(&mm->lock);
		if (err != -ENOMEM)
			return err;
		if (out_of_memory(0))
			return -ENOMEM;
		if (++tries < FAULT_OOM_TRIES)
			continue;
		return (flags & FAULT_USER) && !oom_memory_low() ? 0 : -ENOMEM;
	}
}

/* The direct-map address of @va's page, made present and writable. */
static void *writable_page(struct mm *mm, uintptr_t va, int *err)
{
	pte_t *slot = arch_pte_slot(&mm->arch, va, false);

	if (!slot || !arch_pte_present(*slot) || !arch_pte_writable(*slot)) {
		*err = vm_fault_locked(mm, va, FAULT_WRITE);
		if (*err)
			return NULL;
		slot = arch_pte_slot(&mm->arch, va, false);
	}
	return phys_to_virt(arch_pte_phys(*slot));
}

int mm_copy_to(struct mm *mm, uintptr_t dst, const void *src, size_t len)
{
	const u8 *from = src;
	int err = 0;

	if (dst > USER_TOP || len > USER_TOP - dst)
		return -EFAULT;
	mutex_lock(&mm->lock);
	while (len) {
		size_t off = dst & ~PAGE_MASK;
		size_t n = MIN(len, PAGE_SIZE - off);
		u8 *page = writable_page(mm, dst & PAGE_MASK, &err);

		if (!page)
			break;
		memcpy(page + off, from, n);
		from += n;
		dst += n;
		len -= n;
	}
	mutex_unlock(&mm->lock);
	return err;
}
