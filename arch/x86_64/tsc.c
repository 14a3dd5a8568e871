/*
 * The TSC as the kernel's clock: find its frequency (CPUID 0x15, the
 * hypervisor timing leaf, kvmclock, else the PIT), measure the LAPIC timer
 * alongside, and convert cycles since boot_tsc_entry to nanoseconds.
 */
#include <ferrite/arch.h>
#include <ferrite/errno.h>
#include <ferrite/printk.h>
#include <asm/x86.h>
#include <asm/platform.h>
#include "platform_logic.h"

/* Kconfig.platform's defaults until arch/x86_64/Kconfig sources it. */
#ifndef CONFIG_X86_CALIBRATE_MS
#define CONFIG_X86_CALIBRATE_MS 1
#define CONFIG_X86_KVMCLOCK 1
#endif

#define NSEC_PER_SEC		1000000000ULL
#define PIT_HZ			1193182ULL
#define PIT_CH0_DATA		0x40
#define PIT_MODE		0x43
#define PIT_CH0_MODE0		0x30	/* channel 0, lo/hi byte, mode 0 */
#define PIT_CH0_LATCH		0x00	/* counter latch command, channel 0 */
#define TSC_HZ_MIN		50000000ULL
#define TSC_HZ_MAX		20000000000ULL
#define TSC_HZ_GUESS		2000000000ULL
#define LAPIC_HZ_GUESS		(1000000000ULL / LAPIC_TIMER_DIVIDER)

#define KVM_SIGNATURE_EBX	0x4b4d564b	/* "KVMKVMKVM\0\0\0" */
#define KVM_SIGNATURE_ECX	0x564b4d56
#define KVM_SIGNATURE_EDX	0x0000004d
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)

/* Written once by tsc_init() before tsc_ready is set, then read-only [I]. */
static struct clock_conv tsc_to_ns;
static u64 tsc_freq;
static u64 lapic_freq;
static bool lapic_calib_pending;
static void lapic_calibrate_finish(void);
static const char *tsc_src = "none";
static bool tsc_ready;

u64 arch_clock_ns(void)
{
	u64 now;

	if (!READ_ONCE(tsc_ready))
		return 0;
	now = arch_cycles();
	/* 128-bit product: no wrap for the 64-bit range of ns (584 years). */
	return now > boot_tsc_entry ? clock_conv_apply(&tsc_to_ns,
						       now - boot_tsc_entry) : 0;
}

u64 arch_cycles_to_ns(u64 cycles)
{
	return READ_ONCE(tsc_ready) ? clock_conv_apply(&tsc_to_ns, cycles) : 0;
}

u64 arch_tsc_khz(void)
{
	return tsc_freq / 1000;
}

u64 tsc_hz(void)
{
	return tsc_freq;
}

u64 lapic_timer_hz(void)
{
	if (!lapic_freq && lapic_calib_pending)
		lapic_calibrate_finish();
	return lapic_freq;
}

const char *tsc_source(void)
{
	return tsc_src;
}

/* ---- CPUID sources ------------------------------------------------------ */

static u64 tsc_from_cpuid15(void)
{
	u32 max = cpuid(0, 0).eax;
	struct cpuid_regs r;

	if (max < 0x15)
		return 0;
	r = cpuid(0x15, 0);	/* TSC/crystal = EBX/EAX, ECX = crystal Hz */
	if (!r.eax || !r.ebx)
		return 0;
	if (r.ecx)
		return (u64)r.ecx * r.ebx / r.eax;
	/* No crystal value: leaf 0x16 gives the nominal (TSC) MHz. */
	if (max >= 0x16 && (cpuid(0x16, 0).eax & 0xffff))
		return (u64)(cpuid(0x16, 0).eax & 0xffff) * 1000000;
	return 0;
}

static bool under_hypervisor(void)
{
	return cpuid(1, 0).ecx & (1u << 31);
}

