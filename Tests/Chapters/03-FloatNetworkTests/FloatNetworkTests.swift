// Chapter 3's worked examples: the float network, layer by layer, against what LiteRT and TFLite
// Micro computed for the 64 fixture digits (models/fixtures/mnist-float.json, from
// tools/reference.py), and the same network with a quantized model's weights dequantized.

import Ch01TFLiteFile
import Ch02Affine
import Foundation
import TestSupport
import Testing
@testable import Ch03FloatNetwork

func loadModel(_ path: String) throws -> Model { try Model.load(path: RepositoryFiles.path(path)) }

func fixturePixels(_ fixture: ReferenceFixture, image: Int) -> [UInt8] {
    fixture.pixels(ofImage: image)
}

let floatPath = "models/mnist-float.tflite"

@Test func `the worked example: the float network reads the first digit as a 0, as LiteRT does`() throws {
    let network = try FloatNetwork(model: loadModel(floatPath))
    let fixture = try RepositoryFiles.fixture(for: floatPath)
    let pass = network.classify(pixels: fixturePixels(fixture, image: 0))
    #expect(fixture.images[0].label == 0 && pass.prediction == 0)
    // Tensor 9 holds the logits; `workbook chapter 3` prints them rounded: 31.51 −16.01 …
    let reference = try #require(fixture.run("BUILTIN_REF")).floatsPerImage(tensor: 9)[0]
    #expect(pass.logits.map(\.bitPattern) == reference.map(\.bitPattern))
    #expect(String(format: "%.2f", pass.logits[0]) == "31.51")
    #expect(network.layers.map(\.outputCount) == [512, 100, 10] && network.softmaxBeta == 1)
}

@Test(arguments: ["BUILTIN_REF", "TFLM"])
func `every layer of the float network is bit-exact with the reference kernels on all 64 digits`(resolver: String) throws {
    let network = try FloatNetwork(model: loadModel(floatPath))
    let fixture = try RepositoryFiles.fixture(for: floatPath)
    let run = try #require(fixture.run(resolver))
    // The tensors operators 0 to 3 write: FC1, FC2, FC3 (the logits), SOFTMAX.
    let written = try fixture.operators.map { try run.floatsPerImage(tensor: $0.outputs[0]) }
    for image in 0..<fixture.images.count {
        let pass = network.classify(pixels: fixturePixels(fixture, image: image))
        for (tensor, ours) in zip(written.indices, pass.layerOutputs + [pass.probabilities]) {
            let theirs = written[tensor][image]
            let differing = zip(ours, theirs).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "digit \(image), tensor \(tensor): \(differing) of \(theirs.count) values differ")
        }
    }
}

/// The most two float32 sums of the same n + 1 terms (n products and a bias) can differ, whatever
/// the order they are added in: each is within γ·Σ|term| of the exact sum, γ = (n+1)·u/(1 − (n+1)·u)
/// with u = 2^−24 (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1 and §4.2; the
/// products' own roundings are covered by the same γ, and an FMA only removes roundings).
struct SummationBound {
    /// Each layer with |W| and |b| and no activation: applied to |x| it gives Σ|x·w| + |b|.
    let absoluteLayers: [FloatDenseLayer]

    init(_ network: FloatNetwork) {
        absoluteLayers = network.layers.map {
            FloatDenseLayer(inputCount: $0.inputCount, outputCount: $0.outputCount, weights: $0.weights.map(abs), bias: $0.bias.map(abs), activation: .none)
        }
    }

    /// The bound for every output of layer `index` on `input`. The sum of |terms| is itself a
    /// float32 sum, within γ of exact; the factor 1.001 covers that.
    func bounds(layer index: Int, input: [Float]) -> [Float] {
        let n = Double(input.count + 1), u = 0x1p-24
        let gamma = Float(n * u / (1 - n * u))
        return absoluteLayers[index].apply(input.map(abs)).map { 2 * gamma * $0 * 1.001 }
    }
}

@Test(arguments: ["BUILTIN_WITHOUT_DEFAULT_DELEGATES", "AUTO"])
func `the optimized kernels add in another order, and stay within the summation bound`(resolver: String) throws {
    let network = try FloatNetwork(model: loadModel(floatPath))
    let fixture = try RepositoryFiles.fixture(for: floatPath)
    let run = try #require(fixture.run(resolver))
    let summation = SummationBound(network)
    let tensors = fixture.operators.map { $0.outputs[0] }
    let written = try tensors.map { try run.floatsPerImage(tensor: $0) }
    let fed = try #require(fixture.input.floatsPerImage)
    var (bitExact, total, worstShareOfBound) = (0, 0, Float(0))
    for image in 0..<fixture.images.count {
        // Each layer is fed that run's own input to it, so that only its own arithmetic is compared.
        var input = fed[image]
        for (index, layer) in network.layers.enumerated() {
            let theirs = written[index][image]
            let ours = layer.apply(input)
            let bounds = summation.bounds(layer: index, input: input)
            for o in 0..<layer.outputCount {
                let (difference, bound) = (abs(ours[o] - theirs[o]), bounds[o])
                #expect(difference <= bound, "digit \(image), tensor \(tensors[index])[\(o)]: ours \(ours[o]), \(resolver) \(theirs[o]), bound \(bound)")
                if bound > 0 { worstShareOfBound = max(worstShareOfBound, difference / bound) }
                bitExact += difference == 0 ? 1 : 0
                total += 1
            }
            input = theirs
        }
        // The softmax of that run's logits: another exp and another order of summation. We allow
        // 4 float32 steps of 1.0 (2^-21); the fixture shows at most 1.
        let probabilities = written[3][image]
        for (ours, theirs) in zip(floatSoftmax(input), probabilities) {
            #expect(abs(ours - theirs) <= 4 * Float(1).ulp, "digit \(image): softmax \(ours) vs \(theirs)")
        }
    }
    // Most values agree exactly anyway, and the largest difference is a small part of the bound:
    // when this was written, about 55 % bit-exact and at most 2 % of the bound (2.1e-6, 6.7e-6
    // and 9.5e-6 in the three layers).
    #expect(bitExact > total / 2 && worstShareOfBound < 0.1, "\(bitExact) of \(total) bit-exact; worst difference \(worstShareOfBound) of its bound")
}

// The book's models: chapter 3's float network is fed pixel/255, as they were trained.
@Test(arguments: RepositoryFiles.bookModels)
func `the float network gives LiteRT's answer for every digit of every run`(model path: String) throws {
    let network = try FloatNetwork(model: loadModel(path))
    let fixture = try RepositoryFiles.fixture(for: path)
    let ours = (0..<fixture.images.count).map { network.classify(pixels: fixturePixels(fixture, image: $0)).prediction }
    for run in fixture.runs where run.outputs != nil {
        let output = try #require(run.outputs?.last)
        let answers = try output.integersPerImage?.map { argmax($0) } ?? #require(output.floatsPerImage).map { argmax($0) }
        for (image, theirs) in answers.enumerated() {
            // The quantized runs round: where two classes are within a few output steps the
            // argmax may differ. On these 64 training digits it never does.
            #expect(ours[image] == theirs, "\(path) \(run.resolver) digit \(image)")
        }
    }
}
