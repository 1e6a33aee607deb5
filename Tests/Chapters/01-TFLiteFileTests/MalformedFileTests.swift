// Damaged files give one clear error, never a crash, a hang or a huge allocation. Each case
// is made by mutating a shipped model at a place our own reader locates.

import Foundation
import TestSupport
import Testing
@testable import Ch01TFLiteFile

/// The shipped int8 model's bytes, and where its parts are.
struct ShippedBytes {
    var bytes: [UInt8]
    let root: Table
    let subgraph: Table

    init() throws {
        bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryFiles.path("models/mnist-int8.tflite"))))
        root = try FlatBuffer(bytes: bytes).rootTable()
        subgraph = try #require(try root.tables(2, "subgraphs").first)
    }

    func operatorTable(_ index: Int) throws -> Table { try subgraph.tables(3, "operators")[index] }

    mutating func write(_ value: UInt32, at position: Int) {
        for byte in 0..<4 { bytes[position + byte] = UInt8(truncatingIfNeeded: value >> (8 * byte)) }
    }

    /// Decodes and validates; returns the error's text, or nil when the bytes were accepted.
    func error() -> String? {
        do {
            try Model(flatBuffer: FlatBuffer(bytes: bytes)).validate()
            return nil
        } catch {
            return "\(error)"
        }
    }
}

@Test func `an empty file is refused by name`() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID()).tflite").path
    _ = FileManager.default.createFile(atPath: path, contents: Data())
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ModelFileError.self) { try Model.load(path: path) }
    do { _ = try Model.load(path: path) } catch { #expect(error.description == "\(path): is empty") }
}

