/* A test-and-test-and-set lock for the shards. Critical sections are a few
 * dozen instructions, so a release is a plain store instead of the atomic
 * exchange a mutex needs; after a short spin the waiter yields the CPU,
 * which matters on machines with fewer cores than threads. */
#ifndef MC_CACHE_SPINLOCK_H
#define MC_CACHE_SPINLOCK_H

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct mc_spinlock {
    atomic_bool held;
} mc_spinlock;

static inline void mc_spin_init(mc_spinlock *lock)
{
    atomic_init(&lock->held, false);
}

static inline void mc_spin_lock(mc_spinlock *lock)
{
    for (unsigned spins = 0;; ++spins) {
        if (!atomic_load_explicit(&lock->held, memory_order_relaxed) &&
            !atomic_exchange_explicit(&lock->held, true, memory_order_acquire))
            return;
        if (spins >= 64) sched_yield();
    }
}

static inline void mc_spin_unlock(mc_spinlock *lock)
{
    atomic_store_explicit(&lock->held, false, memory_order_release);
}

#endif
