#ifndef CBENCHSUPPORT_H
#define CBENCHSUPPORT_H
#include <stddef.h>
/// Bytes of heap currently allocated by malloc (glibc's mallinfo2), or 0
/// where that is not available. Used by metrics-bench to measure memory per series.
size_t bench_heap_bytes_in_use(void);
#endif
