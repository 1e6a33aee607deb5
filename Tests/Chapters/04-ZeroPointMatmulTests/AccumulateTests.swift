// Chapter 4's worked examples: the int32 accumulator of every layer, computed two ways on the
// fixture digits, and the worst case that decides its width.

import Ch01TFLiteFile
import Foundation
import TestSupport
import Testing
@testable import Ch04ZeroPointMatmul

/// Each FULLY_CONNECTED layer of a model with the input LiteRT fed it, for one fixture run.
struct LayerCase {
    let name: String
    let weights: QuantizedWeights
    let inputZeroPoint: Int32
    let inputType: TensorType
    /// The layer's input for each fixture image: the model input, or an earlier layer's output.
    let inputs: [[Int32]]
}

func layerCases(_ path: String, resolver: String = "BUILTIN_REF") throws -> [LayerCase] {
    guard let subject = try FixtureModel(path: path), let run = subject.fixture.run(resolver) else { return [] }
    return try subject.layers.map { layer in
        LayerCase(
            name: "\(path) operator \(layer.scales.operatorIndex)",
            weights: try QuantizedWeights(tensor: layer.scales.weights, in: subject.model),
            inputZeroPoint: Int32(layer.scales.inputZeroPoint), inputType: layer.scales.input.type,
            inputs: try (0..<subject.imageCount).map { image in
                try subject.values(of: layer.scales.input.index, in: run, image: image).map { Int32($0) }
            })
    }
}

let quantizedModels = RepositoryFiles.modelsWithFixtures.filter { !$0.contains("float.tflite") }

@Test func `the first neuron of the int8 model's first layer, on the first fixture digit`() throws {
    let layer = try #require(try layerCases("models/mnist-int8.tflite").first)
    let input = layer.inputs[0]
    // The digit's dark background is −128 = Z1, so only its ink contributes.
    let ink = input.indices.filter { input[$0] != layer.inputZeroPoint }
    #expect(!ink.isEmpty && ink.count < 784)
    let acc = accumulate(layer.weights, input: input, inputZeroPoint: layer.inputZeroPoint)[0]
    let byHand = ink.reduce(Int32(0)) { $0 + layer.weights.codes[$1] * (input[$1] - layer.inputZeroPoint) }
    #expect(acc == byHand)
}

@Test(arguments: quantizedModels)
func `the four-term expansion gives the same accumulators`(model path: String) throws {
    for layer in try layerCases(path) {
        for input in layer.inputs {
            #expect(accumulateExpanded(layer.weights, input: input, inputZeroPoint: layer.inputZeroPoint)
                    == accumulate(layer.weights, input: input, inputZeroPoint: layer.inputZeroPoint), "\(layer.name)")
        }
    }
}

@Test(arguments: quantizedModels)
func `int32 accumulators equal exact wide-integer sums`(model path: String) throws {
    for layer in try layerCases(path) {
        for input in layer.inputs.prefix(8) {
            let acc = accumulate(layer.weights, input: input, inputZeroPoint: layer.inputZeroPoint)
            let exact = (0..<layer.weights.outputCount).map { channel in
                zip(layer.weights.row(channel), input).reduce(Int64(0)) {
                    $0 + Int64($1.0 - layer.weights.zeroPoints[channel]) * Int64($1.1 - layer.inputZeroPoint)
                }
            }
            #expect(acc.map(Int64.init) == exact, "\(layer.name)")
        }
    }
}

@Test(arguments: quantizedModels)
func `the worst case bounds every real accumulator and is reached by an extreme input`(model path: String) throws {
    for layer in try layerCases(path) {
        let range = layer.inputType.integerRange!
        let bound = AccumulatorBound(layer.weights, inputRange: Int32(range.lowerBound)...Int32(range.upperBound),
                                     inputZeroPoint: layer.inputZeroPoint)
        #expect(bound.fitsInt32, "\(layer.name): \(bound.bits) bits")
        let seen = layer.inputs.flatMap { accumulate(layer.weights, input: $0, inputZeroPoint: layer.inputZeroPoint) }
        #expect(seen.allSatisfy { Int64(abs($0)) <= bound.magnitude }, "\(layer.name)")
        // The adversary: for the channel that reaches the extreme, every input at the end of
        // its range that pushes its term the same way; the accumulator then equals the bound.
        let low = Int32(range.lowerBound), high = Int32(range.upperBound)
        for (target, pushUp) in [(bound.largest, true), (bound.smallest, false)] {
            let adversaries = (0..<layer.weights.outputCount).map { channel in
                (channel, layer.weights.row(channel).map { weight -> Int32 in
                    let grows = (weight - layer.weights.zeroPoints[channel]) * (high - low) >= 0
                    return grows == pushUp ? high : low
                })
            }
            let reached = adversaries.map { channel, input in
                let row = QuantizedWeights(outputCount: 1, inputCount: layer.weights.inputCount,
                                           codes: Array(layer.weights.row(channel)), zeroPoints: [layer.weights.zeroPoints[channel]])
                return Int64(accumulate(row, input: input, inputZeroPoint: layer.inputZeroPoint)[0])
            }
            #expect((pushUp ? reached.max() : reached.min()) == target, "\(layer.name)")
        }
    }
}

@Test func `uint8 weights at both ends of their range, with a zero point, multiply exactly`() {
    // One row [0, 255] with Z_w = 128, the input [255, 0] with Z_in = 0: (0−128)·255 + (255−128)·0.
    let weights = QuantizedWeights(outputCount: 1, inputCount: 2, codes: [0, 255], zeroPoints: [128])
    #expect(accumulate(weights, input: [255, 0], inputZeroPoint: 0) == [-32640])
    #expect(accumulateExpanded(weights, input: [255, 0], inputZeroPoint: 0) == [-32640])
}

@Test func `the bound's bit count includes the sign`() {
    let weights = QuantizedWeights(outputCount: 1, inputCount: 1, codes: [127], zeroPoints: [0])
    // 127 · 255 = 32385 needs 15 magnitude bits and a sign: 16.
    let bound = AccumulatorBound(weights, inputRange: -128...127, inputZeroPoint: -128)
    #expect(bound.bits == 16)
    #expect(bound.largest == 32385 && bound.smallest == 0)
    // A negative weight with a symmetric input range reaches both signs.
    let negative = QuantizedWeights(outputCount: 1, inputCount: 2, codes: [-127, 100], zeroPoints: [0])
    let symmetric = AccumulatorBound(negative, inputRange: -128...127, inputZeroPoint: 0)
    #expect(symmetric.largest == 127 * 128 + 100 * 127 && symmetric.smallest == -127 * 127 - 100 * 128)
}
