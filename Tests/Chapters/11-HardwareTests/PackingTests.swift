// Chapter 11's packing: every int8, uint8 and int16 value written as hex and read back the way
// $readmemh, Vivado and Quartus read it; the .npy header numpy expects; .coe and .mif framing;
// and a C header with integer types only.

import Ch01TFLiteFile
import Ch06Requantize
import TestSupport
import Testing
@testable import Ch11Hardware

/// Reads hex digits back as a `bits`-wide two's-complement (or unsigned) value.
func readHex(_ text: String, bits: Int, signed: Bool) -> Int64? {
    guard let pattern = UInt64(text, radix: 16), pattern < (UInt64(1) << bits) else { return nil }
    let value = Int64(pattern)
    return signed && value >= Int64(1) << (bits - 1) ? value - (Int64(1) << bits) : value
}

@Test(arguments: [ElementType.int8, .uint8, .int16])
func `every value of an 8- or 16-bit type survives the hex packing`(type: ElementType) {
    for value in type.range {
        let text = type.hex(Int32(value))
        #expect(text.count == type.hexDigits)
        #expect(text == text.lowercased())
        #expect(readHex(text, bits: type.bits, signed: type.isSigned) == value, "\(type) \(value) → \(text)")
    }
}

@Test func `int32 values pack as eight hex digits of their bit pattern`() {
    let cases: [(Int32, String)] = [(0, "00000000"), (-1, "ffffffff"), (Int32.min, "80000000"), (Int32.max, "7fffffff"), (-3456, "fffff280")]
    for (value, text) in cases {
        #expect(ElementType.int32.hex(value) == text)
        #expect(readHex(text, bits: 32, signed: true) == Int64(value))
    }
    #expect(ElementType.int8.hex(-3) == "fd" && ElementType.uint8.hex(253) == "fd")
}

/// A small export: the shipped int8 model, micro, 2 fixture digits.
func smallExport(_ path: String = "models/mnist-int8.tflite", family: KernelFamily = .micro, vectors: Int = 2) throws -> HardwareExport {
    let model = try load(path)
    let contract = try NetworkContract(model: model, family: family)
    let fixture = try RepositoryFiles.fixture(for: "models/mnist-int8.tflite")
    let images = (0..<vectors).map(fixture.pixels(ofImage:))
    let golden = try GoldenVectors(contract: contract, model: model, images: images, source: "2 fixture digits")
    return HardwareExport(contract: contract, vectors: golden, modelPath: path, command: "test")
}

@Test func `the npy files have numpy's header, aligned to 64 bytes, then the little-endian values`() throws {
    let export = try smallExport()
    let files = export.files(.npy)
    let weights = try #require(files.first { $0.name == "layer0_weights.npy" })
    #expect(Array(weights.bytes.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
    let headerLength = Int(weights.bytes[8]) | Int(weights.bytes[9]) << 8
    #expect((10 + headerLength) % 64 == 0)
    let header = String(decoding: weights.bytes[10..<(10 + headerLength)], as: UTF8.self)
    #expect(header.hasPrefix("{'descr': '|i1', 'fortran_order': False, 'shape': (512, 784), }"))
    #expect(header.hasSuffix("\n"))
    let data = Array(weights.bytes[(10 + headerLength)...])
    #expect(data.count == 512 * 784)
    #expect(data.map { Int32(Int8(bitPattern: $0)) } == export.contract.layers[0].weights)

    let bias = try #require(files.first { $0.name == "layer0_bias.npy" })
    let biasHeaderLength = Int(bias.bytes[8]) | Int(bias.bytes[9]) << 8
    let biasHeader = String(decoding: bias.bytes[10..<(10 + biasHeaderLength)], as: UTF8.self)
    #expect(biasHeader.hasPrefix("{'descr': '<i4', 'fortran_order': False, 'shape': (512,), }"))
    let biasData = Array(bias.bytes[(10 + biasHeaderLength)...])
    let decoded = stride(from: 0, to: biasData.count, by: 4).map { at in
        Int32(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(biasData[at + $1]) << (8 * $1) })
    }
    #expect(decoded == export.contract.layers[0].bias)
    #expect(files.contains { $0.name == "layer2_parameters.npy" })
}

@Test func `mem, coe and mif hold the same hex values in the same order`() throws {
    let export = try smallExport()
    let array = export.contract.arrays.first { $0.name == "layer2_bias" }!
    let hex = array.values.map(array.type.hex)
    let mem = export.mem(array).split(separator: "\n").map(String.init)
    #expect(mem.first?.hasPrefix("// layer2_bias[10]") == true)
    #expect(Array(mem.dropFirst()) == hex)
    let coe = export.coe(array).split(separator: "\n").map(String.init)
    #expect(coe[1] == "memory_initialization_radix=16;" && coe[2] == "memory_initialization_vector=")
    #expect(Array(coe.dropFirst(3)) == hex.dropLast().map { $0 + "," } + [hex.last! + ";"])
    let mif = export.mif(array).split(separator: "\n").map(String.init)
    #expect(Array(mif[1...5]) == ["WIDTH=32;", "DEPTH=10;", "ADDRESS_RADIX=UNS;", "DATA_RADIX=HEX;", "CONTENT BEGIN"])
    #expect(Array(mif[6..<16]) == hex.enumerated().map { "\t\($0) : \($1);" })
    #expect(mif.last == "END;")
}

@Test func `the C header uses stdint.h types only, and no floating point`() throws {
    let export = try smallExport()
    for file in export.files(.c) where file.name.hasSuffix(".h") {
        let text = String(decoding: file.bytes, as: UTF8.self)
        let code = text.split(separator: "\n").filter { !$0.hasPrefix(" *") && !$0.hasPrefix("/*") }.joined(separator: "\n")
        for word in ["float", "double", " int ", "long", "short", "unsigned"] {
            #expect(!code.contains(word), "\(file.name) contains '\(word)'")
        }
    }
    let header = String(decoding: try #require(export.files(.c).first { $0.name == "network.h" }).bytes, as: UTF8.self)
    #expect(header.contains("#include <stdint.h>"))
    #expect(header.contains("#define QW_FINAL_SHIFT_TIES_AWAY 1"))
    #expect(header.contains("static const int32_t qw_layer0_multipliers[512] = {"))
}

@Test func `every format writes a README that names each file it wrote`() throws {
    let export = try smallExport()
    for format in ExportFormat.allCases {
        let files = export.files(format)
        let readme = String(decoding: try #require(files.last { $0.name == "README.md" }).bytes, as: UTF8.self)
        for file in files where file.name != "README.md" {
            #expect(readme.contains("- `\(file.name)`"), "\(format): README.md does not list \(file.name)")
        }
        #expect(readme.contains("## Packing (\(format.rawValue))"))
    }
}

@Test func `the optimized export of a uint8 model says so in every header`() throws {
    let export = try smallExport("models/mnist-uint8.tflite", family: .optimized)
    let header = String(decoding: try #require(export.files(.c).first { $0.name == "network.h" }).bytes, as: UTF8.self)
    #expect(header.contains("typedef uint8_t qw_weight_t;"))
    #expect(header.contains("#define QW_FINAL_SHIFT_TIES_AWAY 0"))
    let verilog = String(decoding: try #require(export.files(.mem).first { $0.name == "network.vh" }).bytes, as: UTF8.self)
    #expect(verilog.contains("`define QW_TIES_AWAY 0"))
    #expect(verilog.contains(".WEIGHTS_SIGNED(0), .CODES_SIGNED(0)"))
}
