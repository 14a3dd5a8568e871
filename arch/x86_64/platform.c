/*
 * platform_init(): bring up ACPI, the interrupt controllers and the
 * clocks in dependency order, log what was found, and the self-tests
 * that check the results on a running machine.
 */
#include <ferrite/arch.h>
#include <ferrite/boot.h>
#include <ferrite/printk.h>
#include <ferrite/selftest.h>
#include <asm/x86.h>
#include <asm/platform.h>
#include "platform_logic.h"

static void acpi_report(void)
{
	const struct acpi_madt_info *m = acpi_madt();
	char names[5 * 32 + 1];	/* "SIGN " per table */
	unsigned int n = acpi_table_names(names, sizeof(names));

	pr_info("acpi: %u tables [%s]; %u CPU(s), %u IOAPIC(s), %u IRQ override(s)\n",
		n, names, m->nr_cpus, m->nr_ioapics, m->nr_overrides);
}

void platform_init(void)
{
	/* LAPIC before tsc: its timer is calibrated in the same window. */
	acpi_init(boot_info.rsdp);
	if (acpi_present())
		acpi_report();
	pic_disable();
	lapic_init();
	ioapic_init();
	tsc_init();
	/* The LAPIC rate is still being measured; the tick reports it. */
	pr_info("tsc: %llu kHz from %s\n", (unsigned long long)arch_tsc_khz(),
		tsc_source());
	rtc_init();
}

SELFTEST(clock_advances)
{
	u64 a = arch_clock_ns(), b;
	u64 c0 = arch_cycles();

	while (arch_cycles() - c0 < tsc_hz() / 10000)	/* ~100 us */
		arch_cpu_relax();
	b = arch_clock_ns();
	ST_EXPECT(a > 0);
	ST_EXPECT(b > a);
	ST_EXPECT(b - a >= 50000 && b - a < 10000000);
	return 0;
}

SELFTEST(tsc_khz_plausible)
{
	ST_EXPECT(arch_tsc_khz() >= 50000 && arch_tsc_khz() <= 20000000);
	ST_EXPECT(arch_cycles_to_ns(tsc_hz()) > 999000000ULL &&
		  arch_cycles_to_ns(tsc_hz()) < 1001000000ULL);
	return 0;
}

SELFTEST(acpi_tables_consistent)
{
	const struct acpi_fadt_info *f = acpi_fadt();

	ST_EXPECT(acpi_find_table("NONE") == NULL);
	if (!acpi_present())
		return 0;
	ST_EXPECT((f != NULL) == (acpi_find_table("FACP") != NULL));
	ST_EXPECT(acpi_madt()->nr_ioapics >= 1);
	return 0;
}

SELFTEST(boot_realtime_after_2020)
{
	u64 rt = arch_boot_realtime_ns();

	/* 0 means no clock was found; anything else must be recent. */
	ST_EXPECT(rt == 0 || rt > 1577836800ULL * 1000000000ULL);
	return 0;
}
