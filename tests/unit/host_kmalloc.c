/*
 * kmalloc/kzalloc/kfree on the host's malloc, for unit tests of pure
 * kernel code that allocates (inflate, cpio, tty). A test may make the
 * next allocations fail through host_kmalloc_fail_after.
 */
#include <stdlib.h>
#include <string.h>

#include <ferrite/mm.h>

/* -1: never fail; n >= 0: the (n+1)-th allocation from now fails. */
int host_kmalloc_fail_after = -1;

void *kmalloc(size_t size, gfp_t gfp)
{
	void *p;

	if (host_kmalloc_fail_after == 0)
		return NULL;
	if (host_kmalloc_fail_after > 0)
		host_kmalloc_fail_after--;
	p = malloc(size ? size : 1);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void kfree(const void *p)
{
	free((void *)p);
}
