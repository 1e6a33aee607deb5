// Chapter 6's four requantizations and chapter 7's clamp, 8 or 16 channels per instruction,
// each the same integers as the scalar functions it mirrors (Requantize/FamilyArithmetic.swift):
// the tests compare them on every accumulator edge. One change of order, the same numbers:
// the product is clamped to [lo − Z3, hi − Z3] before it is rounded, not after. Both bounds
// are integers and rounding never crosses an integer, so clamp-then-round equals
// round-then-clamp, and the clamped value is small enough for every step to be exact.
#include "FastKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))

static inline AVX512 __mmask16 first16(int count) { return count >= 16 ? 0xFFFF : (__mmask16)((1u << count) - 1); }
static inline AVX512 __mmask8 first8(int count) { return count >= 8 ? 0xFF : (__mmask8)((1u << count) - 1); }

// xnnpack: f32(acc) · f32 scale, round half to even (cvtps2dq under the default MXCSR).
AVX512 void fk_requantize_float32_avx512(const int32_t *acc, int n, const float *scale,
                                         int32_t z3, int32_t lo, int32_t hi, int32_t outputOffset, uint8_t *out) {
    const __m512 low = _mm512_set1_ps((float)(lo - z3)), high = _mm512_set1_ps((float)(hi - z3));
    const __m512i shift = _mm512_set1_epi32(z3 + outputOffset);
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = first16(n - i);
        __m512 product = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_maskz_loadu_epi32(m, acc + i)),
                                       _mm512_maskz_loadu_ps(m, scale + i));
        product = _mm512_min_ps(_mm512_max_ps(product, low), high);
        __m512i code = _mm512_add_epi32(_mm512_cvtps_epi32(product), shift);
        _mm512_mask_cvtepi32_storeu_epi8(out + i, m, code);
    }
}

