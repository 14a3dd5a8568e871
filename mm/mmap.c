/*
 * The memory-mapping system calls: mmap, munmap, mprotect, mremap, brk,
 * madvise, msync, mincore. Each decodes and checks its arguments as
 * Linux does (same errno, same order where it shows) and calls the VMA
 * operations in vma.c under the caller's mm->lock. User memory is only
 * touched with the lock dropped: a fault there takes the lock itself.
 */
#include <ferrite/err.h>
#include <ferrite/errno.h>
#include <ferrite/fs.h>
#include <ferrite/process.h>
#include <ferrite/syscall.h>
#include <ferrite/vm.h>
#include <uapi/mman_abi.h>

static struct mm *current_mm(void)
{
	struct process *p = current_process();

	return p ? p->mm : NULL;
}

/* Flags MAP_SHARED_VALIDATE knows; MAP_SHARED and MAP_PRIVATE ignore others. */
#define MAP_KNOWN_FLAGS	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT | \
			 MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | \
			 MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | \
			 MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | \
			 MAP_FIXED_NOREPLACE | MAP_UNINITIALIZED)

/* MAP_32BIT: Linux places these in the second GiB. */
#define MAP_32BIT_TOP	0x80000000UL

/* VM_* flags for an anonymous mapping, or -EINVAL (Linux's checks). */
static long mmap_anon_flags(unsigned long prot, unsigned long flags)
{
	unsigned long vmf = (prot & VM_PROT_MASK) | VM_MAY_ALL;

	if (flags & MAP_GROWSDOWN)
		vmf |= VM_GROWSDOWN;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		/* A shared stack makes no sense; MAP_SHARED_VALIDATE is file-only. */
		if (flags & MAP_GROWSDOWN)
			return -EINVAL;
		return vmf | VM_SHARED;
	case MAP_PRIVATE:
		return vmf;
	default:
		return -EINVAL;
	}
}

/* VM_* flags for a mapping of @file, or -errno. */
static long mmap_file_flags(struct file *file, unsigned long prot,
			    unsigned long flags)
{
	unsigned long vmf = prot & VM_PROT_MASK;

	switch (flags & MAP_TYPE) {
	case MAP_SHARED_VALIDATE:
		/* No DAX, so MAP_SYNC is never possible. */
		if (flags & ~MAP_KNOWN_FLAGS)
			return -EOPNOTSUPP;
		/* fallthrough */
	case MAP_SHARED:
		vmf |= VM_SHARED;
		break;
	case MAP_PRIVATE:
		break;
	default:
		return -EINVAL;
	}
	if (flags & MAP_GROWSDOWN)
		vmf |= VM_GROWSDOWN;
	if (!(file->mode & FMODE_READ))
		return -EACCES;
	vmf |= VM_MAYREAD | VM_MAYEXEC;
	if (!(vmf & VM_SHARED) || (file->mode & FMODE_WRITE))
		vmf |= VM_MAYWRITE;
	else if (prot & PROT_WRITE)
		return -EACCES;
	return vmf;
}

