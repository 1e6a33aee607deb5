// Chapter 11 — README.md inside every export: what the files hold, what each layer computes
// with them, and how each format packs the values, so the directory explains itself.

extension HardwareExport {
    func readme(_ format: ExportFormat, files: [String]) -> String {
        let rounding = contract.rounding == .tiesAwayFromZero
            ? "ties away from zero (gemmlowp RoundingDivideByPOT, as TFLite Micro)"
            : "ties toward +∞ (ARM VRSHL, as LiteRT's builtin kernels)"
        var out = """
            # \(modelPath): the integer contract, \(contract.family.rawValue) kernels

            This directory holds \(provenance).
            It was written by `\(command)`, chapter 11 of the Quantization Workbook.

            ## What each layer computes

            For each output channel c, in integers only:

                (11.1) acc[c]    = bias[c] + Σ_k (weights[c][k] − weight_zero_points[c]) · (input[k] − Z1)
                (11.2) x         = acc[c] · 2^max(shifts[c], 0), kept to its low 32 bits
                (11.3) h         = SRDHM(x, multipliers[c]): the high 32 bits of the 64-bit product 2·x·M0,
                                   rounded to nearest, ties toward +∞ (only (−2^31)·(−2^31) saturates, to 2^31 − 1)
                (11.4) output[c] = clamp(Z3 + round(h / 2^max(−shifts[c], 0)), minimum, maximum),
                                   the rounding \(rounding)

            The next layer reads these output codes.
            The class is the index of the last layer's largest code, the first one on a tie.

            | layer | operator | inputs | outputs | weights | Z1 | Z3 | minimum | maximum |
            |---|---|---|---|---|---|---|---|---|

            """
        for (index, layer) in contract.layers.enumerated() {
            out += "| \(index) | \(layer.operatorIndex) | \(layer.inputCount) | \(layer.outputCount) | \(layer.weightType) | "
            out += "\(layer.inputZeroPoint) | \(layer.outputZeroPoint) | \(layer.outputMinimum) | \(layer.outputMaximum) |\n"
        }
        if let softmax = contract.softmax {
            out += "\nThe softmax (operator \(softmax.operatorIndex)), if you need probabilities, as chapter 8's fixed-point kernel prepares it: "
            out += "input_multiplier = \(softmax.inputMultiplier), input_left_shift = \(softmax.inputLeftShift), diff_min = \(softmax.diffMin), "
            out += "output codes from \(softmax.outputZeroPoint).\n"
        }
        out += "\n## The arrays\n\n| array | holds | shape | type |\n|---|---|---|---|\n"
        // Each array made in turn and let go (an export of 10,000 vectors holds one at a time).
        for make in arrays.map(\.make) + (format == .npy ? parameterArrays.map { array in { array } } : []) {
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
            `network.h` holds the contract as C99 `static const` arrays, row-major, and `qw_layers`, one `qw_layer` struct per layer pointing at them.
            `vectors.h` holds the golden vectors, and `qw_vectors_accumulators` and `qw_vectors_outputs` index them by layer.
            Weights have type `qw_weight_t` and codes `qw_code_t` (int8_t or uint8_t); zero points, shifts and everything else are `int32_t`.
            Build the workbook's reference with `gcc -std=c99 -Wall -Wextra -Werror -I <this directory> hardware/c/reference.c`.
            """
        case .mem:
            """
            One value per line, after one `//` comment line: the lowercase hex digits of its two's-complement bit pattern (uint8 values as they are), 2 digits for int8 and uint8, 4 for int16, 8 for int32.
            Element 0 comes first, row-major, so `$readmemh("layer0_weights.mem", m)` into `reg [7:0] m [0:N-1]` puts element i at m[i].
            `network.vh` defines each layer's parameters for `hardware/verilog/fully_connected.v` (`QW_LAYERn_PARAMETERS`) and the sizes its testbench needs.
            """
        case .coe:
            """
            Xilinx coefficient files for block-RAM initialization: a `;` comment line, `memory_initialization_radix=16;`, then `memory_initialization_vector=` and one value per line, comma-separated, the last one ended by `;`.
            Values are the lowercase hex digits of their two's-complement bit pattern (uint8 values as they are): memory width 8 bits for int8 and uint8, 16 for int16, 32 for int32; depth the number of elements; word i holds element i, row-major.
            """
        case .mif:
            """
            Intel (Quartus) memory initialization files: a `--` comment line, `WIDTH` (8 bits for int8 and uint8, 16 for int16, 32 for int32), `DEPTH` (the number of elements), `ADDRESS_RADIX=UNS`, `DATA_RADIX=HEX`, then one `address : value;` line per element inside `CONTENT BEGIN` … `END;`.
            Values are the lowercase hex digits of their two's-complement bit pattern (uint8 values as they are); address i holds element i, row-major.
            """
        case .npy:
            """
            numpy `.npy` files, format version 1.0: C order (row-major), little-endian, dtype `|i1` (int8), `|u1` (uint8), `<i2` (int16) or `<i4` (int32); read them with `numpy.load`.
            `layerN_parameters.npy` holds each layer's scalars as int32: [input count, output count, Z1, Z3, minimum, maximum, 1 if the final rounding goes ties away from zero else 0].
            """
        case .json:
            """
            `network.json` holds the contract: per layer its sizes, Z1, Z3, the clamp bounds, and the arrays as lists (the weights as one list per output channel).
            `vectors.json` holds, per vector, the input codes, each layer's accumulators and output codes, and the class.
            """
        }
    }
}