/* VMware-style timing leaf (QEMU/KVM "vmware-cpuid-freq"). */
static u64 tsc_from_hv_leaf(u64 *lapic_hz)
{
	struct cpuid_regs r;

	if (!under_hypervisor() || cpuid(0x40000000, 0).eax < 0x40000010)
		return 0;
	r = cpuid(0x40000010, 0);	/* EAX TSC kHz, EBX APIC bus kHz */
	if (r.ebx)
		*lapic_hz = (u64)r.ebx * 1000 / LAPIC_TIMER_DIVIDER;
	return (u64)r.eax * 1000;
}

/* ---- kvmclock ----------------------------------------------------------- */

struct pvclock_vcpu_time_info {
	u32 version;		/* odd while the hypervisor updates */
	u32 pad0;
	u64 tsc_timestamp;
	u64 system_time;	/* ns at tsc_timestamp */
	u32 tsc_to_system_mul;
	s8 tsc_shift;
	u8 flags;
	u8 pad[2];
} __packed;

struct pvclock_wall_clock {
	u32 version;
	u32 sec;		/* Unix time when system_time was 0 */
	u32 nsec;
} __packed;

/*
 * The hypervisor writes these by physical address while the MSRs point at
 * them (only inside kvmclock_snapshot(), boot CPU, interrupts off).
 */
static struct pvclock_vcpu_time_info kvm_pvti __aligned(64);
static struct pvclock_wall_clock kvm_wall __aligned(16);

struct kvm_snapshot {
	u32 mul;
	s8 shift;
	u64 now_ns;		/* kvmclock system time at tsc */
	u64 tsc;
	u64 wall_ns;		/* Unix ns at system time 0 */
};

static bool kvmclock_available(void)
{
	static const u32 bases[] = { 0x40000000, 0x40000100 };

#ifndef CONFIG_X86_KVMCLOCK
	return false;
#endif
	if (!under_hypervisor())
		return false;
	for (unsigned int i = 0; i < ARRAY_SIZE(bases); i++) {
		struct cpuid_regs r = cpuid(bases[i], 0);

		if (r.ebx == KVM_SIGNATURE_EBX && r.ecx == KVM_SIGNATURE_ECX &&
		    r.edx == KVM_SIGNATURE_EDX)
			return cpuid(bases[i] + 1, 0).eax & KVM_FEATURE_CLOCKSOURCE2;
	}
	return false;
}

static phys_addr_t image_phys(const void *p)
{
	return (phys_addr_t)((uintptr_t)p - KERNEL_VMA);
}

static u64 pvclock_scale(u64 delta, u32 mul, s8 shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (u64)(((unsigned __int128)delta * mul) >> 32);
}

/* Consistent copy of kvm_pvti plus a TSC read inside the same version. */
static int pvti_read(struct kvm_snapshot *s)
{
	for (int tries = 0; tries < 1000; tries++) {
		u32 v = READ_ONCE(kvm_pvti.version);
		u64 stamp, sys;

		if (!v || (v & 1))
			continue;
		barrier();
		stamp = READ_ONCE(kvm_pvti.tsc_timestamp);
		sys = READ_ONCE(kvm_pvti.system_time);
		s->mul = READ_ONCE(kvm_pvti.tsc_to_system_mul);
		s->shift = READ_ONCE(kvm_pvti.tsc_shift);
		s->tsc = arch_cycles();
		barrier();
		if (READ_ONCE(kvm_pvti.version) != v || !s->mul)
			continue;
		s->now_ns = sys + pvclock_scale(s->tsc - stamp, s->mul, s->shift);
		return 0;
	}
	return -EIO;
}

static int wall_read(u64 *ns)
{
	for (int tries = 0; tries < 1000; tries++) {
		u32 v = READ_ONCE(kvm_wall.version);
		u32 sec, nsec;

		if (v & 1)
			continue;
		barrier();
		sec = READ_ONCE(kvm_wall.sec);
		nsec = READ_ONCE(kvm_wall.nsec);
		barrier();
		if (READ_ONCE(kvm_wall.version) == v) {
			*ns = (u64)sec * NSEC_PER_SEC + nsec;
			return 0;
		}
	}
	return -EIO;
}

