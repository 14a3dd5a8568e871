/*
 * Fault-tolerant probes of kernel memory: a store that may fault returns
 * -EFAULT through the exception-fixup table instead of oopsing. The same
 * mechanism will carry copy_from_user/copy_to_user. The self-tests here
 * use it to show that the page protections are really in force.
 */
#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/selftest.h>
#include <asm/setup.h>

/* Store @v at @p; 0, or -EFAULT if the store faulted. */
int arch_probe_write_u8(void *p, u8 v)
{
	int ret = 0;

	__asm__ __volatile__(
		"1:	movb %[v], (%[p])\n"
		"2:\n"
		"	.pushsection .text.fixup, \"ax\"\n"
		"3:	movl %[efault], %[ret]\n"
		"	jmp 2b\n"
		"	.popsection\n"
		"	.pushsection __ex_table, \"a\"\n"
		"	.balign 8\n"
		"	.quad 1b, 3b\n"
		"	.popsection\n"
		: [ret] "+r"(ret)
		: [p] "r"(p), [v] "q"(v), [efault] "i"(-EFAULT)
		: "memory");
	return ret;
}

/* Load a byte from @p into *@out; 0, or -EFAULT if the load faulted. */
int arch_probe_read_u8(const void *p, u8 *out)
{
	int ret = 0;
	u8 v = 0;

	__asm__ __volatile__(
		"1:	movb (%[p]), %[v]\n"
		"2:\n"
		"	.pushsection .text.fixup, \"ax\"\n"
		"3:	movl %[efault], %[ret]\n"
		"	jmp 2b\n"
		"	.popsection\n"
		"	.pushsection __ex_table, \"a\"\n"
		"	.balign 8\n"
		"	.quad 1b, 3b\n"
		"	.popsection\n"
		: [ret] "+r"(ret), [v] "+q"(v)
		: [p] "r"(p), [efault] "i"(-EFAULT)
		: "memory");
	*out = v;
	return ret;
}

static const u8 probe_rodata_byte = 0x5a;

SELFTEST(kernel_text_is_read_only)
{
	u8 before = *(volatile u8 *)&arch_probe_write_u8;

	ST_EXPECT(arch_probe_write_u8((void *)&arch_probe_write_u8, 0xcc) == -EFAULT);
	ST_EXPECT(*(volatile u8 *)&arch_probe_write_u8 == before);
	return 0;
}

SELFTEST(kernel_rodata_is_read_only)
{
	ST_EXPECT(arch_probe_write_u8((void *)&probe_rodata_byte, 0) == -EFAULT);
	ST_EXPECT(*(volatile const u8 *)&probe_rodata_byte == 0x5a);
	return 0;
}

SELFTEST(null_page_is_unmapped)
{
	u8 v;

	ST_EXPECT(arch_probe_read_u8(NULL, &v) == -EFAULT);
	ST_EXPECT(arch_probe_write_u8((void *)8, 1) == -EFAULT);
	return 0;
}

SELFTEST(kernel_data_is_writable)
{
	static u8 cell;

	ST_EXPECT(arch_probe_write_u8(&cell, 7) == 0);
	ST_EXPECT(READ_ONCE(cell) == 7);
	return 0;
}

SELFTEST(guard_pages_around_vmalloc)
{
	u8 *p = vmalloc_guarded(2 * PAGE_SIZE);
	u8 v;

	ST_EXPECT(p != NULL);
	ST_EXPECT(arch_probe_write_u8(p, 1) == 0);
	ST_EXPECT(arch_probe_write_u8(p + 2 * PAGE_SIZE - 1, 2) == 0);
	ST_EXPECT(arch_probe_read_u8(p - 1, &v) == -EFAULT);
	ST_EXPECT(arch_probe_write_u8(p + 2 * PAGE_SIZE, 3) == -EFAULT);
	ST_EXPECT(vmap_is_guard((uintptr_t)p - 1));
	ST_EXPECT(vmap_is_guard((uintptr_t)p + 2 * PAGE_SIZE));
	ST_EXPECT(!vmap_is_guard((uintptr_t)p));
	vfree_guarded(p);
	/* Once freed, the pages are gone from the tables too. */
	ST_EXPECT(arch_probe_read_u8(p, &v) == -EFAULT);
	return 0;
}
