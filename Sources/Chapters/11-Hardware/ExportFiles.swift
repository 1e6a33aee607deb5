// Chapter 11 — `workbook export`'s files: the contract and the golden vectors in six formats.
//   c     network.h (the contract: const arrays, one qw_layer struct per layer) and vectors.h,
//         stdint.h types only, for hardware/c/reference.c
//   mem   one $readmemh file per array, and network.vh with each layer's Verilog parameters,
//         for hardware/verilog/fully_connected.v
//   coe   Xilinx block-RAM initialization files, one per array
//   mif   Intel (Quartus) memory initialization files, one per array
//   npy   one numpy array per array, and layerN_parameters.npy with each layer's scalars
//   json  network.json and vectors.json
// Every export also writes README.md, which says what each file holds and how it is packed.

import Ch01TFLiteFile
import Foundation
import JSONText

/// The formats `workbook export --format` writes.
public enum ExportFormat: String, CaseIterable, Sendable {
    case c, mem, coe, mif, npy, json
}

/// One file to write: its name inside the export directory and its bytes.
public struct ExportedFile: Sendable {
    public let name: String
    public let bytes: [UInt8]

    init(_ name: String, _ text: String) { (self.name, bytes) = (name, Array(text.utf8)) }
    init(_ name: String, bytes: [UInt8]) { (self.name, self.bytes) = (name, bytes) }
}

/// How much text a writer gathers before it hands it on.
package let pieceSize = 1 << 20

/// One file of an export, made only when it is written and handed over a piece at a time, so
/// that a large export (`workbook export --vectors 10000`) never holds more than one array's
/// text at once: `files` collects the pieces, `workbook export` writes each as it comes.
public struct ExportedFileWriter: Sendable {
    public let name: String
    /// Calls `emit` with the file's bytes, in order, in pieces.
    public let write: @Sendable (_ emit: ([UInt8]) throws -> Void) throws -> Void

    package init(_ name: String, text: @escaping @Sendable () -> String) {
        self.name = name
        write = { emit in try emit(Array(text().utf8)) }
    }
    package init(_ name: String, bytes: @escaping @Sendable () -> [UInt8]) {
        self.name = name
        write = { emit in try emit(bytes()) }
    }
    package init(_ name: String, pieces: @escaping @Sendable (_ emit: (String) throws -> Void) throws -> Void) {
        self.name = name
        write = { emit in try pieces { try emit(Array($0.utf8)) } }
    }
}

/// A contract and its golden vectors, ready to be written in any format.
public struct HardwareExport: Sendable {
    public let contract: NetworkContract
    public let vectors: GoldenVectors
    /// The model's path as the user gave it, and the command that made the export.
    public let modelPath: String
    public let command: String

    public init(contract: NetworkContract, vectors: GoldenVectors, modelPath: String, command: String) {
        (self.contract, self.vectors, self.modelPath, self.command) = (contract, vectors, modelPath, command)
    }

    /// The contract's arrays and the vectors', each made when asked for.
    var arrays: [(name: String, make: @Sendable () -> ExportArray)] {
        contract.arrays.map { array in (array.name, { array }) } + vectors.arrayMakers(contract)
    }

    /// Every file of one format, README.md last, each made only when it is written.
    public func writers(_ format: ExportFormat) -> [ExportedFileWriter] {
        let export = self
        let files: [ExportedFileWriter] = switch format {
        case .c: [ExportedFileWriter("network.h") { export.cNetworkHeader() },
                  ExportedFileWriter("vectors.h") { try export.cVectorsHeader($0) }]
        case .mem: arrays.map { array in ExportedFileWriter("\(array.name).mem") { try export.mem(array.make(), $0) } }
            + [ExportedFileWriter("network.vh") { export.verilogHeader() }]
        case .coe: arrays.map { array in ExportedFileWriter("\(array.name).coe") { try export.coe(array.make(), $0) } }
        case .mif: arrays.map { array in ExportedFileWriter("\(array.name).mif") { try export.mif(array.make(), $0) } }
        case .npy: (arrays + parameterArrays.map { array in (array.name, { array }) }).map { array in
            ExportedFileWriter("\(array.name).npy", bytes: { export.npy(array.make()) })
        }
        case .json: [ExportedFileWriter("network.json") { export.networkJSON() },
                     ExportedFileWriter("vectors.json") { try export.vectorsJSON($0) }]
        }
        let names = files.map(\.name)
        return files + [ExportedFileWriter("README.md") { export.readme(format, files: names) }]
    }

    /// Every file of one format, whole, README.md last.
    public func files(_ format: ExportFormat) -> [ExportedFile] {
        writers(format).map { writer in
            var bytes: [UInt8] = []
            try! writer.write { bytes += $0 }  // collecting into memory cannot fail
            return ExportedFile(writer.name, bytes: bytes)
        }
    }

