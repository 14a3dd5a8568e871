/*
 * The periodic tick: the boot CPU's LAPIC timer in periodic mode at the
 * rate tsc_init() measured. Each interrupt is acknowledged first, then
 * handed to kernel/ as timer_tick(); the trap return decides about
 * preemption.
 */
#include <ferrite/arch.h>
#include <ferrite/printk.h>
#include <asm/x86.h>
#include <asm/platform.h>

static void timer_interrupt(struct trap_frame *tf, void *data)
{
	/* EOI first: timer_tick() may lead to a switch away from here. */
	lapic_eoi();
	timer_tick();
}

void arch_timer_start(unsigned int hz)
{
	u64 rate = lapic_timer_hz();
	u64 count;

	if (!hz || !lapic_present() || !rate) {
		pr_err("timer: no LAPIC timer (rate %llu, hz %u); no tick\n",
		       (unsigned long long)rate, hz);
		return;
	}
	count = (rate + hz / 2) / hz;
	if (!count)
		count = 1;
	if (count > 0xffffffffULL)
		count = 0xffffffffULL;
	if (x86_set_irq_handler(VECTOR_LAPIC_TIMER, timer_interrupt, NULL)) {
		pr_err("timer: vector %#x is taken\n", VECTOR_LAPIC_TIMER);
		return;
	}
	lapic_timer_periodic(VECTOR_LAPIC_TIMER, (u32)count);
	pr_info("timer: LAPIC periodic at %u Hz (%llu ticks of %llu Hz)\n",
		hz, (unsigned long long)count, (unsigned long long)rate);
}
