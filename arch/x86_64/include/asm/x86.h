/*
 * x86_64 internals shared by the files under arch/x86_64/ only: port and
 * MSR access, CPUID, control registers, the trap frame and interrupt
 * vector registration. The portable kernel never includes this.
 */
#ifndef ASM_X86_H
#define ASM_X86_H

#include <ferrite/compiler.h>
#include <asm/arch_inline.h>

static __always_inline void outb(u16 port, u8 v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static __always_inline u8 inb(u16 port)
{
	u8 v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static __always_inline void outw(u16 port, u16 v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static __always_inline u16 inw(u16 port)
{
	u16 v;

	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static __always_inline void outl(u16 port, u32 v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static __always_inline u32 inl(u16 port)
{
	u32 v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static __always_inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static __always_inline void wrmsr(u32 msr, u64 v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((u32)v),
			     "d"((u32)(v >> 32)) : "memory");
}

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static __always_inline struct cpuid_regs cpuid(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;

	__asm__ __volatile__("cpuid"
			     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			     : "a"(leaf), "c"(subleaf));
	return r;
}

static __always_inline u64 read_cr0(void)
{
	u64 v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static __always_inline u64 read_cr2(void)
{
	u64 v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static __always_inline u64 read_cr3(void)
{
	u64 v;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static __always_inline void write_cr3(u64 v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static __always_inline u64 read_cr4(void)
{
	u64 v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static __always_inline void write_cr4(u64 v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

static __always_inline void invlpg(uintptr_t va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

/* Short delay of roughly a microsecond: a write to the POST port. */
static __always_inline void io_delay(void)
{
	outb(0x80, 0);
}

#define MSR_EFER		0xc0000080
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_APIC_BASE		0x1b
#define MSR_TSC_DEADLINE	0x6e0
#define MSR_KVM_WALL_CLOCK_NEW	0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01

#define EFER_SCE	(1UL << 0)
#define EFER_LME	(1UL << 8)
#define EFER_NXE	(1UL << 11)

#define CR4_PAE		(1UL << 5)
#define CR4_PGE		(1UL << 7)
#define CR4_OSFXSR	(1UL << 9)
#define CR4_OSXMMEXCPT	(1UL << 10)
#define CR4_FSGSBASE	(1UL << 16)
#define CR4_OSXSAVE	(1UL << 18)
#define CR4_SMEP	(1UL << 20)
#define CR4_SMAP	(1UL << 21)
/* Set once at boot when CR4.SMAP is on (arch/x86_64/uaccess.S). */
extern u8 x86_smap_enabled;

/* struct trap_frame lives in asm/arch_inline.h: generic code sees it. */

/* Interrupt vectors. 0-31 are exceptions. */
#define IRQ_VECTOR_BASE		0x20	/* legacy IRQ n arrives at 0x20 + n */
#define VECTOR_LAPIC_TIMER	0xf0
#define VECTOR_SPURIOUS		0xff

typedef void (*irq_handler_t)(struct trap_frame *tf, void *data);

/*
 * Install @fn for @vector (32..255). Called with interrupts enabled or not;
 * handlers run with interrupts disabled and must not sleep. 0 or -EBUSY.
 */
int x86_set_irq_handler(u8 vector, irq_handler_t fn, void *data);

/* LAPIC (arch/x86_64/lapic.c). */
void lapic_init(void);
void lapic_eoi(void);
u32 lapic_id(void);

/* IOAPIC (arch/x86_64/ioapic.c): route legacy IRQ @irq to @vector. */
void ioapic_init(void);
int ioapic_route(unsigned int irq, u8 vector, bool level, bool active_low);
void ioapic_mask(unsigned int irq, bool masked);

/* ACPI (arch/x86_64/acpi.c): table lookup after acpi_init(). */
void acpi_init(phys_addr_t rsdp_hint);
const void *acpi_find_table(const char sig[4]);

/* The 8259 pair is remapped and fully masked; it never delivers. */
void pic_disable(void);

/* TSC frequency and the monotonic clock (arch/x86_64/tsc.c). */
void tsc_init(void);
void rtc_init(void);	/* reads the CMOS clock into the boot wall time */

#endif
