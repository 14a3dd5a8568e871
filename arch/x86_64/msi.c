/*
 * Device interrupts for drivers: shared IOAPIC lines (PCI INTx, virtio-mmio)
 * and message-signalled vectors (MSI-X), both from a pool of IDT vectors.
 * The x86 MSI message: address 0xFEE00000 | destination APIC id << 12,
 * data = vector (fixed delivery, edge).
 */
#include <ferrite/errno.h>
#include <ferrite/pci.h>
#include <ferrite/printk.h>
#include <ferrite/spinlock.h>
#include <asm/x86.h>

/* Vectors handed out here: above the legacy ISA range, below the LAPIC's. */
#define DEV_VECTOR_FIRST	0x50
#define DEV_VECTOR_LAST		0xef
#define LINE_MAX_HANDLERS	4
#define MAX_LINES		16
#define MSI_ADDR_BASE		0xfee00000u

struct irq_action {
	pci_irq_fn fn;
	void *data;
};

/*
 * One IOAPIC line with its handlers. Legend: [L] line_lock for writers;
 * the interrupt handler reads nr_actions/actions without it: an action is
 * filled before nr_actions grows (WRITE_ONCE), and never removed.
 */
struct irq_line {
	unsigned int irq;		/* [L] */
	u8 vector;			/* [L] 0: slot unused */
	unsigned int nr_actions;	/* [L] */
	struct irq_action actions[LINE_MAX_HANDLERS];	/* [L] */
};

static struct irq_line lines[MAX_LINES];
static struct irq_action msi_actions[256];	/* by vector; [L] to set */
static u8 next_vector = DEV_VECTOR_FIRST;	/* [L] */
static DEFINE_SPINLOCK(line_lock);

static void line_interrupt(struct trap_frame *tf, void *data)
{
	struct irq_line *l = data;
	unsigned int n = READ_ONCE(l->nr_actions);

	for (unsigned int i = 0; i < n; i++)
		l->actions[i].fn(l->actions[i].data);
	/* Level lines: the handlers quieted their devices, so the IOAPIC
	 * (told of the EOI by the LAPIC) will not fire again at once. */
	lapic_eoi();
}

static void msi_interrupt(struct trap_frame *tf, void *data)
{
	struct irq_action *a = data;

	a->fn(a->data);
	lapic_eoi();
}

/* A free IDT vector with @fn installed, or 0. Caller holds line_lock. */
static u8 vector_alloc(irq_handler_t fn, void *data)
{
	while (next_vector <= DEV_VECTOR_LAST) {
		u8 v = next_vector++;

		if (!x86_set_irq_handler(v, fn, data))
			return v;
	}
	return 0;
}

int arch_irq_request_line(unsigned int irq, bool level, bool active_low,
			  pci_irq_fn fn, void *data)
{
	struct irq_line *l = NULL, *free_slot = NULL;
	unsigned long flags;
	int err = 0;

	flags = spin_lock_irqsave(&line_lock);
	for (unsigned int i = 0; i < MAX_LINES; i++) {
		if (lines[i].vector && lines[i].irq == irq)
			l = &lines[i];
		else if (!lines[i].vector && !free_slot)
			free_slot = &lines[i];
	}
	if (l) {
		if (l->nr_actions == LINE_MAX_HANDLERS) {
			err = -ENOSPC;
			goto out;
		}
		l->actions[l->nr_actions] = (struct irq_action){ fn, data };
		WRITE_ONCE(l->nr_actions, l->nr_actions + 1);
		goto out;
	}
	if (!free_slot) {
		err = -ENOSPC;
		goto out;
	}
	l = free_slot;
	l->irq = irq;
	l->actions[0] = (struct irq_action){ fn, data };
	l->nr_actions = 1;
	l->vector = vector_alloc(line_interrupt, l);
	if (!l->vector) {
		err = -ENOSPC;
		goto out;
	}
	err = ioapic_route(irq, l->vector, level, active_low);
	if (err) {
		x86_set_irq_handler(l->vector, NULL, NULL);
		l->vector = 0;
	}
out:
	spin_unlock_irqrestore(&line_lock, flags);
	return err;
}

int arch_msi_request(pci_irq_fn fn, void *data, u64 *addr, u32 *msg)
{
	unsigned long flags;
	u8 v;

	flags = spin_lock_irqsave(&line_lock);
	for (;;) {
		if (next_vector > DEV_VECTOR_LAST) {
			spin_unlock_irqrestore(&line_lock, flags);
			return -ENOSPC;
		}
		v = next_vector++;
		/* The action is in place before the vector can fire. */
		msi_actions[v] = (struct irq_action){ fn, data };
		if (!x86_set_irq_handler(v, msi_interrupt, &msi_actions[v]))
			break;
	}
	spin_unlock_irqrestore(&line_lock, flags);
	*addr = MSI_ADDR_BASE | (u64)lapic_id() << 12;
	*msg = v;
	return 0;
}
