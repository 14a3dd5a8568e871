/*
 * The PCI bus: a scan from bus 0 through bridges at boot, BAR sizing,
 * drivers matched by vendor/device id (in either registration order),
 * capabilities, INTx and MSI-X. Config access and interrupt vectors come
 * from the arch hooks in <ferrite/pci.h>.
 */
#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/init.h>
#include <ferrite/mm.h>
#include <ferrite/mutex.h>
#include <ferrite/pci.h>
#include <ferrite/printk.h>

#define PCI_SECONDARY_BUS	0x19
#define PCI_HEADER_BRIDGE	0x01
#define PCI_HEADER_MULTI	0x80

#define MSIX_CTRL		2	/* offsets in the MSI-X capability */
#define MSIX_TABLE		4
#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_MASKALL	0x4000
#define MSIX_ENTRY_BYTES	16
#define MSIX_VECTOR_MASKED	1

/* Devices and drivers, and every probe: probes may sleep (allocation). */
static struct mutex pci_lock = {
	SPINLOCK_INIT, NULL, WAIT_QUEUE_HEAD_INIT(pci_lock.waiters)
};
static LIST_HEAD(pci_devices);	/* [pci_lock] */
static LIST_HEAD(pci_drivers);	/* [pci_lock] */
static bool pci_scanned;	/* [pci_lock] */

static u8 devfn(const struct pci_dev *pdev)
{
	return (u8)(pdev->slot << 3 | pdev->func);
}

u8 pci_read8(const struct pci_dev *pdev, unsigned int off)
{
	return (u8)arch_pci_config_read(pdev->bus, devfn(pdev), off, 1);
}

u16 pci_read16(const struct pci_dev *pdev, unsigned int off)
{
	return (u16)arch_pci_config_read(pdev->bus, devfn(pdev), off, 2);
}

u32 pci_read32(const struct pci_dev *pdev, unsigned int off)
{
	return arch_pci_config_read(pdev->bus, devfn(pdev), off, 4);
}

void pci_write8(const struct pci_dev *pdev, unsigned int off, u8 v)
{
	arch_pci_config_write(pdev->bus, devfn(pdev), off, 1, v);
}

void pci_write16(const struct pci_dev *pdev, unsigned int off, u16 v)
{
	arch_pci_config_write(pdev->bus, devfn(pdev), off, 2, v);
}

void pci_write32(const struct pci_dev *pdev, unsigned int off, u32 v)
{
	arch_pci_config_write(pdev->bus, devfn(pdev), off, 4, v);
}

