/*
 * User page tables (include/ferrite/pgtable.h): a PML4 per address space
 * whose upper half is a copy of the kernel's, leaf PTEs with U set and NX
 * unless executable, CR3 switching and TLB flushes. mm/ serialises changes
 * with mm->lock; this file only tracks which root is loaded on the CPU.
 */
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/pgtable.h>
#include <ferrite/string.h>
#include <ferrite/vm.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/x86.h>

#define PML4_USER_ENTRIES	256	/* entries 256..511 are the kernel's */

/* Upper levels allow everything; the leaf decides. */
#define PTE_TABLE_FLAGS		(PTE_P | PTE_W | PTE_U)

static inline unsigned int pt_index(uintptr_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static u64 *table_of(u64 e)
{
	return phys_to_virt(e & PTE_ADDR_MASK);
}

int arch_mm_create(struct arch_mm *am)
{
	const u64 *kernel = phys_to_virt(paging_kernel_root());
	u64 *pml4 = get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);

	if (!pml4)
		return -ENOMEM;
	/*
	 * paging_init() created every kernel PML4 entry up front, so this
	 * copy never goes stale: kernel mappings change below this level.
	 */
	memcpy(&pml4[PML4_USER_ENTRIES], &kernel[PML4_USER_ENTRIES],
	       PML4_USER_ENTRIES * sizeof(u64));
	am->pml4 = pml4;
	am->root = virt_to_phys(pml4);
	return 0;
}

/* Free the table pages under @table (a level-@level table), not the pages mapped. */
static void free_tables(u64 *table, int level)
{
	if (level > 1) {
		for (unsigned int i = 0; i < 512; i++) {
			if (table[i] & PTE_P)
				free_tables(table_of(table[i]), level - 1);
		}
	}
	free_pages_addr(table, 0);
}

void arch_mm_destroy(struct arch_mm *am)
{
	struct x86_percpu *pc = x86_this_cpu();
	unsigned long irq;

	if (!am->pml4)
		return;
	/*
	 * Kernel threads keep whatever root was loaded (no CR3 write when
	 * switching to them), so a dead process's tables may still be in CR3
	 * here. Leave them first. One CPU: nobody else can have them loaded.
	 */
	irq = arch_irq_save();
	if (pc->loaded_mm == am)
		arch_mm_switch(NULL);
	arch_irq_restore(irq);

	for (unsigned int i = 0; i < PML4_USER_ENTRIES; i++) {
		if (am->pml4[i] & PTE_P)
			free_tables(table_of(am->pml4[i]), 3);
	}
	free_pages_addr(am->pml4, 0);
	am->pml4 = NULL;
	am->root = 0;
}

void arch_mm_switch(struct arch_mm *am)
{
	struct x86_percpu *pc = x86_this_cpu();
	unsigned long irq = arch_irq_save();

	if (pc->loaded_mm != am) {
		/* User PTEs are not global: loading CR3 flushes them. */
		write_cr3(am ? am->root : paging_kernel_root());
		pc->loaded_mm = am;
	}
	arch_irq_restore(irq);
}

pte_t *arch_pte_slot(struct arch_mm *am, uintptr_t va, bool create)
{
	u64 *table = am->pml4;

	if (va >= USER_TOP)
		return NULL;
	for (int level = 4; level > 1; level--) {
		u64 *e = &table[pt_index(va, level)];

		if (!(*e & PTE_P)) {
			u64 *t;

			if (!create)
				return NULL;
			t = get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);
			if (!t)
				return NULL;
			*e = virt_to_phys(t) | PTE_TABLE_FLAGS;
		}
		table = table_of(*e);
	}
	return &table[pt_index(va, 1)];
}

/*
 * VM_* to PTE bits. x86 cannot map a page write-only or execute-only:
 * both imply read, as on Linux. PROT_NONE keeps the page present but
 * without U, so user accesses fault and the page stays accounted.
 */
static u64 prot_bits(unsigned long vm_prot)
{
	u64 bits = PTE_P;

	if (vm_prot & (VM_READ | VM_WRITE | VM_EXEC))
		bits |= PTE_U;
	if (vm_prot & VM_WRITE)
		bits |= PTE_W;
	if (!(vm_prot & VM_EXEC))
		bits |= PTE_NX;
	return bits;
}

#define PTE_PROT_MASK	(PTE_P | PTE_U | PTE_W | PTE_NX)

pte_t arch_pte_make(phys_addr_t pa, unsigned long vm_prot)
{
	return (pa & PTE_ADDR_MASK) | prot_bits(vm_prot);
}

bool arch_pte_present(pte_t pte)
{
	return (pte & PTE_P) != 0;
}

bool arch_pte_writable(pte_t pte)
{
	return (pte & PTE_W) != 0;
}

phys_addr_t arch_pte_phys(pte_t pte)
{
	return pte & PTE_ADDR_MASK;
}

pte_t arch_pte_wrprotect(pte_t pte)
{
	return pte & ~PTE_W;
}

pte_t arch_pte_mkwrite(pte_t pte)
{
	return pte | PTE_W;
}

pte_t arch_pte_setprot(pte_t pte, unsigned long vm_prot)
{
	return (pte & ~PTE_PROT_MASK) | prot_bits(vm_prot);
}

/* Only the loaded root can have TLB entries: others were flushed by CR3. */
void arch_flush_tlb_page(struct arch_mm *am, uintptr_t va)
{
	if (x86_this_cpu()->loaded_mm == am)
		invlpg(va);
}

void arch_flush_tlb_all(struct arch_mm *am)
{
	unsigned long irq = arch_irq_save();

	if (x86_this_cpu()->loaded_mm == am)
		write_cr3(am->root);
	arch_irq_restore(irq);
}

/* --- self-test ------------------------------------------------------------ */

#include <ferrite/selftest.h>

SELFTEST(pgtable_pte_bits_follow_vm_prot)
{
	struct arch_mm am;
	pte_t ro = arch_pte_make(0x5000, VM_READ);
	pte_t rw = arch_pte_make(0x6000, VM_READ | VM_WRITE);
	pte_t rx = arch_pte_make(0x7000, VM_READ | VM_EXEC);
	pte_t *slot;
	bool missing, created;

	ST_EXPECT(arch_pte_present(ro) && !arch_pte_writable(ro));
	ST_EXPECT(arch_pte_writable(rw) && arch_pte_phys(rw) == 0x6000);
	ST_EXPECT((ro & PTE_NX) && (rw & PTE_NX) && !(rx & PTE_NX));
	ST_EXPECT((ro & PTE_U) && !(arch_pte_make(0x5000, 0) & PTE_U));
	ST_EXPECT(!arch_pte_writable(arch_pte_wrprotect(rw)));
	ST_EXPECT(arch_pte_writable(arch_pte_mkwrite(ro)));
	ST_EXPECT(arch_pte_setprot(rw, VM_READ | VM_EXEC) == (rx & ~PTE_ADDR_MASK) + 0x6000);

	ST_EXPECT(arch_mm_create(&am) == 0);
	missing = arch_pte_slot(&am, 0x1234000, false) == NULL;
	slot = arch_pte_slot(&am, 0x1234000, true);
	created = slot && !arch_pte_present(*slot) &&
		  arch_pte_slot(&am, 0x1234000, false) == slot;
	/* The kernel half is shared, the user half empty. */
	ST_EXPECT(am.pml4[511] == ((u64 *)phys_to_virt(paging_kernel_root()))[511]);
	ST_EXPECT(arch_pte_slot(&am, USER_TOP, true) == NULL);
	arch_mm_destroy(&am);
	ST_EXPECT(missing && created);
	return 0;
}
