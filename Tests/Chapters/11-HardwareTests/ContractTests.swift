// Chapter 11's contract, proved: computed from the exported integers alone, every layer gives
// what TFLite Micro (micro) and LiteRT's builtin kernels (optimized) wrote for the 64 fixture
// digits (models/fixtures/, tools/reference.py), and M0 and shift are QuantizeMultiplier of
// LiteRT's own scales.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch08Softmax
import Ch09Network
import Foundation
import TestSupport
import Testing
@testable import Ch11Hardware

let quantizedModels = RepositoryFiles.modelsWithFixtures.filter { !$0.contains("float.tflite") }

func load(_ path: String) throws -> Model { try Model.load(path: RepositoryFiles.path(path)) }

/// The values of tensor `index` in a fixture run, for one image: the fed input, or what an
/// operator of that run wrote.
func fixtureValues(_ fixture: ReferenceFixture, _ run: ReferenceFixture.Run, tensor index: Int, image: Int) throws -> [Int32] {
    if index == fixture.input.index, let values = fixture.input.integers(image: image) { return values.map { Int32($0) } }
    let tensor = try #require(run.outputs?.first { $0.index == index }, "the \(run.resolver) run wrote no tensor \(index)")
    return try #require(tensor.integers(image: image)).map { Int32($0) }
}

@Test func `the worked example: one neuron of the first layer, from its integers to TFLite Micro's code`() throws {
    let path = "models/mnist-int8.tflite"
    let fixture = try RepositoryFiles.fixture(for: path)
    let run = try #require(fixture.run("TFLM"))
    let contract = try NetworkContract(model: load(path), family: .micro)
    let layer = contract.layers[0]
    let input = try fixtureValues(fixture, run, tensor: layer.inputTensor, image: 0)
    let result = layer.evaluate(input)
    // The neuron the digit excites most, as the narration follows it.
    let channel = result.accumulators.indices.max { result.accumulators[$0] < result.accumulators[$1] }!
    let acc = result.accumulators[channel]
    // (11.1) by hand, in Int64 so that nothing can wrap.
    let byHand = (0..<layer.inputCount).reduce(Int64(layer.bias[channel])) { sum, k in
        sum + Int64(layer.weights[channel * layer.inputCount + k] - layer.weightZeroPoints[channel]) * Int64(input[k] - layer.inputZeroPoint)
    }
    #expect(Int64(acc) == byHand)
    // (11.2)–(11.4) step by step, with chapter 6's primitives; shift is negative here: no left shift.
    let shift = Int(layer.shifts[channel])
    #expect(shift < 0)
    let high = saturatingRoundingDoublingHighMul(acc, layer.multipliers[channel])
    let scaled = roundingDivideByPowerOfTwo(high, -shift)
    let code = min(max(scaled + layer.outputZeroPoint, layer.outputMinimum), layer.outputMaximum)
    let tflm = try fixtureValues(fixture, run, tensor: layer.outputTensor, image: 0)
    #expect(code == tflm[channel])
    #expect(result.outputs[channel] == code)
    // The real multiplier the integers stand for: M0·2^(shift − 31) ≈ S1·S2[c]/S3 from LiteRT's scales.
    let scales = Dictionary(uniqueKeysWithValues: fixture.tensors.map { ($0.index, $0.scales) })
    let s1 = try #require(scales[layer.inputTensor]?.first), s3 = try #require(scales[layer.outputTensor]?.first)
    let weightsIndex = try #require(fixture.operators.first { $0.index == layer.operatorIndex }?.inputs[1])
    let s2 = try #require(scales[weightsIndex]?[channel])
    let real = Double(Float(s1)) * Double(Float(s2)) / Double(Float(s3))
    let represented = Double(layer.multipliers[channel]) * pow(2, Double(shift - 31))
    // QuantizeMultiplier rounds q·2^31 to an integer: half a unit in the last of 31 bits.
    #expect(abs(represented - real) / real <= 0x1p-31)
}

@Test(arguments: quantizedModels)
func `M0 and shift of every channel are QuantizeMultiplier of LiteRT's scales`(path: String) throws {
    let fixture = try RepositoryFiles.fixture(for: path)
    let scales = Dictionary(uniqueKeysWithValues: fixture.tensors.map { ($0.index, $0.scales.map(Float.init)) })
    let contract = try NetworkContract(model: load(path), family: .optimized)
    for layer in contract.layers {
        let weightsIndex = try #require(fixture.operators.first { $0.index == layer.operatorIndex }?.inputs[1])
        let (s1, s3) = (try #require(scales[layer.inputTensor]?.first), try #require(scales[layer.outputTensor]?.first))
        let s2 = try #require(scales[weightsIndex])
        for channel in 0..<layer.outputCount {
            let weightScale = s2.count == 1 ? s2[0] : s2[channel]
            // Per tensor, TFLite forms S1·S2 in float32 first (chapter 6).
            let real = s2.count == 1 ? Double(s1 * weightScale) / Double(s3) : Double(s1) * Double(weightScale) / Double(s3)
            let (multiplier, shift) = quantizeMultiplier(real)
            #expect(layer.multipliers[channel] == multiplier && Int(layer.shifts[channel]) == shift,
                    "\(path) operator \(layer.operatorIndex) channel \(channel)")
        }
    }
}