static long do_mmap(uintptr_t addr, size_t len, unsigned long prot,
		    unsigned long flags, int fd, u64 pgoff)
{
	struct mm *mm = current_mm();
	struct vm_object *obj = NULL;
	struct file *file = NULL;
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	uintptr_t limit;
	long vmf, ret;

	if (!(flags & MAP_ANONYMOUS)) {
		file = fget(fd);
		if (!file)
			return -EBADF;
		if (file->mode & FMODE_PATH) {
			ret = -EBADF;
			goto out;
		}
	}
	ret = -EINVAL;
	if (!len)
		goto out;
	len = ALIGN_UP(len, PAGE_SIZE);
	ret = -ENOMEM;
	if (!len || len > USER_TOP)
		goto out;
	ret = -EOVERFLOW;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		goto out;
	ret = vmf = file ? mmap_file_flags(file, prot, flags) :
			   mmap_anon_flags(prot, flags);
	if (vmf < 0)
		goto out;
	/* Huge pages: like Linux with none reserved. */
	ret = -ENOMEM;
	if (flags & MAP_HUGETLB)
		goto out;
	if (file) {
		ret = -ENODEV;
		if (!file->f_op || !file->f_op->mmap_object)
			goto out;
		ret = file->f_op->mmap_object(file, &obj);
		if (ret)
			goto out;
	} else {
		pgoff = 0;
	}
	limit = (flags & MAP_32BIT) && !fixed ? MAP_32BIT_TOP : 0;
	if (flags & MAP_NORESERVE)
		vmf |= VM_NORESERVE;

	mutex_lock(&mm->lock);
	/* NOREPLACE wins over MAP_FIXED when both are given (Linux). */
	if (flags & MAP_FIXED_NOREPLACE) {
		struct vm_area *v;

		ret = -EINVAL;
		if (addr & ~PAGE_MASK)
			goto out_unlock;
		v = vm_find_next(mm, addr);
		ret = -EEXIST;
		if (v && v->start < addr + len)
			goto out_unlock;
	}
	if (limit) {
		ret = vm_get_unmapped_area(mm, 0, len, limit);
		if (ret < 0)
			goto out_unlock;
		addr = ret;
		fixed = true;
	}
	ret = vm_map(mm, addr, len, vmf, obj, pgoff, file, fixed);
	/* MAP_POPULATE is best effort, as on Linux: errors show at access. */
	if (ret >= 0 && (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE &&
	    (vmf & VM_PROT_MASK))
		vm_populate(mm, ret, len,
			    (vmf & (VM_WRITE | VM_SHARED)) == VM_WRITE);
out_unlock:
	mutex_unlock(&mm->lock);
out:
	if (obj)
		vm_object_put(obj);
	if (file)
		fput(file);
	return ret;
}

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len,
		unsigned long, prot, unsigned long, flags, int, fd,
		unsigned long, off)
{
	if (off & ~PAGE_MASK)
		return -EINVAL;
	return do_mmap(addr, len, prot, flags, fd, off >> PAGE_SHIFT);
}

SYSCALL_DEFINE2(munmap, unsigned long, addr, size_t, len)
{
	struct mm *mm = current_mm();
	int ret;

	mutex_lock(&mm->lock);
	ret = vm_unmap(mm, addr, len);
	mutex_unlock(&mm->lock);
	return ret;
}

SYSCALL_DEFINE3(mprotect, unsigned long, addr, size_t, len,
		unsigned long, prot)
{
	struct mm *mm = current_mm();
	int ret;

	mutex_lock(&mm->lock);
	ret = vm_protect(mm, addr, len, prot);
	mutex_unlock(&mm->lock);
	return ret;
}

SYSCALL_DEFINE5(mremap, unsigned long, addr, size_t, old_len,
		size_t, new_len, unsigned int, flags, unsigned long, new_addr)
{
	struct mm *mm = current_mm();
	long ret;

	mutex_lock(&mm->lock);
	ret = vm_remap(mm, addr, old_len, new_len, flags, new_addr);
	mutex_unlock(&mm->lock);
	return ret;
}

SYSCALL_DEFINE1(brk, unsigned long, new_brk)
{
	struct mm *mm = current_mm();
	uintptr_t ret;

	mutex_lock(&mm->lock);
	ret = vm_brk(mm, new_brk);
	mutex_unlock(&mm->lock);
	return ret;
}

/* ---- madvise ------------------------------------------------------------ */

/* Advice that only tunes paging policy: nothing to do here, valid as is. */
static bool madv_is_hint(int advice)
{
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
		return true;
	}
	return false;
}

static bool private_anon(struct mm *mm, uintptr_t start, size_t len)
{
	struct vm_area *v;

	for (v = vm_find_next(mm, start); v && v->start < start + len;
	     v = vm_find_next(mm, v->end))
		if (v->obj || v->file)
			return false;
	return true;
}

/* MADV_FREE: only private anonymous memory (as Linux); freed at once. */
static int madv_free(struct mm *mm, uintptr_t start, size_t len)
{
	if (!private_anon(mm, start, len))
		return -EINVAL;
	vm_zap_range(mm, start, len);
	return 0;
}

