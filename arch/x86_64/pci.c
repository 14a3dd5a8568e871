/*
 * PCI configuration mechanism #1 (ports 0xCF8/0xCFC), which QEMU pc, q35
 * and every PC chipset provide for the first 256 bytes of each function,
 * and port I/O for I/O BARs: the x86 halves of <ferrite/pci.h>.
 */
#include <ferrite/pci.h>
#include <ferrite/spinlock.h>
#include <asm/x86.h>

#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc

/* The address/data pair is a two-step access: the select must not race. */
static DEFINE_SPINLOCK(pci_config_lock);

static void config_select(u8 bus, u8 devfn, unsigned int off)
{
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | (u32)bus << 16 |
	     (u32)devfn << 8 | (off & 0xfc));
}

u32 arch_pci_config_read(u8 bus, u8 devfn, unsigned int off, unsigned int size)
{
	u16 port = (u16)(PCI_CONFIG_DATA + (off & 3));
	unsigned long flags;
	u32 v;

	if (off >= 256)
		return ~0u >> (32 - 8 * size);
	flags = spin_lock_irqsave(&pci_config_lock);
	config_select(bus, devfn, off);
	if (size == 1)
		v = inb(port);
	else if (size == 2)
		v = inw(port);
	else
		v = inl(port);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return v;
}

void arch_pci_config_write(u8 bus, u8 devfn, unsigned int off,
			   unsigned int size, u32 v)
{
	u16 port = (u16)(PCI_CONFIG_DATA + (off & 3));
	unsigned long flags;

	if (off >= 256)
		return;
	flags = spin_lock_irqsave(&pci_config_lock);
	config_select(bus, devfn, off);
	if (size == 1)
		outb(port, (u8)v);
	else if (size == 2)
		outw(port, (u16)v);
	else
		outl(port, v);
	spin_unlock_irqrestore(&pci_config_lock, flags);
}

/* I/O BAR addresses fit in 16 bits; the wider type keeps BARs uniform. */
u8 pci_io_read8(u64 port)
{
	return inb((u16)port);
}

u16 pci_io_read16(u64 port)
{
	return inw((u16)port);
}

u32 pci_io_read32(u64 port)
{
	return inl((u16)port);
}

void pci_io_write8(u64 port, u8 v)
{
	outb((u16)port, v);
}

void pci_io_write16(u64 port, u16 v)
{
	outw((u16)port, v);
}

void pci_io_write32(u64 port, u32 v)
{
	outl((u16)port, v);
}
