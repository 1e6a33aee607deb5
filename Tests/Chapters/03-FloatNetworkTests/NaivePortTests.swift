// Chapter 3: the 10% mystery. The seed's numpy port of the legacy uint8 model, reproduced, and
// each fix in turn, on the 64 fixture digits (each with its label) and, when ../shared/mnist is
// there, on the 10,000 MNIST test images.

import Ch01TFLiteFile
import Ch02Affine
import Foundation
import TestSupport
import Testing
@testable import Ch03FloatNetwork

let legacyPath = "models/mnist-uint8.tflite"

func fixtureDigits() throws -> (images: [[UInt8]], labels: [Int]) {
    let fixture = try RepositoryFiles.fixture(for: legacyPath)
    return ((0..<fixture.images.count).map { fixturePixels(fixture, image: $0) }, fixture.images.map(\.label))
}

@Test func `one product in uint8 wraps modulo 256, for every pair of bytes`() {
    for weight in 0...255 {
        for input in 0...255 {
            let (w, x) = ([UInt8(weight)], [UInt8(input)])
            let wrapped = w.withUnsafeBufferPointer { a in x.withUnsafeBufferPointer { b in wrappingDot(a, b) } }
            #expect(Int(wrapped) == (weight * input) % 256, "\(weight)·\(input)")
        }
    }
}

@Test func `the seed's first layer is the exact sum modulo 256, neuron by neuron`() throws {
    let port = try NaivePort(model: loadModel(legacyPath))
    let digits = try fixtureDigits()
    let layer = port.layers[0]
    for pixels in digits.images.prefix(8) {
        let seed = port.seedFirstLayer(layer, codes: pixels.map(Int32.init))
        let exact = port.exactSums(layer, inputs: pixels.map(Int64.init), subtractingZeroPoints: false)
        for o in 0..<layer.outputCount {
            let withoutBias = exact[o] - layer.biasCodes[o]
            #expect(seed[o] == withoutBias % 256 + layer.biasCodes[o], "neuron \(o)")
            // The exact sum is far beyond a byte: 784 products of up to 255·255.
        }
        #expect(exact.contains { $0 - layer.biasCodes.first! > 255 })
    }
}

@Test func `the worked example: on the first digit, a 0, the seed says 5 and the fixed port says 0`() throws {
    // The numbers `workbook chapter 3 --model models/mnist-uint8.tflite` prints.
    let port = try NaivePort(model: loadModel(legacyPath))
    let digits = try fixtureDigits()
    #expect(digits.labels[0] == 0)
    let predictions = NaiveStep.allCases.map { port.run(pixels: digits.images[0], step: $0).prediction }
    #expect(predictions == [5, 0, 8, 0, 0])
    let seed = port.run(pixels: digits.images[0], step: .seed)
    #expect(seed.integerLogits?.min() == -1_901_524_682 && seed.integerLogits?.max() == 1_954_497_699)
    #expect(seed.wrapped)
    let int64 = port.run(pixels: digits.images[0], step: .int64Sums)
    #expect(int64.integerLogits?.max() == 436_387_866_383 && !int64.wrapped)
}

@Test func `with zero points subtracted, the first layer's sums are TFLite's accumulators`() throws {
    // Proof: requantized as LiteRT's reference kernel does (tflite-integer-notes §3.2:
    // ties-away(double(acc)·S1·S2/S3) + Z3, clamped), they give BUILTIN_REF's first layer exactly.
    let model = try loadModel(legacyPath)
    let port = try NaivePort(model: model)
    let scales = try #require(try model.fullyConnectedLayers().first)
    let effective = Double(scales.inputScale!) * Double(scales.weightScales[0]) / Double(scales.outputScale!)
    let fixture = try RepositoryFiles.fixture(for: legacyPath)
    let written = try #require(fixture.run("BUILTIN_REF")).integersPerImage(tensor: scales.output.index)
    for image in 0..<fixture.images.count {
        let sums = port.exactSums(port.layers[0], inputs: fixturePixels(fixture, image: image).map(Int64.init), subtractingZeroPoints: true)
        #expect(sums.allSatisfy { abs($0) < Int64(Int32.max) }, "one layer's accumulator fits int32")
        let requantized = sums.map { min(max(Int((Double($0) * effective).rounded(.toNearestOrAwayFromZero)) + Int(scales.outputZeroPoint), 0), 255) }
        #expect(requantized == written[image], "digit \(image)")
    }
}

