#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// Compresses `blocks` consecutive 64-byte blocks of `data` into the eight
/// 32-bit words of `state` (FIPS 180-4 SHA-256). Uses the x86 SHA extensions
/// when the CPU has them (checked once, with CPUID), portable C otherwise.
void csha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks);

/// 1 when csha256_compress uses the SHA extensions on this CPU.
int csha256_uses_sha_extensions(void);

/// csha256_compress, always with the portable C implementation (for tests
/// and benchmarks that compare the two).
void csha256_compress_portable(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
