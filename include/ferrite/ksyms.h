/*
 * Kernel symbol table for backtraces and %pS. tools/gen_ksyms.py builds it
 * from the first link pass; kernel/ksyms.c searches it.
 */
#ifndef FERRITE_KSYMS_H
#define FERRITE_KSYMS_H

#include <ferrite/types.h>

/*
 * The table's layout, as gen_ksyms.py emits it in section .ksyms:
 * addrs[] holds count + 1 sorted addresses, the last one being the end of
 * the last symbol, so symbol i spans [addrs[i], addrs[i + 1]). name_off[i]
 * is the offset of symbol i's NUL-terminated name in strings[].
 */
struct ksym_table {
	u64 count;
	const u64 *addrs;
	const u32 *name_off;
	const char *strings;
};

/*
 * Find the function containing @addr. On success sets *name, the offset of
 * @addr into it and its size (any out pointer may be NULL); false when
 * @addr lies outside every known symbol.
 */
bool ksym_lookup(uintptr_t addr, const char **name, uintptr_t *offset,
		 uintptr_t *size);
/* The same search on an explicit table (unit tests feed fake ones). */
bool ksym_table_lookup(const struct ksym_table *t, uintptr_t addr,
		       const char **name, uintptr_t *offset, uintptr_t *size);

#endif
