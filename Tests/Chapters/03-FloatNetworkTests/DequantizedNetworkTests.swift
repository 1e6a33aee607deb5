// Chapter 3: what a quantized model means. Its weights dequantized, w = S2·(q − Z2), make a float
// network; each layer of the quantized model is that real layer with its output rounded to the
// step S3 of its output tensor. We check this on every quantized model with a fixture, layer by
// layer, against LiteRT's BUILTIN_REF run (each layer fed that run's own input).

import Ch01TFLiteFile
import Ch02Affine
import TestSupport
import Testing
@testable import Ch03FloatNetwork

let quantizedModels = RepositoryFiles.modelsWithFixtures.filter { !$0.hasSuffix("mnist-float.tflite") }

@Test(arguments: quantizedModels)
func `each quantized layer is the dequantized layer rounded to its output step`(model path: String) throws {
    let model = try loadModel(path)
    let network = try FloatNetwork(model: model)
    let fixture = try RepositoryFiles.fixture(for: path)
    let run = try #require(fixture.run("BUILTIN_REF"))
    var codesOf: [Int: [[Int]]] = [:]
    for output in run.outputs ?? [] { codesOf[output.index] = output.integersPerImage }
    codesOf[fixture.input.index] = fixture.input.integersPerImage
    let summation = SummationBound(network)
    for (index, (layer, scales)) in zip(network.layers, try model.fullyConnectedLayers()).enumerated() {
        let input = try AffineQuantization(tensor: scales.input)
        let output = try AffineQuantization(tensor: scales.output)
        let (inputCodes, outputCodes) = (try #require(codesOf[scales.input.index]), try #require(codesOf[scales.output.index]))
        for image in 0..<fixture.images.count {
            let reals = inputCodes[image].map { input.dequantize(Int32($0)) }
            let ours = layer.apply(reals)
            let theirs = outputCodes[image]
            let bounds = summation.bounds(layer: index, input: reals)
            for o in 0..<layer.outputCount {
                // Half an output step for TFLite's rounding; the float32 summation bound for ours
                // (which also covers rounding S·(q − Z) of inputs and weights to float32); and the
                // stored bias scale, within 2^-23 of S1·S2 (chapter 1's test), times the bias.
                let slack = output.scale / 2 + bounds[o] + abs(layer.bias[o]) * 0x1p-22
                let rounded = output.dequantize(Int32(theirs[o]))
                let context = "\(path) operator \(scales.operatorIndex) digit \(image) neuron \(o): ours \(ours[o]), TFLite code \(theirs[o]) = \(rounded)"
                switch Int32(theirs[o]) {
                case output.codeRange.upperBound: #expect(ours[o] >= rounded - slack, "\(context)")  // saturated at the top
                case output.codeRange.lowerBound: #expect(ours[o] <= rounded + slack, "\(context)")  // at the bottom, or cut by ReLU
                default: #expect(abs(ours[o] - rounded) <= slack, "\(context)")
                }
            }
        }
    }
}

@Test func `the dequantized legacy weights are within half a weight step of the float model's`() throws {
    // The legacy converter quantized the float model's trained weights: dequantizing gives them
    // back to within S2/2 (plus the nudge's clamp at the ends of the range, which these weights,
    // being the range's own min and max, reach only by the nudge itself).
    let float = try FloatNetwork(model: loadModel(floatPath))
    let legacy = try FloatNetwork(model: loadModel(legacyPath))
    for ((floatLayer, legacyLayer), scales) in zip(zip(float.layers, legacy.layers), try loadModel(legacyPath).fullyConnectedLayers()) {
        let step = scales.weightScales[0]
        let worst = zip(floatLayer.weights, legacyLayer.weights).map { abs($0 - $1) }.max()!
        #expect(worst <= step * 0.5001, "operator \(scales.operatorIndex): worst \(worst), S2 = \(step)")
    }
}
