// Chapter 13's proof: the fast engine writes what chapter 9's network writes, every tensor
// of every image, for every model with a fixture, every kernel family and every instruction
// path this CPU offers; and on the 10,000 MNIST test images when ../shared/mnist is there.
// Chapter 9's network is itself proven equal to TFLite on the same models (WholeNetworkTests,
// tools/crosscheck.py), so equal to it is equal to TFLite.

import Ch01TFLiteFile
import Ch02Affine
import Ch03FloatNetwork
import Ch06Requantize
import Ch09Network
import Ch13FastEngine
import Foundation
import TestSupport
import Testing

struct EngineCase: CustomTestStringConvertible, Sendable {
    let model: String
    let family: KernelFamily
    let path: InstructionPath
    var testDescription: String { "\(model) \(family.rawValue) \(path.rawValue)" }
}

/// The networks to compare: the quantized models in every family (the micro family refuses
/// uint8 models, as TFLite Micro does), the float model in the reference order it has.
func preparedNetwork(_ model: String, _ family: KernelFamily) throws -> Network? {
    let fixture = try RepositoryFiles.fixture(for: model)
    let mapping = fixture.inputRange.map { PixelMapping.reals(lo: $0[0], hi: $0[1]) }
    let loaded = try Model.load(path: RepositoryFiles.path(model))
    if model.hasSuffix("float.tflite") && family != .reference { return nil }
    return try? Network(model: loaded, family: family, pixelMapping: mapping)
}

let engineCases = RepositoryFiles.modelsWithFixtures.flatMap { model in
    KernelFamily.allCases.flatMap { family in InstructionPath.available.map { EngineCase(model: model, family: family, path: $0) } }
}

/// Every tensor and every accumulator of `rows` images, fast against readable; the differences
/// found (none, for an integer tensor). Float tensors of a float layer on a vector path may differ
/// in their last bits (their sums are added in another order): those are counted apart.
func differences(_ network: Network, _ fast: FastNetwork, images: [[UInt8]], batch: Int)
    throws -> (integer: [String], float: Int, compared: Int) {
    var found: [String] = []
    var floatDifferences = 0
    var compared = 0
    let floatLayers = network.steps.contains { if case .floatFullyConnected = $0.step { true } else { false } }
    for start in stride(from: 0, to: images.count, by: batch) {
        let chunk = Array(images[start..<min(start + batch, images.count)])
        let pixels = chunk.flatMap { $0 }
        let run = pixels.withUnsafeBufferPointer { fast.run(pixels: $0, rows: chunk.count) }
        for (row, image) in chunk.enumerated() {
            let expected = try network.run(pixels: image)
            #expect(run.written.map(\.tensor) == expected.written.map(\.tensor))
            for tensor in [network.input.index] + expected.written.map(\.tensor) {
                let (ours, theirs) = (run.tensors[tensor]!.values(row: row), expected.tensors[tensor]!)
                compared += 1
                if ours == theirs { continue }
                if floatLayers && fast.path != .portable, ours.floats != nil { floatDifferences += 1; continue }
                found.append("image \(start + row) tensor \(tensor): \(firstDifference(ours, theirs))")
            }
            for (tensor, accumulators) in expected.accumulators
            where run.accumulators(tensor: tensor, row: row, count: accumulators.count) != accumulators {
                found.append("image \(start + row) accumulators of tensor \(tensor)")
            }
            // A float model's prediction too: chapter 13's prose says the summation order has changed
            // none on these images (a near tie could; then the prose must say so).
            if run.prediction(row: row) != expected.prediction {
                found.append("image \(start + row): prediction \(run.prediction(row: row)) ≠ \(expected.prediction)")
            }
        }
    }
    return (found, floatDifferences, compared)
}

/// Where two values of a tensor part: the first element that differs, or the counts.
func firstDifference(_ ours: TensorValues, _ theirs: TensorValues) -> String {
    let (a, b) = (ours.integers?.map(Double.init) ?? ours.floats!.map(Double.init),
                  theirs.integers?.map(Double.init) ?? theirs.floats!.map(Double.init))
    guard a.count == b.count else { return "\(a.count) values, chapter 9 \(b.count)" }
    let element = a.indices.first { a[$0] != b[$0] } ?? 0
    return "element \(element): fast \(a[element]), chapter 9 \(b[element])"
}

func fixtureImages(_ model: String) throws -> [[UInt8]] {
    let fixture = try RepositoryFiles.fixture(for: model)
    return fixture.images.indices.map(fixture.pixels(ofImage:))
}

@Test(arguments: engineCases)
func `the fast engine writes chapter 9's tensors on every fixture digit`(_ item: EngineCase) throws {
    guard let network = try preparedNetwork(item.model, item.family) else { return }
    let fast = try FastNetwork(network, path: item.path)
    let images = try fixtureImages(item.model)
    // Whole batches, a batch of one, and sizes that leave every remainder of a 6-row tile.
    for batch in [64, 1, 7, 11] {
        let result = try differences(network, fast, images: images, batch: batch)
        #expect(result.compared >= images.count * 3)
        let count = result.integer.count
        #expect(count == 0, "batch \(batch): \(count) differences, the first \(result.integer.prefix(3))")
    }
}

/// ../shared/mnist beside the repository: the official test set, not part of the repository.
let sharedMNIST = RepositoryFiles.root.deletingLastPathComponent().appendingPathComponent("shared/mnist")
let sharedMNISTExists = FileManager.default.fileExists(atPath: sharedMNIST.appendingPathComponent("t10k-images-idx3-ubyte.gz").path)

// Every model with a fixture: tools/crosscheck.py compares the fast engine with TFLite on these
// images, and this test carries that proof over to chapter 9's network.
let mnistCases = RepositoryFiles.modelsWithFixtures.flatMap { model in
    KernelFamily.allCases.map { EngineCase(model: model, family: $0, path: InstructionPath.best) }
}

// Skipped (and said so in the test report) when ../shared/mnist is absent, as in a bare checkout.
@Test(.enabled(if: sharedMNISTExists, "../shared/mnist is absent: the MNIST test set is not part of the repository"),
      arguments: mnistCases)
func `the fast engine writes chapter 9's tensors on the 10,000 MNIST test images`(_ item: EngineCase) throws {
    guard let network = try preparedNetwork(item.model, item.family) else { return }
    let fast = try FastNetwork(network, path: item.path)
    let set = try LabeledImages.mnistTestSet(in: sharedMNIST.path)
    let result = try differences(network, fast, images: set.images, batch: 100)
    #expect(result.compared >= 10_000 * 3)
    let count = result.integer.count
    #expect(count == 0, "\(count) differences, the first \(result.integer.prefix(3))")
    if result.float > 0 { print("\(item.testDescription): \(result.float) float tensors differ in their last bits (summation order)") }
}