/* Turn kvmclock on just long enough to read it, then off again. */
static int kvmclock_snapshot(struct kvm_snapshot *s)
{
	int err;

	if (!kvmclock_available())
		return -ENODEV;
	WRITE_ONCE(kvm_pvti.version, 0);
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, image_phys(&kvm_pvti) | 1);
	err = pvti_read(s);
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);
	if (err)
		return err;
	/* The wall clock MSR is one-shot: the write fills the struct. */
	wrmsr(MSR_KVM_WALL_CLOCK_NEW, image_phys(&kvm_wall));
	return wall_read(&s->wall_ns);
}

/* ns = ((cycles << shift) * mul) >> 32, so Hz = 10^9 * 2^32 / mul >> shift. */
static u64 tsc_from_kvmclock(void)
{
	struct kvm_snapshot s;
	u64 hz;

	if (kvmclock_snapshot(&s))
		return 0;
	hz = (NSEC_PER_SEC << 32) / s.mul;
	return s.shift >= 0 ? hz >> s.shift : hz << -s.shift;
}

int kvmclock_wall_ns(u64 *wall_ns, u64 *tsc)
{
	struct kvm_snapshot s;
	int err = kvmclock_snapshot(&s);

	if (err)
		return err;
	*wall_ns = s.wall_ns + s.now_ns;
	*tsc = s.tsc;
	return 0;
}

/* ---- calibration ------------------------------------------------------- */

static u16 pit_ch0_read(void)
{
	u8 lo, hi;

	outb(PIT_MODE, PIT_CH0_LATCH);
	lo = inb(PIT_CH0_DATA);
	hi = inb(PIT_CH0_DATA);
	return (u16)(lo | (hi << 8));
}

/* One reading of all three counters, always in the same order. */
struct calib_sample {
	u16 pit;		/* counts down */
	u64 tsc;
	u32 lapic;		/* ticks since lapic_timer_count_start() */
};

static void calib_sample(struct calib_sample *s)
{
	s->pit = pit_ch0_read();
	s->tsc = arch_cycles();
	s->lapic = lapic_timer_count_elapsed();
}

/*
 * Count TSC cycles and LAPIC ticks against PIT channel 0 counting down
 * from 0xfffe for CONFIG_X86_CALIBRATE_MS. Both ends are sampled by the
 * same code in the same order, so the cost of a sample cancels out; the
 * first sample is thrown away because under TCG it also pays for code
 * translation. The counter is read back rather than waiting for OUT via
 * port 0x61, which microvm lacks and which costs a slow poll per check.
 * A missing PIT reads 0xffff, which a loaded counter never does.
 */
static int pit_calibrate(u64 *tsc_out, u64 *lapic_out)
{
	u64 window = PIT_HZ * CONFIG_X86_CALIBRATE_MS / 1000;
	u64 limit = (u64)CONFIG_X86_CALIBRATE_MS * 20000000;	/* 20x at 1 GHz */
	struct calib_sample a, b;
	int err = 0;

	outb(PIT_MODE, PIT_CH0_MODE0);
	outb(PIT_CH0_DATA, 0xfe);
	outb(PIT_CH0_DATA, 0xff);
	lapic_timer_count_start();
	calib_sample(&a);
	calib_sample(&a);
	if (a.pit == 0xffff) {
		err = -ENODEV;
		goto out;
	}
	do {
		calib_sample(&b);
		if (b.pit > a.pit || b.tsc - a.tsc > limit) {
			err = -ETIMEDOUT;
			goto out;
		}
	} while ((u64)(a.pit - b.pit) < window);
	*tsc_out = (b.tsc - a.tsc) * PIT_HZ / (u16)(a.pit - b.pit);
	*lapic_out = (u64)(b.lapic - a.lapic) * PIT_HZ / (u16)(a.pit - b.pit);
out:
	lapic_timer_stop();
	return err;
}

/*
 * Boot-time overlap. Waiting a whole calibration window would cost more
 * than the rest of boot under TCG, so the PIT window opens at the first
 * line of C (tsc_calibrate_begin) and closes in tsc_init(), a few ms of
 * real work later; only if too little time has passed do we wait for the
 * rest. The early sample is taken twice: the first pays for TCG's code
 * translation. A window longer than the PIT's 55 ms period may have
 * wrapped, so then a fresh, full calibration runs instead.
 */
