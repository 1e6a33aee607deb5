// The steps the chapters return for a reader (chapter 4's NeuronTerms, chapter 6's
// RequantizationSteps, chapter 7's ClampSteps, assembled into chapter 9's NeuronTrace) are the
// network's own arithmetic: on every neuron of every layer, for the fixture digits, in every
// family, each step's result is the value the network computes, and the last one is the code
// TFLite stored. And a run's probabilities are the softmax codes, dequantized (chapter 2).

import Ch01TFLiteFile
import Ch02Affine
import Ch04ZeroPointMatmul
import Ch06Requantize
import Ch08Softmax
import TestSupport
import Testing
@testable import Ch09Network

@Test(arguments: cases)
func `a neuron's trace ends on the code the layer wrote, every step agreeing with the network`(_ item: ModelAndFamily) throws {
    let fixture = try RepositoryFiles.fixture(for: item.model)
    guard let run = fixture.run(item.family.resolver),
          let network = try? fixtureNetwork(item.model, item.family, fixture) else { return }
    for image in 0..<8 {
        let result = try network.run(pixels: fixture.pixels(ofImage: image))
        for layer in network.layers {
            let input = try #require(result.tensors[layer.scales.input.index]?.integers)
            let written = try #require(run.outputs?.first { $0.index == layer.scales.output.index }?.integers(image: image))
            let accumulators = try #require(result.accumulators[layer.scales.output.index])
            let products = accumulate(layer.weights, input: input, inputZeroPoint: layer.scales.inputZeroPoint)
            for neuron in 0..<layer.weights.outputCount {
                let trace = layer.trace(input, neuron: neuron)
                let place = "\(item) digit \(image) operator \(layer.scales.operatorIndex) neuron \(neuron)"
                #expect(trace.terms.sum == products[neuron], "\(place)")
                #expect(trace.terms.expanded.accumulator == trace.terms.sum, "\(place): (4.2) ≠ (4.1)")
                #expect(trace.accumulator == accumulators[neuron], "\(place)")
                #expect(trace.requantization.result == layer.requantizer.scaled(trace.accumulator, channel: neuron), "\(place)")
                #expect(trace.clamp.output == layer.clamp.apply(trace.requantization.result), "\(place)")
                #expect(Int(trace.clamp.output) == written[written.startIndex + neuron], "\(place): TFLite stored \(written[written.startIndex + neuron])")
            }
        }
    }
}

@Test(arguments: cases)
func `a run's probabilities are the softmax's codes dequantized`(_ item: ModelAndFamily) throws {
    let fixture = try RepositoryFiles.fixture(for: item.model)
    guard let network = try? fixtureNetwork(item.model, item.family, fixture) else { return }
    guard let softmax = network.softmaxTensors else {
        // A model that ends in logits (models/own/relu6-nobias-logits-int8) has no probabilities.
        let logitsOnly = try network.run(pixels: fixture.pixels(ofImage: 0))
        #expect(network.softmax == nil && logitsOnly.probabilities == nil)
        #expect(item.model.contains("logits"))
        return
    }
    let quantization = try #require(softmax.quantization)
    #expect(network.softmax?.algorithm == SoftmaxAlgorithm(family: item.family))
    for image in 0..<fixture.images.count {
        let result = try network.run(pixels: fixture.pixels(ofImage: image))
        let codes = try #require(result.tensors[softmax.probabilities]?.integers)
        #expect(result.probabilities == codes.map(quantization.dequantize), "\(item) digit \(image)")
        #expect(result.prediction == argmax(try #require(result.probabilities)), "\(item) digit \(image)")
    }
}

@Test func `the fixed-point steps show the tie that the two fixed-point families break apart`() throws {
    // Chapter 6's negative tie, as `workbook chapter 6` prints it (chapters/06-requantize.md,
    // checked by the book test): operator 0 of the int8 model, output 122, acc = −309254,
    // SRDHM(acc, M0) = −249856, and −249856/8192 = −30.5: optimized −30, micro −31.
    let model = try Model.load(path: RepositoryFiles.path("models/mnist-int8.tflite"))
    let first = try #require(try model.fullyConnectedLayers().first)
    let steps = try [KernelFamily.optimized, .micro].map { family -> FixedPointSteps in
        guard case .fixedPoint(let steps) = try Requantizer(layer: first, family: family).steps(-309254, channel: 122) else {
            Issue.record("\(family) requantizes in fixed point"); throw RequantizationError("no fixed-point steps")
        }
        return steps
    }
    let (optimized, micro) = (steps[0], steps[1])
    #expect(optimized.product == micro.product)
    #expect(optimized.product.high == -249856 && optimized.product.rightShift == 13 && optimized.product.leftShift == 0)
    #expect(optimized.rounding == .tiesUp && optimized.result == -30)
    #expect(micro.rounding == .tiesAwayFromZero && micro.result == -31)
    #expect(FinalRounding.tiesUp.family == .optimized && FinalRounding(family: .micro) == .tiesAwayFromZero)
    #expect(FinalRounding(family: .reference) == nil && FinalRounding(family: .xnnpack) == nil)
}
