/* x86_64 page-table entry bits and kernel page-table entry points. */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <ferrite/types.h>

#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_U		(1ULL << 2)
#define PTE_PWT		(1ULL << 3)
#define PTE_PCD		(1ULL << 4)
#define PTE_A		(1ULL << 5)
#define PTE_D		(1ULL << 6)
#define PTE_PS		(1ULL << 7)
#define PTE_G		(1ULL << 8)
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000ULL

void paging_late_init(void);
phys_addr_t paging_kernel_root(void);
void *ioremap_cache(phys_addr_t pa, size_t len);

#endif