    var provenance: String {
        "the integer contract of \(modelPath), \(contract.family.rawValue) kernels (final rounding \(contract.rounding.rawValue)), with \(vectors.vectors.count) golden vectors from \(vectors.source)"
    }

    var tiesAway: Int { contract.rounding == .tiesAwayFromZero ? 1 : 0 }

    // MARK: Verilog, Xilinx and Intel memory files

    func mem(_ array: ExportArray, _ emit: (String) throws -> Void) rethrows { try array.mem(emit) }
    func coe(_ array: ExportArray, _ emit: (String) throws -> Void) rethrows { try array.coe(emit) }
    func mif(_ array: ExportArray, _ emit: (String) throws -> Void) rethrows { try array.mif(emit) }

    /// The three memory files whole, as text (for the tests).
    func mem(_ array: ExportArray) -> String { var out = ""; array.mem { out += $0 }; return out }
    func coe(_ array: ExportArray) -> String { var out = ""; array.coe { out += $0 }; return out }
    func mif(_ array: ExportArray) -> String { var out = ""; array.mif { out += $0 }; return out }

    /// network.vh: the parameters of hardware/verilog/fully_connected.v for each layer, and the
    /// sizes the testbench needs.
    func verilogHeader() -> String {
        var out = "// network.vh: \(provenance).\n// Written by `\(command)`.\n"
        out += "// Each QW_LAYERn_PARAMETERS is the parameter list of hardware/verilog/fully_connected.v for layer n.\n"
        out += "`define QW_VECTORS \(vectors.vectors.count)\n`define QW_LAYERS \(contract.layers.count)\n"
        out += "`define QW_INPUTS \(contract.inputCount)\n`define QW_CLASSES \(contract.classCount)\n"
        out += "`define QW_CODES_SIGNED \(contract.codeType == .int8 ? 1 : 0)\n`define QW_TIES_AWAY \(tiesAway)\n"
        for (index, layer) in contract.layers.enumerated() {
            let name = "layer\(index)"
            out += "`define QW_LAYER\(index)_INPUTS \(layer.inputCount)\n`define QW_LAYER\(index)_OUTPUTS \(layer.outputCount)\n"
            out += "`define QW_LAYER\(index)_PARAMETERS .INPUTS(\(layer.inputCount)), .OUTPUTS(\(layer.outputCount)), "
            out += ".WEIGHTS_SIGNED(\(layer.weightType == .int8 ? 1 : 0)), .CODES_SIGNED(\(layer.codeType == .int8 ? 1 : 0)), "
            out += ".INPUT_ZERO_POINT(\(layer.inputZeroPoint)), .OUTPUT_ZERO_POINT(\(layer.outputZeroPoint)), "
            out += ".OUTPUT_MIN(\(layer.outputMinimum)), .OUTPUT_MAX(\(layer.outputMaximum)), .TIES_AWAY(\(tiesAway)), "
            out += ".WEIGHTS_FILE(\"\(name)_weights.mem\"), .WEIGHT_ZERO_POINTS_FILE(\"\(name)_weight_zero_points.mem\"), "
            out += ".BIAS_FILE(\"\(name)_bias.mem\"), .MULTIPLIERS_FILE(\"\(name)_multipliers.mem\"), .SHIFTS_FILE(\"\(name)_shifts.mem\")\n"
        }
        return out
    }

    // MARK: numpy

    /// Each layer's scalars, for the npy export: int32 [input count, output count, Z1, Z3,
    /// minimum, maximum, 1 if the final rounding goes ties away from zero else 0].
    var parameterArrays: [ExportArray] {
        contract.layers.enumerated().map { index, layer in
            ExportArray("layer\(index)_parameters", "[input count, output count, Z1, Z3, minimum, maximum, ties away from zero]", .int32, [7],
                        [Int32(layer.inputCount), Int32(layer.outputCount), layer.inputZeroPoint, layer.outputZeroPoint,
                         layer.outputMinimum, layer.outputMaximum, Int32(tiesAway)])
        }
    }

    func npy(_ array: ExportArray) -> [UInt8] { array.npy() }

    // MARK: JSON

