// Chapter 17 — `workbook export` of a CNN: the contract and the golden vectors in chapter 11's
// six formats. The array files (mem, coe, mif, npy) are written exactly as chapter 11 writes
// them; what differs is the description of the layers:
//   c     network.h: one `qw_layer` struct per layer (its kind, its geometry, its integers),
//         for hardware/c/convolutional.c; vectors.h: the golden vectors
//   mem   the arrays only: chapter 11's Verilog datapath is a FULLY_CONNECTED layer, and a
//         convolution's is not part of this book
//   npy   the arrays, and layerN_parameters.npy with each layer's scalars
//   json  network.json and vectors.json

import Ch01TFLiteFile
import Ch06Requantize
import Ch11Hardware
import Ch14Convolution
import JSONText

public struct ConvolutionalExport: Sendable {
    public let contract: ConvolutionalContract
    public let vectors: ConvolutionalVectors
    public let modelPath: String
    public let command: String

    public init(contract: ConvolutionalContract, vectors: ConvolutionalVectors, modelPath: String, command: String) {
        (self.contract, self.vectors, self.modelPath, self.command) = (contract, vectors, modelPath, command)
    }

    var arrays: [(name: String, make: @Sendable () -> ExportArray)] {
        contract.arrays.map { array in (array.name, { array }) } + vectors.arrayMakers(contract)
    }

    /// Every file of one format, README.md last, each made only when it is written.
    public func writers(_ format: ExportFormat) -> [ExportedFileWriter] {
        let export = self
        let files: [ExportedFileWriter] = switch format {
        case .c: [ExportedFileWriter("network.h") { export.cNetworkHeader() },
                  ExportedFileWriter("vectors.h", pieces: { try export.cVectorsHeader($0) })]
        case .mem: arrays.map { array in ExportedFileWriter("\(array.name).mem", pieces: { try array.make().mem($0) }) }
        case .coe: arrays.map { array in ExportedFileWriter("\(array.name).coe", pieces: { try array.make().coe($0) }) }
        case .mif: arrays.map { array in ExportedFileWriter("\(array.name).mif", pieces: { try array.make().mif($0) }) }
        case .npy: (arrays + contract.parameterArrays.map { array in (array.name, { array }) }).map { array in
            ExportedFileWriter("\(array.name).npy", bytes: { array.make().npy() })
        }
        case .json: [ExportedFileWriter("network.json") { export.networkJSON() },
                     ExportedFileWriter("vectors.json", pieces: { try export.vectorsJSON($0) })]
        }
        let names = files.map(\.name)
        return files + [ExportedFileWriter("README.md") { export.readme(format, files: names) }]
    }

    var provenance: String {
        "the integer contract of \(modelPath), \(contract.family.rawValue) kernels, with \(vectors.vectors.count) golden vectors from \(vectors.source)"
    }

    // MARK: C