@Test func `a missing file and a directory are refused by name`() {
    do { _ = try Model.load(path: "/no/such/model.tflite") } catch { #expect(error.description == "/no/such/model.tflite: no such file") }
    do { _ = try Model.load(path: "/tmp") } catch { #expect(error.description.hasSuffix("is a directory, not a .tflite file")) }
}

@Test func `a file with another identifier is not a TensorFlow Lite model`() throws {
    var file = try ShippedBytes()
    file.bytes.replaceSubrange(4..<8, with: Array("PK\u{3}\u{4}".utf8))
    #expect(file.error() == "the file identifier is not text, expected 'TFL3': this is not a TensorFlow Lite model")
    file.bytes.replaceSubrange(4..<8, with: Array("TFL2".utf8))
    #expect(file.error() == "the file identifier is 'TFL2', expected 'TFL3': this is not a TensorFlow Lite model")
}

@Test func `a root offset past the end of the file`() throws {
    var file = try ShippedBytes()
    file.write(0xFFFF_FF00, at: 0)
    #expect(file.error()?.hasPrefix("the root table at byte 4294967040 needs 4 bytes, past the end of the file") == true)
}

@Test func `a field offset that points outside the file`() throws {
    var file = try ShippedBytes()
    // Model.buffers (field 4) is an offset; make it point 2 GB ahead.
    let field = try #require(try file.root.fieldPosition(4, size: 4, for: "buffers"))
    file.write(0x7FFF_FFF0, at: field)
    #expect(file.error()?.hasPrefix("Model.buffers at byte") == true)
}

@Test func `a vector length larger than the file is refused before allocating`() throws {
    var file = try ShippedBytes()
    let tensors = try #require(try file.subgraph.vector(0, elementSize: 4, "tensors"))
    file.write(0x7FFF_FFFF, at: tensors.start - 4)
    #expect(file.error() == "SubGraph 0.tensors at byte \(tensors.start - 4) declares 2147483647 elements of 4 bytes, past the end of the file (\(file.bytes.count) bytes)")
}

@Test func `a weight buffer shorter than its tensor's shape`() throws {
    var file = try ShippedBytes()
    let model = try Model(flatBuffer: FlatBuffer(bytes: file.bytes))
    let weights = try #require(try model.fullyConnectedLayers().first?.weights)
    // Claim 513 rows where the buffer holds 512.
    let shape = try #require(try file.subgraph.tables(0, "tensors")[weights.index].vector(0, elementSize: 4, "shape"))
    file.write(UInt32(weights.shape[0] + 1), at: shape.start)
    let expected = "tensor \(weights.index) '\(weights.name)' has shape [\(weights.shape[0] + 1), \(weights.shape[1])] of int8 (\((weights.shape[0] + 1) * weights.shape[1]) values, \((weights.shape[0] + 1) * weights.shape[1]) bytes), but its buffer \(weights.buffer) holds \(weights.shape[0] * weights.shape[1]) bytes"
    #expect(file.error() == expected)
}

@Test func `a tensor index out of range`() throws {
    var file = try ShippedBytes()
    let inputs = try #require(try file.operatorTable(0).vector(1, elementSize: 4, "inputs"))
    file.write(4000, at: inputs.start)
    #expect(file.error()?.hasPrefix("operator 0 (FULLY_CONNECTED) reads tensor 4000, but the subgraph has") == true)
}

@Test func `an opcode index out of range`() throws {
    var file = try ShippedBytes()
    // An opcode index of 0 is the default, which the writer leaves out: pick an operator that stores one.
    let model = try Model(flatBuffer: FlatBuffer(bytes: file.bytes))
    let op = try #require(model.main.operators.first { $0.opcodeIndex != 0 })
    let field = try #require(try file.operatorTable(op.index).fieldPosition(0, size: 4, for: "opcode index"))
    file.write(77, at: field)
    #expect(file.error()?.hasPrefix("operator \(op.index) uses opcode index 77, but the model has") == true)
}

@Test func `an op code that is no TFLite builtin`() throws {
    var file = try ShippedBytes()
    let code = try #require(try file.root.tables(1, "operator codes").first)
    let field = try #require(try code.fieldPosition(3, size: 4, for: "builtin code"))
    file.write(9999, at: field)
    #expect(file.error()?.contains("uses op code 9999, which is not a TFLite builtin operator (the largest is 209)") == true)
}

@Test func `an operator the workbook does not compute is named with the list`() throws {
    var file = try ShippedBytes()
    let code = try #require(try file.root.tables(1, "operator codes").first)
    let model = try Model(flatBuffer: FlatBuffer(bytes: file.bytes))
    let field = try #require(try code.fieldPosition(3, size: 4, for: "builtin code"))
    file.write(14, at: field)  // LOGISTIC, in both the int32 field and the byte field
    let byteField = try #require(try code.fieldPosition(0, size: 1, for: "deprecated builtin code"))
    file.bytes[byteField] = 14
    let changed = try Model(flatBuffer: FlatBuffer(bytes: file.bytes))
    #expect(throws: Never.self) { try changed.validate() }
    let user = try #require(model.main.operators.first { $0.opcodeIndex == 0 })
    let error = #expect(throws: UnsupportedModel.self) { try changed.requireComputable() }
    #expect(error?.kind == "the model uses LOGISTIC (operator \(user.index)), which the workbook does not compute")
    #expect(error?.advice == "it computes FULLY_CONNECTED, SOFTMAX, QUANTIZE, DEQUANTIZE, RESHAPE, CONV_2D, DEPTHWISE_CONV_2D, MAX_POOL_2D, AVERAGE_POOL_2D, MEAN, and SHAPE, STRIDED_SLICE, PACK where they compute a reshape's static shape; the activations RELU, RELU6 and none are fused into the operators, any other is not computed")
}

@Test func `SPACE_TO_BATCH_ND, a dilated Conv2D without a fixed batch, is refused with the fix`() throws {
    var file = try ShippedBytes()
    let code = try #require(try file.root.tables(1, "operator codes").first)
    let field = try #require(try code.fieldPosition(3, size: 4, for: "builtin code"))
    file.write(38, at: field)  // SPACE_TO_BATCH_ND
    let byteField = try #require(try code.fieldPosition(0, size: 1, for: "deprecated builtin code"))
    file.bytes[byteField] = 38
    let changed = try Model(flatBuffer: FlatBuffer(bytes: file.bytes))
    let error = #expect(throws: UnsupportedModel.self) { try changed.requireComputable() }
    #expect(error?.kind.hasPrefix("the model uses SPACE_TO_BATCH_ND (operator ") == true)
    #expect(error?.advice.contains("give it one (keras.Input(shape, batch_size=1))") == true)
}

@Test func `every builtin code has the schema's name`() throws {
    // Spot checks against schema.fbs: the table is generated by tools/operator_names.py.
    #expect(BuiltinOperatorName.name(of: 0) == "ADD" && BuiltinOperatorName.name(of: 3) == "CONV_2D")
    #expect(BuiltinOperatorName.name(of: 28) == "TANH" && BuiltinOperatorName.name(of: 77) == "SHAPE")
    #expect(BuiltinOperatorName.name(of: 83) == "PACK" && BuiltinOperatorName.name(of: 209) == "STABLEHLO_CASE")
    #expect(BuiltinOperatorName.name(of: 210) == "builtin operator 210" && BuiltinOperatorName.name(of: -1) == "builtin operator -1")
    for supported in SupportedOperator.allCases { #expect(BuiltinOperatorName.name(of: supported.code) == supported.rawValue) }
}

@Test func `every truncation of the file is refused cleanly`() throws {
    let file = try ShippedBytes()
    // Every length up to 4 KiB, then 500 more spread over the rest of the file.
    let lengths = Array(0..<4096) + stride(from: 4096, to: file.bytes.count, by: max(1, file.bytes.count / 500))
    for length in lengths {
        var cut = file
        cut.bytes = Array(file.bytes[..<length])
        #expect(cut.error() != nil, "a file cut at \(length) bytes was accepted")
    }
}


@Test func `random damage to the tables never crashes the reader`() throws {
    let file = try ShippedBytes()
    // Damage only bytes outside the weight buffers: those are the tables, offsets, lengths
    // and indices the reader follows (a damaged weight is still a well-formed file).
    let model = try Model(flatBuffer: FlatBuffer(bytes: file.bytes))
    var isWeight = [Bool](repeating: false, count: file.bytes.count)
    for buffer in model.buffers { for position in buffer.bytes.indices { isWeight[position] = true } }
    let structure = file.bytes.indices.filter { !isWeight[$0] }
    #expect(structure.count > 1000 && structure.count < file.bytes.count / 10)
    var generator = SplitMix64(state: 2026)
    var refused = 0
    for _ in 0..<3000 {
        var damaged = file
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            damaged.bytes[structure.randomElement(using: &generator)!] = UInt8.random(in: 0...255, using: &generator)
        }
        // Accepting a harmless change (a name's letter) is fine; what matters is that we got here.
        if damaged.error() != nil { refused += 1 }
    }
    #expect(refused > 100, "only \(refused) of 3000 damaged files were refused: is the damage reaching the tables?")
}
