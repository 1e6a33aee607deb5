/* hardware/c/reference.c: chapter 11's proof in C. The network's FULLY_CONNECTED layers in plain
 * C99 and integers only, computed from the exported contract alone (network.h), checked against
 * the golden vectors (vectors.h) that `workbook export --format c` writes beside it.
 *
 * It reproduces TFLite Micro's FullyConnected (tensorflow/lite/kernels/internal/reference/
 * integer_ops/fully_connected.h) and its requantization (fixed_point.h, beside this file), whose
 * last shift rounds ties away from zero. With QW_FINAL_SHIFT_TIES_AWAY 0 in network.h it rounds
 * ties toward +inf instead, as LiteRT's optimized kernels do (cpu_backend_gemm_custom_gemv.h).
 *
 *   gcc -std=c99 -Wall -Wextra -Werror -I EXPORT_DIR hardware/c/reference.c -o reference
 *
 * Exit status 0 when every accumulator, output code and class equals the golden one, 1 otherwise. */
#include <stdint.h>
#include <stdio.h>

#include "fixed_point.h"
#include "network.h"
#include "vectors.h"

// snippet.layer
/* One FULLY_CONNECTED layer: every output channel's accumulator (11.1) and output code (11.4). */
static void fully_connected(const qw_layer *layer, const qw_code_t *input, int32_t *accumulators, qw_code_t *output) {
    for (int32_t c = 0; c < layer->output_count; c++) {
        const qw_weight_t *row = layer->weights + (size_t)c * (size_t)layer->input_count;
        int32_t acc = layer->bias[c];
        for (int32_t k = 0; k < layer->input_count; k++)
            acc += ((int32_t)row[k] - layer->weight_zero_points[c]) * ((int32_t)input[k] - layer->input_zero_point);
        accumulators[c] = acc;
        int64_t code = (int64_t)multiply_by_quantized_multiplier(acc, layer->multipliers[c], layer->shifts[c], QW_FINAL_SHIFT_TIES_AWAY)
                       + layer->output_zero_point;
        if (code < layer->output_min) code = layer->output_min;
        if (code > layer->output_max) code = layer->output_max;
        output[c] = (qw_code_t)code;
    }
}
// snippet.end

/* The class hardware reports instead of the softmax: the largest code, the first one on a tie. */
static int32_t argmax(const qw_code_t *codes, int32_t count) {
    int32_t best = 0;
    for (int32_t i = 1; i < count; i++)
        if (codes[i] > codes[best]) best = i;
    return best;
}

static long differences = 0, compared = 0;

/* Counts one comparison; prints the first few differences. */
static void check(const char *what, int vector, int layer, int32_t index, int32_t expected, int32_t observed) {
    compared++;
    if (expected == observed) return;
    if (++differences <= 10)
        printf("vector %d layer %d %s %d: expected %d, computed %d\n", vector, layer, what, (int)index, (int)expected, (int)observed);
}

// snippet.main
int main(void) {
    static qw_code_t codes[QW_LAYER_COUNT + 1][QW_MAX_WIDTH];  /* codes[l]: what layer l reads */
    static int32_t accumulators[QW_MAX_WIDTH];
    for (int v = 0; v < QW_VECTOR_COUNT; v++) {
        for (int32_t k = 0; k < QW_INPUT_COUNT; k++) codes[0][k] = qw_vectors_input[v * QW_INPUT_COUNT + k];
        for (int l = 0; l < QW_LAYER_COUNT; l++) {
            const qw_layer *layer = &qw_layers[l];
            fully_connected(layer, codes[l], accumulators, codes[l + 1]);  /* reads what we computed, not the golden codes */
            for (int32_t c = 0; c < layer->output_count; c++) {
                check("accumulator", v, l, c, qw_vectors_accumulators[l][v * layer->output_count + c], accumulators[c]);
                check("code", v, l, c, qw_vectors_outputs[l][v * layer->output_count + c], codes[l + 1][c]);
            }
        }
        check("class", v, QW_LAYER_COUNT - 1, 0, qw_vectors_classes[v], argmax(codes[QW_LAYER_COUNT], QW_CLASS_COUNT));
    }
    printf("%d vectors, %d layers, final shift ties %s: %ld values compared, %ld differ\n", QW_VECTOR_COUNT,
           QW_LAYER_COUNT, QW_FINAL_SHIFT_TIES_AWAY ? "away from zero (micro)" : "toward +inf (optimized)", compared, differences);
    return differences == 0 ? 0 : 1;
}
// snippet.end