static struct calib_sample early_pit;
static bool early_pit_valid;

void tsc_calibrate_begin(void)
{
	outb(PIT_MODE, PIT_CH0_MODE0);
	outb(PIT_CH0_DATA, 0xfe);
	outb(PIT_CH0_DATA, 0xff);
	early_pit.pit = pit_ch0_read();
	early_pit.pit = pit_ch0_read();
	early_pit.tsc = arch_cycles();
	early_pit_valid = early_pit.pit != 0xffff;
}

static int pit_calibrate_finish(u64 *tsc_out)
{
	u64 window = PIT_HZ * CONFIG_X86_CALIBRATE_MS / 1000;
	/* 40 ms at 5 GHz: beyond this the 55 ms counter may have wrapped. */
	const u64 wrap_guard = 200000000ULL;
	struct calib_sample b;

	if (!early_pit_valid)
		return -ENODEV;
	do {
		b.pit = pit_ch0_read();
		b.tsc = arch_cycles();
		if (b.pit > early_pit.pit || b.tsc - early_pit.tsc > wrap_guard)
			return -ETIMEDOUT;
	} while ((u64)(early_pit.pit - b.pit) < window);
	*tsc_out = (b.tsc - early_pit.tsc) * PIT_HZ /
		   (u16)(early_pit.pit - b.pit);
	return 0;
}

/*
 * LAPIC timer against the known TSC. The count starts in tsc_init() and
 * is read when the tick is first programmed (lapic_timer_hz()), so the
 * scheduler's setup runs inside the window instead of a busy wait.
 */
#define LAPIC_CALIB_MIN_NS	250000

static u64 lapic_calib_t0;
static u32 lapic_calib_l0;

static void lapic_calibrate_begin(void)
{
	lapic_timer_count_start();
	(void)lapic_timer_count_elapsed();	/* warm-up: pays TCG's translation */
	lapic_calib_t0 = arch_cycles();
	lapic_calib_l0 = lapic_timer_count_elapsed();
	lapic_calib_pending = true;
}

static void lapic_calibrate_finish(void)
{
	u64 window = tsc_freq / (NSEC_PER_SEC / LAPIC_CALIB_MIN_NS);
	u64 t1;
	u32 l1;

	do {
		t1 = arch_cycles();
	} while (t1 - lapic_calib_t0 < window);
	l1 = lapic_timer_count_elapsed();
	lapic_timer_stop();
	lapic_calib_pending = false;
	lapic_freq = (u64)(l1 - lapic_calib_l0) * tsc_freq /
		     (t1 - lapic_calib_t0);
	if (!lapic_freq)
		lapic_freq = LAPIC_HZ_GUESS;
}

static bool plausible(u64 hz)
{
	return hz >= TSC_HZ_MIN && hz <= TSC_HZ_MAX;
}

static void tsc_find_freq(void)
{
	u64 hz, lhz = 0;

	if (plausible(hz = tsc_from_cpuid15())) {
		tsc_src = "cpuid-15h";
	} else if (plausible(hz = tsc_from_hv_leaf(&lhz))) {
		tsc_src = "hypervisor-leaf";
	} else if (plausible(hz = tsc_from_kvmclock())) {
		tsc_src = "kvmclock";
	} else if (!pit_calibrate_finish(&hz) && plausible(hz)) {
		tsc_src = "pit";
	} else if (!pit_calibrate(&hz, &lhz) && plausible(hz)) {
		tsc_src = "pit";
	} else {
		pr_err("tsc: no frequency source; guessing %llu MHz\n",
		       TSC_HZ_GUESS / 1000000);
		hz = TSC_HZ_GUESS;
		lhz = 0;
		tsc_src = "guess";
	}
	tsc_freq = hz;
	if (!lapic_present())
		return;
	if (lhz)
		lapic_freq = lhz;
	else
		lapic_calibrate_begin();
}

void tsc_init(void)
{
	tsc_find_freq();
	if (clock_conv_init(&tsc_to_ns, tsc_freq, NSEC_PER_SEC))
		panic("tsc: no conversion for %llu Hz",
		      (unsigned long long)tsc_freq);
	WRITE_ONCE(tsc_ready, true);
}
