/*
 * Spinlocks. Every lock in the kernel disables interrupts while held
 * (spin_lock_irqsave), so an interrupt handler may take any lock without
 * deadlocking against the code it interrupted on the same CPU.
 */
#ifndef FERRITE_SPINLOCK_H
#define FERRITE_SPINLOCK_H

#include <ferrite/arch.h>

typedef struct spinlock {
	volatile u32 locked;	/* 0 free, 1 held; changed atomically */
#ifdef CONFIG_DEBUG_SPINLOCK
	const char *name;
	void *owner_pc;
#endif
} spinlock_t;

#define SPINLOCK_INIT { 0 }
#define DEFINE_SPINLOCK(n) spinlock_t n = SPINLOCK_INIT

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
}

static inline void spin_lock_raw(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			arch_cpu_relax();
}

static inline void spin_unlock_raw(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = arch_irq_save();

	spin_lock_raw(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock_raw(l);
	arch_irq_restore(flags);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

#endif
