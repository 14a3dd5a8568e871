/*
 * Power off, reboot and the test-exit port. Each path tries the ACPI way
 * first, then the 8042 reset line (Firecracker stops the VM on it, QEMU
 * -no-reboot exits), then stops the CPU for good.
 */
#include <ferrite/arch.h>
#include <ferrite/printk.h>
#include <asm/x86.h>
#include <asm/platform.h>
#include "platform_logic.h"

#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_TYP_MASK	(7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN		(1u << 13)
#define SLEEP_CTL_TYP_SHIFT	2
#define SLEEP_CTL_SLP_EN	(1u << 5)
#define KBC_STATUS		0x64
#define KBC_CMD			0x64
#define KBC_STATUS_IBF		0x02	/* input buffer full: not ready */
#define KBC_PULSE_RESET		0xfe
#define SETTLE_NS		50000000ULL	/* let the VMM act on a write */

/* Set while parsing the command line, before anything can stop [I]. */
static u16 debug_exit_port;

void power_set_debug_exit(u16 port)
{
	debug_exit_port = port ? port : DEBUG_EXIT_DEFAULT_PORT;
}

__noreturn void power_halt_loop(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt" ::: "memory");
}

static unsigned int gas_bits(const struct acpi_gas *g)
{
	if (g->access_size >= 1 && g->access_size <= 3)
		return 8u << (g->access_size - 1);
	return g->bit_width == 16 || g->bit_width == 32 ? g->bit_width : 8;
}

/* Only system I/O and memory spaces; others (PCI config) are skipped. */
static bool gas_write(const struct acpi_gas *g, u32 v)
{
	unsigned int bits = gas_bits(g);
	volatile void *mmio;

	if (g->space_id == ACPI_GAS_IO) {
		u16 port = (u16)g->address;

		if (bits == 8)
			outb(port, (u8)v);
		else if (bits == 16)
			outw(port, (u16)v);
		else
			outl(port, v);
		return true;
	}
	if (g->space_id != ACPI_GAS_MEMORY)
		return false;
	mmio = ioremap(g->address, 4);
	if (!mmio)
		return false;
	if (bits == 8)
		*(volatile u8 *)mmio = (u8)v;
	else if (bits == 16)
		*(volatile u16 *)mmio = (u16)v;
	else
		*(volatile u32 *)mmio = v;
	return true;
}

static u32 gas_read(const struct acpi_gas *g)
{
	unsigned int bits = gas_bits(g);
	volatile void *mmio;

	if (g->space_id == ACPI_GAS_IO)
		return bits == 8 ? inb((u16)g->address) :
		       bits == 16 ? inw((u16)g->address) : inl((u16)g->address);
	if (g->space_id != ACPI_GAS_MEMORY || !(mmio = ioremap(g->address, 4)))
		return 0;
	return bits == 8 ? *(volatile u8 *)mmio :
	       bits == 16 ? *(volatile u16 *)mmio : *(volatile u32 *)mmio;
}

/* Give the VMM time to act on a write; no-op clock before tsc_init. */
static void power_settle(void)
{
	u64 end = arch_clock_ns() + SETTLE_NS;

	if (end == SETTLE_NS) {
		for (int i = 0; i < 10000; i++)
			io_delay();
		return;
	}
	while (arch_clock_ns() < end)
		arch_cpu_relax();
}

static void pm1_write_sleep(const struct acpi_gas *cnt, u8 typ, bool enable)
{
	u32 v = gas_read(cnt) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);

	v |= ((u32)typ << PM1_SLP_TYP_SHIFT) & PM1_SLP_TYP_MASK;
	gas_write(cnt, enable ? v | PM1_SLP_EN : v);
}

static void acpi_power_off(void)
{
	const struct acpi_fadt_info *f = acpi_fadt();
	u8 a, b;

	if (!f || !acpi_s5(&a, &b))
		return;
	if (f->pm1a_cnt.address) {
		/* Type first, then enable, as the spec's sleep sequence does. */
		pm1_write_sleep(&f->pm1a_cnt, a, false);
		if (f->pm1b_cnt.address)
			pm1_write_sleep(&f->pm1b_cnt, b, false);
		pm1_write_sleep(&f->pm1a_cnt, a, true);
		if (f->pm1b_cnt.address)
			pm1_write_sleep(&f->pm1b_cnt, b, true);
		power_settle();
	}
	if (f->sleep_ctl.address) {
		gas_write(&f->sleep_ctl, ((u32)(a & 7) << SLEEP_CTL_TYP_SHIFT) |
			  SLEEP_CTL_SLP_EN);
		power_settle();
	}
}

static void kbc_reset_pulse(void)
{
	for (int i = 0; i < 100000; i++) {
		u8 st = inb(KBC_STATUS);

		if (st == 0xff)
			return;		/* no controller on this machine */
		if (!(st & KBC_STATUS_IBF))
			break;
	}
	outb(KBC_CMD, KBC_PULSE_RESET);
	power_settle();
}

__noreturn void arch_poweroff(void)
{
	/* Emergency level, as Linux: it must show even with "quiet". */
	pr_emerg("ferrite: powering off\n");
	arch_irq_disable();
	acpi_power_off();
	kbc_reset_pulse();
	power_halt_loop();
}

__noreturn void arch_reboot(void)
{
	const struct acpi_fadt_info *f = acpi_fadt();
	struct {
		u16 limit;
		u64 base;
	} __packed empty_idt = { 0, 0 };

	pr_emerg("ferrite: rebooting\n");
	arch_irq_disable();
	if (f && (f->flags & ACPI_FADT_RESET_REG_SUP) && f->reset_reg.address &&
	    gas_write(&f->reset_reg, f->reset_value))
		power_settle();
	kbc_reset_pulse();
	/* No IDT: the breakpoint faults, double faults, then triple faults. */
	__asm__ __volatile__("lidt %0; int3" : : "m"(empty_idt) : "memory");
	power_halt_loop();
}

__noreturn void arch_test_exit(int code)
{
	if (debug_exit_port) {
		pr_info("ferrite: test exit %d\n", code);
		/* QEMU exits with status (code << 1) | 1. */
		outb(debug_exit_port, (u8)code);
	}
	arch_poweroff();
}
