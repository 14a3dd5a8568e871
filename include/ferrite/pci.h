/*
 * PCI: the bus scan, devices, drivers that bind by vendor/device id, BARs,
 * capabilities and MSI-X (drivers/pci/pci.c). The machine-specific parts
 * (configuration mechanism, port I/O, interrupt vectors, the MSI message
 * format) are the arch hooks at the end, in arch/x86_64/pci.c and msi.c.
 */
#ifndef FERRITE_PCI_H
#define FERRITE_PCI_H

#include <ferrite/types.h>
#include <ferrite/list.h>

#define PCI_ANY_ID		0xffff

/* Configuration space offsets (type 0 header). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_CLASS_REVISION	0x08
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d

#define PCI_COMMAND_IO		0x001
#define PCI_COMMAND_MEMORY	0x002
#define PCI_COMMAND_MASTER	0x004
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS_CAP_LIST	0x010

#define PCI_CAP_ID_MSIX		0x11
#define PCI_CAP_ID_VNDR		0x09

/* An interrupt handler: interrupt context, interrupts off, must not sleep. */
typedef void (*pci_irq_fn)(void *data);

struct pci_bar {
	u64 addr;	/* bus address (memory) or port number (I/O) */
	u64 size;	/* 0: not implemented */
	bool io;
	bool mem64;
};

/*
 * One function on the bus. Legend: [I] set by the scan, before any driver
 * sees it; [D] the bound driver's (probe runs under pci_lock).
 */
struct pci_dev {
	u8 bus, slot, func;		/* [I] */
	u16 vendor, device;		/* [I] */
	u16 subsys_device;		/* [I] */
	u32 class_rev;			/* [I] class << 8 | revision */
	u8 irq_line, irq_pin;		/* [I] firmware's INTx routing */
	struct pci_bar bar[6];		/* [I] */
	struct pci_driver *driver;	/* [D] NULL while unbound */
	void *priv;			/* [D] */
	unsigned int msix_entries;	/* [D] table size, 0 if no MSI-X */
	volatile u32 *msix_table;	/* [D] mapped table, once enabled */
	struct list_head node;		/* pci_lock: all devices */
};

struct pci_device_id {
	u16 vendor, device;		/* PCI_ANY_ID matches any */
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *ids;	/* ends with vendor 0 */
	/* 0 binds the device; -errno leaves it free. Task context. */
	int (*probe)(struct pci_dev *pdev, const struct pci_device_id *id);
	struct list_head node;		/* pci_lock */
};

/* Register @drv and probe every matching device found so far. 0 or -errno. */
int pci_register_driver(struct pci_driver *drv);

u8 pci_read8(const struct pci_dev *pdev, unsigned int off);
u16 pci_read16(const struct pci_dev *pdev, unsigned int off);
u32 pci_read32(const struct pci_dev *pdev, unsigned int off);
void pci_write8(const struct pci_dev *pdev, unsigned int off, u8 v);
void pci_write16(const struct pci_dev *pdev, unsigned int off, u16 v);
void pci_write32(const struct pci_dev *pdev, unsigned int off, u32 v);

/* Offset of the next capability @id after @pos (0: from the start), or 0. */
unsigned int pci_find_capability(const struct pci_dev *pdev, u8 id,
				 unsigned int pos);
/* Turn on memory/I/O decoding and bus mastering (DMA). */
void pci_enable_device(struct pci_dev *pdev);
/* Map @len bytes at @off into memory BAR @bar, uncached. NULL on error. */
void *pci_iomap(struct pci_dev *pdev, unsigned int bar, u64 off, u64 len);

/*
 * Interrupts. pci_request_intx() shares the firmware-routed line (level,
 * active low per PCI; the ACPI overrides may say otherwise). MSI-X:
 * @nvec vectors, vector i calls fns[i](data[i]); -ENODEV without the
 * capability, -ENOSPC if the table is smaller than @nvec.
 */
int pci_request_intx(struct pci_dev *pdev, pci_irq_fn fn, void *data);
int pci_enable_msix(struct pci_dev *pdev, unsigned int nvec,
		    const pci_irq_fn *fns, void *const *data);

/* Port I/O, for I/O BARs (legacy virtio). */
u8 pci_io_read8(u64 port);
u16 pci_io_read16(u64 port);
u32 pci_io_read32(u64 port);
void pci_io_write8(u64 port, u8 v);
void pci_io_write16(u64 port, u16 v);
void pci_io_write32(u64 port, u32 v);

/* ---- arch hooks (arch/x86_64/pci.c, msi.c) ---------------------------- */

/* Configuration access, @size 1, 2 or 4 bytes, @off aligned to it. */
u32 arch_pci_config_read(u8 bus, u8 devfn, unsigned int off, unsigned int size);
void arch_pci_config_write(u8 bus, u8 devfn, unsigned int off,
			   unsigned int size, u32 v);
/*
 * Attach @fn to interrupt line @irq (ISA IRQ or GSI), shared with other
 * devices: every handler on the line runs on each interrupt. 0, -ENOSPC,
 * -ENODEV (no such line).
 */
int arch_irq_request_line(unsigned int irq, bool level, bool active_low,
			  pci_irq_fn fn, void *data);
/*
 * A vector for a message-signalled interrupt calling @fn(@data), and the
 * address/data pair that a device writes to raise it. 0 or -ENOSPC.
 */
int arch_msi_request(pci_irq_fn fn, void *data, u64 *addr, u32 *msg);

#endif
