// Chapter 11 — the C export: network.h holds the contract (one `qw_layer` struct per layer and
// the const arrays it points to), vectors.h the golden vectors. Only <stdint.h> types, C99,
// so that hardware/c/reference.c compiles with `gcc -std=c99 -Wall -Wextra -Werror`.

extension HardwareExport {
    func cArray(_ array: ExportArray, _ emit: (String) throws -> Void) rethrows {
        try array.cDeclaration(elementType: array.cElementType, emit)
    }

    func cArray(_ array: ExportArray) -> String {
        var out = ""
        cArray(array) { out += $0 }
        return out
    }

    func cNetworkHeader() -> String {
        let widest = ([contract.inputCount] + contract.layers.map(\.outputCount)).max()!
        var out = """
            /* network.h: \(provenance).
             * Written by `\(command)`; see README.md beside it.
             *
             * Every layer computes, for each output channel c, in integers only (chapter 11):
             *   (11.1) acc[c] = bias[c] + sum_k (weights[c][k] - weight_zero_points[c]) * (input[k] - input_zero_point)
             *   (11.2) x = acc[c] * 2^max(shift[c], 0), kept to 32 bits
             *   (11.3) h = SRDHM(x, multipliers[c]): the high 32 bits of 2*x*M0, rounded, ties toward +inf
             *   (11.4) output[c] = clamp(output_zero_point + round(h / 2^max(-shift[c], 0)), output_min, output_max),
             *          the last rounding ties \(contract.rounding == .tiesAwayFromZero ? "away from zero (QW_FINAL_SHIFT_TIES_AWAY 1)" : "toward +inf (QW_FINAL_SHIFT_TIES_AWAY 0)").
             * A per-tensor layer repeats its one zero point, M0 and shift for every channel. */
            #ifndef QW_NETWORK_H
            #define QW_NETWORK_H

            #include <stdint.h>

            #define QW_LAYER_COUNT \(contract.layers.count)
            #define QW_INPUT_COUNT \(contract.inputCount)
            #define QW_CLASS_COUNT \(contract.classCount)
            /* The longest vector any layer reads or writes. */
            #define QW_MAX_WIDTH \(widest)
            /* 1: micro (TFLite Micro, gemmlowp RoundingDivideByPOT); 0: optimized (LiteRT's builtin kernels). */
            #define QW_FINAL_SHIFT_TIES_AWAY \(tiesAway)

            typedef \(contract.weightType == .int8 ? "int8_t" : "uint8_t") qw_weight_t;  /* q_w */
            typedef \(contract.codeType == .int8 ? "int8_t" : "uint8_t") qw_code_t;    /* the input's and every layer's output codes */

            typedef struct {
                int32_t operator_index;               /* in the .tflite file */
                int32_t input_count, output_count;
                int32_t input_zero_point;             /* Z1 */
                int32_t output_zero_point;            /* Z3 */
                int32_t output_min, output_max;       /* the clamp of (11.4) */
                const qw_weight_t *weights;           /* [output_count][input_count], row-major */
                const int32_t *weight_zero_points;    /* Z2, [output_count] */
                const int32_t *bias;                  /* [output_count] */
                const int32_t *multipliers;           /* M0, [output_count] */
                const int32_t *shifts;                /* [output_count], negative: a right shift */
            } qw_layer;


            """
        for array in contract.arrays { out += cArray(array) + "\n" }
        out += "static const qw_layer qw_layers[QW_LAYER_COUNT] = {\n"
        for (index, layer) in contract.layers.enumerated() {
            out += "    {.operator_index = \(layer.operatorIndex), .input_count = \(layer.inputCount), .output_count = \(layer.outputCount),\n"
            out += "     .input_zero_point = \(layer.inputZeroPoint), .output_zero_point = \(layer.outputZeroPoint),\n"
            out += "     .output_min = \(layer.outputMinimum), .output_max = \(layer.outputMaximum),\n"
            out += "     .weights = qw_layer\(index)_weights, .weight_zero_points = qw_layer\(index)_weight_zero_points,\n"
            out += "     .bias = qw_layer\(index)_bias, .multipliers = qw_layer\(index)_multipliers, .shifts = qw_layer\(index)_shifts},\n"
        }
        out += "};\n\n"
        if let softmax = contract.softmax { out += softmax.cDefines }
        return out + "#endif\n"
    }

