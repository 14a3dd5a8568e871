/*
 * The architecture's user page tables, as mm/ sees them. A PTE is an
 * opaque u64 handled through these helpers; arch/x86_64/pgtable.c
 * implements them. Kernel mappings (the top half) are shared by every
 * address space and never touched through this interface.
 */
#ifndef FERRITE_PGTABLE_H
#define FERRITE_PGTABLE_H

#include <ferrite/arch.h>

typedef u64 pte_t;

/* A new root with the kernel half installed: 0 or -ENOMEM. */
int arch_mm_create(struct arch_mm *am);
/* Free the page-table pages of the user half (mapped pages are the caller's). */
void arch_mm_destroy(struct arch_mm *am);
void arch_mm_switch(struct arch_mm *am);	/* NULL: the kernel's tables */

/*
 * The PTE slot for user address @va. With @create, missing table levels
 * are allocated (NULL on -ENOMEM); without, NULL means unmapped.
 */
pte_t *arch_pte_slot(struct arch_mm *am, uintptr_t va, bool create);

pte_t arch_pte_make(phys_addr_t pa, unsigned long vm_prot);	/* VM_READ/WRITE/EXEC */
bool arch_pte_present(pte_t pte);
bool arch_pte_writable(pte_t pte);
phys_addr_t arch_pte_phys(pte_t pte);
pte_t arch_pte_wrprotect(pte_t pte);
pte_t arch_pte_mkwrite(pte_t pte);
pte_t arch_pte_setprot(pte_t pte, unsigned long vm_prot);

void arch_flush_tlb_page(struct arch_mm *am, uintptr_t va);
void arch_flush_tlb_all(struct arch_mm *am);

#endif
