#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

/// Counts heap allocations made by the calling thread between
/// allocation_counter_start() and allocation_counter_stop().
///
/// On Linux the test binary defines malloc and friends, forwarding to
/// glibc's __libc_* entry points, so every allocation of the process goes
/// through it; the count is thread-local, so tests running in parallel on
/// other threads do not disturb it. Elsewhere it is not available.

/// 1 when counting works on this platform.
int allocation_counter_available(void);
/// Starts counting this thread's allocations from zero.
void allocation_counter_start(void);
/// Stops counting and returns the number of allocations since start.
long allocation_counter_stop(void);

#endif