    func networkJSON() -> String {
        func list(_ values: [Int32]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }
        var out = "{\"model\": \(quoted(modelPath)), \"command\": \(quoted(command)),\n"
        out += " \"kernels\": \(quoted(contract.family.rawValue)), \"finalRounding\": \(quoted(contract.rounding.rawValue)),\n"
        out += " \"codeType\": \(quoted(contract.codeType.description)), \"weightType\": \(quoted(contract.weightType.description)),\n"
        out += " \"layers\": [\n"
        out += contract.layers.map { layer in
            var text = "  {\"operator\": \(layer.operatorIndex), \"inputTensor\": \(layer.inputTensor), \"outputTensor\": \(layer.outputTensor), "
            text += "\"inputCount\": \(layer.inputCount), \"outputCount\": \(layer.outputCount),\n"
            text += "   \"inputZeroPoint\": \(layer.inputZeroPoint), \"outputZeroPoint\": \(layer.outputZeroPoint), "
            text += "\"outputMinimum\": \(layer.outputMinimum), \"outputMaximum\": \(layer.outputMaximum),\n"
            text += "   \"weightZeroPoints\": \(list(layer.weightZeroPoints)),\n   \"bias\": \(list(layer.bias)),\n"
            text += "   \"multipliers\": \(list(layer.multipliers)),\n   \"shifts\": \(list(layer.shifts)),\n"
            text += "   \"weights\": [\n" + (0..<layer.outputCount).map { channel in
                "    " + list(Array(layer.weights[(channel * layer.inputCount)..<((channel + 1) * layer.inputCount)]))
            }.joined(separator: ",\n") + "]}"
            return text
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

    /// vectors.json, a vector at a time.
    func vectorsJSON(_ out: (String) throws -> Void) rethrows {
        func list(_ values: [Int32]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }
        try out("{\"source\": \(quoted(vectors.source)), \"count\": \(vectors.vectors.count), \"vectors\": [\n")
        for (index, vector) in vectors.vectors.enumerated() {
            var text = (index > 0 ? ",\n" : "") + " {\"input\": \(list(vector.input)),\n  \"layers\": [\n"
            text += zip(vector.accumulators, vector.outputs).map { "   {\"accumulators\": \(list($0)),\n    \"outputs\": \(list($1))}" }
                .joined(separator: ",\n")
            try out(text + "],\n  \"class\": \(vector.predictedClass)}")
        }
        try out("]}\n")
    }

    /// A JSON string, escaped by the one JSON writer (a path may hold any character).
    func quoted(_ text: String) -> String { JSON.quote(text) }
}

// The same files for any exported array: chapter 17 writes a CNN's arrays with them.
extension ExportArray {
    // MARK: Verilog, Xilinx and Intel memory files

    // snippet.mem
    /// $readmemh: one value per line, `hexDigits` hex digits of its two's-complement pattern,
    /// element 0 first (row-major), so `reg [bits-1:0] m [0:count-1]` receives element i at m[i].
    package func mem(_ emit: (String) throws -> Void) rethrows {
        var out = "// \(name)\(shapeText): \(summary); \(type.rawValue), \(type.bits) bits, row-major\n"
        for value in values {
            out += type.hex(value) + "\n"
            if out.utf8.count >= pieceSize { try emit(out); out = "" }  // a megabyte at a time
        }
        try emit(out)
    }
    // snippet.end

    /// Xilinx .coe: the same values, comma-separated, the last one ended by a semicolon.
    package func coe(_ emit: (String) throws -> Void) rethrows {
        var out = "; \(name)\(shapeText): \(summary); \(type.rawValue), \(type.bits) bits, row-major\n"
        out += "memory_initialization_radix=16;\nmemory_initialization_vector=\n"
        for (index, value) in values.enumerated() {
            out += type.hex(value) + (index == values.count - 1 ? ";\n" : ",\n")
            if out.utf8.count >= pieceSize { try emit(out); out = "" }
        }
        try emit(out)
    }

    /// Intel .mif: WIDTH bits per word, DEPTH words, one "address : value;" line each.
    package func mif(_ emit: (String) throws -> Void) rethrows {
        var out = "-- \(name)\(shapeText): \(summary); \(type.rawValue), \(type.bits) bits, row-major\n"
        out += "WIDTH=\(type.bits);\nDEPTH=\(values.count);\nADDRESS_RADIX=UNS;\nDATA_RADIX=HEX;\nCONTENT BEGIN\n"
        for (address, value) in values.enumerated() {
            out += "\t\(address) : \(type.hex(value));\n"
            if out.utf8.count >= pieceSize { try emit(out); out = "" }
        }
        try emit(out + "END;\n")
    }

    /// The .npy format, version 1.0: magic, a Python-dict header padded with spaces so the data
    /// start at a multiple of 64 bytes, then the values, little-endian, row-major.
    package func npy() -> [UInt8] {
        let tuple = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(type.numpyDescription)', 'fortran_order': False, 'shape': \(tuple), }"
        let unpadded = 10 + header.utf8.count + 1  // magic 6, version 2, length 2, header, newline
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = header.utf8.count
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xff), UInt8(length >> 8)] + Array(header.utf8)
        bytes.reserveCapacity(bytes.count + values.count * type.bits / 8)
        for value in values { bytes += type.littleEndian(value) }
        return bytes
    }
}
