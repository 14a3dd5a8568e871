/*
 * Kernel page tables. paging_init() replaces the boot tables with the
 * final ones: all RAM in the direct map (2 MiB or 1 GiB pages, NX), the
 * image at KERNEL_VMA with W^X per section (text RX, rodata R, data RW NX),
 * and the vmap area for stacks and MMIO. The kernel half of the PML4 is
 * complete after paging_init, so address spaces can share it by copying.
 */
#include <ferrite/boot.h>
#include <ferrite/errno.h>
#include <ferrite/mm.h>
#include <ferrite/printk.h>
#include <ferrite/spinlock.h>
#include <ferrite/string.h>
#include <asm/x86.h>
#include <asm/setup.h>
#include <asm/paging.h>

static u64 *kernel_pml4;		/* [I after paging_init] */
static phys_addr_t kernel_pml4_phys;
static bool use_buddy;			/* page-table pages from the buddy */
static bool have_1g_pages;
static DEFINE_SPINLOCK(kmap_lock);	/* guards changes to kernel tables */

static inline unsigned int pt_index(uintptr_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static u64 *pte_table(u64 e)
{
	return phys_to_virt(e & PTE_ADDR_MASK);
}

static u64 *pt_alloc_table(void)
{
	if (use_buddy)
		return get_free_pages(GFP_ATOMIC | __GFP_ZERO, 0);
	return phys_to_virt(memblock_alloc(PAGE_SIZE, PAGE_SIZE));
}

/*
 * Return the table at @level (1 = PT) covering @va, creating the missing
 * levels above it. NULL when a table page cannot be allocated or a large
 * page already covers @va.
 */
static u64 *pt_walk_create(uintptr_t va, int level)
{
	u64 *table = kernel_pml4;

	for (int l = 4; l > level; l--) {
		u64 *e = &table[pt_index(va, l)];

		if (!(*e & PTE_P)) {
			u64 *t = pt_alloc_table();

			if (!t)
				return NULL;
			*e = virt_to_phys(t) | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			return NULL;
		}
		table = pte_table(*e);
	}
	return table;
}

/*
 * Map a 2 MiB (level 2) or 1 GiB (level 3) page. Returns false, mapping
 * nothing, when a smaller-page table already covers that slot.
 */
static bool map_large(uintptr_t va, phys_addr_t pa, int level, u64 flags)
{
	u64 *t = pt_walk_create(va, level);
	u64 *e;

	BUG_ON(!t);	/* boot-time only: memblock panics before this */
	e = &t[pt_index(va, level)];
	if (!(*e & PTE_P))
		*e = pa | flags | PTE_PS;
	return (*e & PTE_PS) != 0;
}

static void map_4k(uintptr_t va, phys_addr_t pa, u64 flags)
{
	u64 *t = pt_walk_create(va, 1);

	BUG_ON(!t);
	t[pt_index(va, 1)] = pa | flags;
}

#define SZ_2M	(2UL << 20)
#define SZ_1G	(1UL << 30)

/* Map [base, base+len) of physical memory into the direct map. */
static void direct_map_range(u64 base, u64 len)
{
	u64 pa = ALIGN_DOWN(base, SZ_2M);
	u64 end = ALIGN_UP(base + len, SZ_2M);
	const u64 flags = PTE_P | PTE_W | PTE_G | PTE_NX;

	while (pa < end) {
		if (have_1g_pages && IS_ALIGNED(pa, SZ_1G) && end - pa >= SZ_1G &&
		    map_large(DIRECT_MAP_BASE + pa, pa, 3, flags)) {
			pa += SZ_1G;
			continue;
		}
		/* A neighbouring region already split this GiB: 2 MiB pages. */
		BUG_ON(!map_large(DIRECT_MAP_BASE + pa, pa, 2, flags));
		pa += SZ_2M;
	}
}

static void map_image_range(char *start, char *end, u64 flags)
{
	for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_SIZE)
		map_4k(va, va - KERNEL_VMA, flags | PTE_P | PTE_G);
}

