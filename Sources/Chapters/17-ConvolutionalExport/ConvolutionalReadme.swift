// Chapter 17 — README.md inside a CNN's export: what each kind of layer computes with the
// files, the layers with their geometry, the arrays, and the packing (chapter 11's).

import Ch06Requantize
import Ch11Hardware

extension ConvolutionalExport {
    func readme(_ format: ExportFormat, files: [String]) -> String {
        var out = """
            # \(modelPath): the integer contract, \(contract.family.rawValue) kernels

            This directory holds \(provenance).
            It was written by `\(command)`, chapter 17 of the Quantization Workbook.

            ## What each layer computes

            Images are [H][W][C], row after row, the channels of a pixel together (TFLite's NHWC, batch 1); a vector is a 1×1 image.
            Tap (i, j) of the window of output pixel (y, x) reads input row y·stride_h − top + i·dilation_h and column x·stride_w − left + j·dilation_w.
            Taps outside the image are skipped: in a convolution they would read Z1, whose (q − Z1) is 0.

                CONV_2D            acc[o] = bias[o] + Σ_{i,j,k} (weights[o][i][j][k] − weight_zero_points[o]) · (input[r][s][k] − Z1)
                DEPTHWISE_CONV_2D  acc[o] = bias[o] + Σ_{i,j}   (weights[0][i][j][o] − weight_zero_points[o]) · (input[r][s][o / m] − Z1)
                FULLY_CONNECTED    acc[o] = bias[o] + Σ_k       (weights[o][k] − weight_zero_points[o]) · (input[k] − Z1)
                MEAN               acc[c] = Σ_{r,s} (input[r][s][c] − Z1), over the whole image
                then               output = clamp(Z3 + MultiplyByQuantizedMultiplier(acc, multipliers[o], shifts[o]), minimum, maximum)
                MAX_POOL_2D        output = clamp(the largest code of the taps on the image)
                AVERAGE_POOL_2D    output = clamp((Σ + n/2) / n if Σ > 0, else (Σ − n/2) / n), n the taps on the image, C division

            MultiplyByQuantizedMultiplier is chapter 11's (11.2)–(11.4): a left shift by max(shift, 0), the high 32 bits of 2·x·M0 rounded (ties toward +∞), then a rounding right shift by max(−shift, 0) whose ties go as the layer's final rounding says.
            The flattening before the first FULLY_CONNECTED layer moves no value: the vector is the image's codes in the order they lie.
            The class is the index of the last layer's largest code, the first one on a tie.

            | layer | operator | kind | input | output | window | strides | dilation | top, left | Z1 | Z3 | minimum | maximum | final rounding |
            |---|---|---|---|---|---|---|---|---|---|---|---|---|---|

            """
        for (index, layer) in contract.layers.enumerated() {
            out += "| \(index) | \(layer.operatorIndex) | \(layer.kind.operatorName)\(layer.depthMultiplier > 1 ? " ×\(layer.depthMultiplier)" : "") | "
            out += "\(layer.input) | \(layer.output) | \(layer.windowHeight)×\(layer.windowWidth) | \(layer.strideHeight), \(layer.strideWidth) | "
            out += "\(layer.dilationHeight), \(layer.dilationWidth) | \(layer.paddingTop), \(layer.paddingLeft) | "
            out += "\(layer.inputZeroPoint) | \(layer.outputZeroPoint) | \(layer.outputMinimum) | \(layer.outputMaximum) | "
            out += "\(layer.kind.multiplies ? layer.rounding.rawValue : "none") |\n"
        }
        if let softmax = contract.softmax {
            out += "\nThe softmax (operator \(softmax.operatorIndex)), if you need probabilities, as chapter 8's fixed-point kernel prepares it: "
            out += "input_multiplier = \(softmax.inputMultiplier), input_left_shift = \(softmax.inputLeftShift), diff_min = \(softmax.diffMin), "
            out += "output codes from \(softmax.outputZeroPoint).\n"
        }
        out += "\n## The arrays\n\n| array | holds | shape | type |\n|---|---|---|---|\n"
        for make in arrays.map(\.make) + (format == .npy ? contract.parameterArrays.map { array in { array } } : []) {
            let array = make()
            out += "| `\(array.name)` | \(array.summary) | \(array.shapeText) | \(array.type.rawValue) |\n"
        }
        out += "\nZero points are int16 because they can be int8 or uint8 values (−128…255).\n"
        out += "A per-tensor layer repeats its one zero point, M0 and shift for every channel.\n"
        out += "The golden vectors are [vector][element]: vector v of an array of width n starts at element v·n.\n"
        out += "\n## Packing (\(format.rawValue))\n\n" + packing(format) + "\n"
        out += "\n## Files\n\n" + files.map { "- `\($0)`" }.joined(separator: "\n") + "\n"
        return out
    }

