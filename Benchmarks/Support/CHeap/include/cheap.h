// Bytes of heap in use, by malloc's own accounting (glibc's mallinfo2);
// 0 where the C library has no such count.
#ifndef CHEAP_H
#define CHEAP_H
#include <stddef.h>
size_t cheap_bytes_in_use(void);
#endif
