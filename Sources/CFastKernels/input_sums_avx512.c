// The last term of (13.1) for legacy uint8 layers, a[c]·Σ_k u[k], on AVX-512: vpsadbw adds
// 64 bytes into 8 sums per instruction, then one vpmulld and vpaddd per 16 channels. Wraps
// modulo 2^32 like the rest of the accumulator.
#include "FastKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw")))

AVX512 void fk_add_input_sums_avx512(const uint8_t *a, size_t lda, int rows, int k, const int32_t *factor, int n,
                                     int32_t *acc, size_t ldc) {
    for (int r = 0; r < rows; r++) {
        const uint8_t *row = a + r * lda;
        __m512i sums = _mm512_setzero_si512();
        for (int i = 0; i < k; i += 64) {
            __mmask64 m = k - i >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (k - i)) - 1);
            sums = _mm512_add_epi64(sums, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(m, row + i), _mm512_setzero_si512()));
        }
        const __m512i total = _mm512_set1_epi32((int32_t)_mm512_reduce_add_epi64(sums));
        for (int c = 0; c < n; c += 16) {
            __mmask16 m = n - c >= 16 ? 0xFFFF : (__mmask16)((1u << (n - c)) - 1);
            int32_t *out = acc + r * ldc + c;
            __m512i term = _mm512_mullo_epi32(_mm512_maskz_loadu_epi32(m, factor + c), total);
            _mm512_mask_storeu_epi32(out, m, _mm512_add_epi32(_mm512_maskz_loadu_epi32(m, out), term));
        }
    }
}
#else
void fk_add_input_sums_avx512(const uint8_t *a, size_t lda, int rows, int k, const int32_t *factor, int n,
                              int32_t *acc, size_t ldc) {
    (void)a; (void)lda; (void)rows; (void)k; (void)factor; (void)n; (void)acc; (void)ldc;
}
#endif