// reference: double(acc) · double M, rounded half away from zero (C's round): truncate, then
// step away from zero when the part cut off is at least one half (exact: |product| is small).
AVX512 void fk_requantize_double_avx512(const int32_t *acc, int n, const double *multiplier,
                                        int32_t z3, int32_t lo, int32_t hi, int32_t outputOffset, uint8_t *out) {
    const __m512d low = _mm512_set1_pd((double)(lo - z3)), high = _mm512_set1_pd((double)(hi - z3));
    const __m512d half = _mm512_set1_pd(0.5), minusHalf = _mm512_set1_pd(-0.5), one = _mm512_set1_pd(1.0);
    const __m256i shift = _mm256_set1_epi32(z3 + outputOffset);
    for (int i = 0; i < n; i += 8) {
        __mmask8 m = first8(n - i);
        __m512d product = _mm512_mul_pd(_mm512_cvtepi32_pd(_mm256_maskz_loadu_epi32(m, acc + i)),
                                        _mm512_maskz_loadu_pd(m, multiplier + i));
        product = _mm512_min_pd(_mm512_max_pd(product, low), high);
        __m512d whole = _mm512_roundscale_pd(product, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        __m512d cut = _mm512_sub_pd(product, whole);
        whole = _mm512_mask_add_pd(whole, _mm512_cmp_pd_mask(cut, half, _CMP_GE_OQ), whole, one);
        whole = _mm512_mask_sub_pd(whole, _mm512_cmp_pd_mask(cut, minusHalf, _CMP_LE_OQ), whole, one);
        __m256i code = _mm256_add_epi32(_mm512_cvttpd_epi32(whole), shift);
        _mm256_mask_cvtepi32_storeu_epi8(out + i, m, code);
    }
}

// optimized and micro: (6.5) in 64-bit lanes. h = SRDHM(acc·2^ℓ, M0): the product, plus 2^30
// (1 − 2^30 below zero), divided by 2^31 truncating toward zero; then h / 2^ρ rounded with
// ties toward +∞ (optimized) or away from zero (micro).
AVX512 void fk_requantize_fixed_avx512(const int32_t *acc, int n, const int32_t *m0, const int32_t *leftShift,
                                       const int32_t *rightShift, int tiesAway,
                                       int32_t z3, int32_t lo, int32_t hi, int32_t outputOffset, uint8_t *out) {
    const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi64(1);
    const __m512i upNudge = _mm512_set1_epi64(1LL << 30), downNudge = _mm512_set1_epi64(1 - (1LL << 30));
    const __m512i towardZero = _mm512_set1_epi64((1LL << 31) - 1);
    const __m512i low = _mm512_set1_epi64((int64_t)lo - z3), high = _mm512_set1_epi64((int64_t)hi - z3);
    const __m256i shift = _mm256_set1_epi32(z3 + outputOffset);
    for (int i = 0; i < n; i += 8) {
        __mmask8 m = first8(n - i);
        // acc·2^ℓ keeps its low 32 bits, as vshlq_s32 does (HighMultiply.shifted).
        __m256i shifted = _mm256_sllv_epi32(_mm256_maskz_loadu_epi32(m, acc + i), _mm256_maskz_loadu_epi32(m, leftShift + i));
        __m512i product = _mm512_mul_epi32(_mm512_cvtepi32_epi64(shifted), _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(m, m0 + i)));
        __m512i nudged = _mm512_add_epi64(product, _mm512_mask_blend_epi64(_mm512_cmplt_epi64_mask(product, zero), upNudge, downNudge));
        nudged = _mm512_mask_add_epi64(nudged, _mm512_cmplt_epi64_mask(nudged, zero), nudged, towardZero);
        __m512i h = _mm512_srai_epi64(nudged, 31);
        __m512i rho = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(m, rightShift + i));
        __m512i mask = _mm512_sub_epi64(_mm512_sllv_epi64(one, rho), one);  // 2^ρ − 1
        __m512i result;
        if (tiesAway) {
            // gemmlowp RoundingDivideByPOT: (h >> ρ) + (remainder > threshold), threshold one more below zero.
            __m512i remainder = _mm512_and_si512(h, mask);
            __m512i threshold = _mm512_srai_epi64(mask, 1);
            threshold = _mm512_mask_add_epi64(threshold, _mm512_cmplt_epi64_mask(h, zero), threshold, one);
            result = _mm512_srav_epi64(h, rho);
            result = _mm512_mask_add_epi64(result, _mm512_cmpgt_epi64_mask(remainder, threshold), result, one);
        } else {
            // floor((h + 2^(ρ−1)) / 2^ρ); nothing to add when ρ = 0.
            __m512i halfStep = _mm512_srli_epi64(_mm512_add_epi64(mask, one), 1);
            result = _mm512_srav_epi64(_mm512_add_epi64(h, halfStep), rho);
        }
        result = _mm512_min_epi64(_mm512_max_epi64(result, low), high);
        __m256i code = _mm256_add_epi32(_mm512_cvtepi64_epi32(result), shift);
        _mm256_mask_cvtepi32_storeu_epi8(out + i, m, code);
    }
}
#else
void fk_requantize_float32_avx512(const int32_t *acc, int n, const float *scale,
                                  int32_t z3, int32_t lo, int32_t hi, int32_t outputOffset, uint8_t *out) {
    (void)acc; (void)n; (void)scale; (void)z3; (void)lo; (void)hi; (void)outputOffset; (void)out;
}
void fk_requantize_double_avx512(const int32_t *acc, int n, const double *multiplier,
                                 int32_t z3, int32_t lo, int32_t hi, int32_t outputOffset, uint8_t *out) {
    (void)acc; (void)n; (void)multiplier; (void)z3; (void)lo; (void)hi; (void)outputOffset; (void)out;
}
void fk_requantize_fixed_avx512(const int32_t *acc, int n, const int32_t *m0, const int32_t *leftShift,
                                const int32_t *rightShift, int tiesAway,
                                int32_t z3, int32_t lo, int32_t hi, int32_t outputOffset, uint8_t *out) {
    (void)acc; (void)n; (void)m0; (void)leftShift; (void)rightShift; (void)tiesAway;
    (void)z3; (void)lo; (void)hi; (void)outputOffset; (void)out;
}
#endif
