#include "ccpu.h"
#include <pthread.h>

static int next_thread_index;

int ccpu_next_thread_index(void) {
    // Wraps after 2^31 threads; only the low bits pick a stripe.
    return __atomic_fetch_add(&next_thread_index, 1, __ATOMIC_RELAXED) & 0x7fffffff;
}

__thread void *ccpu_put_cache_slot;

static pthread_key_t put_cache_key;
static pthread_once_t put_cache_once = PTHREAD_ONCE_INIT;
// Set by every thread's first `put` (always the same function), read at
// thread exit: atomic, so that the first puts of two threads do not race.
static void (*put_cache_release)(void *);

static void put_cache_destroy(void *cache) {
    ccpu_put_cache_slot = 0;
    void (*release)(void *) = __atomic_load_n(&put_cache_release, __ATOMIC_ACQUIRE);
    if (cache && release) release(cache);
}

static void put_cache_make_key(void) { pthread_key_create(&put_cache_key, put_cache_destroy); }

void ccpu_set_put_cache(void *cache, void (*release)(void *)) {
    pthread_once(&put_cache_once, put_cache_make_key);
    __atomic_store_n(&put_cache_release, release, __ATOMIC_RELEASE);
    ccpu_put_cache_slot = cache;
    pthread_setspecific(put_cache_key, cache);
}
