// SHA-256 block compression (FIPS 180-4), written for this package.
//
// Two implementations of the same function: portable C, and one built on
// the x86 SHA extensions (SHA-NI), selected at run time with CPUID so one
// binary runs everywhere. The SHA-NI path is compiled with a function-level
// target attribute: no special compiler flags are needed for the package.

#include "CCWMSHA256.h"

#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// ---------------------------------------------------------------- portable

static inline uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void compress_portable(uint32_t state[8], const uint8_t *data, size_t blocks) {
    uint32_t w[64];
    while (blocks--) {
        for (int t = 0; t < 16; t++) w[t] = load_be32(data + 4 * t);
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            uint32_t choose = (e & f) ^ (~e & g);
            uint32_t t1 = h + big_s1 + choose + K[t] + w[t];
            uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
            uint32_t t2 = big_s0 + majority;
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
        data += 64;
    }
}

// ------------------------------------------------------------------ SHA-NI

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

// Four rounds: add the round constants to four message words, then two
// sha256rnds2 (each does two rounds, reading the low then high 64 bits).
#define FOUR_ROUNDS(msg, k_index)                                             \
    do {                                                                      \
        __m128i wk = _mm_add_epi32((msg), _mm_loadu_si128((const __m128i *)&K[(k_index)])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                         \
        wk = _mm_shuffle_epi32(wk, 0x0E);                                     \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);                         \
    } while (0)

// Next four message words from the previous sixteen:
// w[t] = s1(w[t-2]) + w[t-7] + s0(w[t-15]) + w[t-16].
#define SCHEDULE(w16, w12, w8, w4)                                            \
    _mm_sha256msg2_epu32(                                                     \
        _mm_add_epi32(_mm_sha256msg1_epu32((w16), (w12)), _mm_alignr_epi8((w4), (w8), 4)), \
        (w4))

SHA_TARGET
static void compress_sha_ni(uint32_t state[8], const uint8_t *data, size_t blocks) {
    // The instructions want the state as ABEF and CDGH (high to low lanes).
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    while (blocks--) {
        const __m128i abef_before = abef;
        const __m128i cdgh_before = cdgh;

        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 0)), byte_swap);
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), byte_swap);
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), byte_swap);
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), byte_swap);

        FOUR_ROUNDS(w0, 0);
        FOUR_ROUNDS(w1, 4);
        FOUR_ROUNDS(w2, 8);
        FOUR_ROUNDS(w3, 12);
        for (int k = 16; k < 64; k += 16) {
            w0 = SCHEDULE(w0, w1, w2, w3); FOUR_ROUNDS(w0, k);
            w1 = SCHEDULE(w1, w2, w3, w0); FOUR_ROUNDS(w1, k + 4);
            w2 = SCHEDULE(w2, w3, w0, w1); FOUR_ROUNDS(w2, k + 8);
            w3 = SCHEDULE(w3, w0, w1, w2); FOUR_ROUNDS(w3, k + 12);
        }

        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
        data += 64;
    }

    // Back from ABEF/CDGH to DCBA/HGFE.
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    dcba = _mm_blend_epi16(feba, dchg, 0xF0);
    hgfe = _mm_alignr_epi8(dchg, feba, 8);
    _mm_storeu_si128((__m128i *)&state[0], dcba);
    _mm_storeu_si128((__m128i *)&state[4], hgfe);
}

static int cpu_has_sha_extensions(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int ssse3 = (ecx >> 9) & 1;
    int sse41 = (ecx >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}
#else
static int cpu_has_sha_extensions(void) { return 0; }
#endif

// ----------------------------------------------------------------- dispatch

// -1: not checked yet. Every thread computes the same answer, so a race on
// first use is harmless; an atomic keeps it defined (and ThreadSanitizer quiet).
static int has_sha_extensions = -1;

int csha256_uses_sha_extensions(void) {
    int known = __atomic_load_n(&has_sha_extensions, __ATOMIC_RELAXED);
    if (known < 0) {
        known = cpu_has_sha_extensions();
        __atomic_store_n(&has_sha_extensions, known, __ATOMIC_RELAXED);
    }
    return known;
}

void csha256_compress_portable(uint32_t state[8], const uint8_t *data, size_t blocks) {
    compress_portable(state, data, blocks);
}

void csha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks) {
#if defined(__x86_64__) || defined(__i386__)
    if (csha256_uses_sha_extensions()) {
        compress_sha_ni(state, data, blocks);
        return;
    }
#endif
    compress_portable(state, data, blocks);
}
