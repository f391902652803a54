// A small per-thread index for striping (counters, the series registry's
// readers), a spin-wait's back-off, and the slot of `put`'s per-thread cache.
#ifndef CCPU_H
#define CCPU_H

#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <time.h>

/// Hands out the next thread index (0, 1, 2, ... in order of first use).
int ccpu_next_thread_index(void);

/// This thread's index: assigned on the thread's first call, then read from
/// thread-local storage (one load; no system call, unlike sched_getcpu).
/// Threads that start one after another get consecutive indexes, so the
/// busy threads of a program rarely share a stripe.
static inline int ccpu_thread_index(void) {
    static __thread int index = -1;
    if (__builtin_expect(index < 0, 0)) index = ccpu_next_thread_index();
    return index;
}

/// A stripe hint for this thread: the CPU it ran on when last asked,
/// refreshed every 256 calls (sched_getcpu costs a few nanoseconds; this,
/// one thread-local load and decrement). Threads running at the same time
/// are on different CPUs, so they get different hints, unlike thread
/// indexes, which can collide modulo a small stripe count. Where the CPU is
/// unknown, the thread index.
static inline int ccpu_stripe_hint(void) {
    static __thread int cpu = -1;
    static __thread unsigned countdown = 0;
    if (__builtin_expect(countdown == 0, 0)) {
#if defined(__linux__)
        cpu = sched_getcpu();
#endif
        if (cpu < 0) cpu = ccpu_thread_index();
        countdown = 256;
    }
    countdown--;
    return cpu;
}

/// This thread's `put` cache (an object of MetricsCore's, retained once),
/// or NULL before the thread's first `put`. One thread-local load.
extern __thread void *ccpu_put_cache_slot;
static inline void *ccpu_put_cache(void) { return ccpu_put_cache_slot; }

/// Installs this thread's `put` cache; `release` is called with it when the
/// thread exits (a pthread key's destructor), and the slot is cleared.
void ccpu_set_put_cache(void *cache, void (*release)(void *));

/// Gives the CPU to another thread of the same priority, if one is ready.
static inline void ccpu_yield(void) { sched_yield(); }

/// Sleeps for `nanoseconds`: the CPU goes to any thread, of any priority
/// (a real-time thread's sched_yield would only go to its own priority).
static inline void ccpu_sleep_ns(long nanoseconds) {
    struct timespec delay = {nanoseconds / 1000000000L, nanoseconds % 1000000000L};
    nanosleep(&delay, 0);
}

#endif