void paging_init(void)
{
	struct cpuid_regs r = cpuid(0x80000000, 0);

	if (r.eax >= 0x80000001)
		have_1g_pages = cpuid(0x80000001, 0).edx & (1U << 26);
	kernel_pml4 = pt_alloc_table();
	kernel_pml4_phys = virt_to_phys(kernel_pml4);

	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_region *m = &boot_info.mem[i];

		if (m->type == BOOT_MEM_USABLE || m->type == BOOT_MEM_ACPI ||
		    m->type == BOOT_MEM_NVS)
			direct_map_range(m->base, m->len);
	}
	/* Low memory holds firmware tables (MP, EBDA, RSDP) we may read. */
	direct_map_range(0, SZ_2M);

	map_image_range(__text_start, __text_end, 0);
	map_image_range(__rodata_start, (char *)ALIGN_UP((uintptr_t)__rodata_end,
			PAGE_SIZE), PTE_NX);
	map_image_range(__data_start, __kernel_end, PTE_W | PTE_NX);

	/* Pre-create the vmap area's upper levels: the kernel half is fixed. */
	for (uintptr_t va = VMAP_BASE; va < VMAP_BASE + VMAP_SIZE; va += 1UL << 39)
		BUG_ON(!pt_walk_create(va, 3));

	write_cr4(read_cr4() | CR4_PGE);
	write_cr3(kernel_pml4_phys);
}

/* From here on page tables come from the buddy allocator. */
void paging_late_init(void)
{
	use_buddy = true;
}

int arch_kmap_page(uintptr_t va, phys_addr_t pa, unsigned int prot)
{
	u64 flags = PTE_P | PTE_G;
	unsigned long irq;
	u64 *t;
	int ret = 0;

	if (va < VMAP_BASE || va - VMAP_BASE >= VMAP_SIZE || !IS_ALIGNED(va, PAGE_SIZE))
		return -EINVAL;
	if (prot & KMAP_WRITE)
		flags |= PTE_W;
	if (!(prot & KMAP_EXEC))
		flags |= PTE_NX;
	if (prot & KMAP_UNCACHED)
		flags |= PTE_PCD | PTE_PWT;
	if ((prot & KMAP_WRITE) && (prot & KMAP_EXEC))
		return -EINVAL;		/* W^X */

	irq = spin_lock_irqsave(&kmap_lock);
	t = pt_walk_create(va, 1);
	if (!t)
		ret = -ENOMEM;
	else if (t[pt_index(va, 1)] & PTE_P)
		ret = -EEXIST;
	else
		t[pt_index(va, 1)] = (pa & PTE_ADDR_MASK) | flags;
	spin_unlock_irqrestore(&kmap_lock, irq);
	return ret;
}

phys_addr_t arch_kunmap_page(uintptr_t va)
{
	unsigned long irq = spin_lock_irqsave(&kmap_lock);
	u64 *t = kernel_pml4;
	phys_addr_t pa = 0;

	for (int l = 4; l > 1 && t; l--) {
		u64 e = t[pt_index(va, l)];

		t = ((e & PTE_P) && !(e & PTE_PS)) ? pte_table(e) : NULL;
	}
	if (t && (t[pt_index(va, 1)] & PTE_P)) {
		pa = t[pt_index(va, 1)] & PTE_ADDR_MASK;
		t[pt_index(va, 1)] = 0;
		invlpg(va);
	}
	spin_unlock_irqrestore(&kmap_lock, irq);
	return pa;
}

static void *ioremap_flags(phys_addr_t pa, size_t len, unsigned int prot)
{
	phys_addr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	size_t npages = (ALIGN_UP(pa + len, PAGE_SIZE) - base) / PAGE_SIZE;
	uintptr_t va;

	if (len == 0 || pa + len < pa)
		return NULL;
	va = vmap_alloc_range(npages);
	if (!va)
		return NULL;
	for (size_t i = 0; i < npages; i++) {
		if (arch_kmap_page(va + i * PAGE_SIZE, base + i * PAGE_SIZE, prot)) {
			while (i--)
				arch_kunmap_page(va + i * PAGE_SIZE);
			vmap_free_range(va, npages);
			return NULL;
		}
	}
	return (void *)(va + (pa - base));
}

void *ioremap(phys_addr_t pa, size_t len)
{
	return ioremap_flags(pa, len, KMAP_READ | KMAP_WRITE | KMAP_UNCACHED);
}

void *ioremap_cache(phys_addr_t pa, size_t len)
{
	return ioremap_flags(pa, len, KMAP_READ | KMAP_WRITE);
}

/* Is @va mapped in the kernel tables? Lock-free: used while panicking. */
bool kernel_addr_mapped(uintptr_t va)
{
	u64 *t = kernel_pml4;

	if (!t)		/* still on the boot tables: image and low 1 GiB */
		return va >= KERNEL_VMA || (va >= DIRECT_MAP_BASE &&
					    va < DIRECT_MAP_BASE + SZ_1G);
	for (int l = 4; l >= 1; l--) {
		u64 e = READ_ONCE(t[pt_index(va, l)]);

		if (!(e & PTE_P))
			return false;
		if (l == 1 || (e & PTE_PS))
			return true;
		t = pte_table(e);
	}
	return false;
}

phys_addr_t paging_kernel_root(void)
{
	return kernel_pml4_phys;
}
