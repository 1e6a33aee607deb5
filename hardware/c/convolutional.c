/* hardware/c/convolutional.c: chapter 17's proof in C. A CNN's layers (CONV_2D,
 * DEPTHWISE_CONV_2D, MAX_POOL_2D, AVERAGE_POOL_2D, MEAN and FULLY_CONNECTED) in plain C99 and
 * integers only, computed from the exported contract alone (network.h), checked against the
 * golden vectors (vectors.h) that `workbook export --format c` writes for a CNN.
 *
 * It follows TFLite's reference kernels: reference_integer_ops::ConvPerChannel and
 * DepthwiseConvPerChannel (tensorflow/lite/kernels/internal/reference/integer_ops/conv.h,
 * depthwise_conv.h), MaxPool and AveragePool (pooling.h), QuantizedMeanOrSum (reference/
 * reduce.h), FullyConnected, and the requantization of fixed_point.h with each layer's own
 * final rounding.
 *
 *   gcc -std=c99 -Wall -Wextra -Werror -I EXPORT_DIR hardware/c/convolutional.c -o convolutional
 *
 * Exit status 0 when every accumulator, output code and class equals the golden one, 1 otherwise. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fixed_point.h"
#include "network.h"
#include "vectors.h"

/* [H][W][C], the channels of a pixel together (NHWC, batch 1). */
static int32_t at(int32_t y, int32_t x, int32_t c, int32_t width, int32_t channels) {
    return (y * width + x) * channels + c;
}

/* Requantize (11.2)-(11.4), add Z3, clamp: one output code from one accumulator. */
static qw_code_t requantize(const qw_layer *layer, int32_t acc, int32_t channel) {
    int64_t code = (int64_t)multiply_by_quantized_multiplier(acc, layer->multipliers[channel], layer->shifts[channel],
                                                             layer->final_shift_ties_away) + layer->output_zero_point;
    if (code < layer->output_min) code = layer->output_min;
    if (code > layer->output_max) code = layer->output_max;
    return (qw_code_t)code;
}

// snippet.window
/* One output pixel's value in one channel: the window's taps that lie on the image, the others
 * skipped (a convolution's tap there would read Z1, and (Z1 - Z1) adds 0). The convolutions and
 * MEAN return their int32 accumulator; the poolings their code before the clamp. */
static int32_t window(const qw_layer *l, const qw_code_t *input, int32_t y, int32_t x, int32_t o) {
    int32_t acc = l->bias != NULL ? l->bias[o] : 0, best = INT32_MIN, sum = 0, taps = 0;
    int32_t row_length = l->window_height * l->window_width * l->input_channels;  /* CONV_2D's filter row */
    for (int32_t i = 0; i < l->window_height; i++) {
        int32_t row = y * l->stride_height - l->padding_top + i * l->dilation_height;
        if (row < 0 || row >= l->input_height) continue;
        for (int32_t j = 0; j < l->window_width; j++) {
            int32_t column = x * l->stride_width - l->padding_left + j * l->dilation_width;
            if (column < 0 || column >= l->input_width) continue;
            int32_t tap = i * l->window_width + j;
            switch (l->kind) {
            case QW_CONV_2D:
            case QW_FULLY_CONNECTED:  /* a 1 x 1 convolution of a 1 x 1 image */
                for (int32_t k = 0; k < l->input_channels; k++)
                    acc += ((int32_t)l->weights[o * row_length + tap * l->input_channels + k] - l->weight_zero_points[o])
                           * ((int32_t)input[at(row, column, k, l->input_width, l->input_channels)] - l->input_zero_point);
                break;
            case QW_DEPTHWISE_CONV_2D:  /* output channel o reads input channel o / m; the filter is [1][KH][KW][C*m] */
                acc += ((int32_t)l->weights[tap * l->output_channels + o] - l->weight_zero_points[o])
                       * ((int32_t)input[at(row, column, o / l->depth_multiplier, l->input_width, l->input_channels)] - l->input_zero_point);
                break;
            case QW_MEAN:
                acc += (int32_t)input[at(row, column, o, l->input_width, l->input_channels)] - l->input_zero_point;
                break;
            default: {  /* the poolings read their own channel */
                int32_t code = input[at(row, column, o, l->input_width, l->input_channels)];
                if (code > best) best = code;
                sum += code;
                taps++;
            }
            }
        }
    }
    if (l->kind == QW_MAX_POOL_2D) return best;  /* a window always has a tap on the image */
    if (l->kind == QW_AVERAGE_POOL_2D)           /* (15.1): to nearest, ties away from zero; C's / truncates */
        return sum > 0 ? (sum + taps / 2) / taps : (sum - taps / 2) / taps;
    return acc;
}
// snippet.end