struct ModelAndFamily: CustomTestStringConvertible, Sendable {
    let model: String
    let family: KernelFamily
    var testDescription: String { "\(model) \(family.rawValue)" }
}

/// micro for the int8 models (TFLite Micro has no uint8 kernels), optimized for all of them.
let integerCases = quantizedModels.flatMap { model in
    (model.contains("uint8") ? [KernelFamily.optimized] : [.micro, .optimized]).map { ModelAndFamily(model: model, family: $0) }
}

@Test(arguments: integerCases)
func `the contract alone reproduces the runtime's every layer on every fixture digit`(_ item: ModelAndFamily) throws {
    let fixture = try RepositoryFiles.fixture(for: item.model)
    let run = try #require(fixture.run(item.family.resolver))
    let contract = try NetworkContract(model: load(item.model), family: item.family)
    var differences: [String] = []
    for image in 0..<fixture.images.count {
        // The first layer reads the runtime's codes; every later one reads ours.
        let results = contract.evaluate(try fixtureValues(fixture, run, tensor: contract.layers[0].inputTensor, image: image))
        for (layer, result) in zip(contract.layers, results) {
            let theirs = try fixtureValues(fixture, run, tensor: layer.outputTensor, image: image)
            if result.outputs != theirs { differences.append("image \(image) operator \(layer.operatorIndex)") }
        }
    }
    #expect(differences.isEmpty, "\(differences.count) layer outputs differ: \(differences.prefix(5))")
}

@Test func `the contract's accumulators are chapter 9's, and its class the argmax of the last codes`() throws {
    let path = "models/mnist-int8.tflite"
    let (model, fixture) = (try load(path), try RepositoryFiles.fixture(for: path))
    let contract = try NetworkContract(model: model, family: .micro)
    let images = (0..<8).map(fixture.pixels(ofImage:))
    let golden = try GoldenVectors(contract: contract, model: model, images: images, source: "test")
    for (image, vector) in golden.vectors.enumerated() {
        let results = contract.evaluate(vector.input)
        #expect(results.map(\.accumulators) == vector.accumulators, "image \(image)")
        #expect(results.map(\.outputs) == vector.outputs, "image \(image)")
        #expect(vector.predictedClass == argmax(results[results.count - 1].outputs))
        // The fixture's digits are all classified correctly by this model (chapter 9).
        #expect(vector.predictedClass == fixture.images[image].label)
    }
}


@Test func `the families that requantize in floating point have no integer contract`() throws {
    let model = try load("models/mnist-int8.tflite")
    for family in [KernelFamily.reference, .xnnpack] {
        #expect(throws: ContractError.self, "\(family)") { try NetworkContract(model: model, family: family) }
    }
}

@Test func `micro refuses the uint8 models, as TFLite Micro does; optimized takes them`() throws {
    // The legacy uint8 models; a uint8-I/O model computes in int8 inside, which micro does.
    for path in quantizedModels where path.contains("uint8") {
        let model = try load(path)
        guard try model.family() == .uint8PerTensor else { continue }
        let error = #expect(throws: ContractError.self) { try NetworkContract(model: model, family: .micro) }
        #expect(error?.description.contains("--kernels optimized") == true)
        let contract = try NetworkContract(model: model, family: .optimized)
        #expect(contract.weightType == .uint8 && contract.codeType == .uint8)
        // Legacy uint8 weights have a zero point, repeated for every channel.
        #expect(contract.layers.allSatisfy { Set($0.weightZeroPoints).count == 1 && $0.weightZeroPoints[0] != 0 })
    }
}

@Test func `the float model has no integer contract`() throws {
    #expect(throws: ContractError.self) { try NetworkContract(model: load("models/mnist-float.tflite"), family: .micro) }
}

@Test func `the softmax parameters are chapter 8's, and the int8 softmax writes codes from −128`() throws {
    let model = try load("models/mnist-int8.tflite")
    let contract = try NetworkContract(model: model, family: .micro)
    let softmax = try #require(contract.softmax)
    let fixture = try RepositoryFiles.fixture(for: "models/mnist-int8.tflite")
    let logits = try #require(fixture.tensors.first { $0.index == contract.layers[2].outputTensor })
    let scaling = try SoftmaxScaling(inputScale: Float(logits.scales[0]), beta: model.softmaxLayer().beta)
    #expect(softmax.inputMultiplier == scaling.inputMultiplier)
    #expect(softmax.inputLeftShift == scaling.inputLeftShift)
    #expect(softmax.diffMin == scaling.diffMin)
    #expect(softmax.outputZeroPoint == -128)
    #expect(softmax.operatorIndex == 3)
}
