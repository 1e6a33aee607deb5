// Chapter 17's proof, in Swift: a CNN's integer contract, evaluated from its integers alone
// (what hardware/c/convolutional.c does), reproduces the golden vectors, and the golden
// vectors are TFLite's own tensors for the fixture digits. CI compiles the C reference on
// every shipped CNN (hardware/run-checks.sh).

import Ch01TFLiteFile
import Ch06Requantize
import Ch09Network
import Ch11Hardware
import Ch14Convolution
import Ch17ConvolutionalExport
import TestSupport
import Testing

struct ContractCase: CustomTestStringConvertible, Sendable {
    let model: String
    let family: KernelFamily
    var testDescription: String { "\(model) \(family.rawValue)" }
}

let contractCases = RepositoryFiles.convolutionalModels.flatMap { model in [KernelFamily.micro, .optimized].map { ContractCase(model: model, family: $0) } }

func fixtureImages(_ fixture: ReferenceFixture) -> [[UInt8]] { fixture.images.indices.map(fixture.pixels(ofImage:)) }

@Test(arguments: contractCases)
func `the contract computes every golden vector, and the vectors are TFLite's tensors`(_ item: ContractCase) throws {
    let model = try Model.load(path: RepositoryFiles.path(item.model))
    let fixture = try RepositoryFiles.fixture(for: item.model)
    guard let run = fixture.run(item.family.resolver) else {
        // TFLite Micro refused the model (uint8): so must the contract, in words that say why.
        let error = try #require(throws: ContractError.self) { try ConvolutionalContract(model: model, family: item.family) }
        #expect(error.description.contains("uint8"))
        return
    }
    let contract = try ConvolutionalContract(model: model, family: item.family)
    let vectors = try ConvolutionalVectors(contract: contract, model: model, images: fixtureImages(fixture), source: "the fixture")
    var compared = 0
    for (image, vector) in vectors.vectors.enumerated() {
        let computed = contract.evaluate(vector.input)
        for (index, layer) in contract.layers.enumerated() {
            #expect(computed[index].outputs == vector.outputs[index], "image \(image) layer \(index) (\(layer.kind.operatorName)) outputs")
            #expect(computed[index].accumulators == vector.accumulators[index], "image \(image) layer \(index) accumulators")
            let theirs = try #require(run.outputs?.first { $0.index == layer.outputTensor }, "TFLite's tensor \(layer.outputTensor)")
            #expect(theirs.integers(image: image).map { $0.map(Int32.init) } == vector.outputs[index], "image \(image) layer \(index) vs TFLite")
            compared += vector.outputs[index].count
        }
    }
    #expect(compared > 10_000)
}

@Test func `the tutorial CNN's contract: two convolutions, two max poolings, dense layers, each as the file says`() throws {
    let model = try Model.load(path: RepositoryFiles.path("models/cnn/cnn-int8.tflite"))
    let contract = try ConvolutionalContract(model: model, family: .micro)
    #expect(contract.layers.map(\.kind).prefix(4) == [.convolution, .maxPool, .convolution, .maxPool])
    #expect(contract.layers.dropFirst(4).allSatisfy { $0.kind == .fullyConnected })
    #expect(contract.softmax != nil)
    let scales = try model.convolutionLayers()
    for (layer, scale) in zip(contract.layers.filter { $0.kind == .convolution }, scales) {
        let options = try #require({ if case .convolution(let options) = model.main.operators[scale.operatorIndex].options { options } else { nil } }())
        #expect(layer.operatorIndex == scale.operatorIndex)
        #expect((layer.strideHeight, layer.strideWidth) == (options.strideHeight, options.strideWidth))
        #expect(layer.weights == (try model.codes(of: scale.weights)), "the filter as the file stores it")
        #expect(layer.weightsShape == scale.weights.shape)
        #expect(layer.inputZeroPoint == scale.inputZeroPoint)
        // M0 and shift are chapter 14's, per channel.
        let requantizer = try convolutionRequantizer(scale, family: .micro)
        for channel in [0, layer.output.channels - 1] {
            guard case .fixedPoint(let m0, let shift) = requantizer.multiplier(channel: channel) else { Issue.record("not fixed point"); continue }
            #expect((layer.multipliers[channel], layer.shifts[channel]) == (m0, Int32(shift)))
        }
    }
    // Flatten moves no value: the first dense layer reads the last pooling's codes as they lie.
    let pool = contract.layers[3], dense = contract.layers[4]
    #expect(dense.input.count == pool.output.count)
    #expect(contract.classCount == 10)
}