/* One layer: every output pixel, every channel; the accumulators kept for the check. */
static void layer_compute(const qw_layer *l, const qw_code_t *input, int32_t *accumulators, qw_code_t *output) {
    int multiplies = l->multipliers != NULL;
    for (int32_t y = 0; y < l->output_height; y++)
        for (int32_t x = 0; x < l->output_width; x++)
            for (int32_t o = 0; o < l->output_channels; o++) {
                int32_t index = at(y, x, o, l->output_width, l->output_channels);
                int32_t value = window(l, input, y, x, o);
                if (multiplies) {
                    accumulators[index] = value;
                    output[index] = requantize(l, value, o);
                } else {  /* a pooling keeps its input's quantization: only the activation's clamp */
                    if (value < l->output_min) value = l->output_min;
                    if (value > l->output_max) value = l->output_max;
                    output[index] = (qw_code_t)value;
                }
            }
}

static int32_t argmax(const qw_code_t *codes, int32_t count) {
    int32_t best = 0;
    for (int32_t i = 1; i < count; i++)
        if (codes[i] > codes[best]) best = i;
    return best;
}

static long differences = 0, compared = 0;

static void check(const char *what, int vector, int layer, int32_t index, int32_t expected, int32_t observed) {
    compared++;
    if (expected == observed) return;
    if (++differences <= 10)
        printf("vector %d layer %d %s %d: expected %d, computed %d\n", vector, layer, what, (int)index, (int)expected, (int)observed);
}

int main(void) {
    static qw_code_t codes[2][QW_MAX_WIDTH];  /* what a layer reads, and what it writes */
    static int32_t accumulators[QW_MAX_WIDTH];
    for (int v = 0; v < QW_VECTOR_COUNT; v++) {
        for (int32_t k = 0; k < QW_INPUT_COUNT; k++) codes[0][k] = qw_vectors_input[v * QW_INPUT_COUNT + k];
        int current = 0;
        for (int l = 0; l < QW_LAYER_COUNT; l++) {
            const qw_layer *layer = &qw_layers[l];
            int32_t count = layer->output_height * layer->output_width * layer->output_channels;
            layer_compute(layer, codes[current], accumulators, codes[1 - current]);  /* reads what we computed */
            current = 1 - current;
            for (int32_t i = 0; i < count; i++) {
                if (qw_vectors_accumulators[l] != NULL)
                    check("accumulator", v, l, i, qw_vectors_accumulators[l][(long)v * count + i], accumulators[i]);
                check("code", v, l, i, qw_vectors_outputs[l][(long)v * count + i], codes[current][i]);
            }
        }
        check("class", v, QW_LAYER_COUNT - 1, 0, qw_vectors_classes[v], argmax(codes[current], QW_CLASS_COUNT));
    }
    printf("%d vectors, %d layers:", QW_VECTOR_COUNT, QW_LAYER_COUNT);
    for (int l = 0; l < QW_LAYER_COUNT; l++) {
        static const char *const names[] = {"CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "AVERAGE_POOL_2D", "MEAN", "FULLY_CONNECTED"};
        printf(" %s%s", names[qw_layers[l].kind], l + 1 < QW_LAYER_COUNT ? "," : "");
    }
    printf("; %ld values compared, %ld differ\n", compared, differences);
    return differences == 0 ? 0 : 1;
}