static int madvise_locked(struct mm *mm, uintptr_t start, size_t len,
			  int advice)
{
	bool mapped = vm_range_mapped(mm, start, len);
	int err = 0;

	switch (advice) {
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
		/* The mapped parts are dropped even when there is a hole. */
		vm_zap_range(mm, start, len);
		break;
	case MADV_FREE:
		err = madv_free(mm, start, len);
		break;
	case MADV_DONTFORK:
	case MADV_DOFORK:
		if (!mapped)
			return -ENOMEM;
		return vm_change_flags(mm, start, len,
				       advice == MADV_DONTFORK ? VM_DONTCOPY : 0,
				       advice == MADV_DOFORK ? VM_DONTCOPY : 0);
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
		if (!mapped)
			return -ENOMEM;
		/* Private anonymous memory only, as Linux. */
		if (advice == MADV_WIPEONFORK && !private_anon(mm, start, len))
			return -EINVAL;
		return vm_change_flags(mm, start, len,
				       advice == MADV_WIPEONFORK ? VM_WIPEONFORK : 0,
				       advice == MADV_KEEPONFORK ? VM_WIPEONFORK : 0);
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		if (!mapped)
			return -ENOMEM;
		return vm_populate(mm, start, len,
				   advice == MADV_POPULATE_WRITE);
	default:
		if (!madv_is_hint(advice))
			return -EINVAL;
		break;
	}
	if (err)
		return err;
	return mapped ? 0 : -ENOMEM;
}

/*
 * Not supported (-EINVAL, what Linux answers where the feature is
 * configured out): MADV_REMOVE (hole punching), MADV_COLLAPSE,
 * MADV_HWPOISON, MADV_SOFT_OFFLINE.
 */
SYSCALL_DEFINE3(madvise, unsigned long, start, size_t, len, int, advice)
{
	struct mm *mm = current_mm();
	size_t alen;
	int ret;

	if (advice != MADV_DONTNEED && advice != MADV_DONTNEED_LOCKED &&
	    advice != MADV_FREE && advice != MADV_DONTFORK &&
	    advice != MADV_DOFORK && advice != MADV_WIPEONFORK &&
	    advice != MADV_KEEPONFORK && advice != MADV_POPULATE_READ &&
	    advice != MADV_POPULATE_WRITE && !madv_is_hint(advice))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	alen = ALIGN_UP(len, PAGE_SIZE);
	if (len && !alen)
		return -EINVAL;
	if (start + alen < start)
		return -EINVAL;
	if (!alen)
		return 0;
	mutex_lock(&mm->lock);
	ret = madvise_locked(mm, start, alen, advice);
	mutex_unlock(&mm->lock);
	return ret;
}

/*
 * msync: every mapping here is anonymous or of tmpfs, whose pages are
 * the file, so there is nothing to write back; the range and flags are
 * still checked as Linux does.
 */
SYSCALL_DEFINE3(msync, unsigned long, start, size_t, len, int, flags)
{
	struct mm *mm = current_mm();
	uintptr_t end;
	bool mapped;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;
	if (end > USER_TOP)
		return -ENOMEM;
	mutex_lock(&mm->lock);
	mapped = vm_range_mapped(mm, start, len);
	mutex_unlock(&mm->lock);
	return mapped ? 0 : -ENOMEM;
}

/* ---- mincore ------------------------------------------------------------ */

#define MINCORE_BATCH	256

/* Fill @buf for up to @n pages from @start; 0 or -ENOMEM on a hole. */
static int mincore_batch(struct mm *mm, uintptr_t start, size_t n, u8 *buf)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uintptr_t va = start + i * PAGE_SIZE;
		struct vm_area *v = vm_find(mm, va);

		if (!v)
			return -ENOMEM;
		buf[i] = vm_page_resident(mm, v, va);
	}
	return 0;
}

SYSCALL_DEFINE3(mincore, unsigned long, start, size_t, len, user_addr_t, vec)
{
	struct mm *mm = current_mm();
	u8 buf[MINCORE_BATCH];
	size_t pages;
	int err;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (start > USER_TOP || len > USER_TOP - start)
		return -ENOMEM;
	pages = DIV_ROUND_UP(len, PAGE_SIZE);
	if (!uaddr_range_ok(vec, pages))
		return -EFAULT;
	while (pages) {
		size_t n = MIN(pages, (size_t)MINCORE_BATCH);

		mutex_lock(&mm->lock);
		err = mincore_batch(mm, start, n, buf);
		mutex_unlock(&mm->lock);
		if (err)
			return err;
		if (copy_to_user(vec, buf, n))
			return -EFAULT;
		vec = uaddr_add(vec, n);
		start += n * PAGE_SIZE;
		pages -= n;
	}
	return 0;
}