unsigned int pci_find_capability(const struct pci_dev *pdev, u8 id,
				 unsigned int pos)
{
	/* A loop in a broken list must end: 48 is more than fits in 256. */
	int ttl = 48;

	if (!(pci_read16(pdev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = pos ? pci_read8(pdev, pos + 1) : pci_read8(pdev, PCI_CAPABILITY_LIST);
	while (pos >= 0x40 && ttl--) {
		pos &= ~3u;
		if (pci_read8(pdev, pos) == id)
			return pos;
		pos = pci_read8(pdev, pos + 1);
	}
	return 0;
}

void pci_enable_device(struct pci_dev *pdev)
{
	u16 cmd = pci_read16(pdev, PCI_COMMAND);

	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_IO | PCI_COMMAND_MASTER;
	pci_write16(pdev, PCI_COMMAND, cmd);
}

void *pci_iomap(struct pci_dev *pdev, unsigned int bar, u64 off, u64 len)
{
	struct pci_bar *b;

	if (bar >= 6)
		return NULL;
	b = &pdev->bar[bar];
	if (!b->size || b->io || !b->addr || off > b->size ||
	    len > b->size - off)
		return NULL;
	return ioremap(b->addr + off, len);
}

/* Size BAR @i by the all-ones probe; returns how many BAR slots it used. */
static unsigned int bar_probe(struct pci_dev *pdev, unsigned int i)
{
	unsigned int off = PCI_BAR0 + 4 * i;
	struct pci_bar *b = &pdev->bar[i];
	u32 lo = pci_read32(pdev, off), szlo, hi = 0, szhi = ~0u;
	u64 mask;

	pci_write32(pdev, off, ~0u);
	szlo = pci_read32(pdev, off);
	pci_write32(pdev, off, lo);
	if (lo & 1) {
		b->io = true;
		b->addr = lo & ~3u;
		mask = szlo & ~3u & 0xffff;
		b->size = mask ? (~mask + 1) & 0xffff : 0;
		return 1;
	}
	b->mem64 = ((lo >> 1) & 3) == 2;
	if (b->mem64 && i < 5) {
		hi = pci_read32(pdev, off + 4);
		pci_write32(pdev, off + 4, ~0u);
		szhi = pci_read32(pdev, off + 4);
		pci_write32(pdev, off + 4, hi);
	}
	b->addr = ((u64)hi << 32) | (lo & ~0xfu);
	mask = ((u64)szhi << 32) | (szlo & ~0xfu);
	if (!b->mem64)
		mask |= 0xffffffff00000000ull;
	b->size = (szlo & ~0xfu) ? ~mask + 1 : 0;
	return b->mem64 ? 2 : 1;
}

static void pci_add_function(u8 bus, u8 slot, u8 func);

static void pci_scan_bus(u8 bus, int depth)
{
	for (u8 slot = 0; slot < 32; slot++) {
		u8 fn0 = (u8)(slot << 3);
		unsigned int nfunc;

		if ((u16)arch_pci_config_read(bus, fn0, PCI_VENDOR_ID, 2) == 0xffff)
			continue;
		nfunc = (arch_pci_config_read(bus, fn0, PCI_HEADER_TYPE, 1) &
			 PCI_HEADER_MULTI) ? 8 : 1;
		for (u8 func = 0; func < nfunc; func++) {
			u8 df = (u8)(fn0 | func);
			u8 type, sec;

			if ((u16)arch_pci_config_read(bus, df, PCI_VENDOR_ID, 2) == 0xffff)
				continue;
			type = arch_pci_config_read(bus, df, PCI_HEADER_TYPE, 1) & 0x7f;
			if (type == 0) {
				pci_add_function(bus, slot, func);
				continue;
			}
			/* Firmware numbered the buses; follow its bridges,
			 * never back to a bus already scanned. */
			sec = (u8)arch_pci_config_read(bus, df, PCI_SECONDARY_BUS, 1);
			if (type == PCI_HEADER_BRIDGE && sec > bus && depth < 8)
				pci_scan_bus(sec, depth + 1);
		}
	}
}

static void pci_add_function(u8 bus, u8 slot, u8 func)
{
	struct pci_dev *pdev = kzalloc(sizeof(*pdev), GFP_KERNEL);
	u16 cmd;

	if (!pdev) {
		pr_err("pci: out of memory for %02x:%02x.%u\n", bus, slot, func);
		return;
	}
	pdev->bus = bus;
	pdev->slot = slot;
	pdev->func = func;
	pdev->vendor = pci_read16(pdev, PCI_VENDOR_ID);
	pdev->device = pci_read16(pdev, PCI_DEVICE_ID);
	pdev->subsys_device = pci_read16(pdev, PCI_SUBSYSTEM_ID);
	pdev->class_rev = pci_read32(pdev, PCI_CLASS_REVISION);
	pdev->irq_line = pci_read8(pdev, PCI_INTERRUPT_LINE);
	pdev->irq_pin = pci_read8(pdev, PCI_INTERRUPT_PIN);
	/* Decoding off while the BARs hold all-ones during sizing. */
	cmd = pci_read16(pdev, PCI_COMMAND);
	pci_write16(pdev, PCI_COMMAND,
		    cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned int i = 0; i < 6; )
		i += bar_probe(pdev, i);
	pci_write16(pdev, PCI_COMMAND, cmd);
	list_add_tail(&pdev->node, &pci_devices);
	pr_debug("pci: %02x:%02x.%u %04x:%04x class %06x irq %u\n", bus, slot,
		 func, pdev->vendor, pdev->device, pdev->class_rev >> 8,
		 pdev->irq_line);
}

static const struct pci_device_id *pci_match(const struct pci_driver *drv,
					     const struct pci_dev *pdev)
{
	for (const struct pci_device_id *id = drv->ids; id->vendor; id++)
		if ((id->vendor == PCI_ANY_ID || id->vendor == pdev->vendor) &&
		    (id->device == PCI_ANY_ID || id->device == pdev->device))
			return id;
	return NULL;
}

/* Caller holds pci_lock. */
static void pci_try_bind(struct pci_driver *drv, struct pci_dev *pdev)
{
	const struct pci_device_id *id;
	int err;

	if (pdev->driver || !(id = pci_match(drv, pdev)))
		return;
	pdev->driver = drv;
	err = drv->probe(pdev, id);
	if (err) {
		pdev->driver = NULL;
		pr_err("pci: %s: probe of %02x:%02x.%u failed: %d\n", drv->name,
		       pdev->bus, pdev->slot, pdev->func, err);
	}
}

int pci_register_driver(struct pci_driver *drv)
{
	struct pci_dev *pdev;

	mutex_lock(&pci_lock);
	list_add_tail(&drv->node, &pci_drivers);
	if (pci_scanned)
		list_for_each_entry(pdev, &pci_devices, node)
			pci_try_bind(drv, pdev);
	mutex_unlock(&pci_lock);
	return 0;
}

static int pci_init(void)
{
	struct pci_driver *drv;
	struct pci_dev *pdev;
	unsigned int n = 0;
	u64 t0 = arch_clock_ns();

	mutex_lock(&pci_lock);
	/* No host bridge answers on a machine without PCI (microvm). */
	if ((u16)arch_pci_config_read(0, 0, PCI_VENDOR_ID, 2) != 0xffff)
		pci_scan_bus(0, 0);
	pci_scanned = true;
	list_for_each_entry(pdev, &pci_devices, node)
		n++;
	list_for_each_entry(drv, &pci_drivers, node)
		list_for_each_entry(pdev, &pci_devices, node)
			pci_try_bind(drv, pdev);
	mutex_unlock(&pci_lock);
	if (n)
		pr_info("pci: %u functions (scan %llu us)\n", n,
			(unsigned long long)(arch_clock_ns() - t0) / 1000);
	return 0;
}
initcall(INITCALL_SUBSYS, pci_init);

/* ---- interrupts ------------------------------------------------------ */

int pci_request_intx(struct pci_dev *pdev, pci_irq_fn fn, void *data)
{
	int err;

	/* 0xff (or no pin) means firmware routed nothing. */
	if (!pdev->irq_pin || pdev->irq_line == 0xff || pdev->irq_line == 0)
		return -ENODEV;
	err = arch_irq_request_line(pdev->irq_line, true, true, fn, data);
	if (err)
		return err;
	pci_write16(pdev, PCI_COMMAND,
		    pci_read16(pdev, PCI_COMMAND) & ~PCI_COMMAND_INTX_DISABLE);
	return 0;
}

static int msix_map_table(struct pci_dev *pdev, unsigned int cap)
{
	u16 ctrl = pci_read16(pdev, cap + MSIX_CTRL);
	u32 table = pci_read32(pdev, cap + MSIX_TABLE);
	unsigned int entries = (ctrl & 0x7ff) + 1;

	pdev->msix_table = pci_iomap(pdev, table & 7, table & ~7u,
				     (u64)entries * MSIX_ENTRY_BYTES);
	if (!pdev->msix_table)
		return -ENOMEM;
	pdev->msix_entries = entries;
	return 0;
}

int pci_enable_msix(struct pci_dev *pdev, unsigned int nvec,
		    const pci_irq_fn *fns, void *const *data)
{
	unsigned int cap = pci_find_capability(pdev, PCI_CAP_ID_MSIX, 0);
	u16 ctrl;
	int err;

	if (!cap)
		return -ENODEV;
	if (!pdev->msix_table && (err = msix_map_table(pdev, cap)))
		return err;
	if (nvec == 0 || nvec > pdev->msix_entries)
		return -ENOSPC;
	/* Enabled but masked as a whole while the entries are written. */
	ctrl = pci_read16(pdev, cap + MSIX_CTRL);
	pci_write16(pdev, cap + MSIX_CTRL,
		    ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	for (unsigned int i = 0; i < nvec; i++) {
		volatile u32 *e = pdev->msix_table + i * MSIX_ENTRY_BYTES / 4;
		u64 addr;
		u32 msg;

		err = arch_msi_request(fns[i], data[i], &addr, &msg);
		if (err) {
			pci_write16(pdev, cap + MSIX_CTRL, ctrl & ~MSIX_CTRL_ENABLE);
			return err;	/* vectors taken so far stay unused */
		}
		e[0] = (u32)addr;
		e[1] = (u32)(addr >> 32);
		e[2] = msg;
		e[3] = 0;	/* unmasked */
	}
	pci_write16(pdev, PCI_COMMAND,
		    pci_read16(pdev, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	pci_write16(pdev, cap + MSIX_CTRL,
		    (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL);
	return 0;
}
