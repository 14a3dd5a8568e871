/*
 * I/O APICs: every pin masked at boot, then legacy and PCI interrupts
 * routed one by one to the boot CPU. ISA IRQs go through the MADT's
 * interrupt source overrides (IRQ0 is GSI 2 on QEMU pc/q35).
 */
#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <ferrite/spinlock.h>
#include <asm/x86.h>
#include <asm/platform.h>
#include "platform_logic.h"

#define IOREGSEL		0x00
#define IOWIN			0x10	/* byte offset of the data window */
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_REDTBL	0x10	/* two registers per pin */

#define RTE_ACTIVE_LOW		(1u << 13)
#define RTE_LEVEL		(1u << 15)
#define RTE_MASKED		(1u << 16)

struct ioapic {
	volatile u32 *regs;	/* [I] */
	u32 gsi_base;		/* [I] */
	unsigned int nr_pins;	/* [I] */
};

/* Set up by ioapic_init() before interrupts are enabled [I]. */
static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;
/* IOREGSEL/IOWIN is a two-step access: the select must not be raced. */
static DEFINE_SPINLOCK(ioapic_lock);

static u32 ioapic_read(struct ioapic *io, u32 reg)
{
	io->regs[IOREGSEL / 4] = reg;
	return io->regs[IOWIN / 4];
}

static void ioapic_write(struct ioapic *io, u32 reg, u32 v)
{
	io->regs[IOREGSEL / 4] = reg;
	io->regs[IOWIN / 4] = v;
}

void ioapic_init(void)
{
	const struct acpi_madt_info *m = acpi_madt();

	for (unsigned int i = 0; i < m->nr_ioapics; i++) {
		struct ioapic *io = &ioapics[nr_ioapics];

		io->regs = ioremap(m->ioapic[i].address, PAGE_SIZE);
		if (!io->regs) {
			pr_err("ioapic: cannot map %#x\n", m->ioapic[i].address);
			continue;
		}
		io->gsi_base = m->ioapic[i].gsi_base;
		io->nr_pins = ((ioapic_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
		/* Reads of a missing device float high: 256 pins is none. */
		if (io->nr_pins > 240) {
			pr_err("ioapic: nothing at %#x\n", m->ioapic[i].address);
			continue;
		}
		/* No lock: nothing else runs this early. */
		for (unsigned int pin = 0; pin < io->nr_pins; pin++) {
			ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin, RTE_MASKED);
			ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin + 1, 0);
		}
		nr_ioapics++;
	}
}

static struct ioapic *ioapic_for_gsi(u32 gsi, unsigned int *pin)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nr_pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

/*
 * ISA IRQs (0-15) become GSIs through the overrides, whose polarity and
 * trigger, when given, replace the caller's; larger numbers are GSIs.
 */
static u32 irq_to_gsi(unsigned int irq, bool *level, bool *active_low)
{
	const struct acpi_isa_route *r;

	if (irq >= ACPI_ISA_IRQS)
		return irq;
	r = &acpi_madt()->isa[irq];
	if ((r->flags & ACPI_POL_MASK) == ACPI_POL_HIGH)
		*active_low = false;
	else if ((r->flags & ACPI_POL_MASK) == ACPI_POL_LOW)
		*active_low = true;
	if ((r->flags & ACPI_TRIG_MASK) == ACPI_TRIG_EDGE)
		*level = false;
	else if ((r->flags & ACPI_TRIG_MASK) == ACPI_TRIG_LEVEL)
		*level = true;
	return r->gsi;
}

/* Program the pin's entry and unmask it. */
int ioapic_route(unsigned int irq, u8 vector, bool level, bool active_low)
{
	u32 gsi = irq_to_gsi(irq, &level, &active_low);
	u32 lo = vector;
	struct ioapic *io;
	unsigned int pin;
	unsigned long flags;

	if (vector < 0x20)
		return -EINVAL;
	io = ioapic_for_gsi(gsi, &pin);
	if (!io)
		return -ENODEV;
	if (level)
		lo |= RTE_LEVEL;
	if (active_low)
		lo |= RTE_ACTIVE_LOW;
	/* Fixed delivery, physical destination: the boot CPU. */
	flags = spin_lock_irqsave(&ioapic_lock);
	ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin + 1, lapic_id() << 24);
	ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin, lo);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

void ioapic_mask(unsigned int irq, bool masked)
{
	bool level = false, active_low = false;
	u32 gsi = irq_to_gsi(irq, &level, &active_low);
	struct ioapic *io;
	unsigned int pin;
	unsigned long flags;
	u32 lo;

	io = ioapic_for_gsi(gsi, &pin);
	if (!io)
		return;
	flags = spin_lock_irqsave(&ioapic_lock);
	lo = ioapic_read(io, IOAPIC_REG_REDTBL + 2 * pin);
	if (masked)
		lo |= RTE_MASKED;
	else
		lo &= ~RTE_MASKED;
	ioapic_write(io, IOAPIC_REG_REDTBL + 2 * pin, lo);
	spin_unlock_irqrestore(&ioapic_lock, flags);
}