@Test func `a depthwise layer keeps TFLite's filter layout, taps outermost, and its multiplier`() throws {
    let model = try Model.load(path: RepositoryFiles.path("models/cnn/cnn-strided-depthwise-int8.tflite"))
    let contract = try ConvolutionalContract(model: model, family: .optimized)
    let depthwise = try #require(contract.layers.first { $0.kind == .depthwise })
    let scale = try #require(try model.convolutionLayers().first { $0.operatorIndex == depthwise.operatorIndex })
    #expect(depthwise.weights == (try model.codes(of: scale.weights)))
    #expect(depthwise.output.channels == depthwise.input.channels * depthwise.depthMultiplier)
    #expect(depthwise.rounding == .tiesUp, "optimized rounds ties toward +inf")
    #expect(contract.layers.contains { $0.kind == .averagePool })
}

@Test func `MEAN rounds ties away from zero in both integer families: both run reference_ops::QuantizedMeanOrSum`() throws {
    let model = try Model.load(path: RepositoryFiles.path("models/cnn/cnn-gap-int8.tflite"))
    for family in [KernelFamily.micro, .optimized] {
        let mean = try #require(try ConvolutionalContract(model: model, family: family).layers.first { $0.kind == .mean })
        #expect(mean.rounding == .tiesAwayFromZero)
        #expect((mean.windowHeight, mean.windowWidth) == (mean.input.height, mean.input.width))
        #expect(Set(mean.multipliers).count == 1 && mean.weights.isEmpty && mean.bias.isEmpty)
    }
}

@Test func `on a rounding probe the final rounding is what the contract must say: the other one misses codes`() throws {
    let path = "models/cnn/probes/cnn-int8-ties.tflite"
    let model = try Model.load(path: RepositoryFiles.path(path))
    let images = fixtureImages(try RepositoryFiles.fixture(for: path))
    let optimized = try ConvolutionalContract(model: model, family: .optimized)
    let micro = try ConvolutionalContract(model: model, family: .micro)
    let vectors = try ConvolutionalVectors(contract: optimized, model: model, images: images, source: "the fixture")
    let probed = try #require(optimized.layers.firstIndex { $0.kind == .convolution && $0.rounding == .tiesUp })
    var differing = 0
    for vector in vectors.vectors {
        // Micro's layer (ties away from zero) on the codes the optimized network read.
        let input = probed == 0 ? vector.input : vector.outputs[probed - 1]
        differing += zip(micro.layers[probed].evaluate(input).outputs, vector.outputs[probed]).filter { $0 != $1 }.count
    }
    #expect(differing > 0, "the probe's ties must separate the two roundings")
}

@Test func `the floating-point families have no integer contract, in one sentence`() throws {
    let model = try Model.load(path: RepositoryFiles.path("models/cnn/cnn-int8.tflite"))
    for family in [KernelFamily.reference, .xnnpack] {
        let error = try #require(throws: ContractError.self) { try ConvolutionalContract(model: model, family: family) }
        #expect(error.description.contains("micro (TFLite Micro) or optimized"))
        #expect(!error.description.contains("\n"))
    }
}

@Test func `every accumulator the digits make lies within chapter 11's worst case of its layer`() throws {
    for path in ["models/cnn/cnn-strided-depthwise-int8.tflite", "models/cnn/cnn-gap-int8.tflite", "models/cnn/cnn-uint8.tflite"] {
        let model = try Model.load(path: RepositoryFiles.path(path))
        let contract = try ConvolutionalContract(model: model, family: .optimized)
        let vectors = try ConvolutionalVectors(contract: contract, model: model, images: fixtureImages(try RepositoryFiles.fixture(for: path)), source: "the fixture")
        #expect(contract.widths.map(\.layerIndex) == contract.layers.indices.filter { !contract.layers[$0].weights.isEmpty }, "\(path)")
        for entry in contract.widths {
            // A depthwise row is one channel's taps; a convolution's a whole patch.
            let layer = entry.layer
            let expected = layer.kind == .depthwise ? layer.windowHeight * layer.windowWidth
                : layer.kind == .convolution ? layer.windowHeight * layer.windowWidth * layer.input.channels : layer.input.count
            #expect(entry.widths.inputCount == expected, "\(path) layer \(entry.layerIndex)")
            let seen = vectors.vectors.flatMap { $0.accumulators[entry.layerIndex] }
            #expect(seen.allSatisfy { entry.widths.worstCase.contains(Int64($0)) }, "\(path) layer \(entry.layerIndex)")
        }
    }
}
