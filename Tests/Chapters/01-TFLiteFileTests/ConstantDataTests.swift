// A constant tensor's values, read from its buffer, agree with the bytes in every type the
// workbook reads, and an activation or a wrong type is refused.

import TestSupport
import Testing
@testable import Ch01TFLiteFile

@Test func `int8 weights, int32 biases and float32 weights read back as their bytes say`() throws {
    let int8 = try loadShipped("models/mnist-int8.tflite")
    let layer = try #require(try int8.fullyConnectedLayers().first)
    let weights = try int8.codes(of: layer.weights)
    let bytes = int8.buffers[layer.weights.buffer].bytes
    #expect(weights.count == layer.weights.elementCount)
    #expect(weights.first == Int32(Int8(bitPattern: bytes[bytes.startIndex])))
    // int32, little-endian: byte 0 is the lowest.
    let bias = try int8.codes(of: try #require(layer.bias))
    let biasBytes = int8.buffers[layer.bias!.buffer].bytes
    let first = (0..<4).reduce(UInt32(0)) { $0 | UInt32(biasBytes[biasBytes.startIndex + $1]) << (8 * $1) }
    #expect(bias.count == layer.weights.shape[0] && bias[0] == Int32(bitPattern: first))

    let uint8 = try loadShipped("models/mnist-uint8.tflite")
    let legacy = try #require(try uint8.fullyConnectedLayers().first)
    #expect(try uint8.codes(of: legacy.weights).allSatisfy { (0...255).contains($0) })

    let float = try loadShipped("models/mnist-float.tflite")
    let floatLayer = try #require(try float.fullyConnectedLayers().first)
    let reals = try float.floats(of: floatLayer.weights)
    #expect(reals.count == floatLayer.weights.elementCount && reals.allSatisfy(\.isFinite))
}

@Test func `an activation tensor and a wrongly typed read are refused`() throws {
    let model = try loadShipped("models/mnist-int8.tflite")
    let layer = try #require(try model.fullyConnectedLayers().first)
    #expect(throws: FlatBufferError.self) { try model.codes(of: layer.output) }   // no constant data
    #expect(throws: FlatBufferError.self) { try model.floats(of: layer.weights) } // int8, not float32
}
