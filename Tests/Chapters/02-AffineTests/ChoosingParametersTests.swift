// Chapter 2: choosing S and Z from a range. The real proof is the shipped models themselves:
// the legacy uint8 model's weights were quantized from the float model's weights with their own
// min and max (tools/convert.py), and the int8 model's symmetric weights with max|w| per row.

import Ch01TFLiteFile
import TestSupport
import Testing
@testable import Ch02Affine

/// The three weight matrices of the float model, [outputCount][inputCount] row-major.
func floatWeights() throws -> [(shape: [Int], values: [Float])] {
    let model = try loadModel("models/mnist-float.tflite")
    return try model.fullyConnectedLayers().map { ($0.weights.shape, try model.floats(of: $0.weights)) }
}

@Test func `[0, 1] gives the input tensors of the uint8 and int8 models`() throws {
    let uint8 = try AffineQuantization(tensor: quantizedInputTensor(of: loadModel("models/mnist-uint8.tflite"))!)
    let int8 = try AffineQuantization(tensor: quantizedInputTensor(of: loadModel("models/mnist-int8.tflite"))!)
    #expect(AffineQuantization.choose(minimum: 0, maximum: 1, type: .uint8) == uint8)
    #expect(AffineQuantization.choose(minimum: 0, maximum: 1, type: .int8) == int8)
    // The scale is (1 − 0)/255 in double, stored as float32: 1/255 rounded once.
    #expect(uint8.scale == Float(1.0 / 255.0))
}

@Test func `[0, 255/256] gives the softmax output of the uint8 model: S = 1/256, Z = 0`() throws {
    let model = try loadModel("models/mnist-uint8.tflite")
    let output = try AffineQuantization(tensor: model.main.tensors[model.main.outputs[0]])
    #expect(AffineQuantization.choose(minimum: 0, maximum: 255.0 / 256.0, type: .uint8) == output)
    #expect(output.scale == 0.00390625)
}

@Test func `the legacy uint8 weights' S and Z come from the float weights' min and max`() throws {
    let legacy = try loadModel("models/mnist-uint8.tflite").fullyConnectedLayers()
    for (layer, weights) in zip(legacy, try floatWeights()) {
        #expect(layer.weights.shape == weights.shape)
        let stored = try AffineQuantization(tensor: layer.weights)
        let (low, high) = (Double(weights.values.min()!), Double(weights.values.max()!))
        let chosen = AffineQuantization.choose(minimum: low, maximum: high, type: .uint8)
        #expect(chosen == stored, "layer \(layer.operatorIndex): range [\(low), \(high)]")
        // The nudge: the exact Z would not be an integer, so the range moved by under S/2.
        #expect(abs(Double(stored.realRange.lowerBound) - low) <= Double(stored.scale) / 2)
    }
}

@Test func `the legacy weight codes are the float weights quantized, but for two near-ties`() throws {
    // The codes in the file come from TensorFlow's fake-quant op, which computes
    // floor((r − nudged min)·(1/S) + 0.5) in float32; quantizing with the stored (S, Z) agrees
    // everywhere except where r/S is within 1e-4 of a tie. This test found 2 such weights in layer 1 (of 401,408),
    // 0 in layers 2 and 3; an independent numpy computation agrees.
    let legacyModel = try loadModel("models/mnist-uint8.tflite")
    var nearTies = 0
    for (layer, weights) in zip(try legacyModel.fullyConnectedLayers(), try floatWeights()) {
        let mapping = try AffineQuantization(tensor: layer.weights)
        let codes = Array(legacyModel.buffers[layer.weights.buffer].bytes)
        for (weight, stored) in zip(weights.values, codes) where mapping.quantize(weight) != Int32(stored) {
            nearTies += 1
            let steps = weight / mapping.scale
            #expect(abs(abs(steps - steps.rounded(.towardZero)) - 0.5) < 1e-4, "weight \(weight): r/S = \(steps)")
            #expect(abs(mapping.quantize(weight) - Int32(stored)) == 1)
        }
    }
    #expect(nearTies == 2)
}

