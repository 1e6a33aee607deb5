// The int8 inner loop on AVX2, for CPUs without VNNI: both operands widened to int16 and
// multiplied by vpmaddwd, which adds each adjacent pair of products into an int32 lane
// (16 products per instruction). It reads the VNNI layout: 16 bytes of a packed block are
// 4 channels × 4 k, which widen to 16 int16; the activations' 4 bytes, widened and repeated
// four times, line up with them. Each channel gets two lanes (k0+k1 and k2+k3), added at the end.
// (vpmaddubsw would multiply bytes directly but saturates its int16 pair sums: 255·127·2 > 32767.)
#include "FastKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define AVX2 __attribute__((target("avx2")))
enum { TILE_ROWS = 2 };

// [c0 c0 c1 c1 c2 c2 c3 c3] and [c4 c4 … c7 c7] pair sums → [c0 … c7].
static inline AVX2 __m256i add_pairs(__m256i low, __m256i high) {
    __m256i sums = _mm256_hadd_epi32(low, high);  // [c0 c1 c4 c5 | c2 c3 c6 c7]
    return _mm256_permute4x64_epi64(sums, 0xD8);
}

static inline __attribute__((always_inline)) AVX2 void tile(
    const int rows, const uint8_t *a, size_t lda, const int8_t *w, int groups, const int32_t *bias,
    int32_t *acc, size_t ldc) {
    __m256i sums[TILE_ROWS][4];  // per image: channels 0–3, 4–7, 8–11, 12–15, two lanes each
    for (int r = 0; r < rows; r++)
        for (int q = 0; q < 4; q++) sums[r][q] = _mm256_setzero_si256();
    for (int g = 0; g < groups; g++) {
        __m256i weights[4];
        for (int q = 0; q < 4; q++)
            weights[q] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + 64 * (size_t)g + 16 * q)));
        for (int r = 0; r < rows; r++) {
            int32_t four;
            memcpy(&four, a + r * lda + 4 * (size_t)g, 4);
            __m256i x = _mm256_cvtepu8_epi16(_mm_set1_epi32(four));
            for (int q = 0; q < 4; q++) sums[r][q] = _mm256_add_epi32(sums[r][q], _mm256_madd_epi16(x, weights[q]));
        }
    }
    for (int r = 0; r < rows; r++) {
        __m256i low = _mm256_add_epi32(add_pairs(sums[r][0], sums[r][1]), _mm256_loadu_si256((const __m256i *)bias));
        __m256i high = _mm256_add_epi32(add_pairs(sums[r][2], sums[r][3]), _mm256_loadu_si256((const __m256i *)(bias + 8)));
        _mm256_storeu_si256((__m256i *)(acc + r * ldc), low);
        _mm256_storeu_si256((__m256i *)(acc + r * ldc + 8), high);
    }
}

AVX2 void fk_gemm_u8s8_avx2(const uint8_t *a, size_t lda, int rows, const int8_t *packed,
                            int groups, int blocks, const int32_t *bias, int32_t *acc, size_t ldc) {
    const size_t blockBytes = 64 * (size_t)groups;
    for (int p = 0; p < blocks; p++) {
        const int8_t *w = packed + p * blockBytes;
        for (int r = 0; r < rows; r += TILE_ROWS) {
            if (rows - r >= 2) tile(2, a + r * lda, lda, w, groups, bias + 16 * p, acc + r * ldc + 16 * p, ldc);
            else tile(1, a + r * lda, lda, w, groups, bias + 16 * p, acc + r * ldc + 16 * p, ldc);
        }
    }
}
#else
void fk_gemm_u8s8_avx2(const uint8_t *a, size_t lda, int rows, const int8_t *packed,
                       int groups, int blocks, const int32_t *bias, int32_t *acc, size_t ldc) {
    (void)a; (void)lda; (void)rows; (void)packed; (void)groups; (void)blocks; (void)bias; (void)acc; (void)ldc;
}
#endif
