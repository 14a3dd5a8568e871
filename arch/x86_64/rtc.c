/*
 * Wall-clock time at boot: kvmclock's wall clock under KVM, else the CMOS
 * real-time clock read twice between updates. The result is stored as
 * Unix ns at boot_tsc_entry; realtime is that plus arch_clock_ns().
 */
#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <asm/x86.h>
#include <asm/platform.h>
#include "platform_logic.h"

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define CMOS_NMI_OFF	0x80	/* keep NMIs masked while we select */
#define RTC_SEC		0x00
#define RTC_MIN		0x02
#define RTC_HOUR	0x04
#define RTC_MDAY	0x07
#define RTC_MON		0x08
#define RTC_YEAR	0x09
#define RTC_STATUS_A	0x0a
#define RTC_STATUS_B	0x0b
#define RTC_A_UIP	0x80
#define RTC_TRIES	5
#define RTC_UIP_WAIT_NS	3000000ULL
#define RTC_UIP_MAX_POLLS 1000000UL
#define NSEC_PER_SEC	1000000000ULL

/* Set once by rtc_init() on the boot CPU, read-only afterwards [I]. */
static u64 boot_realtime_ns;
static const char *rtc_src = "none";

u64 arch_boot_realtime_ns(void)
{
	return boot_realtime_ns;
}

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
	return inb(CMOS_DATA);
}

/*
 * Update-in-progress is raised 244 us before the registers change and
 * clears within ~2 ms. A missing device reads 0xff: give up at once.
 */
static bool cmos_wait_uip(void)
{
	u64 deadline = arch_clock_ns() + RTC_UIP_WAIT_NS;
	u8 a;

	for (unsigned long i = 0; i < RTC_UIP_MAX_POLLS; i++) {
		a = cmos_read(RTC_STATUS_A);
		if (a == 0xff)
			return false;
		if (!(a & RTC_A_UIP))
			return true;
		/* The clock is 0 before tsc_init; the poll bound still holds. */
		if (arch_clock_ns() > deadline && deadline > RTC_UIP_WAIT_NS)
			return false;
	}
	return false;
}

static bool cmos_snapshot(struct rtc_raw *r, u8 century_reg)
{
	if (!cmos_wait_uip())
		return false;
	r->sec = cmos_read(RTC_SEC);
	r->min = cmos_read(RTC_MIN);
	r->hour = cmos_read(RTC_HOUR);
	r->mday = cmos_read(RTC_MDAY);
	r->mon = cmos_read(RTC_MON);
	r->year = cmos_read(RTC_YEAR);
	r->century = century_reg ? cmos_read(century_reg) : 0;
	return true;
}

static bool raw_equal(const struct rtc_raw *a, const struct rtc_raw *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour &&
	       a->mday == b->mday && a->mon == b->mon && a->year == b->year &&
	       a->century == b->century;
}

/* Unix ns now, from the CMOS clock; 1 s resolution. */
static int cmos_read_time(u64 *ns)
{
	const struct acpi_fadt_info *f = acpi_fadt();
	u8 century_reg = f ? f->century : 0;
	struct rtc_raw a, b;
	struct rtc_tm tm;
	u64 secs;

	/* Two equal snapshots cannot straddle an update. */
	for (int i = 0; i < RTC_TRIES; i++) {
		if (!cmos_snapshot(&a, century_reg) ||
		    !cmos_snapshot(&b, century_reg))
			return -ENODEV;
		if (!raw_equal(&a, &b))
			continue;
		if (rtc_decode(&a, cmos_read(RTC_STATUS_B), century_reg != 0,
			       &tm) || rtc_tm_to_epoch(&tm, &secs))
			return -EINVAL;
		*ns = secs * NSEC_PER_SEC;
		return 0;
	}
	return -EIO;
}

static void rtc_print(void)
{
	struct rtc_tm tm;

	rtc_epoch_to_tm(boot_realtime_ns / NSEC_PER_SEC, &tm);
	pr_info("rtc: boot time %04d-%02d-%02d %02d:%02d:%02d UTC (%s)\n",
		tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec, rtc_src);
}

void rtc_init(void)
{
	u64 wall, tsc, now;
	int err;

	/*
	 * kvmclock first: ns resolution, and Firecracker has no CMOS. The
	 * wall value holds at @tsc; subtract the time since boot at @tsc.
	 */
	if (!kvmclock_wall_ns(&wall, &tsc)) {
		now = tsc > boot_tsc_entry ?
		      arch_cycles_to_ns(tsc - boot_tsc_entry) : 0;
		boot_realtime_ns = wall - now;
		rtc_src = "kvmclock";
		rtc_print();
		return;
	}
	err = cmos_read_time(&wall);
	now = arch_clock_ns();
	if (err) {
		pr_warn("rtc: no usable CMOS clock (%d); wall time starts at 1970\n",
			err);
		return;
	}
	boot_realtime_ns = wall > now ? wall - now : 0;
	rtc_src = "cmos";
	rtc_print();
}
