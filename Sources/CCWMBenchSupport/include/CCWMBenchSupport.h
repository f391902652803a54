#ifndef CBENCHSUPPORT_H
#define CBENCHSUPPORT_H
#include <stddef.h>
/// Bytes of heap currently allocated by malloc (glibc's mallinfo2), or 0
/// where that is not available. Used by metrics-bench to measure memory per series.
size_t bench_heap_bytes_in_use(void);

/// Runs argv[0] (looked up in PATH) with an empty signal mask and default
/// signal dispositions, and copies up to `capacity - 1` bytes of its standard
/// output into `output` (NUL-terminated). Returns the exit status, or -1.
/// Needed for `openssl speed`, which times itself with SIGALRM: a child
/// spawned from a Swift process can inherit a mask that blocks it.
int bench_run_capturing(char *const argv[], char *output, size_t capacity);
#endif
