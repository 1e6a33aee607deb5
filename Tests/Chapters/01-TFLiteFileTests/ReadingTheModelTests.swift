// Chapter 1's worked examples: the shipped models read by our FlatBuffer reader agree with
// what LiteRT's `get_tensor_details()` reports (models/fixtures/, from tools/reference.py).

import Foundation
import TestSupport
import Testing
@testable import Ch01TFLiteFile

func loadShipped(_ name: String) throws -> Model {
    try Model.load(path: RepositoryFiles.path(name))
}

@Test func `S3 of the int8 model's first layer is the scale of its output tensor`() throws {
    let model = try loadShipped("models/mnist-int8.tflite")
    let fixture = try RepositoryFiles.fixture(for: "models/mnist-int8.tflite")
    let first = try #require(try model.fullyConnectedLayers().first)
    // What LiteRT says of the tensor that operator 0 writes.
    let written = try #require(fixture.operators.first?.outputs.first)
    let details = try #require(fixture.tensors.first { $0.index == written })
    #expect(first.output.index == written)
    #expect(Double(try #require(first.outputScale)) == details.scales[0])
    #expect(first.outputZeroPoint == Int64(details.zeroPoints[0]))
    // S2 is per channel: one scale for each of the 512 rows of the weights.
    #expect(first.weightScales.count == first.weights.shape[0])
    #expect(first.weights.shape == [first.output.shape.last!, first.input.shape.last!])
}

@Test func `the bias scale is S1·S2 in every quantized model`() throws {
    for name in RepositoryFiles.shippedModels where name != "models/mnist-float.tflite" {
        for layer in try loadShipped(name).fullyConnectedLayers() {
            let error = try #require(layer.biasScaleRelativeError, "\(name) operator \(layer.operatorIndex) has no bias scale")
            // The converters store S1·S2[c] as a float32, computed from scales that were
            // themselves rounded to float32: within two float32 steps (2^-23) of the exact product.
            #expect(error <= 0x1p-23, "\(name) operator \(layer.operatorIndex): relative difference \(error)")
        }
    }
}

@Test(arguments: RepositoryFiles.modelsWithFixtures)
func `every tensor matches LiteRT's tensor details`(model path: String) throws {
    let model = try loadShipped(path)
    let fixture = try RepositoryFiles.fixture(for: path)
    #expect(model.main.tensors.count == fixture.tensors.count)
    for expected in fixture.tensors {
        let tensor = model.main.tensors[expected.index]
        let context = "\(path) tensor \(expected.index)"
        #expect(tensor.name == expected.name, "\(context)")
        #expect(tensor.type.description == expected.dtype, "\(context)")
        #expect(tensor.shape == expected.shape, "\(context)")
        // LiteRT prints float32 scales widened to double: the comparison is exact.
        #expect((tensor.quantization?.scales ?? []).map(Double.init) == expected.scales, "\(context)")
        #expect((tensor.quantization?.zeroPoints ?? []).map(Int.init) == expected.zeroPoints, "\(context)")
        #expect((tensor.quantization?.quantizedDimension ?? 0) == expected.quantizedDimension, "\(context)")
    }
}

@Test(arguments: RepositoryFiles.modelsWithFixtures)
func `every operator matches LiteRT's operator details`(model path: String) throws {
    let model = try loadShipped(path)
    let fixture = try RepositoryFiles.fixture(for: path)
    #expect(model.main.operators.count == fixture.operators.count)
    for (op, expected) in zip(model.main.operators, fixture.operators) {
        #expect(model.operatorCodes[op.opcodeIndex].name == expected.op)
        #expect(op.inputs == expected.inputs)
        #expect(op.outputs == expected.outputs)
    }
}

@Test(arguments: [
    ("mnist-float.tflite", ModelFamily.float),
    ("mnist-uint8.tflite", .uint8PerTensor),
    ("mnist-int8.tflite", .int8PerChannel),
    ("mnist-int8-per-tensor.tflite", .int8PerTensor),
    ("mnist-int8-float-io.tflite", .floatIO),
])
func `each shipped model is recognised as its family`(name: String, family: ModelFamily) throws {
    #expect(try loadShipped("models/\(name)").family() == family)
}

@Test func `the legacy uint8 model keeps zero points in its weights`() throws {
    for layer in try loadShipped("models/mnist-uint8.tflite").fullyConnectedLayers() {
        #expect(layer.weights.type == .uint8)
        #expect(layer.weightScales.count == 1)
        // Asymmetric: the zero point is wherever 0.0 fell in the weights' range.
        #expect(layer.weightZeroPoints[0] != 0)
    }
}

@Test func `the weights buffer holds exactly the bytes its shape calls for`() throws {
    let model = try loadShipped("models/mnist-int8.tflite")
    for layer in try model.fullyConnectedLayers() {
        #expect(model.buffers[layer.weights.buffer].bytes.count == layer.weights.elementCount)
    }
}