    func packing(_ format: ExportFormat) -> String {
        switch format {
        case .c:
            """
            `network.h` holds the contract as C99 `static const` arrays, row-major, and `qw_layers`, one `qw_layer` struct per layer: its kind (`QW_CONV_2D`, …), its geometry and pointers to its arrays (NULL where a layer has none).
            `vectors.h` holds the golden vectors; `qw_vectors_accumulators` (NULL for the poolings) and `qw_vectors_outputs` index them by layer.
            Weights have type `qw_weight_t` and codes `qw_code_t` (int8_t or uint8_t); zero points, shifts and everything else are `int32_t`.
            Build the workbook's reference with `gcc -std=c99 -Wall -Wextra -Werror -I <this directory> hardware/c/convolutional.c`.
            """
        case .mem:
            """
            One value per line, after one `//` comment line: the lowercase hex digits of its two's-complement bit pattern (uint8 values as they are), 2 digits for int8 and uint8, 4 for int16, 8 for int32.
            Element 0 comes first, row-major, so `$readmemh("layer0_weights.mem", m)` into `reg [7:0] m [0:N-1]` puts element i at m[i].
            There is no `network.vh`: chapter 11's Verilog datapath computes FULLY_CONNECTED layers, and a convolution's is not part of the workbook; each layer's scalars are in the table above.
            """
        case .coe:
            """
            Xilinx coefficient files for block-RAM initialization: a `;` comment line, `memory_initialization_radix=16;`, then `memory_initialization_vector=` and one value per line, comma-separated, the last one ended by `;`.
            Values are the lowercase hex digits of their two's-complement bit pattern (uint8 values as they are): memory width 8 bits for int8 and uint8, 16 for int16, 32 for int32; word i holds element i, row-major.
            """
        case .mif:
            """
            Intel (Quartus) memory initialization files: a `--` comment line, `WIDTH` (8, 16 or 32 bits), `DEPTH` (the number of elements), `ADDRESS_RADIX=UNS`, `DATA_RADIX=HEX`, then one `address : value;` line per element inside `CONTENT BEGIN` … `END;`.
            Values are the lowercase hex digits of their two's-complement bit pattern (uint8 values as they are); address i holds element i, row-major.
            """
        case .npy:
            """
            numpy `.npy` files, format version 1.0: C order (row-major), little-endian, dtype `|i1` (int8), `|u1` (uint8), `<i2` (int16) or `<i4` (int32); read them with `numpy.load`.
            `layerN_parameters.npy` holds each layer's scalars as int32, in the order of C's `qw_layer`: [\(ImageLayerContract.parameterNames.joined(separator: ", "))]; kind is 0 CONV_2D, 1 DEPTHWISE_CONV_2D, 2 MAX_POOL_2D, 3 AVERAGE_POOL_2D, 4 MEAN, 5 FULLY_CONNECTED.
            """
        case .json:
            """
            `network.json` holds the contract: per layer its kind, shapes, window, strides, dilation, padding, Z1, Z3, the clamp bounds, the final rounding, and its arrays as lists (`weights` flat, row-major, in the shape `weightsShape`).
            `vectors.json` holds, per vector, the input codes, each layer's accumulators (not for the poolings) and output codes, and the class.
            """
        }
    }
}