@Test func `on the 64 fixture digits only zero points and wide enough sums together fix the port`() throws {
    let digits = try fixtureDigits()
    let rows = try naiveAccuracies(images: digits.images, labels: digits.labels, model: loadModel(legacyPath))
    #expect(rows.map(\.step) == NaiveStep.allCases)
    let correct = Dictionary(uniqueKeysWithValues: rows.map { ($0.step, $0.correct) })
    // About chance (64/10 = 6.4): every image wraps int32 somewhere in layers 2 or 3.
    for step in [NaiveStep.seed, .int32Sums, .zeroPoints] {
        #expect(correct[step]! <= 13, "\(step): \(correct[step]!)/64")
        #expect(rows.first { $0.step == step }!.wrappedImages == 64)
    }
    #expect(correct[.int64Sums] == 64 && correct[.scaledBack] == 64)
    #expect(rows.first { $0.step == .int64Sums }!.wrappedImages == 0)
}

@Test func `scaling back is the dequantized float network`() throws {
    let model = try loadModel(legacyPath)
    let port = try NaivePort(model: model)
    let network = try FloatNetwork(model: model)
    for pixels in try fixtureDigits().images {
        #expect(port.run(pixels: pixels, step: .scaledBack).realLogits == network.classify(pixels: pixels).logits)
    }
}

@Test func `the table prints one line per step`() throws {
    let digits = try fixtureDigits()
    let table = try naiveAccuracyTable(images: Array(digits.images.prefix(10)), labels: Array(digits.labels.prefix(10)), model: loadModel(legacyPath))
    let lines = table.split(separator: "\n")
    #expect(lines.count == 1 + NaiveStep.allCases.count)
    #expect(lines[5].hasPrefix("5. scaled back: r = S·(q − Z)") && lines[5].contains("10/10"))
    #expect(throws: FloatNetworkError.self) { try NaivePort(model: loadModel("models/mnist-float.tflite")) }
}

// The one heavy test: 10,000 images through the float network and the five steps. Skipped when
// ../shared/mnist is absent (a bare checkout), as the test report then says.
@Test(.enabled(if: sharedMNISTExists, "../shared/mnist is absent: the MNIST test set is not part of the repository"))
func `on the 10,000 MNIST test images the seed scores about 10 % and the fixes about 95 %`() throws {
    let set = try LabeledImages.mnistTestSet(in: sharedMNIST.path)
    let started = Date()
    let float = try FloatNetwork(model: loadModel(floatPath))
    let floatCorrect = zip(set.images, set.labels).filter { float.classify(pixels: $0).prediction == $1 }.count
    // LiteRT's BUILTIN_REF run of the same model on the same images (tools/litert_io.py
    // `predict_litert`, as tools/accuracy.py runs it) gets 9533 right; our float network is
    // bit-exact with that kernel, so it must get the same.
    #expect(floatCorrect == 9533)
    let rows = try naiveAccuracies(images: set.images, labels: set.labels, model: loadModel(legacyPath))
    let table = naiveAccuracyTable(rows)
    print("MNIST test set, \(legacyPath):\n\(table)float network (\(floatPath)): \(floatCorrect)/10000, measured in \(Int(Date().timeIntervalSince(started))) s")
    for row in rows where row.step.rawValue <= NaiveStep.zeroPoints.rawValue {
        #expect(row.correct < 1_500, "\(row.step): \(row.correct)/10000")
    }
    for row in rows where row.step.rawValue >= NaiveStep.int64Sums.rawValue {
        #expect(row.correct > 9_000, "\(row.step): \(row.correct)/10000")
    }
}
