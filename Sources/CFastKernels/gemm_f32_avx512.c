// The float model's layers on AVX-512: 16 channels per register, a fused multiply-add per k.
// Used only for the agreement line of `workbook eval` (how often the quantized network and
// the float model predict the same digit); its sums are added in a different order from
// TFLite's, so a float tensor can differ in its last bits (chapter 13 says so).
#include "FastKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,fma")))
enum { TILE_ROWS = 6 };

static inline __attribute__((always_inline)) AVX512 void tile(
    const int rows, const int width, const float *a, size_t lda, int k, const float *w, size_t blockFloats,
    const float *bias, float *out, size_t ldc) {
    __m512 sums[TILE_ROWS][2];
    for (int b = 0; b < width; b++) {
        __m512 start = _mm512_loadu_ps(bias + 16 * b);
        for (int r = 0; r < rows; r++) sums[r][b] = start;
    }
    for (int i = 0; i < k; i++) {
        __m512 weights[2];
        for (int b = 0; b < width; b++) weights[b] = _mm512_loadu_ps(w + b * blockFloats + 16 * (size_t)i);
        for (int r = 0; r < rows; r++) {
            __m512 x = _mm512_set1_ps(a[r * lda + i]);
            for (int b = 0; b < width; b++) sums[r][b] = _mm512_fmadd_ps(x, weights[b], sums[r][b]);
        }
    }
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < width; b++) _mm512_storeu_ps(out + r * ldc + 16 * b, sums[r][b]);
}

#define ROWS_CASES(WIDTH)                                                                           \
    switch (rows - r) {                                                                             \
    case 1: tile(1, WIDTH, ar, lda, k, w, blockFloats, bias + 16 * p, outr, ldc); break;            \
    case 2: tile(2, WIDTH, ar, lda, k, w, blockFloats, bias + 16 * p, outr, ldc); break;            \
    case 3: tile(3, WIDTH, ar, lda, k, w, blockFloats, bias + 16 * p, outr, ldc); break;            \
    case 4: tile(4, WIDTH, ar, lda, k, w, blockFloats, bias + 16 * p, outr, ldc); break;            \
    case 5: tile(5, WIDTH, ar, lda, k, w, blockFloats, bias + 16 * p, outr, ldc); break;            \
    default: tile(6, WIDTH, ar, lda, k, w, blockFloats, bias + 16 * p, outr, ldc); break;           \
    }

AVX512 void fk_gemm_f32_avx512(const float *a, size_t lda, int rows, int k, const float *packed,
                               int blocks, const float *bias, float *out, size_t ldc) {
    const size_t blockFloats = 16 * (size_t)k;
    for (int p = 0; p < blocks; p += 2) {
        const float *w = packed + p * blockFloats;
        for (int r = 0; r < rows; r += TILE_ROWS) {
            const float *ar = a + r * lda;
            float *outr = out + r * ldc + 16 * p;
            if (blocks - p >= 2) { ROWS_CASES(2) } else { ROWS_CASES(1) }
        }
    }
}
#else
void fk_gemm_f32_avx512(const float *a, size_t lda, int rows, int k, const float *packed,
                        int blocks, const float *bias, float *out, size_t ldc) {
    (void)a; (void)lda; (void)rows; (void)k; (void)packed; (void)blocks; (void)bias; (void)out; (void)ldc;
}
#endif
