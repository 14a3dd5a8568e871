/*
 * Boot-time stamps: the cycle counter at each stage from the first
 * instruction to "ready", reported once the clock is calibrated.
 */
#include <ferrite/arch.h>
#include <ferrite/boot.h>
#include <ferrite/printk.h>

static u64 stamps[BOOT_STAGE_COUNT];	/* [boot CPU, before init runs] */

static const char *const stage_names[BOOT_STAGE_COUNT] = {
	[BOOT_STAGE_ENTRY] = "entry",
	[BOOT_STAGE_CONSOLE] = "console",
	[BOOT_STAGE_MM] = "memory",
	[BOOT_STAGE_TRAPS] = "traps",
	[BOOT_STAGE_TIME] = "platform",
	[BOOT_STAGE_SCHED] = "scheduler",
	[BOOT_STAGE_READY] = "ready",
	[BOOT_STAGE_INIT] = "init",
};

void boot_stamp(enum boot_stage stage)
{
	if (stage < BOOT_STAGE_COUNT)
		stamps[stage] = arch_cycles();
}

static u64 stamp_us(enum boot_stage stage)
{
	return arch_cycles_to_ns(stamps[stage] - arch_boot_cycles()) / 1000;
}

/* Microseconds from the first instruction to "ready". */
u64 boot_ready_us(void)
{
	return stamp_us(BOOT_STAGE_READY);
}

void boot_report(void)
{
	for (int s = BOOT_STAGE_CONSOLE; s < BOOT_STAGE_READY; s++)
		if (stamps[s])
			pr_info("boot: %-9s at %6llu us\n", stage_names[s],
				(unsigned long long)stamp_us(s));
	pr_notice("ferrite: ready in %llu us\n",
		  (unsigned long long)boot_ready_us());
}

/*
 * The second figure: from the first instruction to init's first user
 * instruction, including the root filesystem, devices, unpacking the
 * initramfs and loading init. Called once, just before pid 1 enters
 * user mode.
 */
void boot_report_init(const char *path)
{
	u64 us;

	boot_stamp(BOOT_STAGE_INIT);
	us = stamp_us(BOOT_STAGE_INIT);
	pr_info("ferrite: starting %s, %llu us after entry\n", path,
		(unsigned long long)us);
}
