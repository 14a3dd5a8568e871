/*
 * Platform devices of the x86_64 port (ACPI, LAPIC/IOAPIC, TSC, RTC,
 * power): what those files share among themselves and what the boot code
 * calls. Private to arch/x86_64/, like asm/x86.h.
 */
#ifndef ASM_PLATFORM_H
#define ASM_PLATFORM_H

#include <ferrite/compiler.h>
#include <asm/paging.h>	/* ioremap_cache */
#include <asm/setup.h>	/* boot_tsc_entry */

struct acpi_madt_info;
struct acpi_fadt_info;

/*
 * Called once by the boot CPU after paging and traps are set up, with
 * interrupts disabled: ACPI, 8259, LAPIC, IOAPIC, TSC, RTC, in that order.
 */
void platform_init(void);

/*
 * ACPI results (acpi.c). Filled by acpi_init() on the boot CPU before any
 * other thread exists and read-only afterwards, so readers take no lock.
 * acpi_madt() always returns something: the MADT, or the defaults for a
 * machine without ACPI. acpi_fadt() is NULL without a valid FADT.
 */
bool acpi_present(void);
const struct acpi_madt_info *acpi_madt(void);
const struct acpi_fadt_info *acpi_fadt(void);
/* The \_S5_ sleep types; false when no DSDT/SSDT defines them. */
bool acpi_s5(u8 *slp_typa, u8 *slp_typb);
/* The table signatures found, space separated, into @buf; returns count. */
unsigned int acpi_table_names(char *buf, size_t size);

/* LAPIC timer, for tsc.c (calibration) and timer.c (the tick). */
#define LAPIC_TIMER_DIVIDER	16
bool lapic_present(void);
void lapic_timer_count_start(void);	/* masked one-shot from 0xffffffff */
u32 lapic_timer_count_elapsed(void);	/* ticks since count_start */
void lapic_timer_periodic(u8 vector, u32 initial_count);
void lapic_timer_stop(void);

/* Timebases found by tsc_init(). 0 when unknown. */
u64 tsc_hz(void);
void tsc_calibrate_begin(void);	/* opens the PIT window at boot */
u64 lapic_timer_hz(void);		/* after LAPIC_TIMER_DIVIDER */
const char *tsc_source(void);
/*
 * kvmclock's wall clock: Unix-epoch ns valid at TSC value *tsc. -ENODEV
 * when the hypervisor does not offer KVM clocksource2.
 */
int kvmclock_wall_ns(u64 *wall_ns, u64 *tsc);

/* Power (power.c). The lead calls this for "debug_exit[=port]". */
#define DEBUG_EXIT_DEFAULT_PORT	0xf4
void power_set_debug_exit(u16 port);
__noreturn void power_halt_loop(void);

#endif
