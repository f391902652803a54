#include "ccpu.h"

static int next_thread_index;

int ccpu_next_thread_index(void) {
    // Wraps after 2^31 threads; only the low bits pick a stripe.
    return __atomic_fetch_add(&next_thread_index, 1, __ATOMIC_RELAXED) & 0x7fffffff;
}
