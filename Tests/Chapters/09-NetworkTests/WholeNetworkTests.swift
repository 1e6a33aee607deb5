// Chapter 9's proof: for every quantized model with a fixture and every kernel family, every
// tensor that an operator writes equals, byte for byte, what TFLite wrote for the same digit.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Foundation
import TestSupport
import Testing
@testable import Ch09Network

let quantizedModels = RepositoryFiles.modelsWithFixtures.filter { !$0.contains("float.tflite") }

struct ModelAndFamily: CustomTestStringConvertible, Sendable {
    let model: String
    let family: KernelFamily
    var testDescription: String { "\(model) \(family.rawValue)" }
}

/// A model's network with the pixel mapping its fixture's inputs were made with.
func fixtureNetwork(_ model: String, _ family: KernelFamily, _ fixture: ReferenceFixture) throws -> Network {
    let mapping = fixture.inputRange.map { PixelMapping.reals(lo: $0[0], hi: $0[1]) }
    return try Network(model: Model.load(path: RepositoryFiles.path(model)), family: family, pixelMapping: mapping)
}

let cases = quantizedModels.flatMap { model in KernelFamily.allCases.map { ModelAndFamily(model: model, family: $0) } }

@Test(arguments: cases)
func `every tensor every operator writes equals TFLite's, on every fixture digit`(_ item: ModelAndFamily) throws {
    let fixture = try RepositoryFiles.fixture(for: item.model)
    guard let run = fixture.run(item.family.resolver) else {
        // TFLite Micro refuses uint8 models: the fixture records why, and so must we refuse.
        let skipped = try #require(fixture.runs.first { $0.resolver == item.family.resolver }?.skipped)
        #expect(throws: (any Error).self, "TFLM refused this model (\(skipped)); the micro family must too") {
            _ = try fixtureNetwork(item.model, item.family, fixture)
        }
        return
    }
    let network = try fixtureNetwork(item.model, item.family, fixture)
    var differences: [String] = []
    var compared = 0
    for image in 0..<fixture.images.count {
        let pixels = fixture.pixels(ofImage: image)
        let result = try network.run(pixels: pixels)
        for expected in run.outputs ?? [] {
            let ours = try #require(result.tensors[expected.index], "tensor \(expected.index) was not written")
            let same: Bool
            if let codes = expected.integers(image: image) {
                same = ours.integers == codes.map { Int32($0) }
            } else {
                same = ours.floats == expected.floats(image: image).map(Array.init)
            }
            compared += 1
            if !same { differences.append("image \(image) tensor \(expected.index) '\(expected.name)'") }
        }
    }
    #expect(compared >= 64 * 3)
    #expect(differences.isEmpty, "\(differences.count) of \(compared) tensors differ: \(differences.prefix(5))")
}

@Test func `the float model agrees with TFLite's reference kernels to float32 rounding`() throws {
    let path = "models/mnist-float.tflite"
    let fixture = try RepositoryFiles.fixture(for: path)
    let run = try #require(fixture.run("BUILTIN_REF"))
    let network = try Network(model: Model.load(path: RepositoryFiles.path(path)), family: .reference)
    var largest: Float = 0
    for image in 0..<fixture.images.count {
        let pixels = fixture.pixels(ofImage: image)
        let result = try network.run(pixels: pixels)
        for expected in run.outputs ?? [] {
            let ours = try #require(result.tensors[expected.index]?.floats)
            let theirs = Array(try #require(expected.floats(image: image)))
            largest = max(largest, zip(ours, theirs).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0)
        }
        #expect(result.prediction == fixture.images[image].label)
    }
    // Summing 784 float32 products in another order moves the last few bits: 1e-5 relative.
    #expect(largest < 1e-5, "largest relative difference \(largest)")
}

@Test func `the network refuses an input of the wrong size`() throws {
    let network = try Network(model: Model.load(path: RepositoryFiles.path("models/mnist-int8.tflite")), family: .reference)
    #expect(throws: NetworkError.self) { try network.run(.integers([1, 2, 3])) }
}
