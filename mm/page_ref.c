/*
 * Page reference counts for pages shared between address spaces and
 * page stores (COW after fork, vm_object pages). The buddy allocator
 * hands out a page with one reference; the last put_page() frees it.
 */
#include <ferrite/printk.h>
#include <ferrite/vm.h>

void get_page(struct page *p)
{
	u32 old = __atomic_fetch_add(&p->refcount, 1, __ATOMIC_RELAXED);

	WARN_ON(old == 0);	/* a reference to a free page */
}

void put_page(struct page *p)
{
	u32 old = __atomic_load_n(&p->refcount, __ATOMIC_RELAXED);

	/*
	 * free_pages() wants the count at 1 when it frees (its double-free
	 * check), so the last reference is never decremented here: only
	 * its holder can see 1, nobody can take a new reference from it.
	 */
	for (;;) {
		if (WARN_ON(old == 0))
			return;
		if (old == 1) {
			free_pages(p, 0);
			return;
		}
		if (__atomic_compare_exchange_n(&p->refcount, &old, old - 1,
						false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			return;
	}
}