    func cNetworkHeader() -> String {
        var out = """
            /* network.h: \(provenance).
             * Written by `\(command)`; see README.md beside it, and chapter 17.
             * One qw_layer per computing operator, in order, each reading what the one before it wrote;
             * hardware/c/convolutional.c computes them. */
            #ifndef QW_NETWORK_H
            #define QW_NETWORK_H

            #include <stddef.h>
            #include <stdint.h>

            #define QW_LAYER_COUNT \(contract.layers.count)
            #define QW_INPUT_COUNT \(contract.inputCount)
            #define QW_CLASS_COUNT \(contract.classCount)
            /* The largest image or vector any layer reads or writes. */
            #define QW_MAX_WIDTH \(contract.widestTensor)

            /* What a layer computes (qw_layer.kind). */

            """
        for kind in LayerKind.allCases { out += "#define \(kind.cName) \(kind.rawValue)\n" }
        out += """

            typedef \(contract.weightType == .int8 ? "int8_t" : "uint8_t") qw_weight_t;  /* q_w */
            typedef \(contract.codeType == .int8 ? "int8_t" : "uint8_t") qw_code_t;    /* every layer's input and output codes */

            typedef struct {
                int32_t kind;                          /* QW_CONV_2D, ... */
                int32_t operator_index;                /* in the .tflite file */
                int32_t input_height, input_width, input_channels;     /* [H][W][C]; a vector is 1 x 1 x N */
                int32_t output_height, output_width, output_channels;
                int32_t window_height, window_width;   /* the filter or pooling window; MEAN: the whole image */
                int32_t stride_height, stride_width;
                int32_t dilation_height, dilation_width;
                int32_t padding_top, padding_left;     /* window (y, x) starts at row y*stride - top, column x*stride - left */
                int32_t depth_multiplier;              /* DEPTHWISE_CONV_2D: output channel o reads input channel o / m */
                int32_t input_zero_point;              /* Z1 */
                int32_t output_zero_point;             /* Z3 */
                int32_t output_min, output_max;        /* the clamp */
                int32_t final_shift_ties_away;         /* 1: ties away from zero; 0: toward +inf */
                const qw_weight_t *weights;            /* as TFLite stores them; NULL for the poolings and MEAN */
                const int32_t *weight_zero_points;     /* Z2, [output_channels] */
                const int32_t *bias;                   /* [output_channels] */
                const int32_t *multipliers;            /* M0, [output_channels]; NULL for the poolings */
                const int32_t *shifts;                 /* [output_channels], negative: a right shift */
            } qw_layer;


            """
        for array in contract.arrays {
            array.cDeclaration(elementType: array.cElementType) { out += $0 }
            out += "\n"
        }
        out += "static const qw_layer qw_layers[QW_LAYER_COUNT] = {\n"
        for (index, layer) in contract.layers.enumerated() {
            let name = "qw_layer\(index)"
            func pointer(_ suffix: String, _ present: Bool) -> String { present ? "\(name)_\(suffix)" : "NULL" }
            let (weighted, multiplies) = (!layer.weights.isEmpty, layer.kind.multiplies)
            out += "    {.kind = \(layer.kind.cName), .operator_index = \(layer.operatorIndex),\n"
            out += "     .input_height = \(layer.input.height), .input_width = \(layer.input.width), .input_channels = \(layer.input.channels),\n"
            out += "     .output_height = \(layer.output.height), .output_width = \(layer.output.width), .output_channels = \(layer.output.channels),\n"
            out += "     .window_height = \(layer.windowHeight), .window_width = \(layer.windowWidth), "
            out += ".stride_height = \(layer.strideHeight), .stride_width = \(layer.strideWidth),\n"
            out += "     .dilation_height = \(layer.dilationHeight), .dilation_width = \(layer.dilationWidth), "
            out += ".padding_top = \(layer.paddingTop), .padding_left = \(layer.paddingLeft), .depth_multiplier = \(layer.depthMultiplier),\n"
            out += "     .input_zero_point = \(layer.inputZeroPoint), .output_zero_point = \(layer.outputZeroPoint), "
            out += ".output_min = \(layer.outputMinimum), .output_max = \(layer.outputMaximum), "
            out += ".final_shift_ties_away = \(layer.rounding == .tiesAwayFromZero ? 1 : 0),\n"
            out += "     .weights = \(pointer("weights", weighted)), .weight_zero_points = \(pointer("weight_zero_points", weighted)), "
            out += ".bias = \(pointer("bias", weighted)),\n"
            out += "     .multipliers = \(pointer("multipliers", multiplies)), .shifts = \(pointer("shifts", multiplies))},\n"
        }
        out += "};\n\n"
        if let softmax = contract.softmax { out += softmax.cDefines }
        return out + "#endif\n"
    }

    /// vectors.h, an array at a time.
    func cVectorsHeader(_ emit: (String) throws -> Void) throws {
        try emit("""
            /* vectors.h: \(vectors.vectors.count) golden vectors from \(vectors.source), computed by the workbook's
             * \(contract.family.rawValue) kernels (chapter 16), which match TFLite bit for bit.
             * Written by `\(command)`. Vector v of an array of width n starts at element v * n. */
            #ifndef QW_VECTORS_H
            #define QW_VECTORS_H

            #include "network.h"

            #define QW_VECTOR_COUNT \(vectors.vectors.count)


            """)
        for (_, make) in vectors.arrayMakers(contract) {
            let array = make()
            try array.cDeclaration(elementType: array.cElementType, emit)
            try emit("\n")
        }
        let layers = contract.layers.enumerated()
        var out = "/* Layer by layer, for loops over QW_LAYER_COUNT; NULL where a layer has no accumulators (the poolings). */\n"
        out += "static const int32_t *const qw_vectors_accumulators[QW_LAYER_COUNT] = {"
            + layers.map { $1.hasAccumulators ? "qw_vectors_layer\($0)_accumulators" : "NULL" }.joined(separator: ", ") + "};\n"
        out += "static const qw_code_t *const qw_vectors_outputs[QW_LAYER_COUNT] = {"
            + layers.map { "qw_vectors_layer\($0.offset)_outputs" }.joined(separator: ", ") + "};\n\n"
        try emit(out + "#endif\n")
    }

