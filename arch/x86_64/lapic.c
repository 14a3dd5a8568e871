/*
 * The boot CPU's local APIC: enable it, route spurious interrupts, EOI,
 * and the timer registers that tsc.c calibrates and timer.c runs. Uses the
 * xAPIC MMIO page, or the x2APIC MSRs if firmware already switched to them.
 */
#include <ferrite/arch.h>
#include <ferrite/printk.h>
#include <asm/x86.h>
#include <asm/platform.h>

#define APIC_BASE_ENABLE	(1ULL << 11)
#define APIC_BASE_X2APIC	(1ULL << 10)
#define APIC_BASE_ADDR_MASK	0x000ffffffffff000ULL

#define LAPIC_ID		0x020
#define LAPIC_VERSION		0x030
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0b0
#define LAPIC_SVR		0x0f0
#define LAPIC_ESR		0x280
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_THERMAL	0x330
#define LAPIC_LVT_PERF		0x340
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CUR		0x390
#define LAPIC_TIMER_DIV		0x3e0

#define SVR_ENABLE		(1u << 8)
#define LVT_MASKED		(1u << 16)
#define LVT_PERIODIC		(1u << 17)
#define TIMER_DIV_16		0x3	/* matches LAPIC_TIMER_DIVIDER */
#define X2APIC_MSR_BASE		0x800

/* Set by lapic_init() on the boot CPU before interrupts are enabled [I]. */
static volatile u32 *lapic_mmio;
static bool lapic_x2;

static u32 lapic_read(u32 reg)
{
	if (lapic_x2)
		return (u32)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return lapic_mmio ? lapic_mmio[reg / 4] : 0;
}

static void lapic_write(u32 reg, u32 v)
{
	if (lapic_x2)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
	else if (lapic_mmio)	/* no LAPIC: calls become no-ops */
		lapic_mmio[reg / 4] = v;
}

bool lapic_present(void)
{
	return lapic_x2 || lapic_mmio;
}

/* Spurious interrupts must not be acknowledged: no EOI here. */
static void lapic_spurious(struct trap_frame *tf, void *data)
{
}

void lapic_init(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	unsigned int max_lvt;

	if (!(cpuid(1, 0).edx & (1u << 9))) {
		pr_err("lapic: CPU reports no local APIC\n");
		return;
	}
	if (base & APIC_BASE_X2APIC) {
		/* x2APIC cannot drop back to xAPIC without a full disable. */
		lapic_x2 = true;
	} else {
		lapic_mmio = ioremap(base & APIC_BASE_ADDR_MASK, PAGE_SIZE);
		if (!lapic_mmio) {
			pr_err("lapic: cannot map %#llx\n",
			       (unsigned long long)(base & APIC_BASE_ADDR_MASK));
			return;
		}
	}
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);

	/* Nothing may fire before its owner sets it up. */
	max_lvt = (lapic_read(LAPIC_VERSION) >> 16) & 0xff;
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	if (max_lvt >= 4)
		lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	if (max_lvt >= 5)
		lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	/* ESR is write-then-read; two writes clear stale errors. */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);

	x86_set_irq_handler(VECTOR_SPURIOUS, lapic_spurious, NULL);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	lapic_eoi();	/* drop anything firmware left in service */
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

u32 lapic_id(void)
{
	if (!lapic_present())
		return 0;
	if (lapic_x2)
		return lapic_read(LAPIC_ID);
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_timer_count_start(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
}

u32 lapic_timer_count_elapsed(void)
{
	return 0xffffffffu - lapic_read(LAPIC_TIMER_CUR);
}

void lapic_timer_periodic(u8 vector, u32 initial_count)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | vector);
	lapic_write(LAPIC_TIMER_INIT, initial_count);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0);
}
