/*
 * The final GDT and TSS. Selectors follow Linux's x86_64 layout, because
 * user space sees them (signal frames carry cs/ss; syscall/sysret derive
 * the user selectors from STAR): kernel CS 0x10, DS 0x18, user CS 0x33,
 * user DS 0x2b. The TSS holds the IST stacks for double fault, NMI and
 * machine check, so those run on a known-good stack.
 */
#include <ferrite/compiler.h>
#include <asm/setup.h>

struct tss {
	u32 reserved0;
	u64 rsp[3];		/* rsp[0]: kernel stack on entry from ring 3 */
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

_Static_assert(sizeof(struct tss) == 104, "TSS layout");

#define IST_STACK_SIZE	8192

static u8 ist_stacks[IST_COUNT][IST_STACK_SIZE] __aligned(16);
static struct tss tss __aligned(16);

static u64 gdt[GDT_ENTRIES] __aligned(16) = {
	[GDT_KERNEL32_CS_IDX] = 0x00cf9b000000ffff,
	[GDT_KERNEL_CS_IDX] = 0x00af9b000000ffff,
	[GDT_KERNEL_DS_IDX] = 0x00cf93000000ffff,
	[GDT_USER32_CS_IDX] = 0x00cffb000000ffff,
	[GDT_USER_DS_IDX] = 0x00cff3000000ffff,
	[GDT_USER_CS_IDX] = 0x00affb000000ffff,
};

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

static void gdt_set_tss(void)
{
	u64 base = (u64)(uintptr_t)&tss;
	u64 limit = sizeof(tss) - 1;

	/* 16-byte system descriptor: type 9 (available 64-bit TSS), P. */
	gdt[GDT_TSS_IDX] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (0x89UL << 40) | (((limit >> 16) & 0xf) << 48) |
			   (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS_IDX + 1] = base >> 32;
}

void gdt_init(void)
{
	struct desc_ptr d = { sizeof(gdt) - 1, (u64)(uintptr_t)gdt };

	for (int i = 0; i < IST_COUNT; i++)
		tss.ist[i] = (u64)(uintptr_t)&ist_stacks[i][IST_STACK_SIZE];
	tss.iomap_base = sizeof(tss);	/* no I/O bitmap: ring 3 gets no ports */
	gdt_set_tss();

	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %2, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		"ltr %w3"
		:
		: "m"(d), "i"((u64)GDT_KERNEL_CS), "i"(GDT_KERNEL_DS),
		  "r"((u16)GDT_TSS)
		: "rax", "memory");
}

/* The stack the CPU switches to when an interrupt arrives from ring 3. */
void gdt_set_kernel_stack(uintptr_t top)
{
	tss.rsp[0] = top;
}

bool gdt_on_ist_stack(uintptr_t addr)
{
	uintptr_t lo = (uintptr_t)&ist_stacks[0][0];

	return addr >= lo && addr < lo + sizeof(ist_stacks);
}