@Test func `the int8 model's weight scales are max|w| / 127 per output channel`() throws {
    let perChannel = try loadModel("models/mnist-int8.tflite").fullyConnectedLayers()
    let perTensor = try loadModel("models/mnist-int8-per-tensor.tflite").fullyConnectedLayers()
    for ((channelLayer, tensorLayer), weights) in zip(zip(perChannel, perTensor), try floatWeights()) {
        let (rows, columns) = (weights.shape[0], weights.shape[1])
        #expect(channelLayer.weightScales.count == rows)
        for row in 0..<rows {
            let magnitude = weights.values[(row * columns)..<((row + 1) * columns)].map { abs(Double($0)) }.max()!
            #expect(AffineQuantization.symmetric(maximumMagnitude: magnitude).scale == channelLayer.weightScales[row])
        }
        // Per tensor: one max|w| over the whole matrix.
        let magnitude = weights.values.map { abs(Double($0)) }.max()!
        #expect(tensorLayer.weightScales == [AffineQuantization.symmetric(maximumMagnitude: magnitude).scale])
        #expect(tensorLayer.weightZeroPoints == [0] && channelLayer.weightZeroPoints.allSatisfy { $0 == 0 })
    }
}

@Test(arguments: [TensorType.uint8, .int8])
func `[−1, 1] puts 0.0 in the middle, nudged to a whole code`(type: TensorType) {
    let chosen = AffineQuantization.choose(minimum: -1, maximum: 1, type: type)
    #expect(chosen.scale == Float(2.0 / 255.0))
    // The exact zero point is 127.5 (uint8) or −0.5 (int8); rounding half away from zero nudges
    // it to 128 and to −1. These are 129 apart, not 128: choosing separately for each type
    // breaks the +128 relation exactly at a tie.
    #expect(chosen.zeroPoint == (type == .uint8 ? 128 : -1))
    #expect(chosen.quantize(0) == chosen.zeroPoint && chosen.dequantize(chosen.zeroPoint) == 0)
}

@Test func `a range that does not contain 0 is widened to reach it`() {
    // [0.2, 1] is quantized as [0, 1]; [−3, −1] as [−3, 0].
    #expect(AffineQuantization.choose(minimum: 0.2, maximum: 1, type: .uint8) == AffineQuantization.choose(minimum: 0, maximum: 1, type: .uint8))
    let negative = AffineQuantization.choose(minimum: -3, maximum: -1, type: .uint8)
    #expect(negative == AffineQuantization(scale: Float(3.0 / 255.0), zeroPoint: 255, type: .uint8))
    #expect(negative.dequantize(255) == 0)
    let negativeInt8 = AffineQuantization.choose(minimum: -3, maximum: -1, type: .int8)
    #expect(negativeInt8.zeroPoint == 127)
    #expect(negative.inOtherEightBitType() == negativeInt8)
}

@Test(arguments: [TensorType.uint8, .int8])
func `a degenerate range gets scale 1 and the lowest code as zero point`(type: TensorType) {
    let point = AffineQuantization.choose(minimum: 0, maximum: 0, type: type)
    #expect(point.scale == 1 && point.zeroPoint == type.integerRange!.lowerBound)
    #expect(point.quantize(0) == point.zeroPoint && point.dequantize(point.zeroPoint) == 0)
    // A range of one positive point is widened to [0, point], so it is not degenerate.
    let widened = AffineQuantization.choose(minimum: 0.5, maximum: 0.5, type: type)
    #expect(widened.scale == Float(0.5 / 255.0))
}

@Test(arguments: [(-0.2918437123298645, 0.267304003238678), (-1.0, 0.001), (-1e-3, 7.5), (0.0, 1e-6), (-2.0, 2.0), (-0.46068745851516724, 0.3347475230693817)])
func `whatever the range, 0.0 is exactly a code and the codes cover the range`(low: Double, high: Double) {
    for type in [TensorType.uint8, .int8] {
        let chosen = AffineQuantization.choose(minimum: low, maximum: high, type: type)
        #expect(chosen.quantize(0) == chosen.zeroPoint && chosen.dequantize(chosen.zeroPoint) == 0)
        // The nudge moves the ends of the range by at most half a step; storing S as a float32
        // (relative error 2^-24, times up to 255 steps) adds at most 1e-6 of the width.
        let step = Double(chosen.scale)
        let slack = step / 2 + 1e-6 * (max(high, 0) - min(low, 0))
        #expect(Double(chosen.realRange.lowerBound) <= min(low, 0) + slack)
        #expect(Double(chosen.realRange.upperBound) >= max(high, 0) - slack)
    }
}
