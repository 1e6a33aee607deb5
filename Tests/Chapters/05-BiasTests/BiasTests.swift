// Chapter 5's worked examples: the int32 bias is in units of S1·S2, it adds to the accumulator
// without rescaling, and (acc + bias)·S1·S2 is what TFLite's output code means.

import Ch01TFLiteFile
import Ch04ZeroPointMatmul
import Foundation
import TestSupport
import Testing
@testable import Ch05Bias

let quantizedModels = RepositoryFiles.modelsWithFixtures.filter { !$0.contains("float.tflite") }

@Test(arguments: quantizedModels)
func `acc plus bias, times S1·S2, is within half an output step of TFLite's output`(model path: String) throws {
    let subject = try #require(try FixtureModel(path: path))
    let (model, run) = (subject.model, try #require(subject.fixture.run("BUILTIN_REF")))
    var (checked, outside) = (0, [String]())
    for layer in subject.layers.map(\.scales) {
        let weights = try QuantizedWeights(tensor: layer.weights, in: model)
        let bias = try QuantizedBias(tensor: layer.bias, in: model, outputCount: weights.outputCount)
        let s1 = Double(layer.inputScale!), s3 = Double(layer.outputScale!)
        let range = layer.output.type.integerRange!
        for image in 0..<subject.imageCount {
            let input = try subject.values(of: layer.input.index, in: run, image: image)
            let acc = bias.added(to: accumulate(weights, input: input.map { Int32($0) }, inputZeroPoint: Int32(layer.inputZeroPoint)))
            let codes = Array(try subject.values(of: layer.output.index, in: run, image: image))
            for channel in 0..<weights.outputCount {
                let s2 = Double(layer.weightScales.count == 1 ? layer.weightScales[0] : layer.weightScales[channel])
                let real = s1 * s2 * Double(acc[channel])
                let code = codes[channel]
                let stands = s3 * Double(code - Int(layer.outputZeroPoint))
                // Outputs pinned at the ends of the range (ReLU's floor, saturation) only bound it.
                let within: Bool
                if code == range.lowerBound {
                    within = real <= stands + s3 / 2 + 1e-9
                } else if code == range.upperBound {
                    within = real >= stands - s3 / 2 - 1e-9
                } else {
                    // TFLite rounded real/S3 to the nearest step: within half a step, plus the
                    // float rounding of M (a few parts in 10^7 of the value).
                    within = abs(real - stands) <= s3 / 2 + abs(real) * 1e-6
                    checked += 1
                }
                if !within { outside.append("operator \(layer.operatorIndex) image \(image) channel \(channel): \(real) vs \(stands)") }
            }
        }
    }
    #expect(outside.isEmpty, "\(path): \(outside.prefix(5))")
    #expect(checked > 1000)
}

@Test(arguments: quantizedModels)
func `the bias is stored in units of S1·S2, as its own scale says`(model path: String) throws {
    let model = try Model.load(path: RepositoryFiles.path(path))
    // A layer made with use_bias=False has no bias tensor (models/own/relu6-nobias-logits-int8).
    for layer in try model.fullyConnectedLayers() {
        guard let bias = layer.bias else { continue }
        let stored = try #require(bias.quantization).scales
        #expect(bias.quantization?.zeroPoints.allSatisfy { $0 == 0 } == true)
        for (channel, scale) in stored.enumerated() {
            let product = Double(layer.inputScale!) * Double(layer.weightScales[layer.weightScales.count == 1 ? 0 : channel])
            // float32 storage of a product of float32 scales: within 2^-23 relative.
            #expect(abs(Double(scale) - product) / product <= 0x1p-23, "\(path) operator \(layer.operatorIndex) channel \(channel)")
        }
    }
}

@Test(arguments: quantizedModels)
func `XNNPACK's folded bias gives the same accumulators`(model path: String) throws {
    let model = try Model.load(path: RepositoryFiles.path(path))
    let fixture = try RepositoryFiles.fixture(for: path)
    for layer in try model.fullyConnectedLayers() where layer.input.index == fixture.input.index {
        let weights = try QuantizedWeights(tensor: layer.weights, in: model)
        let bias = try QuantizedBias(tensor: layer.bias, in: model, outputCount: weights.outputCount)
        let zero = Int32(layer.inputZeroPoint)
        let folded = bias.folded(into: weights, inputZeroPoint: zero)
        for image in 0..<fixture.images.count {
            let input = fixture.input.integers(image: image)!.map { Int32($0) }
            let direct = bias.added(to: accumulate(weights, input: input, inputZeroPoint: zero))
            // XNNPACK's kernel: Σ (q_w − Z_w)·q_in, no input zero point, plus the folded bias.
            let viaFolded = (0..<weights.outputCount).map { channel in
                folded[channel] + zip(weights.row(channel), input).reduce(0) { $0 + ($1.0 - weights.zeroPoints[channel]) * $1.1 }
            }
            #expect(viaFolded == direct, "\(path) image \(image)")
        }
    }
}

@Test func `a layer without bias adds zeros, and a short bias buffer is refused`() throws {
    let model = try Model.load(path: RepositoryFiles.path("models/mnist-int8.tflite"))
    let layer = try #require(try model.fullyConnectedLayers().first)
    #expect(try QuantizedBias(tensor: nil, in: model, outputCount: 3).added(to: [5, -6, 7]) == [5, -6, 7])
    #expect(throws: FlatBufferError.self) { try QuantizedBias(tensor: layer.bias, in: model, outputCount: 511) }
    #expect(throws: FlatBufferError.self) { try QuantizedBias(tensor: layer.weights, in: model, outputCount: 512) }
}