    /// vectors.h, an array at a time.
    func cVectorsHeader(_ emit: (String) throws -> Void) rethrows {
        var out = """
            /* vectors.h: \(vectors.vectors.count) golden vectors from \(vectors.source), computed by the workbook's
             * \(contract.family.rawValue) kernels (chapter 9), which match TFLite bit for bit.
             * Written by `\(command)`. Vector v of an array of width n starts at element v * n. */
            #ifndef QW_VECTORS_H
            #define QW_VECTORS_H

            #include "network.h"

            #define QW_VECTOR_COUNT \(vectors.vectors.count)


            """
        try emit(out)
        for (_, make) in vectors.arrayMakers(contract) {
            try cArray(make(), emit)
            try emit("\n")
        }
        out = ""
        let layers = contract.layers.indices
        out += "/* Layer by layer, for loops over QW_LAYER_COUNT. */\n"
        out += "static const int32_t *const qw_vectors_accumulators[QW_LAYER_COUNT] = {"
            + layers.map { "qw_vectors_layer\($0)_accumulators" }.joined(separator: ", ") + "};\n"
        out += "static const qw_code_t *const qw_vectors_outputs[QW_LAYER_COUNT] = {"
            + layers.map { "qw_vectors_layer\($0)_outputs" }.joined(separator: ", ") + "};\n\n"
        try emit(out + "#endif\n")
    }
}

extension SoftmaxContract {
    /// The softmax's integers as network.h defines them, for chapter 11's export and chapter 17's.
    package var cDefines: String {
        """
        /* The softmax (operator \(operatorIndex)) as chapter 8's fixed-point kernel prepares it; hardware
         * usually skips it and reports the argmax of the last layer's codes, the first on a tie. */
        #define QW_SOFTMAX_INPUT_MULTIPLIER \(inputMultiplier)
        #define QW_SOFTMAX_INPUT_LEFT_SHIFT \(inputLeftShift)
        #define QW_SOFTMAX_DIFF_MIN (\(diffMin))
        #define QW_SOFTMAX_OUTPUT_ZERO_POINT (\(outputZeroPoint))


        """
    }
}

extension ExportArray {
    /// The C type of the array's elements: the weights and the codes keep their 8-bit types; zero
    /// points and shifts widen to int32_t, so the layer struct reads every per-channel value alike.
    package var cElementType: String {
        if name.hasSuffix("_weights") { return "qw_weight_t" }
        if name.hasPrefix("vectors_") && type.bits == 8 { return "qw_code_t" }
        return "int32_t"
    }

    /// `static const TYPE qw_NAME[count] = {…};`, with a comment saying what it holds.
    package func cDeclaration(elementType: String, _ emit: (String) throws -> Void) rethrows {
        let perLine = type.bits == 8 ? 16 : 8
        try emit("/* \(summary): \(shapeText), row-major. */\n" + "static const \(elementType) qw_\(name)[\(values.count)] = {\n")
        try Self.cValues(values, perLine: perLine, emit)
        try emit("\n};\n")
    }

    /// One C initializer list, `perLine` values to a line, handed on a megabyte at a time.
    package static func cValues(_ values: [Int32], perLine: Int, _ emit: (String) throws -> Void) rethrows {
        var out = ""
        for start in stride(from: 0, to: values.count, by: perLine) {
            if start > 0 { out += "\n" }
            out += "    " + values[start..<min(start + perLine, values.count)].map { value in
                // −2^31 cannot be written as a literal of type int: C parses it as −(2^31).
                value == Int32.min ? "(-2147483647 - 1)" : String(value)
            }.joined(separator: ", ") + ","
            if out.utf8.count >= pieceSize { try emit(out); out = "" }
        }
        try emit(out)
    }
}
