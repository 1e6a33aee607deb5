// Every file a person names is opened one way (UserFile): a regular file, its size checked
// before a byte is read; and a zero point is checked once, where it is read, to be a code of its
// tensor's type, so later chapters can compute with it in int32 without asking again.

import Foundation
import TestSupport
import Testing
@testable import Ch01TFLiteFile

@Test func `a device or a FIFO is refused as a model, without reading it`() throws {
    #expect(throws: ModelFileError(file: "/dev/null", reason: "is not a regular file")) { try Model.load(path: "/dev/null") }
    let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID()).tflite").path
    guard mkfifo(fifo, 0o600) == 0 else { Issue.record("mkfifo failed"); return }
    defer { try? FileManager.default.removeItem(atPath: fifo) }
    // Opening a FIFO for reading would block until a writer came: this returns at once.
    #expect(throws: ModelFileError(file: fifo, reason: "is not a regular file")) { try Model.load(path: fifo) }
}

@Test func `a file over the cap is refused by its size, before it is read`() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID()).bin").path
    _ = FileManager.default.createFile(atPath: path, contents: Data(count: 4097))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: UserFileError(path: path, reason: "is 4097 bytes, more than the 4096 we read")) {
        try UserFile.read(path, kind: "a test file", maximumBytes: 4096)
    }
    #expect(try UserFile.read(path, kind: "a test file", maximumBytes: 4097).count == 4097)
}

/// The shipped int8 model with tensor 0's (the input's) zero point, Z = −128, replaced.
func inputZeroPoint(_ value: Int64) throws -> String? {
    var file = try ShippedBytes()
    let tensor = try file.subgraph.tables(0, "tensors")[0]
    let quantization = try #require(try tensor.table(4, "quantization"))
    let zeroPoints = try #require(try quantization.vector(3, elementSize: 8, "zero points"))
    #expect(zeroPoints.count == 1)
    let position = zeroPoints.position(of: 0)
    #expect(Int64(littleEndianBytes: file.bytes[position..<(position + 8)]) == -128)
    for byte in 0..<8 { file.bytes[position + byte] = UInt8(truncatingIfNeeded: value >> (8 * byte)) }
    return file.error()
}

@Test func `a zero point that is not a code of its tensor's type is refused where it is read`() throws {
    #expect(try inputZeroPoint(-128) == nil)  // the file as shipped
    #expect(try inputZeroPoint(127) == nil)   // another int8 code
    #expect(try inputZeroPoint(128) == "tensor 0 'serving_default_pixels:0' has zero point 128, which is not a int8 code (-128...127)")
    #expect(try inputZeroPoint(1 << 40) == "tensor 0 has zero point 1099511627776, beyond int32")
}

extension Int64 {
    init(littleEndianBytes bytes: ArraySlice<UInt8>) {
        self = bytes.reversed().reduce(0) { $0 << 8 | Int64($1) }
    }
}