    // MARK: JSON

    func networkJSON() -> String {
        func list(_ values: [Int32]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }
        func shape(_ image: ImageShape) -> String { "[\(image.height), \(image.width), \(image.channels)]" }
        var out = "{\"model\": \(JSON.quote(modelPath)), \"command\": \(JSON.quote(command)),\n"
        out += " \"kernels\": \(JSON.quote(contract.family.rawValue)),\n"
        out += " \"codeType\": \(JSON.quote(contract.codeType.description)), \"weightType\": \(JSON.quote(contract.weightType.description)),\n"
        out += " \"layers\": [\n"
        out += contract.layers.map { layer in
            var text = "  {\"kind\": \(JSON.quote(layer.kind.operatorName)), \"operator\": \(layer.operatorIndex), "
            text += "\"inputTensor\": \(layer.inputTensor), \"outputTensor\": \(layer.outputTensor),\n"
            text += "   \"input\": \(shape(layer.input)), "
            text += "\"output\": \(shape(layer.output)), "
            text += "\"window\": [\(layer.windowHeight), \(layer.windowWidth)], \"strides\": [\(layer.strideHeight), \(layer.strideWidth)], "
            text += "\"dilation\": [\(layer.dilationHeight), \(layer.dilationWidth)], \"paddingTopLeft\": [\(layer.paddingTop), \(layer.paddingLeft)], "
            text += "\"depthMultiplier\": \(layer.depthMultiplier),\n"
            text += "   \"inputZeroPoint\": \(layer.inputZeroPoint), \"outputZeroPoint\": \(layer.outputZeroPoint), "
            text += "\"outputMinimum\": \(layer.outputMinimum), \"outputMaximum\": \(layer.outputMaximum), "
            text += "\"finalRounding\": \(JSON.quote(layer.rounding.rawValue))"
            if !layer.weights.isEmpty {
                text += ",\n   \"weightZeroPoints\": \(list(layer.weightZeroPoints)),\n   \"bias\": \(list(layer.bias))"
            }
            if layer.kind.multiplies {
                text += ",\n   \"multipliers\": \(list(layer.multipliers)),\n   \"shifts\": \(list(layer.shifts))"
            }
            if !layer.weights.isEmpty {
                text += ",\n   \"weightsShape\": [" + layer.weightsShape.map(String.init).joined(separator: ", ") + "], \"weights\": \(list(layer.weights))"
            }
            return text + "}"
        }.joined(separator: ",\n")
        out += "],\n"
        if let softmax = contract.softmax {
            out += " \"softmax\": {\"operator\": \(softmax.operatorIndex), \"inputMultiplier\": \(softmax.inputMultiplier), "
            out += "\"inputLeftShift\": \(softmax.inputLeftShift), \"diffMin\": \(softmax.diffMin), \"outputZeroPoint\": \(softmax.outputZeroPoint)},\n"
        } else {
            out += " \"softmax\": null,\n"
        }
        out += " \"class\": \"the index of the last layer's largest output code, the first on a tie\"}\n"
        return out
    }

    /// vectors.json, a vector at a time; a pooling layer has outputs and no accumulators.
    func vectorsJSON(_ out: (String) throws -> Void) throws {
        func list(_ values: [Int32]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }
        try out("{\"source\": \(JSON.quote(vectors.source)), \"count\": \(vectors.vectors.count), \"vectors\": [\n")
        for (index, vector) in vectors.vectors.enumerated() {
            var text = (index > 0 ? ",\n" : "") + " {\"input\": \(list(vector.input)),\n  \"layers\": [\n"
            text += contract.layers.indices.map { layer in
                (contract.layers[layer].hasAccumulators ? "   {\"accumulators\": \(list(vector.accumulators[layer])),\n    " : "   {")
                    + "\"outputs\": \(list(vector.outputs[layer]))}"
            }.joined(separator: ",\n")
            try out(text + "],\n  \"class\": \(vector.predictedClass)}")
        }
        try out("]}\n")
    }
}
