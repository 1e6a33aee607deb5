// Chapter 16's proof: for every CNN of models/cnn/ and every kernel family, every tensor that
// an operator writes equals, byte for byte, what TFLite wrote for the same digit, with chapter
// 9's network (part two's operators prepared by chapters 14 and 15) and with chapter 13's
// fast engine.

import Ch01TFLiteFile
import Ch02Affine
import Ch06Requantize
import Ch09Network
import Ch13FastEngine
import Ch16ConvolutionalNetwork
import Foundation
import TestSupport
import Testing

struct CNNAndFamily: CustomTestStringConvertible, Sendable {
    let model: String
    let family: KernelFamily
    var testDescription: String { "\(model) \(family.rawValue)" }
}

let cnnCases = RepositoryFiles.convolutionalModels.flatMap { model in KernelFamily.allCases.map { CNNAndFamily(model: model, family: $0) } }

func cnnNetwork(_ model: String, _ family: KernelFamily) throws -> Network {
    try Network(wholeBook: Model.load(path: RepositoryFiles.path(model)), family: family)
}

@Test func `part two ships seven CNNs and four rounding probes, with fixtures`() {
    #expect(RepositoryFiles.convolutionalModels.count == 11)
    #expect(RepositoryFiles.convolutionalModels.filter { $0.contains("/probes/") }.count == 4)
}

@Test(arguments: cnnCases)
func `every tensor of every CNN equals TFLite's, on every fixture digit`(_ item: CNNAndFamily) throws {
    let fixture = try RepositoryFiles.fixture(for: item.model)
    guard let run = fixture.run(item.family.resolver) else {
        let skipped = try #require(fixture.runs.first { $0.resolver == item.family.resolver }?.skipped)
        #expect(throws: (any Error).self, "TFLM refused this model (\(skipped)); the micro family must too") {
            _ = try cnnNetwork(item.model, item.family)
        }
        return
    }
    let network = try cnnNetwork(item.model, item.family)
    let fast = try FastNetwork(network)
    var differences: [String] = []
    var compared = 0
    let images = (0..<fixture.images.count).map { fixture.pixels(ofImage: $0) }
    let all = images.flatMap { $0 }
    let batch = all.withUnsafeBufferPointer { fast.run(pixels: $0, rows: images.count) }
    for (image, pixels) in images.enumerated() {
        let readable = try network.run(pixels: pixels)
        let quick = fast.networkRun(batch, row: image)
        for expected in run.outputs ?? [] {
            let codes = expected.integers(image: image).map { $0.map { Int32($0) } }
            let floats = expected.floats(image: image).map(Array.init)
            for (engine, result) in [("readable", readable), ("fast", quick)] {
                let ours = result.tensors[expected.index]
                let same = codes != nil ? ours?.integers == codes : ours?.floats == floats
                compared += 1
                if !same { differences.append("\(engine) image \(image) tensor \(expected.index) '\(expected.name.prefix(40))'") }
            }
        }
    }
    #expect(compared >= 16 * 5 * 2)
    #expect(differences.isEmpty, "\(differences.count) of \(compared) tensors differ: \(differences.prefix(6))")
}
