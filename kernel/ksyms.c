/*
 * Address-to-symbol lookup for backtraces and %pS. The table comes from
 * tools/gen_ksyms.py (section .ksyms, linked in the second pass); until
 * then it is empty and every lookup fails.
 */
#include <ferrite/ksyms.h>

/* Emitted by gen_ksyms.py; see struct ksym_table for the layout. */
extern const u64 ksyms_count;
extern const u64 ksyms_addrs[];
extern const u32 ksyms_name_off[];
extern const char ksyms_strings[];

bool ksym_table_lookup(const struct ksym_table *t, uintptr_t addr,
		       const char **name, uintptr_t *offset, uintptr_t *size)
{
	u64 lo = 0, hi = t->count;

	if (!t->count || addr < t->addrs[0] || addr >= t->addrs[t->count])
		return false;
	/* Find the last i with addrs[i] <= addr; addrs[count] is the end. */
	while (hi - lo > 1) {
		u64 mid = lo + (hi - lo) / 2;

		if (t->addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (name)
		*name = t->strings + t->name_off[lo];
	if (offset)
		*offset = addr - t->addrs[lo];
	if (size)
		*size = t->addrs[lo + 1] - t->addrs[lo];
	return true;
}

bool ksym_lookup(uintptr_t addr, const char **name, uintptr_t *offset,
		 uintptr_t *size)
{
	const struct ksym_table t = {
		.count = ksyms_count,
		.addrs = ksyms_addrs,
		.name_off = ksyms_name_off,
		.strings = ksyms_strings,
	};

	return ksym_table_lookup(&t, addr, name, offset, size);
}
