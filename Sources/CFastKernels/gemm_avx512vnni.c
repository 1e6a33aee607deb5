// The int8 inner loop on AVX-512 VNNI: vpdpbusd multiplies 64 unsigned bytes by 64 signed
// bytes and adds each group of four products into one of 16 int32 lanes: 64 multiply-adds
// per instruction. One lane is one output channel, so a 64-byte block of packed weights is
// 16 channels × 4 consecutive k, and the activations' 4 bytes at k are broadcast to all lanes.
// A tile keeps `rows` images × 32 channels in registers, so each weight block loaded serves
// every image of the tile, and each broadcast serves 32 channels. A group of 4 k where every
// image of the tile has only zero bytes adds nothing (0·s = 0, exactly), so the tile skips it:
// MNIST's digits sit in a blank border, so many of the first layer's groups are.
#include "FastKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define VNNI __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")))
enum { TILE_ROWS = 6 };

static inline VNNI __m512i broadcast_four_bytes(const uint8_t *p) {
    int32_t four;
    memcpy(&four, p, 4);  // any alignment
    return _mm512_set1_epi32(four);
}

// `rows` (1…TILE_ROWS) images × `width` (1 or 2) blocks of 16 channels. Inlined with
// constant rows and width, so that the arrays below live in registers.
static inline __attribute__((always_inline)) VNNI void tile(
    const int rows, const int width, const uint8_t *a, size_t lda, const int8_t *w, size_t blockBytes,
    const int32_t *used, int usedCount, const int32_t *bias, int32_t *acc, size_t ldc) {
    __m512i sums[TILE_ROWS][2];
    for (int b = 0; b < width; b++) {
        __m512i start = _mm512_loadu_si512(bias + 16 * b);
        for (int r = 0; r < rows; r++) sums[r][b] = start;
    }
    for (int i = 0; i < usedCount; i++) {
        const int g = used ? used[i] : i;  // no list: every group
        __m512i weights[2];
        for (int b = 0; b < width; b++) weights[b] = _mm512_loadu_si512(w + b * blockBytes + 64 * (size_t)g);
        for (int r = 0; r < rows; r++) {
            __m512i x = broadcast_four_bytes(a + r * lda + 4 * (size_t)g);
            for (int b = 0; b < width; b++) sums[r][b] = _mm512_dpbusd_epi32(sums[r][b], x, weights[b]);
        }
    }
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < width; b++) _mm512_storeu_si512(acc + r * ldc + 16 * b, sums[r][b]);
}

#define ROWS_CASES(WIDTH)                                                                      \
    switch (rows - r) {                                                                        \
    case 1: tile(1, WIDTH, ar, lda, w, blockBytes, used, usedCount, bias + 16 * p, accr, ldc); break;   \
    case 2: tile(2, WIDTH, ar, lda, w, blockBytes, used, usedCount, bias + 16 * p, accr, ldc); break;   \
    case 3: tile(3, WIDTH, ar, lda, w, blockBytes, used, usedCount, bias + 16 * p, accr, ldc); break;   \
    case 4: tile(4, WIDTH, ar, lda, w, blockBytes, used, usedCount, bias + 16 * p, accr, ldc); break;   \
    case 5: tile(5, WIDTH, ar, lda, w, blockBytes, used, usedCount, bias + 16 * p, accr, ldc); break;   \
    default: tile(6, WIDTH, ar, lda, w, blockBytes, used, usedCount, bias + 16 * p, accr, ldc); break;  \
    }

// For each tile of TILE_ROWS images, the groups in which some image has a byte that is not 0.
static int used_groups(const uint8_t *a, size_t lda, int rows, int groups, int32_t *used) {
    int count = 0;
    for (int g = 0; g < groups; g++) {
        uint32_t any = 0;
        for (int r = 0; r < rows; r++) {
            uint32_t four;
            memcpy(&four, a + r * lda + 4 * (size_t)g, 4);
            any |= four;
        }
        if (any) used[count++] = g;
    }
    return count;
}

VNNI void fk_gemm_u8s8_avx512vnni(const uint8_t *a, size_t lda, int rows, const int8_t *packed,
                                  int groups, int blocks, const int32_t *bias, int32_t *acc, size_t ldc) {
    const size_t blockBytes = 64 * (size_t)groups;
    const int tiles = (rows + TILE_ROWS - 1) / TILE_ROWS;
    int32_t *lists = malloc(sizeof(int32_t) * (size_t)tiles * (size_t)groups);
    int *counts = malloc(sizeof(int) * (size_t)tiles);
    if (lists && counts) {
        for (int t = 0; t < tiles; t++) {
            int r = t * TILE_ROWS, n = rows - r < TILE_ROWS ? rows - r : TILE_ROWS;
            counts[t] = used_groups(a + r * lda, lda, n, groups, lists + (size_t)t * groups);
        }
    } else {  // out of memory: no lists, every group of every tile
        free(lists); free(counts);
        lists = NULL; counts = NULL;
    }
    // Channels outside, images inside: a pair of weight panels (K·32 bytes, 25 KB for K = 784)
    // stays in the L1 cache while every image of the batch passes over it.
    for (int p = 0; p < blocks; p += 2) {
        const int8_t *w = packed + p * blockBytes;
        for (int r = 0, t = 0; r < rows; r += TILE_ROWS, t++) {
            const uint8_t *ar = a + r * lda;
            int32_t *accr = acc + r * ldc + 16 * p;
            const int32_t *used = lists ? lists + (size_t)t * groups : NULL;
            const int usedCount = lists ? counts[t] : groups;
            if (blocks - p >= 2) { ROWS_CASES(2) } else { ROWS_CASES(1) }
        }
    }
    free(lists);
    free(counts);
}
#else
void fk_gemm_u8s8_avx512vnni(const uint8_t *a, size_t lda, int rows, const int8_t *packed,
                             int groups, int blocks, const int32_t *bias, int32_t *acc, size_t ldc) {
    (void)a; (void)lda; (void)rows; (void)packed; (void)groups; (void)blocks; (void)bias; (void)acc; (void)ldc;
}
#endif
